package io.plmwb.engine.io;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how often this JVM has read a model metadata file (a config.json, a GGUF header, a tokenizer.json), per
 * absolute normalised path, so a test can check that opening a checkpoint reads each of them once. One small entry per
 * distinct file read.
 */
public final class FileReads {

    private static final ConcurrentHashMap<Path, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    private FileReads() {
    }

    /** Records one read of {@code file}. */
    public static void record(Path file) {
        COUNTS.computeIfAbsent(key(file), k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many times {@code file} has been read so far. */
    public static int count(Path file) {
        AtomicInteger n = COUNTS.get(key(file));
        return n == null ? 0 : n.get();
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
