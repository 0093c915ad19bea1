package io.plmwb.engine.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.plmwb.engine.format.gguf.Quantizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which ONNX Runtime kernel runs a block-quantized linear layer fastest here: one-node (or few-node) graphs
 * {@code Y[m, n] = A[m, k] · Wᵀ} with the same random W held as fp32 (Gemm, the baseline), as
 * {@code com.microsoft.MatMulNBits} 8-bit and 4-bit with 32-value blocks (accuracy_level 0: fp32 compute on
 * dequantized blocks; 4: int8 compute on dynamically quantized activations), as int8 + {@code DequantizeLinear}
 * (opset 21, blocked) feeding a Gemm, and as {@code DynamicQuantizeLinear + MatMulInteger} (int8 weights with one
 * scale per output column: the only scale granularity MatMulInteger takes). Each variant reports its best time and
 * its max abs error against the fp32 product.
 */
public final class QuantKernelProbe {

    private QuantKernelProbe() {
    }

    /**
     * One measured variant.
     *
     * @param variant     name ("fp32 Gemm", "MatMulNBits 8-bit acc4", …)
     * @param m           activation rows
     * @param bestMs      best run
     * @param weightBytes bytes of the weight as the kernel holds it
     * @param maxAbsError max |Y − Y_fp32|
     * @param speedup     fp32 time / this time (same run)
     */
    public record Result(String variant, int m, int n, int k, double bestMs, long weightBytes, double maxAbsError,
                         double speedup) {
    }

