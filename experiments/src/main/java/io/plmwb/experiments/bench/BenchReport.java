package io.plmwb.experiments.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyReport;
import java.util.List;
import java.util.Locale;

/**
 * What {@link BenchStudy} measured: the JSON tree of {@code workbench bench --json} (per mode: load, prefill, decode,
 * paired blocks, load-to-first-token; the machine probes and the limits) and its text summary. No charts.
 */
public final class BenchReport implements StudyReport<NoSelection> {

    private final ObjectNode root;

    BenchReport(ObjectNode root) {
        this.root = root.deepCopy();
    }

    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of();
    }

    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.empty();
    }

    @Override
    public ObjectNode toJson() {
        return root.deepCopy();
    }

    /** The text summary: one line per mode (plus context, paired and limit lines) and the machine line. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s (%s%d layers), %d threads, load avg at start %s%n", root.get("model").asText(),
                root.get("synthetic").asBoolean() ? "SYNTHETIC, " : "", root.get("layers").asInt(),
                root.get("threads").asInt(), root.get("load_average_start").toString()));
        for (var m : root.get("modes")) {
            b.append(String.format(Locale.ROOT, "%-8s prefill %d tok: %.1f tok/s (%.1f GFLOP/s)  decode: %.2f tok/s, %.1f ms/tok"
                            + "  cache %,d B  peak RSS %.2f GiB  load→first token %.0f ms%n",
                    m.get("mode").asText(), m.at("/prefill/tokens").asInt(),
                    m.at("/prefill/tokens_per_second").asDouble(), m.at("/prefill/gflops_per_second").asDouble(),
                    m.at("/decode/tokens_per_second").asDouble(), m.at("/decode/ms_per_token").asDouble(),
                    m.get("cache_bytes").asLong(), m.get("peak_rss_bytes").asLong() / (double) (1L << 30),
                    m.at("/load_to_first_token/ms").asDouble()));
            if (m.has("decode_at_context")) {
                b.append(String.format(Locale.ROOT, "         at context %d: decode %.2f tok/s, %.1f ms/tok, cache %,d B%n",
                        m.at("/decode_at_context/context_start").asInt(),
                        m.at("/decode_at_context/tokens_per_second").asDouble(),
                        m.at("/decode_at_context/ms_per_token").asDouble(), m.get("cache_bytes_at_context").asLong()));
            }
            if (m.at("/decode_paired/median_fraction_of_limit").isNumber()) {
                b.append(String.format(Locale.ROOT, "         paired decode/bandwidth blocks: median %.0f%% of the limit "
                                + "(min %.0f%%, max %.0f%%)%n",
                        100 * m.at("/decode_paired/median_fraction_of_limit").asDouble(),
                        100 * m.at("/decode_paired/min_fraction_of_limit").asDouble(),
                        100 * m.at("/decode_paired/max_fraction_of_limit").asDouble()));
            }
            if (m.at("/decode/fraction_of_limit").isNumber()) {
                b.append(String.format(Locale.ROOT, "         bandwidth limit %.2f tok/s → %.0f%% of it; prefill %.0f%% of GEMM peak%n",
                        m.at("/decode/bandwidth_limit_tokens_per_second").asDouble(),
                        100 * m.at("/decode/fraction_of_limit").asDouble(),
                        100 * m.at("/prefill/fraction_of_gemm_peak").asDouble()));
            }
        }
        if (root.at("/machine/read_bandwidth").isObject()) {
            b.append(String.format(Locale.ROOT, "machine: %s, read bandwidth %.1f GB/s, ORT GEMM %.1f GFLOP/s (theoretical %.1f)%n",
                    root.at("/machine/cpu").asText(), root.at("/machine/read_bandwidth/gb_per_second").asDouble(),
                    root.at("/machine/gemm/gflops_per_second").asDouble(),
                    root.at("/machine/theoretical_fp32_peak_gflops").asDouble()));
        }
        return b.toString();
    }
}
