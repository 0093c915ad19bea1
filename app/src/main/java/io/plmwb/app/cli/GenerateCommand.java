package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.GeneratedToken;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.TaskContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench generate}: text from a prompt, streamed as tokens arrive (or as one JSON object). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates text from a prompt with the model's ONNX graph (compiled once and cached), "
                + "streaming it to stdout as tokens arrive; --json prints one object with the tokens and timings.",
            "Temperature 0 is greedy; with a temperature, --seed makes sampling reproducible."})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder or .gguf file")
    Path model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the prompt")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "128", paramLabel = "N", description = "tokens to generate (128)")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default)")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "keep the K best tokens (0 = off)")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "nucleus probability (1 = off)")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "sampling seed (0)")
    long seed;

    @Option(names = "--chat", description = "wrap the prompt as a user turn in the ChatML template")
    boolean chat;

    @Option(names = "--stop-ids", split = ",", paramLabel = "ID,ID,...",
            description = "token ids that end generation (default: the tokenizer's <|im_end|>, <|endoftext|>, EOS)")
    int[] stopIds;

    @Option(names = "--stop", paramLabel = "TEXT", description = "a text that ends generation (repeatable)")
    List<String> stopStrings;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "KV cache: latent (MLA only) or expanded (default: latent for PLM, expanded otherwise)")
    String mode;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads;

    @Option(names = "--context", defaultValue = "0", paramLabel = "N",
            description = "context limit for prompt + generated tokens (default: the model's max_position_embeddings)")
    int context;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--json", description = "print one JSON object instead of streaming text")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        if (threads < 0 || context < 0) {
            throw new BadInputException("--threads and --context must be ≥ 0");
        }
        Set<Integer> stops = null;
        if (stopIds != null) {
            stops = new LinkedHashSet<>();
            for (int id : stopIds) {
                stops.add(id);
            }
        }
        GenerationOptions options = new GenerationOptions(maxTokens, temperature, topK, topP, seed, stops,
                stopStrings == null ? List.of() : stopStrings, chat);
        ModelLoader.Options load = loadOptions.apply(ModelLoader.Options.defaults(), threads)
                .withMode(mode == null ? null : CacheMode.parse(mode))
                .withContextLimit(context)
                .withCache(GraphCache.atDefaultLocation());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CliProgress progress = new CliProgress(err, "generate");
        LoadedModel m;
        try {
            m = ModelLoader.load(model, load, progress);
        } finally {
            progress.done();
        }
        try (m) {
            if (m.synthetic() && !json) {
                err.println("workbench generate: SYNTHETIC checkpoint (random weights): the text is noise");
                err.flush();
            }
            TokenListener listener = json ? TokenListener.none() : t -> {
                out.print(t.text());
                out.flush();
            };
            GenerationResult r = m.generator().generate(prompt, options, listener, TaskContext.none());
            if (json) {
                out.println(CliJson.pretty(toJson(m, r)));
            } else {
                // the streamed pieces may hold back an unfinished character: print what the result adds
                StringBuilder streamed = new StringBuilder();
                r.tokens().forEach(t -> streamed.append(t.text()));
                if (r.text().length() > streamed.length() && r.text().startsWith(streamed.toString())) {
                    out.print(r.text().substring(streamed.length()));
                }
                out.println();
                err.printf("workbench generate: %d prompt tokens, prefill %.1f ms, %d tokens at %.2f tokens/s "
                        + "(%s cache, %s graph), stop: %s%n", r.promptTokens(), r.prefillMs(), r.tokens().size(),
                        r.decodeTokensPerSecond(), m.cacheMode().key(),
                        m.timings().cacheHit() ? "cached" : "compiled", r.stopReason().key());
            }
            out.flush();
            err.flush();
        }
        return 0;
    }

    static ObjectNode toJson(LoadedModel m, GenerationResult r) {
        ObjectNode o = CliJson.object();
        o.put("text", r.text());
        ArrayNode tokens = o.putArray("tokens");
        for (GeneratedToken t : r.tokens()) {
            ObjectNode tn = tokens.addObject();
            tn.put("id", t.id());
            tn.put("text", t.text());
            tn.put("ms", round(t.ms()));
        }
        o.put("prefill_ms", round(r.prefillMs()));
        o.put("decode_tokens_per_second", round(r.decodeTokensPerSecond()));
        o.put("prompt_tokens", r.promptTokens());
        o.put("generated_tokens", r.tokens().size());
        o.put("stop_reason", r.stopReason().key());
        if (r.stopTokenId() != null) {
            o.put("stop_token_id", r.stopTokenId());
        } else {
            o.putNull("stop_token_id");
        }
        o.put("cache_mode", m.cacheMode().key());
        o.put("cache_bytes", r.cacheBytes());
        o.put("synthetic", m.synthetic());
        o.put("model", m.checkpoint().toString());
        o.put("threads", m.runtimeOptions().intraOpThreads());
        ObjectNode load = o.putObject("load");
        load.put("graph_cache_hit", m.timings().cacheHit());
        load.put("compile_ms", round(m.timings().compileMs()));
        load.put("session_open_ms", round(m.timings().sessionOpenMs()));
        load.put("total_ms", round(m.timings().totalMs()));
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
