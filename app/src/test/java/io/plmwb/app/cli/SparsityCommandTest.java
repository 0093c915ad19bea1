package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.experiments.sparsity.SparsityResult;
import io.plmwb.experiments.sparsity.SparsityResultFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code workbench sparsity} on the bundled plm-nano and llama-nano. */
class SparsityCommandTest extends FixtureCommandTest {

    static String model(String name) {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", name).toString();
    }

    private static final String TEXT = "After lunch the team met in the small conference room to review the budget.";

    @Test
    void jsonPerLayerAndMeanMatchTheWrittenMatrixAndResult() throws Exception {
        Path out = dir.resolve("nano");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("sparsity", "--model", model("plm-nano"), "--prompt", TEXT,
                "--out", out.toString(), "--json", "--threads", "1", "--format", "csv,png");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode layers = j.get("layers");
        assertEquals(6, layers.size());
        double sum = 0;
        for (JsonNode l : layers) {
            double z = l.get("zero_fraction").asDouble();
            assertTrue(z > 0.3 && z < 1, "relu² layers are mostly zeros: " + z);
            sum += z;
        }
        double mean = j.get("mean_zero_fraction").asDouble();
        assertEquals(sum / 6, mean, 1e-12);
        // the matrix CSV, averaged independently, gives the same mean
        List<String> rows = Files.readAllLines(out.resolve("sparsity-matrix.csv"));
        double s = 0;
        int n = 0;
        for (String row : rows.subList(2, rows.size())) {
            String[] cells = row.split(",");
            s += Double.parseDouble(cells[cells.length - 2]);
            n++;
        }
        assertEquals(j.get("tokens").asInt() * 6, n);
        assertEquals(mean, s / n, 1e-5);
        assertTrue(Files.size(out.resolve("sparsity-heatmap.png")) > 1000);
        SparsityResult back = SparsityResultFile.read(out.resolve("result.sparsity.json"));
        assertEquals(j.get("tokens").asInt(), back.totalTokens());
        // existing files are not replaced without --overwrite
        assertEquals(2, WorkbenchCliTest.run("sparsity", "--model", model("plm-nano"), "--prompt", TEXT, "--out",
                out.toString()).code());
    }

    @Test
    void swigluHasNoExactZerosButSomeBelowEpsilon() throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"" + TEXT + "\"}\n{\"instruction\": \"The dog sleeps.\"}\n");
        WorkbenchCliTest.Run zero = WorkbenchCliTest.run("sparsity", "--model", model("llama-nano"), "--prompts",
                prompts.toString(), "--out", dir.resolve("a").toString(), "--json", "--format", "csv");
        assertEquals(0, zero.code(), zero.err());
        JsonNode z = new ObjectMapper().readTree(zero.out());
        assertEquals(2, z.get("prompts").asInt());
        assertEquals(0.0, z.get("mean_zero_fraction").asDouble());
        WorkbenchCliTest.Run eps = WorkbenchCliTest.run("sparsity", "--model", model("llama-nano"), "--prompts",
                prompts.toString(), "--out", dir.resolve("b").toString(), "--json", "--format", "csv",
                "--epsilon", "1e-3");
        JsonNode e = new ObjectMapper().readTree(eps.out());
        assertEquals(1e-3, e.get("epsilon").asDouble(), 1e-12);
        assertTrue(e.get("mean_zero_fraction").asDouble() > 0, e.toString());
    }

    @Test
    void badInputIsExitCodeTwoWithTheFileNamed() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"ok\"}\n{\"nope\": 1}\n");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("sparsity", "--model", model("plm-nano"), "--prompts",
                bad.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.jsonl") && r.err().contains("line 2"), r.err());
        assertEquals(2, WorkbenchCliTest.run("sparsity", "--model", model("plm-nano"), "--prompt", "x", "--out",
                dir.resolve("y").toString(), "--epsilon", "-1").code());
        assertEquals(2, WorkbenchCliTest.run("sparsity", "--model", model("plm-nano"), "--prompt", "x", "--out",
                dir.resolve("y").toString(), "--format", "gif").code());
    }

    @Test
    void benchTimesLikeWithLikeAndReportsPairedOverhead() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("sparsity-bench", "--model", model("plm-nano"), "--tokens", "24",
                "--repeats", "3", "--chunk", "8", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode p = new ObjectMapper().readTree(r.out()).get("prefill");
        assertEquals(8, p.get("probed_chunk").asInt());
        assertEquals(8, p.get("plain_chunk").asInt(), "both sides prefill in the same chunks");
        assertEquals(1, p.get("switch_warmup").asInt());
        assertEquals(24, p.get("tokens").asInt());
        double paired = p.get("overhead_paired_median").asDouble();
        assertTrue(Double.isFinite(paired) && paired > -1, "paired overhead " + paired);
        assertTrue(p.get("plain_ms_median").asDouble() > 0 && p.get("probed_ms_median").asDouble() > 0);
        assertEquals(2, WorkbenchCliTest.run("sparsity-bench", "--model", model("plm-nano"), "--switch-warmup", "-1")
                .code());
    }
}
