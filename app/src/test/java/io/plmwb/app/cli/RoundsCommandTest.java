package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.experiments.rounds.ImportResult;
import io.plmwb.experiments.rounds.RoundImporters;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundsCommandTest {

    @TempDir
    Path dir;

    static String fixture(String model) {
        return Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "alpaca_eval", model)
                .toString();
    }

    @Test
    void jsonHasTheLeaderboardNumbersPerRound() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "--round", "SFT=" + fixture("oasst-sft-llama-33b"),
                "--round", "RLHF=" + fixture("oasst-rlhf-llama-33b"), "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode sft = j.at("/rounds/0");
        assertEquals("SFT", sft.get("name").asText());
        assertEquals(4.770390991565217, sft.get("win_rate").asDouble(), 1e-6);
        assertEquals(0.6385940188591437, sft.get("standard_error").asDouble(), 1e-6);
        assertEquals(36, sft.get("n_wins").asInt());
        assertEquals(764, sft.get("n_wins_base").asInt());
        assertEquals(5, sft.get("n_draws").asInt());
        assertEquals(748, sft.get("avg_length").asInt());
        JsonNode rlhf = j.at("/rounds/1");
        assertEquals(6.296434785813666, rlhf.get("win_rate").asDouble(), 1e-6);
        assertEquals(0.7417944201185225, rlhf.get("standard_error").asDouble(), 1e-6);
        assertEquals(44, rlhf.get("n_wins").asInt());
        assertEquals(759, rlhf.get("n_wins_base").asInt());
        assertEquals(2, rlhf.get("n_draws").asInt());
        assertEquals(1079, rlhf.get("avg_length").asInt());
        assertTrue(rlhf.at("/length_adjusted/method").asText().contains("without the instruction-difficulty term"));
        assertEquals(805, j.at("/paired/0/shared").asInt());
        assertEquals(490, j.at("/paired/0/b_better").asInt());
        for (String f : new String[] {"rounds-win-rate.png", "rounds-win-rate.svg", "rounds-win-rate.pdf",
            "rounds-win-rate.csv", "rounds-avg-length.png", "rounds-table.csv", "rounds-table.md"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        String csv = Files.readString(dir.resolve("rounds-win-rate.csv"));
        assertTrue(csv.contains("4.77039"), csv);
        String table = Files.readString(dir.resolve("rounds-table.csv"));
        assertEquals(806, table.split("\r\n", -1).length - 1, "header + 805 records (CRLF-terminated)");
        // a second run never overwrites without --overwrite
        WorkbenchCliTest.Run again = WorkbenchCliTest.run("rounds", "export", "--round", fixture("oasst-sft-llama-33b"),
                "--out", dir.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void badInputIsExitCodeTwoWithFileAndLine() throws Exception {
        Path bad = dir.resolve("x.json");
        Files.writeString(bad, "{\"a\":1}");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "stats", "--round", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("not a round file"), r.err());

        Path partly = dir.resolve("r.jsonl");
        Files.writeString(partly, "{\"type\":\"prompt\",\"instruction\":\"a\",\"steps\":[\"x\"]}\n{oops\n");
        WorkbenchCliTest.Run p = WorkbenchCliTest.run("rounds", "stats", "--round", partly.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains(partly + ":2: not valid JSON"), p.err());
        JsonNode j = new ObjectMapper().readTree(p.out());
        assertEquals(2, j.at("/issues/0/line").asInt());
        assertEquals(1, j.at("/rounds/0/prompts").asInt());
    }

    @Test
    void generatesARoundWithTheBundledModel() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "# two prompts\nAnd God said\nBlessed are the meek\n");
        Path out = dir.resolve("gen.jsonl");
        Path model = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "generate", "--model", model.toString(), "--prompts",
                prompts.toString(), "--steps", "1", "--max-tokens", "6", "--threads", "1", "--rule", "last_answering",
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("prompts").asInt());
        assertEquals("last_answering", j.get("rule").asText());
        ImportResult back = RoundImporters.read(out, null);
        assertEquals(0, back.issues().size());
        assertEquals(2, back.rounds().get(0).prompts().get(0).steps().size());
        WorkbenchCliTest.Run twice = WorkbenchCliTest.run("rounds", "generate", "--model", model.toString(),
                "--prompts", prompts.toString(), "--out", out.toString());
        assertEquals(2, twice.code(), "an existing file is not replaced");
    }

    @Test
    void aHugeBootstrapIsBadInputBeforeAnyWork() {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "--round", "A=../datasets/rounds/plm-nano-demo.jsonl",
                "--bootstrap", "1000000000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--bootstrap must be 1 to 1,000,000, got 1,000,000,000"), r.err());
    }
}
