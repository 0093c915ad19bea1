package io.plmwb.engine.runtime;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX Runtime session (a DJL {@link Model} over a compiled graph) that any number of {@link DecoderSession}s
 * run, each with its own KV cache. Closed once, by whoever opened it.
 */
final class OrtModel implements AutoCloseable {

    private final Path file;
    private final Model model;
    private final OrtSession.SessionOptions ortOptions;
    private boolean closed;

    private OrtModel(Path file, Model model, OrtSession.SessionOptions ortOptions) {
        this.file = file;
        this.model = model;
        this.ortOptions = ortOptions;
    }

    /**
     * Opens {@code onnxFile} (its {@code .data} sidecar next to it) with the OnnxRuntime engine.
     *
     * @throws IOException when the file is missing or ONNX Runtime refuses it (message names the file)
     */
    static OrtModel open(Path onnxFile, RuntimeOptions options) throws IOException {
        Path file = onnxFile.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such ONNX model file");
        }
        io.plmwb.engine.Ort.environment(); // the environment first, so its temp-folder litter is removed
        // ai.djl.Model.load rather than Criteria: only the map form of the options can carry an ORT SessionOptions
        // object (needed for config entries such as session.disable_prepacking); DJL applies the thread and profiling
        // options to it
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("interOpNumThreads", Integer.toString(options.interOpThreads()));
        opts.put("intraOpNumThreads", Integer.toString(options.intraOpThreads()));
        if (options.profileOutput() != null) {
            opts.put("profilerOutput", options.profileOutput().toString());
        }
        OrtSession.SessionOptions ortOptions;
        try {
            ortOptions = new OrtSession.SessionOptions();
            if (!options.prepackWeights()) {
                ortOptions.addConfigEntry("session.disable_prepacking", "1");
            }
        } catch (OrtException e) {
            throw new IOException(file + ": could not set ONNX Runtime session options: " + e.getMessage(), e);
        }
        opts.put("sessionOptions", ortOptions);
        String name = file.getFileName().toString();
        String prefix = name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
        Model model = Model.newInstance(prefix, "OnnxRuntime");
        try {
            model.load(file.getParent(), prefix, opts);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            ortOptions.close();
            throw new IOException(file + ": ONNX Runtime could not load the graph: " + e.getMessage(), e);
        }
        OrtModel m = new OrtModel(file, model, ortOptions);
        OrtShutdown.register(m); // a signal closes it (and the caches of the decoders over it) after the running call
        return m;
    }

    Path file() {
        return file;
    }

    Model model() {
        return model;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            OrtShutdown.unregister(this);
            model.close();
            ortOptions.close();
        }
    }
}