    /** Measures every variant for each {@code m}, with {@code threads} intra-op threads, best of {@code reps}. */
    public static List<Result> measure(int[] ms, int n, int k, int threads, int reps) throws OrtException {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment env = io.plmwb.engine.Ort.environment();
        SplittableRandom r = new SplittableRandom(5);
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        Quantizer.NBits q8 = Quantizer.nbits(w, n, k, 8);
        Quantizer.NBits q4 = Quantizer.nbits(w, n, k, 4);
        List<Variant> variants = List.of(
                new Variant("fp32 Gemm", fp32(w, n, k), 4L * n * k),
                new Variant("MatMulNBits 8-bit acc0", nbits(q8, 0), q8.bytes()),
                new Variant("MatMulNBits 8-bit acc4", nbits(q8, 4), q8.bytes()),
                new Variant("MatMulNBits 4-bit acc0", nbits(q4, 0), q4.bytes()),
                new Variant("MatMulNBits 4-bit acc4", nbits(q4, 4), q4.bytes()),
                new Variant("MatMulNBits 8-bit acc4, pre-packing off", nbits(q8, 4), q8.bytes(), true),
                new Variant("MatMulNBits 4-bit acc4, pre-packing off", nbits(q4, 4), q4.bytes(), true),
                new Variant("int8 DequantizeLinear(block 32) + Gemm", dqLinear(q8), (long) n * k + 4L * n * k / 32),
                new Variant("DynamicQuantizeLinear + MatMulInteger (per-column scale)", matMulInteger(w, n, k),
                        (long) n * k + 4L * n));
        List<Result> out = new ArrayList<>();
        for (int m : ms) {
            float[] a = new float[m * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
            float[] ref = null;
            double baseMs = 0;
            for (Variant v : variants) {
                try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                    so.setIntraOpNumThreads(threads);
                    so.setInterOpNumThreads(1);
                    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    if (v.noPrepack) {
                        so.addConfigEntry("session.disable_prepacking", "1");
                    }
                    try (OrtSession s = env.createSession(v.model, so);
                         OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {m, k})) {
                        double best = Double.MAX_VALUE;
                        float[] y = null;
                        for (int i = 0; i <= reps; i++) {
                            long t0 = System.nanoTime();
                            try (OrtSession.Result res = s.run(Map.of("A", in))) {
                                if (i == 0) {
                                    FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
                                    y = new float[fb.remaining()];
                                    fb.get(y);
                                }
                            }
                            double t = (System.nanoTime() - t0) / 1e6;
                            if (i > 0) {
                                best = Math.min(best, t);
                            }
                        }
                        if (ref == null) {
                            ref = y;
                            baseMs = best;
                        }
                        double err = 0;
                        for (int i = 0; i < y.length; i++) {
                            err = Math.max(err, Math.abs(y[i] - ref[i]));
                        }
                        out.add(new Result(v.name, m, n, k, best, v.bytes, err, baseMs / best));
                    }
                }
            }
        }
        return out;
    }

    private record Variant(String name, byte[] model, long bytes, boolean noPrepack) {
        Variant(String name, byte[] model, long bytes) {
            this(name, model, bytes, false);
        }
    }

    private static TensorProto tensor(String name, TensorProto.DataType t, byte[] raw, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static AttributeProto ia(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static NodeProto node(String op, String domain, String[] in, String out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(out).setDomain(domain).addOutput(out);
        for (String i : in) {
            b.addInput(i);
        }
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    private static byte[] model(GraphProto.Builder g, int k, int n, int opset) {
        g.setName("quant_probe").addInput(io("A", k)).addOutput(io("Y", n));
        return ModelProto.newBuilder().setIrVersion(10).setProducerName("plm-workbench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setGraph(g).build().toByteArray();
    }

    private static byte[] fp32(float[] w, int n, int k) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(tensor("W", TensorProto.DataType.FLOAT, floats(w), n, k))
                .addNode(node("Gemm", "", new String[] {"A", "W"}, "Y", ia("transB", 1)));
        return model(g, k, n, 17);
    }

    private static byte[] nbits(Quantizer.NBits q, int accuracy) {
        int kb = q.k() / 32;
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(tensor("B", TensorProto.DataType.UINT8, q.blob(), q.n(), kb, 32L * q.bits() / 8))
                .addInitializer(tensor("S", TensorProto.DataType.FLOAT, floats(q.scales()), (long) q.n() * kb))
                .addNode(node("MatMulNBits", "com.microsoft", new String[] {"A", "B", "S"}, "Y", ia("K", q.k()),
                        ia("N", q.n()), ia("bits", q.bits()), ia("block_size", 32), ia("accuracy_level", accuracy)));
        return model(g, q.k(), q.n(), 17);
    }

    private static byte[] dqLinear(Quantizer.NBits q8) {
        byte[] s8 = new byte[q8.blob().length];
        for (int i = 0; i < s8.length; i++) {
            s8[i] = (byte) ((q8.blob()[i] & 0xFF) - 128);
        }
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(tensor("Wq", TensorProto.DataType.INT8, s8, q8.n(), q8.k()))
                .addInitializer(tensor("S", TensorProto.DataType.FLOAT, floats(q8.scales()), q8.n(), q8.k() / 32))
                .addNode(node("DequantizeLinear", "", new String[] {"Wq", "S"}, "W", ia("axis", 1),
                        ia("block_size", 32)))
                .addNode(node("Gemm", "", new String[] {"A", "W"}, "Y", ia("transB", 1)));
        return model(g, q8.k(), q8.n(), 21);
    }

    private static byte[] matMulInteger(float[] w, int n, int k) {
        // W^T [k, n] int8 with a symmetric scale per output column
        byte[] q = new byte[k * n];
        float[] scale = new float[n];
        for (int c = 0; c < n; c++) {
            float amax = 0;
            for (int i = 0; i < k; i++) {
                amax = Math.max(amax, Math.abs(w[c * k + i]));
            }
            scale[c] = amax / 127f;
            float id = scale[c] == 0 ? 0 : 1 / scale[c];
            for (int i = 0; i < k; i++) {
                q[i * n + c] = (byte) Math.round(w[c * k + i] * id);
            }
        }
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(tensor("Wq", TensorProto.DataType.INT8, q, k, n))
                .addInitializer(tensor("Ws", TensorProto.DataType.FLOAT, floats(scale), n))
                .addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName("dql").addInput("A")
                        .addOutput("Aq").addOutput("As").addOutput("Az").build())
                .addNode(node("MatMulInteger", "", new String[] {"Aq", "Wq", "Az"}, "Yi"))
                .addNode(node("Cast", "", new String[] {"Yi"}, "Yf", ia("to", TensorProto.DataType.FLOAT.getNumber())))
                .addNode(node("Mul", "", new String[] {"Yf", "As"}, "Ya"))
                .addNode(node("Mul", "", new String[] {"Ya", "Ws"}, "Y"));
        return model(g, k, n, 17);
    }

    private static ValueInfoProto io(String name, long dim1) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("m"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim1)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
