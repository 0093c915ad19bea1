package io.plmwb.experiments.sparsity;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved result's layer count is checked against the lists in the file before anything is sized by it (#19). */
class HostileSparsityResultTest {

    @TempDir
    Path tmp;

    @Test
    void aLayerCountTheListsDoNotHoldIsRefusedBeforeAllocating() throws Exception {
        Path f = tmp.resolve("r" + SparsityResultFile.SUFFIX);
        SparsityResultFile.write(SparsityAnalysisTest.result("relu2"), f, false);
        ObjectMapper mapper = new ObjectMapper();
        for (int layers : new int[] {Integer.MAX_VALUE, 1000}) {
            ObjectNode root = (ObjectNode) mapper.readTree(f.toFile());
            ((ObjectNode) root.get("model")).put("layers", layers);
            Path bad = tmp.resolve("bad" + layers + SparsityResultFile.SUFFIX);
            Files.writeString(bad, mapper.writeValueAsString(root));
            SparsityResultFile.BadResultFileException e = assertThrows(
                    SparsityResultFile.BadResultFileException.class, () -> SparsityResultFile.read(bad));
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("model.layers is " + layers), e.getMessage());
        }
    }
}
