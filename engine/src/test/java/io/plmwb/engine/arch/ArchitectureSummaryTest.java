package io.plmwb.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsFile;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** Checks the summary against figures worked out independently (plm.md, the published model cards). */
class ArchitectureSummaryTest {

    private static ArchitectureSummary preset(String name) {
        return ArchitectureSummary.of(Presets.byName(name).orElseThrow());
    }

    @Test
    void plm18bParameters() {
        ArchitectureSummary s = preset("plm-1.8b");
        assertEquals(1_825_458_176L, s.total());
        assertEquals(47_321_600L, s.perLayer());
        assertEquals(311_164_928L, s.embedding());
        assertEquals(0, s.lmHead());
        assertEquals(13_763_072L, s.perLayerAttention());
        assertEquals(33_554_432L, s.perLayerMlp());
        assertEquals(4_096L, s.perLayerNorms());
        assertEquals(6_291_456L, s.perLayerTensors().get("q_proj"));
        assertEquals(1_179_648L, s.perLayerTensors().get("kv_a_proj_with_mqa"));
        assertEquals(2_097_152L, s.perLayerTensors().get("kv_b_proj"));
        assertEquals(1_514_291_200L, s.perLayer() * 32);
        assertEquals(3_650_916_352L, s.weightBytes(StorageType.BF16));
    }

    @Test
    void plm18bKvBytesPerToken() {
        ArchitectureSummary s = preset("plm-1.8b");
        assertEquals(36_864L, s.kvBytesPerToken(KvLayout.LATENT, StorageType.BF16).getAsLong());
        assertEquals(327_680L, s.kvBytesPerToken(KvLayout.EXPANDED, StorageType.BF16).getAsLong());
        assertEquals(262_144L, s.kvBytesPerToken(KvLayout.MHA, StorageType.BF16).getAsLong());
        assertEquals(65_536L, s.kvBytesPerToken(KvLayout.GQA, StorageType.BF16).getAsLong());
        assertEquals(144L * 1024 * 1024, s.kvBytes(KvLayout.LATENT, StorageType.BF16, 4096).getAsLong());
        assertEquals(1280L * 1024 * 1024, s.kvBytes(KvLayout.EXPANDED, StorageType.BF16, 4096).getAsLong());
    }

    @Test
    void peerPresets() {
        assertEquals(1_543_714_304L, preset("qwen2.5-1.5b").total());
        assertEquals(1_235_814_400L, preset("llama-3.2-1b").total());
        assertFalse(preset("qwen2.5-1.5b").kvBytesPerToken(KvLayout.LATENT, StorageType.BF16).isPresent());
        // Qwen2.5-1.5B: 28 layers × 2 KV heads × 128 × (K+V) × 2 bytes
        assertEquals(28L * 2 * 128 * 2 * 2, preset("qwen2.5-1.5b").kvBytesPerToken(KvLayout.EXPANDED,
                StorageType.BF16).getAsLong());
    }

    @Test
    void fixtureTotalEqualsTheTensorsInItsFile() throws Exception {
        ModelConfig c = ConfigLoader.load(Fixtures.hf());
        long numel = 0;
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.hf().resolve("model.safetensors"))) {
            for (String n : f.names()) {
                numel += f.info(n).orElseThrow().numel();
            }
        }
        assertEquals(numel, ArchitectureSummary.of(c).total());
        assertEquals(894_336L, numel);
    }
}
