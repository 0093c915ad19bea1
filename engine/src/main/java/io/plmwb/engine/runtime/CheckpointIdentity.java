package io.plmwb.engine.runtime;

import io.plmwb.engine.format.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which checkpoint a {@link ModelHandle} holds: its absolute normalised path and the name, size and mtime of its main
 * files (config.json, safetensors and their index, tokenizer.json and tokenizer_config.json of a folder; the file
 * itself for a GGUF). Touching one of them makes a new identity, so a changed checkpoint is read again.
 *
 * @param path  absolute normalised path of the folder or .gguf file
 * @param gguf  true for a GGUF file, false for a checkpoint folder
 * @param files one "name size mtime-ms" entry per main file, sorted by name
 */
public record CheckpointIdentity(Path path, boolean gguf, List<String> files) {

    public CheckpointIdentity {
        files = List.copyOf(files);
    }

    /**
     * The identity of {@code checkpoint} now (file metadata only; nothing is read).
     *
     * @throws ModelFormatException when it does not exist or is neither a folder nor a GGUF file
     */
    public static CheckpointIdentity of(Path checkpoint) throws ModelFormatException {
        Path abs = checkpoint.toAbsolutePath().normalize();
        boolean gguf = ModelFiles.isGguf(abs);
        if (!Files.isDirectory(abs) && !gguf) {
            throw new ModelFormatException(abs, Files.exists(abs)
                    ? "not a folder or a .gguf file (give the checkpoint folder or the GGUF file)" : "does not exist");
        }
        List<Path> main = new ArrayList<>();
        try {
            if (gguf) {
                main.add(abs);
            } else {
                try (Stream<Path> s = Files.list(abs)) {
                    s.filter(Files::isRegularFile).filter(CheckpointIdentity::isMainFile).sorted().forEach(main::add);
                }
            }
            List<String> out = new ArrayList<>();
            for (Path f : main) {
                out.add(f.getFileName() + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis());
            }
            return new CheckpointIdentity(abs, gguf, out);
        } catch (IOException e) {
            throw new ModelFormatException(abs, "cannot list its files: " + e.getMessage(), e);
        }
    }

    private static boolean isMainFile(Path f) {
        String n = f.getFileName().toString();
        return n.equals("config.json") || n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json")
                || n.equals("tokenizer.json") || n.equals("tokenizer_config.json");
    }
}
