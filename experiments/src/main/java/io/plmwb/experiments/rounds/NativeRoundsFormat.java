package io.plmwb.experiments.rounds;

import io.plmwb.engine.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workbench's own round format, JSON Lines (documented in {@code docs/formats/rounds-jsonl.md}): a
 * {@code "type":"round"} header line per round, then one {@code "type":"prompt"} line per prompt of that round with
 * its refinement chain, scores, verdicts and chosen/rejected pair. A bad line is reported with its number and
 * skipped; every other line is still read.
 */
public final class NativeRoundsFormat {

    /** The format tag written in every header line. */
    public static final String FORMAT = "plmwb-rounds/1";

    private NativeRoundsFormat() {
    }

    /** Reads a native JSONL file. */
    public static ImportResult read(Path file) throws RoundFormatException {
        Map<Integer, Header> headers = new LinkedHashMap<>();
        Map<Integer, List<RoundPrompt>> prompts = new LinkedHashMap<>();
        Map<Integer, Map<String, Integer>> seen = new HashMap<>();
        List<ImportIssue> issues = new ArrayList<>();
        int[] records = {0};
        RoundJson.readObjectLines(file, issues, (lineNo, n) -> {
            String type = RoundJson.text(n, "type");
            try {
                if ("round".equals(type)) {
                    Header h = header(n);
                    if (headers.containsKey(h.index)) {
                        issues.add(new ImportIssue(file, lineNo, "a second header for round " + h.index
                                + "; line skipped"));
                        return;
                    }
                    headers.put(h.index, h);
                    records[0]++;
                } else if (type == null || "prompt".equals(type)) {
                    int round = n.path("round").canConvertToInt() ? n.path("round").intValue() : 0;
                    RoundPrompt p = prompt(n, lineNo);
                    Map<String, Integer> first = seen.computeIfAbsent(round, r -> new HashMap<>());
                    Integer earlier = first.putIfAbsent(p.instruction(), lineNo);
                    if (earlier != null) {
                        issues.add(new ImportIssue(file, lineNo, "round " + round + " already has instruction "
                                + RoundJson.abbreviate(p.instruction()) + " (line " + earlier
                                + "); line skipped"));
                        return;
                    }
                    prompts.computeIfAbsent(round, r -> new ArrayList<>()).add(p);
                    records[0]++;
                } else {
                    issues.add(new ImportIssue(file, lineNo, "unknown record type '" + type
                            + "' (expected round or prompt); line skipped"));
                }
            } catch (IllegalArgumentException e) {
                issues.add(new ImportIssue(file, lineNo, e.getMessage() + "; line skipped"));
            }
        });
        if (records[0] == 0) {
            throw new RoundFormatException(file, "holds no round or prompt record"
                    + (issues.isEmpty() ? "" : " (first problem: line " + issues.get(0).line() + ": "
                    + issues.get(0).message() + ")"));
        }
        List<Round> rounds = new ArrayList<>();
        java.util.TreeSet<Integer> indexes = new java.util.TreeSet<>(headers.keySet());
        indexes.addAll(prompts.keySet());
        for (int idx : indexes) {
            Header h = headers.getOrDefault(idx, new Header(idx, "round " + idx, "", "", Map.of()));
            List<RoundPrompt> ps = prompts.getOrDefault(idx, List.of());
            if (ps.isEmpty()) {
                issues.add(new ImportIssue(file, 0, "round " + idx + " (" + h.name + ") has a header but no prompts"));
                continue;
            }
            rounds.add(new Round(h.name, idx, file.toString(), h.generator, h.tokenizer, ps, h.meta));
        }
        return new ImportResult(rounds, issues);
    }

    private record Header(int index, String name, String generator, String tokenizer, Map<String, String> meta) {
    }

