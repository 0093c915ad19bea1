/**
 * One chart description ({@link io.plmwb.experiments.chart.ChartSpec}) drawn on screen by the views module and
 * written to PNG/SVG/PDF/CSV by {@link io.plmwb.experiments.chart.ChartExportService}. No JavaFX here, and no XChart
 * type in the public API.
 */
package io.plmwb.experiments.chart;
