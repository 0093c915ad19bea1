package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.models.ModelInfoReport;
import io.plmwb.experiments.models.ModelInfoStudy;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench chart}: export a chart the Models workspace shows ({@link ModelInfoStudy}), through
 * {@link BundleWriter}.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = {"Export a chart to PNG/SVG/PDF and the CSV of the series drawn (the same service as the GUI's "
                + "Export…).",
            "Charts: params (parameters by component), params-per-layer (parameters per tensor of one block)."})
public final class ChartCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CHART", description = "params | params-per-layer")
    String chart;

    @CommandLine.Mixin
    ModelSelection selection = new ModelSelection();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
    Path out;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelInfoReport report = new ModelInfoStudy().run(selection.settings(null), TaskContext.none());
        ChartSpec chartSpec = switch (chart.toLowerCase(Locale.ROOT)) {
            case "params" -> report.componentChart();
            case "params-per-layer" -> report.perBlockChart();
            default -> throw new BadInputException("unknown chart '" + chart + "' (params, params-per-layer)");
        };
        List<Path> written = new BundleWriter().write(Bundle.ofCharts(List.of(chartSpec)), out, files.wanted(),
                files.options(), TaskContext.none());
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode root = CliJson.object();
            root.put("chart", chartSpec.id());
            root.put("title", chartSpec.title());
            ArrayNode list = root.putArray("files");
            written.forEach(p -> list.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }
}
