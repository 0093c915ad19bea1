package io.plmwb.experiments.kv;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link KvStudy} found: the layout rows at the context, the fits per device budget, the measured caches (empty
 * when not measured) and the two charts of the KV Cache workspace (cache vs context, memory vs budgets).
 */
public final class KvReport implements StudyReport<NoSelection> {

    /** Chart size and resolution of Export all and {@code workbench kv --out}. */
    public static final ExportOptions EXPORT_OPTIONS = new ExportOptions(900, 540, 200, false);

    /** One device budget and the longest context per applicable layout. */
    public record DeviceFit(DeviceBudget device, List<KvCacheAnalysis.Fit> fits) {
        public DeviceFit {
            fits = List.copyOf(fits);
        }

        /** True when the weights (+ workspace) fit the budget for every layout. */
        public boolean weightsFit() {
            return fits.stream().noneMatch(KvCacheAnalysis.Fit::weightsDoNotFit);
        }
    }

    private final KvStudy.Settings settings;
    private final KvCacheAnalysis analysis;
    private final List<KvCacheAnalysis.LayoutRow> rows;
    private final List<DeviceFit> devices;
    private final List<KvCacheProbe.Result> measured;
    private final List<ChartSpec> charts;

    KvReport(KvStudy.Settings settings, List<KvCacheProbe.Result> measured) {
        this.settings = settings;
        KvStudy.Source src = settings.source();
        this.analysis = new KvCacheAnalysis(src.config(), settings.cacheType(), settings.weightsType());
        this.rows = List.copyOf(analysis.rows(settings.resolvedContext()));
        List<DeviceFit> d = new ArrayList<>();
        for (DeviceBudget b : settings.budgets()) {
            d.add(new DeviceFit(b, analysis.fits(b)));
        }
        this.devices = List.copyOf(d);
        this.measured = List.copyOf(measured);
        this.charts = List.of(KvCharts.cacheVsContext(src.name(), analysis),
                KvCharts.memoryVsBudgets(src.name(), analysis, settings.budgets()));
    }

    public KvStudy.Settings settings() {
        return settings;
    }

    public String name() {
        return settings.source().name();
    }

    public ModelConfig config() {
        return settings.source().config();
    }

    /** The context analysed. */
    public long context() {
        return settings.resolvedContext();
    }

    public KvCacheAnalysis analysis() {
        return analysis;
    }

    /** Costs of every applicable layout at the context. */
    public List<KvCacheAnalysis.LayoutRow> rows() {
        return rows;
    }

    /** The fits per device budget, in the settings' order. */
    public List<DeviceFit> devices() {
        return devices;
    }

    /** The measured caches, one per mode, in order; empty when not measured. */
    public List<KvCacheProbe.Result> measured() {
        return measured;
    }

    /** True unless a measured cache differs from its analytic bytes. */
    public boolean allMatch() {
        return measured.stream().allMatch(KvCacheProbe.Result::matches);
    }

    /** This report with {@code results} as its measured caches (the analytic part unchanged). */
    public KvReport withMeasured(List<KvCacheProbe.Result> results) {
        return new KvReport(settings, results);
    }

    /** Cache vs context, then memory vs the device budgets. */
    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return charts;
    }

    /** The two charts (the tables are in {@link #toJson()}). */
    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.ofCharts(charts);
    }

    @Override
    public ObjectNode toJson() {
        ModelConfig cfg = config();
        ObjectNode root = StudyJson.object();
        ObjectNode source = root.putObject("source");
        KvStudy.Source src = settings.source();
        if (src.preset() != null) {
            source.put("preset", src.preset());
        } else if (src.checkpoint() != null) {
            source.put("model_dir", src.checkpoint().toAbsolutePath().normalize().toString());
        }
        root.put("model", name());
        root.put("layers", cfg.numLayers());
        root.put("cache_dtype", settings.cacheType().label());
        root.put("weights_dtype", settings.weightsType().label());
        root.put("context", context());
        root.put("max_position_embeddings", cfg.maxPositionEmbeddings());
        root.put("native_layout", analysis.summary().nativeLayout().key());
        root.put("weights_bytes", analysis.weightBytes());
        ObjectNode layouts = root.putObject("layouts");
        for (KvCacheAnalysis.LayoutRow r : rows) {
            ObjectNode l = layouts.putObject(r.layout().key());
            l.put("description", r.layout().description());
            l.put("values_per_token_per_layer", r.valuesPerTokenPerLayer());
            l.put("bytes_per_token_per_layer", r.bytesPerTokenPerLayer());
            l.put("bytes_per_token", r.bytesPerToken());
            l.put("bytes_at_context", r.bytesAtContext());
            l.put("ratio_to_native", r.ratioToNative());
            l.put("memory_to_run_bytes", analysis.memoryAt(r.layout(), context()));
        }
        ArrayNode dev = root.putArray("devices");
        for (DeviceFit d : devices) {
            ObjectNode o = dev.addObject();
            o.put("name", d.device().name());
            o.put("bytes", d.device().bytes());
            ObjectNode mc = o.putObject("max_context");
            for (KvCacheAnalysis.Fit f : d.fits()) {
                mc.put(f.layout().key(), f.maxContext());
            }
            o.put("weights_fit", d.weightsFit());
        }
        if (settings.measurement() != null || !measured.isEmpty()) {
            ArrayNode ms = root.putArray("measured");
            measured.forEach(r -> ms.add(resultJson(r)));
        }
        return root;
    }

    private static ObjectNode resultJson(KvCacheProbe.Result r) {
        ObjectNode o = StudyJson.object();
        o.put("mode", r.mode().key());
        o.put("layout", r.layout().key());
        o.put("context", r.context());
        o.put("dtype", r.dtype());
        o.put("measured_bytes", r.measuredBytes());
        o.put("analytic_bytes", r.analyticBytes());
        o.put("match", r.matches());
        o.put("bytes_per_token", r.bytesPerToken());
        o.put("fill_ms", Math.round(r.fillMs() * 10) / 10.0);
        ArrayNode layers = o.putArray("layers");
        for (KvCacheProbe.LayerRow l : r.layers()) {
            ObjectNode lj = layers.addObject();
            lj.put("layer", l.layer());
            lj.put("measured_bytes", l.measuredBytes());
            lj.put("analytic_bytes", l.analyticBytes());
            ArrayNode ts = lj.putArray("tensors");
            for (DecoderSession.CacheTensor t : l.tensors()) {
                ObjectNode tj = ts.addObject();
                tj.put("name", t.name());
                ArrayNode shape = tj.putArray("shape");
                for (long dim : t.shape()) {
                    shape.add(dim);
                }
                tj.put("dtype", t.dtype());
                tj.put("bytes", t.bytes());
            }
        }
        return o;
    }
}
