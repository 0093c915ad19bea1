package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad round files: each gives a message with file and line, and everything else in the file is kept. */
class MalformedInputTest {

    @TempDir
    Path dir;

    private static String output(String instruction, String output) {
        return "  {\n    \"instruction\":\"" + instruction + "\",\n    \"dataset\":\"koala\",\n    \"output\":\""
                + output + "\",\n    \"generator\":\"m\"\n  }";
    }

    @Test
    void truncatedJsonKeepsTheObjectsBeforeTheCut() throws Exception {
        String full = "[\n" + output("a", "one") + ",\n" + output("b", "two") + ",\n" + output("c", "three") + "\n]\n";
        Path f = dir.resolve("model_outputs.json");
        Files.writeString(f, full.substring(0, full.indexOf("three") - 5)); // cut inside the third object
        ImportResult r = RoundImporters.read(f, null);
        assertEquals(2, r.rounds().get(0).prompts().size());
        assertEquals(1, r.issues().size(), r.issues().toString());
        ImportIssue i = r.issues().get(0);
        assertEquals(f, i.file());
        assertEquals(17, i.line(), i.toString()); // the cut is on line 17, inside the third object
        assertTrue(i.message().contains("kept the 2 objects"), i.message());
        assertTrue(i.toString().startsWith(f + ":17: "), i.toString());
    }

