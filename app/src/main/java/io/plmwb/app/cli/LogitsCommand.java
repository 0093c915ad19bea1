package io.plmwb.app.cli;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.experiments.bench.LogitsReport;
import io.plmwb.experiments.bench.LogitsStudy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench logits}: logits of token ids through the ONNX graph (latent or expanded KV cache). */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Runs token ids from position 0 through the model's ONNX graph (built once and cached) and "
                + "writes the logits as raw little-endian float32 [position][vocab]; optionally compares them with "
                + "a reference file (max abs diff, argmax agreement).")
public final class LogitsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder or .gguf file")
    Path model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,ID,...", description = "token ids")
    int[] ids;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "KV cache: latent (MLA only) or expanded (default: latent for PLM, expanded otherwise)")
    String mode;

    @Option(names = "--incremental", description = "feed one id at a time through the KV cache (default: one prefill)")
    boolean incremental;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "logits output file (.f32)")
    Path out;

    @Option(names = "--reference", paramLabel = "FILE", description = "reference logits (.f32) to compare with")
    Path reference;

    @Option(names = "--tolerance", paramLabel = "X",
            description = "with --reference: exit 1 when the max abs diff exceeds X")
    Double tolerance;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @Option(names = "--weights", paramLabel = "f32|q8|q4",
            description = "graph weights: f32 (default: dequantized for .gguf files) or 8/4-bit MatMulNBits")
    String weights = "f32";

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CacheMode cacheMode = mode == null ? null : CacheMode.parse(mode);
        LogitsStudy.Settings settings = new LogitsStudy.Settings(model, ids, cacheMode, incremental, out,
                overwrite.on(), reference, threads.get(), weights);
        LogitsReport report = new LogitsStudy().run(settings,
                new CliMessages(spec.commandLine().getErr(), "workbench logits: "));
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            pw.println(CliJson.pretty(report.toJson()));
        } else {
            pw.print(report.text());
        }
        pw.flush();
        var cmp = report.compared();
        if (cmp.isPresent() && tolerance != null && !(cmp.get().maxAbsDiff() <= tolerance)) {
            spec.commandLine().getErr().printf("workbench logits: max abs diff %.3e exceeds --tolerance %.3e%n",
                    cmp.get().maxAbsDiff(), tolerance);
            return WorkbenchCli.FAILURE;
        }
        return 0;
    }
}
