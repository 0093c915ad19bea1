package io.plmwb.experiments.rounds;

import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.LineStyle;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Chart descriptions of the rounds workspace (drawn by the GUI, exported by the one export service). */
public final class RoundsCharts {

    private RoundsCharts() {
    }

    /**
     * Win rates over rounds: the raw win rate with ± standard error, the length-adjusted win rate (method in
     * {@link LengthControlled}) and the discrete win rate, x = round number; with {@code overlays}, the published
     * SPPO iterations (dashed) and the ARIES headline (horizontal lines). Null when no round was judged and there
     * are no overlays.
     */
    public static ChartSpec winRates(List<RoundStats> stats, boolean overlays) {
        List<RoundStats> judged = stats.stream().filter(RoundStats::judged)
                .sorted(Comparator.comparingInt(RoundStats::index)).toList();
        ChartSpec.Builder b = ChartSpec.builder("rounds-win-rate", ChartKind.LINE)
                .title("Win rate over rounds")
                .subtitle(subtitle(judged))
                .xAxis(Axis.of("Round", ""))
                .yAxis(Axis.of("Win rate vs baseline", "%"))
                .legend(true, LegendPosition.RIGHT);
        int added = 0;
        if (!judged.isEmpty()) {
            double[] x = judged.stream().mapToDouble(RoundStats::index).toArray();
            b.addSeries(Series.xy("Raw win rate ± SE", x, judged.stream().mapToDouble(RoundStats::winRate).toArray())
                    .yError(judged.stream().mapToDouble(RoundStats::standardError)
                            .map(v -> Double.isNaN(v) ? 0 : v).toArray())
                    .markers(true).color("#1f77b4").build());
            double[] lc = judged.stream().mapToDouble(s -> s.lengthControlled() == null ? Double.NaN
                    : s.lengthControlled().winRate()).toArray();
            if (java.util.Arrays.stream(lc).anyMatch(v -> !Double.isNaN(v))) {
                b.addSeries(Series.xy("Length-adjusted (approx.)", x, lc).markers(true)
                        .color("#d62728").build());
            }
            b.addSeries(Series.xy("Discrete win rate", x, judged.stream().mapToDouble(RoundStats::discreteWinRate)
                    .toArray()).markers(true).lineStyle(LineStyle.DOTTED).color("#2ca02c").build());
            added++;
        }
        if (overlays) {
            String[] colors = {"#9467bd", "#8c564b"};
            int i = 0;
            for (PublishedReference.Iterations it : PublishedReference.SPPO) {
                double[] x = new double[it.raw().length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = j;
                }
                b.addSeries(Series.xy(it.label() + " raw*", x, it.raw()).lineStyle(LineStyle.DASHED)
                        .color(colors[i]).build());
                b.addSeries(Series.xy(it.label() + " LC*", x, it.lengthControlled())
                        .lineStyle(LineStyle.DOTTED).color(colors[i]).build());
                i++;
            }
            double top = 70;
            for (RoundStats st : judged) {
                top = Math.max(top, st.winRate() + 10);
            }
            b.yAxis(Axis.of("Win rate vs baseline", "%").withRange(0.0, Math.min(100, Math.ceil(top / 10) * 10)));
            b.subtitle(subtitle(judged) + " · * published, other models");
            b.addMarker(Marker.horizontal(PublishedReference.ARIES_RAW, "ARIES raw 63.3 / LC 62.3*"));
            b.addMarker(Marker.horizontal(PublishedReference.ARIES_LC, ""));
            added++;
        }
        return added == 0 ? null : b.build();
    }

    /** Average answer length per round (characters), as bars, or null without rounds. */
    public static ChartSpec lengths(List<RoundStats> stats) {
        if (stats.isEmpty()) {
            return null;
        }
        List<RoundStats> sorted = stats.stream().sorted(Comparator.comparingInt(RoundStats::index)).toList();
        List<String> cats = new ArrayList<>();
        for (RoundStats s : sorted) {
            cats.add(s.index() + ": " + s.round());
        }
        return ChartSpec.builder("rounds-avg-length", ChartKind.BAR)
                .title("Average answer length per round")
                .subtitle("characters (Unicode code points) of each round's answer")
                .xAxis(Axis.of("Round", ""))
                .yAxis(Axis.of("Average length", "chars"))
                .legend(false, LegendPosition.RIGHT)
                .addSeries(Series.categories("Average length", cats,
                        sorted.stream().mapToDouble(RoundStats::avgLength).toArray()).color("#ff7f0e").build())
                .build();
    }

    private static String subtitle(List<RoundStats> judged) {
        if (judged.isEmpty()) {
            return "no judged round: published reference numbers only";
        }
        StringBuilder sb = new StringBuilder();
        for (RoundStats s : judged) {
            if (sb.length() > 0) {
                sb.append(" · ");
            }
            sb.append(s.index()).append(" = ").append(s.round());
        }
        return sb.toString();
    }
}
