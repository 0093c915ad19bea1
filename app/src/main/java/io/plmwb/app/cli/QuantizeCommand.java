package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.checkpoint.GgufConverter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench quantize}: an HF checkpoint to an 8-bit (Q8_0) or 4-bit (Q4_0) GGUF file. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize an HF checkpoint folder into one GGUF file: every 2-D weight as Q8_0 (--bits 8) or "
                + "Q4_0 (--bits 4) in 32-value blocks (ggml's reference rounding, byte-identical to llama-quantize "
                + "without an importance matrix), norms as F32, the tokenizer as tokenizer.ggml.*.",
            "The file loads wherever a model is accepted (generate, bench, logits, variants, the GUI) and runs "
                + "quantized through ONNX Runtime's MatMulNBits; llama.cpp reads it too."})
public final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder")
    Path model;

    @Option(names = "--bits", required = true, paramLabel = "8|4", description = "8 (Q8_0) or 4 (Q4_0)")
    int bits;

    @Option(names = "--block", defaultValue = "32", paramLabel = "32",
            description = "values per quantization block (GGUF Q8_0/Q4_0 blocks are 32; other sizes are refused)")
    int block;

    @Option(names = "--out", required = true, paramLabel = "DIR|FILE.gguf",
            description = "a folder (the file is named <model>-Q8_0.gguf / -Q4_0.gguf in it) or a .gguf path; "
                    + "an existing file is never replaced")
    Path out;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (bits != 8 && bits != 4) {
            throw new BadInputException("--bits must be 8 or 4, got " + bits);
        }
        if (block != 32) {
            throw new BadInputException("--block " + block + ": GGUF Q8_0/Q4_0 (and MatMulNBits as used here) have "
                    + "32-value blocks; only 32 is supported");
        }
        LoadOptions.requireCheckpointFolder(model);
        if (!Files.isDirectory(model)) {
            throw new BadInputException(model + " is a GGUF file already; quantize takes an HF checkpoint folder");
        }
        Path file = out.getFileName().toString().endsWith(".gguf") ? out
                : out.resolve(GgufConverter.defaultFileName(model, bits));
        if (Files.exists(file)) {
            throw new BadInputException(file + " exists; refusing to overwrite it (nothing was changed)");
        }
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "quantize");
        long t0 = System.nanoTime();
        GgufConverter.Report r;
        try {
            r = GgufConverter.quantize(model, bits, file, progress);
        } finally {
            progress.done();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double maxErr = r.tensors().stream().mapToDouble(GgufConverter.TensorReport::maxAbsError).max().orElse(0);
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode o = CliJson.object();
            o.put("model", model.toAbsolutePath().normalize().toString());
            o.put("out", file.toAbsolutePath().normalize().toString());
            o.put("bits", bits);
            o.put("block", block);
            o.put("type", bits == 8 ? "Q8_0" : "Q4_0");
            o.put("file_bytes", r.fileBytes());
            o.put("source_bytes", r.sourceBytes());
            o.put("max_abs_error", maxErr);
            o.put("seconds", seconds);
            var arr = o.putArray("tensors");
            for (GgufConverter.TensorReport t : r.tensors()) {
                ObjectNode x = arr.addObject();
                x.put("name", t.name());
                x.put("type", t.type().name());
                x.put("bytes", t.bytes());
                x.put("max_abs_error", t.maxAbsError());
                x.put("rms_error", t.rmsError());
            }
            pw.println(CliJson.pretty(o));
        } else {
            pw.printf("wrote %s (%s, %,d bytes from %,d; max abs weight error %.3g) in %.1f s%n",
                    file.toAbsolutePath().normalize(), bits == 8 ? "Q8_0" : "Q4_0", r.fileBytes(), r.sourceBytes(),
                    maxErr, seconds);
        }
        pw.flush();
        return 0;
    }
}
