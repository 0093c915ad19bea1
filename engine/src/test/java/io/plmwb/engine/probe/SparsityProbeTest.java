package io.plmwb.engine.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.reference.ReferenceForward;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.TinyModels.Tiny;
import io.plmwb.engine.testutil.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-graph probes against counts computed directly from the reference forward's activations. */
class SparsityProbeTest {

    @TempDir
    Path tmp;

    /** Reference activations [layer][token][neuron]. */
    private static double[][][] referenceActivations(Tiny t, int[] ids) throws Exception {
        double[][][] acts = new double[t.config().numLayers()][][];
        new ReferenceForward(t.config(), t.weights()).withActivationTap((a, layer) -> {
            double[][] copy = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                copy[i] = a[i].clone();
            }
            acts[layer] = copy;
        }).run(ids, TaskContext.none());
        return acts;
    }

    /** Values within float rounding of a bucket edge (or of zero) may land on either side in the fp32 graph. */
    private static boolean ambiguous(double a) {
        double x = Math.abs(a);
        if (x == 0) {
            return false;
        }
        if (x < 1e-9) {
            return true;
        }
        for (int k = 1; k < ProbeGrid.EPSILONS; k++) {
            if (Math.abs(Math.log(x / ProbeGrid.epsilon(k))) < 1e-3) {
                return true;
            }
        }
        return false;
    }

    private SparsityCapture probe(Tiny t, int[] ids, String name) throws Exception {
        Path onnx = tmp.resolve(name + ".onnx");
        CacheMode mode = t.config().family().isMla() ? CacheMode.LATENT : CacheMode.EXPANDED;
        OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(mode).withSparsityProbes(true), onnx,
                TaskContext.none());
        SparsityRecorder rec = new SparsityRecorder(t.config().numLayers(), t.config().intermediateSize());
        try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
            s.setOutputTap(rec);
            // chunked prefill (5 + 4 tokens) and decode steps: the three ways tokens go through the graph
            s.prefill(Arrays.copyOfRange(ids, 0, 5), false, TaskContext.none());
            s.prefill(Arrays.copyOfRange(ids, 5, 9), false, TaskContext.none());
            for (int i = 9; i < ids.length; i++) {
                s.decode(ids[i]);
            }
        }
        assertEquals(ids.length, rec.tokens());
        assertTrue(Arrays.equals(ids, rec.ids()));
        SparsityCapture.ModelFacts facts = new SparsityCapture.ModelFacts(name, "x", t.config().hiddenAct(),
                t.config().numLayers(), t.config().hiddenSize(), t.config().intermediateSize(), false);
        return rec.snapshot(name, facts, Collections.nCopies(ids.length, "?"), 9);
    }

    private void check(Tiny t, String name, boolean expectExactZeros) throws Exception {
        int[] ids = TinyModels.ids(21, 12, t.config().vocabSize());
        double[][][] ref = referenceActivations(t, ids);
        SparsityCapture cap = probe(t, ids, name);
        int f = t.config().intermediateSize();
        int layers = t.config().numLayers();
        long elements = 0;
        long ambiguousTotal = 0;
        long exactZeros = 0;
        for (int l = 0; l < layers; l++) {
            int[][] neuronCum = new int[f][ProbeGrid.EPSILONS];
            int[] neuronAmb = new int[f];
            for (int tok = 0; tok < ids.length; tok++) {
                int[] cum = new int[ProbeGrid.EPSILONS];
                int amb = 0;
                double[] a = ref[l][tok];
                for (int n = 0; n < f; n++) {
                    int b = ProbeGrid.bucketOf(a[n]);
                    for (int k = b; k < ProbeGrid.EPSILONS; k++) {
                        cum[k]++;
                        neuronCum[n][k]++;
                    }
                    if (ambiguous(a[n])) {
                        amb++;
                        neuronAmb[n]++;
                    }
                    if (a[n] == 0) {
                        exactZeros++;
                    }
                }
                elements += f;
                ambiguousTotal += amb;
                for (int k = 0; k < ProbeGrid.EPSILONS; k++) {
                    int got = cap.zeroCount(l, tok, k);
                    assertTrue(Math.abs(got - cum[k]) <= amb, name + " layer " + l + " token " + tok + " ε#" + k
                            + ": probe " + got + " vs reference " + cum[k] + " (ambiguous " + amb + ")");
                }
                int total = 0;
                for (int b = 0; b < ProbeGrid.BUCKETS; b++) {
                    total += cap.bucket(l, tok, b);
                }
                assertEquals(f, total, "every activation is in exactly one bucket");
                // top-k: the probe's neurons are the reference's largest |a| (up to near-ties), values match
                double[] sorted = Arrays.stream(a).map(Math::abs).sorted().toArray();
                double kth = sorted[f - cap.topK()];
                int[] top = cap.topNeurons(l, tok);
                float[] vals = cap.topValues(l, tok);
                for (int j = 0; j < top.length; j++) {
                    double r = a[top[j]];
                    assertEquals(r, vals[j], 1e-4 * Math.max(1, Math.abs(r)), name + " top value");
                    assertTrue(Math.abs(r) >= kth - 1e-4 * Math.max(1, kth), name + " top-k neuron " + top[j]
                            + " has |a| " + Math.abs(r) + " below the k-th largest " + kth);
                    if (j > 0) {
                        assertTrue(Math.abs(vals[j - 1]) >= Math.abs(vals[j]), "top-k sorted by |a|");
                    }
                }
            }
            for (int n = 0; n < f; n++) {
                long[] fired = cap.firingCounts(l, 0);
                for (int k = 0; k < ProbeGrid.EPSILONS; k++) {
                    // per-neuron counts exist at the per-neuron grid points; other ε snap down to one
                    int kn = ProbeGrid.neuronEpsilon(k);
                    assertTrue(kn <= k);
                    long firing = cap.firingCounts(l, k)[n];
                    long expected = ids.length - neuronCum[n][kn];
                    assertTrue(Math.abs(firing - expected) <= neuronAmb[n], name + " layer " + l + " neuron " + n
                            + " ε#" + k + " (neuron ε#" + kn + "): " + firing + " vs " + expected);
                }
                for (int m = 0; m < ProbeGrid.NEURON_EPSILONS; m++) {
                    long expected = ids.length - neuronCum[n][ProbeGrid.neuronGridIndex(m)];
                    assertTrue(Math.abs(cap.neuronFirings(l, n, m) - expected) <= neuronAmb[n]);
                }
                assertTrue(fired[n] <= ids.length);
            }
        }
        System.out.printf("%s: %d activations, %d ambiguous, %d exact zeros%n", name, elements, ambiguousTotal,
                exactZeros);
        assertTrue(ambiguousTotal < elements / 100, "so few ambiguous values that the comparison means something");
        if (expectExactZeros) {
            assertTrue(exactZeros > elements / 5, "relu² gives many exact zeros");
            // and the probe's exact-zero fraction is the reference's
            double probeZero = 0;
            for (int l = 0; l < layers; l++) {
                for (int tok = 0; tok < ids.length; tok++) {
                    probeZero += cap.zeroCount(l, tok, 0);
                }
            }
            assertEquals(exactZeros, probeZero, ambiguousTotal);
        } else {
            assertEquals(0, exactZeros, "SwiGLU products are never exactly zero here");
        }
    }

    @Test
    void plmRelu2MatchesReference() throws Exception {
        check(TinyModels.plm(3, null), "tiny-plm", true);
    }

    @Test
    void llamaSwiGluMatchesReference() throws Exception {
        check(TinyModels.gqa(4, LlamaFamily.ID), "tiny-llama", false);
    }

    @Test
    void gridBucketsAndSnapping() {
        assertEquals(0, ProbeGrid.bucketOf(0.0));
        assertEquals(1, ProbeGrid.bucketOf(1e-7));
        assertEquals(1, ProbeGrid.bucketOf(1e-3));
        assertEquals(2, ProbeGrid.bucketOf(1.1e-3));
        assertEquals(2, ProbeGrid.bucketOf(1e-2));
        assertEquals(ProbeGrid.THRESHOLDS + 1, ProbeGrid.bucketOf(0.11));
        assertEquals(ProbeGrid.bucketOf(0.05), ProbeGrid.bucketOf(-0.05));
        // the grid: 0, 1e-3, 1e-2, 1e-1 (one per decade)
        assertEquals(4, ProbeGrid.EPSILONS);
        assertEquals("0, 1e-3, 1e-2, 1e-1", ProbeGrid.listing());
        assertEquals(1, ProbeGrid.snap(1e-3));
        assertEquals(1e-3, ProbeGrid.epsilon(1), 1e-15);
        assertEquals(0.1, ProbeGrid.epsilon(3), 1e-12);
        assertEquals(1, ProbeGrid.snap(0.0099));
        assertEquals(0, ProbeGrid.snap(0));
        assertEquals(0, ProbeGrid.snap(9e-4));
        assertEquals(ProbeGrid.EPSILONS - 1, ProbeGrid.snap(1e9));
        // per-neuron counts at every grid point
        assertEquals(ProbeGrid.EPSILONS, ProbeGrid.NEURON_EPSILONS);
        for (int k = 0; k < ProbeGrid.EPSILONS; k++) {
            assertEquals(k, ProbeGrid.neuronEpsilon(k));
            assertEquals(k, ProbeGrid.neuronGridIndex(ProbeGrid.neuronSlot(k)));
        }
    }

    @Test
    void unsortedTopListsAreOrderedLikeSortedTopK() {
        // by |value| descending, equal magnitudes by lower neuron index first (ONNX TopK's tie rule)
        int[] idx = {0, 0, 9, 3, 7, 2, 5, 0};
        float[] val = {0, 0, 0.5f, -2f, 0.5f, 3f, -0.5f, 0};
        SparsityRecorder.sortTop(idx, val, 2, 5);
        assertArrayEquals(new int[] {0, 0, 2, 3, 5, 7, 9, 0}, idx);
        assertArrayEquals(new float[] {0, 0, 3f, -2f, -0.5f, 0.5f, 0.5f, 0}, val);
        int[] one = {4};
        float[] oneVal = {1f};
        SparsityRecorder.sortTop(one, oneVal, 0, 1);
        assertArrayEquals(new int[] {4}, one);
    }

    @Test
    void graphCacheKeyIncludesTheProbes() throws Exception {
        Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(ckpt.resolve("config.json"), "{}");
        GraphOptions plain = GraphOptions.of(CacheMode.LATENT);
        GraphOptions probed = plain.withSparsityProbes(true);
        assertNotEquals(GraphCache.key(ckpt, plain), GraphCache.key(ckpt, probed));
        assertTrue(GraphCache.identity(ckpt, probed).contains("probes=sparsity"));
        assertTrue(!GraphCache.identity(ckpt, plain).contains("probes"), "keys of unprobed graphs unchanged");
        assertEquals(List.of(false, true), List.of(plain.sparsityProbes(), probed.sparsityProbes()));
    }
}
