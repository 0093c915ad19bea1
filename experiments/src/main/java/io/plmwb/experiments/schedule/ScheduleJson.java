package io.plmwb.experiments.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The JSON form of schedule parameters shared by the schedule reports. */
final class ScheduleJson {

    private ScheduleJson() {
    }

    /** Writes schedule parameters with the spec's names: whole numbers as integers, other numbers as doubles. */
    static void parameters(ObjectNode node, Map<String, Object> params) {
        params.forEach((k, v) -> {
            if (v instanceof Double d) {
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    node.put(k, d.longValue());
                } else {
                    node.put(k, d);
                }
            } else if (v == null) {
                node.putNull(k);
            } else {
                node.put(k, v.toString());
            }
        });
    }
}
