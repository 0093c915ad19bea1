package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.sparsity.PromptFileReader;
import io.plmwb.experiments.sparsity.SparsityReport;
import io.plmwb.experiments.sparsity.SparsityStudy;
import io.plmwb.experiments.study.BundleWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench sparsity}: MLP activation sparsity of a prompt or a prompt file, with charts and CSVs. */
@Command(name = "sparsity", mixinStandardHelpOptions = true,
        description = {"Runs a prompt (or every prompt of a file) through the model with in-graph sparsity probes and "
                + "writes the heat map, per-layer chart and neuron histogram (PNG/SVG/PDF/CSV), the matrix and per-neuron "
                + "CSVs and the reopenable result (result.sparsity.json) into --out: the files the Sparsity "
                + "workspace's Export all writes for the same selection. With --compare-model or --compare-prompt "
                + "also side B (sparsity-heatmap-b, *-b.csv, result-b.sparsity.json) and A - B "
                + "(sparsity-difference).",
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
            description = "chart formats, comma-separated: png, svg, pdf, csv (default ${DEFAULT-VALUE}); the "
                    + "matrix/neuron CSVs and the result file are always written")
    List<String> formats;

    @CommandLine.ArgGroup(exclusive = true)
    Compare compare;

    static final class Compare {
        @Option(names = "--compare-model", paramLabel = "DIR",
                description = "side B: the same prompts through this checkpoint (folder or .gguf)")
        Path model;

        @Option(names = "--compare-prompt", paramLabel = "TEXT", description = "side B: this prompt on --model")
        String prompt;
    }

    @Option(names = "--prompt-index", defaultValue = "0", paramLabel = "I",
            description = "the prompt of a batch drawn in the heat maps (0-based, default 0)")
    int promptIndex;

    @Option(names = "--layer", defaultValue = "-1", paramLabel = "L",
            description = "layer of the neuron histogram (default: the sparsest layer at epsilon)")
    int layer;

    @Option(names = "--log-counts", description = "log count axis on the neuron histogram")
    boolean logCounts;

    @Option(names = "--generate", defaultValue = "0", paramLabel = "N",
            description = "also generate N tokens (greedy) after each prompt and capture them (default 0)")
    int generate;

    @Option(names = "--percent", defaultValue = "90", paramLabel = "P",
            description = "hot/cold budget: neurons per layer covering P %% of firings (default ${DEFAULT-VALUE})")
    double percent;

    @Option(names = "--chunk", defaultValue = "256", paramLabel = "N", description = "prefill chunk in tokens (256)")
    int chunk;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SparsityStudy.Settings settings = settings();
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        try {
            // before the model runs: the result file is always written
            AtomicFiles.refuseExisting(out.resolve(SparsityReport.RESULT_FILE).toAbsolutePath(), overwrite.on());
        } catch (AtomicFiles.TargetExistsException e) {
            throw new BadInputException(e.file() + (e.isFolder() ? " is a folder"
                    : " already exists (use --overwrite to replace it)"));
        }
        PrintWriter pw = spec.commandLine().getOut();
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "sparsity");
        SparsityReport report;
        try (SparsityStudy study = new SparsityStudy()) {
            report = study.run(settings, progress);
        } catch (PromptFileReader.PromptFileException e) {
            throw new BadInputException(e.getMessage());
        } finally {
            progress.done();
        }
        SparsityReport.Selection initial = report.initialSelection();
        SparsityReport.Selection selection = new SparsityReport.Selection(initial.epsIndex(), initial.percent(),
                promptIndex, layer, logCounts);
        List<Path> written = new BundleWriter().write(report.bundle(selection), out, wanted,
                ExportOptions.defaults().withOverwrite(overwrite.on()), TaskContext.none());
        if (json.on()) {
            ObjectNode root = report.toJson();
            ArrayNode files = root.putArray("files");
            written.forEach(p -> files.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            report.textLines(selection).forEach(pw::println);
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    /** The options as study settings; bad values are exit code 2. */
    private SparsityStudy.Settings settings() {
        LoadOptions.requireCheckpointFolder(model);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new BadInputException("--epsilon must be a number ≥ 0");
        }
        if (generate < 0 || chunk < 1 || threads.get() < 0 || !(percent >= 0 && percent <= 100)) {
            throw new BadInputException("--generate ≥ 0, --chunk ≥ 1, --threads ≥ 0, --percent 0–100");
        }
        if (promptIndex < 0 || layer < -1) {
            throw new BadInputException("--prompt-index ≥ 0, --layer ≥ 0");
        }
        if (input.prompt != null && input.prompt.isBlank()) {
            throw new BadInputException("--prompt is empty");
        }
        SparsityStudy.Prompts prompts = input.prompts != null ? SparsityStudy.Prompts.file(input.prompts)
                : SparsityStudy.Prompts.text(input.prompt);
        ModelLoader.Options load = loadOptions.apply(ModelLoader.Options.defaults(), threads.get());
        SparsityStudy.Settings s = new SparsityStudy.Settings(new SparsityStudy.Run(model, prompts), null, generate,
                chunk, load, epsilon, percent);
        if (compare != null && compare.model != null) {
            LoadOptions.requireCheckpointFolder(compare.model);
            s = s.withB(new SparsityStudy.Run(compare.model, SparsityStudy.Prompts.ofA()));
        } else if (compare != null) {
            if (compare.prompt.isBlank()) {
                throw new BadInputException("--compare-prompt is empty");
            }
            s = s.withB(new SparsityStudy.Run(model, SparsityStudy.Prompts.text(compare.prompt)));
        }
        return s;
    }
}
