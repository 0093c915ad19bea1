package io.plmwb.experiments.chart;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one description of a chart, drawn on screen by the views module and written to files by
 * {@link ChartExportService}: what is plotted, never how a toolkit plots it. Immutable; build it with
 * {@link #builder(String, ChartKind)}, which checks the whole chart (lengths, shared categories, log axes).
 */
public final class ChartSpec {

    private final String id;
    private final String title;
    private final String subtitle;
    private final ChartKind kind;
    private final Axis xAxis;
    private final Axis yAxis;
    private final List<Series> series;
    private final boolean legendVisible;
    private final LegendPosition legendPosition;
    private final List<Marker> markers;
    private final HeatMatrix heat;
    private final java.util.Map<String, String> provenance;

    private ChartSpec(Builder b) {
        this.provenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.provenance));
        this.heat = b.heat;
        this.id = b.id;
        this.title = b.title;
        this.subtitle = b.subtitle;
        this.kind = b.kind;
        this.xAxis = b.xAxis;
        this.yAxis = b.yAxis;
        this.series = List.copyOf(b.series);
        this.legendVisible = b.legendVisible;
        this.legendPosition = b.legendPosition;
        this.markers = List.copyOf(b.markers);
    }

    /** Starts a chart with a stable id ("param-breakdown", used for file names) and a kind. */
    public static Builder builder(String id, ChartKind kind) {
        return new Builder(id, kind);
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Optional<String> subtitle() {
        return Optional.ofNullable(subtitle);
    }

    public ChartKind kind() {
        return kind;
    }

    public Axis xAxis() {
        return xAxis;
    }

    public Axis yAxis() {
        return yAxis;
    }

    public List<Series> series() {
        return series;
    }

    public boolean legendVisible() {
        return legendVisible;
    }

    public LegendPosition legendPosition() {
        return legendPosition;
    }

    public List<Marker> markers() {
        return markers;
    }

    /**
     * Where the data comes from, written into every exported file's metadata: e.g. "model" → a path, "model-sha256",
     * "data-sha256", "settings". Insertion order; empty when the producer records none.
     */
    public java.util.Map<String, String> provenance() {
        return provenance;
    }

    /** The matrix of a {@link ChartKind#HEATMAP} chart, empty for the other kinds. */
    public Optional<HeatMatrix> heat() {
        return Optional.ofNullable(heat);
    }

    /** The categories of a category chart (shared by all its series); empty for numeric charts. */
    public List<String> categories() {
        return kind.isCategory() && !series.isEmpty() ? series.get(0).categories() : List.of();
    }

    /** True when every series has the same x values (or categories), so a wide table describes them. */
    public boolean sharesX() {
        if (series.isEmpty()) {
            return true;
        }
        Series first = series.get(0);
        return series.stream().allMatch(s -> s.sharesXWith(first));
    }

    /** A copy with other export-facing texts, e.g. for a figure caption without a title. */
    public Builder toBuilder() {
        Builder b = new Builder(id, kind).title(title).subtitle(subtitle).xAxis(xAxis).yAxis(yAxis)
                .legend(legendVisible, legendPosition);
        series.forEach(b::addSeries);
        markers.forEach(b::addMarker);
        b.heat = heat;
        b.provenance.putAll(provenance);
        return b;
    }

    @Override
    public String toString() {
        return "ChartSpec[" + id + ", " + kind + ", " + series.size() + " series]";
    }

    /** Builds a {@link ChartSpec}; {@link #build()} throws {@link IllegalArgumentException} naming what is wrong. */
    public static final class Builder {
        private final String id;
        private final ChartKind kind;
        private String title;
        private String subtitle;
        private Axis xAxis = Axis.of("", "");
        private Axis yAxis = Axis.of("", "");
        private final List<Series> series = new ArrayList<>();
        private boolean legendVisible = true;
        private LegendPosition legendPosition = LegendPosition.RIGHT;
        private final List<Marker> markers = new ArrayList<>();
        private HeatMatrix heat;
        private final java.util.Map<String, String> provenance = new java.util.LinkedHashMap<>();

        private Builder(String id, ChartKind kind) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("chart id must not be blank");
            }
            this.id = id.strip();
            this.kind = Objects.requireNonNull(kind, "kind");
            this.title = this.id;
        }

        public Builder title(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("chart '" + id + "': title must not be blank");
            }
            this.title = text.strip();
            return this;
        }

        /** A second line under the title (model, run, date); null or blank for none. */
        public Builder subtitle(String text) {
            this.subtitle = text == null || text.isBlank() ? null : text.strip();
            return this;
        }

        public Builder xAxis(Axis axis) {
            this.xAxis = Objects.requireNonNull(axis, "xAxis");
            return this;
        }

        public Builder yAxis(Axis axis) {
            this.yAxis = Objects.requireNonNull(axis, "yAxis");
            return this;
        }

        public Builder addSeries(Series s) {
            series.add(Objects.requireNonNull(s, "series"));
            return this;
        }

        public Builder legend(boolean visible, LegendPosition position) {
            this.legendVisible = visible;
            this.legendPosition = Objects.requireNonNull(position, "legendPosition");
            return this;
        }

        public Builder addMarker(Marker marker) {
            markers.add(Objects.requireNonNull(marker, "marker"));
            return this;
        }

        /** Records one provenance entry (model or data hash, settings); a blank key is refused. */
        public Builder provenance(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("chart '" + id + "': provenance key must not be blank");
            }
            provenance.put(key.strip(), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The matrix of a HEATMAP chart (which has no series). */
        public Builder heat(HeatMatrix matrix) {
            this.heat = Objects.requireNonNull(matrix, "heat");
            return this;
        }

        public ChartSpec build() {
            String where = "chart '" + id + "'";
            if (kind == ChartKind.HEATMAP || heat != null) {
                if (kind != ChartKind.HEATMAP) {
                    throw new IllegalArgumentException(where + ": only a HEATMAP chart has a matrix");
                }
                if (heat == null) {
                    throw new IllegalArgumentException(where + ": a HEATMAP chart needs a matrix");
                }
                if (!series.isEmpty() || !markers.isEmpty() || xAxis.log() || yAxis.log()) {
                    throw new IllegalArgumentException(where + ": a HEATMAP chart has no series, markers or log axes");
                }
                return new ChartSpec(this);
            }
            if (series.isEmpty()) {
                throw new IllegalArgumentException(where + " has no series");
            }
            Set<String> names = new HashSet<>();
            for (Series s : series) {
                if (!names.add(s.name())) {
                    throw new IllegalArgumentException(where + ": two series are named '" + s.name() + "'");
                }
                if (s.isCategorical() != kind.isCategory()) {
                    throw new IllegalArgumentException(where + ": series '" + s.name() + "' has "
                            + (s.isCategorical() ? "category labels" : "numeric x values") + " but a " + kind
                            + " chart needs " + (kind.isCategory() ? "category labels" : "numeric x values"));
                }
            }
            if (kind.isCategory()) {
                checkCategories(where);
            } else {
                for (Series s : series) {
                    if (xAxis.log()) {
                        requirePositive(where, s, "x", s.x());
                    }
                }
            }
            if (yAxis.log()) {
                for (Series s : series) {
                    requirePositive(where, s, "y", s.y());
                }
                if (kind == ChartKind.AREA) {
                    throw new IllegalArgumentException(where + ": an AREA chart fills down to zero and cannot use a"
                            + " log y axis");
                }
            }
            for (Marker m : markers) {
                boolean vertical = m.orientation() == Marker.Orientation.VERTICAL;
                if (vertical && kind.isCategory()) {
                    throw new IllegalArgumentException(where + ": vertical marker '" + m.label() + "' needs a numeric"
                            + " x axis, but " + kind + " has categories");
                }
                Axis axis = vertical ? xAxis : yAxis;
                if (axis.log() && m.value() <= 0) {
                    throw new IllegalArgumentException(where + ": marker '" + m.label() + "' at " + m.value()
                            + " is not positive, but its axis is logarithmic");
                }
            }
            return new ChartSpec(this);
        }

        private void checkCategories(String where) {
            if (xAxis.log()) {
                throw new IllegalArgumentException(where + ": a " + kind + " chart has a category x axis, which cannot"
                        + " be logarithmic");
            }
            Series first = series.get(0);
            Set<String> seen = new HashSet<>();
            for (String c : first.categories()) {
                if (!seen.add(c)) {
                    throw new IllegalArgumentException(where + ": series '" + first.name() + "' repeats category '"
                            + c + "'");
                }
            }
            for (Series s : series) {
                if (!s.categories().equals(first.categories())) {
                    throw new IllegalArgumentException(where + ": series '" + s.name() + "' has categories "
                            + s.categories() + " but series '" + first.name() + "' has " + first.categories()
                            + "; all series of a " + kind + " chart share them");
                }
                if (kind == ChartKind.STACKED_BAR && s.yError().isPresent()) {
                    throw new IllegalArgumentException(where + ": series '" + s.name() + "' has error bars, which a"
                            + " stacked bar chart cannot show");
                }
            }
        }

        private static void requirePositive(String where, Series s, String axis, double[] values) {
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                if (!Double.isNaN(v) && v <= 0) {
                    throw new IllegalArgumentException(where + ": series '" + s.name() + "' has " + axis + "[" + i
                            + "] = " + v + ", which a logarithmic " + axis + " axis cannot show");
                }
            }
        }
    }
}
