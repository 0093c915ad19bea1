package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.study.StudyJson;

/** The one JSON style of every command's {@code --json}: {@link StudyJson}'s, pretty-printed, one object per run. */
final class CliJson {

    private CliJson() {
    }

    /** A new empty object. */
    static ObjectNode object() {
        return StudyJson.object();
    }

    /** The value as pretty-printed JSON text. */
    static String pretty(Object value) {
        return StudyJson.pretty(value);
    }
}
