package io.plmwb.experiments.variants;

import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Models workspace's variant comparison and {@code workbench variants}: reads the held-out text and runs
 * {@link VariantComparison} (which quantizes a checkpoint folder once and loads each variant in turn).
 */
public final class VariantsStudy implements Study<VariantsStudy.Settings, VariantsReport> {

    /** The bundled held-out text, relative to the project folder. */
    public static final Path DEFAULT_TEXT = Path.of("datasets", "heldout", "kjv-jonah.txt");
    /** The largest held-out text read. */
    public static final long MAX_TEXT_BYTES = 64L * 1024 * 1024;

    /**
     * What to compare.
     *
     * @param model   a checkpoint folder or a .gguf file
     * @param text    the held-out text file
     * @param options widths, token counts, threads, work folder and graph cache
     */
    public record Settings(Path model, Path text, VariantComparison.Options options) {
        public Settings {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(options, "options");
        }
    }

    private final io.plmwb.engine.runtime.ModelSessions host;

    /** Each run on a host of its own made from the options (their threads and graph cache; the CLI, tests). */
    public VariantsStudy() {
        this.host = null;
    }

    /** Sessions leased from {@code host} (its threads unless the options name some, its graph cache). */
    public VariantsStudy(io.plmwb.engine.runtime.ModelSessions host) {
        this.host = java.util.Objects.requireNonNull(host, "host");
    }

    /**
     * The bundled held-out text under {@code -Dplmwb.home} (the launcher sets it), else in the working folder or its
     * parent; the first candidate when none exists.
     */
    public static Path defaultText() {
        String home = System.getProperty("plmwb.home");
        List<Path> candidates = new ArrayList<>();
        if (home != null) {
            candidates.add(Path.of(home).resolve(DEFAULT_TEXT));
        }
        candidates.add(DEFAULT_TEXT);
        candidates.add(Path.of("..").resolve(DEFAULT_TEXT));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(candidates.get(0));
    }

    /**
     * @throws NoSuchFileException      the held-out text does not exist
     * @throws IllegalArgumentException the held-out text is larger than {@link #MAX_TEXT_BYTES}
     */
    @Override
    public VariantsReport run(Settings s, TaskContext ctx) throws Exception {
        Path text = s.text();
        if (!Files.isRegularFile(text)) {
            throw new NoSuchFileException(text.toAbsolutePath().normalize().toString(), null,
                    "the held-out text does not exist");
        }
        if (Files.size(text) > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException(text + " is larger than 64 MB; give a smaller held-out text");
        }
        String heldOut = Files.readString(text, StandardCharsets.UTF_8);
        return new VariantsReport(s, host == null ? VariantComparison.run(s.model(), heldOut, s.options(), ctx)
                : VariantComparison.run(host, s.model(), heldOut, s.options(), ctx));
    }
}
