package io.plmwb.engine.runtime;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.file.Path;

/**
 * A model ready to run: its config and summary, tokenizer, an open {@link DecoderSession} over the compiled graph,
 * and how loading went. Obtained from a {@link SessionLease} of the {@link ModelSessions} host; closing it closes
 * that lease (the shared ONNX Runtime session and the tokenizer are closed by the host when nothing uses them).
 */
public final class LoadedModel implements AutoCloseable {

    private final Path checkpoint;
    private final ModelConfig config;
    private final ArchitectureSummary summary;
    private final PlmTokenizer tokenizer;
    private final DecoderSession session;
    private final CacheMode cacheMode;
    private final Path graphFile;
    private final LoadTimings timings;
    private final MemoryGuard.Estimate memory;
    private final int contextLimit;
    private final RuntimeOptions runtime;
    private final Runnable onClose;
    private boolean closed;

    LoadedModel(Path checkpoint, ModelConfig config, ArchitectureSummary summary, PlmTokenizer tokenizer,
                DecoderSession session, CacheMode mode, Path graphFile, LoadTimings timings,
                MemoryGuard.Estimate memory, int contextLimit, RuntimeOptions runtime, Runnable onClose) {
        this.checkpoint = checkpoint;
        this.config = config;
        this.summary = summary;
        this.tokenizer = tokenizer;
        this.session = session;
        this.cacheMode = mode;
        this.graphFile = graphFile;
        this.timings = timings;
        this.memory = memory;
        this.contextLimit = contextLimit;
        this.runtime = runtime;
        this.onClose = onClose;
    }

    /** The checkpoint folder. */
    public Path checkpoint() {
        return checkpoint;
    }

    public ModelConfig config() {
        return config;
    }

    public ArchitectureSummary summary() {
        return summary;
    }

    public PlmTokenizer tokenizer() {
        return tokenizer;
    }

    /** The decoding session (not thread-safe: one generation at a time). */
    public DecoderSession session() {
        return session;
    }

    public CacheMode cacheMode() {
        return cacheMode;
    }

    /** The compiled ONNX file in the graph cache. */
    public Path graphFile() {
        return graphFile;
    }

    public LoadTimings timings() {
        return timings;
    }

    /** The memory estimate the guard accepted. */
    public MemoryGuard.Estimate memoryEstimate() {
        return memory;
    }

    /** Most tokens the cache may hold (prompt + generated). */
    public int contextLimit() {
        return contextLimit;
    }

    /** The ONNX Runtime threads the session was opened with. */
    public RuntimeOptions runtimeOptions() {
        return runtime;
    }

    /** True for seeded random checkpoints from {@code workbench synth}: output is noise, only speed means something. */
    public boolean synthetic() {
        return config.synthetic();
    }

    /** "SYNTHETIC" for synthetic checkpoints, "" otherwise (for titles and banners). */
    public String syntheticLabel() {
        return config.synthetic() ? "SYNTHETIC" : "";
    }

    /** A generator over this model's session and tokenizer. */
    public Generator generator() {
        return new Generator(session, tokenizer, contextLimit);
    }

    /** Releases this model's lease (once; later calls do nothing). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
    }
}
