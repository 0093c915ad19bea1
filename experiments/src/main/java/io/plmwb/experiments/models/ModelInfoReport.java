package io.plmwb.experiments.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link ModelInfoStudy} found about one model: its config and {@link ArchitectureSummary}, parameters by
 * component and per block, weight bytes, KV-cache figures per layout at the chosen dtype and context, GGUF facts for
 * a .gguf. The screen draws {@link #charts} (parameters by component, parameters per block); Export all and
 * {@code chart --out} write them; {@link #toJson()} is {@code workbench info --json}.
 */
public final class ModelInfoReport implements StudyReport<NoSelection> {

    /** The scratch buffer the memory estimate assumes besides weights and cache (tokens of one prefill chunk). */
    public static final int WORKSPACE_TOKENS = 512;

    /** Parameters of one component (Embedding, LM head, Attention, MLP, Norms). */
    public record Component(String name, long parameters) {
    }

    /**
     * The KV cache of one layout.
     *
     * @param valuesPerTokenPerLayer cached values per token in one layer
     * @param bytesPerToken          bytes per token over all layers at the report's cache dtype
     * @param bytesAtContext         bytes at the report's context
     */
    public record KvFigures(KvLayout layout, long valuesPerTokenPerLayer, long bytesPerToken, long bytesAtContext) {
    }

    private final String name;
    private final Path model;
    private final String preset;
    private final ArchitectureSummary summary;
    private final StorageType cacheDtype;
    private final long context;
    private final GgufFacts gguf;
    private final ChartSpec componentChart;
    private final ChartSpec perBlockChart;

    ModelInfoReport(String name, Path model, String preset, ArchitectureSummary summary, StorageType cacheDtype,
            long context, GgufFacts gguf) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = model;
        this.preset = preset;
        this.summary = Objects.requireNonNull(summary, "summary");
        this.cacheDtype = Objects.requireNonNull(cacheDtype, "cacheDtype");
        this.context = context;
        this.gguf = gguf;
        this.componentChart = ParameterBreakdownChart.byComponent(name, summary);
        this.perBlockChart = ParameterBreakdownChart.perLayerTensors(name, summary);
    }

    /** The file name of the checkpoint, or the preset's name. */
    public String name() {
        return name;
    }

    /** The absolute checkpoint folder or .gguf file, empty for a preset. */
    public Optional<Path> model() {
        return Optional.ofNullable(model);
    }

    /** The preset's name, empty for a file. */
    public Optional<String> preset() {
        return Optional.ofNullable(preset);
    }

    public ModelConfig config() {
        return summary.config();
    }

    public ArchitectureSummary summary() {
        return summary;
    }

    public StorageType cacheDtype() {
        return cacheDtype;
    }

    /** Tokens of the "at context" figures. */
    public long context() {
        return context;
    }

    /** GGUF facts when the model is a .gguf file. */
    public Optional<GgufFacts> gguf() {
        return Optional.ofNullable(gguf);
    }

    /** All parameters. */
    public long totalParameters() {
        return summary.total();
    }

    /** Parameters by component, in chart order; the LM head only when it is not tied. They add up to the total. */
    public List<Component> components() {
        List<Component> out = new ArrayList<>(List.of(new Component("Embedding", summary.embedding()),
                new Component("Attention", summary.attention()), new Component("MLP", summary.mlp()),
                new Component("Norms", summary.norms())));
        if (summary.lmHead() > 0) {
            out.add(new Component("LM head", summary.lmHead()));
        }
        return List.copyOf(out);
    }

    /** Parameters of one decoder block. */
    public long perBlock() {
        return summary.perLayer();
    }

    /** Parameters per tensor of one decoder block, in forward order. */
    public Map<String, Long> perBlockTensors() {
        return summary.perLayerTensors();
    }

    /** Weight bytes stored at {@code type}. */
    public long weightBytes(StorageType type) {
        return summary.weightBytes(type);
    }

    /** The KV figures of every layout the model has, in {@link KvLayout} order. */
    public List<KvFigures> kv() {
        List<KvFigures> out = new ArrayList<>();
        for (KvLayout l : KvLayout.values()) {
            OptionalLong v = summary.kvValuesPerTokenPerLayer(l);
            if (v.isPresent()) {
                out.add(new KvFigures(l, v.getAsLong(), summary.kvBytesPerToken(l, cacheDtype).getAsLong(),
                        summary.kvBytes(l, cacheDtype, context).getAsLong()));
            }
        }
        return List.copyOf(out);
    }

    /** Memory to run at the context: fp32 weights, the native layout's cache, a {@value #WORKSPACE_TOKENS}-token workspace. */
    public ArchitectureSummary.MemoryEstimate memoryToRun() {
        return summary.memoryAt(context, StorageType.FP32, summary.nativeLayout(), cacheDtype, WORKSPACE_TOKENS);
    }

    /** Parameters by component (BAR). */
    public ChartSpec componentChart() {
        return componentChart;
    }

    /** Parameters per tensor of one decoder block (STACKED_BAR). */
    public ChartSpec perBlockChart() {
        return perBlockChart;
    }

    /** The two charts of the Models workspace, in screen order: by component, per block. */
    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of(componentChart, perBlockChart);
    }

    /** The two charts, each named by its id. */
    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.ofCharts(charts(selection));
    }

    /** {@code workbench info --json}: the summary at the cache dtype and context, the source, GGUF facts. */
    @Override
    public ObjectNode toJson() {
        ObjectNode root = summary.toJson(cacheDtype, context);
        ObjectNode source = root.putObject("source");
        if (preset != null) {
            source.put("preset", preset);
        } else {
            source.put("model_dir", model.toString());
        }
        if (gguf != null) {
            root.set("gguf", gguf.toJson());
        }
        return root;
    }
}
