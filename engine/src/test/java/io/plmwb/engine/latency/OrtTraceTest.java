package io.plmwb.engine.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.latency.LayerBreakdown.Block;
import io.plmwb.engine.latency.LayerBreakdown.Outside;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser and the layer mapping on a hand-written trace whose sums are worked out in the comments. */
class OrtTraceTest {

    @TempDir
    Path tmp;

    private static Path small() throws URISyntaxException {
        return Path.of(OrtTraceTest.class.getResource("/latency/small-trace.json").toURI());
    }

    @Test
    void readsRunsAndKernelTimesOnly() throws Exception {
        OrtTrace t = OrtTrace.read(small());
        assertEquals(2, t.runs().size());
        OrtTrace.Run r0 = t.runs().get(0);
        assertEquals(100, r0.tsUs());
        assertEquals(100, r0.durUs());
        // 7 kernel events (the fence event and the Session events are not kernels): 5+20+30+10+4+2+12 = 83
        assertEquals(7, r0.kernels().size());
        assertEquals(83, r0.kernelUs());
        assertEquals("MatMul", r0.kernels().get(1).opType());
        assertEquals("layers.2/attn/q_proj", r0.kernels().get(1).node());
        // second run: 7 + 3 + round(1.4) = 11
        assertEquals(11, t.runs().get(1).kernelUs());
        assertEquals(0, t.orphanKernels());
    }

    @Test
    void mapsByIntegerLayerIndexAndBlock() throws Exception {
        OrtTrace t = OrtTrace.read(small());
        LayerBreakdown b = LayerBreakdown.of(List.of(t.runs().get(0)), 11, 1);
        assertEquals(20, b.us(2, Block.ATTENTION));
        assertEquals(4, b.us(2, Block.NORMS));
        assertEquals(40, b.us(10, Block.MLP), "layers.10 (incl. the 'fused ' node) is layer 10, not 1");
        assertEquals(0, b.layerUs(1));
        assertEquals(5, b.us(Outside.EMBEDDING));
        assertEquals(12, b.us(Outside.HEAD));
        assertEquals(2, b.us(Outside.OTHER));
        assertEquals(83, b.kernelUs());
        assertEquals(100, b.runUs());

        // both runs as one decode repeat of 2 steps: per step (83 + 11) / 2
        LayerBreakdown both = LayerBreakdown.of(t.runs(), 11, 2);
        assertEquals(47, both.kernelUs());
        assertEquals(3.5, both.us(0, Block.ATTENTION));
        assertEquals(1.5, both.us(0, Block.OTHER));
        assertEquals(1.5, both.us(Outside.OTHER), "(2 rope + 1 mask) / 2");
        assertEquals(70, both.runUs());
    }

    @Test
    void layerBeyondTheModelIsAnError() throws Exception {
        OrtTrace t = OrtTrace.read(small());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LayerBreakdown.of(t.runs(), 10, 1));
        assertTrue(e.getMessage().contains("layer 10") && e.getMessage().contains("10 layers"), e.getMessage());
    }

    @Test
    void classifiesNames() {
        assertEquals(new LayerBreakdown.Slot(12, Block.MLP, null), LayerBreakdown.classify("layers.12/mlp/relu"));
        assertEquals(new LayerBreakdown.Slot(3, Block.ATTENTION, null),
                LayerBreakdown.classify("fused layers.3/attn/q_proj"));
        assertEquals(new LayerBreakdown.Slot(-1, null, Outside.HEAD),
                LayerBreakdown.classify("head/norm/scale/SimplifiedLayerNormFusion/"));
        assertEquals(new LayerBreakdown.Slot(-1, null, Outside.OTHER), LayerBreakdown.classify("MatMulAddFusion_7"));
        assertEquals(new LayerBreakdown.Slot(-1, null, Outside.OTHER), LayerBreakdown.classify("xlayers.3/attn/q"));
    }

    @Test
    void objectFormIsAccepted() throws Exception {
        Path f = tmp.resolve("obj.json");
        Files.writeString(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":" + Files.readString(small()) + "}");
        OrtTrace t = OrtTrace.read(f);
        assertEquals(2, t.runs().size());
        assertEquals(83, t.runs().get(0).kernelUs());
    }

    @Test
    void truncatedJsonNamesFileAndLine() throws Exception {
        Path f = tmp.resolve("cut.json");
        String text = Files.readString(small());
        Files.writeString(f, text.substring(0, text.indexOf("layers.10/mlp")));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> OrtTrace.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
    }

    @Test
    void garbageAndNonTraceJsonAreRejected() throws Exception {
        Path g = tmp.resolve("garbage.json");
        Files.writeString(g, "[{\"cat\": \"Node\", \"name\": }]");
        TraceFormatException e1 = assertThrows(TraceFormatException.class, () -> OrtTrace.read(g));
        assertTrue(e1.getMessage().contains("garbage.json") && e1.getMessage().contains("malformed JSON"),
                e1.getMessage());
        Path o = tmp.resolve("other.json");
        Files.writeString(o, "{\"a\": 1}");
        TraceFormatException e2 = assertThrows(TraceFormatException.class, () -> OrtTrace.read(o));
        assertTrue(e2.getMessage().contains("traceEvents"), e2.getMessage());
        Path n = tmp.resolve("nodur.json");
        Files.writeString(n, "[{\"cat\":\"Session\",\"name\":\"model_run\",\"ts\":1}]");
        TraceFormatException e3 = assertThrows(TraceFormatException.class, () -> OrtTrace.read(n));
        assertTrue(e3.getMessage().contains("model_run") && e3.getMessage().contains("line 1"), e3.getMessage());
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "");
        assertThrows(TraceFormatException.class, () -> OrtTrace.read(empty));
        TraceFormatException e4 = assertThrows(TraceFormatException.class,
                () -> OrtTrace.read(tmp.resolve("missing.json")));
        assertTrue(e4.getMessage().contains("missing.json"), e4.getMessage());
    }
}
