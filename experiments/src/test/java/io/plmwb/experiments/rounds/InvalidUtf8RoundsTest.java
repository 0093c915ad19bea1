package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One invalid UTF-8 byte in a round file costs only its own line, reported as FILE:LINE (issue #19). */
class InvalidUtf8RoundsTest {

    @TempDir
    Path dir;

    @Test
    void anInvalidByteSkipsOnlyItsLine() throws Exception {
        String header = "{\"type\":\"round\",\"format\":\"plmwb-rounds/1\",\"round\":0,\"name\":\"greedy\","
                + "\"generator\":\"m\",\"tokenizer\":\"m\",\"meta\":{}}\n";
        String p1 = "{\"type\":\"prompt\",\"round\":0,\"id\":\"p1\",\"instruction\":\"Say hi\",\"steps\":[{\"k\":0,"
                + "\"text\":\"hi\",\"tokens\":1,\"scores\":{\"mean_logprob\":-1.0}}],\"chosen\":0}\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(header.getBytes(StandardCharsets.UTF_8));
        b.write(p1.getBytes(StandardCharsets.UTF_8));
        b.write(p1.replace("p1", "p2").replace("Say hi", "Say \u00ff").getBytes(StandardCharsets.ISO_8859_1));
        b.write(p1.replace("p1", "p3").replace("Say hi", "Say bye").getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve("rounds.jsonl");
        Files.write(f, b.toByteArray());
        ImportResult r = NativeRoundsFormat.read(f);
        assertEquals(1, r.rounds().size());
        assertEquals(2, r.rounds().get(0).prompts().size());
        assertEquals(1, r.issues().size(), r.issues().toString());
        assertEquals(f + ":3: invalid UTF-8; line skipped", r.issues().get(0).toString());
        assertTrue(r.rounds().get(0).prompts().stream().anyMatch(p -> p.instruction().equals("Say bye")));
    }
}
