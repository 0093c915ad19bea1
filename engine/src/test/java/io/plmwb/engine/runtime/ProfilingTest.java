package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.TinyModels;
import io.plmwb.engine.testutil.TinyModels.Tiny;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ORT's profile names nodes by layer and block, so per-layer timings can be read from it. */
class ProfilingTest {

    @TempDir
    Path tmp;

    @Test
    void profileNamesNodesByLayer() throws Exception {
        Tiny t = TinyModels.plm(2, null);
        Path onnx = tmp.resolve("p.onnx");
        OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(CacheMode.LATENT), onnx, TaskContext.none());
        Path prefix = tmp.resolve("prof");
        try (DecoderSession s = DecoderSession.open(onnx, new RuntimeOptions(1, 1, prefix))) {
            s.prefill(new int[] {1, 2, 3});
            s.decode(4);
        }
        List<Path> files;
        try (Stream<Path> st = Files.list(tmp)) {
            files = st.filter(p -> p.getFileName().toString().startsWith("prof")).toList();
        }
        assertTrue(!files.isEmpty(), "no profile written in " + tmp);
        String json = Files.readString(files.get(0));
        assertTrue(json.contains("layers.1/attn/q_absorb"), "profile lacks layer-named attention nodes");
        assertTrue(json.contains("layers.0/mlp/") && json.contains("head/lm_head"), "profile lacks mlp/head nodes");
    }
}
