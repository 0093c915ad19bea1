package io.plmwb.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.synth.SyntheticCheckpoint;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStreamDecoderTest {

    @TempDir
    Path dir;

    @Test
    void holdsBackSplitCharacters() throws Exception {
        ModelConfig tiny = new ModelConfig(PlmFamily.ID, "plm", 300, 16, 32, 1, 1, 1, 12, null, 8, 8, 4, 8,
                "relu2", 64, 100000.0, true, 1e-6, true, false, "float32", null, null, false, null);
        Path out = dir.resolve("s");
        SyntheticCheckpoint.write(tiny, out, 0, 1, TaskContext.none());
        try (PlmTokenizer t = PlmTokenizer.load(out)) {
            String s = "a\ud83d\ude42b\u00e9<|im_end|>";
            int[] ids = t.encode(s);
            assertEquals(1 + 4 + 1 + 2 + 1, ids.length); // byte tokens: emoji = 4, é = 2
            TokenStreamDecoder d = new TokenStreamDecoder(t, false);
            List<String> parts = new ArrayList<>();
            for (int id : ids) {
                parts.add(d.push(id));
            }
            assertEquals(List.of("a", "", "", "", "\ud83d\ude42", "b", "", "\u00e9", "<|im_end|>"), parts);
            assertEquals("", d.flush());
            TokenStreamDecoder skip = new TokenStreamDecoder(t, true);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append(skip.push(id));
            }
            assertEquals("a\ud83d\ude42b\u00e9", sb.toString());
            TokenStreamDecoder cut = new TokenStreamDecoder(t, false);
            cut.push(ids[1]);
            cut.push(ids[2]);
            assertEquals("\ufffd", cut.flush());
        }
    }

    @Test
    void fixtureTokensJoinToTheText() throws Exception {
        try (PlmTokenizer t = PlmTokenizer.load(Fixtures.hf())) {
            String s = "MLA caches [c ; RoPE(k\u0303)] \u2248 576 values \u00d7 32 layers \u2192 36,864 B/token";
            TokenStreamDecoder d = new TokenStreamDecoder(t, true);
            StringBuilder sb = new StringBuilder();
            for (int id : t.encode(s)) {
                String part = d.push(id);
                assertEquals(part, new String(part.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                assertEquals(-1, part.indexOf('\ufffd'), "never a broken character mid-stream");
                sb.append(part);
            }
            sb.append(d.flush());
            assertEquals(t.decode(t.encode(s), true), sb.toString());
        }
    }

    @Test
    void completePrefixRules() {
        assertEquals(0, TokenStreamDecoder.completePrefix(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x99}));
        assertEquals(4, TokenStreamDecoder.completePrefix(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x99,
            (byte) 0x82}));
        assertEquals(1, TokenStreamDecoder.completePrefix(new byte[] {'a', (byte) 0xC3}));
        assertEquals(3, TokenStreamDecoder.completePrefix(new byte[] {'a', (byte) 0xC3, (byte) 0xA9}));
        assertEquals(2, TokenStreamDecoder.completePrefix(new byte[] {'a', 'b'}));
        assertEquals(0, TokenStreamDecoder.completePrefix(new byte[0]));
    }
}
