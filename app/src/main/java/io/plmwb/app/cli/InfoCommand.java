package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.models.GgufFacts;
import io.plmwb.experiments.models.ModelInfoReport;
import io.plmwb.experiments.models.ModelInfoStudy;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workbench info}: the architecture summary of a checkpoint or preset ({@link ModelInfoStudy}). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture summary: parameters (total, embedding, attention, MLP, norms, per layer), weight "
                + "bytes per dtype, KV-cache bytes per token (latent / expanded / MHA / GQA) and memory at a context; "
                + "--out writes the parameter charts.")
public final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL_DIR", description = "HF checkpoint folder")
    Path modelDir;

    @CommandLine.Mixin
    ModelSelection selection = new ModelSelection();

    @Option(names = "--context", paramLabel = "N", defaultValue = "-1",
            description = "context length for the memory estimate (default: the model's max_position_embeddings)")
    long context;

    @Option(names = "--cache-dtype", paramLabel = "TYPE", defaultValue = "bf16",
            description = "KV-cache dtype: fp32, bf16, fp16, fp8, q8_0 (default ${DEFAULT-VALUE})")
    String cacheDtype;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @Option(names = "--out", paramLabel = "DIR",
            description = "also write the Models workspace's charts (parameters by component and per block) here, "
                    + "as the GUI's Export all does")
    Path out;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelInfoStudy.Settings settings = selection.settings(modelDir);
        StorageType cache = StorageType.parse(cacheDtype).orElseThrow(
                () -> new BadInputException("unknown --cache-dtype '" + cacheDtype + "'"));
        ModelInfoReport report = new ModelInfoStudy().run(settings.withCache(cache, context), TaskContext.none());
        List<Path> written = out == null ? List.of() : new BundleWriter().write(report.bundle(NoSelection.ALL), out,
                files.wanted(), files.options(), TaskContext.none());
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode root = report.toJson();
            if (out != null) {
                ArrayNode list = root.putArray("files");
                written.forEach(p -> list.add(p.toString()));
            }
            pw.println(CliJson.pretty(root));
        } else {
            printText(pw, report);
            report.gguf().ifPresent(g -> printGguf(pw, g));
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    private static void printText(PrintWriter out, ModelInfoReport r) {
        ModelConfig c = r.config();
        ArchitectureSummary s = r.summary();
        out.printf("%s — %s (model_type %s)%s%n", r.name(), c.family().name().toLowerCase(Locale.ROOT),
                c.modelType(), c.synthetic() ? "  [SYNTHETIC: random weights]" : "");
        out.printf("  layers %d, hidden %d, MLP %d (%s), heads %d / KV heads %d, vocab %,d, context %,d%n",
                c.numLayers(), c.hiddenSize(), c.intermediateSize(), c.hiddenAct(), c.numHeads(), c.numKvHeads(),
                c.vocabSize(), c.maxPositionEmbeddings());
        out.println();
        out.println("Parameters");
        row(out, "total", s.total(), s.total());
        row(out, "embedding", s.embedding(), s.total());
        if (s.lmHead() > 0) {
            row(out, "lm_head", s.lmHead(), s.total());
        }
        row(out, "attention", s.attention(), s.total());
        row(out, "mlp", s.mlp(), s.total());
        row(out, "norms", s.norms(), s.total());
        out.printf("  %-12s %,18d%n", "per layer", r.perBlock());
        for (Map.Entry<String, Long> e : r.perBlockTensors().entrySet()) {
            out.printf("    %-26s %,14d%n", e.getKey(), e.getValue());
        }
        out.println();
        out.println("Weights");
        for (StorageType t : new StorageType[] {StorageType.FP32, StorageType.BF16, StorageType.Q8_0,
            StorageType.Q4_0}) {
            out.printf("  %-12s %,18d bytes%n", t.label(), r.weightBytes(t));
        }
        out.println();
        out.printf("KV cache (%s)   values/token/layer   bytes/token   bytes at %,d   layout%n", r.cacheDtype().label(),
                r.context());
        for (ModelInfoReport.KvFigures k : r.kv()) {
            out.printf("  %-12s %,20d %,13d %,17d   %s%n", k.layout().key(), k.valuesPerTokenPerLayer(),
                    k.bytesPerToken(), k.bytesAtContext(), k.layout().description());
        }
        ArchitectureSummary.MemoryEstimate m = r.memoryToRun();
        out.println();
        out.printf("Memory to run at %,d tokens (fp32 weights, %s cache): %,d bytes "
                + "(weights %,d + cache %,d + workspace %,d)%n", r.context(), s.nativeLayout().key(), m.total(),
                m.weightBytes(), m.cacheBytes(), m.workspaceBytes());
    }

    private static void printGguf(PrintWriter out, GgufFacts g) {
        out.printf("%nGGUF v%d, %,d bytes, runs with %s weights by default; tensors:", g.version(), g.fileBytes(),
                g.nativeWeights());
        g.tensorTypes().forEach((type, t) -> out.printf(" %s × %d (%,d bytes)", type, t.count(), t.bytes()));
        out.println();
    }

    private static void row(PrintWriter out, String k, long v, long total) {
        out.printf("  %-12s %,18d  %5.1f%%%n", k, v, 100.0 * v / total);
    }
}
