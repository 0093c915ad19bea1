package io.plmwb.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.testutil.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlmTokenizerTest {

    static PlmTokenizer tok;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        tok = PlmTokenizer.load(Fixtures.hf());
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void fixtureSpecialsAndConfig() {
        assertEquals(512, tok.vocabSize());
        assertEquals(509, tok.idOf("<|endoftext|>").getAsInt());
        assertEquals(510, tok.idOf("<|im_start|>").getAsInt());
        assertEquals(511, tok.idOf("<|im_end|>").getAsInt());
        assertEquals(Set.of(509, 510, 511), tok.specialIds());
        assertFalse(tok.bosId().isPresent());
        assertEquals(511, tok.eosId().getAsInt());
        assertEquals(509, tok.padId().getAsInt());
        assertFalse(tok.addsBos());
        assertEquals(Set.of(511, 509), tok.stopIds());
        assertArrayEquals(new int[] {510}, tok.encode("<|im_start|>"));
        assertArrayEquals(new int[] {509, 511}, tok.encode("<|endoftext|><|im_end|>"));
        int[] chat = tok.encode("<|im_start|>user\nhi<|im_end|>\n");
        assertEquals(510, chat[0]);
        assertEquals(511, chat[chat.length - 2]);
        assertEquals(1, Arrays.stream(chat).filter(i -> i == 510).count());
    }

    @Test
    void bytesMapToTheirIds() {
        // ids 0..255 are the byte values; control bytes are never merged
        assertArrayEquals(new int[] {1}, tok.encode("\u0001"));
        assertArrayEquals(new int[] {0x7F}, tok.encode("\u007F"));
        assertEquals("\u0001", tok.tokenText(1));
        assertArrayEquals(new byte[] {(byte) 0xC3}, tok.tokenBytes(0xC3));
    }

    @Test
    void tokenTextIsTheDecodeOfTheIdAndIsMemoised() {
        for (int id : new int[] {1, 0x41, 0xC3, 300, 511}) {
            String first = tok.tokenText(id);
            assertEquals(tok.decode(new int[] {id}, false), first);
            assertSame(first, tok.tokenText(id), "second call served from the memo");
        }
        assertThrows(IllegalArgumentException.class, () -> tok.tokenText(-1));
        // beyond the vocabulary: decoded as before (no memo slot)
        assertEquals(tok.decode(new int[] {tok.vocabSize() + 5}, false), tok.tokenText(tok.vocabSize() + 5));
    }

    @Test
    void nfcNormalisation() {
        int[] composed = tok.encode("caf\u00e9");
        int[] decomposed = tok.encode("cafe\u0301");
        assertArrayEquals(composed, decomposed);
        assertEquals("caf\u00e9", tok.decode(decomposed, false));
        assertNotEquals(0, composed.length);
    }

    @Test
    void asciiRoundTripsAndIsNotTruncated() {
        String s = "PLM-1.8B caches only [c ; RoPE(k)] = 576 values per token per layer. "
                + "Isn't it nice? x = RMSNorm(h) , y . z ' s\n\n  indented\ttab  and  double  spaces  ";
        int[] ids = tok.encode(s);
        assertEquals(s, tok.decode(ids, false));
        assertTrue(ids.length < s.length(), "merges should shorten the text: " + ids.length);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 509, "no specials in plain text: " + id);
        }
        String longText = s.repeat(40);
        int[] longIds = tok.encode(longText);
        assertTrue(longIds.length > 1000, "no truncation: " + longIds.length);
        assertEquals(longText, tok.decode(longIds, false));
    }

    @Test
    void tokenBytesRebuildMultiByteText() {
        String s = "na\u00efve \u65e5\u672c \ud83d\ude42 \u2248 3.65 GFLOP";
        int[] ids = tok.encode(s);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tok.tokenBytes(id));
        }
        assertEquals(s, out.toString(StandardCharsets.UTF_8));
        assertEquals(s, tok.decode(ids, false));
    }

    @Test
    void decodeKeepsOrSkipsSpecials() {
        int[] ids = tok.encodeChat(List.of(ChatMessage.user("hi")), true);
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", tok.decode(ids, false));
        assertEquals("user\nhi\nassistant\n", tok.decode(ids, true));
        assertEquals("<|im_end|>", tok.tokenText(511));
        assertEquals("", tok.decode(new int[] {600}, false)); // beyond the tokenizer: model padding rows
        assertEquals(0, tok.tokenBytes(600).length);
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}, false));
    }

    @Test
    void chatMlRendering() {
        String p = tok.applyChatTemplate(List.of(ChatMessage.system("Be brief."), ChatMessage.user("2+2?"),
                ChatMessage.assistant("4"), ChatMessage.user("and 3+3?")), true);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\nand 3+3?<|im_end|>\n"
                + "<|im_start|>assistant\n", p);
        assertEquals("<|im_start|>user\nx<|im_end|>\n", tok.applyChatTemplate(List.of(ChatMessage.user("x")), false));
        // the fixture's tokenizer_config.json has no chat_template
        assertTrue(tok.chatTemplateWarning().orElseThrow().contains("no chat_template"));
    }

    private Path withConfig(ObjectNode cfg) throws Exception {
        Path d = Files.createDirectories(dir.resolve("t" + System.nanoTime()));
        Files.copy(Fixtures.hf().resolve("tokenizer.json"), d.resolve("tokenizer.json"));
        Files.writeString(d.resolve("tokenizer_config.json"), cfg.toString());
        return d;
    }

    @Test
    void chatTemplateKindsAndBos() throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode chatml = (ObjectNode) m.readTree(Fixtures.hf().resolve("tokenizer_config.json").toFile());
        chatml.put("chat_template", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
                + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}");
        try (PlmTokenizer t = PlmTokenizer.load(withConfig(chatml))) {
            assertTrue(t.chatTemplateWarning().isEmpty());
            assertTrue(t.chatTemplate().orElseThrow().contains("<|im_start|>"));
        }
        ObjectNode llama = chatml.deepCopy();
        llama.put("chat_template", "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}"
                + "<|end_header_id|>{{ m['content'] }}<|eot_id|>{% endfor %}");
        llama.putObject("bos_token").put("content", "<|endoftext|>");
        llama.put("add_bos_token", true);
        try (PlmTokenizer t = PlmTokenizer.load(withConfig(llama))) {
            assertTrue(t.chatTemplateWarning().orElseThrow().contains("not ChatML"));
            assertEquals(509, t.bosId().getAsInt());
            assertTrue(t.addsBos());
            int[] ids = t.encode("hi");
            assertEquals(509, ids[0]);
            assertEquals("<|endoftext|>hi", t.decode(ids, false));
        }
        ObjectNode bad = chatml.deepCopy();
        bad.put("eos_token", "<|eot_id|>");
        Path b = withConfig(bad);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> PlmTokenizer.load(b));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("eos_token"),
                e.getMessage());
    }

    @Test
    void brokenTokenizerFiles() throws Exception {
        Path d = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(d.resolve("tokenizer.json"), "{\"model\": 3}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> PlmTokenizer.load(d));
        assertTrue(e.getMessage().startsWith(d.resolve("tokenizer.json").toString()), e.getMessage());
        Files.writeString(d.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"}}");
        ModelFormatException e2 = assertThrows(ModelFormatException.class, () -> PlmTokenizer.load(d));
        assertTrue(e2.getMessage().contains("refused"), e2.getMessage());
        Path none = dir.resolve("none");
        assertThrows(ModelFormatException.class, () -> PlmTokenizer.load(none));
    }
}
