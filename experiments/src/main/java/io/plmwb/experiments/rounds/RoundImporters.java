package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of round importers: recognises a file by looking inside it (not by its name) and reads it with the
 * matching importer; {@link #load(List)} reads several sources into one comparison.
 */
public final class RoundImporters {

    /** Files above this size are still sniffed by their first record only. */
    private static final int SNIFF_LINE_CHARS = 64 * 1024 * 1024;

    private RoundImporters() {
    }

    /** One source: a file or AlpacaEval folder, an optional display name and optional annotations. */
    public record Source(String name, Path path, Path annotations) {
        public static Source of(Path path) {
            return new Source(null, path, null);
        }

        /** Parses "NAME=PATH" or "PATH". */
        public static Source parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq > 0 && !Files.exists(Path.of(spec))) {
                return new Source(spec.substring(0, eq), Path.of(spec.substring(eq + 1)), null);
            }
            return new Source(null, Path.of(spec), null);
        }

        public Source withAnnotations(Path a) {
            return new Source(name, path, a);
        }
    }

    /** What kind of round file this is, or empty when it is none of them. */
    public static Optional<RoundFileKind> sniff(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return Files.isRegularFile(path.resolve("model_outputs.json"))
                        || Files.isRegularFile(path.resolve("annotations.json"))
                        ? Optional.of(RoundFileKind.ALPACA_FOLDER) : Optional.empty();
            }
            if (!Files.isRegularFile(path)) {
                return Optional.empty();
            }
            int first = firstNonSpace(path);
            if (first == '[') {
                Set<String> keys = firstObjectKeys(path);
                if (keys.contains("output_2") && keys.contains("instruction")) {
                    return Optional.of(RoundFileKind.ALPACA_ANNOTATIONS);
                }
                if (keys.contains("output") && keys.contains("instruction")) {
                    return Optional.of(RoundFileKind.ALPACA_OUTPUTS);
                }
                return Optional.empty();
            }
            if (first == '{') {
                JsonNode n = firstLine(path);
                if (n == null) {
                    return Optional.empty();
                }
                String type = RoundJson.text(n, "type");
                if ("round".equals(type) || "prompt".equals(type)
                        || (n.has("instruction") && n.has("steps"))) {
                    return Optional.of(RoundFileKind.NATIVE_JSONL);
                }
                if (n.has("messages") && (n.has("uid") || n.has("ans_id") || n.has("model"))) {
                    return Optional.of(RoundFileKind.ARENA_HARD);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int firstNonSpace(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int c;
            int n = 0;
            while ((c = in.read()) >= 0 && n++ < 4096) {
                if (c == 0xEF || c == 0xBB || c == 0xBF || Character.isWhitespace(c)) {
                    continue;
                }
                return c;
            }
            return -1;
        }
    }

    private static Set<String> firstObjectKeys(Path file) throws IOException {
        Set<String> keys = new HashSet<>();
        try (JsonParser p = RoundJson.FACTORY.createParser(Files.newInputStream(file))) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
                return keys;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            // a truncated first object: use the keys seen so far
        }
        return keys;
    }

    private static JsonNode firstLine(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    if (line.length() > SNIFF_LINE_CHARS) {
                        return null;
                    }
                    try {
                        return RoundJson.MAPPER.readTree(line);
                    } catch (IOException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** Reads one file or AlpacaEval folder (annotations: an extra annotations.json to attach, or null). */
    public static ImportResult read(Path path, Path annotations) throws RoundFormatException {
        if (!Files.exists(path)) {
            throw new RoundFormatException(path, "does not exist");
        }
        RoundFileKind kind = sniff(path).orElseThrow(() -> new RoundFormatException(path,
                "is not a round file the workbench reads (plmwb rounds JSONL, AlpacaEval model_outputs.json / "
                        + "annotations.json, Arena-Hard answer JSONL)"));
        List<ImportIssue> issues = new ArrayList<>();
        ImportResult base;
        Path sibling = null;
        switch (kind) {
            case NATIVE_JSONL -> base = NativeRoundsFormat.read(path);
            case ARENA_HARD -> base = ArenaHardImporter.read(path);
            case ALPACA_ANNOTATIONS -> base = AlpacaEvalImporter.roundFromAnnotations(path);
            case ALPACA_OUTPUTS -> {
                base = AlpacaEvalImporter.readModelOutputs(path);
                sibling = path.toAbsolutePath().resolveSibling("annotations.json");
            }
            case ALPACA_FOLDER -> {
                Path outputs = path.resolve("model_outputs.json");
                if (Files.isRegularFile(outputs)) {
                    base = AlpacaEvalImporter.readModelOutputs(outputs);
                    sibling = path.resolve("annotations.json");
                } else {
                    base = AlpacaEvalImporter.roundFromAnnotations(path.resolve("annotations.json"));
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        issues.addAll(base.issues());
        Path ann = annotations != null ? annotations
                : sibling != null && Files.isRegularFile(sibling) ? sibling : null;
        if (ann == null) {
            return new ImportResult(base.rounds(), issues);
        }
        if (base.rounds().size() != 1) {
            throw new RoundFormatException(ann, "annotations can only be attached to a source with one round; "
                    + path + " holds " + base.rounds().size());
        }
        Round r = AlpacaEvalImporter.attach(base.rounds().get(0), ann, issues);
        Map<String, String> meta = new LinkedHashMap<>(r.meta());
        meta.put("annotations", ann.toString());
        r = new Round(r.name(), r.index(), r.source(), r.generator(), r.tokenizer(), r.prompts(), meta);
        return new ImportResult(List.of(r), issues);
    }

    /**
     * Reads several sources into one list of rounds. Rounds from the native format keep their round numbers; a
     * source of another format becomes round {@code i} (its position on the list). A source's name renames its
     * single round; names are made unique.
     */
    public static ImportResult load(List<Source> sources) throws RoundFormatException {
        List<Round> rounds = new ArrayList<>();
        List<ImportIssue> issues = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int position = 0;
        for (Source s : sources) {
            ImportResult r = read(s.path(), s.annotations());
            issues.addAll(r.issues());
            boolean nativeFile = sniff(s.path()).orElse(null) == RoundFileKind.NATIVE_JSONL;
            for (Round round : r.rounds()) {
                Round x = round;
                if (s.name() != null && r.rounds().size() == 1) {
                    x = x.withName(s.name());
                }
                if (!nativeFile) {
                    x = x.withIndex(position);
                }
                String unique = x.name();
                for (int i = 2; !names.add(unique); i++) {
                    unique = x.name() + " (" + i + ")";
                }
                rounds.add(x.withName(unique));
            }
            position++;
        }
        return new ImportResult(rounds, issues);
    }
}
