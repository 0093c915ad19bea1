package io.plmwb.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Facts about this Linux host from /proc: CPU model, flags and clock, load average, this process's RSS. */
public final class HostProbe {

    private HostProbe() {
    }

    /**
     * The CPU as /proc/cpuinfo describes it.
     *
     * @param model       model name
     * @param logicalCpus processors available to the JVM
     * @param mhz         current clock of the first CPU (MHz), 0 when unknown
     * @param flags       CPU flags
     * @param vendor      vendor_id (AuthenticAMD, GenuineIntel)
     * @param family      cpu family (AMD 25 = Zen 3/4, 26 = Zen 5), -1 when unknown
     */
    public record Cpu(String model, int logicalCpus, double mhz, Set<String> flags, String vendor, int family) {

        /**
         * fp32 FLOP per cycle per core, assuming two FMA pipes: 2 × 16 lanes × 2 = 64 with a 512-bit datapath (AMD
         * Zen 5, family 26, and Intel AVX-512 server cores), 32 with 256-bit (AVX2, and Zen 4's AVX-512 which runs on
         * 256-bit units), 16 without AVX2/FMA. /proc/cpuinfo does not state the FMA unit count, so this is an
         * assumption written out in {@link #peakBasis()}.
         */
        public int fp32FlopsPerCycle() {
            boolean avx512 = flags.contains("avx512f");
            if (avx512 && (vendor.equals("GenuineIntel") || vendor.equals("AuthenticAMD") && family >= 26)) {
                return 64;
            }
            if (flags.contains("avx2") && flags.contains("fma")) {
                return 32;
            }
            return 16;
        }

        /** cores × MHz × FLOP/cycle, in GFLOP/s; 0 when the clock is unknown. */
        public double theoreticalPeakGflops() {
            return logicalCpus * mhz / 1000.0 * fp32FlopsPerCycle();
        }

        /** How the theoretical peak was worked out. */
        public String peakBasis() {
            return String.format(Locale.ROOT, "%d cpus × %.0f MHz (cpuinfo, not the boost clock) × %d fp32 FLOP/cycle"
                            + " (%s family %d, %s; assumes 2 FMA pipes)", logicalCpus, mhz, fp32FlopsPerCycle(),
                    vendor, family, fp32FlopsPerCycle() == 64 ? "512-bit FMA datapath"
                            : flags.contains("avx2") ? "256-bit FMA datapath" : "no AVX2/FMA");
        }
    }

    /** Reads /proc/cpuinfo (first processor entry). */
    public static Cpu cpu() {
        String model = "unknown";
        double mhz = 0;
        Set<String> flags = new HashSet<>();
        String vendor = "unknown";
        int family = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String k = line.substring(0, colon).trim();
                String v = line.substring(colon + 1).trim();
                if (k.equals("model name") && model.equals("unknown")) {
                    model = v;
                } else if (k.equals("vendor_id") && vendor.equals("unknown")) {
                    vendor = v;
                } else if (k.equals("cpu family") && family < 0) {
                    family = Integer.parseInt(v);
                } else if (k.equals("cpu MHz") && mhz == 0) {
                    mhz = Double.parseDouble(v);
                } else if (k.equals("flags") && flags.isEmpty()) {
                    flags.addAll(Arrays.asList(v.split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: leave unknowns
        }
        return new Cpu(model, Runtime.getRuntime().availableProcessors(), mhz, Set.copyOf(flags), vendor, family);
    }

    /** The 1/5/15-minute load averages, or an empty array when unknown. */
    public static double[] loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])};
        } catch (IOException | RuntimeException e) {
            return new double[0];
        }
    }

    /** A /proc/self/status field in bytes (VmHWM, VmRSS), -1 when unknown. */
    public static long statusBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith(field + ":")) {
                    String[] p = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Peak resident set of this process (VmHWM), bytes. */
    public static long peakRss() {
        return statusBytes("VmHWM");
    }

    /** Current resident set (VmRSS), bytes. */
    public static long rss() {
        return statusBytes("VmRSS");
    }

    /** Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs); false when the kernel refuses. */
    public static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** MemAvailable from /proc/meminfo in bytes, -1 when unknown. */
    public static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
