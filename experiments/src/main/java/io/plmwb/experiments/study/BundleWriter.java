package io.plmwb.experiments.study;

import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartExportException;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Writes a {@link Bundle} into a folder: the one path of the GUI's Export all and the CLI's {@code --out}. Every
 * target is checked before the first file is written, so an export either writes all its files or none (unless a
 * write itself fails midway, when the files already written stay and the error names the one that failed); each file
 * is written atomically ({@link AtomicFiles}).
 */
public final class BundleWriter {

    private final ChartExportService charts;

    public BundleWriter() {
        this(new ChartExportService());
    }

    public BundleWriter(ChartExportService charts) {
        this.charts = Objects.requireNonNull(charts, "charts");
    }

    /** The paths {@link #write} would write, in order. */
    public static List<Path> targets(Bundle bundle, Path dir, List<ExportFormat> formats) {
        List<Path> out = new ArrayList<>();
        for (String name : bundle.fileNames(formats)) {
            out.add(dir.resolve(name).toAbsolutePath().normalize());
        }
        return out;
    }

    /**
     * Writes every file of {@code bundle} into {@code dir}: each chart in each of {@code formats} (in that order),
     * each data file as it is.
     *
     * @return the written paths, in order
     * @throws ChartExportException a target exists (overwrite off) or is a folder — then nothing is written — or a
     *                              write failed; the message names the file
     */
    public List<Path> write(Bundle bundle, Path dir, List<ExportFormat> formats, ExportOptions options,
            TaskContext ctx) throws ChartExportException {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(dir, "dir");
        List<ExportFormat> unique = List.copyOf(new LinkedHashSet<>(formats));
        List<Path> targets = targets(bundle, dir, unique);
        try {
            AtomicFiles.refuseExisting(targets, options.overwrite());
        } catch (AtomicFiles.TargetExistsException e) {
            throw new ChartExportException(e.file(), e.isFolder() ? "it is a folder"
                    : "the file already exists (allow overwriting to replace it); nothing was written", true, e);
        }
        List<Path> written = new ArrayList<>();
        int i = 0;
        for (Bundle.Entry entry : bundle.entries()) {
            if (entry instanceof Bundle.ChartEntry c) {
                for (ExportFormat f : unique) {
                    Path target = targets.get(i++);
                    writeOne(ctx, target, written, targets.size(),
                            out -> charts.write(c.chart(), f, options, out), options);
                }
            } else if (entry instanceof Bundle.FileEntry file) {
                Path target = targets.get(i++);
                byte[] content = file.content();
                writeOne(ctx, target, written, targets.size(), out -> out.write(content), options);
            }
        }
        return List.copyOf(written);
    }

    private static void writeOne(TaskContext ctx, Path target, List<Path> written, int total,
            AtomicFiles.Content content, ExportOptions options) throws ChartExportException {
        ctx.checkCancelled();
        ctx.message("Writing " + target.getFileName());
        try {
            written.add(AtomicFiles.write(target, options.overwrite(), content));
        } catch (AtomicFiles.TargetExistsException e) {
            throw new ChartExportException(target, "the file appeared while exporting; it was left as it is", true,
                    e);
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ChartExportException(target, reason, false, e);
        }
        ctx.progress(written.size(), total);
    }
}
