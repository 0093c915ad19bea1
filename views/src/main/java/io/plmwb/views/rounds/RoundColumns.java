package io.plmwb.views.rounds;

import io.plmwb.experiments.rounds.JudgeVerdict;
import io.plmwb.experiments.rounds.MatchedPrompt;
import io.plmwb.experiments.rounds.RefinementStep;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundPrompt;
import io.plmwb.experiments.rounds.SelectionRule;
import io.plmwb.experiments.rounds.WordDiff;
import io.plmwb.views.rounds.RoundsViewModel.Change;
import io.plmwb.views.rounds.RoundsViewModel.Column;
import io.plmwb.views.rounds.RoundsViewModel.ColumnMode;
import io.plmwb.views.rounds.RoundsViewModel.PromptRow;
import io.plmwb.views.rounds.RoundsViewModel.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the side-by-side columns show for the rounds of a report: one column per round (its answer) or the refinement
 * steps of one round, diffed word by word against the baseline column; and the per-prompt change a prompt-list row
 * reports. Screen state only; the numbers come from the report.
 *
 * @param rounds     the rounds of the report
 * @param mode       rounds or steps
 * @param stepsRound the round whose steps are the columns (clamped to the rounds)
 * @param labels     the column labels
 * @param baseline   the baseline column (clamped to the columns)
 */
record RoundColumns(List<Round> rounds, ColumnMode mode, int stepsRound, List<String> labels, int baseline) {

    /** The layout for these rounds; {@code baseline} falls back to 0 when out of range. */
    static RoundColumns of(List<Round> rounds, ColumnMode mode, int stepsRound, int baseline) {
        boolean steps = mode == ColumnMode.STEPS && !rounds.isEmpty();
        int r = rounds.isEmpty() ? 0 : Math.min(Math.max(0, stepsRound), rounds.size() - 1);
        List<String> labels = new ArrayList<>();
        if (steps) {
            for (int k = 0; k <= rounds.get(r).maxStep(); k++) {
                labels.add(rounds.get(r).name() + " · k=" + k + (k == 0 ? " (direct)" : ""));
            }
        } else {
            rounds.forEach(x -> labels.add(x.name()));
        }
        int b = baseline < 0 || baseline >= labels.size() ? 0 : baseline;
        return new RoundColumns(List.copyOf(rounds), steps ? ColumnMode.STEPS : ColumnMode.ROUNDS, r,
                List.copyOf(labels), b);
    }

    /** The steps shown in the columns for a matched prompt (null where a column has none). */
    List<RefinementStep> steps(MatchedPrompt m) {
        List<RefinementStep> out = new ArrayList<>();
        if (mode == ColumnMode.STEPS) {
            RoundPrompt p = m.in(stepsRound);
            for (int k = 0; k <= rounds.get(stepsRound).maxStep(); k++) {
                out.add(p == null ? null : p.step(k));
            }
        } else {
            for (int i = 0; i < rounds.size(); i++) {
                RoundPrompt p = m.in(i);
                out.add(p == null ? null : p.answer());
            }
        }
        return out;
    }

    /**
     * A step's score for sorting and regressions: the judge preference when there is one, else the reward, else the
     * mean log-likelihood; NaN without any.
     */
    static double score(RefinementStep s) {
        if (s == null) {
            return Double.NaN;
        }
        if (s.preference() != null) {
            return s.preference();
        }
        if (s.reward() != null) {
            return s.reward();
        }
        Double lp = s.score(SelectionRule.MEAN_LOGPROB);
        return lp == null ? Double.NaN : lp;
    }

