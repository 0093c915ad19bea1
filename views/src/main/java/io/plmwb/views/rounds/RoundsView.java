package io.plmwb.views.rounds;

import io.plmwb.views.common.FxmlWorkspace;

/**
 * The Rounds workspace. Until its feature lands, its FXML says plainly what it will show and which engine
 * capability it waits for; it shows no data it has not measured.
 */
public final class RoundsView extends FxmlWorkspace {
}
