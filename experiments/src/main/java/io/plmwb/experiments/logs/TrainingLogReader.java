package io.plmwb.experiments.logs;

import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one training-log format into a {@link TrainingLog}. Readers recognise their files by name and first bytes
 * ({@link #accepts}); {@link TrainingLogs#read} picks the reader. Problems with single lines or records become
 * {@link TrainingLog#warnings()}; a file with nothing usable throws {@link LogFormatException}.
 */
public interface TrainingLogReader {

    /** Short format name ("csv", "jsonl", "trainer_state", "tfevents"). */
    String format();

    /** True when this reader reads the file, judged from its name and up to 4 KiB of its start. */
    boolean accepts(Path file, byte[] head);

    /** Reads the whole file. */
    TrainingLog read(Path file, TaskContext context) throws IOException, LogFormatException;
}
