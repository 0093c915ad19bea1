package io.plmwb.experiments.schedule;

import java.util.List;
import java.util.Objects;

/**
 * A schedule on an axis with data-phase markers: what a spec such as
 * {@code wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=3e-4,floor=3e-5,shape=cosine,phases=60000;90000}
 * describes.
 *
 * @param schedule   the rates
 * @param axis       steps or tokens
 * @param dataPhases positions where a new data phase begins (markers only; they do not change the rate)
 */
public record ScheduleDefinition(Schedule schedule, ScheduleAxis axis, List<Double> dataPhases) {

    public ScheduleDefinition {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(axis, "axis");
        dataPhases = List.copyOf(dataPhases);
        double prev = Double.NEGATIVE_INFINITY;
        for (double d : dataPhases) {
            if (!Double.isFinite(d) || d < 0 || d <= prev) {
                throw new IllegalArgumentException("phases: data-phase starts must be non-negative and increasing, "
                        + "were " + dataPhases);
            }
            prev = d;
        }
    }

    /** A schedule on the step axis without data phases. */
    public static ScheduleDefinition of(Schedule schedule) {
        return new ScheduleDefinition(schedule, ScheduleAxis.STEP, List.of());
    }

    /** The compact text form (round-trips through {@link ScheduleSpec#parse}). */
    public String toSpec() {
        return ScheduleSpec.format(this);
    }
}
