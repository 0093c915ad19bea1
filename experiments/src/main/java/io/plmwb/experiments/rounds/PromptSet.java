package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts to generate rounds for: a text file with one instruction per line (blank lines and lines starting with
 * {@code #} skipped), or JSON Lines with an {@code instruction} (and optional {@code id}, {@code dataset}).
 */
public final class PromptSet {

    /** One prompt to answer. */
    public record Prompt(String id, String instruction, String dataset) {
    }

    private PromptSet() {
    }

    /** Reads prompts; bad JSONL lines are reported in {@code issues} and skipped. */
    public static List<Prompt> read(Path file, List<ImportIssue> issues) throws RoundFormatException {
        List<Prompt> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Prompt p;
                if (t.startsWith("{")) {
                    JsonNode n;
                    try {
                        n = RoundJson.MAPPER.readTree(t);
                    } catch (JsonProcessingException e) {
                        issues.add(new ImportIssue(file, lineNo, "not valid JSON (" + RoundJson.describe(e)
                                + "); line skipped"));
                        continue;
                    }
                    String ins = RoundJson.text(n, "instruction");
                    if (ins == null || ins.isBlank()) {
                        issues.add(new ImportIssue(file, lineNo, "missing field 'instruction'; line skipped"));
                        continue;
                    }
                    String id = n.has("id") ? n.get("id").asText() : "p" + (out.size() + 1);
                    p = new Prompt(id, ins, RoundJson.text(n, "dataset"));
                } else {
                    p = new Prompt("p" + (out.size() + 1), t, "");
                }
                if (!seen.add(p.instruction())) {
                    issues.add(new ImportIssue(file, lineNo, "instruction " + RoundJson.abbreviate(p.instruction())
                            + " repeats an earlier line; skipped"));
                    continue;
                }
                out.add(p);
            }
        } catch (IOException e) {
            throw new RoundFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new RoundFormatException(file, "holds no prompt");
        }
        return out;
    }
}
