package io.plmwb.experiments.sparsity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves and reopens {@link SparsityResult}s as JSON ({@code *.sparsity.json}; format in docs/sparsity.md):
 * {@code {"format": "plmwb-sparsity", "version": 2, "grid": …, "epsilons": […], "neuron_epsilons": […],
 * "model": {…}, "source": …, "neuron_firings": [[…] per layer, summed over the captures], "captures": [{"label", "prompt_tokens", "top_k", "tokens": [{"id", "text"}],
 * "token_hist": [[…] per layer], "top_indices": [[…]], "top_values": [[…]]}]}}. Written to a temporary file and moved into place; reading
 * checks the format, version, grid and every array size, naming the file and the problem.
 */
public final class SparsityResultFile {

    /** The format tag. */
    public static final String FORMAT = "plmwb-sparsity";
    /** The version written. */
    public static final int VERSION = 2;
    /** File name suffix. */
    public static final String SUFFIX = ".sparsity.json";
    /** Largest file read. */
    public static final long MAX_BYTES = 1L << 30;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SparsityResultFile() {
    }

    /** Thrown when a file is not a readable sparsity result. */
    public static final class BadResultFileException extends IOException {
        public BadResultFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    /** True when a file looks like a saved result (name, or the format tag near its start). */
    public static boolean looksLike(Path file) {
        if (file.getFileName().toString().endsWith(SUFFIX)) {
            return true;
        }
        try (var in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(256), java.nio.charset.StandardCharsets.UTF_8);
            return head.contains("\"" + FORMAT + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code r} to {@code file} atomically; refuses to replace an existing file unless {@code overwrite}. */
    public static void write(SparsityResult r, Path file, boolean overwrite) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        try {
            AtomicFiles.write(target, overwrite, toBytes(r));
        } catch (AtomicFiles.TargetExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, e.isFolder() ? "it is a folder"
                    : "the file already exists");
        }
    }

