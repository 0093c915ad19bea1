package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ONNX graph on the shared tiny-PLM fixture vs llama.cpp's F32 logits. */
class FixtureParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void graphMatchesLlamaCppF32(CacheMode mode) throws Exception {
        ModelConfig cfg = ConfigLoader.load(Fixture.hf());
        Path onnx = tmp.resolve("plm-" + mode.key() + ".onnx");
        try (SafetensorsCheckpoint w = SafetensorsCheckpoint.open(Fixture.hf())) {
            OnnxGraphBuilder.build(cfg, w, GraphOptions.of(mode), onnx, TaskContext.none());
        }
        float[][] want = Fixture.llamacppF32();
        try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
            for (boolean incremental : new boolean[] {false, true}) {
                float[][] got = LogitsRunner.run(s, Fixture.IDS, incremental, TaskContext.none());
                LogitsComparison c = LogitsRunner.compare(got, want);
                System.out.printf("fixture %s %s vs llamacpp-F32: max abs diff %.3e (pos %d), argmax %d/%d%n",
                        mode.key(), incremental ? "incremental" : "prefill", c.maxAbsDiff(), c.maxDiffPosition(),
                        c.argmaxAgree(), c.positions());
                assertTrue(c.maxAbsDiff() <= 1e-4, mode + " incremental=" + incremental + ": " + c.maxAbsDiff());
                assertArrayEquals(Fixture.ARGMAX, c.argmax());
                assertEquals(Fixture.IDS.length, s.cacheLength());
            }
            // the native cache matches the costing model's values per token per layer (fp32)
            long perToken = ArchitectureSummary.of(cfg).kvValuesPerTokenPerLayer(mode.layout()).orElseThrow();
            assertEquals(mode == CacheMode.LATENT ? cfg.kvAWidth()
                    : (long) cfg.numHeads() * (cfg.qHeadDim() + cfg.vHeadDim()), perToken);
            assertEquals(perToken * 4 * cfg.numLayers() * Fixture.IDS.length, s.cacheBytes());
        }
    }
}
