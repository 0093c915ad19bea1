package io.plmwb.engine.graph;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Compiled-graph cache: one directory per (checkpoint identity, build options, builder version) under a cache root
 * ({@code ${user.home}/.cache/plm-workbench/graphs}, or the system property {@value #PROPERTY}). The identity is the
 * checkpoint's absolute path plus the name, size and mtime of its config and weight files, so touching the weights or
 * config is a miss (other files in the folder do not matter). Entries are built in a temporary directory and moved into place atomically.
 */
public final class GraphCache {

    /** System property overriding the cache root. */
    public static final String PROPERTY = "plmwb.cache.dir";
    /** Model file name inside an entry. */
    public static final String MODEL_FILE = "model.onnx";
    private static final String KEY_FILE = "key.txt";

    private final Path root;

    /** A cache rooted at {@code root}. */
    public GraphCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache at {@code -Dplmwb.cache.dir} or {@code ~/.cache/plm-workbench/graphs}. */
    public static GraphCache atDefaultLocation() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return new GraphCache(Path.of(p));
        }
        return new GraphCache(Path.of(System.getProperty("user.home"), ".cache", "plm-workbench", "graphs"));
    }

    /** The cache root. */
    public Path root() {
        return root;
    }

    /**
     * A cache entry.
     *
     * @param dir      the entry's directory
     * @param onnxFile the model file to open
     * @param key      the identity hash (directory name)
     * @param hit      true when the entry existed and nothing was built
     */
    public record Entry(Path dir, Path onnxFile, String key, boolean hit) {
    }

    /** Writes a graph to {@code onnxFile} (sidecars next to it). */
    @FunctionalInterface
    public interface Producer {
        void build(Path onnxFile, TaskContext ctx) throws IOException, ModelFormatException;
    }

    /** The human-readable identity string of a checkpoint + options (what the key hashes). */
    public static String identity(Path checkpoint, GraphOptions options) throws IOException {
        Path abs = checkpoint.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new IOException(abs + ": checkpoint not found");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("builder=").append(OnnxGraphBuilder.BUILDER_VERSION).append('\n');
        sb.append("mode=").append(options.mode().key()).append('\n');
        sb.append("dtype=").append(options.dtype()).append('\n');
        if (options.sparsityProbes()) {
            // only when on, so the keys of graphs without probes stay what they were
            sb.append("probes=sparsity v").append(io.plmwb.engine.graph.ProbeGrid.PROBE_GRAPH_VERSION).append(' ')
                    .append(io.plmwb.engine.graph.ProbeGrid.describe()).append('\n');
        }
        sb.append("checkpoint=").append(abs).append('\n');
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(abs)) {
            try (Stream<Path> s = Files.list(abs)) {
                s.filter(Files::isRegularFile).filter(GraphCache::isModelFile).sorted().forEach(files::add);
            }
        } else {
            files.add(abs);
        }
        for (Path f : files) {
            sb.append("file=").append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                    .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Files of a checkpoint folder that can change the graph: config.json and weight files. Other files (tokenizer,
     * logits written next to the model, notes) do not invalidate cached graphs.
     */
    static boolean isModelFile(Path f) {
        String n = f.getFileName().toString();
        return n.equals("config.json") || n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json")
                || n.endsWith(".gguf") || n.endsWith(".bin") || n.endsWith(".bin.index.json");
    }

    /** The cache key (hex SHA-256 prefix of {@link #identity}). */
    public static String key(Path checkpoint, GraphOptions options) throws IOException {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity(checkpoint, options)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entry for this checkpoint and options if it is already built. */
    public Entry lookup(Path checkpoint, GraphOptions options) throws IOException {
        String key = key(checkpoint, options);
        Path dir = root.resolve(key);
        Path model = dir.resolve(MODEL_FILE);
        return Files.isRegularFile(model) ? new Entry(dir, model, key, true) : null;
    }

    /** Returns the cached graph, building it with {@code producer} on a miss. */
    public Entry getOrBuild(Path checkpoint, GraphOptions options, Producer producer, TaskContext ctx)
            throws IOException, ModelFormatException {
        Entry existing = lookup(checkpoint, options);
        if (existing != null) {
            ctx.message("Using cached graph " + existing.dir());
            return existing;
        }
        String key = key(checkpoint, options);
        Files.createDirectories(root);
        Path tmp = root.resolve(".tmp-" + key + "-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        Path dir = root.resolve(key);
        try {
            producer.build(tmp.resolve(MODEL_FILE), ctx);
            Files.writeString(tmp.resolve(KEY_FILE), identity(checkpoint, options));
        } catch (IOException | ModelFormatException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        if (Files.isDirectory(dir) && !Files.isRegularFile(dir.resolve(MODEL_FILE))) {
            deleteTree(dir); // a damaged entry (model file removed by hand): replace it
        }
        try {
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir);
            }
        } catch (IOException e) {
            deleteTree(tmp);
            if (!Files.isRegularFile(dir.resolve(MODEL_FILE))) {
                throw new IOException("could not move the built graph into the cache at " + dir + ": " + e, e);
            }
            // another builder finished the same entry first: use it
        }
        return new Entry(dir, dir.resolve(MODEL_FILE), key, false);
    }

    /** Convenience: builds with {@link OnnxGraphBuilder} from a config and weights on a miss. */
    public Entry getOrBuild(Path checkpoint, ModelConfig cfg, WeightSource weights, GraphOptions options,
                            TaskContext ctx) throws IOException, ModelFormatException {
        return getOrBuild(checkpoint, options, (file, c) -> OnnxGraphBuilder.build(cfg, weights, options, file, c), ctx);
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a stale temp dir is harmless
        }
    }
}
