package io.plmwb.experiments.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import java.util.List;
import java.util.Locale;

/**
 * The full-resolution CSVs next to the charts: the zero-fraction matrix in long form
 * ({@code prompt,token,token_text,generated,layer,zero_fraction,active_neurons}) and the per-neuron firing counts
 * ({@code layer,neuron,firings,tokens,frequency}), both at one ε. {@link SparsityReport#bundle} writes them.
 */
public final class SparsityCsvWriter {

    private SparsityCsvWriter() {
    }

    /** The matrix CSV of every capture. */
    public static String matrixCsv(SparsityResult r, int epsIndex) {
        StringBuilder w = new StringBuilder();
        w.append("# zero fraction = share of the layer's ").append(r.model().neurons())
                .append(" MLP activations with |a| <= epsilon; epsilon = ").append(ProbeGrid.label(epsIndex))
                .append('\n');
        w.append("prompt,token,token_text,generated,layer,zero_fraction,active_neurons\n");
        List<SparsityCapture> caps = r.captures();
        for (int p = 0; p < caps.size(); p++) {
            SparsityCapture c = caps.get(p);
            for (int t = 0; t < c.tokens(); t++) {
                String text = quote(c.tokenText(t));
                for (int l = 0; l < c.layers(); l++) {
                    w.append(p).append(',').append(t).append(',').append(text).append(',').append(c.generated(t))
                            .append(',').append(l).append(',')
                            .append(String.format(Locale.ROOT, "%.6f", c.zeroFraction(l, t, epsIndex))).append(',')
                            .append(c.activeCount(l, t, epsIndex)).append('\n');
                }
            }
        }
        return w.toString();
    }

    /** The per-neuron firing counts over every capture. */
    public static String neuronsCsv(SparsityResult r, int epsIndex) {
        long tokens = r.totalTokens();
        StringBuilder w = new StringBuilder();
        w.append("# firings = tokens with |a| > epsilon; epsilon = ").append(ProbeGrid.label(epsIndex)).append('\n');
        w.append("layer,neuron,firings,tokens,frequency\n");
        for (int l = 0; l < r.model().layers(); l++) {
            long[] f = r.firingCounts(l, epsIndex);
            for (int n = 0; n < f.length; n++) {
                w.append(l).append(',').append(n).append(',').append(f[n]).append(',').append(tokens).append(',')
                        .append(String.format(Locale.ROOT, "%.6f", tokens == 0 ? 0 : f[n] / (double) tokens))
                        .append('\n');
            }
        }
        return w.toString();
    }

    static String quote(String cell) {
        if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0
                || cell.startsWith(" ") || cell.endsWith(" ")) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }
}
