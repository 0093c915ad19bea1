package io.plmwb.engine.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.format.InMemoryWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * TEST-ONLY minimal reader of an fp32 safetensors file into {@link InMemoryWeights} (8-byte LE header length, JSON
 * header, data). Stand-in until the real safetensors reader lands on main.
 */
public final class TestSafetensors {
    private TestSafetensors() {
    }

    public static InMemoryWeights read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long hlen = bb.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, (int) hlen, StandardCharsets.UTF_8));
        int base = 8 + (int) hlen;
        InMemoryWeights w = new InMemoryWeights(file);
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            if (!"F32".equals(t.get("dtype").asText())) {
                throw new IOException(file + ": tensor " + e.getKey() + " is " + t.get("dtype") + ", test reader is F32 only");
            }
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            int start = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            float[] v = new float[(end - start) / 4];
            bb.position(base + start);
            bb.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            w.put(e.getKey(), v, shape);
        }
        return w;
    }
}
