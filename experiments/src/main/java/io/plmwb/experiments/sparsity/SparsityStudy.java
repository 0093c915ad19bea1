package io.plmwb.experiments.sparsity;

import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Sparsity workspace's workflow: side A (and optionally B) captured through the in-graph probes — prompts run on
 * a checkpoint, a saved result reopened, or a result kept from an earlier report — gives a {@link SparsityReport}
 * that recomputes every view at any ε and P. The probed session of the last checkpoint run stays open for the next
 * run on it (one at a time); {@link #close()} closes it. Runs one at a time (thread-safe).
 */
public final class SparsityStudy implements Study<SparsityStudy.Settings, SparsityReport>, AutoCloseable {

    /** Where a side's prompts come from: a typed prompt, a prompt file (batch), or A's prompts again. */
    public record Prompts(String text, Path file, boolean sameAsA) {
        public Prompts {
            int given = (text != null ? 1 : 0) + (file != null ? 1 : 0) + (sameAsA ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("prompts: exactly one of a text, a file or A's prompts");
            }
            if (text != null && text.isBlank()) {
                throw new IllegalArgumentException("the prompt is empty");
            }
        }

        public static Prompts text(String text) {
            return new Prompts(Objects.requireNonNull(text, "text"), null, false);
        }

        /** Every prompt of a TXT/JSONL file ({@link PromptFileReader}). */
        public static Prompts file(Path file) {
            return new Prompts(null, Objects.requireNonNull(file, "file"), false);
        }

        /** Side A's prompts (for B only): the same prompts through another model. */
        public static Prompts ofA() {
            return new Prompts(null, null, true);
        }
    }

    /** One side of a study. */
    public sealed interface Side permits Run, Saved, Kept {
    }

    /** Prompts run through a checkpoint (folder or .gguf) with the probes. */
    public record Run(Path checkpoint, Prompts prompts) implements Side {
        public Run {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(prompts, "prompts");
        }
    }

    /** A saved result ({@link SparsityResultFile}). */
    public record Saved(Path file) implements Side {
        public Saved {
            Objects.requireNonNull(file, "file");
        }
    }

    /** A result already at hand (an earlier report's side), used as it is. */
    public record Kept(SparsityResult result, Path checkpoint) implements Side {
        public Kept {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * What to capture and how.
     *
     * @param a        side A
     * @param b        side B (compare), or null
     * @param generate tokens to generate (greedy) after each prompt and capture too; 0 for prompts only
     * @param chunk    prefill chunk in tokens (≥ 1)
     * @param load     how checkpoints are loaded (threads, memory guard, weights)
     * @param epsilon  the ε of the report's initial selection (snapped down to the grid), ≥ 0
     * @param percent  the hot/cold P of the initial selection, 0–100
     */
    public record Settings(Side a, Side b, int generate, int chunk, ModelLoader.Options load, double epsilon,
                           double percent) {
        public Settings {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(load, "load");
            if (a instanceof Run r && r.prompts().sameAsA()) {
                throw new IllegalArgumentException("side A needs its own prompts");
            }
            if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("epsilon must be a number ≥ 0");
            }
            if (generate < 0 || chunk < 1 || !(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("generate ≥ 0, chunk ≥ 1, P 0–100 %");
            }
        }

        /** Side A only, prompts only, default chunk, ε = 0, P = 90 %. */
        public static Settings of(Side a, ModelLoader.Options load) {
            return new Settings(a, null, 0, SparsityProbeRunner.DEFAULT_CHUNK, load, 0, 90);
        }

        public Settings withB(Side side) {
            return new Settings(a, side, generate, chunk, load, epsilon, percent);
        }

        public Settings withGenerate(int tokens) {
            return new Settings(a, b, tokens, chunk, load, epsilon, percent);
        }

        public Settings withChunk(int tokens) {
            return new Settings(a, b, generate, tokens, load, epsilon, percent);
        }

        public Settings withSelection(double eps, double p) {
            return new Settings(a, b, generate, chunk, load, eps, p);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closeRequested;
    private SparsityProbeRunner runner;
    private Path runnerCheckpoint;
    private ModelLoader.Options runnerOptions;

    @Override
    public SparsityReport run(Settings s, TaskContext ctx) throws Exception {
        lock.lock();
        try {
            SparsityResult a = resolve(s.a(), null, s, ctx);
            SparsityResult b = s.b() == null ? null : resolve(s.b(), a, s, ctx);
            return new SparsityReport(a, checkpointOf(s.a()), b, s.b() == null ? null : checkpointOf(s.b()),
                    s.epsilon(), s.percent());
        } finally {
            lock.unlock();
            if (closeRequested) {
                close(); // asked for while this run was using the session
            }
        }
    }

    private SparsityResult resolve(Side side, SparsityResult a, Settings s, TaskContext ctx) throws Exception {
        if (side instanceof Kept k) {
            return k.result();
        }
        if (side instanceof Saved saved) {
            ctx.message("Reading " + saved.file().getFileName());
            return SparsityResultFile.read(saved.file());
        }
        Run run = (Run) side;
        List<String> prompts;
        String source;
        if (run.prompts().sameAsA()) {
            prompts = promptsOf(a);
            source = a.source();
        } else if (run.prompts().file() != null) {
            prompts = PromptFileReader.read(run.prompts().file());
            source = run.prompts().file().getFileName().toString();
        } else {
            prompts = List.of(run.prompts().text());
            source = "prompt";
        }
        SparsityProbeRunner r = runnerFor(run.checkpoint(), s.load(), ctx);
        r.withChunkTokens(s.chunk());
        return SparsityBatchRunner.run(r, source, prompts,
                s.generate() > 0 ? GenerationOptions.greedy(s.generate()) : null, ctx);
    }

    private static Path checkpointOf(Side side) {
        if (side instanceof Run r) {
            return r.checkpoint().toAbsolutePath().normalize();
        }
        return side instanceof Kept k ? k.checkpoint() : null;
    }

    /** The prompts of a result, rebuilt from the prompt tokens where the labels are shortened. */
    static List<String> promptsOf(SparsityResult r) {
        List<String> out = new ArrayList<>();
        for (SparsityCapture c : r.captures()) {
            if (c.label().contains("…") || c.label().contains("[cut")) {
                StringBuilder b = new StringBuilder();
                for (int t = 0; t < c.promptTokens(); t++) {
                    b.append(c.tokenText(t));
                }
                out.add(b.toString());
            } else {
                out.add(c.label());
            }
        }
        return out;
    }

    /** The probed runner of a checkpoint: reused while checkpoint and options (equal records) stay the same. */
    private SparsityProbeRunner runnerFor(Path checkpoint, ModelLoader.Options options, TaskContext ctx)
            throws Exception {
        Path abs = checkpoint.toAbsolutePath().normalize();
        if (runner != null && abs.equals(runnerCheckpoint) && options.equals(runnerOptions)) {
            return runner;
        }
        closeRunner();
        runner = SparsityProbeRunner.open(abs, options, ctx);
        runnerCheckpoint = abs;
        runnerOptions = options;
        return runner;
    }

    /**
     * Closes the open probed session, if any; without waiting for a running study, which closes it when it ends
     * (cancel it to make that soon).
     */
    @Override
    public void close() {
        closeRequested = true;
        if (!lock.tryLock()) {
            return;
        }
        try {
            closeRequested = false;
            closeRunner();
        } finally {
            lock.unlock();
        }
    }

    private void closeRunner() {
        if (runner != null) {
            runner.close();
            runner = null;
            runnerCheckpoint = null;
            runnerOptions = null;
        }
    }
}
