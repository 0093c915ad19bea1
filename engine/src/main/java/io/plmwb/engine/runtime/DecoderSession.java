package io.plmwb.engine.runtime;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoding session over an ONNX decoder graph from {@link io.plmwb.engine.graph.OnnxGraphBuilder}, run by ONNX
 * Runtime through DJL. The KV cache stays in native memory between steps: each step's {@code present.*} outputs
 * (ORT-owned tensors wrapped as DJL {@code OrtNDArray}s) are fed back unchanged as the next step's {@code past.*}
 * inputs; nothing but ids and logits crosses into Java arrays. Not thread-safe.
 */
public final class DecoderSession implements AutoCloseable {

    private final Model model;
    private final Block block;
    private final NDManager manager;
    private final List<String> pastNames = new ArrayList<>();
    private final Map<String, Shape> pastShapes = new LinkedHashMap<>();
    private final Map<String, Integer> seqAxis = new LinkedHashMap<>();
    private final Path onnxFile;
    private final int vocab;
    private final String cacheMode;
    private Map<String, NDArray> cache = new LinkedHashMap<>();
    private int cacheLength;
    private volatile long heldCacheBytes;
    private boolean closed;
    private final OrtModel ort;
    private final boolean ownsModel;
    private OutputTap tap;

    private DecoderSession(OrtModel ort, boolean ownsModel) {
        this.ort = ort;
        this.ownsModel = ownsModel;
        this.onnxFile = ort.file();
        this.model = ort.model();
        this.block = model.getBlock();
        this.manager = model.getNDManager().newSubManager();
        Map<String, String> meta = block instanceof OrtSymbolBlock ob ? ob.getCustomMetadata() : Map.of();
        String spec = meta.get(OnnxGraphBuilder.PAST_SHAPES_KEY);
        if (spec == null || spec.isBlank()) {
            throw new IllegalStateException(onnxFile + ": no " + OnnxGraphBuilder.PAST_SHAPES_KEY
                    + " metadata; not a graph written by the workbench's OnnxGraphBuilder");
        }
        for (String entry : spec.split(";")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(onnxFile + ": malformed " + OnnxGraphBuilder.PAST_SHAPES_KEY
                        + " entry '" + entry + "'");
            }
            String name = entry.substring(0, eq);
            String[] parts = entry.substring(eq + 1).split(",");
            long[] dims = new long[parts.length];
            int axis = -1;
            for (int d = 0; d < parts.length; d++) {
                dims[d] = Long.parseLong(parts[d]);
                if (dims[d] < 0) {
                    axis = d;
                }
            }
            if (axis < 0) {
                throw new IllegalStateException(onnxFile + ": cache input " + name + " has no sequence axis");
            }
            pastNames.add(name);
            pastShapes.put(name, new Shape(dims));
            seqAxis.put(name, axis);
        }
        String v = meta.get("plmwb.vocab");
        this.vocab = v == null ? -1 : Integer.parseInt(v);
        this.cacheMode = meta.getOrDefault("plmwb.cache_mode", "unknown");
        resetCache();
    }

    /**
     * Opens {@code onnxFile} (its {@code .data} sidecar next to it) with the OnnxRuntime engine.
     *
     * @throws IOException when the file is missing or ONNX Runtime refuses it (message names the file)
     */
    public static DecoderSession open(Path onnxFile, RuntimeOptions options) throws IOException {
        OrtModel ort = OrtModel.open(onnxFile, options);
        try {
            return new DecoderSession(ort, true);
        } catch (RuntimeException e) {
            ort.close();
            throw e;
        }
    }

    /**
     * A session with its own KV cache and tap over an ORT model that others share; closing it leaves the model open
     * (its owner, {@link ModelSessions}, closes it).
     */
    static DecoderSession over(OrtModel ort) {
        return new DecoderSession(ort, false);
    }

    /** The model file this session runs. */
    public Path onnxFile() {
        return onnxFile;
    }

    /** Vocabulary size (logits per position), or -1 when the graph does not say. */
    public int vocabSize() {
        return vocab;
    }

    /** The graph's cache layout key ("latent" or "expanded"). */
    public String cacheMode() {
        return cacheMode;
    }

    /** Tokens currently in the cache (the position of the next token). */
    public int cacheLength() {
        return cacheLength;
    }

    /** Bytes of the present cache tensors held in native memory (fp32). */
    public long cacheBytes() {
        return bytesOf(cache);
    }

    /** {@link #cacheBytes()} as of the last step, readable from any thread (for the session host's snapshot). */
    long heldCacheBytes() {
        return heldCacheBytes;
    }

    private static long bytesOf(Map<String, NDArray> tensors) {
        long n = 0;
        for (NDArray a : tensors.values()) {
            n += a.getShape().size() * a.getDataType().getNumOfBytes();
        }
        return n;
    }

    /**
     * One cache tensor as the session holds it in native memory.
     *
     * @param name  the graph input it is fed to ({@code past.<layer>.latent}, {@code past.<layer>.key}, …)
     * @param shape its shape (the sequence axis equals {@link #cacheLength()})
     * @param dtype its element type as DJL names it ("float32", …)
     * @param bytes shape size × element bytes
     */
    public record CacheTensor(String name, long[] shape, String dtype, long bytes) {
        public CacheTensor {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The layer index in the name ({@code past.12.latent} → 12), or -1 if it has none. */
        public int layer() {
            String[] parts = name.split("\\.");
            if (parts.length >= 2) {
                try {
                    return Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            return -1;
        }

        /** What the tensor holds: the last name component ("latent", "key", "value"). */
        public String part() {
            return name.substring(name.lastIndexOf('.') + 1);
        }
    }

    /** The cache tensors held right now, read from the native tensors' own shapes and types (not from the config). */
    public List<CacheTensor> cacheTensors() {
        List<CacheTensor> out = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : cache.entrySet()) {
            NDArray a = e.getValue();
            out.add(new CacheTensor(e.getKey(), a.getShape().getShape(), a.getDataType().toString().toLowerCase(
                    java.util.Locale.ROOT), a.getShape().size() * a.getDataType().getNumOfBytes()));
        }
        return out;
    }

    /**
     * Sets the receiver of the graph's extra outputs (null: none). Without a tap extra outputs are computed by ONNX
     * Runtime but dropped without being copied.
     */
    public void setOutputTap(OutputTap tap) {
        this.tap = tap;
    }

    /** Drops the cache: the next call starts again at position 0. */
    public void reset() {
        checkOpen();
        resetCache();
    }

    /** Runs {@code ids} after whatever is cached and returns the logits of the last position. */
    public float[] prefill(int[] ids) {
        return prefill(ids, false, TaskContext.none())[0];
    }

    /**
     * Runs {@code ids} after whatever is cached, in one graph call.
     *
     * @param allPositions true: logits for every id ({@code float[ids.length][vocab]}); false: only the last
     *                     ({@code float[1][vocab]})
     */
    public float[][] prefill(int[] ids, boolean allPositions, TaskContext ctx) {
        checkOpen();
        if (ids.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token id");
        }
        ctx.checkCancelled();
        return step(ids, allPositions ? ids.length : 1);
    }

    /** Runs one token through the cache and returns its logits. */
    public float[] decode(int id) {
        checkOpen();
        return step(new int[] {id}, 1)[0];
    }

    private float[][] step(int[] ids, int numLogits) {
        OrtShutdown.enterRun();
        try {
            checkOpen();
            return runStep(ids, numLogits);
        } finally {
            OrtShutdown.exitRun();
        }
    }

    private float[][] runStep(int[] ids, int numLogits) {
        if (vocab > 0) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("token id " + ids[i] + " (input index " + i
                            + ") is outside the vocabulary 0.." + (vocab - 1));
                }
            }
        }
        try (NDManager stepManager = manager.newSubManager()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                l[i] = ids[i];
            }
            NDArray idArr = stepManager.create(l, new Shape(1, ids.length));
            idArr.setName("input_ids");
            NDArray nArr = stepManager.create(new long[] {numLogits}, new Shape(1));
            nArr.setName("num_logits");
            NDList in = new NDList(idArr, nArr);
            for (String p : pastNames) {
                in.add(cache.get(p));
            }
            NDList out = block.forward(new ParameterStore(stepManager, false), in, false);
            Map<String, NDArray> next = new LinkedHashMap<>();
            NDArray logits = null;
            List<OutputTap.Output> extra = tap == null ? null : new ArrayList<>();
            for (NDArray a : out) {
                String name = a.getName();
                if ("logits".equals(name)) {
                    logits = a;
                    a.attach(stepManager);
                } else if (name != null && name.startsWith("present.")) {
                    a.attach(manager);
                    String pastName = "past." + name.substring("present.".length());
                    a.setName(pastName);
                    next.put(pastName, a);
                } else {
                    a.attach(stepManager);
                    if (extra != null) {
                        DataType type = a.getDataType();
                        extra.add(new OutputTap.Output(name, a.getShape().getShape(),
                                type == DataType.FLOAT32 ? a.toFloatArray() : null,
                                type == DataType.INT64 ? a.toLongArray() : null,
                                type == DataType.INT32 ? a.toIntArray() : null));
                    }
                }
            }
            if (logits == null || next.size() != pastNames.size()) {
                for (NDArray a : next.values()) {
                    a.close();
                }
                throw new IllegalStateException(onnxFile + ": graph outputs do not match its cache inputs");
            }
            for (NDArray old : cache.values()) {
                old.close();
            }
            cache = next;
            heldCacheBytes = bytesOf(next);
            int start = cacheLength;
            cacheLength += ids.length;
            if (extra != null) {
                tap.onStep(ids.clone(), start, extra);
            }
            Shape ls = logits.getShape();
            int rows = (int) ls.get(1);
            int v = (int) ls.get(2);
            float[] flat = logits.toFloatArray();
            float[][] r = new float[rows][v];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(flat, i * v, r[i], 0, v);
            }
            for (int i = 0; i < flat.length; i++) {
                if (!Float.isFinite(flat[i])) {
                    int row = i / v;
                    int pos = start + ids.length - rows + row;
                    throw new NonFiniteLogitsException(onnxFile, pos, ids[ids.length - rows + row], flat[i]);
                }
            }
            return r;
        }
    }

    private void resetCache() {
        for (NDArray a : cache.values()) {
            a.close();
        }
        cache = new LinkedHashMap<>();
        for (String p : pastNames) {
            Shape s = pastShapes.get(p);
            long[] dims = s.getShape().clone();
            dims[seqAxis.get(p)] = 0;
            NDArray a = manager.create(FloatBuffer.allocate(0), new Shape(dims), DataType.FLOAT32);
            a.setName(p);
            cache.put(p, a);
        }
        cacheLength = 0;
        heldCacheBytes = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("session for " + onnxFile + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            heldCacheBytes = 0;
            manager.close();
            if (ownsModel) {
                ort.close();
            }
        }
    }
}
