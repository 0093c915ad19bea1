package io.plmwb.experiments.rounds;

import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Self-refinement generation of one round ({@code workbench rounds generate} and the Rounds workspace's Generate):
 * read the prompt set, load the model, run {@link RefinementGenerator} and save the round as plmwb rounds JSONL
 * (replacing the file, or appended to the rounds already in it).
 */
public final class RoundsGenerationStudy implements Study<RoundsGenerationStudy.Settings, RoundsGenerationReport> {

    /**
     * What to generate and where.
     *
     * @param model      checkpoint folder or .gguf
     * @param prompts    one instruction per line, or JSONL ({@link PromptSet})
     * @param generation the round's name, number, steps, templates, sampling and selection rule
     * @param out        the JSONL file to write
     * @param overwrite  replace {@code out} if it exists
     * @param append     add the round to the rounds already in {@code out} (its round number must be new)
     * @param load       the session asked of the study's host; null: native mode and weights, the host's threads
     */
    public record Settings(Path model, Path prompts, RefinementGenerator.Settings generation, Path out,
                           boolean overwrite, boolean append, SessionSpec load) {
        public Settings {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(prompts, "prompts");
            Objects.requireNonNull(generation, "generation");
            Objects.requireNonNull(out, "out");
        }
    }

    private final ModelSessions host;

    /** Generates on the process-wide host ({@link ModelSessions#shared()}). */
    public RoundsGenerationStudy() {
        this(ModelSessions.shared());
    }

    /** Generates on a session leased from {@code host}. */
    public RoundsGenerationStudy(ModelSessions host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * @throws RoundFormatException the prompt file yields nothing, or {@code out} exists (no overwrite/append), or
     *                              cannot be appended to; the message names the file
     */
    @Override
    public RoundsGenerationReport run(Settings s, TaskContext ctx) throws Exception {
        List<Round> existing = existingRounds(s);
        List<ImportIssue> issues = new ArrayList<>();
        List<PromptSet.Prompt> prompts = PromptSet.read(s.prompts(), issues);
        SessionSpec load = s.load() != null ? s.load() : SessionSpec.defaults();
        ctx.message("loading " + s.model().getFileName());
        Round round;
        boolean synthetic;
        double seconds;
        try (LoadedModel m = host.lease(s.model(), load, ctx).model()) {
            synthetic = m.synthetic();
            long t0 = System.nanoTime();
            round = RefinementGenerator.generate(m, prompts, s.generation(), ctx);
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        ctx.checkCancelled();
        existing.add(round);
        NativeRoundsFormat.write(s.out(), existing, s.overwrite() || s.append());
        return new RoundsGenerationReport(s, round, existing, issues, synthetic, seconds);
    }

    private static List<Round> existingRounds(Settings s) throws RoundFormatException {
        List<Round> existing = new ArrayList<>();
        Path out = s.out();
        if (s.append() && Files.exists(out)) {
            ImportResult r = NativeRoundsFormat.read(out);
            if (!r.issues().isEmpty()) {
                ImportIssue i = r.issues().get(0);
                throw new RoundFormatException(out, "cannot append: line " + i.line() + ": " + i.message()
                        + " (fix the file first; it is not rewritten)");
            }
            existing.addAll(r.rounds());
            int index = s.generation().roundIndex();
            if (existing.stream().anyMatch(r0 -> r0.index() == index)) {
                throw new RoundFormatException(out, "cannot append: it already has round " + index);
            }
        } else if (!s.overwrite() && Files.exists(out)) {
            throw new RoundFormatException(out, "exists (allow overwriting to replace it, or append to it)");
        }
        return existing;
    }
}
