package io.plmwb.views.rounds;

import io.plmwb.experiments.rounds.MatchedPrompt;
import io.plmwb.experiments.rounds.RoundComparison;
import io.plmwb.views.rounds.RoundsViewModel.PromptRow;
import io.plmwb.views.rounds.RoundsViewModel.Sort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The prompt list of the workspace: search, dataset filter, "differ" / "regressions" filters, sorting, F8 moves. */
final class PromptList {

    /**
     * The user's filter and order.
     *
     * @param search        case-insensitive text in the instruction ("" for none)
     * @param dataset       one dataset, or {@link RoundsViewModel#ALL}
     * @param onlyDiffer    only prompts whose columns do not all have the same text
     * @param regressionsOnly only prompts where a column scores below the baseline column
     * @param sort          the order
     */
    record Filter(String search, String dataset, boolean onlyDiffer, boolean regressionsOnly, Sort sort) {
    }

    private PromptList() {
    }

    /** The rows of the prompts that pass the filter, in its order (ties in file order). */
    static List<PromptRow> rows(RoundComparison c, RoundColumns columns, Filter f) {
        if (c == null) {
            return List.of();
        }
        String q = f.search() == null ? "" : f.search().strip().toLowerCase(Locale.ROOT);
        List<PromptRow> out = new ArrayList<>();
        List<MatchedPrompt> all = c.prompts();
        for (int i = 0; i < all.size(); i++) {
            MatchedPrompt m = all.get(i);
            if (!RoundsViewModel.ALL.equals(f.dataset()) && !m.dataset().equals(f.dataset())) {
                continue;
            }
            if (!q.isEmpty() && !m.instruction().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            PromptRow r = columns.row(i, m);
            if ((f.onlyDiffer() && !r.differs()) || (f.regressionsOnly() && !r.regression())) {
                continue;
            }
            out.add(r);
        }
        Comparator<PromptRow> order = switch (f.sort() == null ? Sort.FILE_ORDER : f.sort()) {
            case FILE_ORDER -> Comparator.comparingInt(PromptRow::number);
            case SCORE_CHANGE_ASC -> Comparator.comparingDouble(r -> nanLast(r.scoreChange(), 1));
            case SCORE_CHANGE_DESC -> Comparator.comparingDouble(r -> nanLast(r.scoreChange(), -1));
            case LENGTH_CHANGE_DESC -> Comparator.comparingInt(r -> -r.lengthChange());
            case LENGTH_CHANGE_ASC -> Comparator.comparingInt(PromptRow::lengthChange);
        };
        out.sort(order.thenComparingInt(PromptRow::number));
        return out;
    }

    private static double nanLast(double v, int sign) {
        return Double.isNaN(v) ? Double.MAX_VALUE : sign * v;
    }

    /** The prompt index {@code delta} rows from {@code selected} (clamped to the list; the first row when none). */
    static int move(List<PromptRow> rows, int selected, int delta) {
        if (rows.isEmpty()) {
            return selected;
        }
        int pos = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).index() == selected) {
                pos = i;
            }
        }
        int to = pos < 0 ? 0 : Math.max(0, Math.min(rows.size() - 1, pos + delta));
        return rows.get(to).index();
    }

    /** The list's text: number, a one-line instruction and the change against the baseline. */
    static String label(PromptRow r) {
        String one = r.instruction().replaceAll("\\s+", " ").strip();
        if (one.length() > 70) {
            one = one.substring(0, 69) + "…";
        }
        String change = String.format(Locale.ROOT, "  Δlen %+d", r.lengthChange())
                + (Double.isNaN(r.scoreChange()) ? "" : String.format(Locale.ROOT, " · Δscore %+.2f",
                r.scoreChange()));
        return r.number() + ". " + one + change + (r.regression() ? "  ▼" : "");
    }

    /** "All datasets" and the datasets of the prompts, sorted. */
    static List<String> datasets(RoundComparison c) {
        TreeSet<String> ds = new TreeSet<>();
        if (c != null) {
            c.prompts().forEach(m -> {
                if (!m.dataset().isEmpty()) {
                    ds.add(m.dataset());
                }
            });
        }
        List<String> out = new ArrayList<>();
        out.add(RoundsViewModel.ALL);
        out.addAll(ds);
        return out;
    }
}
