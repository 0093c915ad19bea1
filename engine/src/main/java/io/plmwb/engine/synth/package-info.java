/** Synthetic (seeded random, untrained) checkpoints in HF layout, for running the workbench without real weights. */
package io.plmwb.engine.synth;
