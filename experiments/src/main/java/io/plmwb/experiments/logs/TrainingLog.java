package io.plmwb.experiments.logs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * One run's logged scalars as a Tablesaw table: a {@code step} column (ascending, unique) and one column per metric
 * (double; NaN where the run logged nothing at that step), plus text columns a CSV may carry (phase names). Which
 * columns hold the learning rate, the loss and the token count is detected from their names.
 */
public final class TrainingLog {

    /** The name of the step column. */
    public static final String STEP = "step";

    /** The most metric columns a reader builds (Tablesaw's column checks are quadratic in the column count). */
    public static final int MAX_COLUMNS = 4_096;

    /**
     * A column name not yet in {@code taken} (lower-case names; the result is added): Tablesaw trims names and
     * compares them ignoring case, so the name is trimmed, an empty one becomes "column N", and a taken one gets
     * " (N)", " (N+1)", … appended.
     */
    static String uniqueName(String name, int ordinal, java.util.Set<String> taken) {
        String base = name.trim();
        if (base.isEmpty()) {
            base = "column " + ordinal;
        }
        String n = base;
        for (int k = ordinal; !taken.add(n.toLowerCase(Locale.ROOT)); k++) {
            n = base + " (" + k + ")";
        }
        return n;
    }

    private final String name;
    private final Path source;
    private final String format;
    private final Table table;
    private final List<String> warnings;

    public TrainingLog(String name, Path source, String format, Table table, List<String> warnings) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = source;
        this.format = Objects.requireNonNull(format, "format");
        this.table = Objects.requireNonNull(table, "table");
        this.warnings = List.copyOf(warnings);
        if (!table.columnNames().contains(STEP)) {
            throw new IllegalArgumentException("a training log table needs a '" + STEP + "' column");
        }
    }

    /** The run name (its folder or file name). */
    public String name() {
        return name;
    }

    /** The file it was read from (null for logs built in memory). */
    public Path source() {
        return source;
    }

    /** The reader's format name. */
    public String format() {
        return format;
    }

    /** The table (do not modify). */
    public Table table() {
        return table;
    }

    /** Lines or records skipped, columns not understood, and so on (at most 20 listed, then a count). */
    public List<String> warnings() {
        return warnings;
    }

    public int rows() {
        return table.rowCount();
    }

    /** The steps, ascending. */
    public double[] steps() {
        return column(STEP);
    }

    /** The values of a numeric column (NaN = not logged at that step). */
    public double[] column(String column) {
        Column<?> c = table.column(column);
        if (c instanceof DoubleColumn d) {
            return d.asDoubleArray();
        }
        if (c instanceof NumericColumn<?> n) {
            return n.asDoubleArray();
        }
        throw new IllegalArgumentException("column '" + column + "' of " + name + " is not numeric");
    }

    /** True when the log has this column. */
    public boolean hasColumn(String column) {
        return table.columnNames().contains(column);
    }

    /** The numeric columns other than the step, in file order. */
    public List<String> metrics() {
        List<String> out = new ArrayList<>();
        for (Column<?> c : table.columns()) {
            if (c instanceof NumericColumn<?> && !c.name().equals(STEP)) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The text columns (phase names and the like). */
    public List<String> textColumns() {
        List<String> out = new ArrayList<>();
        for (Column<?> c : table.columns()) {
            if (!(c instanceof NumericColumn<?>)) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The learning-rate column: lr, learning_rate, train/lr, "learning rate", lr-… */
    public Optional<String> lrColumn() {
        return find(n -> n.equals("lr") || n.endsWith("/lr") || n.startsWith("lr-") || n.startsWith("lr_")
                || n.endsWith("_lr") || n.contains("learning_rate") || n.contains("learning rate")
                || n.contains("learning-rate"));
    }

    /** The training-loss column: train_loss, train/loss, loss, "lm loss"; not a validation loss. */
    public Optional<String> lossColumn() {
        Optional<String> train = find(n -> n.contains("loss") && n.contains("train"));
        if (train.isPresent()) {
            return train;
        }
        return find(n -> n.contains("loss") && !n.contains("val") && !n.contains("eval") && !n.contains("test"));
    }

    /** A validation-loss column (val_loss, eval_loss, val/loss). */
    public Optional<String> valLossColumn() {
        return find(n -> n.contains("loss") && (n.contains("val") || n.contains("eval")));
    }

    /** The token-count column: tokens, train/tokens, num_input_tokens_seen, consumed_tokens, … */
    public Optional<String> tokensColumn() {
        return find(n -> n.equals("tokens") || n.endsWith("/tokens") || n.contains("tokens_seen")
                || n.contains("consumed_tokens") || n.contains("num_tokens") || n.contains("total_tokens")
                || n.equals("token"));
    }

    /** The data-phase column of the bundled logs (data_phase, epoch). */
    public Optional<String> dataPhaseColumn() {
        return find(n -> n.equals("data_phase") || n.equals("phase") || n.endsWith("/data_phase"));
    }

    private Optional<String> find(java.util.function.Predicate<String> test) {
        for (String m : metrics()) {
            if (test.test(m.toLowerCase(Locale.ROOT))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "TrainingLog[" + name + ", " + format + ", " + rows() + " steps, " + metrics() + "]";
    }
}
