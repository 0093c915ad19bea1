package io.plmwb.experiments.schedule;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.logs.LogFormatException;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.smoothing.Smoothing;
import io.plmwb.experiments.study.Study;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Schedules workspace's study and the {@code schedule} / {@code replay} commands': reads the training logs,
 * parses the schedule and reports the charts (the schedule alone over N steps, or the logged runs replayed against
 * it). Fitting is {@link ScheduleFitStudy}.
 */
public final class SchedulesStudy implements Study<SchedulesStudy.Settings, SchedulesReport> {

    /** Positions drawn at most for a schedule alone over N steps (the CSV holds exactly these). */
    public static final int PLOT_POINTS = 10_001;

    /**
     * What to replay.
     *
     * @param logs      training logs or run folders, in order (may be empty)
     * @param spec      the schedule in the compact text form, or null/blank for none
     * @param align     what the runs are aligned by
     * @param steps     draw the schedule alone over positions 0..steps (then {@code logs} must be empty); null to
     *                  replay
     * @param smoothing the smoothing of the metric chart (the report's default selection)
     * @param weight    the smoothing weight in [0, 1)
     * @param metric    the metric column, or null for each run's training loss
     */
    /**
     * Longest schedule drawn alone: 10^15 positions (steps, or tokens with axis=tokens — a 1,000-trillion-token run);
     * positions stay exact as doubles (below 2^53), and 2^63 − 1 ended in an internal index error.
     */
    public static final long MAX_STEPS = 1_000_000_000_000_000L;

    public record Settings(List<Path> logs, String spec, Replay.Align align, Long steps, Smoothing.Method smoothing,
            double weight, String metric) {
        public Settings {
            logs = List.copyOf(logs);
            Objects.requireNonNull(align, "align");
            Objects.requireNonNull(smoothing, "smoothing");
            spec = spec == null || spec.isBlank() ? null : spec;
            if (!(weight >= 0 && weight < 1)) {
                throw new IllegalArgumentException("the smoothing weight must be in [0, 1), was " + weight);
            }
            if (steps != null && (steps < 1 || steps > MAX_STEPS)) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "the steps must be 1 to %,d, was %,d", MAX_STEPS, steps));
            }
            if (steps != null && (spec == null || !logs.isEmpty())) {
                throw new IllegalArgumentException("drawing a schedule over N steps needs a spec and no logs");
            }
        }

        /** Replays {@code logs} against {@code spec} with EMA 0.9 and each run's training loss. */
        public static Settings replay(List<Path> logs, String spec, Replay.Align align) {
            return new Settings(logs, spec, align, null, Smoothing.Method.EMA, 0.9, null);
        }

        /** The schedule alone over positions 0..steps. */
        public static Settings plot(String spec, long steps) {
            return new Settings(List.of(), spec, Replay.Align.STEP, steps, Smoothing.Method.NONE, 0, null);
        }

        public Settings withLogs(List<Path> newLogs) {
            return new Settings(newLogs, spec, align, steps, smoothing, weight, metric);
        }

        public Settings withSpec(String newSpec) {
            return new Settings(logs, newSpec, align, steps, smoothing, weight, metric);
        }

        public Settings withAlign(Replay.Align newAlign) {
            return new Settings(logs, spec, newAlign, steps, smoothing, weight, metric);
        }
    }

    /** A training log that could not be read; the message is the reader's (it names the file). */
    public static final class LogReadException extends IOException {
        private final transient Path log;

        LogReadException(Path log, Exception cause) {
            super(cause.getMessage() == null ? log + ": " + cause : cause.getMessage(), cause);
            this.log = log;
        }

        /** The log as it was given in the settings. */
        public Path log() {
            return log;
        }
    }

    private final TrainingLogCache cache;

    /** A study reading every log afresh (the CLI). */
    public SchedulesStudy() {
        this(TrainingLogCache.none());
    }

    /** A study reading logs through {@code cache} (the GUI re-runs it on every edit). */
    public SchedulesStudy(TrainingLogCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * @throws LogReadException         a log could not be read
     * @throws IllegalArgumentException a bad spec, a metric none of the runs has, or a schedule/alignment mismatch
     */
    @Override
    public SchedulesReport run(Settings settings, TaskContext ctx) throws LogReadException {
        ScheduleDefinition schedule = settings.spec() == null ? null : ScheduleSpec.parse(settings.spec());
        List<Path> logs = new ArrayList<>();
        List<TrainingLog> runs = new ArrayList<>();
        for (int i = 0; i < settings.logs().size(); i++) {
            ctx.checkCancelled();
            Path p = settings.logs().get(i);
            ctx.message("Reading " + p.getFileName());
            TrainingLog log;
            try {
                log = cache.read(p, ctx);
            } catch (java.util.concurrent.CancellationException e) {
                throw e;
            } catch (IOException | LogFormatException | RuntimeException e) {
                throw new LogReadException(p, e);
            }
            int same = indexOfName(runs, log.name());
            if (same >= 0) { // a later log of the same name replaces the earlier one
                runs.set(same, log);
                logs.set(same, p);
            } else {
                runs.add(log);
                logs.add(p);
            }
            ctx.progress(i + 1, settings.logs().size());
        }
        String metric = settings.metric();
        if (metric != null && runs.stream().noneMatch(r -> r.hasColumn(metric))) {
            throw new IllegalArgumentException("none of the runs has a column '" + metric + "'");
        }
        SchedulesReport report = new SchedulesReport(settings, schedule, logs, runs);
        report.charts(report.selection()); // surfaces a schedule that cannot be placed on the runs' axis
        return report;
    }

    /** The parse error of a spec text, or "" when it parses or is blank (no schedule). */
    public static String specError(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        try {
            ScheduleSpec.parse(text);
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static int indexOfName(List<TrainingLog> runs, String name) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
