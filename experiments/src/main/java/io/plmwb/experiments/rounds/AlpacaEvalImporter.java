package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AlpacaEval files (tatsu-lab/alpaca_eval): {@code model_outputs.json} (a JSON array of {@code instruction},
 * {@code output}, {@code generator}, {@code dataset}; one file = one model or round) and {@code annotations.json}
 * (judge preferences of {@code output_2} against the baseline {@code output_1}). Both are read with Jackson's
 * streaming parser one object at a time, so very long outputs cost only their own size. A bad object is reported
 * with its line and skipped; a truncated file keeps every object before the cut.
 */
public final class AlpacaEvalImporter {

    private AlpacaEvalImporter() {
    }

    /** One row of annotations.json. */
    public record Annotation(int line, String instruction, String dataset, String output1, String generator1,
                             String output2, String generator2, String annotator, double preference,
                             String rationale) {
    }

    /** AlpacaEval's preference convention: 0 (no preference) counts as a draw, 1.5. */
    static double normalisePreference(double p) {
        if (p == 0) {
            return 1.5;
        }
        return Double.isFinite(p) && p >= 1 && p <= 2 ? p : Double.NaN;
    }

    /** Reads model_outputs.json as one round named after its generator (or the folder). */
    public static ImportResult readModelOutputs(Path file) throws RoundFormatException {
        List<ImportIssue> issues = new ArrayList<>();
        List<RoundPrompt> prompts = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] generator = {null};
        int objects = streamArray(file, issues, (n, line) -> {
            String instruction = RoundJson.text(n, "instruction");
            String output = RoundJson.text(n, "output");
            if (instruction == null || output == null) {
                issues.add(new ImportIssue(file, line, "object without " + (instruction == null ? "'instruction'"
                        : "'output'") + " string; skipped"));
                return;
            }
            Integer earlier = seen.putIfAbsent(instruction, line);
            if (earlier != null) {
                issues.add(new ImportIssue(file, line, "instruction " + RoundJson.abbreviate(instruction)
                        + " already appeared on line " + earlier + "; skipped"));
                return;
            }
            String g = RoundJson.text(n, "generator");
            if (generator[0] == null && g != null) {
                generator[0] = g;
            }
            prompts.add(new RoundPrompt(Integer.toString(prompts.size()), instruction, RoundJson.text(n, "dataset"),
                    List.of(RefinementStep.of(0, output)), null));
        });
        if (prompts.isEmpty()) {
            throw new RoundFormatException(file, objects == 0 ? "holds no output objects"
                    : "holds no usable output (" + issues.size() + " problems, first: " + issues.get(0).message() + ")");
        }
        String name = generator[0] != null ? generator[0] : folderName(file);
        return new ImportResult(List.of(new Round(name, 0, file.toString(), generator[0], "", prompts, Map.of())),
                issues);
    }

    /** Reads annotations.json rows (rows with problems are reported and skipped). */
    public static List<Annotation> readAnnotations(Path file, List<ImportIssue> issues) throws RoundFormatException {
        List<Annotation> rows = new ArrayList<>();
        streamArray(file, issues, (n, line) -> {
            String instruction = RoundJson.text(n, "instruction");
            String out2 = RoundJson.text(n, "output_2");
            if (instruction == null || out2 == null) {
                issues.add(new ImportIssue(file, line, "annotation without " + (instruction == null
                        ? "'instruction'" : "'output_2'") + " string; skipped"));
                return;
            }
            JsonNode p = n.get("preference");
            double pref = p != null && p.isNumber() ? normalisePreference(p.doubleValue()) : Double.NaN;
            if (p != null && p.isNumber() && Double.isNaN(pref)) {
                issues.add(new ImportIssue(file, line, "preference " + p.doubleValue()
                        + " is outside [1, 2]; counted as no preference"));
            }
            rows.add(new Annotation(line, instruction, RoundJson.text(n, "dataset"), RoundJson.text(n, "output_1"),
                    RoundJson.text(n, "generator_1"), out2, RoundJson.text(n, "generator_2"),
                    RoundJson.text(n, "annotator"), pref, rationale(n)));
        });
        if (rows.isEmpty()) {
            throw new RoundFormatException(file, "holds no usable annotation"
                    + (issues.isEmpty() ? "" : " (first problem: " + issues.get(0) + ")"));
        }
        return rows;
    }

    /** The judge's text when the raw completion carries one (OpenAI chat completion shape). */
    private static String rationale(JsonNode n) {
        JsonNode rc = n.get("raw_completion");
        if (rc == null) {
            return null;
        }
        if (rc.isTextual()) {
            return rc.textValue();
        }
        JsonNode content = rc.path("message").path("content");
        if (content.isTextual()) {
            return content.textValue();
        }
        JsonNode choice = rc.path("choices").path(0).path("message").path("content");
        return choice.isTextual() ? choice.textValue() : null;
    }

    /** A round built from the annotations alone (its answers are {@code output_2}). */
    public static ImportResult roundFromAnnotations(Path file) throws RoundFormatException {
        List<ImportIssue> issues = new ArrayList<>();
        List<Annotation> rows = readAnnotations(file, issues);
        List<RoundPrompt> prompts = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Annotation a : rows) {
            Integer earlier = seen.putIfAbsent(a.instruction(), a.line());
            if (earlier != null) {
                issues.add(new ImportIssue(file, a.line(), "instruction " + RoundJson.abbreviate(a.instruction())
                        + " already annotated on line " + earlier + "; skipped"));
                continue;
            }
            prompts.add(new RoundPrompt(Integer.toString(prompts.size()), a.instruction(), a.dataset(),
                    List.of(new RefinementStep(0, a.output2(), null, Map.of(), List.of(verdict(a)))), null));
        }
        String gen = rows.get(0).generator2();
        return new ImportResult(List.of(new Round(gen != null ? gen : folderName(file), 0, file.toString(), gen, "",
                prompts, Map.of())), issues);
    }

    static JudgeVerdict verdict(Annotation a) {
        return new JudgeVerdict(a.annotator(), a.generator1(), a.preference(), a.output1(), a.rationale());
    }

    /**
     * Attaches annotations to a round's answers, matching by exact instruction. Reported: annotations whose
     * instruction the round lacks (mismatched instructions), annotations of another generator or whose
     * {@code output_2} is not the round's answer, and answers left without an annotation.
     */
    public static Round attach(Round round, Path annotationsFile, List<ImportIssue> issues)
            throws RoundFormatException {
        List<Annotation> rows = readAnnotations(annotationsFile, issues);
        Map<String, Annotation> byInstruction = new HashMap<>();
        int mismatched = 0;
        for (Annotation a : rows) {
            if (round.byInstruction(a.instruction()) == null) {
                mismatched++;
                if (mismatched <= 20) {
                    issues.add(new ImportIssue(annotationsFile, a.line(), "instruction "
                            + RoundJson.abbreviate(a.instruction()) + " is not among the answers of " + round.name()
                            + "; annotation skipped"));
                }
                continue;
            }
            if (byInstruction.putIfAbsent(a.instruction(), a) != null) {
                issues.add(new ImportIssue(annotationsFile, a.line(), "instruction "
                        + RoundJson.abbreviate(a.instruction()) + " is annotated twice; the first is used"));
            }
        }
        if (mismatched > 20) {
            issues.add(new ImportIssue(annotationsFile, 0, (mismatched - 20)
                    + " more annotations have instructions the round does not have"));
        }
        int otherText = 0;
        int firstOtherLine = 0;
        List<RoundPrompt> out = new ArrayList<>();
        int unannotated = 0;
        for (RoundPrompt p : round.prompts()) {
            Annotation a = byInstruction.get(p.instruction());
            if (a == null) {
                unannotated++;
                out.add(p);
                continue;
            }
            if (!a.output2().equals(p.answer().text())) {
                if (otherText++ == 0) {
                    firstOtherLine = a.line();
                }
            }
            List<RefinementStep> steps = new ArrayList<>(p.steps());
            RefinementStep ans = p.answer();
            List<JudgeVerdict> v = new ArrayList<>(ans.verdicts());
            v.add(verdict(a));
            steps.set(steps.indexOf(ans), ans.withVerdicts(v));
            out.add(p.withSteps(steps));
        }
        if (otherText > 0) {
            issues.add(new ImportIssue(annotationsFile, firstOtherLine, otherText + " annotation(s) judged an "
                    + "output_2 that differs from the round's answer (first at this line): are these the "
                    + "annotations of another model?"));
        }
        String gen2 = rows.get(0).generator2();
        if (gen2 != null && !round.generator().isEmpty() && !gen2.equals(round.generator())) {
            issues.add(new ImportIssue(annotationsFile, rows.get(0).line(), "generator_2 is '" + gen2
                    + "' but the round's answers come from '" + round.generator() + "'"));
        }
        if (unannotated > 0) {
            issues.add(new ImportIssue(annotationsFile, 0, unannotated + " of " + round.prompts().size()
                    + " answers of " + round.name() + " have no annotation"));
        }
        return round.withPrompts(out);
    }

    interface ObjectSink {
        void accept(JsonNode object, int line);
    }

    /**
     * Streams the objects of a top-level JSON array; returns how many objects were seen. Syntax errors and a
     * truncated end are reported with their line; the objects before them are kept.
     */
    static int streamArray(Path file, List<ImportIssue> issues, ObjectSink sink) throws RoundFormatException {
        int count = 0;
        try (JsonParser p = RoundJson.FACTORY.createParser(Files.newInputStream(file))) {
            p.setCodec(RoundJson.MAPPER);
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new RoundFormatException(file, "is empty");
            }
            if (first != JsonToken.START_ARRAY) {
                throw new RoundFormatException(file, "expected a JSON array of objects, found " + first.asString()
                        + " at line " + RoundJson.line(p.currentTokenLocation()));
            }
            try {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        issues.add(new ImportIssue(file, RoundJson.line(p.currentLocation()),
                                "the file ends inside the array (truncated?); kept the " + count
                                        + " objects before it"));
                        break;
                    }
                    int line = RoundJson.line(p.currentTokenLocation());
                    if (t != JsonToken.START_OBJECT) {
                        issues.add(new ImportIssue(file, line, "expected an object, found " + t + "; skipped"));
                        p.skipChildren();
                        continue;
                    }
                    JsonNode n = p.readValueAsTree();
                    count++;
                    sink.accept(n, line);
                }
            } catch (JsonProcessingException e) {
                issues.add(new ImportIssue(file, RoundJson.line(e.getLocation()), "JSON error ("
                        + RoundJson.describe(e) + "); kept the " + count + " objects before it"));
            }
        } catch (IOException e) {
            throw new RoundFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
        return count;
    }

    private static String folderName(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null && parent.getFileName() != null ? parent.getFileName().toString()
                : file.getFileName().toString();
    }
}
