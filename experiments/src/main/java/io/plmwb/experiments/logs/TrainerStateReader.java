package io.plmwb.experiments.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Hugging Face Trainer's {@code trainer_state.json}: the {@code log_history} list, one object per logging event
 * ({@code {"step": 10, "learning_rate": 3e-4, "loss": 2.9, "epoch": 0.1}}, evaluation events with
 * {@code eval_loss}), merged per step. Non-numeric fields are ignored.
 */
public final class TrainerStateReader implements TrainingLogReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String format() {
        return "trainer_state";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".json") && (n.contains("trainer_state")
                || new String(head, StandardCharsets.UTF_8).contains("\"log_history\""));
    }

    @Override
    public TrainingLog read(Path file, TaskContext ctx) throws IOException, LogFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new LogFormatException(file, "is not valid JSON (" + at + e.getOriginalMessage() + ")");
        } catch (java.io.CharConversionException e) {
            throw new LogFormatException(file, "is not valid JSON text (" + e.getMessage() + ")");
        }
        JsonNode history = root == null ? null : root.get("log_history");
        if (history == null || !history.isArray()) {
            throw new LogFormatException(file, "has no \"log_history\" list (is it a Hugging Face trainer_state.json?)");
        }
        ScalarCollector out = new ScalarCollector();
        int i = 0;
        for (JsonNode entry : history) {
            i++;
            if (!entry.isObject()) {
                out.warn("log_history[" + (i - 1) + "] is not an object; skipped");
                continue;
            }
            JsonNode stepNode = entry.get("step");
            if (stepNode == null || !stepNode.isNumber()) {
                out.warn("log_history[" + (i - 1) + "] has no numeric \"step\"; skipped");
                continue;
            }
            double step = stepNode.asDouble();
            Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().equals("step") || !f.getValue().isNumber()) {
                    continue;
                }
                out.add(step, f.getKey(), f.getValue().asDouble());
            }
            ctx.checkCancelled();
        }
        if (out.isEmpty()) {
            throw new LogFormatException(file, "has an empty log_history (nothing was logged)");
        }
        return out.build(CsvLogReader.runName(file), file, format());
    }
}
