/** Charts of per-layer latency results (ChartSpecs for the GUI and the CLI). */
package io.plmwb.experiments.latency;
