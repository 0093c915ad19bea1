package io.plmwb.experiments.schedule;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.logs.LogFormatException;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Training logs read once per file version: a log is read again only when the file it came from changed size or
 * modification time. The Schedules workspace re-runs its study on every edit; the CLI reads each log once anyway and
 * uses {@link #none()}. Thread-safe.
 */
public final class TrainingLogCache {

    private record Entry(TrainingLog log, long size, FileTime modified) {
    }

    private final Map<Path, Entry> entries;

    /** A cache that keeps what it reads. */
    public TrainingLogCache() {
        this(new ConcurrentHashMap<>());
    }

    private TrainingLogCache(Map<Path, Entry> entries) {
        this.entries = entries;
    }

    /** A "cache" that reads every time. */
    public static TrainingLogCache none() {
        return new TrainingLogCache(null);
    }

    /** The log at {@code path} (a file or run folder), from the cache while its file is unchanged. */
    public TrainingLog read(Path path, TaskContext ctx) throws IOException, LogFormatException {
        Path key = path.toAbsolutePath().normalize();
        Entry cached = entries == null ? null : entries.get(key);
        if (cached != null && unchanged(cached)) {
            return cached.log();
        }
        TrainingLog log = TrainingLogs.read(path, ctx);
        if (entries != null && log.source() != null && Files.isRegularFile(log.source())) {
            entries.put(key, new Entry(log, Files.size(log.source()), Files.getLastModifiedTime(log.source())));
        }
        return log;
    }

    private static boolean unchanged(Entry e) {
        try {
            return Files.size(e.log().source()) == e.size()
                    && Files.getLastModifiedTime(e.log().source()).equals(e.modified());
        } catch (IOException gone) {
            return false;
        }
    }
}
