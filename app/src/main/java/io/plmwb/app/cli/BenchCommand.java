package io.plmwb.app.cli;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.experiments.bench.BenchReport;
import io.plmwb.experiments.bench.BenchStudy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench bench}: prefill/decode speed per cache mode, peak RSS, cache bytes, load-to-first-token of the
 * compiled model, and the machine's read bandwidth and GEMM rate with the limits they imply ({@link BenchStudy}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks a checkpoint per KV-cache mode: prefill and decode tokens/s, ms/token, peak RSS "
                + "(VmHWM), cache bytes, load-to-first-token of the already compiled graph; then measures the "
                + "machine's memory read bandwidth (Java, no ORT) and fp32 GEMM rate (ORT) and reports the "
                + "bandwidth-bound decode limit and the fraction of it (and of the GEMM peak) reached.",
            "Compiles the graphs first when they are not cached (reported as such). Run it on an idle machine."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder or .gguf file")
    Path model;

    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "N", description = "prefill length (128)")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "64", paramLabel = "N", description = "timed decode steps (64)")
    int decodeTokens;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.fixed(2);

    @Option(names = "--modes", split = ",", paramLabel = "MODE,...",
            description = "cache modes (default: latent,expanded for MLA models, expanded otherwise)")
    List<String> modes;

    @Option(names = "--context", defaultValue = "0", paramLabel = "N",
            description = "also time decode with the cache filled to N tokens")
    int context;

    @Option(names = "--prefill-runs", defaultValue = "2", paramLabel = "N", description = "prefill repeats (best counts)")
    int prefillRuns;

    @Option(names = "--bandwidth-mib", defaultValue = "2048", paramLabel = "MIB",
            description = "bytes the bandwidth probe reads per pass (2048 MiB)")
    long bandwidthMib;

    @Option(names = "--gemm-size", defaultValue = "2048", paramLabel = "N", description = "GEMM probe size N³ (2048)")
    int gemmSize;

    @Option(names = "--skip-machine", description = "skip the bandwidth and GEMM probes")
    boolean skipMachine;

    @Option(names = "--paired-blocks", defaultValue = "4", paramLabel = "N",
            description = "after the plain decode, N blocks of 16 decode steps each followed at once by the ORT GEMV "
                    + "bandwidth probe, so each block is compared with the bandwidth of that moment (4; 0: off; "
                    + "skipped with --skip-machine)")
    int pairedBlocks;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        List<CacheMode> modeList = new ArrayList<>();
        for (String m : modes == null ? List.<String>of() : modes) {
            modeList.add(CacheMode.parse(m));
        }
        int limit = BenchStudy.Settings.contextLimit(promptTokens, context, decodeTokens);
        BenchStudy.Settings settings = new BenchStudy.Settings(loadOptions.settings(model, threads.get(), null, limit),
                promptTokens, decodeTokens, modeList, context, prefillRuns, bandwidthMib, gemmSize, skipMachine,
                pairedBlocks);
        BenchReport report = new BenchStudy().run(settings,
                new CliMessages(spec.commandLine().getErr(), "workbench bench: "));
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            out.println(CliJson.pretty(report.toJson()));
        } else {
            out.print(report.text());
        }
        out.flush();
        return 0;
    }
}
