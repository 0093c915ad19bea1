package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.synth.SyntheticCheckpoint;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench synth}: a full-shape HF checkpoint with seeded random weights, for scale and speed work. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a SYNTHETIC HF-format checkpoint (config.json marked synthetic, bf16 safetensors with "
                + "seeded random weights, a byte-level tokenizer.json) of a published architecture.",
            "For scale and speed work only: the weights are random, the text it generates is noise."})
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--preset", required = true, paramLabel = "NAME",
            description = "plm-1.8b, qwen2.5-1.5b, llama-3.2-1b")
    String preset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new or empty folder")
    Path out;

    @Option(names = "--layers", paramLabel = "N",
            description = "decoder blocks to write, ≥ 1 (omit it for all of the preset's)")
    Integer layers;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "weight seed (default 1)")
    long seed;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelConfig base = Presets.byName(preset).orElseThrow(() -> new BadInputException("unknown preset '"
                + preset + "' (known: " + String.join(", ", Presets.names()) + ")"));
        if (layers != null && layers < 1) {
            throw new BadInputException("--layers must be ≥ 1, got " + layers + " (omit --layers for all "
                    + base.numLayers() + " of the preset's layers)");
        }
        if (Files.isRegularFile(out)) {
            throw new BadInputException(out + " is a file; --out must be a new or empty folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new BadInputException(out + " is not empty; refusing to write into it (nothing was changed)");
                }
            }
        }
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "synth " + preset);
        long t0 = System.nanoTime();
        ModelConfig written;
        try {
            written = SyntheticCheckpoint.write(base, out, layers == null ? base.numLayers() : layers, seed,
                    progress);
        } finally {
            progress.done();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes = Files.size(out.resolve("model.safetensors"));
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode o = CliJson.object();
            o.put("out", out.toAbsolutePath().normalize().toString());
            o.put("preset", preset);
            o.put("layers", written.numLayers());
            o.put("seed", seed);
            o.put("synthetic", true);
            o.put("params", ArchitectureSummary.of(written).total());
            o.put("safetensors_bytes", bytes);
            o.put("seconds", seconds);
            pw.println(CliJson.pretty(o));
        } else {
            pw.printf("wrote SYNTHETIC %s checkpoint (%d layers, %,d parameters, %,d bytes) to %s in %.1f s%n",
                    preset, written.numLayers(), ArchitectureSummary.of(written).total(), bytes,
                    out.toAbsolutePath().normalize(), seconds);
        }
        pw.flush();
        return 0;
    }
}
