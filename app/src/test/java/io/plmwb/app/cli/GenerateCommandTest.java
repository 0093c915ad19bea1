package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.runtime.InsufficientMemoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code workbench generate} on the shared tiny PLM (real tokenizer, random weights). */
class GenerateCommandTest extends FixtureCommandTest {

    private static JsonNode json(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("generate", "--model", hf(), "--threads", "1", "--json",
                "--stop-ids", "511"));
        args.addAll(List.of(extra));
        WorkbenchCliTest.Run r = WorkbenchCliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static List<Integer> ids(JsonNode j) {
        List<Integer> ids = new ArrayList<>();
        j.get("tokens").forEach(t -> ids.add(t.get("id").asInt()));
        return ids;
    }

    @Test
    void jsonHasTheDocumentedShapeAndGreedyIsDeterministic() throws Exception {
        JsonNode a = json("--prompt", "Hello world", "--max-tokens", "10");
        for (String f : List.of("text", "tokens", "prefill_ms", "decode_tokens_per_second", "prompt_tokens",
                "stop_reason", "cache_mode", "synthetic")) {
            assertTrue(a.has(f), "missing " + f + " in " + a);
        }
        assertEquals(10, a.get("tokens").size());
        JsonNode t0 = a.get("tokens").get(0);
        assertTrue(t0.get("id").isInt() && t0.get("text").isTextual() && t0.get("ms").isNumber(), t0.toString());
        assertEquals("max_tokens", a.get("stop_reason").asText());
        assertEquals("latent", a.get("cache_mode").asText());
        assertFalse(a.get("synthetic").asBoolean());
        assertFalse(a.at("/load/graph_cache_hit").asBoolean());
        StringBuilder pieces = new StringBuilder();
        a.get("tokens").forEach(t -> pieces.append(t.get("text").asText()));
        assertTrue(a.get("text").asText().startsWith(pieces.toString()));

        JsonNode b = json("--prompt", "Hello world", "--max-tokens", "10", "--mode", "expanded");
        assertEquals(ids(a), ids(b), "latent and expanded graphs generate the same greedy tokens");
        assertEquals(a.get("text"), b.get("text"));
        assertTrue(json("--prompt", "Hello world", "--max-tokens", "3").at("/load/graph_cache_hit").asBoolean());
    }

    @Test
    void seedMakesSamplingReproducible() throws Exception {
        String[] s7 = {"--prompt", "Once upon", "--max-tokens", "12", "--temperature", "1.0", "--top-k", "40",
            "--top-p", "0.95", "--seed", "7"};
        JsonNode a = json(s7);
        JsonNode b = json(s7);
        assertEquals(ids(a), ids(b));
        s7[s7.length - 1] = "8";
        assertNotEquals(ids(a), ids(json(s7)));
    }

    @Test
    void stopTokenEndsGenerationAndStreamingPrintsTheText() throws Exception {
        JsonNode free = json("--prompt", "Hello world", "--max-tokens", "8");
        int stop = ids(free).get(3);
        int at = ids(free).indexOf(stop);
        JsonNode stopped = json("--prompt", "Hello world", "--max-tokens", "8", "--stop-ids", String.valueOf(stop));
        assertEquals("stop_token", stopped.get("stop_reason").asText());
        assertEquals(stop, stopped.get("stop_token_id").asInt());
        assertEquals(ids(free).subList(0, at), ids(stopped));

        WorkbenchCliTest.Run plain = WorkbenchCliTest.run("generate", "--model", hf(), "--threads", "1",
                "--stop-ids", "511", "--prompt", "Hello world", "--max-tokens", "8");
        assertEquals(0, plain.code(), plain.err());
        assertEquals(free.get("text").asText() + System.lineSeparator(), plain.out());
        assertTrue(plain.err().contains("8 tokens"), plain.err());
    }

    @Test
    void chatWrapsThePrompt() throws Exception {
        JsonNode plain = json("--prompt", "hi", "--max-tokens", "2");
        JsonNode chat = json("--prompt", "hi", "--max-tokens", "2", "--chat");
        assertTrue(chat.get("prompt_tokens").asInt() > plain.get("prompt_tokens").asInt() + 4, chat.toString());
    }

    @Test
    void badInputExitsWithTwo() {
        String hf = hf();
        assertEquals(2, WorkbenchCliTest.run("generate", "--model", hf, "--prompt", "x", "--temperature", "-1").code());
        assertEquals(2, WorkbenchCliTest.run("generate", "--model", hf, "--prompt", "x", "--top-p", "0").code());
        assertEquals(2, WorkbenchCliTest.run("generate", "--model", hf, "--prompt", "x", "--max-tokens", "0").code());
        assertEquals(2, WorkbenchCliTest.run("generate", "--model", hf, "--prompt", "x", "--mode", "sideways").code());
        assertEquals(2, WorkbenchCliTest.run("generate", "--model", dir.resolve("nope").toString(), "--prompt",
                "x").code());
        WorkbenchCliTest.Run full = WorkbenchCliTest.run("generate", "--model", hf, "--prompt",
                "a long prompt that does not fit", "--context", "3", "--threads", "1");
        assertEquals(2, full.code());
        assertTrue(full.err().contains("context limit is 3"), full.err());
        assertTrue(WorkbenchCli.isBadInput(new InsufficientMemoryException("needs ~9 GiB", 9, 1)));
    }

    @Test
    void tooLittleMemoryIsRefusedWithExitTwo() {
        System.setProperty("plmwb.memory.available", Long.toString(100L << 20));
        try {
            WorkbenchCliTest.Run r = WorkbenchCliTest.run("generate", "--model", hf(), "--prompt", "x",
                    "--threads", "1");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("only 0.1 GiB available") && r.err().contains("smaller context"), r.err());
            assertEquals("", r.out());
        } finally {
            System.clearProperty("plmwb.memory.available");
        }
    }
}
