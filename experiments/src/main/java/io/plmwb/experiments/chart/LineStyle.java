package io.plmwb.experiments.chart;

/** Stroke of a series line. */
public enum LineStyle {
    SOLID, DASHED, DOTTED, DASH_DOT;

    /** The styles series take in turn when none sets its own, so lines differ in greyscale too. */
    public static LineStyle cycle(int index) {
        return values()[Math.floorMod(index, values().length)];
    }

    /** Dash pattern in logical pixels (empty for solid), shared by both renderers. */
    public float[] dashPattern() {
        return switch (this) {
            case SOLID -> new float[0];
            case DASHED -> new float[] {7f, 4f};
            case DOTTED -> new float[] {1.5f, 3f};
            case DASH_DOT -> new float[] {7f, 3f, 1.5f, 3f};
        };
    }
}
