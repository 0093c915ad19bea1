package io.plmwb.experiments.chart;

/** Stroke of a series line. */
public enum LineStyle {
    SOLID, DASHED, DOTTED;

    /** Dash pattern in logical pixels (empty for solid), shared by both renderers. */
    public float[] dashPattern() {
        return switch (this) {
            case SOLID -> new float[0];
            case DASHED -> new float[] {7f, 4f};
            case DOTTED -> new float[] {1.5f, 3f};
        };
    }
}
