package io.plmwb.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The weights of an HF checkpoint folder: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard file). Shards are opened and validated
 * up front; tensors are read by memory map from their shard.
 *
 * <p>The index is checked strictly: every shard it names must exist inside the folder, every tensor it maps must be
 * in the shard named, no tensor may sit in two shards, and no shard may hold a tensor the index does not list.
 */
public final class SafetensorsCheckpoint implements WeightSource {

    /** File name of a single-file checkpoint. */
    public static final String SINGLE = "model.safetensors";
    /** File name of the shard index. */
    public static final String INDEX = "model.safetensors.index.json";

    private static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path origin;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<String> names;

    private SafetensorsCheckpoint(Path origin, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.origin = origin;
        this.files = files;
        this.byTensor = byTensor;
        List<String> n = new ArrayList<>();
        for (SafetensorsFile f : files) {
            for (String t : f.names()) {
                if (byTensor.get(t) == f) {
                    n.add(t);
                }
            }
        }
        this.names = Collections.unmodifiableList(n);
    }

    /**
     * Opens a checkpoint folder ({@value #SINGLE} when present, as transformers does, else the shards of
     * {@value #INDEX}), a single {@code .safetensors} file, or an index file.
     */
    public static SafetensorsCheckpoint open(Path folderOrFile) throws ModelFormatException {
        if (Files.isRegularFile(folderOrFile)) {
            if (folderOrFile.getFileName().toString().endsWith(".index.json")) {
                return openSharded(folderOrFile.toAbsolutePath().getParent(), folderOrFile);
            }
            SafetensorsFile f = SafetensorsFile.open(folderOrFile);
            return single(folderOrFile, f);
        }
        if (!Files.isDirectory(folderOrFile)) {
            throw new ModelFormatException(folderOrFile, "no such file or folder");
        }
        Path single = folderOrFile.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            return single(folderOrFile, SafetensorsFile.open(single));
        }
        Path index = folderOrFile.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return openSharded(folderOrFile, index);
        }
        throw new ModelFormatException(folderOrFile, "neither " + SINGLE + " nor " + INDEX
                + " here (is this an HF checkpoint folder?)");
    }

    private static SafetensorsCheckpoint single(Path origin, SafetensorsFile f) {
        Map<String, SafetensorsFile> by = new LinkedHashMap<>();
        for (String t : f.allNames()) {
            by.put(t, f);
        }
        return new SafetensorsCheckpoint(origin, List.of(f), by);
    }

    private static SafetensorsCheckpoint openSharded(Path folder, Path index) throws ModelFormatException {
        Map<String, String> weightMap = readIndex(index);
        Path base = folder.toAbsolutePath().normalize();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (String shard : new java.util.LinkedHashSet<>(weightMap.values())) {
                Path p = base.resolve(shard).normalize();
                if (!p.getParent().equals(base) || shard.isEmpty()) {
                    throw new ModelFormatException(index, "weight_map names shard '" + shard
                            + "', which is not a plain file name in the checkpoint folder");
                }
                if (!Files.isRegularFile(p)) {
                    String first = weightMap.entrySet().stream().filter(e -> e.getValue().equals(shard))
                            .map(Map.Entry::getKey).findFirst().orElse("?");
                    throw new ModelFormatException(index, "shard '" + shard + "' (holding e.g. '" + first
                            + "') does not exist");
                }
                shards.put(shard, SafetensorsFile.open(p));
            }
            Map<String, String> seenIn = new LinkedHashMap<>();
            for (Map.Entry<String, SafetensorsFile> s : shards.entrySet()) {
                for (String t : s.getValue().allNames()) {
                    String before = seenIn.putIfAbsent(t, s.getKey());
                    if (before != null) {
                        throw new ModelFormatException(index, "tensor '" + t + "' is stored in two shards: '" + before
                                + "' and '" + s.getKey() + "'");
                    }
                    if (!weightMap.containsKey(t)) {
                        throw new ModelFormatException(index, "tensor '" + t + "' is in shard '" + s.getKey()
                                + "' but the index does not list it");
                    }
                }
            }
            Map<String, SafetensorsFile> by = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                SafetensorsFile f = shards.get(e.getValue());
                if (!f.allNames().contains(e.getKey())) {
                    String actual = seenIn.get(e.getKey());
                    throw new ModelFormatException(index, "tensor '" + e.getKey() + "' is mapped to shard '"
                            + e.getValue() + "' but is not in it" + (actual == null ? "" : " (it is in '" + actual
                            + "')"));
                }
                by.put(e.getKey(), f);
            }
            SafetensorsCheckpoint c = new SafetensorsCheckpoint(folder, new ArrayList<>(shards.values()), by);
            ok = true;
            return c;
        } finally {
            if (!ok) {
                shards.values().forEach(SafetensorsFile::close);
            }
        }
    }

    private static Map<String, String> readIndex(Path index) throws ModelFormatException {
        JsonNode root;
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new ModelFormatException(index, "index is " + Files.size(index) + " bytes; refusing to parse");
            }
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n", 2)[0];
            throw new ModelFormatException(index, "not valid JSON: " + m, e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(index, "expected a JSON object");
        }
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new ModelFormatException(index, "missing weight_map object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index, "weight_map entry '" + e.getKey()
                        + "' must be a shard file name, found " + e.getValue());
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        if (map.isEmpty()) {
            throw new ModelFormatException(index, "weight_map is empty");
        }
        return map;
    }

    @Override
    public Path origin() {
        return origin;
    }

    /** The opened files (one, or the shards in index order). */
    public List<SafetensorsFile> files() {
        return Collections.unmodifiableList(files);
    }

    /** The file holding a tensor, if any. */
    public Optional<SafetensorsFile> fileOf(String name) {
        return Optional.ofNullable(byTensor.get(name));
    }

    /** Tensors present but in a dtype the engine does not read, with that dtype. */
    public Map<String, String> unsupported() {
        Map<String, String> m = new LinkedHashMap<>();
        files.forEach(f -> m.putAll(f.unsupported()));
        return m;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public Optional<TensorInfo> info(String name) {
        SafetensorsFile f = byTensor.get(name);
        return f == null ? Optional.empty() : f.info(name);
    }

    @Override
    public float[] readFloats(String name) throws ModelFormatException {
        return fileFor(name).readFloats(name);
    }

    /** A slice of a tensor, see {@link SafetensorsFile#readFloats(String, long, int)}. */
    public float[] readFloats(String name, long start, int count) throws ModelFormatException {
        return fileFor(name).readFloats(name, start, count);
    }

    private SafetensorsFile fileFor(String name) throws ModelFormatException {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFormatException(origin, "no tensor '" + name + "' in this checkpoint");
        }
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
