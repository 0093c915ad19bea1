package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.rounds.RoundFormatException;
import io.plmwb.experiments.rounds.RoundImporters;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.experiments.rounds.RoundsStudy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --round [NAME=]PATH … [--annotations [NAME=]PATH …] [--tokenizer DIR]}: the rounds a command reads. */
public final class RoundsInputs {

    @Option(names = "--round", paramLabel = "[NAME=]PATH",
            description = "a round: plmwb rounds JSONL, an AlpacaEval folder / model_outputs.json / annotations.json, "
                    + "or Arena-Hard answer JSONL (repeatable, in round order)")
    List<String> rounds = new ArrayList<>();

    @Option(names = "--annotations", paramLabel = "[NAME=]PATH",
            description = "AlpacaEval annotations.json for the round NAME (without NAME: for the only round); "
                    + "an AlpacaEval folder's own annotations.json is used automatically")
    List<String> annotations = new ArrayList<>();

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "count answer lengths in tokens of this checkpoint's tokenizer.json as well")
    Path tokenizer;

    /**
     * The study's settings: the rounds with their annotations attached, the tokenizer and the bootstrap.
     *
     * @throws BadInputException no --round, or an --annotations NAME that no round has
     */
    RoundsStudy.Settings settings(int bootstrap, long seed) {
        if (rounds.isEmpty()) {
            throw new BadInputException("give at least one --round [NAME=]PATH");
        }
        if (bootstrap < 1 || bootstrap > RoundsStudy.Settings.MAX_BOOTSTRAP) {
            throw new BadInputException(String.format(java.util.Locale.ROOT, "--bootstrap must be 1 to %,d, got %,d",
                    RoundsStudy.Settings.MAX_BOOTSTRAP, bootstrap));
        }
        List<RoundImporters.Source> sources = new ArrayList<>();
        for (String r : rounds) {
            sources.add(RoundImporters.Source.parse(r));
        }
        for (String a : annotations) {
            RoundImporters.Source spec = RoundImporters.Source.parse(a);
            int target = -1;
            if (spec.name() == null) {
                if (sources.size() != 1) {
                    throw new BadInputException("--annotations " + a + ": name the round (NAME=PATH) when there are "
                            + sources.size() + " rounds");
                }
                target = 0;
            } else {
                for (int i = 0; i < sources.size(); i++) {
                    if (spec.name().equals(sources.get(i).name())) {
                        target = i;
                    }
                }
                if (target < 0) {
                    throw new BadInputException("--annotations " + a + ": no --round is named '" + spec.name() + "'");
                }
            }
            sources.set(target, sources.get(target).withAnnotations(spec.path()));
        }
        return new RoundsStudy.Settings(sources, tokenizer == null ? null : RoundsStudy.Tokens.load(tokenizer),
                bootstrap, seed);
    }

    /** Runs the study; a round file that yields nothing is bad input (exit 2). */
    static RoundsReport run(RoundsStudy.Settings settings) throws Exception {
        try {
            return new RoundsStudy().run(settings, TaskContext.none());
        } catch (RoundFormatException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
