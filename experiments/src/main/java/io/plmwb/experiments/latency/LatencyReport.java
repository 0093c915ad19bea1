package io.plmwb.experiments.latency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.StudyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LatencyStudy} measured, immutable: the profiled run (B) with its per-layer breakdowns and totals vs
 * wall-clock, an optional pinned run (A) for the per-layer difference B − A, the decode-vs-context sweep and the thread
 * sweep, each part optional. The charts are built once, here, for the screen, Export all and {@code --out} alike.
 */
public final class LatencyReport implements StudyReport<LatencySelection> {

    /**
     * The run's frame.
     *
     * @param model            absolute checkpoint path
     * @param synthetic        the checkpoint is synthetic (random weights)
     * @param numLayers        decoder layers
     * @param loadAverageStart 1/5/15-minute load average before the first run
     * @param loadAverageEnd   the same after the last run
     * @param notes            remarks on the settings (e.g. more tokens than the model's positions)
     */
    public record Header(String model, boolean synthetic, int numLayers, double[] loadAverageStart,
                         double[] loadAverageEnd, List<String> notes) {
        public Header {
            loadAverageStart = loadAverageStart.clone();
            loadAverageEnd = loadAverageEnd.clone();
            notes = List.copyOf(notes);
        }

        @Override
        public double[] loadAverageStart() {
            return loadAverageStart.clone();
        }

        @Override
        public double[] loadAverageEnd() {
            return loadAverageEnd.clone();
        }
    }

    /**
     * Decode ms/token vs context, per cache mode (wall-clock, no profiler).
     *
     * @param model            checkpoint folder name
     * @param byMode           points per mode, in run order
     * @param steps            timed decode steps per context
     * @param warmup           untimed steps per context
     * @param threads          intra-op threads
     * @param loadAverageAfter load average when the sweep ended
     */
    public record ContextSweep(String model, Map<CacheMode, List<LatencyProfiler.Point>> byMode, int steps,
                               int warmup, int threads, double[] loadAverageAfter) {
        public ContextSweep {
            Map<CacheMode, List<LatencyProfiler.Point>> copy = new LinkedHashMap<>();
            byMode.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            byMode = Collections.unmodifiableMap(copy);
            loadAverageAfter = loadAverageAfter.clone();
        }

        @Override
        public double[] loadAverageAfter() {
            return loadAverageAfter.clone();
        }

        /** The decode-vs-context line chart. */
        public ChartSpec chart() {
            return LatencyCharts.decodeVsContext(model, byMode, threads);
        }
    }

    /**
     * Prefill ms and decode ms/token per intra-op thread count (wall-clock, no profiler).
     *
     * @param model        checkpoint folder name
     * @param points       one per thread count, in run order
     * @param promptTokens prefill length
     */
    public record ThreadSweep(String model, List<LatencyProfiler.ThreadPoint> points, int promptTokens) {
        public ThreadSweep {
            points = List.copyOf(points);
        }

        /** The thread-sweep line chart. */
        public ChartSpec chart() {
            return LatencyCharts.threadSweep(model, points, promptTokens);
        }
    }

    private final Header header;
    private final LatencyResult result;
    private final LatencyResult pinned;
    private final ContextSweep contextSweep;
    private final ThreadSweep threadSweep;
    private final Path traceTarget;
    private final ChartSpec prefillChart;
    private final ChartSpec decodeChart;
    private final ChartSpec totalsChart;
    private final ChartSpec diffPrefill;
    private final ChartSpec diffDecode;
    private final ChartSpec contextChart;
    private final ChartSpec threadsChart;

    /**
     * @param header       the run's frame
     * @param result       the profiled run B (null: not profiled)
     * @param pinned       the pinned run A (null: none)
     * @param contextSweep decode vs context (null: not run)
     * @param threadSweep  thread sweep (null: not run)
     * @param traceTarget  where the trace was asked to go (null: not asked)
     */
    public LatencyReport(Header header, LatencyResult result, LatencyResult pinned, ContextSweep contextSweep,
                         ThreadSweep threadSweep, Path traceTarget) {
        this.header = Objects.requireNonNull(header, "header");
        this.result = result;
        this.pinned = pinned;
        this.contextSweep = contextSweep;
        this.threadSweep = threadSweep;
        this.traceTarget = traceTarget;
        this.prefillChart = result == null ? null : LatencyCharts.perLayer(result, false);
        this.decodeChart = result == null ? null : LatencyCharts.perLayer(result, true);
        this.totalsChart = result == null ? null : LatencyCharts.totals(result);
        boolean diff = comparable() && comparisonProblem().isEmpty();
        this.diffPrefill = diff ? LatencyCharts.difference(pinned, result, false) : null;
        this.diffDecode = diff ? LatencyCharts.difference(pinned, result, true) : null;
        this.contextChart = contextSweep == null ? null : contextSweep.chart();
        this.threadsChart = threadSweep == null ? null : threadSweep.chart();
    }

    private boolean comparable() {
        return pinned != null && result != null && pinned != result;
    }

    public Header header() {
        return header;
    }

