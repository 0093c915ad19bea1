package io.plmwb.views.schedules;

import io.plmwb.experiments.smoothing.Smoothing;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The Schedules workspace's fixed choices: schedule presets and the smoothing labels. */
final class ScheduleChoices {

    private ScheduleChoices() {
    }

    static Map<String, String> presets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("plm-nano recipe (WSDC, linear)", SchedulesViewModel.PLM_NANO_SPEC);
        m.put("plm-nano-cosine recipe (warmup + cosine)", "cosine:warmup=45,decay_end=900,peak=0.002,floor=0.0002");
        m.put("WSDC, cosine decay (100k steps)",
                "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=0.0003,floor=0.00003,shape=cosine");
        m.put("WSD, MiniCPM exponential half-life",
                "wsd:warmup=2000,stable_end=90000,decay_end=100000,peak=0.01,floor=0.001,shape=exponential,"
                        + "half_life=2000");
        m.put("warmup + inverse sqrt", "inverse_sqrt:warmup=4000,peak=0.0007");
        m.put("piecewise (WSDC as segments)",
                "piecewise:init=0,linear@2000=0.0003,constant@80000,cosine@96000=0.00003");
        return Collections.unmodifiableMap(m);
    }

    /** The method a smoothing label names (none for an unknown label). */
    static Smoothing.Method method(String label) {
        for (Smoothing.Method m : Smoothing.Method.values()) {
            if (m.label().equals(label)) {
                return m;
            }
        }
        return Smoothing.Method.NONE;
    }

    /** What the weight slider means for a method: the EMA weight or the moving average's window. */
    static String weightText(Smoothing.Method method, double weight) {
        return switch (method) {
            case NONE -> "off";
            case EMA -> String.format(Locale.ROOT, "weight %.3f", weight);
            case TRAILING, CENTRED -> Smoothing.windowFor(weight) + " points";
        };
    }
}
