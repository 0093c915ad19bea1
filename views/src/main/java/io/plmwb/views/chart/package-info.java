/**
 * Charts on screen: {@link io.plmwb.views.chart.ChartPane} draws any
 * {@link io.plmwb.experiments.chart.ChartSpec} with JavaFX charts and exports it through
 * {@link io.plmwb.views.chart.ChartExportViewModel}, the only class here that calls the export service.
 */
package io.plmwb.views.chart;
