package io.plmwb.engine.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.reference.ReferenceForward;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import io.plmwb.engine.testutil.TinyModels.Tiny;
import io.plmwb.engine.testutil.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphVsReferenceTest {

    @TempDir
    Path tmp;

    private double check(String label, Tiny t, CacheMode mode) throws Exception {
        int[] ids = TinyModels.ids(7, 9, t.config().vocabSize());
        float[][] ref = ReferenceForward.logits(t.config(), t.weights(), ids);
        Path onnx = tmp.resolve(label + ".onnx");
        OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(mode), onnx, TaskContext.none());
        float[][] prefill;
        float[][] incremental = new float[ids.length][];
        try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
            prefill = s.prefill(ids, true, TaskContext.none());
            s.reset();
            for (int i = 0; i < ids.length; i++) {
                incremental[i] = s.decode(ids[i]);
            }
            assertTrue(s.cacheLength() == ids.length);
        }
        double d1 = Fixture.maxAbs(prefill, ref);
        double d2 = Fixture.maxAbs(incremental, ref);
        double d3 = Fixture.maxAbs(incremental, prefill);
        System.out.printf("%s %s: prefill vs ref %.2e, incremental vs ref %.2e, incremental vs prefill %.2e%n", label,
                mode.key(), d1, d2, d3);
        assertTrue(d1 <= 1e-4, label + " prefill vs reference " + d1);
        assertTrue(d2 <= 1e-4, label + " incremental vs reference " + d2);
        assertTrue(d3 <= 1e-4, label + " incremental vs prefill " + d3);
        return d1;
    }

    @Test
    void plmLatent() throws Exception {
        check("plm", TinyModels.plm(1, null), CacheMode.LATENT);
    }

    @Test
    void plmExpanded() throws Exception {
        check("plm", TinyModels.plm(1, null), CacheMode.EXPANDED);
    }

    @Test
    void llamaGqa() throws Exception {
        check("llama", TinyModels.gqa(2, LlamaFamily.ID), CacheMode.EXPANDED);
    }

    /** Llama-3 rope scaling (original context 64 so that, on head_dim 16, all three frequency bands occur). */
    @Test
    void llamaWithLlama3RopeScaling() throws Exception {
        Tiny plain = TinyModels.gqa(5, LlamaFamily.ID);
        Tiny scaled = new Tiny(plain.config().withRopeScaling(
                io.plmwb.engine.model.RopeScaling.llama3(8, 1, 4, 64)), plain.weights());
        check("llama3-scaled", scaled, CacheMode.EXPANDED);
        // the scaling must matter: the unscaled reference differs
        int[] ids = TinyModels.ids(7, 9, plain.config().vocabSize());
        double diff = Fixture.maxAbs(ReferenceForward.logits(plain.config(), plain.weights(), ids),
                ReferenceForward.logits(scaled.config(), scaled.weights(), ids));
        assertTrue(diff > 1e-3, "scaled and unscaled logits should differ, max diff " + diff);
    }

    /** linear scaling on PLM's interleaved rotary dims, latent cache. */
    @Test
    void plmWithLinearRopeScaling() throws Exception {
        Tiny plain = TinyModels.plm(6, null);
        check("plm-linear", new Tiny(plain.config().withRopeScaling(io.plmwb.engine.model.RopeScaling.linear(4)),
                plain.weights()), CacheMode.LATENT);
    }

    @Test
    void qwen2Bias() throws Exception {
        check("qwen2", TinyModels.gqa(3, Qwen2Family.ID), CacheMode.EXPANDED);
    }

    @Test
    void plmWithQueryLora() throws Exception {
        check("plm-qlora", TinyModels.plm(4, 24), CacheMode.LATENT);
    }

    /** Latent and expanded graphs agree, also when the cache is filled by chunked prefills and decodes. */
    @Test
    void latentEqualsExpandedWithChunkedPrefill() throws Exception {
        Tiny t = TinyModels.plm(9, null);
        int[] ids = TinyModels.ids(11, 14, t.config().vocabSize());
        float[][][] results = new float[2][][];
        for (CacheMode mode : CacheMode.values()) {
            Path onnx = tmp.resolve("chunk-" + mode.key() + ".onnx");
            OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(mode), onnx, TaskContext.none());
            try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
                float[][] full = s.prefill(ids, true, TaskContext.none());
                s.reset();
                float[][] mixed = new float[ids.length][];
                float[][] a = s.prefill(java.util.Arrays.copyOfRange(ids, 0, 5), true, TaskContext.none());
                System.arraycopy(a, 0, mixed, 0, 5);
                for (int i = 5; i < 8; i++) {
                    mixed[i] = s.decode(ids[i]);
                }
                float[][] b = s.prefill(java.util.Arrays.copyOfRange(ids, 8, ids.length), true, TaskContext.none());
                System.arraycopy(b, 0, mixed, 8, b.length);
                float[] last = s.prefill(new int[] {ids[0]});
                assertTrue(last.length == t.config().vocabSize());
                double d = Fixture.maxAbs(mixed, full);
                System.out.printf("plm %s chunked vs full prefill %.2e%n", mode.key(), d);
                assertTrue(d <= 1e-4, mode + " chunked vs full " + d);
                results[mode.ordinal()] = full;
            }
        }
        double d = Fixture.maxAbs(results[0], results[1]);
        System.out.printf("plm latent vs expanded %.2e%n", d);
        assertTrue(d <= 1e-4, "latent vs expanded " + d);
    }

    /** Weights pre-packed by ORT and left unpacked (session.disable_prepacking, the default) give the same logits. */
    @Test
    void prepackingOffGivesTheSameLogits() throws Exception {
        Tiny t = TinyModels.plm(12, null);
        int[] ids = TinyModels.ids(13, 7, t.config().vocabSize());
        Path onnx = tmp.resolve("prepack.onnx");
        OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(CacheMode.LATENT), onnx, TaskContext.none());
        float[][] packed;
        float[][] unpacked;
        try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1).withPrepack(true))) {
            packed = s.prefill(ids, true, TaskContext.none());
        }
        try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1).withPrepack(false))) {
            unpacked = s.prefill(ids, true, TaskContext.none());
            s.reset();
            s.prefill(java.util.Arrays.copyOf(ids, 3));
            float[] step = s.decode(ids[3]);
            assertTrue(Fixture.maxAbs(new float[][] {step}, new float[][] {unpacked[3]}) <= 1e-4);
        }
        double d = Fixture.maxAbs(packed, unpacked);
        assertTrue(d <= 1e-4, "prepacked vs unpacked " + d);
    }

    @Test
    void latentModeRefusesGqaModels() {
        Tiny t = TinyModels.gqa(2, LlamaFamily.ID);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxGraphBuilder.build(
                t.config(), t.weights(), GraphOptions.of(CacheMode.LATENT), tmp.resolve("x.onnx"), TaskContext.none()));
    }
}
