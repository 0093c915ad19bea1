package io.plmwb.views.kvcache;

import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.experiments.kv.KvCacheAnalysis;
import io.plmwb.experiments.kv.KvCharts;
import io.plmwb.experiments.kv.KvReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a {@link KvReport} reads on screen: the rows of the three tables and the headline texts. */
final class KvRows {

    private KvRows() {
    }

    static String headline(KvReport r) {
        return r.name() + (r.config().synthetic() ? "  (SYNTHETIC weights)" : "");
    }

    static String detail(KvReport r) {
        ModelConfig cfg = r.config();
        KvCacheAnalysis a = r.analysis();
        return String.format(Locale.ROOT, "%s · %d layers · %s · max_position_embeddings %,d · weights %s %s",
                cfg.modelType(), cfg.numLayers(),
                cfg.family().isMla() ? String.format(Locale.ROOT, "MLA latent %d + rope %d", cfg.kvLoraRank(),
                        cfg.qkRopeHeadDim()) : "GQA, " + cfg.numKvHeads() + " KV heads",
                cfg.maxPositionEmbeddings(), a.weightType().label(), gib(a.weightBytes()));
    }

    static List<KvCacheViewModel.LayoutRow> layoutRows(KvReport report) {
        List<KvCacheViewModel.LayoutRow> rows = new ArrayList<>();
        for (KvCacheAnalysis.LayoutRow r : report.rows()) {
            rows.add(new KvCacheViewModel.LayoutRow(KvCharts.label(r.layout()), String.format(Locale.ROOT, "%,d",
                    r.valuesPerTokenPerLayer()), String.format(Locale.ROOT, "%,d B", r.bytesPerTokenPerLayer()),
                    String.format(Locale.ROOT, "%,d B", r.bytesPerToken()), bytes(r.bytesAtContext()),
                    String.format(Locale.ROOT, "%.2f×", r.ratioToNative())));
        }
        return rows;
    }

    static List<KvCacheViewModel.DeviceRow> deviceRows(KvReport report) {
        List<KvCacheViewModel.DeviceRow> rows = new ArrayList<>();
        for (KvReport.DeviceFit d : report.devices()) {
            String[] cells = {"—", "—", "—", "—"};
            for (KvCacheAnalysis.Fit f : d.fits()) {
                cells[f.layout().ordinal()] = f.weightsDoNotFit() ? "weights do not fit"
                        : f.unbounded() ? "≥ 64 Mi" : String.format(Locale.ROOT, "%,d", f.maxContext());
            }
            rows.add(new KvCacheViewModel.DeviceRow(d.device().name(), String.format(Locale.ROOT, "%.2f GiB",
                    d.device().gib()), cells[0], cells[1], cells[2], cells[3]));
        }
        return rows;
    }

    static List<KvCacheViewModel.MeasuredRow> measuredRows(KvReport report) {
        List<KvCacheViewModel.MeasuredRow> rows = new ArrayList<>();
        for (KvCacheProbe.Result r : report.measured()) {
            for (KvCacheProbe.LayerRow l : r.layers()) {
                rows.add(new KvCacheViewModel.MeasuredRow(r.mode().key(), Integer.toString(l.layer()),
                        l.tensors().stream().map(t -> t.part() + " " + Arrays.toString(t.shape()))
                                .collect(Collectors.joining(", ")),
                        String.format(Locale.ROOT, "%,d B", l.measuredBytes()),
                        String.format(Locale.ROOT, "%,d B", l.analyticBytes()), l.matches() ? "match" : "MISMATCH",
                        l.matches()));
            }
        }
        return rows;
    }

    /** "folder at N tokens — latent: … measured vs … analytic at fp32 (float32) — match   ·   expanded: …". */
    static String measureSummary(String folder, KvReport report) {
        StringBuilder summary = new StringBuilder();
        int context = 0;
        for (KvCacheProbe.Result r : report.measured()) {
            context = r.context();
            if (summary.length() > 0) {
                summary.append("   ·   ");
            }
            summary.append(String.format(Locale.ROOT, "%s: %s measured vs %s analytic at %s (%s) — %s",
                    r.mode().key(), bytes(r.measuredBytes()), bytes(r.analyticBytes()), r.storage().label(),
                    r.dtype(), r.matches() ? "match" : "MISMATCH"));
        }
        return String.format(Locale.ROOT, "%s at %,d tokens — %s", folder, context, summary);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** Bytes with a binary unit that keeps three significant figures. */
    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%,.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%,.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%,.1f KiB", b / (double) (1L << 10));
        }
        return b + " B";
    }
}
