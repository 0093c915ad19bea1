package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorkbenchCliTest {

    @TempDir
    Path dir;

    /** Runs the CLI, capturing stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = WorkbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertEquals(0, r.code());
        CommandLine cl = WorkbenchCli.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            assertTrue(r.out().contains("  " + name), "--help must list " + name + ":\n" + r.out());
        }
        assertTrue(cl.getSubcommands().containsKey("info"));
    }

    @Test
    void infoHelpExists() {
        Run r = run("info", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--preset"), r.out());
        assertTrue(r.out().contains("--json"), r.out());
    }

    @Test
    void infoJsonForThePlmPresetHasThePublishedNumbers() throws Exception {
        Run r = run("info", "--preset", "plm-1.8b", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1_825_458_176L, j.at("/params/total").asLong());
        assertEquals("bf16", j.at("/kv_cache/dtype").asText());
        assertEquals(36_864, j.at("/kv_cache/bytes_per_token/latent").asLong());
        assertEquals(327_680, j.at("/kv_cache/bytes_per_token/expanded").asLong());
        assertEquals(262_144, j.at("/kv_cache/bytes_per_token/mha").asLong());
        assertEquals(65_536, j.at("/kv_cache/bytes_per_token/gqa").asLong());
        assertEquals(3_650_916_352L, j.at("/weights/bytes/bf16").asLong());
        assertEquals(144L << 20, j.at("/kv_cache/bytes_at_context/latent").asLong());
        assertEquals("plm-1.8b", j.at("/source/preset").asText());
    }

    @Test
    void infoReadsACheckpointFolder() throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type":"llama","vocab_size":1000,"hidden_size":64,"intermediate_size":128,
                 "num_hidden_layers":3,"num_attention_heads":4,"num_key_value_heads":2,"tie_word_embeddings":false}""");
        Run r = run("info", dir.toString(), "--json", "--cache-dtype", "fp32");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        // embed 64000 + head 64000 + 3 × (q 4096 + k 2048 + v 2048 + o 4096 + MLP 3·8192 + norms 128) + final 64
        long perLayer = 4096 + 2048 + 2048 + 4096 + 3 * 8192 + 128;
        assertEquals(64_000 + 64_000 + 3 * perLayer + 64, j.at("/params/total").asLong());
        assertTrue(j.at("/kv_cache/bytes_per_token/latent").isNull(), "llama has no latent cache");
        // expanded = native GQA: 2 × 2 KV heads × 16 × 4 bytes × 3 layers
        assertEquals(2 * 2 * 16 * 4 * 3, j.at("/kv_cache/bytes_per_token/expanded").asLong());
    }

    @Test
    void badInputExitsWithTwoAndNamesTheProblem() throws Exception {
        Run missing = run("info", dir.resolve("missing").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("missing") && missing.err().contains("does not exist"), missing.err());

        Run bothGiven = run("info", dir.toString(), "--preset", "plm-1.8b");
        assertEquals(2, bothGiven.code());

        Run unknownPreset = run("info", "--preset", "gpt-5");
        assertEquals(2, unknownPreset.code());
        assertTrue(unknownPreset.err().contains("unknown preset 'gpt-5'"), unknownPreset.err());

        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"plm\", \"vocab_size\": -4}");
        Run broken = run("info", dir.toString());
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains("config.json") && broken.err().contains("vocab_size"), broken.err());

        assertEquals(2, run("no-such-command").code());
        assertEquals(2, run("info", "--context").code());
    }

    @Test
    void chartExportsAllFourFormatsAndNeverOverwrites() throws Exception {
        Path out = dir.resolve("charts");
        Run r = run("chart", "params", "--preset", "plm-1.8b", "--out", out.toString(), "--dpi", "96", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(4, j.get("files").size());
        Path csv = out.resolve("param-breakdown-plm-1.8b.csv");
        List<String> lines = Files.readAllLines(csv);
        assertEquals("Embedding,311.164928", lines.get(1));
        var png = javax.imageio.ImageIO.read(out.resolve("param-breakdown-plm-1.8b.png").toFile());
        assertEquals(800, png.getWidth());
        assertTrue(Files.readString(out.resolve("param-breakdown-plm-1.8b.pdf"),
                java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("%PDF"));

        long before = Files.getLastModifiedTime(csv).toMillis();
        Files.writeString(csv, "my edits");
        Run again = run("chart", "params", "--preset", "plm-1.8b", "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals("my edits", Files.readString(csv), "user data is never overwritten");
        assertTrue(Files.getLastModifiedTime(csv).toMillis() >= before);

        assertEquals(0, run("chart", "params", "--preset", "plm-1.8b", "--out", out.toString(), "--overwrite",
                "--formats", "csv").code());
        assertEquals("Embedding,311.164928", Files.readAllLines(csv).get(1));
        assertEquals(2, run("chart", "nonsense", "--preset", "plm-1.8b", "--out", out.toString()).code());
        assertEquals(2, run("chart", "params", "--preset", "plm-1.8b", "--out", out.toString(),
                "--formats", "bmp").code());
    }

    @Test
    void synthRefusesANonEmptyFolderAndUnknownPresets() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        Run r = run("synth", "--preset", "plm-1.8b", "--out", full.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not empty"), r.err());
        assertEquals("mine", Files.readString(full.resolve("keep.txt")));
        assertEquals(2, run("synth", "--preset", "gpt-9", "--out", dir.resolve("x").toString()).code());
        assertTrue(run("synth", "--help").out().contains("SYNTHETIC"));
    }

    @Test
    void synthLayersZeroIsAnErrorNotAllLayers() throws Exception {
        Path target = dir.resolve("zero");
        Run r = run("synth", "--preset", "plm-1.8b", "--out", target.toString(), "--layers", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--layers must be ≥ 1") && r.err().contains("omit --layers"), r.err());
        assertFalse(Files.exists(target), "nothing written");
        assertEquals(2, run("synth", "--preset", "plm-1.8b", "--out", target.toString(), "--layers", "-3").code());
        String help = run("synth", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("omit it for all of the preset's"), help);
    }

    @Test
    void infoAtAContextPastTwoToThe31IsBadInputNotNegativeBytes() {
        Run r = run("info", "--preset", "plm-1.8b", "--context", "1000000000000000000");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the context must be at most 2,147,483,647 tokens"), r.err());
        assertFalse(r.out().contains("-"), "no negative figure printed: " + r.out());
    }
}
