package io.plmwb.views.kvcache;

import io.plmwb.views.common.FxmlWorkspace;

/**
 * The KvCache workspace. Until its feature lands, its FXML says plainly what it will show and which engine
 * capability it waits for; it shows no data it has not measured.
 */
public final class KvCacheView extends FxmlWorkspace {
}
