/**
 * Headless measurement studies behind {@code workbench logits} ({@link io.plmwb.experiments.bench.LogitsStudy}) and
 * {@code workbench bench} ({@link io.plmwb.experiments.bench.BenchStudy}): settings in, an immutable report with
 * {@code toJson()} and the text out. They load the model themselves through the engine.
 */
package io.plmwb.experiments.bench;