    private static Header header(JsonNode n) {
        if (!n.path("round").canConvertToInt()) {
            throw new IllegalArgumentException("round header without an integer 'round' field");
        }
        int idx = n.get("round").intValue();
        if (idx < 0) {
            throw new IllegalArgumentException("round number must be ≥ 0, got " + idx);
        }
        String name = RoundJson.text(n, "name");
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = n.get("meta");
        if (m != null && m.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        return new Header(idx, name == null || name.isBlank() ? "round " + idx : name,
                RoundJson.text(n, "generator"), RoundJson.text(n, "tokenizer"), meta);
    }

    private static RoundPrompt prompt(JsonNode n, int lineNo) {
        String instruction = RoundJson.text(n, "instruction");
        if (instruction == null) {
            throw new IllegalArgumentException("missing field 'instruction' (a string)");
        }
        JsonNode stepsNode = n.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            throw new IllegalArgumentException("missing field 'steps' (a non-empty array of answers)");
        }
        List<RefinementStep> steps = new ArrayList<>();
        int i = 0;
        for (JsonNode s : stepsNode) {
            String text = s.isTextual() ? s.textValue() : RoundJson.text(s, "text");
            if (text == null) {
                throw new IllegalArgumentException("steps[" + i + "] has no 'text' string");
            }
            int k = s.path("k").canConvertToInt() ? s.get("k").intValue() : i;
            Integer tokens = s.path("tokens").canConvertToInt() ? s.get("tokens").intValue() : null;
            Map<String, Double> scores = new LinkedHashMap<>();
            JsonNode sc = s.get("scores");
            if (sc != null && sc.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = sc.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isNumber()) {
                        scores.put(e.getKey(), e.getValue().doubleValue());
                    }
                }
            }
            if (s.path("reward").isNumber()) {
                scores.put(RefinementStep.REWARD, s.get("reward").doubleValue());
            }
            List<JudgeVerdict> verdicts = new ArrayList<>();
            for (JsonNode v : s.path("verdicts")) {
                double pref = v.path("preference").isNumber() ? v.get("preference").doubleValue() : Double.NaN;
                verdicts.add(new JudgeVerdict(RoundJson.text(v, "judge"), RoundJson.text(v, "baseline"),
                        AlpacaEvalImporter.normalisePreference(pref), RoundJson.text(v, "baseline_output"),
                        RoundJson.text(v, "rationale")));
            }
            steps.add(new RefinementStep(k, text, tokens, scores, verdicts));
            i++;
        }
        PreferencePair pair = null;
        JsonNode p = n.get("pair");
        if (p != null && p.isObject()) {
            if (!p.path("chosen").canConvertToInt() || !p.path("rejected").canConvertToInt()) {
                throw new IllegalArgumentException("'pair' needs integer 'chosen' and 'rejected' steps");
            }
            pair = new PreferencePair(p.get("chosen").intValue(), p.get("rejected").intValue(),
                    RoundJson.text(p, "method"));
        }
        String id = n.has("id") && !n.get("id").isNull() ? n.get("id").asText() : "line " + lineNo;
        return new RoundPrompt(id, instruction, RoundJson.text(n, "dataset"), steps, pair);
    }

    /**
     * Writes rounds as native JSONL, atomically (a temporary file beside the target, then a move).
     *
     * @param overwrite false: refuse when the target exists
     */
    public static void write(Path file, List<Round> rounds, boolean overwrite) throws IOException {
        AtomicFiles.write(file, overwrite, out -> {
            Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
            write(w, rounds);
            w.flush();
        });
    }

    /** Writes rounds as native JSONL to {@code out} (one header line per round, one line per prompt). */
    public static void write(Writer out, List<Round> rounds) throws IOException {
        for (Round r : rounds) {
            line(out, g -> {
                g.writeStringField("type", "round");
                g.writeStringField("format", FORMAT);
                g.writeNumberField("round", r.index());
                g.writeStringField("name", r.name());
                if (!r.generator().isEmpty()) {
                    g.writeStringField("generator", r.generator());
                }
                if (!r.tokenizer().isEmpty()) {
                    g.writeStringField("tokenizer", r.tokenizer());
                }
                if (!r.meta().isEmpty()) {
                    g.writeObjectFieldStart("meta");
                    for (Map.Entry<String, String> e : r.meta().entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
            });
            for (RoundPrompt p : r.prompts()) {
                line(out, g -> {
                    g.writeStringField("type", "prompt");
                    g.writeNumberField("round", r.index());
                    g.writeStringField("id", p.id());
                    g.writeStringField("instruction", p.instruction());
                    if (!p.dataset().isEmpty()) {
                        g.writeStringField("dataset", p.dataset());
                    }
                    g.writeArrayFieldStart("steps");
                    for (RefinementStep s : p.steps()) {
                        g.writeStartObject();
                        g.writeNumberField("k", s.k());
                        g.writeStringField("text", s.text());
                        if (s.tokens() != null) {
                            g.writeNumberField("tokens", s.tokens());
                        }
                        if (!s.scores().isEmpty()) {
                            g.writeObjectFieldStart("scores");
                            for (Map.Entry<String, Double> e : s.scores().entrySet()) {
                                g.writeNumberField(e.getKey(), e.getValue());
                            }
                            g.writeEndObject();
                        }
                        if (!s.verdicts().isEmpty()) {
                            g.writeArrayFieldStart("verdicts");
                            for (JudgeVerdict v : s.verdicts()) {
                                g.writeStartObject();
                                g.writeStringField("judge", v.judge());
                                g.writeStringField("baseline", v.baseline());
                                if (!Double.isNaN(v.preference())) {
                                    g.writeNumberField("preference", v.preference());
                                }
                                if (v.baselineOutput() != null) {
                                    g.writeStringField("baseline_output", v.baselineOutput());
                                }
                                if (v.rationale() != null) {
                                    g.writeStringField("rationale", v.rationale());
                                }
                                g.writeEndObject();
                            }
                            g.writeEndArray();
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    if (p.pair() != null) {
                        g.writeObjectFieldStart("pair");
                        g.writeNumberField("chosen", p.pair().chosenStep());
                        g.writeNumberField("rejected", p.pair().rejectedStep());
                        g.writeStringField("method", p.pair().method());
                        g.writeEndObject();
                    }
                });
            }
        }
        out.flush();
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void line(Writer out, Fields fields) throws IOException {
        java.io.StringWriter sw = new java.io.StringWriter();
        try (JsonGenerator g = RoundJson.FACTORY.createGenerator(sw)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        out.write(sw.toString());
        out.write('\n');
    }
}
