package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LogitsComparison;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fp32 graph built from each fixture GGUF (weights dequantized to fp32) against llama.cpp's F32 logits (F32 file)
 * and against the numpy forward pass on the same dequantized weights (quantized files), in both cache modes, as one
 * prefill and token by token. Tolerance 1e-4 (fixture README); the quantized files are also compared with llama.cpp's
 * own quantized logits, where only a sanity bound holds (llama.cpp quantizes activations too).
 */
class GgufParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"F32,llamacpp-F32,0.002", "F16,numpy-F16-dequant,0.002", "Q8_0,numpy-Q8_0-dequant,0.05",
            "Q4_0,numpy-Q4_0-dequant,0.05", "Q4_K_M,numpy-Q4_K_M-dequant,0.05", "Q6_K,numpy-Q6_K-dequant,0.05"})
    void ggufLogitsMatchTheReferences(String type, String reference, double vsLlamaCpp) throws Exception {
        float[][] want = Fixture.readF32(Fixture.shared().resolve("fixtures/gguf/logits/" + reference + ".f32"), 512);
        float[][] llama = Fixture.readF32(Fixture.shared().resolve("fixtures/gguf/logits/llamacpp-" + type + ".f32"),
                512);
        for (CacheMode mode : CacheMode.values()) {
            Path onnx = tmp.resolve(type + "-" + mode.key() + ".onnx");
            try (GgufCheckpoint c = GgufCheckpoint.open(GgufFixtureTest.gguf(type))) {
                OnnxGraphBuilder.build(c.config(), c, GraphOptions.of(mode), onnx, TaskContext.none());
            }
            try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
                for (boolean incremental : new boolean[] {false, true}) {
                    float[][] got = LogitsRunner.run(s, Fixture.IDS, incremental, TaskContext.none());
                    LogitsComparison c = LogitsRunner.compare(got, want);
                    LogitsComparison l = LogitsRunner.compare(got, llama);
                    System.out.printf("gguf %s %s %s: vs %s %.3e, vs llamacpp-%s %.3e (argmax %d/12)%n", type,
                            mode.key(), incremental ? "incremental" : "prefill", reference, c.maxAbsDiff(), type,
                            l.maxAbsDiff(), l.argmaxAgree());
                    assertTrue(c.maxAbsDiff() <= 1e-4, type + " " + mode + " vs " + reference + ": " + c.maxAbsDiff());
                    assertTrue(l.maxAbsDiff() <= vsLlamaCpp, type + " vs llama.cpp: " + l.maxAbsDiff());
                    if (type.equals("F32")) {
                        assertArrayEquals(Fixture.ARGMAX, c.argmax());
                    }
                }
            }
        }
    }
}
