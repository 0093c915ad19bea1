package io.plmwb.experiments.logs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Collects (step, tag, value) triples from formats that log tags separately (TensorBoard, JSONL, trainer_state) and
 * builds the wide table: one row per distinct step, NaN where a tag has no value at that step. A tag logged twice at
 * one step (a resumed run) keeps the later value.
 */
final class ScalarCollector {

    private static final int MAX_WARNINGS = 20;
    /** Cells of the wide table always allowed (8 M doubles = 64 MB). */
    static final long MAX_CELLS = 8L << 20;
    /** Cells allowed per logged value beyond {@link #MAX_CELLS}. */
    static final int CELLS_PER_VALUE = 16;

    private final Map<String, Tag> tags = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private int suppressed;

    private static final class Tag {
        double[] steps = new double[4];
        double[] values = new double[4];
        int n;
        boolean sorted = true;

        void add(double step, double value) {
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            if (n > 0 && step < steps[n - 1]) {
                sorted = false;
            }
            steps[n] = step;
            values[n] = value;
            n++;
        }
    }

    void add(double step, String tag, double value) {
        // -0.0 and 0.0 are one step (Arrays.sort would order them apart while == merges them)
        tags.computeIfAbsent(tag, t -> new Tag()).add(step == 0 ? 0.0 : step, value);
    }

    void warn(String message) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(message);
        } else {
            suppressed++;
        }
    }

    boolean isEmpty() {
        return tags.isEmpty();
    }

    List<String> warnings() {
        List<String> out = new ArrayList<>(warnings);
        if (suppressed > 0) {
            out.add("… and " + suppressed + " more");
        }
        return out;
    }

    TrainingLog build(String name, Path source, String format) {
        int total = 0;
        for (Tag t : tags.values()) {
            total += t.n;
        }
        double[] all = new double[total];
        int k = 0;
        for (Tag t : tags.values()) {
            System.arraycopy(t.steps, 0, all, k, t.n);
            k += t.n;
        }
        Arrays.sort(all);
        int u = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[u - 1]) {
                all[u++] = all[i];
            }
        }
        double[] steps = Arrays.copyOf(all, u);
        Set<String> kept = densest(u, total);
        Table table = Table.create(name, DoubleColumn.create(TrainingLog.STEP, steps));
        List<DoubleColumn> columns = new ArrayList<>();
        Set<String> names = new HashSet<>(List.of(TrainingLog.STEP));
        for (Map.Entry<String, Tag> e : tags.entrySet()) {
            if (e.getKey().equals(TrainingLog.STEP) || !kept.contains(e.getKey())) {
                continue;
            }
            Tag t = e.getValue();
            double[] col = new double[u];
            Arrays.fill(col, Double.NaN);
            int j = 0;
            for (int i = 0; i < t.n; i++) {
                int row;
                if (t.sorted) {
                    while (steps[j] < t.steps[i]) {
                        j++;
                    }
                    row = j;
                } else {
                    row = Arrays.binarySearch(steps, t.steps[i]);
                }
                col[row] = t.values[i];
            }
            columns.add(DoubleColumn.create(TrainingLog.uniqueName(e.getKey(), columns.size() + 2, names), col));
        }
        table.addColumns(columns.toArray(DoubleColumn[]::new));
        return new TrainingLog(name, source, format, table, warnings());
    }

    /**
     * The tags that get a column. The wide table holds steps × tags cells; a log that names a new tag at every step
     * would need (values)² of them, so the cells are capped at {@link #MAX_CELLS} or {@link #CELLS_PER_VALUE} per
     * logged value, whichever is larger. Past the cap the tags logged at the fewest steps are left out, with a warning.
     */
    private Set<String> densest(int steps, int values) {
        long budget = Math.max(MAX_CELLS, (long) CELLS_PER_VALUE * values);
        if ((long) steps * tags.size() <= budget && tags.size() <= TrainingLog.MAX_COLUMNS) {
            return tags.keySet();
        }
        List<Map.Entry<String, Tag>> byCount = new ArrayList<>(tags.entrySet());
        byCount.sort((a, b) -> Integer.compare(b.getValue().n, a.getValue().n)); // stable: file order among equals
        int columns = (int) Math.min(TrainingLog.MAX_COLUMNS, Math.max(1, budget / Math.max(1, steps)));
        Set<String> kept = new HashSet<>();
        for (int i = 0; i < byCount.size() && kept.size() < columns; i++) {
            kept.add(byCount.get(i).getKey());
        }
        int dropped = tags.size() - kept.size();
        warnings.add(0, dropped + " of " + tags.size() + " tags left out: a table of " + steps + " steps × "
                + tags.size() + " tags would need " + (long) steps * tags.size() + " cells for " + values
                + " logged values (at most " + budget + " cells and " + TrainingLog.MAX_COLUMNS
                + " columns are built); the " + kept.size() + " tags logged at the most steps are kept");
        return kept;
    }
}
