package io.plmwb.experiments.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * JSON Lines logs, one object per step ({@code {"step": 12, "lr": 3e-4, "loss": 2.9}}). Numbers become columns,
 * nested objects are flattened with "/" ({@code {"train": {"loss": 1}}} is {@code train/loss}); strings, lists and
 * booleans are ignored. The step comes from step, global_step, _step or iteration, else the line's position. A line
 * that is not a JSON object is skipped with a warning naming the line.
 */
public final class JsonlLogReader implements TrainingLogReader {

    static final Set<String> STEP_KEYS = Set.of("step", "global_step", "_step", "iteration", "iter", "train/global_step");
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format() {
        return "jsonl";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return true;
        }
        if (!n.endsWith(".json")) {
            return false;
        }
        // a .json file whose first line is a complete object and a second line starts another
        String text = new String(head, StandardCharsets.UTF_8).strip();
        int nl = text.indexOf('\n');
        return text.startsWith("{") && nl > 0 && text.substring(0, nl).strip().endsWith("}")
                && text.substring(nl + 1).stripLeading().startsWith("{");
    }

    @Override
    public TrainingLog read(Path file, TaskContext ctx) throws IOException, LogFormatException {
        ScalarCollector out = new ScalarCollector();
        long size = Math.max(1, Files.size(file));
        long done = 0;
        int lineNo = 0;
        int objects = 0;
        int bad = 0;
        String firstError = null;
        long fileSize = Files.size(file);
        if (fileSize > CsvLogReader.MAX_BYTES) {
            throw new LogFormatException(file, "is " + fileSize / 1_000_000 + " MB; logs over "
                    + CsvLogReader.MAX_BYTES / 1_000_000 + " MB are not read");
        }
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        {
            List<String> keys = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            int from = 0;
            while (from < bytes.length) {
                int to = from;
                while (to < bytes.length && bytes[to] != '\n') {
                    to++;
                }
                int lineStart = from;
                int lineEnd = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
                from = to + 1;
                lineNo++;
                done = from;
                if ((lineNo & 0x3FFF) == 0) {
                    ctx.checkCancelled();
                    ctx.progress(Math.min(done, size), size);
                }
                String line;
                try {
                    line = utf8.decode(ByteBuffer.wrap(bytes, lineStart, lineEnd - lineStart)).toString();
                } catch (CharacterCodingException e) {
                    bad++;
                    String msg = file.getFileName() + ":" + lineNo + ": invalid UTF-8; line skipped";
                    if (firstError == null) {
                        firstError = msg;
                    }
                    out.warn(msg);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                keys.clear();
                values.clear();
                try (JsonParser p = JSON.createParser(line)) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw new IOException("not a JSON object");
                    }
                    flatten(p, "", keys, values);
                    if (p.nextToken() != null) {
                        throw new IOException("text after the object");
                    }
                } catch (IOException e) {
                    bad++;
                    String msg = "line " + lineNo + ": " + firstLine(e.getMessage()) + "; line skipped";
                    if (firstError == null) {
                        firstError = msg;
                    }
                    out.warn(msg);
                    continue;
                }
                double step = Double.NaN;
                for (int i = 0; i < keys.size(); i++) {
                    if (STEP_KEYS.contains(keys.get(i).toLowerCase(Locale.ROOT))) {
                        step = values.get(i);
                        break;
                    }
                }
                if (Double.isNaN(step)) {
                    step = objects + 1;
                }
                for (int i = 0; i < keys.size(); i++) {
                    if (!STEP_KEYS.contains(keys.get(i).toLowerCase(Locale.ROOT))) {
                        out.add(step, keys.get(i), values.get(i));
                    }
                }
                objects++;
            }
        }
        if (out.isEmpty()) {
            throw new LogFormatException(file, objects == 0 && bad > 0 ? "is not JSON Lines: " + firstError
                    : "holds no numeric values per step");
        }
        return out.build(CsvLogReader.runName(file), file, format());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Reads the fields of the object whose START_OBJECT was just read, flattening nested objects. */
    static void flatten(JsonParser p, String prefix, List<String> keys, List<Double> values) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new IOException("malformed object");
            }
            String name = prefix + p.currentName();
            JsonToken v = p.nextToken();
            if (v == null) {
                throw new IOException("unexpected end of line");
            }
            switch (v) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    keys.add(name);
                    values.add(p.getDoubleValue());
                }
                case VALUE_STRING -> {
                    // "NaN" / "Infinity" as strings: a gap; other text is not a metric
                    double d = FastNumbers.parse(p.getText());
                    if (!FastNumbers.isNotANumber(d)) {
                        keys.add(name);
                        values.add(d);
                    }
                }
                case START_OBJECT -> flatten(p, name + "/", keys, values);
                case START_ARRAY -> p.skipChildren();
                default -> {
                    // booleans and nulls are not metrics
                }
            }
        }
    }
}
