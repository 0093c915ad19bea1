package io.plmwb.views.latency;

import io.plmwb.views.common.FxmlWorkspace;

/**
 * The Latency workspace. Until its feature lands, its FXML says plainly what it will show and which engine
 * capability it waits for; it shows no data it has not measured.
 */
public final class LatencyView extends FxmlWorkspace {
}
