package io.plmwb.engine.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Weights held in heap arrays: for tests and for small generated models. */
public final class InMemoryWeights implements WeightSource {

    private final Path origin;
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public InMemoryWeights(Path origin) {
        this.origin = origin;
    }

    /** Adds (or replaces) an fp32 tensor; {@code values.length} must equal the product of {@code shape}. */
    public InMemoryWeights put(String name, float[] values, long... shape) {
        TensorInfo info = new TensorInfo(name, DType.F32, shape);
        if (info.numel() != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + info);
        }
        infos.put(name, info);
        data.put(name, values);
        return this;
    }

    @Override
    public Path origin() {
        return origin;
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(infos.keySet());
    }

    @Override
    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    @Override
    public float[] readFloats(String name) throws ModelFormatException {
        float[] v = data.get(name);
        if (v == null) {
            throw new ModelFormatException(origin, "missing tensor " + name);
        }
        return v.clone();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
