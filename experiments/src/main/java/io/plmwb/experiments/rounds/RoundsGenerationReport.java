package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** What {@link RoundsGenerationStudy} generated and wrote. Immutable; it draws no chart. */
public final class RoundsGenerationReport implements StudyReport<NoSelection> {

    private final RoundsGenerationStudy.Settings settings;
    private final Round round;
    private final List<Round> written;
    private final List<ImportIssue> issues;
    private final boolean synthetic;
    private final double seconds;

    RoundsGenerationReport(RoundsGenerationStudy.Settings settings, Round round, List<Round> written,
            List<ImportIssue> issues, boolean synthetic, double seconds) {
        this.settings = settings;
        this.round = round;
        this.written = List.copyOf(written);
        this.issues = List.copyOf(issues);
        this.synthetic = synthetic;
        this.seconds = seconds;
    }

    public RoundsGenerationStudy.Settings settings() {
        return settings;
    }

    /** The generated round. */
    public Round round() {
        return round;
    }

    /** Lines of the prompt file that were skipped. */
    public List<ImportIssue> issues() {
        return issues;
    }

    /** True when the checkpoint had random weights (the text is noise). */
    public boolean synthetic() {
        return synthetic;
    }

    /** Seconds spent generating (after loading). */
    public double seconds() {
        return seconds;
    }

    /** Prompts that got a chosen/rejected pair. */
    public long pairs() {
        return round.prompts().stream().filter(p -> p.pair() != null).count();
    }

    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of();
    }

    /** The rounds file as written (the rounds already in it when appending, then the new one). */
    @Override
    public Bundle bundle(NoSelection selection) {
        StringWriter w = new StringWriter();
        try {
            NativeRoundsFormat.write(w, written);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Bundle.builder().text(settings.out().getFileName().toString(), w.toString()).build();
    }

    /** One line: where, how many prompts × steps, pairs, rule and time. */
    public String text() {
        return String.format(Locale.ROOT, "wrote %s: %d prompts × %d steps, %d pairs by %s, %.1f s", settings.out(),
                round.prompts().size(), settings.generation().steps() + 1, pairs(),
                settings.generation().rule().name(), seconds);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = StudyJson.object();
        o.put("out", settings.out().toString());
        o.put("round", round.name());
        o.put("index", round.index());
        o.put("prompts", round.prompts().size());
        o.put("steps", settings.generation().steps());
        o.put("rule", settings.generation().rule().name());
        o.put("seconds", Math.round(seconds * 100) / 100.0);
        ArrayNode ps = o.putArray("pairs");
        for (RoundPrompt p : round.prompts()) {
            ObjectNode po = ps.addObject();
            po.put("id", p.id());
            po.put("steps", p.steps().size());
            if (p.pair() != null) {
                po.put("chosen", p.pair().chosenStep());
                po.put("rejected", p.pair().rejectedStep());
            } else {
                po.putNull("chosen");
                po.putNull("rejected");
            }
            ArrayNode lp = po.putArray("mean_logprob");
            for (RefinementStep s : p.steps()) {
                Double v = s.score(SelectionRule.MEAN_LOGPROB);
                if (v == null) {
                    lp.addNull();
                } else {
                    lp.add(v);
                }
            }
        }
        return o;
    }
}
