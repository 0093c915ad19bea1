package io.plmwb.experiments.latency;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown;
import io.plmwb.engine.latency.Stat;
import io.plmwb.experiments.study.StudyJson;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON and the texts of a {@link LatencyReport}. */
final class LatencyReportText {

    private LatencyReportText() {
    }

    static ObjectNode json(LatencyReport report) {
        LatencyReport.Header h = report.header();
        ObjectNode root = StudyJson.object();
        root.put("model", h.model());
        root.put("synthetic", h.synthetic());
        root.put("num_layers", h.numLayers());
        array(root.putArray("load_average_start"), h.loadAverageStart());
        report.result().ifPresent(r -> describe(root, r));
        report.contextSweep().ifPresent(c -> {
            ObjectNode dvc = root.putObject("decode_vs_context");
            dvc.put("steps", c.steps());
            dvc.put("warmup", c.warmup());
            dvc.put("threads", c.threads());
            dvc.put("method", "wall-clock per decode step without the profiler; one session per mode open at once, "
                    + "steps alternating between the modes; cache filled in chunks of " + LatencyProfiler.FILL_CHUNK
                    + "; median and min/max over the steps");
            for (Map.Entry<CacheMode, List<LatencyProfiler.Point>> e : c.byMode().entrySet()) {
                ArrayNode arr = dvc.putArray(e.getKey().key());
                for (LatencyProfiler.Point p : e.getValue()) {
                    ObjectNode o = arr.addObject();
                    o.put("context", p.x());
                    stat(o, "ms_per_token", p.ms());
                }
            }
            array(dvc.putArray("load_average_after"), c.loadAverageAfter());
        });
        report.threadSweep().ifPresent(t -> {
            ArrayNode arr = root.putArray("thread_sweep");
            for (LatencyProfiler.ThreadPoint p : t.points()) {
                ObjectNode o = arr.addObject();
                o.put("threads", p.threads());
                stat(o, "prefill_ms", p.prefill());
                stat(o, "decode_ms_per_token", p.decode());
            }
        });
        array(root.putArray("load_average_end"), h.loadAverageEnd());
        return root;
    }

    private static void array(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }

    private static void describe(ObjectNode root, LatencyResult r) {
        LatencyProfiler.Settings s = r.settings();
        root.put("mode", r.mode().key());
        root.put("threads", s.threads());
        root.put("prompt_tokens", s.promptTokens());
        root.put("decode_tokens", s.decodeTokens());
        root.put("decode_context", r.decode().context());
        root.put("repeats", s.repeats());
        root.put("warmup", s.warmup());
        root.put("statistic", "median over the repeats; *_min/*_max: the spread; decode times are per token");
        ArrayNode layers = root.putArray("layers");
        for (int i = 0; i < r.layers(); i++) {
            ObjectNode l = layers.addObject();
            l.put("layer", i);
            l.set("prefill_ms", layerJson(r.prefill().layers().get(i)));
            l.set("decode_ms", layerJson(r.decode().layers().get(i)));
        }
        ObjectNode totals = root.putObject("totals");
        totals.set("prefill", totalsJson(r.prefill()));
        totals.set("decode", totalsJson(r.decode()));
    }

    private static ObjectNode layerJson(LatencyResult.LayerTimes lt) {
        ObjectNode o = StudyJson.object();
        o.put("total", r(lt.total().median()));
        o.put("total_min", r(lt.total().min()));
        o.put("total_max", r(lt.total().max()));
        for (LayerBreakdown.Block b : LayerBreakdown.Block.values()) {
            o.put(b.key(), r(lt.blocks().get(b).median()));
        }
        return o;
    }

    private static ObjectNode totalsJson(LatencyResult.Phase p) {
        ObjectNode o = StudyJson.object();
        o.put("tokens_per_call", p.tokens());
        o.put("context", p.context());
        ObjectNode outside = o.putObject("outside_layers_ms");
        for (LayerBreakdown.Outside x : LayerBreakdown.Outside.values()) {
            outside.put(x.key(), r(p.outside().get(x).median()));
        }
        o.put("layers_plus_outside_ms", r(p.attributedMedianMs()));
        stat(o, "kernel_total_ms", p.kernelTotal());
        stat(o, "profiled_total_ms", p.profiled());
        o.put("between_kernels_ms", r(p.profiled().median() - p.kernelTotal().median()));
        o.put("kernel_share_of_profiled", r(p.kernelShare()));
        o.put("attribution_error_max", r(p.attributionError()));
        stat(o, "wall_clock_profiled_ms", p.wallProfiled());
        stat(o, "wall_clock_ms", p.wallUnprofiled());
        o.put("profiler_overhead", r(p.overhead()));
        return o;
    }

    private static void stat(ObjectNode o, String key, Stat s) {
        o.put(key, r(s.median()));
        o.put(key + "_min", r(s.min()));
        o.put(key + "_max", r(s.max()));
    }

