package io.plmwb.experiments.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VariantsStudy} on the fixture GGUF: quality figures recomputed here from the models' own logits. */
class VariantsStudyTest {

    @TempDir
    Path dir;

    private static Path gguf() {
        return Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "gguf", "gguf",
                "plm-tiny-Q8_0.gguf");
    }

    private static Path text() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "heldout", "kjv-jonah.txt");
    }

    private VariantComparison.Options options() {
        return VariantComparison.Options.defaults().withBits(List.of(8)).withTokens(24, 8, 4).withThreads(1)
                .withWorkDir(dir.resolve("work")).withCache(new GraphCache(dir.resolve("graphs")));
    }

    @Test
    void qualityFiguresAreTheModelsOwnLogits() throws Exception {
        VariantsReport r = new VariantsStudy().run(new VariantsStudy.Settings(gguf(), text(), options()),
                TaskContext.none());
        VariantComparison.Result res = r.result();
        assertEquals(24, res.evalTokens());
        assertEquals(List.of("fp32", "8-bit"), res.variants().stream().map(VariantComparison.Variant::label).toList());

        // the same figures by hand: fp32 and q8 logits of the first 24 held-out tokens predicting the next
        ModelLoader.Options load = ModelLoader.Options.defaults().withCache(new GraphCache(dir.resolve("graphs")))
                .withRuntime(RuntimeOptions.threads(1, 1));
        float[][] p;
        float[][] q;
        int[] ids;
        try (LoadedModel m = ModelLoader.load(gguf(), load.withWeights("f32"), TaskContext.none())) {
            ids = Arrays.copyOf(m.tokenizer().encode(Files.readString(text(), StandardCharsets.UTF_8)), 25);
            p = m.session().prefill(Arrays.copyOf(ids, 24), true, TaskContext.none());
        }
        try (LoadedModel m = ModelLoader.load(gguf(), load.withWeights("q8"), TaskContext.none())) {
            q = m.session().prefill(Arrays.copyOf(ids, 24), true, TaskContext.none());
        }
        double nllP = 0;
        double nllQ = 0;
        double kl = 0;
        int agree = 0;
        for (int i = 0; i < 24; i++) {
            double[] lp = logSoftmax(p[i]);
            double[] lq = logSoftmax(q[i]);
            nllP -= lp[ids[i + 1]];
            nllQ -= lq[ids[i + 1]];
            for (int j = 0; j < lp.length; j++) {
                kl += Math.exp(lp[j]) * (lp[j] - lq[j]);
            }
            agree += argmax(p[i]) == argmax(q[i]) ? 1 : 0;
        }
        VariantComparison.Variant fp32 = res.variants().get(0);
        VariantComparison.Variant q8 = res.variants().get(1);
        assertEquals(Math.exp(nllP / 24), fp32.perplexity(), 1e-6 * fp32.perplexity());
        assertEquals(Math.exp(nllQ / 24), q8.perplexity(), 1e-6 * q8.perplexity());
        assertEquals(kl / 24, q8.meanKl(), 1e-6);
        assertEquals(agree / 24.0, q8.top1Agreement(), 1e-12);
        assertEquals(0.0, fp32.meanKl());
        assertEquals(1.0, fp32.top1Agreement());
        assertEquals(Files.size(gguf()), q8.fileBytes());

        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        assertEquals(2, charts.size());
        assertEquals(List.of("Prefill", "Decode"), charts.get(0).series().stream().map(s -> s.name()).toList());
        assertEquals(q8.decodeTokensPerSecond(), charts.get(0).series().get(1).y(1));
        assertEquals((double) q8.graphBytes() / fp32.graphBytes(), charts.get(1).series().get(0).y(1), 1e-15);
        assertEquals(q8.top1Agreement(), charts.get(1).series().get(2).y(1));
        Bundle b = r.bundle(NoSelection.ALL);
        assertSame(charts.get(0), b.charts().get(0).chart());
        assertSame(charts.get(1), b.charts().get(1).chart());
        assertTrue(b.files().isEmpty());

        ObjectNode j = r.toJson();
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("model", "synthetic", "text", "eval_tokens", "prefill_tokens", "decode_tokens", "threads",
                "cache_mode", "variants"), keys);
        assertEquals(text().toAbsolutePath().normalize().toString(), j.get("text").asText());
        assertEquals(24, j.get("eval_tokens").asInt());
        assertEquals(1, j.get("threads").asInt());
        assertEquals(q8.meanKl(), j.at("/variants/1/mean_kl").asDouble());
        assertEquals("q8", j.at("/variants/1/weights").asText());
    }

    @Test
    void missingOrHugeTextIsRefusedBeforeAnyModelIsLoaded() throws Exception {
        assertThrows(NoSuchFileException.class, () -> new VariantsStudy().run(new VariantsStudy.Settings(gguf(),
                dir.resolve("none.txt"), options()), TaskContext.none()));
        Path huge = dir.resolve("huge.txt");
        try (var ch = java.nio.channels.FileChannel.open(huge, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'a'}), VariantsStudy.MAX_TEXT_BYTES);
        }
        assertThrows(IllegalArgumentException.class, () -> new VariantsStudy().run(new VariantsStudy.Settings(gguf(),
                huge, options()), TaskContext.none()));
        assertTrue(Files.notExists(dir.resolve("graphs")), "no graph was compiled");
    }

    private static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] - lse;
        }
        return r;
    }

    private static int argmax(float[] row) {
        int b = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[b]) {
                b = i;
            }
        }
        return b;
    }
}
