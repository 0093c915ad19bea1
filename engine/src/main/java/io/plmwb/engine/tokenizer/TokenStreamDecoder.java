package io.plmwb.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text one token at a time for streaming display. Byte-level tokens can end in the
 * middle of a UTF-8 character (an emoji is often four tokens); the bytes of an unfinished character are held back
 * until the token that completes it arrives. Not thread-safe: one decoder per generation.
 */
public final class TokenStreamDecoder {

    private final PlmTokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /**
     * @param skipSpecialTokens true to show nothing for special tokens such as {@code <|im_end|>}
     */
    public TokenStreamDecoder(PlmTokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one token; returns the text that is now complete (possibly empty). */
    public String push(int id) {
        if (skipSpecialTokens && tokenizer.specialIds().contains(id)) {
            return "";
        }
        pending.writeBytes(tokenizer.tokenBytes(id));
        byte[] b = pending.toByteArray();
        int complete = completePrefix(b);
        pending.reset();
        pending.write(b, complete, b.length - complete);
        return new String(b, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is held back (an unfinished character shows as U+FFFD) and clears it. */
    public String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a UTF-8 sequence that could still be completed. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // look back at most 3 bytes for the lead byte of the last sequence
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
            return back < need ? n - back : n;
        }
        return n; // only continuation bytes at the end: invalid anyway, let the decoder replace them
    }
}
