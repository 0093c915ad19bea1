package io.plmwb.experiments.study;

import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The files of one export: charts (written in each chosen format, the CSV being exactly the series drawn) and data
 * files (written as they are). Built by a {@link StudyReport}, written by {@link BundleWriter}; immutable.
 */
public final class Bundle {

    /** One entry of a bundle. */
    public sealed interface Entry permits ChartEntry, FileEntry {
        /** The file name without extension (charts) or with it (data files). */
        String name();
    }

    /** A chart, written as {@code name.<ext>} for each chosen format. */
    public record ChartEntry(String name, ChartSpec chart) implements Entry {
        public ChartEntry {
            checkName(name);
            Objects.requireNonNull(chart, "chart");
            if (ExportFormat.fromFileName(name) != null) {
                throw new IllegalArgumentException("chart file name '" + name + "' must not carry an extension");
            }
        }
    }

    /** A data file written byte for byte. */
    public record FileEntry(String name, byte[] content) implements Entry {
        public FileEntry {
            checkName(name);
            Objects.requireNonNull(content, "content");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        /** The content as UTF-8 text. */
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final List<Entry> entries;

    private Bundle(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** A bundle with no files. */
    public static Bundle empty() {
        return new Bundle(List.of());
    }

    /** A bundle of these charts, each named by its id. */
    public static Bundle ofCharts(List<ChartSpec> charts) {
        Builder b = builder();
        charts.forEach(b::chart);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The chart entries, in order. */
    public List<ChartEntry> charts() {
        return entries.stream().filter(ChartEntry.class::isInstance).map(ChartEntry.class::cast).toList();
    }

    /** The data-file entries, in order. */
    public List<FileEntry> files() {
        return entries.stream().filter(FileEntry.class::isInstance).map(FileEntry.class::cast).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The file names this bundle writes for the chosen chart formats, in writing order. */
    public List<String> fileNames(List<ExportFormat> formats) {
        List<String> names = new ArrayList<>();
        for (Entry e : entries) {
            if (e instanceof ChartEntry c) {
                for (ExportFormat f : new LinkedHashSet<>(formats)) {
                    names.add(c.name() + "." + f.extension());
                }
            } else {
                names.add(e.name());
            }
        }
        return names;
    }

    /** A file-system-safe name from a chart id or a label. */
    public static String safeName(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[.-]+", "");
        return safe.isEmpty() ? "chart" : safe;
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a bundle file name must be a plain file name, was '" + name + "'");
        }
    }

    /** Collects entries; a name may be used once. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();

        /** A chart named by its (file-system-safe) id. */
        public Builder chart(ChartSpec chart) {
            return chart(safeName(chart.id()), chart);
        }

        public Builder chart(String name, ChartSpec chart) {
            return add(new ChartEntry(name, chart));
        }

        /** A UTF-8 text file. */
        public Builder text(String name, String text) {
            return add(new FileEntry(name, text.getBytes(StandardCharsets.UTF_8)));
        }

        public Builder bytes(String name, byte[] content) {
            return add(new FileEntry(name, content));
        }

        public Builder add(Entry e) {
            if (!names.add(e.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("the bundle already has a file named '" + e.name() + "'");
            }
            entries.add(e);
            return this;
        }

        public Builder addAll(Bundle other) {
            other.entries().forEach(this::add);
            return this;
        }

        public Bundle build() {
            return new Bundle(entries);
        }
    }
}
