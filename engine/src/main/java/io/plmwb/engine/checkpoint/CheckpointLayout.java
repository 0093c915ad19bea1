package io.plmwb.engine.checkpoint;

import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.SafetensorsFile;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HF tensor names and shapes a checkpoint of a given architecture must hold (PyTorch {@code [out, in]} order),
 * and validation of a {@link WeightSource} against them.
 *
 * <p>{@code model.embed_tokens}; per layer {@code input_layernorm}, the family's attention tensors
 * ({@link ModelFamily#attentionTensors}), {@code post_attention_layernorm}, the family's MLP tensors;
 * {@code model.norm}; {@code lm_head} only when untied.
 */
public final class CheckpointLayout {

    /** At most this many problems are spelled out in one exception message. */
    public static final int MAX_REPORTED = 25;

    private final ModelConfig config;
    private final Map<String, long[]> expected;

    private CheckpointLayout(ModelConfig config, Map<String, long[]> expected) {
        this.config = config;
        this.expected = expected;
    }

    /** The expected tensors of an architecture. */
    public static CheckpointLayout of(ModelConfig c) {
        return of(c, c.numLayers());
    }

    /**
     * The element count of the largest expected tensor, computed from one layer (every layer has the same shapes),
     * so that the memory check does no work proportional to the layer count.
     */
    public static long largestTensorElements(ModelConfig c) {
        CheckpointLayout one = of(c, Math.min(1, c.numLayers()));
        long largest = 0;
        for (long[] s : one.expected.values()) {
            long k = 1;
            for (long d : s) {
                k = Math.multiplyExact(k, d);
            }
            largest = Math.max(largest, k);
        }
        return largest;
    }

    private static CheckpointLayout of(ModelConfig c, int layers) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize();
        ModelFamily family = ModelFamilies.of(c);
        m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new long[] {h});
            m.putAll(family.attentionTensors(c, p));
            m.put(p + "post_attention_layernorm.weight", new long[] {h});
            m.putAll(family.mlpTensors(c, p));
        }
        m.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return new CheckpointLayout(c, Collections.unmodifiableMap(m));
    }

    public ModelConfig config() {
        return config;
    }

    /** Expected tensor names in checkpoint order. */
    public List<String> names() {
        return new ArrayList<>(expected.keySet());
    }

    /** The expected shape of a tensor, or null when the layout has no such tensor. */
    public long[] shape(String name) {
        long[] s = expected.get(name);
        return s == null ? null : s.clone();
    }

    /** Total parameters of the layout (sum of element counts). */
    public long totalParameters() {
        long n = 0;
        for (long[] s : expected.values()) {
            long k = 1;
            for (long d : s) {
                k = Math.multiplyExact(k, d);
            }
            n = Math.addExact(n, k);
        }
        return n;
    }

    /** True for norm weights and biases (1-D tensors), false for matrices. */
    public static boolean isVector(long[] shape) {
        return shape.length == 1;
    }

    /**
     * What is wrong with {@code source} for this layout.
     *
     * @param problems missing tensors and wrong shapes (the checkpoint cannot be used)
     * @param extras   tensors the layout does not use (a tied checkpoint that still stores lm_head, rotary buffers…)
     */
    public record Report(List<String> problems, List<String> extras) {
        public Report {
            problems = List.copyOf(problems);
            extras = List.copyOf(extras);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Compares a source with this layout; never throws for checkpoint problems. */
    public Report check(WeightSource source) {
        List<String> problems = new ArrayList<>();
        Map<String, String> unsupported = source instanceof SafetensorsCheckpoint sc ? sc.unsupported()
                : source instanceof SafetensorsFile sf ? sf.unsupported() : Map.of();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String name = e.getKey();
            var info = source.info(name);
            if (info.isEmpty()) {
                String dt = unsupported.get(name);
                problems.add(dt != null ? name + ": stored as " + dt + ", which the engine does not read"
                        : "missing tensor " + name);
            } else if (!Arrays.equals(info.get().shape(), e.getValue())) {
                problems.add(name + ": shape " + Arrays.toString(info.get().shape()) + ", expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        Set<String> known = new HashSet<>(expected.keySet());
        List<String> extras = new ArrayList<>();
        for (String n : source.names()) {
            if (!known.contains(n)) {
                extras.add(n);
            }
        }
        return new Report(problems, extras);
    }

    /**
     * Validates {@code source} against the layout of {@code config}.
     *
     * @throws ModelFormatException naming the source and listing every missing or misshapen tensor (at most
     *                              {@value #MAX_REPORTED} spelled out, then a count of the rest)
     */
    public static Report validate(WeightSource source, ModelConfig config) throws ModelFormatException {
        // bound the work by the real file: every layer needs tensors of its own, so a config with far more layers
        // than the weights hold tensors is refused before a name is built for each of its layers (a few missing
        // layers are still listed tensor by tensor below)
        int tensors = source.names().size();
        if (config.numLayers() > tensors + 1024L) {
            throw new ModelFormatException(source.origin(), "the config declares " + config.numLayers()
                    + " layers but the weights hold only " + tensors + " tensors (each layer needs at least "
                    + (of(config, 1).expected.size() - of(config, 0).expected.size()) + ")");
        }
        CheckpointLayout layout = of(config);
        Report r = layout.check(source);
        if (!r.ok()) {
            List<String> p = r.problems();
            StringBuilder sb = new StringBuilder();
            sb.append(p.size()).append(p.size() == 1 ? " problem" : " problems").append(" for a ")
                    .append(config.modelType()).append(" model with ").append(config.numLayers())
                    .append(" layers: ");
            for (int i = 0; i < Math.min(p.size(), MAX_REPORTED); i++) {
                sb.append(i == 0 ? "" : "; ").append(p.get(i));
            }
            if (p.size() > MAX_REPORTED) {
                sb.append("; … and ").append(p.size() - MAX_REPORTED).append(" more");
            }
            throw new ModelFormatException(source.origin(), sb.toString());
        }
        return r;
    }
}
