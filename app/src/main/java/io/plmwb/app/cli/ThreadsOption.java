package io.plmwb.app.cli;

import picocli.CommandLine.Option;

/**
 * {@code --threads N}: the one declaration every command that runs ONNX Runtime mixes in. The command picks the
 * default and the smallest allowed value ({@link #allCores()}: default 0 = all cores; {@link #fixed(int)}: a fixed
 * default, at least 1); a value below it is bad input (exit 2). The help text per command comes from
 * {@link OptionTexts} (key {@code mixin.threads}).
 */
public final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N", descriptionKey = "mixin.threads", description = "intra-op threads")
    Integer threads;

    private final int defaultThreads;
    private final int minimum;

    private ThreadsOption(int defaultThreads, int minimum) {
        this.defaultThreads = defaultThreads;
        this.minimum = minimum;
    }

    /** Default 0 (ONNX Runtime picks: all cores); 0 or more allowed. */
    public static ThreadsOption allCores() {
        return new ThreadsOption(0, 0);
    }

    /** Default {@code n}; 1 or more allowed. */
    public static ThreadsOption fixed(int n) {
        return new ThreadsOption(n, 1);
    }

    /** The thread count given or the command's default; below the minimum is a {@link BadInputException}. */
    public int get() {
        int t = threads == null ? defaultThreads : threads;
        if (t < minimum) {
            throw new BadInputException("--threads must be ≥ " + minimum + ", got " + t);
        }
        return t;
    }
}
