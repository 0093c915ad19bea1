package io.plmwb.experiments.latency;

/**
 * What the Latency workspace lets the user pick on a report: which phase the pinned-run difference B − A shows.
 *
 * @param decodeDifference true: the difference chart shows decode; false: prefill
 */
public record LatencySelection(boolean decodeDifference) {

    /** The screen's default (and the CLI's): the decode difference. */
    public static final LatencySelection DEFAULT = new LatencySelection(true);
}
