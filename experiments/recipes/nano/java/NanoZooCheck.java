import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.reference.ReferenceForward;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Dev check of nano-zoo model folders through the engine's own classes (compiled from engine/src/main/java by
 * verify_with_engine.sh): config.json via ConfigLoader, tensor layout via CheckpointLayout, tokenizer via
 * PlmTokenizer (DJL HuggingFace tokenizers) against parity/ids.json, and ReferenceForward (float64) logits against
 * parity/logits.f32. Exits 1 when a check fails. The real regression test belongs in the engine's tests.
 */
public final class NanoZooCheck {
    public static void main(String[] args) throws Exception {
        boolean ok = true;
        for (String arg : args) {
            Path dir = Path.of(arg);
            ModelConfig cfg = ConfigLoader.load(dir);
            JsonNode meta = new ObjectMapper().readTree(dir.resolve("parity/ids.json").toFile());
            int vocab = meta.get("vocab_size").asInt();
            double tol = meta.get("tolerance_max_abs").asDouble();
            ByteBuffer want = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("parity/logits.f32")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            double worst = 0;
            int tokOk = 0;
            int n = 0;
            try (SafetensorsCheckpoint w = SafetensorsCheckpoint.open(dir); PlmTokenizer tok = PlmTokenizer.load(dir)) {
                CheckpointLayout.validate(w, cfg);
                for (JsonNode p : meta.get("prompts")) {
                    int[] ids = new int[p.get("ids").size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = p.get("ids").get(i).asInt();
                    }
                    n++;
                    if (Arrays.equals(tok.encode(p.get("text").asText()), ids)) {
                        tokOk++;
                    } else {
                        System.out.println("  tokenizer differs on: " + p.get("text").asText() + "\n    engine "
                                + Arrays.toString(tok.encode(p.get("text").asText())) + "\n    recipe "
                                + Arrays.toString(ids));
                    }
                    float[][] got = ReferenceForward.logits(cfg, w, ids);
                    int off = p.get("row_offset").asInt();
                    for (int i = 0; i < ids.length; i++) {
                        for (int v = 0; v < vocab; v++) {
                            float x = want.getFloat(((off + i) * vocab + v) * 4);
                            worst = Math.max(worst, Math.abs(got[i][v] - x));
                        }
                    }
                }
            }
            boolean pass = worst <= tol && tokOk == n;
            ok &= pass;
            System.out.printf("%s %s (%s, %d layers): tokenizer %d/%d prompts equal; ReferenceForward vs "
                    + "parity/logits.f32 max abs %.3e (tolerance %.0e)%n", pass ? "PASS" : "FAIL", dir,
                    cfg.modelType(), cfg.numLayers(), tokOk, n, worst, tol);
        }
        System.exit(ok ? 0 : 1);
    }
}
