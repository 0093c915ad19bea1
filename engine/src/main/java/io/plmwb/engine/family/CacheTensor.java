package io.plmwb.engine.family;

/**
 * One cache tensor of a layer: graph inputs are {@code past.N.<suffix>}, outputs {@code present.N.<suffix>}.
 *
 * @param suffix name suffix ("latent", "key", "value")
 * @param dims   shape with -1 on the sequence axis (batch first, always 1)
 */
public record CacheTensor(String suffix, long[] dims) {

    public CacheTensor {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The index of the sequence axis. */
    public int seqAxis() {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                return i;
            }
        }
        throw new IllegalStateException(suffix + " has no sequence axis");
    }

    /** Values per cached token (the product of the other axes). */
    public long valuesPerToken() {
        long n = 1;
        for (long d : dims) {
            n *= d < 0 ? 1 : d;
        }
        return n;
    }

    /** The graph input name of layer {@code layer}. */
    public String past(int layer) {
        return "past." + layer + "." + suffix;
    }

    /** The graph output name of layer {@code layer}. */
    public String present(int layer) {
        return "present." + layer + "." + suffix;
    }
}