    /** The prompt-list row of a matched prompt: does it differ, regress, and by how much against the baseline. */
    PromptRow row(int index, MatchedPrompt m) {
        List<RefinementStep> steps = steps(m);
        int b = Math.min(baseline, Math.max(0, steps.size() - 1));
        RefinementStep base = steps.isEmpty() ? null : steps.get(b);
        boolean differs = false;
        boolean regression = false;
        String first = null;
        for (RefinementStep s : steps) {
            if (s == null) {
                differs = true;
                continue;
            }
            if (first == null) {
                first = s.text();
            } else if (!first.equals(s.text())) {
                differs = true;
            }
            if (s != base && base != null && score(s) < score(base)) {
                regression = true;
            }
        }
        RefinementStep last = null;
        for (int i = steps.size() - 1; i >= 0 && last == null; i--) {
            if (i != b) {
                last = steps.get(i);
            }
        }
        double ds = base == null || last == null ? Double.NaN : score(last) - score(base);
        int dl = base == null || last == null ? 0 : last.chars() - base.chars();
        return new PromptRow(index, m.number(), m.instruction(), m.dataset(), differs, regression, ds, dl);
    }

    /** The columns of a matched prompt with their word diffs against the baseline column. */
    List<Column> columns(MatchedPrompt m) {
        List<RefinementStep> steps = steps(m);
        int b = Math.min(baseline, Math.max(0, steps.size() - 1));
        RefinementStep base = steps.isEmpty() ? null : steps.get(b);
        List<Column> out = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            RefinementStep s = steps.get(k);
            String label = k < labels.size() ? labels.get(k) : "column " + k;
            if (s == null) {
                out.add(new Column(label, k == b, true, List.of(), "", "no answer to this instruction", "", null, 0,
                        0));
                continue;
            }
            WordDiff.Result d = k == b || base == null ? null : WordDiff.diff(base.text(), s.text());
            List<Segment> ops = d == null ? List.of(new Segment(Change.SAME, s.text()))
                    : d.ops().stream().map(o -> new Segment(switch (o.kind()) {
                        case EQUAL -> Change.SAME;
                        case INSERT -> Change.INSERTED;
                        case DELETE -> Change.DELETED;
                    }, o.text())).toList();
            RoundPrompt owner = owner(m, k);
            String verdict = "";
            String rationale = null;
            JudgeVerdict v = s.verdicts().isEmpty() ? (mode == ColumnMode.ROUNDS && owner != null
                    ? owner.verdict() : null) : s.verdicts().get(0);
            if (v != null) {
                verdict = String.format(Locale.ROOT, "%s vs %s: preference %.3f (%s)", v.judge().isEmpty() ? "judge"
                        : v.judge(), v.baseline().isEmpty() ? "baseline" : v.baseline(), v.preference(), v.outcome());
                rationale = v.rationale();
            }
            out.add(new Column(label, k == b, false, ops, s.text(), stats(s, owner), verdict, rationale,
                    d == null ? 0 : d.inserted(), d == null ? 0 : d.deleted()));
        }
        return out;
    }

    private String stats(RefinementStep s, RoundPrompt owner) {
        StringBuilder st = new StringBuilder();
        st.append(String.format(Locale.ROOT, "%,d chars", s.chars()));
        if (s.tokens() != null) {
            st.append(String.format(Locale.ROOT, " · %,d tokens", s.tokens()));
        }
        s.scores().forEach((name, v) -> st.append(String.format(Locale.ROOT, " · %s %.3f", name, v)));
        if (owner != null && owner.pair() != null) {
            if (owner.pair().chosenStep() == s.k() && mode == ColumnMode.STEPS) {
                st.append(" · CHOSEN (").append(owner.pair().method()).append(')');
            } else if (owner.pair().rejectedStep() == s.k() && mode == ColumnMode.STEPS) {
                st.append(" · REJECTED (").append(owner.pair().method()).append(')');
            } else if (mode == ColumnMode.ROUNDS) {
                st.append(" · step k=").append(s.k()).append(" chosen by ").append(owner.pair().method());
            }
        }
        return st.toString();
    }

    private RoundPrompt owner(MatchedPrompt m, int column) {
        if (mode == ColumnMode.STEPS) {
            return m.in(stepsRound);
        }
        return column < rounds.size() ? m.in(column) : null;
    }
}
