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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures the fp32 GEMM rate ONNX Runtime reaches on this host: a generated one-node graph
 * {@code Y = Gemm(A, W, transB=1)} with A [m, k] fed per run and W [n, k] an initializer (pre-packed, as the model's
 * weights are), best of a few runs, in GFLOP/s (2·m·n·k per run).
 */
public final class GemmProbe {

    private GemmProbe() {
    }

    /**
     * The result.
     *
     * @param m       rows of A
     * @param n       rows of W (outputs)
     * @param k       inner size
     * @param threads ORT intra-op threads
     * @param bestMs  fastest run
     * @param gflops  2·m·n·k / bestMs
     */
    public record Result(int m, int n, int k, int threads, double bestMs, double gflops) {
    }

    /** Runs the GEMM {@code reps} times after one warm-up. */
    public static Result measure(int m, int n, int k, int threads, int reps) throws OrtException {
        try (Open probe = open(m, n, k, threads)) {
            return probe.run(reps);
        }
    }

    /**
     * Builds the probe's session once so that it can be run again and again, e.g. interleaved with decode steps to
     * measure the bandwidth the machine gives right then (this VM's bandwidth changes within minutes).
     */
    public static Open open(int m, int n, int k, int threads) throws OrtException {
        byte[] model = model(n, k);
        // DJL creates the process's one OrtEnvironment with its own thread-pool options and refuses to start when
        // another exists: let DJL create it first, then share it
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment env = io.plmwb.engine.Ort.environment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession s = env.createSession(model, so);
            FloatBuffer a = FloatBuffer.allocate(m * k);
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < m * k; i++) {
                a.put((float) (r.nextDouble() - 0.5));
            }
            a.rewind();
            return new Open(m, n, k, threads, so, s, OnnxTensor.createTensor(env, a, new long[] {m, k}));
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    /** An open probe: {@link #run(int)} as often as needed, then close. */
    public static final class Open implements AutoCloseable {
        private final int m;
        private final int n;
        private final int k;
        private final int threads;
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final OnnxTensor input;

        private Open(int m, int n, int k, int threads, OrtSession.SessionOptions options, OrtSession session,
                OnnxTensor input) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.threads = threads;
            this.options = options;
            this.session = session;
            this.input = input;
        }

        /** One warm-up, then the best of {@code reps} runs. */
        public Result run(int reps) throws OrtException {
            double best = Double.MAX_VALUE;
            for (int i = 0; i <= reps; i++) {
                long t0 = System.nanoTime();
                try (OrtSession.Result res = session.run(Map.of("A", input))) {
                    res.get(0);
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (i > 0) {
                    best = Math.min(best, ms);
                }
            }
            return new Result(m, n, k, threads, best, 2.0 * m * n * k / (best / 1000) / 1e9);
        }

        /** Bytes of the weight W one run reads (fp32). */
        public long weightBytes() {
            return 4L * n * k;
        }

        @Override
        public void close() throws OrtException {
            try {
                input.close();
                session.close();
            } finally {
                options.close();
            }
        }
    }

    private static byte[] model(int n, int k) {
        ByteBuffer w = ByteBuffer.allocate(n * k * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < n * k; i++) {
            w.putFloat((float) (r.nextDouble() - 0.5));
        }
        TensorProto wt = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(n).addDims(k).setRawData(ByteString.copyFrom(w.array())).build();
        NodeProto gemm = NodeProto.newBuilder().setOpType("Gemm").setName("gemm").addInput("A").addInput("W")
                .addOutput("Y").addAttribute(AttributeProto.newBuilder().setName("transB").setI(1)
                        .setType(AttributeProto.AttributeType.INT)).build();
        GraphProto g = GraphProto.newBuilder().setName("gemm_probe").addNode(gemm).addInitializer(wt)
                .addInput(io("A", "m", k)).addOutput(io("Y", "m", n)).build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("plm-workbench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build()
                .toByteArray();
    }

    private static ValueInfoProto io(String name, String dim0, long dim1) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim0))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim1)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
