package io.plmwb.views.rounds;

import io.plmwb.experiments.rounds.LengthControlled;
import io.plmwb.experiments.rounds.MatchedPrompt;
import io.plmwb.experiments.rounds.PairedComparison;
import io.plmwb.experiments.rounds.RoundStats;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.views.rounds.RoundsViewModel.StatsRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The texts the workspace shows for a report: statistics rows, paired-comparison lines and the status line. */
final class RoundsText {

    private RoundsText() {
    }

    static StatsRow statsRow(RoundStats s) {
        LengthControlled lc = s.lengthControlled();
        return new StatsRow(s.index() + ": " + s.round(), s.nTotal() + " / " + s.prompts(),
                s.judged() ? f2(s.winRate()) + " ± " + f2(s.standardError()) : "—",
                s.judged() ? "[" + f2(s.ciLow()) + ", " + f2(s.ciHigh()) + "]" : "—",
                s.judged() ? s.nWins() + " / " + s.nWinsBase() + " / " + s.nDraws() : "—",
                s.judged() ? f2(s.discreteWinRate()) : "—",
                String.format(Locale.ROOT, "%,d", s.avgLengthInt()),
                Double.isNaN(s.avgTokens()) ? "—" : String.format(Locale.ROOT, "%.1f", s.avgTokens()),
                lc == null ? "—" : f2(lc.winRate()));
    }

    /** One line per paired comparison, or a hint when there is one round. */
    static List<String> pairedLines(List<PairedComparison> paired) {
        List<String> lines = new ArrayList<>();
        paired.forEach(p -> lines.add(pairedLine(p)));
        if (lines.isEmpty()) {
            lines.add("One round: open or generate another to compare rounds on their shared prompts.");
        }
        return lines;
    }

    static String pairedLine(PairedComparison p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.roundA()).append(" → ").append(p.roundB()).append(": ").append(p.shared())
                .append(" shared prompts");
        if (p.judged() > 0) {
            sb.append(String.format(Locale.ROOT, "; win rate %+.2f ± %.2f points (95%% bootstrap [%.2f, %.2f]); "
                            + "%s better on %d, worse on %d, equal on %d", p.meanDelta(), p.standardError(), p.ciLow(),
                    p.ciHigh(), p.roundB(), p.bBetter(), p.aBetter(), p.equal()));
        } else {
            sb.append("; no judge verdicts in both");
        }
        sb.append(String.format(Locale.ROOT, "; length %+.1f chars", p.meanLengthDelta()));
        if (p.rewarded() > 0) {
            sb.append(String.format(Locale.ROOT, "; reward %+.3f", p.meanRewardDelta()));
        }
        return sb.toString();
    }

    /** Rounds, prompts, judged rounds, problems and the tokenizer of the lengths. */
    static String status(RoundsReport r) {
        int judged = (int) r.stats().stream().filter(RoundStats::judged).count();
        return String.format(Locale.ROOT, "%d round(s), %d prompts (%d in every round), %d judged round(s)%s",
                r.rounds().size(), r.comparison().prompts().size(), r.comparison().shared().size(), judged,
                r.issues().isEmpty() ? "" : " — " + r.issues().size() + " problem(s), see Problems")
                + (r.tokenizer() == null ? "" : " · lengths in " + r.tokenizer() + " tokens");
    }

    /** The heading of the selected prompt: number, instruction and dataset. */
    static String instruction(MatchedPrompt m) {
        return m.number() + ". " + m.instruction() + (m.dataset().isEmpty() ? "" : "   [" + m.dataset() + "]");
    }

    /** Import problems (file:line: message) and unmatched-instruction reports. */
    static List<String> problems(RoundsReport r) {
        List<String> out = new ArrayList<>();
        r.issues().forEach(i -> out.add(i.toString()));
        r.comparison().unmatchedReport().forEach(s -> out.add("Unmatched — " + s));
        return out;
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }
}
