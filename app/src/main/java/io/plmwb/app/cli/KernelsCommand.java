package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.HostProbe;
import io.plmwb.engine.bench.QuantKernelProbe;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench kernels}: which ORT kernel runs a block-quantized linear layer fastest here (decision 0050). */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Time Y = A·Wᵀ for one weight held as fp32 (Gemm), as MatMulNBits 8/4-bit (accuracy 0 and 4, "
                + "pre-packed or not), as int8 DequantizeLinear + Gemm and as DynamicQuantizeLinear + MatMulInteger; "
                + "ratios against fp32 from the same run, max abs error against the fp32 product.")
public final class KernelsCommand implements Callable<Integer> {

    @Option(names = "--n", defaultValue = "8192", paramLabel = "N", description = "weight rows (${DEFAULT-VALUE})")
    int n;

    @Option(names = "--k", defaultValue = "2048", paramLabel = "K",
            description = "weight columns, a multiple of 32 (${DEFAULT-VALUE})")
    int k;

    @Option(names = "--m", split = ",", defaultValue = "1,128", paramLabel = "M,...",
            description = "activation rows (${DEFAULT-VALUE})")
    List<Integer> m;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.fixed(2);

    @Option(names = "--reps", defaultValue = "10", paramLabel = "N", description = "timed runs, best counts (10)")
    int reps;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || k < 32 || k % 32 != 0 || reps < 1 || threads.get() < 1 || m.stream().anyMatch(x -> x < 1)) {
            throw new BadInputException("--n ≥ 1, --k a positive multiple of 32, --m/--reps/--threads ≥ 1");
        }
        double[] load0 = HostProbe.loadAverage();
        List<QuantKernelProbe.Result> rs = QuantKernelProbe.measure(m.stream().mapToInt(Integer::intValue).toArray(),
                n, k, threads.get(), reps);
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode root = CliJson.object();
            root.put("n", n);
            root.put("k", k);
            root.put("threads", threads.get());
            root.putPOJO("load_average_start", load0);
            root.putPOJO("load_average_end", HostProbe.loadAverage());
            var arr = root.putArray("results");
            for (QuantKernelProbe.Result r : rs) {
                ObjectNode o = arr.addObject();
                o.put("variant", r.variant());
                o.put("m", r.m());
                o.put("best_ms", r.bestMs());
                o.put("speedup_vs_fp32", r.speedup());
                o.put("weight_bytes", r.weightBytes());
                o.put("max_abs_error", r.maxAbsError());
            }
            pw.println(CliJson.pretty(root));
        } else {
            pw.printf("W [%d, %d], %d threads, best of %d; load average %s%n", n, k, threads.get(), reps,
                    java.util.Arrays.toString(load0));
            for (QuantKernelProbe.Result r : rs) {
                pw.printf("%-58s m=%-4d %9.3f ms %7.2fx %,13d B  err %.2e%n", r.variant(), r.m(), r.bestMs(),
                        r.speedup(), r.weightBytes(), r.maxAbsError());
            }
        }
        pw.flush();
        return 0;
    }
}
