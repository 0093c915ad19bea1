package io.plmwb.engine.format.gguf;

import io.plmwb.engine.format.WeightSource;
import java.util.Optional;

/** A {@link WeightSource} backed by a GGUF file, whose stored blocks can be used without dequantizing. */
public interface GgufWeights extends WeightSource {

    /** The underlying file. */
    GgufFile file();

    /** The stored ggml type of an HF-named tensor. */
    Optional<GgmlType> ggmlType(String hfName);

    /** The GGUF tensor behind an HF name. */
    Optional<GgufTensor> tensor(String hfName);
}
