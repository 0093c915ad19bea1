/**
 * The Models workspace's studies: {@link io.plmwb.experiments.models.ModelInfoStudy} (architecture cards, parameter
 * charts, {@code workbench info} and {@code chart params}), {@link io.plmwb.experiments.models.ModelLoadStudy}
 * (loading a checkpoint to run) and {@link io.plmwb.experiments.models.GenerateStudy} (the prompt box and
 * {@code workbench generate}).
 */
package io.plmwb.experiments.models;
