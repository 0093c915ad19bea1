package io.plmwb.engine.runtime;

import io.plmwb.engine.graph.GraphOptions;

/**
 * What makes two ONNX Runtime sessions the same: the checkpoint, the graph options, the context limit and the runtime
 * options, all resolved (no defaults left open). Sessions of equal keys are shared by the {@link ModelSessions} host,
 * except profiled ones.
 *
 * @param checkpoint   the checkpoint's identity
 * @param graph        cache mode, weight dtype and probes of the compiled graph
 * @param contextLimit most tokens a generation may hold
 * @param runtime      threads, pre-packing and profiling of the ORT session
 */
public record SessionKey(CheckpointIdentity checkpoint, GraphOptions graph, int contextLimit,
                         RuntimeOptions runtime) {

    /** True when ORT profiles this session (then it is never shared). */
    public boolean profiled() {
        return runtime.profileOutput() != null;
    }

    /** One line for the status bar: "latent · q8 · probes · ctx 256 · 4 threads". */
    public String describe() {
        return graph.mode().key() + " · " + graph.dtype() + (graph.sparsityProbes() ? " · probes" : "") + " · ctx "
                + contextLimit + " · " + runtime.intraOpThreads() + " thread" + (runtime.intraOpThreads() == 1 ? "" : "s")
                + (runtime.interOpThreads() != 1 ? " (" + runtime.interOpThreads() + " inter-op)" : "")
                + (profiled() ? " · profiled" : "");
    }
}
