package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.rounds.ImportIssue;
import io.plmwb.experiments.rounds.NativeRoundsFormat;
import io.plmwb.experiments.rounds.PromptSet;
import io.plmwb.experiments.rounds.RefinementGenerator;
import io.plmwb.experiments.rounds.RefinementStep;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundFormatException;
import io.plmwb.experiments.rounds.RoundPrompt;
import io.plmwb.experiments.rounds.SelectionRule;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench rounds generate}: one round of self-refinement with a model, saved as plmwb rounds JSONL. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates a round by self-refinement: per prompt the direct answer (k = 0) and K refinements "
                + "(each prompted with the refinement template and the previous answer), every step scored by its "
                + "length-normalised log-likelihood under the model (mean_logprob), then a chosen/rejected pair picked "
                + "by the selection rule. Saved as plmwb rounds JSONL (docs/formats/rounds-jsonl.md).",
            "Templates: {instruction} and {previous} are replaced; \\n in the option value is a newline."})
public final class RoundsGenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder")
    Path model;

    @Option(names = "--prompts", required = true, paramLabel = "FILE",
            description = "one instruction per line (# comments), or JSONL with 'instruction' [, 'id', 'dataset']")
    Path prompts;

    @Option(names = "--steps", defaultValue = "2", paramLabel = "K", description = "refinement steps (default 2)")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the JSONL file to write")
    Path out;

    @Option(names = "--answer-template", paramLabel = "TEXT",
            description = "prompt of the direct answer (default: \"{instruction}\\n\")")
    String answerTemplate = RefinementGenerator.DEFAULT_ANSWER_TEMPLATE;

    @Option(names = "--template", paramLabel = "TEXT",
            description = "refinement template (default: \"{instruction}\\n{previous}\\nAnd again, more plainly:\\n\")")
    String refineTemplate = RefinementGenerator.DEFAULT_REFINE_TEMPLATE;

    @Option(names = "--rule", defaultValue = "mean_logprob", paramLabel = "RULE",
            description = "selection rule: mean_logprob, last_answering[:MIN_WORDS] or score:COLUMN (default "
                    + "${DEFAULT-VALUE})")
    String rule;

    @Option(names = "--max-tokens", defaultValue = "48", paramLabel = "N", description = "tokens per answer (48)")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default)")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "sampling seed (0)")
    long seed;

    @Option(names = "--round-name", paramLabel = "NAME", description = "the round's name (default: round N)")
    String roundName;

    @Option(names = "--round-index", defaultValue = "0", paramLabel = "N", description = "the round number (0)")
    int roundIndex;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--overwrite", description = "replace --out if it exists")
    boolean overwrite;

    @Option(names = "--append", description = "add the round to an existing plmwb rounds file (its round number "
            + "must be new)")
    boolean append;

    @Option(names = "--json", description = "print a JSON summary")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        List<Round> existing = new ArrayList<>();
        if (append && Files.exists(out)) {
            try {
                io.plmwb.experiments.rounds.ImportResult r = NativeRoundsFormat.read(out);
                if (!r.issues().isEmpty()) {
                    throw new BadInputException("--append: " + r.issues().get(0)
                            + " (fix the file first; it is not rewritten)");
                }
                existing.addAll(r.rounds());
            } catch (RoundFormatException e) {
                throw new BadInputException("--append: " + e.getMessage());
            }
            if (existing.stream().anyMatch(r -> r.index() == roundIndex)) {
                throw new BadInputException("--append: " + out + " already has round " + roundIndex);
            }
        } else if (!overwrite && Files.exists(out)) {
            throw new BadInputException(out + " exists (use --overwrite to replace it, or --append)");
        }
        SelectionRule selection = SelectionRule.parse(rule);
        RefinementGenerator.Settings settings = new RefinementGenerator.Settings(
                roundName != null ? roundName : "round " + roundIndex, roundIndex, steps,
                answerTemplate.replace("\\n", "\n"), refineTemplate.replace("\\n", "\n"), maxTokens, temperature, seed,
                selection);
        List<ImportIssue> issues = new ArrayList<>();
        List<PromptSet.Prompt> list;
        try {
            list = PromptSet.read(prompts, issues);
        } catch (RoundFormatException e) {
            throw new BadInputException(e.getMessage());
        }
        PrintWriter pw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        issues.forEach(i -> err.println("workbench rounds generate: warning: " + i));
        ModelLoader.Options load = loadOptions.apply(ModelLoader.Options.defaults(), threads)
                .withCache(GraphCache.atDefaultLocation());
        CliProgress loading = new CliProgress(err, "load");
        LoadedModel m;
        try {
            m = ModelLoader.load(model, load, loading);
        } finally {
            loading.done();
        }
        Round round;
        long t0 = System.nanoTime();
        try (m) {
            if (m.synthetic()) {
                err.println("workbench rounds generate: SYNTHETIC checkpoint (random weights): the text is noise");
            }
            CliProgress progress = new CliProgress(err, "rounds generate");
            try {
                round = RefinementGenerator.generate(m, list, settings, progress);
            } finally {
                progress.done();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        existing.add(round);
        NativeRoundsFormat.write(out, existing, overwrite || append);
        if (json) {
            ObjectNode o = CliJson.object();
            o.put("out", out.toString());
            o.put("round", round.name());
            o.put("index", round.index());
            o.put("prompts", round.prompts().size());
            o.put("steps", steps);
            o.put("rule", selection.name());
            o.put("seconds", Math.round(seconds * 100) / 100.0);
            ArrayNode ps = o.putArray("pairs");
            for (RoundPrompt p : round.prompts()) {
                ObjectNode po = ps.addObject();
                po.put("id", p.id());
                po.put("steps", p.steps().size());
                if (p.pair() != null) {
                    po.put("chosen", p.pair().chosenStep());
                    po.put("rejected", p.pair().rejectedStep());
                } else {
                    po.putNull("chosen");
                    po.putNull("rejected");
                }
                ArrayNode lp = po.putArray("mean_logprob");
                for (RefinementStep s : p.steps()) {
                    Double v = s.score(SelectionRule.MEAN_LOGPROB);
                    if (v == null) {
                        lp.addNull();
                    } else {
                        lp.add(v);
                    }
                }
            }
            pw.println(CliJson.pretty(o));
        } else {
            long pairs = round.prompts().stream().filter(p -> p.pair() != null).count();
            pw.printf("wrote %s: %d prompts × %d steps, %d pairs by %s, %.1f s%n", out, round.prompts().size(),
                    steps + 1, pairs, selection.name(), seconds);
        }
        pw.flush();
        return 0;
    }
}
