package io.plmwb.experiments.open;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Recognises what a dropped or opened path is, by looking inside it (magic bytes, config.json) rather than trusting
 * the name alone, and explains clearly when it is nothing the workbench reads.
 */
public final class PathInspector {

    private static final int SNIFF_BYTES = 512;

    private PathInspector() {
    }

    /** Inspects a path; never returns null. */
    public static OpenTarget inspect(Path raw) throws UnopenablePathException {
        if (raw == null) {
            throw new UnopenablePathException(Path.of(""), "no path given");
        }
        Path path = raw.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new UnopenablePathException(path, "does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new UnopenablePathException(path, "cannot be read (permission denied)");
        }
        if (Files.isDirectory(path)) {
            return inspectFolder(path);
        }
        return inspectFile(path);
    }

    private static OpenTarget inspectFolder(Path dir) throws UnopenablePathException {
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return checkpoint(dir, dir.resolve("config.json"));
        }
        var rounds = io.plmwb.experiments.rounds.RoundImporters.sniff(dir);
        if (rounds.isPresent()) {
            return new OpenTarget(dir, PathKind.ROUND_DATA, rounds.get().description());
        }
        try (Stream<Path> entries = Files.list(dir)) {
            Path[] files = entries.filter(Files::isRegularFile).toArray(Path[]::new);
            if (files.length == 0) {
                throw new UnopenablePathException(dir, "the folder is empty (expected a model checkpoint folder "
                        + "with config.json and model.safetensors)");
            }
            Path gguf = null;
            int ggufCount = 0;
            for (Path f : files) {
                if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                    gguf = f;
                    ggufCount++;
                }
            }
            if (ggufCount == 1) {
                return inspectFile(gguf);
            }
            if (ggufCount > 1) {
                throw new UnopenablePathException(dir, "holds " + ggufCount
                        + " GGUF files: open the one you want directly");
            }
        } catch (IOException e) {
            throw new UnopenablePathException(dir, "cannot list the folder: " + e.getMessage());
        }
        throw new UnopenablePathException(dir, "is not a model folder: there is no config.json "
                + "(an HF checkpoint folder holds config.json, model.safetensors and tokenizer.json)");
    }

    private static OpenTarget checkpoint(Path dir, Path config) throws UnopenablePathException {
        try {
            ModelConfig c = ConfigLoader.load(config);
            String detail = "HF checkpoint: model_type " + c.modelType() + ", " + c.numLayers() + " layers, hidden "
                    + c.hiddenSize() + (c.synthetic() ? " (SYNTHETIC random weights)" : "");
            return new OpenTarget(dir, PathKind.HF_CHECKPOINT, detail);
        } catch (ModelFormatException e) {
            throw new UnopenablePathException(dir, "is not a usable model checkpoint: " + e.getMessage());
        }
    }

    private static OpenTarget inspectFile(Path file) throws UnopenablePathException {
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(SNIFF_BYTES);
        } catch (IOException e) {
            throw new UnopenablePathException(file, "cannot be read: " + e.getMessage());
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (size == 0) {
            throw new UnopenablePathException(file, "is empty (0 bytes)");
        }
        if (startsWith(head, "GGUF")) {
            return new OpenTarget(file, PathKind.GGUF_MODEL, "GGUF model file (" + size + " bytes)");
        }
        if (name.endsWith(".gguf")) {
            throw new UnopenablePathException(file, "is named .gguf but does not start with the GGUF magic bytes "
                    + "(truncated or not a GGUF file)");
        }
        if (name.equals("config.json") && file.getParent() != null) {
            return checkpoint(file.getParent(), file);
        }
        if (name.endsWith(".safetensors") || name.equals("model.safetensors.index.json")) {
            Path dir = file.getParent();
            if (dir != null && Files.isRegularFile(dir.resolve("config.json"))) {
                return checkpoint(dir, dir.resolve("config.json"));
            }
            throw new UnopenablePathException(file, "is a weights file without a config.json beside it: "
                    + "open the checkpoint folder that holds config.json");
        }
        if (name.endsWith(".onnx")) {
            throw new UnopenablePathException(file, "is an ONNX graph: the workbench compiles its own graph from a "
                    + "checkpoint, so open the HF checkpoint folder (config.json + safetensors) or a .gguf file");
        }
        String binary = binaryKind(head);
        if (binary != null) {
            throw new UnopenablePathException(file, "is " + binary
                    + ", not a model or a data file the workbench reads (model folders, .gguf, .csv/.tsv, "
                    + ".json/.jsonl, TensorBoard event files)");
        }
        if (name.contains("tfevents")) {
            return new OpenTarget(file, PathKind.TENSORBOARD_EVENTS, "TensorBoard event file (" + size + " bytes)");
        }
        if (looksBinary(head)) {
            throw new UnopenablePathException(file, "holds binary data of an unknown kind, not a model or a "
                    + "data file the workbench reads");
        }
        if (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt")) {
            return new OpenTarget(file, PathKind.TABLE, "table, " + size + " bytes");
        }
        var rounds = io.plmwb.experiments.rounds.RoundImporters.sniff(file);
        if (rounds.isPresent()) {
            return new OpenTarget(file, PathKind.ROUND_DATA, rounds.get().description() + ", " + size + " bytes");
        }
        String text = new String(head, StandardCharsets.UTF_8).stripLeading();
        if (name.endsWith(".sparsity.json") || text.startsWith("{") && text.contains("\"plmwb-sparsity\"")) {
            return new OpenTarget(file, PathKind.SPARSITY_RESULT, "saved sparsity result, " + size + " bytes");
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || text.startsWith("{") || text.startsWith("[")) {
            return new OpenTarget(file, PathKind.JSON_DATA, "JSON data, " + size + " bytes");
        }
        throw new UnopenablePathException(file, "is a text file of an unknown kind (expected .csv, .tsv, .json "
                + "or .jsonl data, or a model)");
    }

    private static boolean startsWith(byte[] head, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (head.length < m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (head[i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    private static String binaryKind(byte[] h) {
        if (h.length >= 8 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') {
            return "a PNG image";
        }
        if (h.length >= 3 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8 && (h[2] & 0xff) == 0xFF) {
            return "a JPEG image";
        }
        if (startsWith(h, "%PDF")) {
            return "a PDF document";
        }
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            return "a ZIP archive (a PyTorch .bin/.pt checkpoint is a ZIP too: convert it to safetensors)";
        }
        if (h.length >= 4 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') {
            return "an executable (ELF)";
        }
        if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            return "a gzip archive";
        }
        return null;
    }

    private static boolean looksBinary(byte[] head) {
        int control = 0;
        for (byte b : head) {
            int c = b & 0xff;
            if (c == 0) {
                return true;
            }
            if (c < 0x09 || (c > 0x0d && c < 0x20)) {
                control++;
            }
        }
        return control > head.length / 20;
    }
}
