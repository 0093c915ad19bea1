package io.plmwb.experiments.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import java.util.List;

/**
 * What a {@link Study} found, immutable. The screen draws {@link #charts(Object)} for the user's selection, Export all
 * and the CLI's {@code --out} write {@link #bundle(Object)} for the same selection, and {@code --json} prints
 * {@link #toJson()}: three views of one report, so they cannot disagree.
 *
 * @param <SEL> what the user has selected on the report (a record; {@link NoSelection} when there is nothing to pick)
 */
public interface StudyReport<SEL> {

    /** Exactly the chart descriptions the screen draws for {@code selection}, in screen order. */
    List<ChartSpec> charts(SEL selection);

    /** Every file Export all and {@code --out} write for {@code selection}. */
    Bundle bundle(SEL selection);

    /** What {@code --json} prints: a fresh object each call. */
    ObjectNode toJson();
}
