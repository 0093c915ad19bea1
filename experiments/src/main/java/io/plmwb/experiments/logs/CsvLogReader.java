package io.plmwb.experiments.logs;

import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * CSV and TSV logs: wide tables (a step column and one column per metric, e.g. the bundled
 * {@code training_log.csv}) and the long {@code Wall time,Step,Value} exports of TensorBoard and W&B (one tag per
 * file, named after the file). The delimiter (comma, tab, semicolon) comes from the header; a column is text when
 * most of its first 200 non-empty cells are not numbers. Bad lines are skipped with a warning naming the line.
 *
 * <p>Parsing works on the file's bytes with a fast exact number parser ({@link FastNumbers}); a 1,000,000-step log
 * loads well within the 3 s target (see docs/benchmarks.md, {@code workbench bench-logs}).
 */
public final class CsvLogReader implements TrainingLogReader {

    /** Files larger than this are refused (a log of 1e7 steps and 10 columns is about 1 GB). */
    static final long MAX_BYTES = 1_500_000_000L;

    private static final Set<String> STEP_NAMES = Set.of("step", "steps", "global_step", "_step", "iteration",
            "iter", "iterations", "train/global_step", "trainer/global_step");
    private static final int TYPE_SAMPLE = 200;
    /** The longest header or data line read (200,000 columns of 40 characters). */
    static final int MAX_LINE_BYTES = 8 << 20;

