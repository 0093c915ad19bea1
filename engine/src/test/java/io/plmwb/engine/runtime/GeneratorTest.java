package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelLoader + Generator on the shared tiny PLM (real tokenizer, random weights). */
class GeneratorTest {

    @TempDir
    static Path tmp;

    private static LoadedModel model;
    private static final List<String> messages = new ArrayList<>();

    private static ModelLoader.Options options() {
        return ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, 1))
                .withCache(new GraphCache(tmp.resolve("graphs"))).withGuard(MemoryGuard.disabled());
    }

    @BeforeAll
    static void load() throws Exception {
        model = ModelLoader.load(Fixtures.hf(), options(), new TaskContext() {
            @Override
            public void progress(double done, double total) {
            }

            @Override
            public void message(String message) {
                messages.add(message);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void loaderReportsWhatItDid() throws Exception {
        assertEquals(CacheMode.LATENT, model.cacheMode());
        assertFalse(model.timings().cacheHit());
        assertTrue(model.timings().compileMs() > 0 && model.timings().sessionOpenMs() > 0);
        assertTrue(messages.contains("Compiling layer 2 of 2"), messages.toString());
        assertEquals(256, model.contextLimit());
        assertFalse(model.synthetic());
        assertEquals("", model.syntheticLabel());
        assertEquals(512, model.session().vocabSize());
        // a second load uses the cached graph
        try (LoadedModel again = ModelLoader.load(Fixtures.hf(), options().withMode(CacheMode.EXPANDED)
                .withContextLimit(64), TaskContext.none())) {
            assertFalse(again.timings().cacheHit());
            assertEquals(CacheMode.EXPANDED, again.cacheMode());
            assertEquals(64, again.contextLimit());
        }
        try (LoadedModel hit = ModelLoader.load(Fixtures.hf(), options(), TaskContext.none())) {
            assertTrue(hit.timings().cacheHit());
            assertEquals(0, hit.session().cacheLength());
        }
    }

    @Test
    void greedyIsDeterministicAndRespectsMaxTokens() {
        Generator g = model.generator();
        List<GeneratedToken> streamed = new ArrayList<>();
        GenerationOptions o = GenerationOptions.greedy(12).withStopTokenIds(Set.of());
        GenerationResult a = g.generate("Hello world", o, streamed::add, TaskContext.none());
        GenerationResult b = g.generate("Hello world", o, TokenListener.none(), TaskContext.none());
        assertEquals(12, a.tokens().size());
        assertEquals(StopReason.MAX_TOKENS, a.stopReason());
        assertArrayEquals(a.ids(), b.ids());
        assertEquals(a.text(), b.text());
        assertEquals(a.tokens(), streamed, "the listener sees every token, in order, as the result lists it");
        StringBuilder pieces = new StringBuilder();
        streamed.forEach(t -> pieces.append(t.text()));
        assertTrue(a.text().startsWith(pieces.toString()));
        assertEquals(model.tokenizer().decode(a.ids(), true), a.text());
        assertEquals(model.tokenizer().encode("Hello world").length, a.promptTokens());
        assertTrue(a.prefillMs() > 0 && a.decodeTokensPerSecond() > 0);
        // greedy = argmax of the logits LogitsRunner gives for prompt + generated ids
        int[] prompt = model.tokenizer().encode("Hello world");
        int[] all = new int[prompt.length + 3];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(a.ids(), 0, all, prompt.length, 3);
        float[][] logits = LogitsRunner.run(model.session(), all, false, TaskContext.none());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.ids()[i], LogitsRunner.argmax(logits[prompt.length - 1 + i]));
        }
        // the session keeps the cache of the run: prompt + tokens fed back (the last token is not fed)
        g.generate("Hello world", o.withMaxTokens(5), TokenListener.none(), TaskContext.none());
        assertEquals(prompt.length + 4, model.session().cacheLength());
    }

    @Test
    void samplingIsReproducibleForASeed() {
        Generator g = model.generator();
        GenerationOptions o = GenerationOptions.greedy(16).withStopTokenIds(Set.of()).withSampling(1.2, 50, 0.95, 7);
        GenerationResult a = g.generate("The cat", o, TokenListener.none(), TaskContext.none());
        GenerationResult b = g.generate("The cat", o, TokenListener.none(), TaskContext.none());
        GenerationResult c = g.generate("The cat", o.withSampling(1.2, 50, 0.95, 8), TokenListener.none(),
                TaskContext.none());
        GenerationResult greedy = g.generate("The cat", o.withSampling(0, 0, 1, 7), TokenListener.none(),
                TaskContext.none());
        assertArrayEquals(a.ids(), b.ids());
        assertFalse(java.util.Arrays.equals(a.ids(), c.ids()), "another seed should give other tokens");
        assertFalse(java.util.Arrays.equals(a.ids(), greedy.ids()), "sampling should differ from greedy");
    }

    @Test
    void stopsOnAStopTokenAndOnAStopString() {
        Generator g = model.generator();
        GenerationOptions o = GenerationOptions.greedy(12).withStopTokenIds(Set.of());
        int[] free = g.generate("Hello world", o, TokenListener.none(), TaskContext.none()).ids();
        int stop = free[4];
        int firstAt = 0;
        while (free[firstAt] != stop) {
            firstAt++;
        }
        GenerationResult r = g.generate("Hello world", o.withStopTokenIds(Set.of(stop)), TokenListener.none(),
                TaskContext.none());
        assertEquals(StopReason.STOP_TOKEN, r.stopReason());
        assertEquals(stop, r.stopTokenId());
        assertEquals(firstAt, r.tokens().size());
        assertArrayEquals(java.util.Arrays.copyOf(free, firstAt), r.ids());

        String freeText = model.tokenizer().decode(free, true);
        String needle = freeText.substring(freeText.length() / 2, freeText.length() / 2 + 1);
        GenerationResult s = g.generate("Hello world", o.withStopStrings(List.of(needle)), TokenListener.none(),
                TaskContext.none());
        assertEquals(StopReason.STOP_STRING, s.stopReason());
        assertEquals(freeText.substring(0, freeText.indexOf(needle)), s.text());
        assertNull(s.stopTokenId());
    }

    @Test
    void chatWrapsThePromptInChatMl() {
        Generator g = model.generator();
        int[] chat = g.encodePrompt("hi", true);
        assertArrayEquals(model.tokenizer().encode("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"), chat);
        GenerationResult r = g.generate("hi", GenerationOptions.greedy(3).withChat(true).withStopTokenIds(Set.of()),
                TokenListener.none(), TaskContext.none());
        assertEquals(chat.length, r.promptTokens());
    }

    @Test
    void cancellationAndContextLimitEndTheRun() {
        AtomicBoolean cancel = new AtomicBoolean();
        TaskContext ctx = new TaskContext() {
            @Override
            public void progress(double done, double total) {
            }

            @Override
            public void message(String message) {
            }

            @Override
            public boolean isCancelled() {
                return cancel.get();
            }
        };
        GenerationOptions o = GenerationOptions.greedy(50).withStopTokenIds(Set.of());
        GenerationResult r = model.generator().generate("Hello", o, t -> {
            if (t.index() == 2) {
                cancel.set(true);
            }
        }, ctx);
        assertEquals(StopReason.CANCELLED, r.stopReason());
        assertEquals(3, r.tokens().size());
        assertThrows(CancellationException.class, () -> model.generator().generate("Hello", o, TokenListener.none(),
                ctx));

        Generator small = new Generator(model.session(), model.tokenizer(), 10);
        int[] prompt = small.encodePrompt("Hello world", false);
        GenerationResult full = small.generate(prompt, o, TokenListener.none(), TaskContext.none());
        assertEquals(StopReason.CONTEXT_FULL, full.stopReason());
        assertEquals(10 - prompt.length + 1, full.tokens().size());
        assertEquals(10, model.session().cacheLength());
        assertThrows(IllegalArgumentException.class,
                () -> new Generator(model.session(), model.tokenizer(), prompt.length).generate(prompt, o,
                        TokenListener.none(), TaskContext.none()));
        assertNotNull(full.text());
    }

    @Test
    void cancellingALoadLeavesNothingInTheCache() {
        Path cache = tmp.resolve("cancelled");
        TaskContext cancelDuringCompile = new TaskContext() {
            private boolean compiling;

            @Override
            public void progress(double done, double total) {
            }

            @Override
            public void message(String message) {
                compiling |= message.startsWith("Compiling layer");
            }

            @Override
            public boolean isCancelled() {
                return compiling;
            }
        };
        assertThrows(CancellationException.class, () -> ModelLoader.load(Fixtures.hf(),
                options().withCache(new GraphCache(cache)), cancelDuringCompile));
        try (var s = java.nio.file.Files.list(cache)) {
            assertEquals(0, s.count(), "no entry and no temporary directory may remain");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void memoryGuardStopsTheLoadBeforeCompiling() {
        MemoryGuard tiny = new MemoryGuard(() -> new MemoryGuard.HostMemory(1L << 20, 8L << 30, 0));
        Path cache = tmp.resolve("refused");
        InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                () -> ModelLoader.load(Fixtures.hf(), options().withGuard(tiny).withCache(new GraphCache(cache)),
                        TaskContext.none()));
        assertTrue(e.getMessage().contains("only 0.0 GiB available"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(cache), "nothing should have been compiled");
    }
}
