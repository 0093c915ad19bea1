package io.plmwb.engine.runtime;

import java.util.List;

/**
 * Receives the extra outputs of a graph (anything besides logits and the cache, e.g. the sparsity probes) after each
 * {@link DecoderSession} step, copied into Java arrays. Called on the thread that runs the step.
 */
@FunctionalInterface
public interface OutputTap {

    /**
     * One extra output of a step.
     *
     * @param name   graph output name
     * @param shape  its shape
     * @param floats the values of a float output (else null)
     * @param longs  the values of an int64 output (else null)
     * @param ints   the values of an int32 output (else null)
     */
    record Output(String name, long[] shape, float[] floats, long[] longs, int[] ints) {
    }

    /**
     * @param ids           the ids the step ran
     * @param startPosition the position of {@code ids[0]}
     * @param outputs       the extra outputs, in graph order
     */
    void onStep(int[] ids, int startPosition, List<Output> outputs);
}
