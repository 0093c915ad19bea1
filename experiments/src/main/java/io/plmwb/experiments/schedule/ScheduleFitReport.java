package io.plmwb.experiments.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@link ScheduleFitStudy} found: the fitted schedule, its residual and the best rival of each other kind. */
public final class ScheduleFitReport implements StudyReport<NoSelection> {

    /** A row of the fit table: a name and its value as text. */
    public record Row(String key, String value) {
    }

    private final ScheduleFitStudy.Settings settings;
    private final TrainingLog run;
    private final String column;
    private final ScheduleFitter.Fit fit;
    private final ScheduleDefinition definition;

    ScheduleFitReport(ScheduleFitStudy.Settings settings, TrainingLog run, String column, ScheduleFitter.Fit fit,
            ScheduleDefinition definition) {
        this.settings = settings;
        this.run = run;
        this.column = column;
        this.fit = fit;
        this.definition = definition;
    }

    public ScheduleFitStudy.Settings settings() {
        return settings;
    }

    public TrainingLog run() {
        return run;
    }

    /** The learning-rate column fitted. */
    public String column() {
        return column;
    }

    public ScheduleFitter.Fit fit() {
        return fit;
    }

    /** The fitted schedule on the axis it was fitted against. */
    public ScheduleDefinition definition() {
        return definition;
    }

    /** The residual chart (logged − fitted) at every point fitted. */
    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of(Replay.residualChart(fit, run.name(), settings.align(), 0));
    }

    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.ofCharts(charts(selection));
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode root = StudyJson.object();
        root.put("kind", fit.kind());
        ScheduleJson.parameters(root.putObject("parameters"), fit.schedule().parameters());
        root.put("residual", fit.rms());
        root.put("residual_max", fit.maxAbs());
        root.put("residual_relative", fit.relativeRms());
        root.put("points", fit.x().length);
        root.put("spec", definition.toSpec());
        root.put("log", run.source() == null ? settings.log().toString() : run.source().toString());
        root.put("column", column);
        ArrayNode rivals = root.putArray("rivals");
        for (ScheduleFitter.Fit r : fit.rivals()) {
            ObjectNode o = rivals.addObject();
            o.put("kind", r.kind());
            o.put("residual", r.rms());
            o.put("spec", ScheduleSpec.format(ScheduleDefinition.of(r.schedule())));
        }
        ArrayNode w = root.putArray("warnings");
        run.warnings().forEach(w::add);
        return root;
    }

    /** The text {@code schedule fit} prints before the files it wrote. */
    public List<String> textLines() {
        List<String> lines = new ArrayList<>();
        lines.add(definition.toSpec());
        lines.add(String.format("residual: RMS %.4g (%.3g%% of the peak), max %.4g over %d points of '%s'", fit.rms(),
                100 * fit.relativeRms(), fit.maxAbs(), fit.x().length, column));
        for (ScheduleFitter.Fit r : fit.rivals()) {
            lines.add(String.format("  rival %-6s RMS %.4g  %s", r.kind(), r.rms(),
                    ScheduleSpec.format(ScheduleDefinition.of(r.schedule()))));
        }
        run.warnings().forEach(x -> lines.add("warning: " + x));
        return lines;
    }

    /** The fit table of the workspace: kind, parameters, residuals, rivals. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("kind", fit.kind()));
        fit.schedule().parameters().forEach((k, v) -> rows.add(new Row(k, v instanceof Double d
                ? ScheduleSpec.num(d) : String.valueOf(v))));
        rows.add(new Row("residual (RMS)", String.format(Locale.ROOT, "%.4g (%.3g%% of the peak)", fit.rms(),
                100 * fit.relativeRms())));
        rows.add(new Row("residual (max)", String.format(Locale.ROOT, "%.4g", fit.maxAbs())));
        for (ScheduleFitter.Fit r : fit.rivals()) {
            rows.add(new Row("vs " + r.kind(), String.format(Locale.ROOT, "RMS %.4g", r.rms())));
        }
        return rows;
    }

    /** One line naming the run, the column and the fitted spec. */
    public String summary() {
        return run.name() + " · " + column + ": " + definition.toSpec();
    }
}
