package io.plmwb.views.common;

import javafx.scene.Parent;

/** A workspace whose root comes from the FXML beside its class, loaded once on first use. */
public abstract class FxmlWorkspace implements Workspace {

    private Parent root;

    @Override
    public final Parent root() {
        if (root == null) {
            root = ViewLoader.load(this);
        }
        return root;
    }
}
