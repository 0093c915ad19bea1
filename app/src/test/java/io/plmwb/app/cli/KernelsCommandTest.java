package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code workbench kernels} on a small weight: every kernel runs on this ORT, errors in the expected order. */
class KernelsCommandTest {

    @Test
    void everyKernelRunsAndTheErrorsAreOrdered() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("kernels", "--n", "64", "--k", "128", "--m", "1", "--reps", "1",
                "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Map<String, Double> err = new HashMap<>();
        j.get("results").forEach(x -> err.put(x.get("variant").asText(), x.get("max_abs_error").asDouble()));
        assertEquals(9, err.size());
        assertEquals(0.0, err.get("fp32 Gemm"));
        // 8-bit blocks are ~16x finer than 4-bit ones; the fp32-compute paths see only the weight error
        assertTrue(err.get("MatMulNBits 8-bit acc0") * 4 < err.get("MatMulNBits 4-bit acc0"), err.toString());
        assertTrue(err.get("MatMulNBits 8-bit acc0") > 0, err.toString());
        assertEquals(err.get("MatMulNBits 8-bit acc0"), err.get("int8 DequantizeLinear(block 32) + Gemm"), 1e-5);
        assertEquals(2, WorkbenchCliTest.run("kernels", "--k", "100").code());
    }
}
