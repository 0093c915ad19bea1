package io.plmwb.views.models;

import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.experiments.models.ModelInfoReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text of the Models workspace's cards, formatted from a {@link ModelInfoReport}. */
final class ModelCards {

    private ModelCards() {
    }

    static List<ModelsViewModel.Row> configRows(ModelConfig c) {
        List<ModelsViewModel.Row> rows = new ArrayList<>();
        rows.add(row("Family", c.family().name().toLowerCase(Locale.ROOT) + " (model_type " + c.modelType() + ")"));
        rows.add(row("Layers", Integer.toString(c.numLayers())));
        rows.add(row("Hidden / MLP", c.hiddenSize() + " / " + c.intermediateSize() + " (" + c.hiddenAct() + ")"));
        if (c.family().isMla()) {
            rows.add(row("Attention", "MLA, " + c.numHeads() + " heads, latent " + c.kvLoraRank()
                    + ", q/k " + c.qkNopeHeadDim() + "+" + c.qkRopeHeadDim() + ", v " + c.vHeadDim()));
            rows.add(row("Query compression", c.qLoraRank() == null ? "none (full q_proj)" : "rank " + c.qLoraRank()));
        } else {
            rows.add(row("Attention", (c.numKvHeads() == c.numHeads() ? "MHA, " : "GQA, ") + c.numHeads()
                    + " heads / " + c.numKvHeads() + " KV heads × " + c.headDim()
                    + (c.attentionBias() ? ", q/k/v bias" : "")));
        }
        rows.add(row("Vocabulary", String.format("%,d", c.vocabSize())));
        rows.add(row("Context", String.format("%,d", c.maxPositionEmbeddings()) + " (RoPE θ "
                + (long) c.ropeTheta() + (c.ropeInterleave() ? ", interleaved pairs)" : ", halves)")));
        rows.add(row("Embeddings", c.tieWordEmbeddings() ? "tied to the output head" : "separate output head"));
        rows.add(row("Stored dtype", c.torchDtype()));
        return rows;
    }

    static List<ModelsViewModel.Row> paramRows(ModelInfoReport r) {
        long total = r.totalParameters();
        List<ModelsViewModel.Row> rows = new ArrayList<>();
        rows.add(row("Total", count(total)));
        for (String name : List.of("Embedding", "LM head", "Attention", "MLP", "Norms")) {
            r.components().stream().filter(c -> c.name().equals(name)).findFirst().ifPresent(c -> rows.add(
                    row(name.equals("LM head") ? "Output head" : name, count(c.parameters())
                            + pct(c.parameters(), total))));
        }
        rows.add(row("Per layer", count(r.perBlock())));
        rows.add(row("Weights bf16 / fp32", mib(r.weightBytes(StorageType.BF16)) + " / "
                + mib(r.weightBytes(StorageType.FP32))));
        return rows;
    }

    static List<ModelsViewModel.KvRow> kvRows(ModelInfoReport r) {
        List<ModelsViewModel.KvRow> rows = new ArrayList<>();
        for (ModelInfoReport.KvFigures k : r.kv()) {
            rows.add(new ModelsViewModel.KvRow(label(k.layout()), String.format("%,d", k.valuesPerTokenPerLayer()),
                    String.format("%,d", k.bytesPerToken()), mib(k.bytesAtContext())));
        }
        return rows;
    }

    private static String label(KvLayout l) {
        return Map.of(KvLayout.LATENT, "MLA latent", KvLayout.EXPANDED, "Expanded K/V",
                KvLayout.MHA, "MHA-equivalent", KvLayout.GQA, "GQA-equivalent").get(l);
    }

    static String count(long n) {
        String unit = n >= 1_000_000_000L ? String.format("%.2f B", n / 1e9)
                : n >= 1_000_000L ? String.format("%.1f M", n / 1e6)
                : n >= 1_000L ? String.format("%.1f K", n / 1e3) : Long.toString(n);
        return String.format("%,d (%s)", n, unit);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.2f GiB", bytes / (double) (1L << 30))
                : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    private static String pct(long part, long total) {
        return String.format("  · %.1f%%", 100.0 * part / total);
    }

    private static ModelsViewModel.Row row(String key, String value) {
        return new ModelsViewModel.Row(key, value);
    }
}
