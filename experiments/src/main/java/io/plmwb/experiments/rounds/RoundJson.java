package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON setup shared by the round readers and writer: streaming, with room for very long answers. */
final class RoundJson {

    /** Longest string value accepted (characters); a 10 MB answer is far below it. */
    static final int MAX_STRING_CHARS = 512 * 1024 * 1024;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
            .build();
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private RoundJson() {
    }

    /** The text field, or null when absent or not a string. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** A short description of a JSON error: Jackson's first line, without its source dump. */
    static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        if (m.length() > 200) {
            m = m.substring(0, 200) + "…";
        }
        return m;
    }

    /** 1-based line of a parser location (0 when unknown). */
    static int line(JsonLocation loc) {
        return loc == null ? 0 : Math.max(0, loc.getLineNr());
    }

    /** "…" abbreviation of a long instruction for messages. */
    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 60 ? "\"" + one + "\"" : "\"" + one.substring(0, 57) + "…\"";
    }

    /** What to do with one JSON object line of a JSONL file. */
    @FunctionalInterface
    interface ObjectLine {
        void accept(int lineNo, JsonNode object);
    }

    /**
     * Reads a JSONL file line by line: blank lines are skipped, a line that is not a JSON object is reported in
     * {@code issues} with its line number and skipped, every object goes to {@code handler}; the rest of the file is
     * always read.
     *
     * @throws RoundFormatException when the file cannot be read at all
     */
    static void readObjectLines(java.nio.file.Path file, java.util.List<ImportIssue> issues, ObjectLine handler)
            throws RoundFormatException {
        int lineNo = 0;
        try {
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            int from = 0;
            while (from < bytes.length) {
                int to = from;
                while (to < bytes.length && bytes[to] != '\n') {
                    to++;
                }
                int start = from;
                int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
                from = to + 1;
                lineNo++;
                String line;
                try {
                    line = utf8.decode(java.nio.ByteBuffer.wrap(bytes, start, end - start)).toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    issues.add(new ImportIssue(file, lineNo, "invalid UTF-8; line skipped"));
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    issues.add(new ImportIssue(file, lineNo, "not valid JSON (" + describe(e) + "); line skipped"));
                    continue;
                }
                if (n == null || !n.isObject()) {
                    issues.add(new ImportIssue(file, lineNo, "expected a JSON object; line skipped"));
                    continue;
                }
                handler.accept(lineNo, n);
            }
        } catch (java.io.IOException e) {
            throw new RoundFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}