    @Test
    void aBadJsonlLineIsSkippedWithItsNumber() throws Exception {
        Path f = dir.resolve("rounds.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"type\":\"round\",\"round\":0,\"name\":\"SFT\"}",
                "{\"type\":\"prompt\",\"round\":0,\"instruction\":\"a\",\"steps\":[{\"k\":0,\"text\":\"x\"}]}",
                "{\"type\":\"prompt\",\"round\":0,\"instruction\":\"b\",\"steps\":[{\"k\":0,\"text\":",
                "{\"type\":\"prompt\",\"round\":0,\"instruction\":\"c\",\"steps\":[{\"k\":0,\"text\":\"z\"}]}",
                ""));
        ImportResult r = RoundImporters.read(f, null);
        assertEquals(List.of("a", "c"), r.rounds().get(0).prompts().stream().map(RoundPrompt::instruction).toList());
        assertEquals(1, r.issues().size());
        assertEquals(3, r.issues().get(0).line());
        assertTrue(r.issues().get(0).message().startsWith("not valid JSON"), r.issues().get(0).message());
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        Path f = dir.resolve("rounds.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"type\":\"prompt\",\"round\":1,\"steps\":[{\"text\":\"x\"}]}",
                "{\"type\":\"prompt\",\"round\":1,\"instruction\":\"b\"}",
                "{\"type\":\"prompt\",\"round\":1,\"instruction\":\"c\",\"steps\":[{\"k\":0}]}",
                "{\"type\":\"prompt\",\"round\":1,\"instruction\":\"d\",\"steps\":[{\"k\":0,\"text\":\"ok\"}]}"));
        ImportResult r = RoundImporters.read(f, null);
        assertEquals(1, r.rounds().get(0).prompts().size());
        assertEquals(List.of(1, 2, 3), r.issues().stream().map(ImportIssue::line).toList());
        assertTrue(r.issues().get(0).message().contains("'instruction'"));
        assertTrue(r.issues().get(1).message().contains("'steps'"));
        assertTrue(r.issues().get(2).message().contains("steps[0] has no 'text'"));

        Path outputs = dir.resolve("outputs.json");
        Files.writeString(outputs, "[\n{\"instruction\":\"a\",\"output\":\"x\"},\n{\"instruction\":\"b\"},\n"
                + "{\"output\":\"z\"}\n]");
        ImportResult o = RoundImporters.read(outputs, null);
        assertEquals(1, o.rounds().get(0).prompts().size());
        assertEquals(List.of(3, 4), o.issues().stream().map(ImportIssue::line).toList());
        assertTrue(o.issues().get(0).message().contains("'output'"));
        assertTrue(o.issues().get(1).message().contains("'instruction'"));
    }

    @Test
    void mismatchedInstructionsInAnnotationsAreReported() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("model"));
        Files.writeString(folder.resolve("model_outputs.json"), "[\n" + output("a", "one") + ",\n"
                + output("b", "two") + "\n]");
        Files.writeString(folder.resolve("annotations.json"), """
                [
                {"instruction":"a","output_1":"base","generator_1":"g","output_2":"one","generator_2":"m","preference":2.0},
                {"instruction":"not in the outputs","output_1":"base","output_2":"x","generator_2":"m","preference":1.0}
                ]""");
        ImportResult r = RoundImporters.read(folder, null);
        Round round = r.rounds().get(0);
        assertEquals(2, round.prompts().size());
        assertEquals(2.0, round.prompts().get(0).preference());
        assertEquals(null, round.prompts().get(1).preference());
        List<String> messages = r.issues().stream().map(ImportIssue::toString).toList();
        assertTrue(messages.stream().anyMatch(m -> m.contains("annotations.json:3: instruction \"not in the outputs\""
                + " is not among the answers")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("1 of 2 answers of m have no annotation")),
                messages.toString());
    }

    @Test
    void tenMegabyteOutputsAreRead() throws Exception {
        String big = "w".repeat(10_000_000);
        Path f = dir.resolve("model_outputs.json");
        Files.writeString(f, "[\n" + output("a", "short") + ",\n" + output("b", big) + ",\n" + output("c", "tail")
                + "\n]");
        ImportResult r = RoundImporters.read(f, null);
        assertEquals(List.of(), r.issues());
        List<RoundPrompt> ps = r.rounds().get(0).prompts();
        assertEquals(3, ps.size());
        assertEquals(10_000_000, ps.get(1).answer().chars());
        assertEquals("tail", ps.get(2).answer().text());

        Path jsonl = dir.resolve("big.jsonl");
        NativeRoundsFormat.write(jsonl, r.rounds(), false);
        ImportResult back = RoundImporters.read(jsonl, null);
        assertEquals(10_000_000, back.rounds().get(0).prompts().get(1).answer().chars());
        // the diff of two 10 MB answers that differ throughout stays bounded
        long t0 = System.nanoTime();
        WordDiff.Result d = WordDiff.diff(big, big + " end");
        assertEquals(1, d.inserted());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20);
    }

    @Test
    void filesThatAreNotRoundsSayWhat() throws Exception {
        Path obj = dir.resolve("x.json");
        Files.writeString(obj, "{\"a\":1}");
        RoundFormatException e = assertThrows(RoundFormatException.class, () -> RoundImporters.read(obj, null));
        assertTrue(e.getMessage().startsWith(obj.toString()) && e.getMessage().contains("not a round file"),
                e.getMessage());
        Path empty = dir.resolve("model_outputs.json");
        Files.writeString(empty, "[]");
        assertThrows(RoundFormatException.class, () -> RoundImporters.read(empty, null));
        Path allBad = dir.resolve("bad.jsonl");
        Files.writeString(allBad, "{\"type\":\"prompt\"}\n{\"type\":\"prompt\"}\n");
        RoundFormatException e2 = assertThrows(RoundFormatException.class, () -> NativeRoundsFormat.read(allBad));
        assertTrue(e2.getMessage().contains("line 1"), e2.getMessage());
    }

    @Test
    void arenaHardAnswersAndTheirBadLines() throws Exception {
        Path f = dir.resolve("answers.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"uid\":\"u1\",\"ans_id\":\"a\",\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"q1\"},"
                        + "{\"role\":\"assistant\",\"content\":{\"answer\":\"ans1\"}}],\"tstamp\":1}",
                "{\"uid\":\"u2\",\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"q2\"}]}",
                "not json",
                "{\"uid\":\"u3\",\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"q3\"},"
                        + "{\"role\":\"assistant\",\"content\":\"plain\"}]}"));
        ImportResult r = RoundImporters.read(f, null);
        Round round = r.rounds().get(0);
        assertEquals("m1", round.name());
        assertEquals(List.of("u1", "u3"), round.prompts().stream().map(RoundPrompt::id).toList());
        assertEquals("ans1", round.prompts().get(0).answer().text());
        assertEquals(List.of(2, 3), r.issues().stream().map(ImportIssue::line).toList());
        List<ImportIssue> issues = new ArrayList<>(r.issues());
        assertTrue(issues.get(0).message().contains("assistant answer"));
    }
}
