package io.plmwb.experiments.rounds;

import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The Refinement Rounds workflow of the GUI workspace and {@code workbench rounds}: read the round sources
 * ({@link RoundImporters}), optionally count answer lengths in tokens, match the prompts ({@link RoundComparison}),
 * compute each round's statistics and the paired B − A comparison of consecutive rounds ({@link RoundStatistics}).
 */
public final class RoundsStudy implements Study<RoundsStudy.Settings, RoundsReport> {

    /**
     * The tokenizer that counts answer lengths in tokens besides characters: a checkpoint folder (or tokenizer.json)
     * read by the study, or a tokenizer already open (the model shown in Models; not closed by the study).
     */
    public record Tokens(String name, Path dir, PlmTokenizer open) {
        public Tokens {
            Objects.requireNonNull(name, "name");
            if ((dir == null) == (open == null)) {
                throw new IllegalArgumentException("a tokenizer is either a folder to read or one already open");
            }
        }

        /** The tokenizer of this checkpoint folder or tokenizer.json, named by the folder. */
        public static Tokens load(Path dir) {
            Path abs = dir.toAbsolutePath().normalize();
            return new Tokens(abs.getFileName() == null ? abs.toString() : abs.getFileName().toString(), dir, null);
        }

        /** The tokenizer of a loaded model, named by its checkpoint (null without a model). */
        public static Tokens of(LoadedModel model) {
            if (model == null) {
                return null;
            }
            Path c = model.checkpoint();
            return of(c.getFileName() == null ? c.toString() : c.getFileName().toString(), model.tokenizer());
        }

        /** A tokenizer already open, named {@code name} in the rounds. */
        public static Tokens of(String name, PlmTokenizer tokenizer) {
            return new Tokens(name, null, Objects.requireNonNull(tokenizer, "tokenizer"));
        }
    }

    /**
     * What to read and how to compute.
     *
     * @param sources   the round sources, in round order (at least one)
     * @param tokens    the tokenizer that counts lengths in tokens, or null for characters only
     * @param bootstrap bootstrap resamples of the intervals (≥ 1)
     * @param seed      the bootstrap seed
     */
    public record Settings(List<RoundImporters.Source> sources, Tokens tokens, int bootstrap, long seed) {
        public Settings {
            sources = List.copyOf(sources);
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("give at least one round source");
            }
            if (bootstrap < 1 || bootstrap > MAX_BOOTSTRAP) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "bootstrap resamples must be 1 to %,d, was %,d", MAX_BOOTSTRAP, bootstrap));
            }
        }

        /**
         * Most bootstrap resamples: every resample's mean is kept (one double: 8 MB at this bound; 10^9 asked for
         * 8 GB and minutes of work). The interval's Monte-Carlo error at 10^6 is far below its width.
         */
        public static final int MAX_BOOTSTRAP = 1_000_000;

        /** These files or folders, one round source each, with the default bootstrap and no token counting. */
        public static Settings of(List<Path> paths) {
            return new Settings(paths.stream().map(RoundImporters.Source::of).toList(), null,
                    RoundStatistics.DEFAULT_BOOTSTRAP, RoundStatistics.DEFAULT_SEED);
        }

        public Settings withTokens(Tokens t) {
            return new Settings(sources, t, bootstrap, seed);
        }
    }

    /**
     * @throws RoundFormatException a source yields nothing usable (the message names the file)
     * @throws io.plmwb.engine.format.ModelFormatException the tokenizer folder cannot be read
     */
    @Override
    public RoundsReport run(Settings settings, TaskContext ctx) throws Exception {
        ctx.message("reading");
        ImportResult imported = RoundImporters.load(settings.sources());
        List<Round> rounds = imported.rounds();
        Tokens t = settings.tokens();
        if (t != null) {
            ctx.message("counting tokens with " + t.name());
            if (t.open() != null) {
                rounds = RoundTokens.count(rounds, t.open(), t.name(), ctx);
            } else {
                try (PlmTokenizer tok = PlmTokenizer.load(t.dir())) {
                    rounds = RoundTokens.count(rounds, tok, t.name(), ctx);
                }
            }
        }
        ctx.checkCancelled();
        ctx.message("statistics");
        RoundComparison comparison = RoundComparison.of(rounds);
        List<RoundStats> stats = new ArrayList<>();
        for (Round r : rounds) {
            ctx.checkCancelled();
            stats.add(RoundStatistics.of(r, settings.bootstrap(), settings.seed()));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            order.add(i);
        }
        List<Round> byIndex = rounds;
        order.sort(Comparator.comparingInt(i -> byIndex.get(i).index()));
        List<PairedComparison> paired = new ArrayList<>();
        for (int j = 1; j < order.size(); j++) {
            ctx.checkCancelled();
            paired.add(RoundStatistics.paired(comparison, order.get(j - 1), order.get(j), settings.bootstrap(),
                    settings.seed()));
        }
        return new RoundsReport(settings, rounds, imported.issues(), comparison, stats, paired,
                t == null ? null : t.name());
    }
}
