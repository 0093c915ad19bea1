package io.plmwb.app.cli;

import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.experiments.rounds.RefinementGenerator;
import io.plmwb.experiments.rounds.RoundFormatException;
import io.plmwb.experiments.rounds.RoundsGenerationReport;
import io.plmwb.experiments.rounds.RoundsGenerationStudy;
import io.plmwb.experiments.rounds.SelectionRule;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Option(names = "--append", description = "add the round to an existing plmwb rounds file (its round number "
            + "must be new)")
    boolean append;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        RefinementGenerator.Settings generation = new RefinementGenerator.Settings(
                roundName != null ? roundName : "round " + roundIndex, roundIndex, steps,
                answerTemplate.replace("\\n", "\n"), refineTemplate.replace("\\n", "\n"), maxTokens, temperature,
                seed, SelectionRule.parse(rule));
        ModelSessions host = loadOptions.host(threads.get());
        RoundsGenerationStudy.Settings settings = new RoundsGenerationStudy.Settings(model, prompts, generation, out,
                overwrite.on(), append, loadOptions.spec(threads.get()));
        PrintWriter pw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CliProgress progress = new CliProgress(err, "rounds generate");
        RoundsGenerationReport report;
        try (host) {
            report = new RoundsGenerationStudy(host).run(settings, progress);
        } catch (RoundFormatException e) {
            throw new BadInputException(e.getMessage());
        } finally {
            progress.done();
        }
        report.issues().forEach(i -> err.println("workbench rounds generate: warning: " + i));
        if (report.synthetic()) {
            err.println("workbench rounds generate: SYNTHETIC checkpoint (random weights): the text is noise");
        }
        err.flush();
        pw.println(json.on() ? CliJson.pretty(report.toJson()) : report.text());
        pw.flush();
        return 0;
    }
}
