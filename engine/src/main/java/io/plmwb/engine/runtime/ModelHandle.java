package io.plmwb.engine.runtime;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An open checkpoint from {@link ModelSessions#open}: config, weights metadata and tokenizer, read once and shared by
 * every handle of the same {@link CheckpointIdentity}. {@link #session} gives leases on ONNX Runtime sessions shared
 * by key. Closing a handle releases this caller's reference (once; later calls do nothing); the checkpoint's files and
 * tokenizer are closed when no handle and no lease uses them.
 */
public final class ModelHandle implements AutoCloseable {

    private final OpenCheckpoint checkpoint;
    private boolean closed;

    ModelHandle(OpenCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    public CheckpointIdentity identity() {
        return checkpoint.identity();
    }

    /** The checkpoint folder or GGUF file (absolute, normalised). */
    public Path checkpoint() {
        return checkpoint.identity().path();
    }

    public ModelConfig config() {
        return checkpoint.config();
    }

    public ArchitectureSummary summary() {
        return checkpoint.summary();
    }

    /** The tokenizer (shared: do not close it). */
    public PlmTokenizer tokenizer() {
        return checkpoint.tokenizer();
    }

    /** The cache mode used when a {@link SessionSpec} leaves it open. */
    public CacheMode nativeMode() {
        return ModelLoader.nativeMode(checkpoint.config());
    }

    /** The weight dtype used when a {@link SessionSpec} leaves it open ({@link ModelLoader#nativeWeights}). */
    public String nativeWeights() {
        return checkpoint.nativeWeights();
    }

    /**
     * A lease on the session for {@code spec}: shared with every other caller of the same resolved key, opened
     * (graph from the cache or compiled, memory checked, ORT session created) when none is open.
     *
     * @throws InsufficientMemoryException the host cannot hold the model at this context
     * @throws IOException                 the graph cannot be written or ONNX Runtime refuses it
     * @throws IllegalArgumentException    latent mode asked of a model without MLA
     * @throws java.util.concurrent.CancellationException when {@code ctx} is cancelled
     */
    public SessionLease session(SessionSpec spec, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the handle of " + checkpoint() + " is closed");
            }
        }
        return checkpoint.session(spec, ctx);
    }

    /** {@link #session(SessionSpec, TaskContext)} without progress. */
    public SessionLease session(SessionSpec spec)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return session(spec, TaskContext.none());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        checkpoint.releaseHandle();
    }
}