    /** The profiled run (B). */
    public Optional<LatencyResult> result() {
        return Optional.ofNullable(result);
    }

    /** The pinned run (A). */
    public Optional<LatencyResult> pinned() {
        return Optional.ofNullable(pinned);
    }

    public Optional<ContextSweep> contextSweep() {
        return Optional.ofNullable(contextSweep);
    }

    public Optional<ThreadSweep> threadSweep() {
        return Optional.ofNullable(threadSweep);
    }

    /** Where the trace was asked to go ({@link LatencyStudy.Settings#saveTrace()}). */
    public Optional<Path> traceTarget() {
        return Optional.ofNullable(traceTarget);
    }

    // ------------------------------------------------------------------ derived reports

    /** This report with its profiled run pinned as A. */
    public LatencyReport pin() {
        if (result == null) {
            throw new IllegalStateException("no profiled run to pin");
        }
        return new LatencyReport(header, result, result, contextSweep, threadSweep, traceTarget);
    }

    /** This report without a pinned run. */
    public LatencyReport withoutPin() {
        return new LatencyReport(header, result, null, contextSweep, threadSweep, traceTarget);
    }

    /**
     * The screen's running view: {@code newer}'s frame and every part {@code newer} ran, this report's parts where
     * {@code newer} has none, and this report's pinned run.
     */
    public LatencyReport updatedWith(LatencyReport newer) {
        return new LatencyReport(newer.header, newer.result != null ? newer.result : result, pinned,
                newer.contextSweep != null ? newer.contextSweep : contextSweep,
                newer.threadSweep != null ? newer.threadSweep : threadSweep,
                newer.result != null ? newer.traceTarget : traceTarget);
    }

    // ------------------------------------------------------------------ charts and files

    /** Stacked per-layer prefill bars. */
    public Optional<ChartSpec> prefillChart() {
        return Optional.ofNullable(prefillChart);
    }

    /** Stacked per-layer decode bars. */
    public Optional<ChartSpec> decodeChart() {
        return Optional.ofNullable(decodeChart);
    }

    /** Profiled totals vs wall-clock. */
    public Optional<ChartSpec> totalsChart() {
        return Optional.ofNullable(totalsChart);
    }

    /** Per-layer B − A of the selected phase, when a different run is pinned and has the same depth. */
    public Optional<ChartSpec> differenceChart(LatencySelection selection) {
        return Optional.ofNullable(selection.decodeDifference() ? diffDecode : diffPrefill);
    }

    public Optional<ChartSpec> contextChart() {
        return Optional.ofNullable(contextChart);
    }

    public Optional<ChartSpec> threadsChart() {
        return Optional.ofNullable(threadsChart);
    }

    /** Why a pinned run A cannot be compared with B per layer, if it cannot. */
    public Optional<String> comparisonProblem() {
        if (!comparable() || pinned.layers() == result.layers()) {
            return Optional.empty();
        }
        return Optional.of("A has " + pinned.layers() + " layers, B " + result.layers()
                + ": no per-layer difference");
    }

    /** Screen order: prefill, decode, totals, B − A, decode vs context, threads (those that exist). */
    @Override
    public List<ChartSpec> charts(LatencySelection selection) {
        List<ChartSpec> out = new ArrayList<>();
        prefillChart().ifPresent(out::add);
        decodeChart().ifPresent(out::add);
        totalsChart().ifPresent(out::add);
        differenceChart(selection).ifPresent(out::add);
        contextChart().ifPresent(out::add);
        threadsChart().ifPresent(out::add);
        return List.copyOf(out);
    }

    /** Every chart of {@link #charts}, each named by its id. The trace is {@link #traceBundle()}. */
    @Override
    public Bundle bundle(LatencySelection selection) {
        return Bundle.ofCharts(charts(selection));
    }

    /** The raw ORT trace under the file name of {@link #traceTarget()}; empty when the trace was not asked for. */
    public Bundle traceBundle() throws IOException {
        return traceTarget == null ? Bundle.empty() : traceBundle(traceTarget.getFileName().toString());
    }

    /** The profiled run's raw ORT profile (Chrome-trace JSON for Perfetto / chrome://tracing) as {@code fileName}. */
    public Bundle traceBundle(String fileName) throws IOException {
        if (result == null) {
            throw new IllegalStateException("no profiled run: no trace");
        }
        if (!Files.isRegularFile(result.trace())) {
            throw new IOException(result.trace() + ": the run's trace is gone (temporary files removed?)");
        }
        return Bundle.builder().bytes(fileName, Files.readAllBytes(result.trace())).build();
    }

    // ------------------------------------------------------------------ text

    /** What {@code workbench latency --json} prints, before the written files are added. */
    @Override
    public ObjectNode toJson() {
        return LatencyReportText.json(this);
    }

    /** {@code workbench latency}'s text: header, the per-layer table, totals and the sweeps. */
    public String text() {
        return LatencyReportText.text(this);
    }

    /** The screen's two-line summary of the profiled run ("" before one). */
    public String summary() {
        return result == null ? "" : LatencyReportText.summary(result);
    }
}
