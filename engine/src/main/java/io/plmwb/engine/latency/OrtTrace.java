package io.plmwb.engine.latency;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The parts of an ONNX Runtime profile (Chrome-trace JSON, written when a profiled session closes) that per-layer
 * latency needs: the {@code model_run} session events (one per {@code Run} call) and the kernel-time node events
 * ({@code cat == "Node"}, name {@code <node>_kernel_time}). Fence events, session loading and everything else are
 * skipped. Read with Jackson's streaming parser, one event at a time, so a trace of hundreds of MB is never held as
 * a tree.
 *
 * <p>Accepts both the array form ORT writes ({@code [ {...}, ... ]}) and the object form
 * ({@code {"traceEvents": [ ... ]}}).
 */
public final class OrtTrace {

    /** Suffix ORT appends to a node's name for the event timing its kernel. */
    public static final String KERNEL_SUFFIX = "_kernel_time";

    /**
     * One kernel execution.
     *
     * @param node   the graph node's name (suffix removed; ORT may prefix fused nodes with "fused ")
     * @param opType the operator ("MatMul"), empty when the event has none
     * @param tsUs   start, µs since the session was created
     * @param durUs  duration, µs
     */
    public record Kernel(String node, String opType, long tsUs, long durUs) {
    }

    /**
     * One {@code Run} call and the kernels that ran inside it.
     *
     * @param index   0-based position among the trace's runs (in time order)
     * @param tsUs    start, µs
     * @param durUs   duration as ORT measured it (the profiled total of this call), µs
     * @param kernels kernels whose start lies inside the run
     */
    public record Run(int index, long tsUs, long durUs, List<Kernel> kernels) {

        /** Sum of the kernel durations, µs. */
        public long kernelUs() {
            long s = 0;
            for (Kernel k : kernels) {
                s += k.durUs();
            }
            return s;
        }
    }

    private final Path file;
    private final List<Run> runs;
    private final int orphanKernels;

    private OrtTrace(Path file, List<Run> runs, int orphanKernels) {
        this.file = file;
        this.runs = List.copyOf(runs);
        this.orphanKernels = orphanKernels;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The runs in time order. */
    public List<Run> runs() {
        return runs;
    }

    /** Kernel events outside every run (none in a well-formed trace). */
    public int orphanKernels() {
        return orphanKernels;
    }

    /**
     * Reads {@code file}.
     *
     * @throws TraceFormatException when the file is missing, not JSON, or not a trace (message names the file and
     *                              the line)
     */
    public static OrtTrace read(Path file) throws IOException {
        List<long[]> runSpans = new ArrayList<>();
        List<Kernel> kernels = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        try (InputStream in = Files.newInputStream(file); JsonParser p = f.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new TraceFormatException(file, "empty file; not an ONNX Runtime profile");
            }
            if (t == JsonToken.START_OBJECT) {
                boolean found = false;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if ("traceEvents".equals(field) && p.currentToken() == JsonToken.START_ARRAY) {
                        readEvents(file, p, runSpans, kernels);
                        found = true;
                    } else {
                        p.skipChildren();
                    }
                }
                if (!found) {
                    throw new TraceFormatException(file, "a JSON object without a \"traceEvents\" array; not an "
                            + "ONNX Runtime profile");
                }
            } else if (t == JsonToken.START_ARRAY) {
                readEvents(file, p, runSpans, kernels);
            } else {
                throw new TraceFormatException(file, "starts with " + t + " at " + where(p.currentLocation())
                        + "; an ONNX Runtime profile is a JSON array of events");
            }
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file, "no such trace file", e);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(file, "malformed JSON at " + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        }
        runSpans.sort(Comparator.comparingLong(a -> a[0]));
        kernels.sort(Comparator.comparingLong(Kernel::tsUs));
        List<List<Kernel>> per = new ArrayList<>();
        for (int i = 0; i < runSpans.size(); i++) {
            per.add(new ArrayList<>());
        }
        int orphans = 0;
        int r = 0;
        for (Kernel k : kernels) {
            while (r < runSpans.size() && k.tsUs() > runSpans.get(r)[0] + runSpans.get(r)[1]) {
                r++;
            }
            if (r < runSpans.size() && k.tsUs() >= runSpans.get(r)[0]) {
                per.get(r).add(k);
            } else {
                orphans++;
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < runSpans.size(); i++) {
            runs.add(new Run(i, runSpans.get(i)[0], runSpans.get(i)[1], List.copyOf(per.get(i))));
        }
        return new OrtTrace(file, runs, orphans);
    }

    private static void readEvents(Path file, JsonParser p, List<long[]> runs, List<Kernel> kernels)
            throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new TraceFormatException(file, "ends inside the event array (truncated?) at "
                        + where(p.currentLocation()));
            }
            if (t != JsonToken.START_OBJECT) {
                throw new TraceFormatException(file, "expected an event object but found " + t + " at "
                        + where(p.currentLocation()));
            }
            JsonLocation start = p.currentLocation();
            String cat = null;
            String name = null;
            String op = "";
            long ts = -1;
            long dur = -1;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "cat" -> cat = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "name" -> name = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "ts" -> ts = number(file, p, v, "ts");
                    case "dur" -> dur = number(file, p, v, "dur");
                    case "args" -> op = opName(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new TraceFormatException(file, "malformed event at " + where(start));
            }
            boolean run = "Session".equals(cat) && "model_run".equals(name);
            boolean kernel = "Node".equals(cat) && name != null && name.endsWith(KERNEL_SUFFIX);
            if (!run && !kernel) {
                continue;
            }
            if (ts < 0 || dur < 0) {
                throw new TraceFormatException(file, "event '" + name + "' at " + where(start)
                        + " lacks a non-negative \"ts\" or \"dur\"");
            }
            if (run) {
                runs.add(new long[] {ts, dur});
            } else {
                kernels.add(new Kernel(name.substring(0, name.length() - KERNEL_SUFFIX.length()), op, ts, dur));
            }
        }
    }

    private static long number(Path file, JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            return Math.round(p.getDoubleValue());
        }
        throw new TraceFormatException(file, "\"" + field + "\" is not a number at " + where(p.currentLocation()));
    }

    private static String opName(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return "";
        }
        String op = "";
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken val = p.nextToken();
            if ("op_name".equals(field) && val == JsonToken.VALUE_STRING) {
                op = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return op;
    }

    private static String where(JsonLocation l) {
        return l == null ? "an unknown position" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }
}
