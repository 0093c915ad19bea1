package io.plmwb.views.sparsity;

import io.plmwb.views.common.FxmlWorkspace;

/**
 * The Sparsity workspace. Until its feature lands, its FXML says plainly what it will show and which engine
 * capability it waits for; it shows no data it has not measured.
 */
public final class SparsityView extends FxmlWorkspace {
}
