package io.plmwb.views.common;

import javafx.scene.Parent;

/** A workspace the navigation rail can show. Implemented by each feature's View. */
public interface Workspace {

    /** The workspace's root node (loaded from its FXML). */
    Parent root();

    /**
     * Opens the export dialog for the chart the workspace currently shows.
     *
     * @return false when the workspace shows no chart right now (the shell then tells the user so)
     */
    default boolean exportCurrentChart() {
        return false;
    }
}
