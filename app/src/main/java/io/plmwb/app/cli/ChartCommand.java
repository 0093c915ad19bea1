package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workbench chart}: export a chart the GUI shows, through the same export service. */
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

    @Option(names = "--json", description = "print what was written as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = selection.config(null);
        String name = selection.label(null);
        ArchitectureSummary summary = ArchitectureSummary.of(config);
        ChartSpec chartSpec = switch (chart.toLowerCase(Locale.ROOT)) {
            case "params" -> ParameterBreakdownChart.byComponent(name, summary);
            case "params-per-layer" -> ParameterBreakdownChart.perLayerTensors(name, summary);
            default -> throw new BadInputException("unknown chart '" + chart + "' (params, params-per-layer)");
        };
        List<Path> written = files.export(chartSpec, out);
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
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
