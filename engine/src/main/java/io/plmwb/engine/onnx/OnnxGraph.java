package io.plmwb.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small ONNX graph writer: nodes (output named after the node), inline small constants (deduplicated), and large
 * fp32 weights streamed one at a time into an external-data sidecar (never holding the whole model in memory).
 */
public final class OnnxGraph {

    /** Sidecar offsets are aligned to this so ORT can map weights page-aligned. */
    private static final int ALIGN = 4096;
    private static final int CHUNK_FLOATS = 1 << 18;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final FileChannel data;
    private final String dataLocation;
    private final Map<String, String> constants = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private long dataBytes;
    private ByteBuffer chunk;

    public OnnxGraph(String name, FileChannel data, String dataLocation) {
        graph.setName(name);
        this.data = data;
        this.dataLocation = dataLocation;
    }

    /** The graph built so far. */
    public GraphProto.Builder graph() {
        return graph;
    }

    public long dataBytes() {
        return dataBytes;
    }

    // ------------------------------------------------------------------ attributes

    public static AttributeProto attr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static AttributeProto attr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public static AttributeProto attr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    public static AttributeProto attrs(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ nodes

    /** Adds a node named {@code name} whose single output is also called {@code name}; returns that name. */
    public String op(String name, String opType, String[] inputs, AttributeProto... attributes) {
        return opMulti(name, opType, inputs, new String[] {name}, attributes)[0];
    }

    public String op(String name, String opType, String in0, AttributeProto... attributes) {
        return op(name, opType, new String[] {in0}, attributes);
    }

    public String op(String name, String opType, String in0, String in1, AttributeProto... attributes) {
        return op(name, opType, new String[] {in0, in1}, attributes);
    }

    public String[] opMulti(String name, String opType, String[] inputs, String[] outputs, AttributeProto... attributes) {
        if (!names.add(name)) {
            throw new IllegalStateException("duplicate node name " + name);
        }
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (String out : outputs) {
            n.addOutput(out);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return outputs;
    }

    // ------------------------------------------------------------------ constants and weights

    /** An inline int64 constant (1-D, or a scalar when {@code scalar}). */
    public String i64(boolean scalar, long... v) {
        String key = "i64" + (scalar ? "s" : "") + Arrays.toString(v);
        return constants.computeIfAbsent(key, k -> {
            String name = "const/i64_" + constants.size();
            TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.INT64.getNumber());
            if (!scalar) {
                t.addDims(v.length);
            }
            for (long x : v) {
                t.addInt64Data(x);
            }
            graph.addInitializer(t);
            return name;
        });
    }

    /** A 1-D int64 constant. */
    public String ints(long... v) {
        return i64(false, v);
    }

    /** An inline fp32 scalar constant. */
    public String f32(float v) {
        String key = "f32" + Float.floatToIntBits(v);
        return constants.computeIfAbsent(key, k -> {
            String name = "const/f32_" + constants.size();
            graph.addInitializer(TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT.getNumber()).addFloatData(v));
            return name;
        });
    }

    /** An inline fp32 tensor (small tables such as RoPE frequencies). */
    public String f32Tensor(String name, float[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        t.setRawData(ByteString.copyFrom(bb.array()));
        graph.addInitializer(t);
        return name;
    }

    /** An inline 8-bit tensor (uint8 or int8) filled with {@code value}, deduplicated. */
    public String fill(TensorProto.DataType type, int value, long... dims) {
        if (type != TensorProto.DataType.UINT8 && type != TensorProto.DataType.INT8) {
            throw new IllegalArgumentException("fill: 8-bit types only, not " + type);
        }
        String key = "fill" + type + value + Arrays.toString(dims);
        return constants.computeIfAbsent(key, k -> {
            String name = "const/" + type.name().toLowerCase(java.util.Locale.ROOT) + "_" + constants.size();
            long n = 1;
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
            for (long d : dims) {
                t.addDims(d);
                n *= d;
            }
            byte[] b = new byte[Math.toIntExact(n)];
            Arrays.fill(b, (byte) value);
            t.setRawData(ByteString.copyFrom(b));
            graph.addInitializer(t);
            return name;
        });
    }

    /** An inline 1-D int32 tensor. */
    public String i32Tensor(String name, int[] v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT32.getNumber())
                .addDims(v.length);
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asIntBuffer().put(v);
        t.setRawData(ByteString.copyFrom(bb.array()));
        graph.addInitializer(t);
        return name;
    }

    /** Streams an fp32 weight into the sidecar and declares it as an external-data initializer. */
    public String weight(String name, float[] v, long... dims) throws IOException {
        long numel = 1;
        for (long d : dims) {
            numel *= d;
        }
        if (numel != v.length) {
            throw new IllegalArgumentException("weight " + name + ": " + v.length + " values for shape "
                    + Arrays.toString(dims));
        }
        long pad = (ALIGN - dataBytes % ALIGN) % ALIGN;
        long offset = dataBytes + pad;
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        }
        long pos = offset;
        for (int i = 0; i < v.length; i += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, v.length - i);
            chunk.clear();
            chunk.asFloatBuffer().put(v, i, n);
            chunk.limit(n * 4);
            while (chunk.hasRemaining()) {
                pos += data.write(chunk, pos);
            }
        }
        long length = (long) v.length * 4;
        dataBytes = offset + length;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", dataLocation))
                .addExternalData(kv("offset", Long.toString(offset)))
                .addExternalData(kv("length", Long.toString(length)));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Streams raw bytes (uint8 blobs of quantized weights) into the sidecar as an external initializer. */
    public String bytes(String name, TensorProto.DataType type, byte[] v, long... dims) throws IOException {
        long pad = (ALIGN - dataBytes % ALIGN) % ALIGN;
        long offset = dataBytes + pad;
        ByteBuffer b = ByteBuffer.wrap(v);
        long pos = offset;
        while (b.hasRemaining()) {
            pos += data.write(b, pos);
        }
        dataBytes = offset + v.length;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", dataLocation))
                .addExternalData(kv("offset", Long.toString(offset)))
                .addExternalData(kv("length", Long.toString(v.length)));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A node of a non-default domain (e.g. com.microsoft) with one output named {@code name}. */
    public String opDomain(String name, String domain, String opType, String[] inputs, AttributeProto... attributes) {
        opMulti(name, opType, inputs, new String[] {name}, attributes);
        graph.setNode(graph.getNodeCount() - 1, graph.getNode(graph.getNodeCount() - 1).toBuilder().setDomain(domain));
        return name;
    }

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    // ------------------------------------------------------------------ graph inputs / outputs

    /** Declares a graph input or output; a dimension is either a Long (fixed) or a String (symbolic). */
    public static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                db.setDimParam(s);
            } else {
                db.setDimValue(((Number) d).longValue());
            }
            shape.addDim(db);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    public void input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    public void output(String name, TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }
}
