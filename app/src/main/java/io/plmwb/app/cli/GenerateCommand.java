package io.plmwb.app.cli;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.GeneratedToken;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.models.GenerateReport;
import io.plmwb.experiments.models.GenerateStudy;
import io.plmwb.experiments.models.ModelFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench generate}: text from a prompt ({@link GenerateStudy}), streamed as tokens arrive or as JSON. */
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

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @Option(names = "--context", defaultValue = "0", paramLabel = "N",
            description = "context limit for prompt + generated tokens (default: the model's max_position_embeddings)")
    int context;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        if (threads.get() < 0 || context < 0) {
            throw new BadInputException("--threads and --context must be ≥ 0");
        }
        Set<Integer> stops = stopIds == null ? null
                : Arrays.stream(stopIds).boxed().collect(Collectors.toCollection(LinkedHashSet::new));
        GenerationOptions options = new GenerationOptions(maxTokens, temperature, topK, topP, seed, stops,
                stopStrings == null ? List.of() : stopStrings, chat);
        GenerateStudy.Settings settings = new GenerateStudy.Settings(
                loadOptions.settings(model, threads.get(), mode == null ? null : CacheMode.parse(mode), context), prompt,
                options);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Printer printer = new Printer(out, err, json.on());
        GenerateReport r;
        try (io.plmwb.engine.runtime.ModelSessions host = loadOptions.host(threads.get())) {
            r = new GenerateStudy(host).run(settings, printer, printer);
        } finally {
            printer.endProgress();
        }
        if (json.on()) {
            out.println(CliJson.pretty(r.toJson()));
        } else {
            out.print(r.unstreamedTail());
            out.println();
            err.printf("workbench generate: %d prompt tokens, prefill %.1f ms, %d tokens at %.2f tokens/s "
                    + "(%s cache, %s graph), stop: %s%n", r.promptTokens(), r.prefillMs(), r.tokens().size(),
                    r.tokensPerSecond(), r.model().cacheMode().key(),
                    r.model().timings().cacheHit() ? "cached" : "compiled", r.stopReason().key());
        }
        out.flush();
        err.flush();
        return 0;
    }

    /**
     * The command's view of the run: load progress on stderr (generation reports no progress here), the SYNTHETIC
     * warning once loaded, and each token's text on stdout as it arrives (unless {@code --json}).
     */
    private static final class Printer implements GenerateStudy.Listener, TaskContext {
        private final PrintWriter out;
        private final PrintWriter err;
        private final boolean json;
        private final CliProgress progress;
        private boolean loading = true;

        Printer(PrintWriter out, PrintWriter err, boolean json) {
            this.out = out;
            this.err = err;
            this.json = json;
            this.progress = new CliProgress(err, "generate");
        }

        @Override
        public void progress(double done, double total) {
            if (loading) {
                progress.progress(done, total);
            }
        }

        @Override
        public void message(String message) {
            progress.message(message);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        void endProgress() {
            if (loading) {
                loading = false;
                progress.done();
            }
        }

        @Override
        public void loaded(ModelFacts m) {
            endProgress();
            if (m.synthetic() && !json) {
                err.println("workbench generate: SYNTHETIC checkpoint (random weights): the text is noise");
                err.flush();
            }
        }

        @Override
        public void onToken(GeneratedToken t) {
            if (!json) {
                out.print(t.text());
                out.flush();
            }
        }
    }
}
