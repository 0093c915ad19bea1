package io.plmwb.engine.format.gguf;

import java.util.Arrays;

/**
 * A tensor entry of a GGUF file.
 *
 * @param name   GGUF name ({@code blk.0.attn_q.weight})
 * @param type   ggml type
 * @param ne     ggml dimensions, innermost first ({@code ne[0]} = row length = "in" of a linear weight)
 * @param offset byte offset relative to the data section
 */
public record GgufTensor(String name, GgmlType type, long[] ne, long offset) {

    public GgufTensor {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** The shape outermost first (PyTorch / numpy order: {@code [out, in]} for a linear weight). */
    public long[] shape() {
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            s[i] = ne[ne.length - 1 - i];
        }
        return s;
    }

    public long numel() {
        long n = 1;
        for (long d : ne) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes in the file. */
    public long byteSize() {
        return type.bytesFor(numel());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensor t && t.name.equals(name) && t.type == type && Arrays.equals(t.ne, ne)
                && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(ne);
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape()) + " @" + offset;
    }
}
