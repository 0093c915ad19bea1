package io.plmwb.engine.testutil;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths to the shared fixtures (system property {@code plmwb.shared}) and raw file builders. */
public final class Fixtures {

    private Fixtures() {
    }

    /** {@code <shared>/fixtures/gguf/hf}: the tiny PLM checkpoint in HF layout. */
    public static Path hf() {
        String shared = System.getProperty("plmwb.shared", "../../shared");
        Path p = Path.of(shared).resolve("fixtures/gguf/hf").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p.resolve("model.safetensors")), "fixture missing: " + p);
        return p;
    }

    /** Writes a raw safetensors-like file: the given u64 length field, header text, then data bytes. */
    public static Path raw(Path file, long lengthField, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lengthField).put(h).put(data);
        Files.write(file, b.array());
        return file;
    }

    /** Writes a well-formed length field for {@code header}, then header and data. */
    public static Path raw(Path file, String header, byte[] data) throws IOException {
        return raw(file, header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    /** Little-endian fp32 bytes. */
    public static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }
}
