package io.plmwb.app.cli;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import io.plmwb.experiments.rounds.ImportIssue;
import io.plmwb.experiments.rounds.ImportResult;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundFormatException;
import io.plmwb.experiments.rounds.RoundImporters;
import io.plmwb.experiments.rounds.RoundTokens;
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

    /** What was read. */
    record Loaded(List<Round> rounds, List<ImportIssue> issues) {
    }

    Loaded load() {
        if (rounds.isEmpty()) {
            throw new BadInputException("give at least one --round [NAME=]PATH");
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
        ImportResult r;
        try {
            r = RoundImporters.load(sources);
        } catch (RoundFormatException e) {
            throw new BadInputException(e.getMessage());
        }
        List<Round> out = r.rounds();
        if (tokenizer != null) {
            try (PlmTokenizer tok = PlmTokenizer.load(tokenizer)) {
                String name = tokenizer.toAbsolutePath().normalize().getFileName().toString();
                out = RoundTokens.count(out, tok, name, TaskContext.none());
            } catch (ModelFormatException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        return new Loaded(out, r.issues());
    }
}
