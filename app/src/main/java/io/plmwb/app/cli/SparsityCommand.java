package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.sparsity.ActivatedParams;
import io.plmwb.experiments.sparsity.HotColdBudget;
import io.plmwb.experiments.sparsity.PromptFileReader;
import io.plmwb.experiments.sparsity.SparsityBatchRunner;
import io.plmwb.experiments.sparsity.SparsityExporter;
import io.plmwb.experiments.sparsity.SparsityResult;
import io.plmwb.experiments.sparsity.SparsityResultFile;
import io.plmwb.experiments.sparsity.SparsityStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench sparsity}: MLP activation sparsity of a prompt or a prompt file, with charts and CSVs. */
@Command(name = "sparsity", mixinStandardHelpOptions = true,
        description = {"Runs a prompt (or every prompt of a file) through the model with in-graph sparsity probes and "
                + "writes the heat map, per-layer chart and neuron histogram (PNG/SVG/PDF), the matrix and per-neuron "
                + "CSVs and the reopenable result (result.sparsity.json) into --out.",
            "Zero fraction = share of a layer's MLP activations a (relu(W_up x)^2, or silu(W_gate x)*W_up x for "
                + "SwiGLU) with |a| <= epsilon; epsilon 0 counts exact zeros. SwiGLU activations are almost never "
                + "exactly zero: use --epsilon > 0 for them. Epsilon snaps down to the grid 0, 1e-3, 1e-2, "
                + "1e-1 (the values the probes count at)."})
public final class SparsityCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder")
    Path model;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "one prompt")
        String prompt;

        @Option(names = "--prompts", paramLabel = "FILE",
                description = "prompt file: TXT (one per line) or JSONL with a \"prompt\" or \"instruction\" field")
        Path prompts;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
    Path out;

    @Option(names = "--epsilon", defaultValue = "0", paramLabel = "E",
            description = "|a| <= E counts as zero (default 0: exact zeros); snapped down to the grid")
    double epsilon;

    @Option(names = "--format", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "LIST",
            description = "comma-separated: png, svg, pdf, csv (default ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--generate", defaultValue = "0", paramLabel = "N",
            description = "also generate N tokens (greedy) after each prompt and capture them (default 0)")
    int generate;

    @Option(names = "--percent", defaultValue = "90", paramLabel = "P",
            description = "hot/cold budget: neurons per layer covering P %% of firings (default ${DEFAULT-VALUE})")
    double percent;

    @Option(names = "--chunk", defaultValue = "256", paramLabel = "N", description = "prefill chunk in tokens (256)")
    int chunk;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads;

    @Option(names = "--overwrite", description = "replace existing files in --out")
    boolean overwrite;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--json", description = "print the statistics as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new BadInputException("--epsilon must be a number ≥ 0");
        }
        if (generate < 0 || chunk < 1 || threads < 0 || !(percent >= 0 && percent <= 100)) {
            throw new BadInputException("--generate ≥ 0, --chunk ≥ 1, --threads ≥ 0, --percent 0–100");
        }
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        List<String> prompts;
        String source;
        if (input.prompts != null) {
            try {
                prompts = PromptFileReader.read(input.prompts);
            } catch (PromptFileReader.PromptFileException e) {
                throw new BadInputException(e.getMessage());
            }
            source = input.prompts.getFileName().toString();
        } else {
            if (input.prompt.isBlank()) {
                throw new BadInputException("--prompt is empty");
            }
            prompts = List.of(input.prompt);
            source = "prompt";
        }
        Path resultFile = out.resolve("result" + SparsityResultFile.SUFFIX);
        if (!overwrite && java.nio.file.Files.exists(resultFile)) {
            throw new BadInputException(resultFile + " already exists (use --overwrite to replace it)");
        }
        int eps = ProbeGrid.snap(epsilon);
        PrintWriter pw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CliProgress progress = new CliProgress(err, "sparsity");
        SparsityResult result;
        ModelLoader.Options load = loadOptions.apply(ModelLoader.Options.defaults(), threads);
        try (SparsityProbeRunner runner = SparsityProbeRunner.open(model, load, progress)) {
            runner.withChunkTokens(chunk);
            result = SparsityBatchRunner.run(runner, source, prompts,
                    generate > 0 ? GenerationOptions.greedy(generate) : null, progress);
        } finally {
            progress.done();
        }
        List<Path> written = new ArrayList<>(SparsityExporter.export(result, eps, out, wanted,
                ExportOptions.defaults().withOverwrite(overwrite), io.plmwb.engine.task.TaskContext.none()));
        SparsityResultFile.write(result, resultFile, overwrite);
        written.add(resultFile.toAbsolutePath().normalize());

        SparsityStats.LayerStat[] layers = SparsityStats.perLayer(result.captures(), eps);
        double mean = SparsityStats.meanZeroFraction(layers);
        ActivatedParams act = ActivatedParams.compute(result, eps);
        HotColdBudget.Budget budget = HotColdBudget.compute(result, eps, percent);
        if (json) {
            ObjectNode root = CliJson.object();
            root.put("model", model.toAbsolutePath().normalize().toString());
            root.put("activation", result.model().activation());
            root.put("synthetic", result.model().synthetic());
            root.put("epsilon", ProbeGrid.epsilon(eps));
            root.put("epsilon_requested", epsilon);
            root.put("definition", "zero_fraction = share of a layer's " + result.model().neurons()
                    + " MLP activations with |a| <= epsilon, averaged over tokens");
            root.put("prompts", result.captures().size());
            root.put("tokens", result.totalTokens());
            root.put("mean_zero_fraction", mean);
            ArrayNode ls = root.putArray("layers");
            for (SparsityStats.LayerStat s : layers) {
                ObjectNode o = ls.addObject();
                o.put("layer", s.layer());
                o.put("zero_fraction", s.mean());
                o.put("std", s.std());
                o.put("min", s.min());
                o.put("max", s.max());
                o.put("hot_neurons", budget.layers()[s.layer()].hotNeurons());
            }
            ObjectNode a = root.putObject("activated_params");
            a.put("total", act.total());
            a.put("without_predictor", Math.round(act.withoutPredictor()));
            a.put("with_oracle_predictor", Math.round(act.withPredictor()));
            ObjectNode h = root.putObject("hot_cold");
            h.put("percent", percent);
            h.put("hot_neurons", budget.hotNeurons());
            h.put("hot_mib", budget.hotBytes() / (1 << 20));
            h.put("mlp_mib", budget.mlpBytes() / (1 << 20));
            ArrayNode files = root.putArray("files");
            written.forEach(p -> files.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            pw.printf(Locale.ROOT, "%s, %d prompt(s), %d tokens, epsilon %s%n", result.model().name(),
                    result.captures().size(), result.totalTokens(), ProbeGrid.label(eps));
            for (SparsityStats.LayerStat s : layers) {
                pw.printf(Locale.ROOT, "  layer %2d  zero fraction %.4f ± %.4f  (hot %d of %d neurons for %.0f%%)%n",
                        s.layer(), s.mean(), s.std(), budget.layers()[s.layer()].hotNeurons(),
                        result.model().neurons(), percent);
            }
            pw.printf(Locale.ROOT, "mean zero fraction %.4f%n", mean);
            pw.printf(Locale.ROOT, "activated parameters per token: %,d total, %,.0f without a predictor, %,.0f with "
                    + "a perfect predictor%n", act.total(), act.withoutPredictor(), act.withPredictor());
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }
}
