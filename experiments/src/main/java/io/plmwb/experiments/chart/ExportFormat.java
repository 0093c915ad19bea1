package io.plmwb.experiments.chart;

import java.util.Locale;

/** File formats a chart exports to. */
public enum ExportFormat {
    PNG("png", "PNG image"),
    SVG("svg", "SVG vector image"),
    PDF("pdf", "PDF document"),
    CSV("csv", "CSV data (the series drawn)"),
    /** pgfplots source with the data inline, for LaTeX; not among {@link #standard()}. */
    TEX("tex", "pgfplots LaTeX figure (data inline)");

    /** The formats written when none are chosen: PNG, SVG, PDF and CSV. */
    public static java.util.List<ExportFormat> standard() {
        return java.util.List.of(PNG, SVG, PDF, CSV);
    }

    private final String extension;
    private final String description;

    ExportFormat(String extension, String description) {
        this.extension = extension;
        this.description = description;
    }

    /** File extension without the dot. */
    public String extension() {
        return extension;
    }

    public String description() {
        return description;
    }

    /** Parses "png", "SVG", … (for command lines); the message lists the formats when the name is unknown. */
    public static ExportFormat parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (f.extension.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "'; use one of png, svg, pdf, csv, tex");
    }

    /** The format a file name's extension names (case-insensitive), or null. */
    public static ExportFormat fromFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (lower.endsWith("." + f.extension)) {
                return f;
            }
        }
        return null;
    }
}
