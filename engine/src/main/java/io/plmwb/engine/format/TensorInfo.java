package io.plmwb.engine.format;

import java.util.Arrays;

/**
 * A stored tensor's name, element type and shape (PyTorch order: {@code [out, in]} for linear weights).
 *
 * @param name  the tensor's name in its file (HF names such as {@code model.layers.0.self_attn.q_proj.weight})
 * @param dtype element type as stored
 * @param shape dimensions, outermost first
 */
public record TensorInfo(String name, DType dtype, long[] shape) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes as stored. */
    public long byteSize() {
        return Math.multiplyExact(numel(), dtype.bytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
