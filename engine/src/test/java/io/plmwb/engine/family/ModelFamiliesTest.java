package io.plmwb.engine.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.FamilyId;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The family registry: exactly plm, llama and qwen2, found by model_type, GGUF architecture and id. */
class ModelFamiliesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void registryListsExactlyTheThreeFamilies() {
        assertEquals(List.of("plm", "llama", "qwen2"), ModelFamilies.names());
        assertEquals(List.of(PlmFamily.INSTANCE, LlamaFamily.INSTANCE, Qwen2Family.INSTANCE), ModelFamilies.all());
        assertEquals(List.of("plm", "edgellm", "llama", "qwen2"), ModelFamilies.modelTypes());
        assertEquals(List.of("plm", "llama", "qwen2"), ModelFamilies.ggufArchitectures());
    }

    @Test
    void lookupByModelTypeArchitectureAndId() {
        assertSame(PlmFamily.INSTANCE, ModelFamilies.byModelType("plm").orElseThrow());
        assertSame(PlmFamily.INSTANCE, ModelFamilies.byModelType("EdgeLLM").orElseThrow());
        assertSame(LlamaFamily.INSTANCE, ModelFamilies.byModelType("llama").orElseThrow());
        assertSame(Qwen2Family.INSTANCE, ModelFamilies.byModelType("qwen2").orElseThrow());
        assertTrue(ModelFamilies.byModelType("mistral").isEmpty());
        assertTrue(ModelFamilies.byModelType(null).isEmpty());
        assertSame(Qwen2Family.INSTANCE, ModelFamilies.byGgufArchitecture("qwen2").orElseThrow());
        assertTrue(ModelFamilies.byGgufArchitecture("edgellm").isEmpty());
        assertSame(LlamaFamily.INSTANCE, ModelFamilies.of(new FamilyId("llama", false)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFamilies.of(new FamilyId("gpt2", false)));
        assertEquals("no model family 'gpt2' is registered (registered: plm, llama, qwen2)", e.getMessage());
    }

    @Test
    void unknownModelTypeGivesTheClearError() throws Exception {
        Path file = Path.of("some/config.json");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigLoader.parse(file,
                JSON.readTree("{\"model_type\":\"mistral\",\"vocab_size\":10}")));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertTrue(e.getMessage().endsWith("unsupported model_type 'mistral' (supported: plm, edgellm, llama, qwen2)"),
                e.getMessage());
    }

    @Test
    void presetsMapToTheirFamilies() {
        assertSame(PlmFamily.INSTANCE, ModelFamilies.of(Presets.byName("plm-1.8b").orElseThrow()));
        assertSame(Qwen2Family.INSTANCE, ModelFamilies.of(Presets.byName("qwen2.5-1.5b").orElseThrow()));
        assertSame(LlamaFamily.INSTANCE, ModelFamilies.of(Presets.byName("llama-3.2-1b").orElseThrow()));
    }

    @Test
    void cacheLayoutsAndAccountingFollowTheFamily() {
        ModelConfig plm = Presets.byName("plm-1.8b").orElseThrow();
        List<CacheTensor> latent = PlmFamily.INSTANCE.cacheTensors(plm, true);
        assertEquals(1, latent.size());
        assertEquals("past.3.latent", latent.get(0).past(3));
        assertArrayEquals(new long[] {1, -1, 576}, latent.get(0).dims());
        assertEquals(1, latent.get(0).seqAxis());
        // PLM-1.8B expanded: 16 heads x (192 key + 128 value); latent 512 + 64
        assertEquals(16L * (192 + 128), PlmFamily.INSTANCE.cacheValuesPerToken(plm, false).getAsLong());
        assertEquals(576L, PlmFamily.INSTANCE.cacheValuesPerToken(plm, true).getAsLong());

        ModelConfig qwen = Presets.byName("qwen2.5-1.5b").orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> Qwen2Family.INSTANCE.cacheTensors(qwen, true));
        assertTrue(Qwen2Family.INSTANCE.cacheValuesPerToken(qwen, true).isEmpty());
        List<CacheTensor> kv = Qwen2Family.INSTANCE.cacheTensors(qwen, false);
        assertEquals(List.of("present.0.key", "present.0.value"), kv.stream().map(t -> t.present(0)).toList());
        assertArrayEquals(new long[] {1, 2, -1, 128}, kv.get(0).dims());
        assertEquals(2, kv.get(0).seqAxis());

        // qwen2.5-1.5b attention per layer: q 1536x1536 + 1536 bias, k and v 256x1536 + 256, o 1536x1536
        Map<String, Long> p = Qwen2Family.INSTANCE.perLayerParameters(qwen);
        assertEquals(List.of("input_layernorm", "q_proj", "k_proj", "v_proj", "o_proj", "post_attention_layernorm",
                "gate_proj", "up_proj", "down_proj"), List.copyOf(p.keySet()));
        assertEquals(1536L * 1536 + 1536, p.get("q_proj"));
        assertEquals(256L * 1536 + 256, p.get("k_proj"));
        assertEquals(8960L * 1536, p.get("gate_proj"));
        // the published PLM-1.8B total (../shared/reference/plm.md)
        assertEquals(1_825_458_176L, ArchitectureSummary.of(plm).total());
    }

    @Test
    void prefillFlopsUseTheFamilysAttention() {
        ModelConfig plm = Presets.byName("plm-1.8b").orElseThrow();
        // per layer: 2·(13,763,072 attention + 33,554,432 MLP parameters) = 94,635,008; head 2·151936·2048
        // latent: − 2·kv_b (2,097,152) + 2·16·128·512 (q·W_UK) + 2·16·576·2 (scores, p·rows) + 2·16·512·128 (·W_UV)
        assertEquals(32 * 94_671_872.0 + 622_329_856.0,
                io.plmwb.engine.bench.ModelCost.prefillFlops(plm, io.plmwb.engine.graph.CacheMode.LATENT, 1, 0));
        // expanded: + 2·16·(192 + 128)
        assertEquals(32 * 94_645_248.0 + 622_329_856.0,
                io.plmwb.engine.bench.ModelCost.prefillFlops(plm, io.plmwb.engine.graph.CacheMode.EXPANDED, 1, 0));
    }
}