    @Override
    public String format() {
        return "csv";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".tsv") || n.endsWith(".txt");
    }

    @Override
    public TrainingLog read(Path file, TaskContext ctx) throws IOException, LogFormatException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new LogFormatException(file, "is " + size / 1_000_000 + " MB; logs over "
                    + MAX_BYTES / 1_000_000 + " MB are not read");
        }
        byte[] b = Files.readAllBytes(file);
        return parse(b, file, runName(file), ctx);
    }

    /** The run name of a log file: its folder for training_log.csv-like names, else the file name without extension. */
    static String runName(Path file) {
        String n = file.getFileName().toString();
        String stem = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null && (stem.equalsIgnoreCase("training_log")
                || stem.equalsIgnoreCase("log") || stem.equalsIgnoreCase("metrics") || stem.equals("trainer_state")
                || n.startsWith("events.out.tfevents"))) {
            return parent.getFileName().toString();
        }
        return stem;
    }

    TrainingLog parse(byte[] b, Path file, String name, TaskContext ctx) throws LogFormatException {
        int pos = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            pos = 3; // UTF-8 byte-order mark
        }
        int lineNo = 1;
        // skip blank lines and '#' comments before the header
        while (pos < b.length) {
            int end = lineEnd(b, pos);
            if (end > pos && !(b[pos] == '#') && !isBlank(b, pos, end)) {
                break;
            }
            pos = next(b, end);
            lineNo++;
        }
        if (pos >= b.length) {
            throw new LogFormatException(file, "is empty: no header line");
        }
        int headerEnd = lineEnd(b, pos);
        if (headerEnd - pos > MAX_LINE_BYTES) {
            throw new LogFormatException(file, "line " + lineNo + ": the header line is " + (headerEnd - pos)
                    + " bytes long; a log's lines are at most " + MAX_LINE_BYTES + " bytes (is this a CSV log?)");
        }
        String headerText = new String(b, pos, headerEnd - pos, StandardCharsets.UTF_8);
        byte delim = delimiter(headerText);
        List<String> header = new ArrayList<>();
        int[] cells = new int[2 * (headerText.length() + 2)];
        int nh = split(b, pos, headerEnd, delim, cells);
        for (int c = 0; c < nh; c++) {
            header.add(unquote(new String(b, cells[2 * c], cells[2 * c + 1] - cells[2 * c], StandardCharsets.UTF_8)));
        }
        int headerLine = lineNo;
        pos = next(b, headerEnd);
        lineNo++;
        int cols = header.size();
        if (cols < 2) {
            throw new LogFormatException(file, "line " + headerLine + ": the header has " + cols + " column ('"
                    + abbreviate(headerText.strip()) + "'); a log needs a step column and at least one metric, separated by "
                    + "commas or tabs");
        }
        List<String> lower = header.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        boolean longForm = cols == 3 && lower.contains("step") && lower.contains("value")
                && (lower.contains("wall time") || lower.contains("wall_time") || lower.contains("walltime"));
        int stepCol = -1;
        for (int c = 0; c < cols && stepCol < 0; c++) {
            if (STEP_NAMES.contains(lower.get(c))) {
                stepCol = c;
            }
        }
        List<String> warnings = new ArrayList<>();
        int[] suppressed = {0};
        if (stepCol < 0) {
            warn(warnings, suppressed, "no step column (step, global_step, iteration, …); rows are numbered from 1");
        }
        // Tablesaw checks each added column against every name so far (quadratic): keep the first MAX_COLUMNS
        boolean[] skip = new boolean[cols];
        int kept = 0;
        for (int c = 0; c < cols; c++) {
            skip[c] = c != stepCol && kept++ >= TrainingLog.MAX_COLUMNS;
        }
        if (kept > TrainingLog.MAX_COLUMNS) {
            warn(warnings, suppressed, "the header has " + cols + " columns; only the first "
                    + TrainingLog.MAX_COLUMNS + " metrics are read");
        }
        // types from a sample of rows
        boolean[] text = new boolean[cols];
        int[] seen = new int[cols];
        int[] words = new int[cols];
        int p = pos;
        int sampled = 0;
        while (p < b.length && sampled < TYPE_SAMPLE) {
            int end = lineEnd(b, p);
            if (!isBlank(b, p, end)) {
                int n = split(b, p, end, delim, cells = grow(cells, cols));
                if (n == cols) {
                    for (int c = 0; c < cols && !skip[c]; c++) {
                        double v = FastNumbers.parse(b, cells[2 * c], cells[2 * c + 1]);
                        if (FastNumbers.isNotANumber(v)) {
                            words[c]++;
                        }
                        if (!Double.isNaN(v) || FastNumbers.isNotANumber(v)) {
                            seen[c]++;
                        }
                    }
                    sampled++;
                }
            }
            p = next(b, end);
        }
        for (int c = 0; c < cols; c++) {
            text[c] = words[c] > 0 && 2 * words[c] > seen[c]; // mostly words: a text column; else stray words are gaps
        }
        if (stepCol >= 0 && text[stepCol]) {
            throw new LogFormatException(file, "the step column '" + header.get(stepCol) + "' holds text, not step "
                    + "numbers");
        }
        int cap = Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8, (b.length - pos) / Math.max(2, 2 * cols)));
        cap = Math.min(cap, 1 << 16);
        double[][] num = new double[cols][];
        String[][] str = new String[cols][];
        for (int c = 0; c < cols; c++) {
            if (skip[c]) {
                continue;
            }
            if (text[c]) {
                str[c] = new String[cap];
            } else {
                num[c] = new double[cap];
            }
        }
        double[] steps = new double[cap];
        int rows = 0;
        int lines = 0;
        while (pos < b.length) {
            int end = lineEnd(b, pos);
            if (end - pos > MAX_LINE_BYTES) {
                warn(warnings, suppressed, "line " + lineNo + ": " + (end - pos) + " bytes long (more than "
                        + MAX_LINE_BYTES + "); line skipped");
            } else if (!isBlank(b, pos, end) && b[pos] != '#') {
                cells = grow(cells, cols);
                int n = split(b, pos, end, delim, cells);
                if (n != cols) {
                    warn(warnings, suppressed, "line " + lineNo + ": " + n + " cells, but the header has " + cols
                            + "; line skipped");
                } else {
                    double step;
                    if (stepCol >= 0) {
                        step = FastNumbers.parse(b, cells[2 * stepCol], cells[2 * stepCol + 1]);
                    } else {
                        step = rows + 1;
                    }
                    if (Double.isNaN(step)) {
                        warn(warnings, suppressed, "line " + lineNo + ": no step number ('"
                                + cell(b, cells, stepCol) + "'); line skipped");
                    } else {
                        if (rows == steps.length) {
                            int nc = (int) Math.min(Integer.MAX_VALUE - 8, rows * 2L);
                            steps = Arrays.copyOf(steps, nc);
                            for (int c = 0; c < cols; c++) {
                                if (skip[c]) {
                                    continue;
                                }
                                if (text[c]) {
                                    str[c] = Arrays.copyOf(str[c], nc);
                                } else {
                                    num[c] = Arrays.copyOf(num[c], nc);
                                }
                            }
                        }
                        steps[rows] = step;
                        for (int c = 0; c < cols; c++) {
                            if (skip[c]) {
                                continue;
                            }
                            if (text[c]) {
                                str[c][rows] = cell(b, cells, c);
                            } else {
                                double v = FastNumbers.parse(b, cells[2 * c], cells[2 * c + 1]);
                                if (FastNumbers.isNotANumber(v)) {
                                    warn(warnings, suppressed, "line " + lineNo + ", column '" + header.get(c) + "': '"
                                            + cell(b, cells, c) + "' is not a number; left as a gap");
                                    v = Double.NaN;
                                }
                                num[c][rows] = v;
                            }
                        }
                        rows++;
                    }
                }
            }
            pos = next(b, end);
            lineNo++;
            if ((++lines & 0xFFFF) == 0) {
                ctx.checkCancelled();
                ctx.progress(pos, b.length);
            }
        }
        if (rows == 0) {
            throw new LogFormatException(file, "has a header (" + String.join(", ", header) + ") but no data rows");
        }
        int[] order = order(steps, rows);
        if (order != null) {
            warn(warnings, suppressed, (rows - order.length) + " repeated or out-of-order steps (a resumed run?): "
                    + "sorted by step, the later value of a repeated step kept");
        }
        int outRows = order == null ? rows : order.length;
        Table table = Table.create(name, DoubleColumn.create(TrainingLog.STEP, pick(steps, order, outRows)));
        Set<String> names = new HashSet<>(List.of(TrainingLog.STEP));
        List<Column<?>> columns = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            if (c == stepCol || skip[c]) {
                continue;
            }
            String colName = header.get(c).strip();
            if (longForm) {
                String l = lower.get(c);
                colName = l.equals("value") ? tagName(file) : "wall_time";
            }
            colName = TrainingLog.uniqueName(colName, c + 1, names);
            if (text[c]) {
                String[] s = new String[outRows];
                for (int i = 0; i < outRows; i++) {
                    s[i] = str[c][order == null ? i : order[i]];
                }
                columns.add(StringColumn.create(colName, s));
            } else {
                columns.add(DoubleColumn.create(colName, pick(num[c], order, outRows)));
            }
        }
        table.addColumns(columns.toArray(Column<?>[]::new));
        if (suppressed[0] > 0) {
            warnings.add("… and " + suppressed[0] + " more");
        }
        return new TrainingLog(name, file, longForm ? "csv (Wall time,Step,Value)" : delim == '\t' ? "tsv" : "csv",
                table, warnings);
    }

    /** The tag of a long-format export: "run-x-tag-train_loss.csv" gives train_loss, else the file stem. */
    static String tagName(Path file) {
        String n = file.getFileName().toString();
        String stem = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
        int t = stem.indexOf("-tag-");
        return t >= 0 ? stem.substring(t + 5) : stem;
    }

    /** Null when the steps already ascend strictly, else the row order: by step, the last row of each step. */
    private static int[] order(double[] steps, int rows) {
        boolean ok = true;
        for (int i = 1; i < rows && ok; i++) {
            ok = steps[i] > steps[i - 1];
        }
        if (ok) {
            return null;
        }
        Integer[] idx = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            int c = Double.compare(steps[x], steps[y]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[rows];
        int n = 0;
        for (int i = 0; i < rows; i++) {
            if (i + 1 < rows && steps[idx[i + 1]] == steps[idx[i]]) {
                continue; // a later row has the same step
            }
            out[n++] = idx[i];
        }
        return Arrays.copyOf(out, n);
    }

    private static double[] pick(double[] a, int[] order, int n) {
        if (order == null) {
            return Arrays.copyOf(a, n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[order[i]];
        }
        return out;
    }

    private static void warn(List<String> warnings, int[] suppressed, String w) {
        if (warnings.size() < 20) {
            warnings.add(w);
        } else {
            suppressed[0]++;
        }
    }

    private static String cell(byte[] b, int[] cells, int c) {
        if (c < 0) {
            return "";
        }
        return unquote(new String(b, cells[2 * c], cells[2 * c + 1] - cells[2 * c], StandardCharsets.UTF_8));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "…";
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1);
        }
        return t;
    }

    private static byte delimiter(String header) {
        long tabs = header.chars().filter(ch -> ch == '\t').count();
        long commas = header.chars().filter(ch -> ch == ',').count();
        long semis = header.chars().filter(ch -> ch == ';').count();
        if (tabs > 0 && tabs >= commas) {
            return '\t';
        }
        if (semis > commas) {
            return ';';
        }
        return ',';
    }

    private static int[] grow(int[] cells, int cols) {
        return cells.length >= 2 * (cols + 1) ? cells : new int[2 * (cols + 1)];
    }

    /** Splits [from, to) into cells (start, end pairs), honouring double quotes; returns the count (capped). */
    private static int split(byte[] b, int from, int to, byte delim, int[] cells) {
        int max = cells.length / 2;
        int n = 0;
        int start = from;
        boolean quoted = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (c == delim && !quoted) {
                if (n < max) {
                    cells[2 * n] = start;
                    cells[2 * n + 1] = i;
                }
                n++;
                start = i + 1;
            }
        }
        int end = to;
        if (end > start && b[end - 1] == '\r') {
            end--;
        }
        if (n < max) {
            cells[2 * n] = start;
            cells[2 * n + 1] = end;
        }
        return n + 1;
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int next(byte[] b, int lineEnd) {
        return Math.min(b.length, lineEnd + 1);
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
