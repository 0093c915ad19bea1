package io.plmwb.engine.runtime;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.ChatMessage;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import io.plmwb.engine.tokenizer.TokenStreamDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Autoregressive generation over a {@link DecoderSession}: one prefill of the prompt, then one decode step per
 * token with the KV cache kept in native memory between steps. Each token goes to a {@link TokenListener} as soon as
 * it is sampled, with its text (streamed through a {@link TokenStreamDecoder}) and step time; cancellation is
 * checked between steps and ends the run with {@link StopReason#CANCELLED} and the tokens so far.
 * Not thread-safe (one session).
 */
public final class Generator {

    private final DecoderSession session;
    private final PlmTokenizer tokenizer;
    private final int contextLimit;

    /**
     * @param contextLimit most tokens the cache may hold (prompt + generated)
     */
    public Generator(DecoderSession session, PlmTokenizer tokenizer, int contextLimit) {
        this.session = Objects.requireNonNull(session, "session");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (contextLimit < 2) {
            throw new IllegalArgumentException("context limit must be ≥ 2, got " + contextLimit);
        }
        this.contextLimit = contextLimit;
    }

    /** The prompt's ids: plain encoding, or one user turn in ChatML with the assistant generation prompt. */
    public int[] encodePrompt(String prompt, boolean chat) {
        return chat ? tokenizer.encodeChat(List.of(ChatMessage.user(prompt)), true) : tokenizer.encode(prompt);
    }

    /** Encodes {@code prompt} (chat-wrapped if the options say so) and generates. */
    public GenerationResult generate(String prompt, GenerationOptions options, TokenListener listener,
                                     TaskContext ctx) {
        return generate(encodePrompt(prompt, options.chat()), options, listener, ctx);
    }

    /**
     * Resets the session, prefills {@code promptIds} and generates up to {@code maxTokens} tokens.
     *
     * @throws IllegalArgumentException when the prompt is empty or does not leave room for one token
     */
    public GenerationResult generate(int[] promptIds, GenerationOptions options, TokenListener listener,
                                     TaskContext ctx) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens");
        }
        if (promptIds.length >= contextLimit) {
            throw new IllegalArgumentException("the prompt has " + promptIds.length + " tokens; the context limit is "
                    + contextLimit + " (no room to generate)");
        }
        Set<Integer> stops = options.stopTokenIds() != null ? options.stopTokenIds() : tokenizer.stopIds();
        Sampler sampler = Sampler.of(options);
        TokenStreamDecoder stream = new TokenStreamDecoder(tokenizer, true);
        List<GeneratedToken> tokens = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int maxStop = options.stopStrings().stream().mapToInt(String::length).max().orElse(0);

        session.reset();
        ctx.checkCancelled();
        long p0 = System.nanoTime();
        float[] logits = session.prefill(promptIds);
        double prefillMs = (System.nanoTime() - p0) / 1e6;
        double stepMs = prefillMs;
        double decodeMs = 0;
        int decodeSteps = 0;
        StopReason reason = StopReason.MAX_TOKENS;
        Integer stopId = null;
        for (int i = 0; ; i++) {
            long s0 = System.nanoTime();
            int id = sampler.sample(logits);
            double ms = stepMs + (System.nanoTime() - s0) / 1e6;
            if (i > 0) {
                decodeMs += ms;
                decodeSteps++;
            }
            if (stops.contains(id)) {
                reason = StopReason.STOP_TOKEN;
                stopId = id;
                break;
            }
            String piece = stream.push(id);
            GeneratedToken t = new GeneratedToken(i, id, piece, ms);
            tokens.add(t);
            int from = Math.max(0, text.length() - maxStop);
            text.append(piece);
            listener.onToken(t);
            ctx.progress(i + 1, options.maxTokens());
            if (maxStop > 0 && cutAtStopString(text, from, options.stopStrings())) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (i + 1 >= options.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
                break;
            }
            if (session.cacheLength() >= contextLimit) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            if (ctx.isCancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            long d0 = System.nanoTime();
            logits = session.decode(id);
            stepMs = (System.nanoTime() - d0) / 1e6;
        }
        if (reason != StopReason.STOP_STRING) {
            text.append(stream.flush());
        }
        double tps = decodeMs > 0 ? decodeSteps / (decodeMs / 1000) : 0;
        return new GenerationResult(text.toString(), tokens, promptIds.length, prefillMs, decodeMs, tps, reason,
                stopId, session.cacheBytes());
    }

    /** Cuts {@code text} at the first stop string starting at or after {@code from}; true when one was found. */
    static boolean cutAtStopString(StringBuilder text, int from, List<String> stopStrings) {
        int best = -1;
        for (String s : stopStrings) {
            int at = text.indexOf(s, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        if (best >= 0) {
            text.setLength(best);
            return true;
        }
        return false;
    }
}
