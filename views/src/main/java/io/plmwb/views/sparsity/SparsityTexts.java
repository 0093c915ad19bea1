package io.plmwb.views.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.experiments.sparsity.ActivatedParams;
import io.plmwb.experiments.sparsity.HotColdBudget;
import io.plmwb.experiments.sparsity.SparsityReport;
import io.plmwb.experiments.sparsity.SparsityReport.Selection;
import io.plmwb.experiments.sparsity.SparsityReport.Which;
import io.plmwb.experiments.sparsity.SparsityResult;
import io.plmwb.experiments.sparsity.SparsityStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Sparsity workspace's texts, worded from a report (empty without one) and a selection; no numbers of their own. */
final class SparsityTexts {

    private SparsityTexts() {
    }

    static String model(String name, java.nio.file.Path folder) {
        return folder == null ? (name == null ? "No model" : name
                + " — a preset without weights: open a checkpoint folder in Models") : name + "  (" + folder + ")";
    }

    static String eps(int eps) {
        return "ε = " + ProbeGrid.label(eps) + " — an MLP activation a counts as zero when |a| ≤ ε (ε = 0: "
                + "exact zeros). ε is one of " + ProbeGrid.listing() + ", the values the probes count at; changing it "
                + "recomputes from the captured counts, the model is not run again.";
    }

    static String swigluNote(boolean gated) {
        return gated ? "SwiGLU (llama-style) activations silu(W_gate x)·(W_up x) are almost never exactly "
                + "zero, so at ε = 0 their zero fraction is ~0: raise ε to see how many are near zero. Squared-ReLU "
                + "(PLM) gives exact zeros." : "";
    }

    static String titleA(SparsityReport r, Selection sel) {
        if (r == null) {
            return "";
        }
        SparsityCapture ca = r.shown(Which.A, sel);
        return "A: " + r.a().model().name() + " — " + ca.label() + " (" + ca.tokens() + " tokens"
                + (ca.tokens() > ca.promptTokens() ? ", " + (ca.tokens() - ca.promptTokens()) + " generated" : "")
                + ")";
    }

    static String titleB(SparsityReport r, Selection sel) {
        if (r == null || !r.comparing()) {
            return "";
        }
        SparsityCapture cb = r.shown(Which.B, sel);
        return "B: " + r.b().model().name() + " — " + cb.label() + " (" + cb.tokens() + " tokens)";
    }

    static List<BudgetRow> budgetRows(SparsityReport r, Selection sel) {
        if (r == null) {
            return List.of();
        }
        SparsityStats.LayerStat[] sa = r.layerStats(Which.A, sel.epsIndex());
        List<BudgetRow> rows = new ArrayList<>();
        for (HotColdBudget.LayerBudget lb : r.budget(sel).layers()) {
            rows.add(new BudgetRow("layer " + lb.layer(), String.format(Locale.ROOT,
                    "%.3f ± %.3f", sa[lb.layer()].mean(), sa[lb.layer()].std()),
                    String.format(Locale.ROOT, "%d / %d (%.0f%%)", lb.hotNeurons(), lb.neurons(), 100 * lb.hotShare()),
                    String.format(Locale.ROOT, "%.2f MiB", lb.bytes() / (1 << 20))));
        }
        return rows;
    }

    static String budget(SparsityReport r, Selection sel) {
        if (r == null) {
            return "";
        }
        SparsityResult a = r.a();
        HotColdBudget.Budget budget = r.budget(sel);
        return String.format(Locale.ROOT, "Hot set for %.0f%% of firings (|a| > ε) over %d tokens: %,d "
                        + "neurons = %.2f MiB of %.2f MiB MLP weights (%s, %d B/param; a neuron = its W_up%s row "
                        + "and W_down column, %d values).", sel.percent(), a.totalTokens(), budget.hotNeurons(),
                budget.hotBytes() / (1 << 20), budget.mlpBytes() / (1 << 20), a.weightDtype(), a.bytesPerParam(),
                a.gated() ? "/W_gate" : "", a.paramsPerNeuron());
    }

    static String activated(SparsityReport r, Selection sel) {
        if (r == null) {
            return "";
        }
        SparsityResult a = r.a();
        ActivatedParams act = r.activated(sel);
        return String.format(Locale.ROOT, "Activated parameters per token (mean over the captured tokens): "
                        + "total %s · without a predictor %s (%.1f%%) · with a perfect predictor %s (%.1f%%). Without a "
                        + "predictor every W_up%s row must be computed and only the W_down columns of inactive neurons "
                        + "(|a| ≤ ε) are skipped; a perfect (oracle) predictor also skips their W_up%s rows. The "
                        + "predictor's own cost and errors are not counted; attention, norms and embeddings count in "
                        + "full.", count(act.total()), count(Math.round(act.withoutPredictor())),
                100 * act.withoutShare(), count(Math.round(act.withPredictor())), 100 * act.withShare(),
                a.gated() ? "/W_gate" : "", a.gated() ? "/W_gate" : "");
    }

    static String summary(SparsityReport r, Selection sel) {
        if (r == null) {
            return "";
        }
        int eps = sel.epsIndex();
        String meanB = r.comparing() ? String.format(Locale.ROOT, " · B mean %.3f", r.meanZeroFraction(Which.B, eps))
                : "";
        return String.format(Locale.ROOT, "A mean zero fraction %.3f over %d layers × %d tokens%s",
                r.meanZeroFraction(Which.A, eps), r.a().model().layers(), r.a().totalTokens(), meanB);
    }

    static String captured(SparsityResult r) {
        return String.format(Locale.ROOT, "Captured %d prompt(s), %d tokens of %s", r.captures().size(),
                r.totalTokens(), r.model().name());
    }

    private static String count(long n) {
        return n >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f B", n / 1e9)
                : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
}
