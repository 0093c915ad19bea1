package io.plmwb.experiments.chart;

/** Where the legend goes. Inside positions sit in a corner of the plot area on export. */
public enum LegendPosition {
    RIGHT, BOTTOM, TOP, INSIDE_TOP_RIGHT, INSIDE_TOP_LEFT
}
