package io.plmwb.experiments.sparsity;

import io.plmwb.experiments.chart.ChartExportException;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes everything of a result at one ε into a folder, through the one {@link ChartExportService}: the heat map of
 * the first capture ({@code sparsity-heatmap.*}), the per-layer chart ({@code sparsity-per-layer.*}) and the neuron
 * histogram of the sparsest layer ({@code sparsity-neuron-histogram.*}) in the chart formats, plus with CSV the full
 * matrix ({@code sparsity-matrix.csv}) and per-neuron counts ({@code sparsity-neurons.csv}).
 */
public final class SparsityExporter {

    private SparsityExporter() {
    }

    /** The charts written for a result. */
    public static List<ChartSpec> charts(SparsityResult r, int epsIndex) {
        SparsityStats.LayerStat[] stats = SparsityStats.perLayer(r.captures(), epsIndex);
        int layer = 0;
        for (SparsityStats.LayerStat s : stats) {
            if (s.mean() > stats[layer].mean()) {
                layer = s.layer();
            }
        }
        long tokens = r.totalTokens();
        return List.of(SparsityCharts.heatmap(r.captures().get(0), epsIndex),
                SparsityCharts.perLayer(List.of(new SparsityCharts.Line(r.model().name(), stats)), epsIndex),
                SparsityCharts.neuronHistogram(r.model().name(), r.firingCounts(layer, epsIndex), tokens, layer, epsIndex, false));
    }

    /** Writes the charts and CSVs; returns the files written. */
    public static List<Path> export(SparsityResult r, int epsIndex, Path dir, List<ExportFormat> formats,
                                    ExportOptions options, TaskContext ctx) throws ChartExportException, IOException {
        ChartExportService service = new ChartExportService();
        List<Path> written = new ArrayList<>();
        for (ChartSpec spec : charts(r, epsIndex)) {
            ctx.checkCancelled();
            written.addAll(service.exportAll(spec, dir, spec.id(), formats, options, ctx));
        }
        if (formats.contains(ExportFormat.CSV)) {
            written.add(SparsityCsvWriter.writeMatrix(r, epsIndex, dir.resolve("sparsity-matrix.csv"),
                    options.overwrite()));
            written.add(SparsityCsvWriter.writeNeurons(r, epsIndex, dir.resolve("sparsity-neurons.csv"),
                    options.overwrite()));
        }
        return written;
    }
}
