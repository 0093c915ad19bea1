package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.Study;
import io.plmwb.experiments.variants.VariantsReport;
import io.plmwb.experiments.variants.VariantsStudy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench variants}: the same model at fp32 / 8-bit / 4-bit side by side. */
@Command(name = "variants", mixinStandardHelpOptions = true,
        description = {"Compare a model at fp32, 8-bit and 4-bit weights: file and graph bytes, resident memory, "
                + "prefill and decode tokens/s, and quality against fp32 on held-out text (mean KL of the next-token "
                + "distributions, top-1 agreement, perplexity).",
            "A checkpoint folder is quantized to Q8_0/Q4_0 GGUF files once (as `quantize` does, cached under "
                + "~/.cache/plm-workbench/variants); a .gguf file is run dequantized (fp32) and quantized."})
public final class VariantsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR|FILE.gguf", description = "model to compare")
    Path model;

    @Option(names = "--bits", split = ",", defaultValue = "8,4", paramLabel = "8,4",
            description = "quantized widths to compare with fp32 (default ${DEFAULT-VALUE})")
    List<Integer> bits;

    @Option(names = "--text", paramLabel = "FILE",
            description = "held-out text (default: datasets/heldout/kjv-jonah.txt, a book no bundled model saw)")
    Path text;

    @Option(names = "--tokens", defaultValue = "256", paramLabel = "N",
            description = "held-out tokens to score (default ${DEFAULT-VALUE}, capped by the context)")
    int tokens;

    @Option(names = "--prefill", defaultValue = "128", paramLabel = "N",
            description = "tokens in the timed prefill (default ${DEFAULT-VALUE})")
    int prefill;

    @Option(names = "--decode", defaultValue = "32", paramLabel = "N",
            description = "greedy tokens in the timed decode (default ${DEFAULT-VALUE})")
    int decode;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads;

    @Option(names = {"--chart-out", "--out"}, paramLabel = "DIR",
            description = "also export both charts (PNG, SVG, PDF, CSV) into DIR (existing files are never touched)")
    Path chartOut;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The study run (tests replace it to give both surfaces one report). */
    Study<VariantsStudy.Settings, VariantsReport> study = new VariantsStudy();

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        for (int b : bits) {
            if (b != 8 && b != 4) {
                throw new BadInputException("--bits takes 8 and/or 4, got " + b);
            }
        }
        if (tokens < 2 || prefill < 1 || decode < 1) {
            throw new BadInputException("--tokens must be ≥ 2, --prefill and --decode ≥ 1");
        }
        Path textFile = text != null ? text : VariantsStudy.defaultText();
        if (!Files.isRegularFile(textFile)) {
            throw new BadInputException(textFile + " does not exist (give --text FILE)");
        }
        VariantsStudy.Settings settings = new VariantsStudy.Settings(model, textFile, VariantComparison.Options
                .defaults().withBits(bits).withTokens(tokens, prefill, decode).withThreads(threads));
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "variants");
        VariantsReport report;
        try {
            report = study.run(settings, progress);
        } finally {
            progress.done();
        }
        List<Path> charts = List.of();
        if (chartOut != null) {
            charts = new BundleWriter().write(report.bundle(NoSelection.ALL), chartOut,
                    ExportFormat.standard(), ExportOptions.defaults(), TaskContext.none());
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = report.toJson();
            ArrayNode files = root.putArray("chart_files");
            charts.forEach(p -> files.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            printText(pw, report.result(), textFile);
            charts.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    private static void printText(PrintWriter pw, VariantComparison.Result r, Path textFile) {
        pw.printf("%s%s: %d held-out tokens of %s, prefill %d, decode %d, %s cache, %d threads%n", r.name(),
                r.synthetic() ? " (SYNTHETIC)" : "", r.evalTokens(), textFile.getFileName(), r.prefillTokens(),
                r.decodeTokens(), r.cacheMode(), r.threads());
        pw.printf("%-6s %6s %12s %12s %11s %10s %10s %10s %9s %7s%n", "", "weights", "file MB", "graph MB",
                "RSS+ MB", "prefill/s", "decode/s", "ppl", "KL", "top-1");
        for (VariantComparison.Variant v : r.variants()) {
            pw.printf("%-6s %6s %12.1f %12.1f %11s %10.1f %10.1f %10.3f %9.5f %6.1f%%%n", v.label(), v.weights(),
                    v.fileBytes() / 1e6, v.graphBytes() / 1e6, v.residentBytes() < 0 ? "n/a"
                            : String.format("%.1f", v.residentBytes() / 1e6), v.prefillTokensPerSecond(),
                    v.decodeTokensPerSecond(), v.perplexity(), v.meanKl(), 100 * v.top1Agreement());
        }
    }
}
