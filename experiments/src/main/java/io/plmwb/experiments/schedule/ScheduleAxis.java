package io.plmwb.experiments.schedule;

import java.util.Locale;

/** What a schedule's positions count: optimizer steps or training tokens. */
public enum ScheduleAxis {
    STEP("Step", "steps"),
    TOKENS("Tokens", "tokens");

    private final String label;
    private final String unit;

    ScheduleAxis(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
