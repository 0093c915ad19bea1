package io.plmwb.experiments.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufTensor;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.study.StudyJson;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a .gguf file holds beyond its config: version, size, alignment, tensors by type (count and bytes, in the
 * order the types first appear) and the weights it runs with by default.
 */
public record GgufFacts(int version, long fileBytes, int alignment, int tensors, Map<String, TensorType> tensorTypes,
                        String nativeWeights) {

    /** Tensors of one ggml type. */
    public record TensorType(int count, long bytes) {
    }

    public GgufFacts {
        tensorTypes = Collections.unmodifiableMap(new LinkedHashMap<>(tensorTypes));
    }

    /** Reads the facts of {@code file}. */
    public static GgufFacts read(Path file) throws ModelFormatException {
        Map<String, TensorType> types = new LinkedHashMap<>();
        int version;
        long size;
        int alignment;
        int count;
        try (GgufFile f = GgufFile.open(file)) {
            version = f.version();
            size = f.fileSize();
            alignment = f.alignment();
            count = f.tensors().size();
            for (GgufTensor t : f.tensors().values()) {
                types.merge(t.type().name(), new TensorType(1, t.byteSize()),
                        (a, b) -> new TensorType(a.count() + b.count(), a.bytes() + b.bytes()));
            }
        }
        return new GgufFacts(version, size, alignment, count, types, ModelLoader.nativeWeights(file));
    }

    /** The {@code gguf} object of {@code workbench info --json}. */
    public ObjectNode toJson() {
        ObjectNode g = StudyJson.object();
        g.put("version", version);
        g.put("file_bytes", fileBytes);
        g.put("alignment", alignment);
        g.put("tensors", tensors);
        ObjectNode types = g.putObject("tensor_types");
        tensorTypes.forEach((name, t) -> {
            ObjectNode e = types.putObject(name);
            e.put("count", t.count());
            e.put("bytes", t.bytes());
        });
        g.put("native_weights", nativeWeights);
        return g;
    }
}