    /** The saved form of {@code r} (what {@link #write} writes). */
    public static byte[] toBytes(SparsityResult r) {
        try {
            return MAPPER.writeValueAsBytes(toJson(r));
        } catch (JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ObjectNode toJson(SparsityResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("grid", ProbeGrid.describe());
        ArrayNode eps = root.putArray("epsilons");
        for (double e : ProbeGrid.epsilons()) {
            eps.add(e);
        }
        ArrayNode neps = root.putArray("neuron_epsilons");
        for (int i = 0; i < ProbeGrid.NEURON_EPSILONS; i++) {
            neps.add(ProbeGrid.epsilon(ProbeGrid.neuronGridIndex(i)));
        }
        ObjectNode m = root.putObject("model");
        SparsityCapture.ModelFacts f = r.model();
        m.put("name", f.name());
        m.put("family", f.family());
        m.put("activation", f.activation());
        m.put("layers", f.layers());
        m.put("hidden", f.hidden());
        m.put("neurons", f.neurons());
        m.put("synthetic", f.synthetic());
        m.put("total_params", r.totalParams());
        m.put("bytes_per_param", r.bytesPerParam());
        m.put("weight_dtype", r.weightDtype());
        root.put("source", r.source());
        ArrayNode nh = root.putArray("neuron_firings");
        for (long[] layer : r.neuronHist()) {
            ArrayNode b = nh.addArray();
            for (long v : layer) {
                b.add(v);
            }
        }
        ArrayNode caps = root.putArray("captures");
        for (SparsityCapture c : r.captures()) {
            ObjectNode cn = caps.addObject();
            cn.put("label", c.label());
            cn.put("prompt_tokens", c.promptTokens());
            cn.put("top_k", c.topK());
            ArrayNode toks = cn.putArray("tokens");
            for (int t = 0; t < c.tokens(); t++) {
                ObjectNode tn = toks.addObject();
                tn.put("id", c.id(t));
                tn.put("text", c.tokenText(t));
            }
            ArrayNode th = cn.putArray("token_hist");
            ArrayNode ti = cn.putArray("top_indices");
            ArrayNode tv = cn.putArray("top_values");
            for (int l = 0; l < c.layers(); l++) {
                ArrayNode a = th.addArray();
                for (int v : c.tokenHistogram(l)) {
                    a.add(v);
                }
                ArrayNode ci = ti.addArray();
                for (int v : c.topIndexArray(l)) {
                    ci.add(v);
                }
                ArrayNode cv = tv.addArray();
                for (float v : c.topValueArray(l)) {
                    cv.add(v);
                }
            }
        }
        return root;
    }

    /** Reads a saved result. */
    public static SparsityResult read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadResultFileException(file, Files.exists(file) ? "is not a file" : "does not exist");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new BadResultFileException(file, "is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new BadResultFileException(file, "is not valid JSON" + at + ": " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            throw new BadResultFileException(file, "is not valid JSON text (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BadResultFileException(file, "is not a saved sparsity result (no \"format\": \"" + FORMAT
                    + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new BadResultFileException(file, "has version " + root.path("version") + "; this workbench reads "
                    + VERSION);
        }
        if (!ProbeGrid.sameGrid(root.path("grid").asText())) {
            throw new BadResultFileException(file, "was saved with the ε grid '" + root.path("grid").asText()
                    + "', this workbench uses '" + ProbeGrid.describe() + "'");
        }
        try {
            JsonNode m = root.path("model");
            SparsityCapture.ModelFacts facts = new SparsityCapture.ModelFacts(text(m, "name"), text(m, "family"),
                    text(m, "activation"), integer(m, "layers"), integer(m, "hidden"), integer(m, "neurons"),
                    m.path("synthetic").asBoolean(false));
            List<SparsityCapture> caps = new ArrayList<>();
            JsonNode cs = root.path("captures");
            if (!cs.isArray()) {
                throw new IllegalArgumentException("\"captures\" is not an array");
            }
            for (int i = 0; i < cs.size(); i++) {
                try {
                    caps.add(capture(cs.get(i), facts));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("capture " + i + ": " + e.getMessage(), e);
                }
            }
            long total = m.path("total_params").asLong(-1);
            if (total < 1) {
                throw new IllegalArgumentException("model.total_params is missing");
            }
            checkLayers(facts.layers(), root.path("neuron_firings"), "neuron_firings");
            long[][] nh = new long[facts.layers()][];
            for (int l = 0; l < facts.layers(); l++) {
                nh[l] = longs(root.path("neuron_firings").path(l), "neuron_firings[" + l + "]");
            }
            return new SparsityResult(facts, total, integer(m, "bytes_per_param"), text(m, "weight_dtype"),
                    root.path("source").asText(""), caps, nh);
        } catch (IllegalArgumentException e) {
            throw new BadResultFileException(file, e.getMessage());
        }
    }

    private static SparsityCapture capture(JsonNode c, SparsityCapture.ModelFacts facts) {
        JsonNode toks = c.path("tokens");
        if (!toks.isArray()) {
            throw new IllegalArgumentException("\"tokens\" is not an array");
        }
        int t = toks.size();
        int[] ids = new int[t];
        List<String> texts = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            ids[i] = toks.get(i).path("id").asInt();
            texts.add(toks.get(i).path("text").asText(""));
        }
        int k = integer(c, "top_k");
        int layers = facts.layers();
        checkLayers(layers, c.path("token_hist"), "token_hist");
        int[][] th = new int[layers][];
        int[][] ti = new int[layers][];
        float[][] tv = new float[layers][];
        for (int l = 0; l < layers; l++) {
            th[l] = ints(c.path("token_hist").path(l), "token_hist[" + l + "]");
            ti[l] = ints(c.path("top_indices").path(l), "top_indices[" + l + "]");
            int[] raw = ints(c.path("top_values").path(l), null);
            JsonNode vals = c.path("top_values").path(l);
            tv[l] = new float[vals.size()];
            for (int i = 0; i < tv[l].length; i++) {
                tv[l][i] = (float) vals.get(i).asDouble();
            }
            if (raw.length != tv[l].length) {
                throw new IllegalArgumentException("top_values[" + l + "] is malformed");
            }
        }
        return new SparsityCapture(c.path("label").asText(""), facts, ids, texts, integer(c, "prompt_tokens"), th,
                null, k, ti, tv);
    }

    /** Sizes come from the file: a per-layer list must hold as many entries as model.layers says (≥ 1). */
    private static void checkLayers(int layers, JsonNode perLayer, String what) {
        if (layers < 1 || !perLayer.isArray() || perLayer.size() != layers) {
            throw new IllegalArgumentException("model.layers is " + layers + " but \"" + what + "\" has "
                    + (perLayer.isArray() ? perLayer.size() + " entries" : "no list"));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not an integer");
        }
        return v.asInt();
    }

    private static int[] ints(JsonNode a, String what) {
        if (!a.isArray()) {
            throw new IllegalArgumentException((what == null ? "an array" : what) + " is missing");
        }
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            JsonNode v = a.get(i);
            if (what != null && !v.canConvertToInt()) {
                throw new IllegalArgumentException(what + "[" + i + "] is not an integer");
            }
            r[i] = v.asInt();
        }
        return r;
    }

    private static long[] longs(JsonNode a, String what) {
        if (!a.isArray()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
            JsonNode v = a.get(i);
            if (!v.canConvertToLong() || v.asLong() < 0) {
                throw new IllegalArgumentException(what + "[" + i + "] is not a count");
            }
            r[i] = v.asLong();
        }
        return r;
    }
}
