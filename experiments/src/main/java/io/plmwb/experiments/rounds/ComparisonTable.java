package io.plmwb.experiments.rounds;

import io.plmwb.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-prompt comparison table behind the side-by-side view: one row per instruction, per column (a round, or a
 * refinement step of one round) its length in characters and tokens, reward and judge preference, and the change of
 * the last column against the first. Written as CSV (RFC 4180 quoting) or GitHub Markdown.
 */
public final class ComparisonTable {

    /** A column of the table: a label and, per matched prompt, the step it shows (or null). */
    public record Column(String label, List<RefinementStep> steps) {
    }

    private final List<String> instructions;
    private final List<String> datasets;
    private final List<Column> columns;

    public ComparisonTable(List<String> instructions, List<String> datasets, List<Column> columns) {
        this.instructions = List.copyOf(instructions);
        this.datasets = List.copyOf(datasets);
        this.columns = List.copyOf(columns);
    }

    /** One column per round, showing each round's answer. */
    public static ComparisonTable byRound(RoundComparison c, List<MatchedPrompt> rows) {
        List<Column> cols = new ArrayList<>();
        for (int r = 0; r < c.rounds().size(); r++) {
            List<RefinementStep> steps = new ArrayList<>();
            for (MatchedPrompt m : rows) {
                RoundPrompt p = m.in(r);
                steps.add(p == null ? null : p.answer());
            }
            cols.add(new Column(c.rounds().get(r).name(), steps));
        }
        return new ComparisonTable(rows.stream().map(MatchedPrompt::instruction).toList(),
                rows.stream().map(MatchedPrompt::dataset).toList(), cols);
    }

    /** One column per refinement step k = 0…max of round {@code r}. */
    public static ComparisonTable bySteps(RoundComparison c, int r, List<MatchedPrompt> rows) {
        int max = c.rounds().get(r).maxStep();
        List<Column> cols = new ArrayList<>();
        for (int k = 0; k <= max; k++) {
            List<RefinementStep> steps = new ArrayList<>();
            for (MatchedPrompt m : rows) {
                RoundPrompt p = m.in(r);
                steps.add(p == null ? null : p.step(k));
            }
            cols.add(new Column(c.rounds().get(r).name() + " k=" + k, steps));
        }
        return new ComparisonTable(rows.stream().map(MatchedPrompt::instruction).toList(),
                rows.stream().map(MatchedPrompt::dataset).toList(), cols);
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("prompt", "dataset", "instruction"));
        for (Column c : columns) {
            h.add(c.label() + " chars");
            h.add(c.label() + " tokens");
            h.add(c.label() + " reward");
            h.add(c.label() + " preference");
        }
        if (columns.size() >= 2) {
            h.add("Δchars last−first");
            h.add("Δpreference last−first");
        }
        return h;
    }

    private List<List<String>> rows() {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < instructions.size(); i++) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(i + 1), datasets.get(i), instructions.get(i)));
            for (Column c : columns) {
                RefinementStep s = c.steps().get(i);
                row.add(s == null ? "" : Integer.toString(s.chars()));
                row.add(s == null || s.tokens() == null ? "" : Integer.toString(s.tokens()));
                row.add(s == null || s.reward() == null ? "" : num(s.reward()));
                row.add(s == null || s.preference() == null ? "" : num(s.preference()));
            }
            if (columns.size() >= 2) {
                RefinementStep a = columns.get(0).steps().get(i);
                RefinementStep b = columns.get(columns.size() - 1).steps().get(i);
                row.add(a == null || b == null ? "" : Integer.toString(b.chars() - a.chars()));
                row.add(a == null || b == null || a.preference() == null || b.preference() == null ? ""
                        : num(b.preference() - a.preference()));
            }
            out.add(row);
        }
        return out;
    }

    /** The table as CSV. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        appendCsv(sb, header());
        for (List<String> r : rows()) {
            appendCsv(sb, r);
        }
        return sb.toString();
    }

    /** The table as a GitHub Markdown table (instructions shortened to one line of at most 80 characters). */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        List<String> h = header();
        sb.append("| ").append(String.join(" | ", h.stream().map(ComparisonTable::md).toList())).append(" |\n");
        sb.append("|").append("---|".repeat(h.size())).append('\n');
        for (List<String> r : rows()) {
            List<String> cells = new ArrayList<>(r);
            String ins = cells.get(2).replaceAll("\\s+", " ").strip();
            cells.set(2, ins.length() > 80 ? ins.substring(0, 79) + "…" : ins);
            sb.append("| ").append(String.join(" | ", cells.stream().map(ComparisonTable::md).toList()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** Writes CSV (.csv) or Markdown (.md); refuses to replace an existing file unless {@code overwrite}. */
    public Path write(Path file, boolean overwrite) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text;
        if (name.endsWith(".csv")) {
            text = toCsv();
        } else if (name.endsWith(".md") || name.endsWith(".markdown")) {
            text = toMarkdown();
        } else {
            throw new IllegalArgumentException(file + ": the table is written as .csv or .md");
        }
        return AtomicFiles.write(file, overwrite, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends one CSV record (RFC 4180 quoting, CRLF). */
    static void appendCsv(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append("\r\n");
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
