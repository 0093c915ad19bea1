package io.plmwb.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON style of every command's {@code --json}: pretty-printed, one object per run. */
final class CliJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private CliJson() {
    }

    /** A new empty object. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The value as pretty-printed JSON text. */
    static String pretty(Object value) throws JsonProcessingException {
        return PRETTY.writeValueAsString(value);
    }
}
