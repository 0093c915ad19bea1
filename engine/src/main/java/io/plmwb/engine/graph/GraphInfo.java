package io.plmwb.engine.graph;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link OnnxGraphBuilder} wrote.
 *
 * @param onnxFile     the model file
 * @param dataFile     the external-data sidecar holding the weights (next to the model file)
 * @param mode         cache layout
 * @param pastNames    cache input names, in order (per layer: latent, or key then value)
 * @param presentNames matching cache output names
 * @param weightBytes  bytes of weights written to the sidecar
 */
public record GraphInfo(Path onnxFile, Path dataFile, CacheMode mode, List<String> pastNames, List<String> presentNames,
                        long weightBytes) {

    public GraphInfo {
        pastNames = List.copyOf(pastNames);
        presentNames = List.copyOf(presentNames);
    }
}
