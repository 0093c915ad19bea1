package io.plmwb.experiments.study;

/** The selection of a report that has nothing to pick: every chart is always shown. */
public enum NoSelection {
    /** The only value. */
    ALL
}
