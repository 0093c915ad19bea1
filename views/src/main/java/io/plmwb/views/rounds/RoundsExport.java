package io.plmwb.views.rounds;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The checks and messages of the workspace's exports, and Export table. */
final class RoundsExport {

    private final TaskExecutor executor;
    private final DialogService dialogs;
    private final Consumer<String> status;

    RoundsExport(TaskExecutor executor, DialogService dialogs, Consumer<String> status) {
        this.executor = executor;
        this.dialogs = dialogs;
        this.status = status;
    }

    /**
     * Whether Export all may go on into {@code dir}, and with overwriting: null when there is nothing to export or
     * the user keeps existing files; true when some exist and the user agreed to replace them.
     */
    Boolean overwrite(RoundsReport report, Bundle bundle, Path dir) {
        if (report == null) {
            dialogs.info("Nothing to export", "Open or generate rounds first.");
            return null;
        }
        long existing = bundle.fileNames(RoundsReport.FORMATS).stream().filter(n -> Files.exists(dir.resolve(n)))
                .count();
        if (existing > 0 && !dialogs.confirm("Replace files in " + dir + "?", existing
                + " of the exported files exist there already; replace them?")) {
            return null;
        }
        return existing > 0;
    }

    /** Writes the comparison table of the selection to {@code file} (.csv or .md), replacing it. */
    void exportTable(RoundsReport report, RoundsReport.Selection selection, Path file) {
        if (report == null) {
            dialogs.info("Nothing to export", "Open or generate rounds first.");
            return;
        }
        int shown = selection.prompts() == null ? report.comparison().prompts().size() : selection.prompts().size();
        executor.execute(BackgroundTask.of("Export table " + file.getFileName(),
                        ctx -> report.table(selection).write(file, true))
                .onSuccess(p -> status.accept("Wrote " + p + " (" + shown + " prompts)"))
                .onFailure(e -> dialogs.error("Cannot write " + file, e)));
    }
}
