package io.plmwb.engine.latency;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kernel time of one or more {@link OrtTrace.Run}s split by layer and block, from the node names
 * {@link io.plmwb.engine.graph.OnnxGraphBuilder} writes: {@code layers.N/attn/...} → attention of layer N,
 * {@code layers.N/mlp/...} → MLP, {@code layers.N/norm/...} → norms, any other {@code layers.N/...} → other of layer N;
 * outside the layers {@code embed/...} → embedding, {@code head/...} → head (final norm, lm_head), everything else
 * (RoPE tables, causal mask, nodes ORT created without a layer name) → other outside the layers. ORT's "fused " prefix
 * is ignored. The layer is keyed by the integer N parsed from the name, never by string order.
 */
public final class LayerBreakdown {

    /** Parts of a decoder layer. */
    public enum Block {
        ATTENTION, MLP, NORMS, OTHER;

        /** Lower-case key ("attention"), as in the CLI's JSON. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Parts outside the decoder layers. */
    public enum Outside {
        EMBEDDING, HEAD, OTHER;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern LAYER = Pattern.compile("(?:^|[ /])layers\\.(\\d+)/([A-Za-z_]+)(?:/|$)");

    private final double[][] layerUs;
    private final double[] outsideUs = new double[Outside.values().length];
    private double kernelUs;
    private double runUs;

    private LayerBreakdown(int layers) {
        layerUs = new double[layers][Block.values().length];
    }

    /** Where a node's time goes: layer index (or -1 outside) and block / outside part. */
    public record Slot(int layer, Block block, Outside outside) {
    }

    /** Classifies a node name. */
    public static Slot classify(String node) {
        Matcher m = LAYER.matcher(node);
        if (m.find()) {
            int layer;
            try {
                layer = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                return new Slot(-1, null, Outside.OTHER);
            }
            Block b = switch (m.group(2)) {
                case "attn" -> Block.ATTENTION;
                case "mlp" -> Block.MLP;
                case "norm" -> Block.NORMS;
                default -> Block.OTHER;
            };
            return new Slot(layer, b, null);
        }
        String n = node.startsWith("fused ") ? node.substring("fused ".length()) : node;
        if (n.startsWith("embed/")) {
            return new Slot(-1, null, Outside.EMBEDDING);
        }
        if (n.startsWith("head/")) {
            return new Slot(-1, null, Outside.HEAD);
        }
        return new Slot(-1, null, Outside.OTHER);
    }

    /**
     * Sums the kernels of {@code runs} (e.g. the decode steps of one repeat) and divides by {@code divisor}
     * (the step count, for a per-token figure; 1 for a single prefill).
     *
     * @throws IllegalStateException when a node names a layer ≥ {@code layers} (the trace is of another model)
     */
    public static LayerBreakdown of(List<OrtTrace.Run> runs, int layers, double divisor) {
        LayerBreakdown b = new LayerBreakdown(layers);
        for (OrtTrace.Run r : runs) {
            b.runUs += r.durUs();
            for (OrtTrace.Kernel k : r.kernels()) {
                Slot s = classify(k.node());
                if (s.layer() >= layers) {
                    throw new IllegalStateException("trace node '" + k.node() + "' names layer " + s.layer()
                            + " but the model has " + layers + " layers (0.." + (layers - 1) + ")");
                }
                if (s.layer() >= 0) {
                    b.layerUs[s.layer()][s.block().ordinal()] += k.durUs();
                } else {
                    b.outsideUs[s.outside().ordinal()] += k.durUs();
                }
                b.kernelUs += k.durUs();
            }
        }
        for (double[] row : b.layerUs) {
            for (int i = 0; i < row.length; i++) {
                row[i] /= divisor;
            }
        }
        for (int i = 0; i < b.outsideUs.length; i++) {
            b.outsideUs[i] /= divisor;
        }
        b.kernelUs /= divisor;
        b.runUs /= divisor;
        return b;
    }

    public int layers() {
        return layerUs.length;
    }

    /** µs of {@code block} in {@code layer}. */
    public double us(int layer, Block block) {
        return layerUs[layer][block.ordinal()];
    }

    /** µs of the whole layer. */
    public double layerUs(int layer) {
        double s = 0;
        for (double v : layerUs[layer]) {
            s += v;
        }
        return s;
    }

    /** µs of a part outside the layers. */
    public double us(Outside part) {
        return outsideUs[part.ordinal()];
    }

    /** µs of all kernels. */
    public double kernelUs() {
        return kernelUs;
    }

    /** µs of the {@code model_run} events: the profiled total (kernels plus the executor's time between them). */
    public double runUs() {
        return runUs;
    }
}
