package io.plmwb.views.chart;

import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.chart.ChartExportException;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.FigureSettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * State and command of chart export: format, layout size, DPI, target file, overwrite; the export runs as a
 * {@link io.plmwb.engine.task.BackgroundTask} on the given {@link TaskExecutor}. The only class in views that calls
 * {@link ChartExportService}. Outcomes land in {@link #lastWrittenProperty()} and {@link #errorProperty()} on the
 * executor's callback thread (the FX thread in the app).
 */
public final class ChartExportViewModel {

    private final ChartExportService service;
    private final TaskExecutor executor;

    private final ObjectProperty<ChartSpec> spec = new SimpleObjectProperty<>(this, "spec");
    private final ObjectProperty<ExportFormat> format = new SimpleObjectProperty<>(this, "format", ExportFormat.PNG);
    private final IntegerProperty width = new SimpleIntegerProperty(this, "width",
            ExportOptions.defaults().widthPx());
    private final IntegerProperty height = new SimpleIntegerProperty(this, "height",
            ExportOptions.defaults().heightPx());
    private final IntegerProperty dpi = new SimpleIntegerProperty(this, "dpi", ExportOptions.defaults().dpi());
    private final StringProperty target = new SimpleStringProperty(this, "target", "");
    private final BooleanProperty overwrite = new SimpleBooleanProperty(this, "overwrite", false);

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyObjectWrapper<Path> lastWritten = new ReadOnlyObjectWrapper<>(this, "lastWritten");
    private final StringBinding validation;
    private final BooleanBinding canExport;
    private final StringBinding pixelSize;
    /** "pixels" for the logical-pixel layout, a preset name, or {@link #CUSTOM_FIGURE}. */
    private final StringProperty size = new SimpleStringProperty(this, "size", PIXELS);
    private final javafx.beans.property.DoubleProperty figureWidth =
            new javafx.beans.property.SimpleDoubleProperty(this, "figureWidth", 3.25);
    private final javafx.beans.property.DoubleProperty figureHeight =
            new javafx.beans.property.SimpleDoubleProperty(this, "figureHeight", 2.4);
    private final ObjectProperty<FigureSettings.Unit> unit =
            new SimpleObjectProperty<>(this, "unit", FigureSettings.Unit.IN);
    private final javafx.beans.property.DoubleProperty fontPt =
            new javafx.beans.property.SimpleDoubleProperty(this, "fontPt", 8);
    private final ObjectProperty<FigureSettings.Family> family =
            new SimpleObjectProperty<>(this, "family", FigureSettings.Family.SANS);
    private final javafx.beans.binding.ObjectBinding<byte[]> preview;

    /** The size choice for the logical-pixel layout (the app's default). */
    public static final String PIXELS = "pixels";
    /** The size choice for a figure with its own width, height and font. */
    public static final String CUSTOM_FIGURE = "custom figure";
    private boolean applyingPreset;
    private Path defaultDirectory = Path.of(System.getProperty("user.home", "."));

    /** A view model exporting through a new {@link ChartExportService} on {@code executor}. */
    public static ChartExportViewModel create(TaskExecutor executor) {
        return new ChartExportViewModel(new ChartExportService(), executor);
    }

    public ChartExportViewModel(ChartExportService service, TaskExecutor executor) {
        this.service = Objects.requireNonNull(service, "service");
        this.executor = Objects.requireNonNull(executor, "executor");
        validation = Bindings.createStringBinding(this::validate, spec, width, height, dpi, target, running, size,
                figureWidth, figureHeight, unit, fontPt, family);
        preview = Bindings.createObjectBinding(this::renderPreview, spec, width, height, dpi, size, figureWidth,
                figureHeight, unit, fontPt, family);
        size.addListener((obs, old, now) -> {
            if (now != null && FigureSettings.presets().containsKey(now)) {
                applyingPreset = true;
                FigureSettings f = FigureSettings.preset(now);
                figureWidth.set(round3(unit.get().fromInches(f.widthIn())));
                figureHeight.set(round3(unit.get().fromInches(f.heightIn())));
                fontPt.set(f.fontPt());
                family.set(f.family());
                dpi.set(f.dpi());
                applyingPreset = false;
            }
        });
        javafx.beans.InvalidationListener edited = obs -> {
            if (!applyingPreset && FigureSettings.presets().containsKey(size.get())) {
                size.set(CUSTOM_FIGURE);
            }
        };
        figureHeight.addListener(edited);
        figureWidth.addListener(edited);
        fontPt.addListener(edited);
        family.addListener(edited);
        unit.addListener((obs, old, now) -> {
            if (old != null && now != null) {
                applyingPreset = true;
                figureWidth.set(round3(now.fromInches(old.toInches(figureWidth.get()))));
                figureHeight.set(round3(now.fromInches(old.toInches(figureHeight.get()))));
                applyingPreset = false;
            }
        });
        canExport = Bindings.createBooleanBinding(() -> validation.get().isEmpty(), validation);
        pixelSize = Bindings.createStringBinding(() -> {
            try {
                ExportOptions o = options();
                return o.pixelWidth() + " × " + o.pixelHeight() + " px";
            } catch (IllegalArgumentException e) {
                return "";
            }
        }, width, height, dpi, size, figureWidth, figureHeight, unit);
        format.addListener((obs, old, now) -> {
            if (now != null) {
                target.set(withExtension(target.get(), now));
            }
        });
        spec.addListener((obs, old, now) -> {
            if (now != null && (target.get().isBlank() || old != null
                    && fileNameOf(target.get()).equals(ChartExportService.suggestedFileName(old, format.get())))) {
                target.set(defaultDirectory.resolve(ChartExportService.suggestedFileName(now, format.get()))
                        .toString());
            }
        });
    }

    /** The chart to export. */
    public ObjectProperty<ChartSpec> specProperty() {
        return spec;
    }

    public ObjectProperty<ExportFormat> formatProperty() {
        return format;
    }

    /** Layout width in logical pixels. */
    public IntegerProperty widthProperty() {
        return width;
    }

    /** Layout height in logical pixels. */
    public IntegerProperty heightProperty() {
        return height;
    }

    public IntegerProperty dpiProperty() {
        return dpi;
    }

    /** The target file as typed or chosen. Changing the format swaps its extension. */
    public StringProperty targetProperty() {
        return target;
    }

    /** Replace an existing target; reset by {@link #prepare()}. */
    public BooleanProperty overwriteProperty() {
        return overwrite;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** What the last export did ("Wrote …"), for a status line. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The last failure, naming the file and the reason; empty after a success or when an export starts. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Path> lastWrittenProperty() {
        return lastWritten.getReadOnlyProperty();
    }

    /** Why export is not possible now, or empty. */
    public StringBinding validationMessage() {
        return validation;
    }

    public BooleanBinding canExport() {
        return canExport;
    }

    /** "2500 × 1563 px": the PNG size the current settings give. */
    public StringBinding pixelSizeText() {
        return pixelSize;
    }

    /** Folder for suggested file names (the app sets the project folder). */
    public void setDefaultDirectory(Path dir) {
        this.defaultDirectory = Objects.requireNonNull(dir);
    }

    /** Readies a new export dialog: overwrite off, a suggested target when there is none. */
    public void prepare() {
        overwrite.set(false);
        ChartSpec s = spec.get();
        if (s != null && target.get().isBlank()) {
            target.set(defaultDirectory.resolve(ChartExportService.suggestedFileName(s, format.get())).toString());
        }
    }

    /** Sets the target from a file chooser; a known extension also selects the format. */
    public void chooseTarget(Path file) {
        ExportFormat f = ExportFormat.fromFileName(file.getFileName().toString());
        if (f != null) {
            format.set(f);
            target.set(file.toString());
        } else {
            target.set(withExtension(file.toString(), format.get()));
        }
        if (file.getParent() != null) {
            defaultDirectory = file.getParent();
        }
    }

    /** The target as a path, if it parses. */
    public Optional<Path> targetPath() {
        try {
            String t = target.get().strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(Path.of(t).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** True when the target file exists already (the view then asks before setting overwrite). */
    public boolean targetExists() {
        return targetPath().map(Files::exists).orElse(false);
    }

    /** The options the current settings give; throws {@link IllegalArgumentException} when they are invalid. */
    public ExportOptions options() {
        if (!usesFigure()) {
            return new ExportOptions(width.get(), height.get(), dpi.get(), overwrite.get());
        }
        return ExportOptions.of(figure(), overwrite.get());
    }

    /** True unless the logical-pixel layout is chosen. */
    public boolean usesFigure() {
        return !PIXELS.equals(size.get());
    }

    /** The figure the fields describe (throws {@link IllegalArgumentException} when invalid). */
    public FigureSettings figure() {
        return FigureSettings.of(figureWidth.get(), figureHeight.get(), unit.get(), fontPt.get(), family.get(),
                dpi.get());
    }

    /** The size choices: pixels, the presets, custom figure. */
    public static java.util.List<String> sizeChoices() {
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(PIXELS);
        out.addAll(FigureSettings.presets().keySet());
        out.add(CUSTOM_FIGURE);
        return out;
    }

    public StringProperty sizeProperty() {
        return size;
    }

    public javafx.beans.property.DoubleProperty figureWidthProperty() {
        return figureWidth;
    }

    public javafx.beans.property.DoubleProperty figureHeightProperty() {
        return figureHeight;
    }

    public ObjectProperty<FigureSettings.Unit> unitProperty() {
        return unit;
    }

    public javafx.beans.property.DoubleProperty fontPtProperty() {
        return fontPt;
    }

    public ObjectProperty<FigureSettings.Family> familyProperty() {
        return family;
    }

    /**
     * A PNG of the chart as the current settings lay it out, at a screen resolution (at most 96 DPI, at most about
     * 560 pixels wide), or null when there is no chart or the settings are invalid.
     */
    public javafx.beans.binding.ObjectBinding<byte[]> previewPng() {
        return preview;
    }

    private byte[] renderPreview() {
        ChartSpec s = spec.get();
        if (s == null) {
            return null;
        }
        try {
            ExportOptions o = options();
            double inches = o.figure() != null ? o.figure().widthIn() : o.widthPx() / (double) ExportOptions.BASE_DPI;
            int screenDpi = (int) Math.max(48, Math.min(96, Math.floor(560 / inches)));
            ExportOptions shown = o.withDpi(screenDpi);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            service.write(s, ExportFormat.PNG, shown, out);
            return out.toByteArray();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Starts the export as a background task, or returns empty (with {@link #errorProperty()} set) when the
     * settings are invalid.
     */
    public Optional<TaskHandle> export() {
        String problem = validation.get();
        if (!problem.isEmpty()) {
            error.set(problem);
            return Optional.empty();
        }
        ChartSpec s = spec.get();
        ExportFormat f = format.get();
        Path file = targetPath().orElseThrow();
        ExportOptions o = options();
        error.set("");
        status.set("Exporting " + file.getFileName() + "…");
        running.set(true);
        return Optional.of(executor.execute(service.exportTask(s, f, file, o)
                .onSuccess(p -> {
                    lastWritten.set(p);
                    status.set("Wrote " + p);
                })
                .onFailure(e -> {
                    String msg = message(file, e);
                    error.set(msg);
                    status.set(msg);
                })
                .onCancelled(() -> status.set("Export of " + file.getFileName() + " cancelled"))
                .onFinished(() -> running.set(false))));
    }

    static String message(Path file, Throwable e) {
        if (e instanceof ChartExportException) {
            return e.getMessage();
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "Cannot export to " + file + ": " + reason;
    }

    private String validate() {
        if (spec.get() == null) {
            return "No chart to export";
        }
        if (running.get()) {
            return "An export is running";
        }
        try {
            options();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        Optional<Path> p = targetPath();
        if (p.isEmpty()) {
            return target.get().isBlank() ? "Choose a file" : "Not a valid file name: " + target.get();
        }
        if (Files.isDirectory(p.get())) {
            return p.get() + " is a folder";
        }
        return "";
    }

    private static String fileNameOf(String path) {
        try {
            Path p = Path.of(path).getFileName();
            return p == null ? "" : p.toString();
        } catch (InvalidPathException e) {
            return "";
        }
    }

    static String withExtension(String path, ExportFormat f) {
        if (path == null || path.isBlank()) {
            return path == null ? "" : path;
        }
        ExportFormat current = ExportFormat.fromFileName(path);
        String stem = current == null ? path : path.substring(0, path.length() - current.extension().length() - 1);
        return stem + "." + f.extension();
    }
}
