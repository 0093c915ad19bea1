package io.plmwb.engine.runtime;

/**
 * One caller's use of a (possibly shared) ONNX Runtime session: its own {@link DecoderSession} (own KV cache and
 * output tap) over the session the {@link ModelSessions} host keeps for the {@link #key()}. Closing the lease closes
 * its decoder; the ORT session is closed once, when its last lease is closed. A lease keeps its checkpoint open.
 */
public final class SessionLease implements AutoCloseable {

    private final OpenCheckpoint checkpoint;
    private final OpenCheckpoint.Shared shared;
    private final DecoderSession session;
    private final LoadedModel model;

    SessionLease(OpenCheckpoint checkpoint, OpenCheckpoint.Shared shared, DecoderSession session,
                 LoadTimings timings) {
        this.checkpoint = checkpoint;
        this.shared = shared;
        this.session = session;
        SessionKey k = shared.key;
        this.model = new LoadedModel(checkpoint.identity().path(), checkpoint.config(), checkpoint.summary(),
                checkpoint.tokenizer(), session, k.graph().mode(), shared.graphFile, timings, shared.estimate,
                k.contextLimit(), k.runtime(), this::release);
    }

    /** The resolved session key (checkpoint, graph options, context, runtime options). */
    public SessionKey key() {
        return shared.key;
    }

    /** This lease's decoder (not thread-safe; other leases of the same key have their own). */
    public DecoderSession session() {
        return session;
    }

    /**
     * The lease as a {@link LoadedModel} (config, tokenizer, this lease's decoder, timings, memory estimate), for
     * code written against the loader; closing it closes this lease. Its timings are those of the checkpoint's and the
     * session's first opening (a lease that joins an open session took no time to load).
     */
    public LoadedModel model() {
        return model;
    }

    /** A generator over this lease's decoder. */
    public Generator generator() {
        return model.generator();
    }

    /** The shared ORT session (for tests in this package). */
    OrtModel ort() {
        return shared.ort;
    }

    @Override
    public void close() {
        model.close();
    }

    private void release() {
        checkpoint.release(shared, session);
    }
}
