package io.plmwb.experiments.sparsity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a prompt file: TXT with one prompt per line (blank lines skipped), or JSON Lines with a string field
 * {@code prompt} or {@code instruction} per line ({@code .jsonl}/{@code .json}, or any file whose first non-blank
 * line starts with '{'). Errors name the file and the line.
 */
public final class PromptFileReader {

    /** Largest prompt file read (bytes). */
    public static final long MAX_BYTES = 64L << 20;
    /** Most prompts per file. */
    public static final int MAX_PROMPTS = 100_000;

    private PromptFileReader() {
    }

    /** Thrown for unusable prompt files; the message names the file and line. */
    public static final class PromptFileException extends IOException {
        public PromptFileException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }

    public static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new PromptFileException(file, Files.exists(file) ? "is not a file" : "does not exist");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new PromptFileException(file, "is " + size + " bytes; prompt files are limited to " + MAX_BYTES);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<String> lines = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                decoder))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.indexOf('\0') >= 0) {
                    throw new PromptFileException(file, "line " + (lines.size() + 1)
                            + " holds NUL bytes: not a text file");
                }
                lines.add(line);
            }
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, "is not UTF-8 text (line " + (lines.size() + 1) + ")");
        }
        String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".json") || first.stripLeading().startsWith("{");
        List<String> prompts = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (prompts.size() >= MAX_PROMPTS) {
                throw new PromptFileException(file, "has more than " + MAX_PROMPTS + " prompts");
            }
            if (!jsonl) {
                prompts.add(line.strip());
                continue;
            }
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new PromptFileException(file, "line " + (i + 1) + " is not valid JSON: "
                        + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new PromptFileException(file, "line " + (i + 1) + " is not a JSON object");
            }
            JsonNode p = node.has("prompt") ? node.get("prompt") : node.get("instruction");
            if (p == null || !p.isTextual()) {
                throw new PromptFileException(file, "line " + (i + 1)
                        + " has no string field \"prompt\" or \"instruction\"");
            }
            if (p.asText().isBlank()) {
                throw new PromptFileException(file, "line " + (i + 1) + " has an empty prompt");
            }
            prompts.add(p.asText());
        }
        if (prompts.isEmpty()) {
            throw new PromptFileException(file, "holds no prompts");
        }
        return prompts;
    }
}
