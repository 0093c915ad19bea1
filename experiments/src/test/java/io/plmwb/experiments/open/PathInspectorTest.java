package io.plmwb.experiments.open;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathInspectorTest {

    @TempDir
    Path dir;

    private static final String PLM_CONFIG = """
            {"model_type":"plm","vocab_size":512,"hidden_size":256,"intermediate_size":512,
             "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":4,"kv_lora_rank":64,
             "qk_nope_head_dim":32,"qk_rope_head_dim":16,"v_head_dim":32,"hidden_act":"relu2"}""";

    @Test
    void nonexistentPathIsNamed() {
        Path missing = dir.resolve("nope");
        UnopenablePathException e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void emptyFolderSaysItIsEmpty() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        UnopenablePathException e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void binaryFileOfTheWrongKindIsRecognised() throws Exception {
        Path png = dir.resolve("weights.csv");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13});
        UnopenablePathException e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(png));
        assertTrue(e.getMessage().contains("PNG image"), e.getMessage());

        Path junk = dir.resolve("data.json");
        Files.write(junk, new byte[] {1, 2, 3, 0, 5, 6, 7, 8});
        e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(junk));
        assertTrue(e.getMessage().contains("binary data"), e.getMessage());
    }

    @Test
    void emptyFileAndFakeGgufAreRefused() throws Exception {
        Path empty = Files.createFile(dir.resolve("log.csv"));
        assertTrue(assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(empty))
                .getMessage().contains("empty"));
        Path fake = dir.resolve("m.gguf");
        Files.writeString(fake, "not really");
        assertTrue(assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(fake))
                .getMessage().contains("GGUF magic"));
    }

    @Test
    void checkpointFolderAndItsFilesOpenAsTheFolder() throws Exception {
        Path ckpt = Files.createDirectory(dir.resolve("plm-tiny"));
        Files.writeString(ckpt.resolve("config.json"), PLM_CONFIG);
        Files.write(ckpt.resolve("model.safetensors"), new byte[16]);
        for (Path p : new Path[] {ckpt, ckpt.resolve("config.json"), ckpt.resolve("model.safetensors")}) {
            OpenTarget t = PathInspector.inspect(p);
            assertEquals(PathKind.HF_CHECKPOINT, t.kind());
            assertEquals(ckpt.toAbsolutePath().normalize(), t.path());
            assertTrue(t.detail().contains("2 layers"), t.detail());
        }
    }

    @Test
    void brokenConfigIsExplained() throws Exception {
        Path ckpt = Files.createDirectory(dir.resolve("broken"));
        Files.writeString(ckpt.resolve("config.json"), "{\"model_type\":\"gpt_neox\",\"vocab_size\":10}");
        UnopenablePathException e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(ckpt));
        assertTrue(e.getMessage().contains("unsupported model_type 'gpt_neox'"), e.getMessage());
    }

    @Test
    void dataFilesAreRecognised() throws Exception {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "step,lr\n1,0.1\n");
        assertEquals(PathKind.TABLE, PathInspector.inspect(csv).kind());
        Path jsonl = dir.resolve("rounds.jsonl");
        Files.writeString(jsonl, "{\"prompt\":\"x\"}\n");
        assertEquals(PathKind.JSON_DATA, PathInspector.inspect(jsonl).kind());
        Path gguf = dir.resolve("m.gguf");
        Files.write(gguf, "GGUF\u0003\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(PathKind.GGUF_MODEL, PathInspector.inspect(gguf).kind());
        Path folder = Files.createDirectory(dir.resolve("gguf-folder"));
        Files.copy(gguf, folder.resolve("only.gguf"));
        assertEquals(PathKind.GGUF_MODEL, PathInspector.inspect(folder).kind());
    }

    @Test
    void folderWithoutConfigIsNotAModel() throws Exception {
        Path d = Files.createDirectory(dir.resolve("notes"));
        Files.writeString(d.resolve("readme.txt"), "hello");
        UnopenablePathException e = assertThrows(UnopenablePathException.class, () -> PathInspector.inspect(d));
        assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
    }
}
