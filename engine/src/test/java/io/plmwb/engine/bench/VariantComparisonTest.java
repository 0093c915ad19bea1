package io.plmwb.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.io.FileReads;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variant comparison on the fixture's 12 token ids, so the fp32 perplexity can be checked against one computed
 * from llama.cpp's own F32 logits for those ids.
 */
class VariantComparisonTest {

    @TempDir
    Path tmp;

    @Test
    void fp32IsTheReferenceAndQuantizedVariantsDivergeInOrder() throws Exception {
        VariantComparison.Options o = new VariantComparison.Options(List.of(8, 4), 64, 8, 4, 1, tmp.resolve("work"),
                new GraphCache(tmp.resolve("graphs")));
        VariantComparison.Result r = VariantComparison.runIds(Fixture.hf(), Fixture.IDS, o, TaskContext.none());
        assertEquals(11, r.evalTokens());
        assertEquals(3, r.variants().size());
        VariantComparison.Variant f = r.variants().get(0);
        VariantComparison.Variant q8 = r.variants().get(1);
        VariantComparison.Variant q4 = r.variants().get(2);
        assertEquals(List.of("fp32", "8-bit", "4-bit"), r.variants().stream().map(VariantComparison.Variant::label)
                .toList());

        // perplexity of positions 0..10 predicting ids 1..11 from llama.cpp's F32 logits
        float[][] ref = Fixture.llamacppF32();
        double nll = 0;
        for (int i = 0; i < 11; i++) {
            nll -= VariantComparison.logSoftmax(ref[i])[Fixture.IDS[i + 1]];
        }
        assertEquals(Math.exp(nll / 11), f.perplexity(), 1e-4 * f.perplexity());
        assertEquals(0.0, f.meanKl());
        assertEquals(1.0, f.top1Agreement());

        assertTrue(q8.meanKl() > 0 && q8.meanKl() < q4.meanKl(), q8.meanKl() + " vs " + q4.meanKl());
        assertTrue(q8.top1Agreement() >= 10.0 / 11, "8-bit agrees at ≥ 10 of 11 positions: " + q8.top1Agreement());
        assertTrue(Math.abs(q8.perplexity() - f.perplexity()) < Math.abs(q4.perplexity() - f.perplexity()) + 1e-9
                || q4.meanKl() > q8.meanKl());
        // bytes: the Q8_0 / Q4_0 files that `quantize` writes, and graphs that hold the quantized weights
        assertEquals(Files.size(Fixture.hf().resolve("model.safetensors")), f.fileBytes());
        assertTrue(q8.model().toString().endsWith("-Q8_0.gguf") && q4.model().toString().endsWith("-Q4_0.gguf"));
        assertEquals(Files.size(q8.model()), q8.fileBytes());
        assertTrue(f.graphBytes() > 3 * q8.graphBytes() && q8.graphBytes() > q4.graphBytes(),
                f.graphBytes() + " " + q8.graphBytes() + " " + q4.graphBytes());
        assertTrue(f.prefillTokensPerSecond() > 0 && q4.decodeTokensPerSecond() > 0);

        // the quantized files are made once and reused
        long made = Files.getLastModifiedTime(q8.model()).toMillis();
        VariantComparison.runIds(Fixture.hf(), Fixture.IDS, o.withBits(List.of(8)), TaskContext.none());
        assertEquals(made, Files.getLastModifiedTime(q8.model()).toMillis());
    }

    @Test
    void aGgufsThreeVariantsComeFromOneOpenCheckpointOnTheHost() throws Exception {
        Path gguf = tmp.resolve("tiny-F32.gguf");
        Files.copy(Fixture.shared().resolve("fixtures/gguf/gguf/plm-tiny-F32.gguf"), gguf);
        try (ModelSessions host = new ModelSessions(1, new GraphCache(tmp.resolve("graphs")), MemoryGuard.disabled())) {
            VariantComparison.Options o = new VariantComparison.Options(List.of(8, 4), 64, 8, 4, 0,
                    tmp.resolve("work"), host.graphCache());
            VariantComparison.Result r = VariantComparison.runIds(host, gguf, Fixture.IDS, o, TaskContext.none());
            assertEquals(List.of("f32", "q8", "q4"), r.variants().stream().map(VariantComparison.Variant::weights)
                    .toList());
            assertEquals(1, r.threads(), "threads 0: the host's setting");
            assertEquals(1, FileReads.count(gguf), "the GGUF header is parsed once for the three variants");
            assertEquals(3, host.snapshot().sessionsOpened());
            assertEquals(3, host.snapshot().sessionsClosed(), "one at a time, each closed before the next");
            assertTrue(host.snapshot().checkpoints().isEmpty());
            double kl8 = r.variants().get(1).meanKl();
            double kl4 = r.variants().get(2).meanKl();
            assertTrue(kl8 > 0 && kl8 < kl4, "the F32 file run at 8 bits stays closer than at 4: " + kl8 + " vs " + kl4);
        }
    }
}
