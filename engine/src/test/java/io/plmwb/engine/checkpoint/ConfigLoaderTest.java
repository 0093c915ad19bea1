package io.plmwb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.testutil.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void loadsTheFixture() throws Exception {
        ModelConfig c = ConfigLoader.load(Fixtures.hf());
        assertEquals(PlmFamily.ID, c.family());
        assertEquals(512, c.vocabSize());
        assertEquals(256, c.hiddenSize());
        assertEquals(512, c.intermediateSize());
        assertEquals(2, c.numLayers());
        assertEquals(4, c.numHeads());
        assertNull(c.qLoraRank());
        assertEquals(64, c.kvLoraRank());
        assertEquals(48, c.qHeadDim());
        assertEquals(80, c.kvAWidth());
        assertEquals(1 / Math.sqrt(48), c.attentionScale(), 1e-15);
        assertEquals(100000.0, c.ropeTheta());
        assertTrue(c.ropeInterleave());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(509, c.bosTokenId());
        assertEquals(511, c.eosTokenId());
        assertEquals("relu2", c.hiddenAct());
    }

    @Test
    void presetsRoundTripThroughConfigJson() throws Exception {
        for (String name : Presets.names()) {
            ModelConfig p = Presets.byName(name).orElseThrow();
            Path d = dir.resolve(name);
            ConfigLoader.write(p, d);
            assertEquals(p, ConfigLoader.load(d), name);
            assertEquals(p.withSynthetic(true), roundTrip(p.withSynthetic(true), name + "-s"));
        }
    }

    private ModelConfig roundTrip(ModelConfig c, String sub) throws Exception {
        ConfigLoader.write(c, dir.resolve(sub));
        return ConfigLoader.load(dir.resolve(sub).resolve("config.json"));
    }

    /** Writes a modified copy of the fixture config and returns the error loading it gives. */
    private ModelFormatException broken(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Fixtures.hf().resolve("config.json").toFile());
        edit.accept(root);
        Path d = Files.createDirectories(dir.resolve("c" + System.nanoTime()));
        Files.writeString(d.resolve("config.json"), root.toString());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigLoader.load(d));
        assertTrue(e.getMessage().startsWith(d.resolve("config.json").toString()), e.getMessage());
        assertEquals(d.resolve("config.json"), e.file());
        return e;
    }

    private static void contains(ModelFormatException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void unknownModelType() throws Exception {
        contains(broken(r -> r.put("model_type", "deepseek_v3")), "model_type", "deepseek_v3");
        contains(broken(r -> r.remove("model_type")), "missing field model_type");
    }

    @Test
    void missingFields() throws Exception {
        contains(broken(r -> r.remove("hidden_size")), "missing field hidden_size");
        contains(broken(r -> r.remove("kv_lora_rank")), "missing field kv_lora_rank");
        contains(broken(r -> r.putNull("vocab_size")), "missing field vocab_size");
    }

    @Test
    void badTypesAndValues() throws Exception {
        contains(broken(r -> r.put("hidden_size", "256")), "field hidden_size", "whole number");
        contains(broken(r -> r.put("num_hidden_layers", 2.5)), "field num_hidden_layers", "whole number");
        contains(broken(r -> r.put("intermediate_size", -512)), "field intermediate_size", "positive");
        contains(broken(r -> r.put("vocab_size", 1L << 40)), "field vocab_size");
        contains(broken(r -> r.put("rope_theta", "large")), "field rope_theta");
        contains(broken(r -> r.put("qk_rope_head_dim", 15)), "qk_rope_head_dim", "even");
        contains(broken(r -> {
            r.put("model_type", "llama");
            r.put("num_key_value_heads", 3);
        }), "num_key_value_heads 3");
    }

    @Test
    void notAConfigAtAll() throws Exception {
        Path d = Files.createDirectories(dir.resolve("junk"));
        Files.writeString(d.resolve("config.json"), "{\"model_type\": ");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigLoader.load(d));
        contains(e, d.resolve("config.json").toString(), "not valid JSON");
        Files.writeString(d.resolve("config.json"), "[1, 2]");
        contains(assertThrows(ModelFormatException.class, () -> ConfigLoader.load(d)), "JSON object");
        Path none = Files.createDirectories(dir.resolve("none"));
        contains(assertThrows(ModelFormatException.class, () -> ConfigLoader.load(none)), "no config.json");
    }
}
