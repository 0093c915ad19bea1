package io.plmwb.experiments.chart;

import io.plmwb.engine.arch.ArchitectureSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts of where a model's parameters are, in millions, built from an {@link ArchitectureSummary}: by component
 * (embedding, attention, MLP, norms, and the LM head when it is not tied) and per tensor of one decoder block.
 */
public final class ParameterBreakdownChart {

    /** Parameters per million. */
    public static final double MILLION = 1e6;

    private ParameterBreakdownChart() {
    }

    /** A bar per component; the bars add up to {@link ArchitectureSummary#total()}. */
    public static ChartSpec byComponent(String modelName, ArchitectureSummary summary) {
        List<String> names = new ArrayList<>(List.of("Embedding", "Attention", "MLP", "Norms"));
        List<Double> values = new ArrayList<>(List.of((double) summary.embedding(), (double) summary.attention(),
                (double) summary.mlp(), (double) summary.norms()));
        if (summary.lmHead() > 0) {
            names.add("LM head");
            values.add((double) summary.lmHead());
        }
        double[] y = values.stream().mapToDouble(v -> v / MILLION).toArray();
        String model = name(modelName, summary);
        return ChartSpec.builder("param-breakdown-" + slug(model), ChartKind.BAR)
                .title(model + ": parameters by component")
                .subtitle(String.format(Locale.ROOT, "%,.2f M in total, %d layers, %s embeddings",
                        summary.total() / MILLION, summary.config().numLayers(),
                        summary.config().tieWordEmbeddings() ? "tied" : "untied"))
                .xAxis(Axis.of("Component", ""))
                .yAxis(Axis.of("Parameters", "M"))
                .addSeries(Series.categories("Parameters", names, y).build())
                .legend(false, LegendPosition.RIGHT)
                .build();
    }

    /**
     * One bar per tensor of a decoder block (in forward order), coloured by the group it belongs to (attention,
     * MLP, norms) as a stack; the three series add up to {@link ArchitectureSummary#perLayer()}.
     */
    public static ChartSpec perLayerTensors(String modelName, ArchitectureSummary summary) {
        Map<String, Long> tensors = summary.perLayerTensors();
        List<String> names = new ArrayList<>(tensors.keySet());
        double[] attention = new double[names.size()];
        double[] mlp = new double[names.size()];
        double[] norms = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String t = names.get(i);
            double m = tensors.get(t) / MILLION;
            switch (group(t)) {
                case NORM -> norms[i] = m;
                case MLP -> mlp[i] = m;
                default -> attention[i] = m;
            }
        }
        String model = name(modelName, summary);
        return ChartSpec.builder("param-per-layer-" + slug(model), ChartKind.STACKED_BAR)
                .title(model + ": parameters per decoder block")
                .subtitle(String.format(Locale.ROOT, "%,.3f M per block × %d blocks", summary.perLayer() / MILLION,
                        summary.config().numLayers()))
                .xAxis(Axis.of("Tensor", ""))
                .yAxis(Axis.of("Parameters", "M"))
                .addSeries(Series.categories("Attention", names, attention).build())
                .addSeries(Series.categories("MLP", names, mlp).build())
                .addSeries(Series.categories("Norms", names, norms).build())
                .legend(true, LegendPosition.RIGHT)
                .build();
    }

    private enum Group { ATTENTION, MLP, NORM }

    /** The same grouping as {@link ArchitectureSummary}: the two block norms, the MLP projections, the rest. */
    private static Group group(String tensor) {
        if (tensor.equals("input_layernorm") || tensor.equals("post_attention_layernorm")) {
            return Group.NORM;
        }
        if (tensor.endsWith("_proj")
                && (tensor.startsWith("gate") || tensor.startsWith("up") || tensor.startsWith("down"))) {
            return Group.MLP;
        }
        return Group.ATTENTION;
    }

    private static String name(String modelName, ArchitectureSummary summary) {
        return modelName == null || modelName.isBlank() ? summary.config().modelType() : modelName.strip();
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
    }
}
