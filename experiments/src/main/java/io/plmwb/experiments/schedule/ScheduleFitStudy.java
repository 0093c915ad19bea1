package io.plmwb.experiments.schedule;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fits a WSDC, WSD or warmup+cosine schedule to a run's logged learning rate ({@code schedule fit} and the fit
 * panel of the Schedules workspace).
 */
public final class ScheduleFitStudy implements Study<ScheduleFitStudy.Settings, ScheduleFitReport> {

    /**
     * What to fit.
     *
     * @param log    the training log or run folder
     * @param column the learning-rate column, or null for the detected one
     * @param kind   the schedule family ({@link ScheduleFitter.Kind#AUTO}: the simplest that fits as well)
     * @param align  fit against step or tokens
     */
    public record Settings(Path log, String column, ScheduleFitter.Kind kind, Replay.Align align) {
        public Settings {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(align, "align");
        }
    }

    private final TrainingLogCache cache;

    public ScheduleFitStudy() {
        this(TrainingLogCache.none());
    }

    public ScheduleFitStudy(TrainingLogCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * @throws IllegalArgumentException the log has no such (or no detectable) learning-rate column, or no tokens
     *                                  column to align by
     */
    @Override
    public ScheduleFitReport run(Settings s, TaskContext ctx) throws Exception {
        ctx.message("Reading " + s.log().getFileName());
        TrainingLog run = cache.read(s.log(), ctx);
        String col = s.column() != null ? s.column() : run.lrColumn().orElseThrow(() -> new IllegalArgumentException(
                s.log() + ": no learning-rate column found among " + run.metrics() + "; name it with --column"));
        if (!run.hasColumn(col) || !run.metrics().contains(col)) {
            throw new IllegalArgumentException(s.log() + ": no numeric column '" + col + "'; columns: "
                    + run.metrics());
        }
        double[] x = Replay.positions(run, s.align());
        ctx.message("Fitting " + run.name());
        ScheduleFitter.Fit fit;
        try {
            fit = ScheduleFitter.fit(x, run.column(col), s.kind(), ctx);
        } catch (IllegalArgumentException e) {
            // the fitter knows the numbers, not the file: name the log and its column
            throw new IllegalArgumentException(s.log() + ", column '" + col + "': " + e.getMessage(), e);
        }
        if (!Double.isFinite(fit.rms())) {
            throw new IllegalArgumentException(s.log() + ", column '" + col + "': the logged rates are so large that "
                    + "the fit's residual overflows (RMS " + fit.rms() + "); no fit is reported");
        }
        ScheduleDefinition def = new ScheduleDefinition(fit.schedule(), s.align() == Replay.Align.TOKENS
                ? ScheduleAxis.TOKENS : ScheduleAxis.STEP, List.of());
        return new ScheduleFitReport(s, run, col, fit, def);
    }
}
