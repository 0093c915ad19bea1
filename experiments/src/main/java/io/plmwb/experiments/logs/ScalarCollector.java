package io.plmwb.experiments.logs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Collects (step, tag, value) triples from formats that log tags separately (TensorBoard, JSONL, trainer_state) and
 * builds the wide table: one row per distinct step, NaN where a tag has no value at that step. A tag logged twice at
 * one step (a resumed run) keeps the later value.
 */
final class ScalarCollector {

    private static final int MAX_WARNINGS = 20;

    private final Map<String, Tag> tags = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private int suppressed;

    private static final class Tag {
        double[] steps = new double[64];
        double[] values = new double[64];
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
        tags.computeIfAbsent(tag, t -> new Tag()).add(step, value);
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
        Table table = Table.create(name, DoubleColumn.create(TrainingLog.STEP, steps));
        for (Map.Entry<String, Tag> e : tags.entrySet()) {
            if (e.getKey().equals(TrainingLog.STEP)) {
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
            table.addColumns(DoubleColumn.create(e.getKey(), col));
        }
        return new TrainingLog(name, source, format, table, warnings());
    }
}
