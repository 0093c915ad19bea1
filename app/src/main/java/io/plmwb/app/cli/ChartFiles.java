package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The export options shared by the commands that write charts (formats, size, DPI, {@link OverwriteOption}). */
final class ChartFiles {

    @Option(names = "--formats", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "LIST",
            description = "comma-separated: png, svg, pdf, csv (default ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--width", defaultValue = "800", description = "layout width in px (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "500", description = "layout height in px (default ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--dpi", defaultValue = "300", description = "PNG resolution (default ${DEFAULT-VALUE})")
    int dpi;

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    /** Writes the chart in every requested format through the one bundle writer. */
    List<Path> export(ChartSpec spec, Path out) throws Exception {
        String base = spec.id().replaceAll("[^A-Za-z0-9._-]+", "-");
        return write(Bundle.builder().chart(base, spec).build(), out);
    }

    /** Writes a study's bundle in the requested formats through the one bundle writer. */
    List<Path> write(Bundle bundle, Path out) throws Exception {
        return new BundleWriter().write(bundle, out, wanted(), options(), TaskContext.none());
    }

    /** The requested formats, in order; an unknown one is bad input. */
    List<ExportFormat> wanted() {
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        return wanted;
    }

    /** Size, DPI and overwrite as given. */
    ExportOptions options() {
        return new ExportOptions(width, height, dpi, overwrite.on());
    }
}
