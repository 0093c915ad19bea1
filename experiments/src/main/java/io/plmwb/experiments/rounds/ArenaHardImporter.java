package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Arena-Hard-Auto answer files (lmarena/arena-hard-auto): JSON Lines with {@code uid}, {@code ans_id},
 * {@code model}, {@code messages} (the user turn's {@code content} is the instruction, the assistant turn's
 * {@code content} an object {@code {answer: "…"}} or a string) and {@code tstamp}. One file = one model or round.
 */
public final class ArenaHardImporter {

    private ArenaHardImporter() {
    }

    public static ImportResult read(Path file) throws RoundFormatException {
        List<ImportIssue> issues = new ArrayList<>();
        List<RoundPrompt> prompts = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] model = {null};
        RoundJson.readObjectLines(file, issues, (lineNo, n) -> {
            JsonNode messages = n.get("messages");
            if (messages == null || !messages.isArray()) {
                issues.add(new ImportIssue(file, lineNo, "missing field 'messages' (an array); line skipped"));
                return;
            }
            String instruction = null;
            String answer = null;
            for (JsonNode m : messages) {
                String role = RoundJson.text(m, "role");
                JsonNode c = m.get("content");
                String text = c == null ? null : c.isTextual() ? c.textValue()
                        : c.path("answer").isTextual() ? c.get("answer").textValue() : null;
                if ("user".equals(role) && instruction == null) {
                    instruction = text;
                } else if ("assistant".equals(role) && text != null) {
                    answer = text;
                }
            }
            if (instruction == null || answer == null) {
                issues.add(new ImportIssue(file, lineNo, "messages without a " + (instruction == null
                        ? "user turn" : "assistant answer") + "; line skipped"));
                return;
            }
            Integer earlier = seen.putIfAbsent(instruction, lineNo);
            if (earlier != null) {
                issues.add(new ImportIssue(file, lineNo, "instruction " + RoundJson.abbreviate(instruction)
                        + " already answered on line " + earlier + "; line skipped"));
                return;
            }
            if (model[0] == null) {
                model[0] = RoundJson.text(n, "model");
            }
            String uid = n.has("uid") ? n.get("uid").asText() : "line " + lineNo;
            prompts.add(new RoundPrompt(uid, instruction, RoundJson.text(n, "category"),
                    List.of(RefinementStep.of(0, answer)), null));
        });
        if (prompts.isEmpty()) {
            throw new RoundFormatException(file, "holds no usable Arena-Hard answer"
                    + (issues.isEmpty() ? "" : " (first problem: line " + issues.get(0).line() + ": "
                    + issues.get(0).message() + ")"));
        }
        String name = model[0] != null ? model[0] : file.getFileName().toString().replaceFirst("\\.jsonl$", "");
        return new ImportResult(List.of(new Round(name, 0, file.toString(), model[0], "", prompts, Map.of())), issues);
    }
}
