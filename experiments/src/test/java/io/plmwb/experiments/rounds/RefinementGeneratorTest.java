package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Self-refinement with the bundled plm-nano through the engine. */
class RefinementGeneratorTest {

    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        Path dir = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
        model = ModelLoader.load(dir, ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, 1))
                .withCache(GraphCache.atDefaultLocation()), TaskContext.none());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static final List<PromptSet.Prompt> PROMPTS = List.of(
            new PromptSet.Prompt("p1", "And God said", "genesis"),
            new PromptSet.Prompt("p2", "Blessed are the meek", "matthew"));

    @Test
    void generatesKStepsWithTokensScoresAndAPair() {
        RefinementGenerator.Settings s = new RefinementGenerator.Settings("iter1", 1, 2,
                RefinementGenerator.DEFAULT_ANSWER_TEMPLATE, RefinementGenerator.DEFAULT_REFINE_TEMPLATE, 10, 0, 0,
                SelectionRule.meanLogProb());
        AtomicInteger lastDone = new AtomicInteger();
        Round r = RefinementGenerator.generate(model, PROMPTS, s, new TaskContext() {
            @Override
            public void progress(double done, double total) {
                assertEquals(6, total);
                lastDone.set((int) done);
            }

            @Override
            public void message(String message) {
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
        assertEquals(6, lastDone.get());
        assertEquals(2, r.prompts().size());
        assertEquals("plm-nano", r.tokenizer());
        assertEquals("mean_logprob", r.meta().get("selection"));
        for (RoundPrompt p : r.prompts()) {
            assertEquals(List.of(0, 1, 2), p.steps().stream().map(RefinementStep::k).toList());
            for (RefinementStep st : p.steps()) {
                assertEquals(model.tokenizer().encode(st.text()).length, st.tokens());
                Double lp = st.score(SelectionRule.MEAN_LOGPROB);
                assertNotNull(lp, "every non-empty step is scored");
                assertTrue(lp < 0 && lp > -20, "a log-probability: " + lp);
            }
            assertNotNull(p.pair());
            double chosen = p.step(p.pair().chosenStep()).score(SelectionRule.MEAN_LOGPROB);
            for (RefinementStep st : p.steps()) {
                assertTrue(chosen >= st.score(SelectionRule.MEAN_LOGPROB));
            }
        }
        // k = 0 is the plain greedy answer of the answer template
        String direct = model.generator().generate(model.tokenizer().encode("And God said\n"),
                GenerationOptions.greedy(10), TokenListener.none(), TaskContext.none()).text().strip();
        assertEquals(direct, r.prompts().get(0).step(0).text());
    }

    @Test
    void meanLogProbAgreesWithTokenByTokenDecoding() {
        int[] prompt = model.tokenizer().encode("And God said\n");
        int[] answer = model.tokenizer().encode("Let there be light: and there was light.");
        double viaPrefill = RefinementGenerator.meanLogProb(model, prompt, answer, TaskContext.none());
        int[] ids = new int[prompt.length + answer.length];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length);
        float[][] incremental = LogitsRunner.run(model.session(), ids, true, TaskContext.none());
        assertEquals(RefinementGenerator.meanLogProb(incremental, ids, prompt.length), viaPrefill, 1e-3);
        // a verse the model was trained on is likelier than scrambled words
        int[] scrambled = model.tokenizer().encode("light there: was and light be Let there.");
        assertTrue(viaPrefill > RefinementGenerator.meanLogProb(model, prompt, scrambled, TaskContext.none()));
    }

    @Test
    void cancellationStopsBetweenSteps() {
        RefinementGenerator.Settings s = RefinementGenerator.Settings.defaults("r", 0, 3);
        AtomicInteger steps = new AtomicInteger();
        assertThrows(CancellationException.class, () -> RefinementGenerator.generate(model, PROMPTS, s,
                new TaskContext() {
                    @Override
                    public void progress(double done, double total) {
                        steps.incrementAndGet();
                    }

                    @Override
                    public void message(String message) {
                    }

                    @Override
                    public boolean isCancelled() {
                        return steps.get() >= 1;
                    }
                }));
        assertEquals(1, steps.get());
    }
}
