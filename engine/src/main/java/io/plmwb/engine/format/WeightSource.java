package io.plmwb.engine.format;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Named weight tensors of a checkpoint, read on demand (safetensors by mmap, GGUF, or in memory for tests). Callers
 * read one tensor at a time so that a multi-GB checkpoint never sits in one heap array.
 */
public interface WeightSource extends AutoCloseable {

    /** Where the weights come from (a folder or file), for messages. */
    Path origin();

    /** All tensor names, in file order. */
    List<String> names();

    /** The tensor's metadata, or empty when there is no such tensor. */
    Optional<TensorInfo> info(String name);

    /**
     * The tensor converted to fp32, row-major in its stored shape.
     *
     * @throws ModelFormatException naming the file and tensor when it is missing, unreadable, too large for one
     *                              array, or holds NaN/Inf
     */
    float[] readFloats(String name) throws ModelFormatException;

    @Override
    void close();
}
