package io.plmwb.app.cli;

import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.sparsity.SparsityBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench sparsity-bench}: the Sparsity workspace's speed targets, each against a baseline measured in the
 * same run — prefill of N tokens through the probed graph vs the plain graph (alternating, median of repeats), and
 * the heat-map rasterisation of a 32 × 4096 matrix vs drawing every cell.
 */
@Command(name = "sparsity-bench", mixinStandardHelpOptions = true,
        description = {"Capture overhead: prefill of --tokens random ids with the sparsity probes vs without "
                + "(same model, same ids, same chunks, alternating runs with an untimed run after each switch, "
                + "medians). Heat map: rasterising a 32 x 4096 matrix into a 1200 x 400 canvas buffer vs one "
                + "rectangle per cell (Java2D), medians. (The JavaFX canvas redraw is timed on the views side: "
                + "io.plmwb.views.sparsity.HeatmapRedrawBench.)"})
public final class SparsityBenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "checkpoint folder (omit for the heat map only)")
    Path model;

    @Option(names = "--tokens", defaultValue = "512", description = "prefill length (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--repeats", defaultValue = "5", description = "timed runs of each (default ${DEFAULT-VALUE})")
    int repeats;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @Option(names = "--chunk", defaultValue = "" + SparsityProbeRunner.DEFAULT_CHUNK,
            description = "prefill chunk of both runs (default ${DEFAULT-VALUE}, what a capture uses; 0: one call "
                    + "each)")
    int chunk;

    @Option(names = "--switch-warmup", defaultValue = "1",
            description = "untimed runs after each switch between the plain and the probed session (default "
                    + "${DEFAULT-VALUE}; 0 = strictly alternating runs, which time the other session's spinning "
                    + "ORT threads too)")
    int switchWarmup;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "also write ORT profiles of both sessions into DIR and report the probe nodes' kernel time")
    Path profile;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tokens < 1 || repeats < 1 || threads.get() < 0 || chunk < 0 || switchWarmup < 0) {
            throw new BadInputException("--tokens ≥ 1, --repeats ≥ 1, --threads ≥ 0, --chunk ≥ 0, --switch-warmup ≥ 0");
        }
        if (model != null) {
            LoadOptions.requireCheckpointFolder(model);
        }
        SparsityBench.Report report = SparsityBench.run(new SparsityBench.Settings(model, tokens, repeats, chunk,
                switchWarmup, profile, loadOptions.apply(ModelLoader.Options.defaults(), threads.get())));
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            out.println(CliJson.pretty(report.json()));
        } else {
            report.lines().forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
