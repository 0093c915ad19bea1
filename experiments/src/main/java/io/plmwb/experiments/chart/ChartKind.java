package io.plmwb.experiments.chart;

/** How a chart draws its series. The first three take numeric x values, the rest category labels. */
public enum ChartKind {
    LINE, SCATTER, AREA,
    /** Side-by-side bars, one group per category. */
    BAR,
    /** Bars stacked per category (all series share the categories). */
    STACKED_BAR,
    /** Bars without gaps, one per bin (categories are bin labels, see {@link Histograms}). */
    HISTOGRAM,
    /** A matrix of coloured cells ({@link HeatMatrix}); no series. */
    HEATMAP;

    /** True for the kinds whose x axis holds category labels. */
    public boolean isCategory() {
        return this == BAR || this == STACKED_BAR || this == HISTOGRAM;
    }
}
