package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workbench info}: the architecture summary of a checkpoint or preset. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture summary: parameters (total, embedding, attention, MLP, norms, per layer), weight "
                + "bytes per dtype, KV-cache bytes per token (latent / expanded / MHA / GQA) and memory at a context.")
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

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** GGUF version, size, tensor types (count and bytes) and the weights it runs with by default. */
    private static ObjectNode ggufJson(Path file) throws io.plmwb.engine.format.ModelFormatException {
        ObjectNode g = CliJson.object();
        try (io.plmwb.engine.format.gguf.GgufFile f = io.plmwb.engine.format.gguf.GgufFile.open(file)) {
            g.put("version", f.version());
            g.put("file_bytes", f.fileSize());
            g.put("alignment", f.alignment());
            g.put("tensors", f.tensors().size());
            ObjectNode types = g.putObject("tensor_types");
            for (io.plmwb.engine.format.gguf.GgufTensor t : f.tensors().values()) {
                ObjectNode e = types.has(t.type().name()) ? (ObjectNode) types.get(t.type().name())
                        : types.putObject(t.type().name());
                e.put("count", e.path("count").asInt() + 1);
                e.put("bytes", e.path("bytes").asLong() + t.byteSize());
            }
        }
        g.put("native_weights", io.plmwb.engine.runtime.ModelLoader.nativeWeights(file));
        return g;
    }

    @Override
    public Integer call() throws Exception {
        ModelConfig config = selection.config(modelDir);
        StorageType cache = StorageType.parse(cacheDtype).orElseThrow(
                () -> new BadInputException("unknown --cache-dtype '" + cacheDtype + "'"));
        long ctx = context > 0 ? context : config.maxPositionEmbeddings();
        ArchitectureSummary s = ArchitectureSummary.of(config);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = s.toJson(cache, ctx);
            ObjectNode source = root.putObject("source");
            if (selection.preset != null) {
                source.put("preset", selection.preset);
            } else {
                source.put("model_dir", (selection.model != null ? selection.model : modelDir).toAbsolutePath()
                        .normalize().toString());
            }
            Path file = selection.model != null ? selection.model : modelDir;
            if (file != null && io.plmwb.engine.runtime.ModelFiles.isGguf(file)) {
                root.set("gguf", ggufJson(file));
            }
            out.println(CliJson.pretty(root));
        } else {
            printText(out, selection.label(modelDir), s, cache, ctx);
            Path file = selection.model != null ? selection.model : modelDir;
            if (file != null && io.plmwb.engine.runtime.ModelFiles.isGguf(file)) {
                ObjectNode g = ggufJson(file);
                out.printf("%nGGUF v%d, %,d bytes, runs with %s weights by default; tensors:", g.get("version").asInt(),
                        g.get("file_bytes").asLong(), g.get("native_weights").asText());
                g.get("tensor_types").fields().forEachRemaining(e -> out.printf(" %s × %d (%,d bytes)", e.getKey(),
                        e.getValue().get("count").asInt(), e.getValue().get("bytes").asLong()));
                out.println();
            }
        }
        out.flush();
        return 0;
    }

    private static void printText(PrintWriter out, String name, ArchitectureSummary s, StorageType cache, long ctx) {
        ModelConfig c = s.config();
        out.printf("%s — %s (model_type %s)%s%n", name, c.family().name().toLowerCase(java.util.Locale.ROOT),
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
        out.printf("  %-12s %,18d%n", "per layer", s.perLayer());
        for (Map.Entry<String, Long> e : s.perLayerTensors().entrySet()) {
            out.printf("    %-26s %,14d%n", e.getKey(), e.getValue());
        }
        out.println();
        out.println("Weights");
        for (StorageType t : new StorageType[] {StorageType.FP32, StorageType.BF16, StorageType.Q8_0,
            StorageType.Q4_0}) {
            out.printf("  %-12s %,18d bytes%n", t.label(), s.weightBytes(t));
        }
        out.println();
        out.printf("KV cache (%s)   values/token/layer   bytes/token   bytes at %,d   layout%n", cache.label(), ctx);
        for (KvLayout l : KvLayout.values()) {
            OptionalLong v = s.kvValuesPerTokenPerLayer(l);
            if (v.isPresent()) {
                out.printf("  %-12s %,20d %,13d %,17d   %s%n", l.key(), v.getAsLong(),
                        s.kvBytesPerToken(l, cache).getAsLong(), s.kvBytes(l, cache, ctx).getAsLong(),
                        l.description());
            }
        }
        ArchitectureSummary.MemoryEstimate m = s.memoryAt(ctx, StorageType.FP32, s.nativeLayout(), cache, 512);
        out.println();
        out.printf("Memory to run at %,d tokens (fp32 weights, %s cache): %,d bytes "
                + "(weights %,d + cache %,d + workspace %,d)%n", ctx, s.nativeLayout().key(), m.total(),
                m.weightBytes(), m.cacheBytes(), m.workspaceBytes());
    }

    private static void row(PrintWriter out, String k, long v, long total) {
        out.printf("  %-12s %,18d  %5.1f%%%n", k, v, 100.0 * v / total);
    }
}
