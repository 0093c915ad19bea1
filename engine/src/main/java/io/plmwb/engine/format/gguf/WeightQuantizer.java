package io.plmwb.engine.format.gguf;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import java.nio.ByteBuffer;

/**
 * Turns one linear weight of any checkpoint into a {@link Quantizer.NBits} for {@code MatMulNBits}, mapping GGUF
 * blocks directly where the layouts match and re-quantizing otherwise, and says what that cost.
 *
 * <p>Rules (32-value blocks, symmetric, ggml's reference rounding):
 * <ul>
 *   <li>GGUF Q8_0 → 8-bit, GGUF Q4_0 → 4-bit: direct, lossless, whatever the target width;</li>
 *   <li>GGUF Q4_K → 4-bit with fp32 zero points (q4 target): direct, exact up to fp32 rounding of min/scale;</li>
 *   <li>fp32/fp16/bf16 weights (safetensors or GGUF) → the target width ({@code q8}: 8, {@code q4}: 4);</li>
 *   <li>other GGUF types are dequantized and re-quantized: Q4_K/Q4_1 (≤ 5 bits per weight) to the target width,
 *       Q5_0/Q5_1/Q5_K/Q6_K (more than 5 bits) to 8 bits, so a mixed file such as Q4_K_M keeps its higher-precision
 *       tensors above 4 bits as llama.cpp chose them.</li>
 * </ul>
 */
public final class WeightQuantizer {

    private WeightQuantizer() {
    }

    /**
     * One quantized tensor and its provenance.
     *
     * @param name        HF tensor name
     * @param nbits       the quantized weight
     * @param source      the stored type ("Q8_0", "Q4_K", "F32", …)
     * @param direct      true when GGUF blocks were mapped without re-quantizing
     * @param maxAbsError max |quantized − source value| (0 when direct)
     * @param rmsError    root-mean-square of that difference
     * @param rmsWeight   root-mean-square of the source values (to read rmsError relative to it)
     */
    public record Result(String name, Quantizer.NBits nbits, String source, boolean direct, double maxAbsError,
                         double rmsError, double rmsWeight) {
    }

    /**
     * Quantizes tensor {@code name} ({@code [n, k]}, PyTorch order) of {@code weights} for a {@code targetBits} graph.
     *
     * @throws ModelFormatException when the tensor is unreadable
     * @throws IllegalArgumentException when {@code k} is not a multiple of 32
     */
    public static Result quantize(WeightSource weights, String name, int n, int k, int targetBits)
            throws ModelFormatException {
        if (targetBits != 8 && targetBits != 4) {
            throw new IllegalArgumentException("target bits must be 8 or 4, got " + targetBits);
        }
        if (k % Quantizer.NBits.BLOCK != 0) {
            throw new IllegalArgumentException(name + ": rows of " + k + " values are not a multiple of 32");
        }
        GgmlType type = null;
        if (weights instanceof GgufWeights g) {
            type = g.ggmlType(name).orElse(null);
            if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
                GgufTensor t = g.tensor(name).orElseThrow();
                ByteBuffer b = g.file().bytes(t.name());
                Quantizer.NBits nb = Quantizer.toNBits(type, b, n, k);
                return new Result(name, nb, type.name(), true, 0, 0, Double.NaN);
            }
            if (type == GgmlType.Q4_K && targetBits == 4) {
                GgufTensor t = g.tensor(name).orElseThrow();
                Quantizer.NBits nb = Quantizer.toNBits(type, g.file().bytes(t.name()), n, k);
                return error(name, nb, type.name(), true, weights.readFloats(name));
            }
        }
        String source = type != null ? type.name()
                : weights.info(name).map(i -> i.dtype().name()).orElse("F32");
        int bits = targetBits;
        if (type != null && type.quantized() && type.bitsPerWeight() > 5) {
            bits = 8;
        }
        float[] w = weights.readFloats(name);
        return error(name, Quantizer.nbits(w, n, k, bits), source, false, w);
    }

    private static Result error(String name, Quantizer.NBits nb, String source, boolean direct, float[] w) {
        float[] back = nb.dequantize();
        double max = 0;
        double se = 0;
        double sw = 0;
        for (int i = 0; i < w.length; i++) {
            double d = back[i] - w[i];
            max = Math.max(max, Math.abs(d));
            se += d * d;
            sw += (double) w[i] * w[i];
        }
        return new Result(name, nb, source, direct, max, Math.sqrt(se / w.length), Math.sqrt(sw / w.length));
    }
}
