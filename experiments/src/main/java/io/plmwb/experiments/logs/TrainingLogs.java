package io.plmwb.experiments.logs;

import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Reads any supported training log: picks the {@link TrainingLogReader} for a file, or the log inside a run folder. */
public final class TrainingLogs {

    /** The readers in the order they are asked (the specific JSON formats before JSONL and CSV). */
    public static final List<TrainingLogReader> READERS = List.of(new TensorBoardEventReader(),
            new TrainerStateReader(), new JsonlLogReader(), new CsvLogReader());

    private TrainingLogs() {
    }

    /** Reads a log file, or the preferred log in a run folder ({@link #findLog}). */
    public static TrainingLog read(Path path) throws IOException, LogFormatException {
        return read(path, TaskContext.none());
    }

    public static TrainingLog read(Path path, TaskContext context) throws IOException, LogFormatException {
        Path file = Files.isDirectory(path) ? findLog(path) : path;
        if (!Files.isRegularFile(file)) {
            throw new LogFormatException(file, "does not exist or is not a file");
        }
        byte[] head = head(file);
        for (TrainingLogReader r : READERS) {
            if (r.accepts(file, head)) {
                return r.read(file, context);
            }
        }
        throw new LogFormatException(file, "is not a training log the workbench reads (.csv/.tsv tables, .jsonl, "
                + "trainer_state.json, TensorBoard events.out.tfevents.* files)");
    }

    /** True when some reader takes this file (by name and first bytes). */
    public static boolean isLog(Path file) {
        try {
            byte[] head = head(file);
            return READERS.stream().anyMatch(r -> r.accepts(file, head));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The log of a run folder: training_log.csv, else trainer_state.json, else a *.jsonl, else the newest
     * events.out.tfevents.* file, else any .csv.
     */
    public static Path findLog(Path dir) throws IOException, LogFormatException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        String[][] prefs = {{"training_log.csv"}, {"trainer_state.json"}, {".jsonl"}, {"tfevents"}, {".csv", ".tsv"}};
        for (String[] pref : prefs) {
            Path best = null;
            for (Path f : files) {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                for (String p : pref) {
                    if (n.equals(p) || (p.startsWith(".") && n.endsWith(p)) || (p.equals("tfevents") && n.contains(p))) {
                        best = f; // sorted: the last match is the newest tfevents file
                    }
                }
            }
            if (best != null) {
                return best;
            }
        }
        throw new LogFormatException(dir, "holds no training log (training_log.csv, trainer_state.json, *.jsonl, "
                + "events.out.tfevents.*, *.csv)");
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4096);
        }
    }
}
