package io.plmwb.experiments.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The full-resolution CSVs next to the charts: the zero-fraction matrix in long form
 * ({@code prompt,token,token_text,generated,layer,zero_fraction,active_neurons}) and the per-neuron firing counts
 * ({@code layer,neuron,firings,tokens,frequency}), both at one ε.
 */
public final class SparsityCsvWriter {

    private SparsityCsvWriter() {
    }

    /** Writes the matrix CSV of every capture. */
    public static Path writeMatrix(SparsityResult r, int epsIndex, Path file, boolean overwrite) throws IOException {
        return atomically(file, overwrite, w -> {
            w.write("# zero fraction = share of the layer's " + r.model().neurons() + " MLP activations with |a| <= "
                    + "epsilon; epsilon = " + ProbeGrid.label(epsIndex) + "\n");
            w.write("prompt,token,token_text,generated,layer,zero_fraction,active_neurons\n");
            List<SparsityCapture> caps = r.captures();
            for (int p = 0; p < caps.size(); p++) {
                SparsityCapture c = caps.get(p);
                for (int t = 0; t < c.tokens(); t++) {
                    String text = quote(c.tokenText(t));
                    for (int l = 0; l < c.layers(); l++) {
                        w.write(p + "," + t + "," + text + "," + c.generated(t) + "," + l + ","
                                + String.format(Locale.ROOT, "%.6f", c.zeroFraction(l, t, epsIndex)) + ","
                                + c.activeCount(l, t, epsIndex) + "\n");
                    }
                }
            }
        });
    }

    /** Writes the per-neuron firing counts over every capture. */
    public static Path writeNeurons(SparsityResult r, int epsIndex, Path file, boolean overwrite) throws IOException {
        long tokens = r.totalTokens();
        return atomically(file, overwrite, w -> {
            w.write("# firings = tokens with |a| > epsilon; epsilon = " + ProbeGrid.label(epsIndex) + "\n");
            w.write("layer,neuron,firings,tokens,frequency\n");
            for (int l = 0; l < r.model().layers(); l++) {
                long[] f = r.firingCounts(l, epsIndex);
                for (int n = 0; n < f.length; n++) {
                    w.write(l + "," + n + "," + f[n] + "," + tokens + ","
                            + String.format(Locale.ROOT, "%.6f", tokens == 0 ? 0 : f[n] / (double) tokens) + "\n");
                }
            }
        });
    }

    private interface Body {
        void write(BufferedWriter w) throws IOException;
    }

    private static Path atomically(Path file, boolean overwrite, Body body) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the file already exists");
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".part");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                body.write(w);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    static String quote(String cell) {
        if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0
                || cell.startsWith(" ") || cell.endsWith(" ")) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }
}
