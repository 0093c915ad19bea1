package io.plmwb.engine.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.format.DType;
import io.plmwb.engine.format.HalfFloat;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.SafetensorsFile;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.ChatMessage;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCheckpointTest {

    @TempDir
    Path dir;

    /** A small PLM-shaped architecture (MLA, relu2, tied). */
    static ModelConfig tinyPlm(int vocab) {
        return new ModelConfig(PlmFamily.ID, "plm", vocab, 64, 128, 2, 2, 2, 24, null, 32, 16, 8, 16, "relu2", 128,
                100000.0, true, 1e-6, true, false, "float32", null, null, false, null);
    }

    /** Records what a task reports and cancels after a number of progress calls. */
    static final class Recorder implements TaskContext {
        final List<double[]> progress = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final int cancelAfter;

        Recorder(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void progress(double done, double total) {
            progress.add(new double[] {done, total});
        }

        @Override
        public void message(String message) {
            messages.add(message);
        }

        @Override
        public boolean isCancelled() {
            return cancelAfter >= 0 && progress.size() >= cancelAfter;
        }
    }

    @Test
    void smallPlmCheckpointIsCompleteAndValid() throws Exception {
        Path out = dir.resolve("tiny");
        Recorder rec = new Recorder(-1);
        ModelConfig written = SyntheticCheckpoint.write(tinyPlm(300), out, 0, 42, rec);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(Set.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json",
                    "tokenizer_config.json"), s.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()));
        }
        ModelConfig c = ConfigLoader.load(out);
        assertTrue(c.synthetic());
        assertEquals(written, c);
        assertEquals(2, c.numLayers());
        assertEquals("bfloat16", c.torchDtype());
        assertEquals(256, c.bosTokenId());
        assertEquals(258, c.eosTokenId());
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            CheckpointLayout.Report r = CheckpointLayout.validate(ck, c);
            assertEquals(List.of(), r.extras());
            assertEquals("true", ck.files().get(0).metadata().get("plmwb_synthetic"));
            assertEquals("pt", ck.files().get(0).metadata().get("format"));
            long numel = 0;
            for (String n : ck.names()) {
                assertEquals(DType.BF16, ck.info(n).orElseThrow().dtype(), n);
                numel += ck.info(n).orElseThrow().numel();
                float[] v = ck.readFloats(n);
                for (float x : v) {
                    assertEquals(x, HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(x)), "bf16-exact");
                }
                if (n.endsWith("norm.weight")) {
                    for (float x : v) {
                        assertEquals(1.0f, x, n);
                    }
                }
            }
            assertEquals(Files.size(out.resolve("model.safetensors")), ck.files().get(0).fileOffset(
                    "model.embed_tokens.weight") + 2 * numel);
            float[] emb = ck.readFloats("model.embed_tokens.weight");
            double mean = Arrays.stream(toDouble(emb)).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(toDouble(emb)).map(x -> (x - mean) * (x - mean)).sum() / emb.length);
            assertEquals(0.0, mean, 0.001);
            assertEquals(0.02, sd, 0.0005); // 19,200 samples: 4 standard errors ≈ 0.0004
        }
        assertFalse(rec.messages.isEmpty());
        double[] last = rec.progress.get(rec.progress.size() - 1);
        assertEquals(last[1], last[0]);
        assertEquals(Files.size(out.resolve("model.safetensors")), last[1], 4096); // bytes of tensor data
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void sameSeedSameBytesAndLayersAreShared() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        Path one = dir.resolve("one");
        SyntheticCheckpoint.write(tinyPlm(300), a, 0, 7, TaskContext.none());
        SyntheticCheckpoint.write(tinyPlm(300), b, 0, 7, TaskContext.none());
        SyntheticCheckpoint.write(tinyPlm(300), c, 0, 8, TaskContext.none());
        SyntheticCheckpoint.write(tinyPlm(300), one, 1, 7, TaskContext.none());
        assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")),
                Files.readAllBytes(b.resolve("model.safetensors")));
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("model.safetensors")),
                Files.readAllBytes(c.resolve("model.safetensors"))));
        assertEquals(1, ConfigLoader.load(one).numLayers());
        try (SafetensorsFile fa = SafetensorsFile.open(a.resolve("model.safetensors"));
                SafetensorsFile f1 = SafetensorsFile.open(one.resolve("model.safetensors"))) {
            assertEquals(2 + 9, f1.names().size());
            for (String n : f1.names()) {
                assertArrayEquals(fa.readFloats(n), f1.readFloats(n), n);
            }
            assertFalse(Arrays.equals(fa.readFloats("model.layers.0.mlp.up_proj.weight"),
                    fa.readFloats("model.layers.1.mlp.up_proj.weight")), "each tensor has its own stream");
        }
    }

    @Test
    void byteLevelTokenizerLoadsInDjl() throws Exception {
        Path out = dir.resolve("tok");
        SyntheticCheckpoint.write(tinyPlm(300), out, 1, 1, TaskContext.none());
        try (PlmTokenizer t = PlmTokenizer.load(out)) {
            assertArrayEquals(new int[] {104, 105}, t.encode("hi"));
            assertArrayEquals(new int[] {256, 257, 258}, t.encode("<|endoftext|><|im_start|><|im_end|>"));
            assertEquals(258, t.eosId().getAsInt());
            assertEquals(Set.of(258, 256), t.stopIds());
            assertTrue(t.chatTemplateWarning().isEmpty(), t.chatTemplateWarning().orElse(""));
            String s = "Grüße, 世界 🙂 — tabs\tand\nnewlines  ";
            int[] ids = t.encode(s);
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, ids.length); // one token per byte
            assertEquals(s, t.decode(ids, false));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int id : ids) {
                assertTrue(id < 256);
                bytes.writeBytes(t.tokenBytes(id));
            }
            assertEquals(s, bytes.toString(StandardCharsets.UTF_8));
            int[] chat = t.encodeChat(List.of(ChatMessage.user("x")), true);
            assertEquals(257, chat[0]);
            assertEquals("user\nx\nassistant\n", t.decode(chat, true));
        }
    }

    @Test
    void largeVocabularyUsesQwenSpecialIds() throws Exception {
        ModelConfig wide = new ModelConfig(PlmFamily.ID, "plm", 151936, 8, 16, 1, 1, 1, 6, null, 4, 4, 2, 4,
                "relu2", 64, 100000.0, true, 1e-6, true, false, "float32", null, null, false, null);
        Path out = dir.resolve("wide");
        ModelConfig c = SyntheticCheckpoint.write(wide, out, 0, 3, TaskContext.none());
        assertEquals(151643, c.bosTokenId());
        assertEquals(151645, c.eosTokenId());
        try (PlmTokenizer t = PlmTokenizer.load(out)) {
            assertArrayEquals(new int[] {151644, 117, 115, 101, 114, 10}, t.encode("<|im_start|>user\n"));
            assertArrayEquals(new int[] {151645, 151643}, t.encode("<|im_end|><|endoftext|>"));
            assertEquals("<|im_end|>", t.tokenText(151645));
            assertEquals(151646, t.vocabSize());
            assertEquals("", t.decode(new int[] {151700}, false)); // padding rows decode to nothing
        }
        assertTrue(Files.readString(out.resolve("generation_config.json")).contains("151645"));
    }

    @Test
    void gqaFamiliesGetBiasesAndGates() throws Exception {
        ModelConfig qwen = new ModelConfig(Qwen2Family.ID, "qwen2", 320, 32, 64, 1, 4, 2, 8, null, 0, 0, 0, 8,
                "silu", 128, 1e6, false, 1e-6, false, true, "bfloat16", null, null, false, null);
        Path out = dir.resolve("qwen");
        ModelConfig c = SyntheticCheckpoint.write(qwen, out, 0, 5, TaskContext.none());
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            CheckpointLayout.validate(ck, ConfigLoader.load(out));
            assertEquals(c, ConfigLoader.load(out));
            assertArrayEquals(new float[16], ck.readFloats("model.layers.0.self_attn.k_proj.bias"));
            assertArrayEquals(new long[] {320, 32}, ck.info("lm_head.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {64, 32}, ck.info("model.layers.0.mlp.gate_proj.weight").orElseThrow()
                    .shape());
        }
        ModelConfig llama = Presets.byName("llama-3.2-1b").orElseThrow();
        assertEquals(256, SyntheticCheckpoint.firstSpecialId(llama.vocabSize())); // 128256 < 151646
        assertEquals(151643, SyntheticCheckpoint.firstSpecialId(Presets.byName("plm-1.8b").orElseThrow()
                .vocabSize()));
        assertThrows(IllegalArgumentException.class, () -> SyntheticCheckpoint.write(tinyPlm(200),
                dir.resolve("small"), 0, 1, TaskContext.none()));
        assertFalse(Files.exists(dir.resolve("small")));
    }

    @Test
    void refusesToWriteIntoUserData() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertThrows(DirectoryNotEmptyException.class, () -> SyntheticCheckpoint.write(tinyPlm(300), full, 0, 1,
                TaskContext.none()));
        try (Stream<Path> s = Files.list(full)) {
            assertEquals(1, s.count());
        }
        assertEquals("mine", Files.readString(full.resolve("notes.txt")));
        Path file = Files.writeString(dir.resolve("afile"), "mine");
        assertThrows(java.nio.file.NotDirectoryException.class, () -> SyntheticCheckpoint.write(tinyPlm(300), file,
                0, 1, TaskContext.none()));
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void cancellationRemovesPartialOutput() throws Exception {
        Path fresh = dir.resolve("fresh");
        Recorder rec = new Recorder(4);
        assertThrows(CancellationException.class, () -> SyntheticCheckpoint.write(tinyPlm(300), fresh, 0, 1, rec));
        assertFalse(Files.exists(fresh), "a folder the task created is removed");
        assertTrue(rec.progress.size() >= 4);

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThrows(CancellationException.class, () -> SyntheticCheckpoint.write(tinyPlm(300), empty, 0, 1,
                new Recorder(2)));
        assertTrue(Files.isDirectory(empty), "a folder the user made stays");
        try (Stream<Path> s = Files.list(empty)) {
            assertEquals(0, s.count());
        }
    }
}
