package io.plmwb.engine.probe;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.InsufficientMemoryException;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.Sampler;
import io.plmwb.engine.runtime.SessionLease;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Runs prompts through a model whose graph carries the sparsity probes (a lease on the probed session of a
 * {@link ModelHandle}; a separate graph-cache entry) and returns {@link SparsityCapture}s. Prompts are prefilled in chunks of
 * {@link #chunkTokens()} tokens through the KV cache, so the graph's T×F intermediates stay bounded for long prompts;
 * optional generation captures the produced tokens through the same probed session (each generated token is run
 * once more so its activations are recorded). Not thread-safe.
 */
public final class SparsityProbeRunner implements AutoCloseable {

    /** Default prefill chunk. */
    public static final int DEFAULT_CHUNK = 256;

    private final SessionLease lease;
    private final LoadedModel model;
    private final SparsityRecorder recorder;
    private final SparsityCapture.ModelFacts facts;
    private int chunkTokens = DEFAULT_CHUNK;

    private SparsityProbeRunner(SessionLease lease) {
        this.lease = lease;
        this.model = lease.model();
        ModelConfig c = model.config();
        this.facts = new SparsityCapture.ModelFacts(model.checkpoint().getFileName().toString(),
                c.family().name().toLowerCase(java.util.Locale.ROOT), c.hiddenAct(), c.numLayers(), c.hiddenSize(),
                c.intermediateSize(), c.synthetic());
        this.recorder = new SparsityRecorder(c.numLayers(), c.intermediateSize());
        model.session().setOutputTap(recorder);
    }

    /**
     * A runner on the probed session of {@code handle} for {@code spec} (probes switched on; the lease is this
     * runner's own decoder, so captures never see another caller's cache).
     */
    public static SparsityProbeRunner open(ModelHandle handle, SessionSpec spec, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return new SparsityProbeRunner(handle.session(spec.withSparsityProbes(true), ctx));
    }

    /** Opens {@code folder} on {@code host} and leases its probed session for {@code spec}. */
    public static SparsityProbeRunner open(ModelSessions host, Path folder, SessionSpec spec, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return new SparsityProbeRunner(host.lease(folder, spec.withSparsityProbes(true), ctx));
    }

    /**
     * Loads {@code folder} with the probed graph (compiled and cached on first use), on a host of its own made from
     * {@code options}; callers with a {@link ModelSessions} use the other {@code open}s.
     */
    public static SparsityProbeRunner open(Path folder, ModelLoader.Options options, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return open(ModelLoader.host(options), folder, ModelLoader.spec(options, true), ctx);
    }

    public LoadedModel model() {
        return model;
    }

    public SparsityCapture.ModelFacts facts() {
        return facts;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    /** Tokens per prefill call (≥ 1). */
    public SparsityProbeRunner withChunkTokens(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("chunk must be ≥ 1 token, was " + n);
        }
        chunkTokens = n;
        return this;
    }

    /** Plain encoding of a prompt (no chat template). */
    public int[] encode(String prompt) {
        return model.tokenizer().encode(prompt);
    }

    /**
     * Captures a prompt, then up to {@code generate.maxTokens()} generated tokens when {@code generate} is not null.
     * A prompt longer than the model's context limit (minus room for generation) is cut to fit; the capture's
     * label says so.
     *
     * @throws IllegalArgumentException when the prompt encodes to no tokens
     */
    public SparsityCapture capture(String label, int[] promptIds, GenerationOptions generate, TaskContext ctx) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens");
        }
        int room = model.contextLimit() - (generate == null ? 0 : generate.maxTokens());
        int[] ids = promptIds;
        String note = "";
        if (room < 1) {
            throw new IllegalArgumentException("the model's context (" + model.contextLimit() + " tokens) leaves no "
                    + "room for the prompt with " + generate.maxTokens() + " generated tokens");
        }
        if (ids.length > room) {
            ids = Arrays.copyOf(ids, room);
            note = " [cut to " + room + " of " + promptIds.length + " tokens: model context " + model.contextLimit()
                    + "]";
        }
        DecoderSession s = model.session();
        s.reset();
        recorder.reset();
        int total = ids.length + (generate == null ? 0 : generate.maxTokens());
        float[] logits = null;
        for (int from = 0; from < ids.length; from += chunkTokens) {
            ctx.checkCancelled();
            int to = Math.min(ids.length, from + chunkTokens);
            ctx.message("Prefill with probes: tokens " + (from + 1) + "–" + to + " of " + ids.length);
            logits = s.prefill(Arrays.copyOfRange(ids, from, to), false, ctx)[0];
            ctx.progress(to, total);
        }
        if (generate != null) {
            Set<Integer> stops = generate.stopTokenIds() != null ? generate.stopTokenIds()
                    : model.tokenizer().stopIds();
            Sampler sampler = Sampler.of(generate);
            for (int i = 0; i < generate.maxTokens(); i++) {
                ctx.checkCancelled();
                int id = sampler.sample(logits);
                if (stops.contains(id)) {
                    break;
                }
                ctx.message("Generating with probes: token " + (i + 1) + " of " + generate.maxTokens());
                logits = s.decode(id);
                ctx.progress(ids.length + i + 1, total);
            }
        }
        int[] all = recorder.ids();
        List<String> texts = new ArrayList<>(all.length);
        for (int id : all) {
            texts.add(model.tokenizer().tokenText(id));
        }
        return recorder.snapshot(label + note, facts, texts, ids.length);
    }

    /** Captures a text prompt (plain encoding). */
    public SparsityCapture capture(String prompt, GenerationOptions generate, TaskContext ctx) {
        return capture(shorten(prompt), encode(prompt), generate, ctx);
    }

    /** The first 60 characters of a prompt on one line. */
    public static String shorten(String prompt) {
        String one = prompt.strip().replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 57) + "…";
    }

    @Override
    public void close() {
        model.session().setOutputTap(null);
        lease.close();
    }
}