    /** Rounded to 0.001 (the JSON's precision). */
    static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String text(LatencyReport report) {
        StringBuilder out = new StringBuilder();
        LatencyReport.Header h = report.header();
        line(out, "%s (%s%d layers), load average at start %s", h.model(), h.synthetic() ? "SYNTHETIC, " : "",
                h.numLayers(), Arrays.toString(h.loadAverageStart()).replace(" ", ""));
        report.result().ifPresent(r -> table(out, r));
        report.contextSweep().ifPresent(c -> {
            for (Map.Entry<CacheMode, List<LatencyProfiler.Point>> e : c.byMode().entrySet()) {
                for (LatencyProfiler.Point p : e.getValue()) {
                    line(out, "decode %-8s context %6d: %.3f ms/token (min %.3f, max %.3f)", e.getKey().key(), p.x(),
                            r(p.ms().median()), r(p.ms().min()), r(p.ms().max()));
                }
            }
        });
        report.threadSweep().ifPresent(t -> {
            for (LatencyProfiler.ThreadPoint p : t.points()) {
                line(out, "threads %2d: prefill %.3f ms, decode %.3f ms/token", p.threads(), r(p.prefill().median()),
                        r(p.decode().median()));
            }
        });
        return out.toString();
    }

    private static void table(StringBuilder out, LatencyResult r) {
        line(out, "%s cache, %d threads, median of %d (warm-up %d), decode at context %d", r.mode().key(),
                r.settings().threads(), r.settings().repeats(), r.settings().warmup(), r.decode().context());
        line(out, "%-6s %10s %8s %8s %8s %8s   %10s %8s %8s %8s %8s", "layer", "prefill ms", "attn", "mlp", "norms",
                "other", "decode ms", "attn", "mlp", "norms", "other");
        for (int i = 0; i < r.layers(); i++) {
            LatencyResult.LayerTimes p = r.prefill().layers().get(i);
            LatencyResult.LayerTimes d = r.decode().layers().get(i);
            line(out, "%-6d %10.3f %8.3f %8.3f %8.3f %8.3f   %10.3f %8.3f %8.3f %8.3f %8.3f", i, p.total().median(),
                    block(p, LayerBreakdown.Block.ATTENTION), block(p, LayerBreakdown.Block.MLP),
                    block(p, LayerBreakdown.Block.NORMS), block(p, LayerBreakdown.Block.OTHER), d.total().median(),
                    block(d, LayerBreakdown.Block.ATTENTION), block(d, LayerBreakdown.Block.MLP),
                    block(d, LayerBreakdown.Block.NORMS), block(d, LayerBreakdown.Block.OTHER));
        }
        for (LatencyResult.Phase p : List.of(r.prefill(), r.decode())) {
            line(out, "%s: layers+outside %.3f ms (embedding %.3f, head %.3f, other %.3f), kernels %.3f, ORT run %.3f "
                            + "(kernels %.0f%%), wall-clock profiled %.3f vs %.3f without (overhead %+.0f%%)",
                    p.name(), p.attributedMedianMs(), p.outside().get(LayerBreakdown.Outside.EMBEDDING).median(),
                    p.outside().get(LayerBreakdown.Outside.HEAD).median(),
                    p.outside().get(LayerBreakdown.Outside.OTHER).median(), p.kernelTotal().median(),
                    p.profiled().median(), 100 * p.kernelShare(), p.wallProfiled().median(),
                    p.wallUnprofiled().median(), 100 * p.overhead());
        }
    }

    private static double block(LatencyResult.LayerTimes t, LayerBreakdown.Block b) {
        return t.blocks().get(b).median();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    static String summary(LatencyResult r) {
        StringBuilder b = new StringBuilder();
        for (LatencyResult.Phase p : List.of(r.prefill(), r.decode())) {
            b.append(String.format(Locale.ROOT, "%s%s: per-layer medians + outside %.2f ms (embedding %.2f, head %.2f, "
                            + "other %.2f) · kernels %.2f (min %.2f, max %.2f) · ORT run %.2f (kernels %.0f%%) · "
                            + "wall-clock %.2f profiled vs %.2f without (overhead %+.0f%%)",
                    b.length() == 0 ? "" : "\n", p.name().equals("decode") ? "Decode at " + p.context()
                            + " (per token)" : "Prefill " + p.tokens() + " tok",
                    p.attributedMedianMs(), p.outside().get(LayerBreakdown.Outside.EMBEDDING).median(),
                    p.outside().get(LayerBreakdown.Outside.HEAD).median(),
                    p.outside().get(LayerBreakdown.Outside.OTHER).median(), p.kernelTotal().median(),
                    p.kernelTotal().min(), p.kernelTotal().max(), p.profiled().median(), 100 * p.kernelShare(),
                    p.wallProfiled().median(), p.wallUnprofiled().median(), 100 * p.overhead()));
        }
        return b.toString();
    }
}
