package io.plmwb.experiments.kv;

import java.util.List;
import java.util.Locale;

/**
 * A device's memory budget for running a model: a name and the bytes the model may use (weights + KV cache +
 * workspace). The defaults are the devices' physical RAM in GiB — an upper bound, since the OS and other apps take
 * their share; edit a budget down to what is really free.
 *
 * @param name  shown in tables and chart markers
 * @param bytes the budget
 */
public record DeviceBudget(String name, long bytes) {

    private static final long GIB = 1L << 30;

    public DeviceBudget {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a device budget needs a name");
        }
        if (name.contains("=") || name.contains("|")) {
            throw new IllegalArgumentException("a device name may not contain '=' or '|': " + name);
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("the budget of " + name + " must be > 0 bytes, got " + bytes);
        }
        name = name.strip();
    }

    /** Raspberry Pi 5 8 GB, Jetson Orin Nano 8 GB, a 12 GB phone, a 24 GB laptop. */
    public static List<DeviceBudget> defaults() {
        return List.of(
                new DeviceBudget("Raspberry Pi 5", 8 * GIB),
                new DeviceBudget("Jetson Orin Nano", 8 * GIB),
                new DeviceBudget("Phone", 12 * GIB),
                new DeviceBudget("Laptop", 24 * GIB));
    }

    /** The budget in GiB. */
    public double gib() {
        return bytes / (double) GIB;
    }

    /**
     * Parses {@code NAME=SIZE} where SIZE is a number with an optional unit: GiB (default), GB (10⁹), MiB, MB
     * (e.g. {@code "Pi 5=8"}, {@code "Phone=11.5GiB"}, {@code "MCU=512MiB"}).
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static DeviceBudget parse(String text) {
        int eq = text == null ? -1 : text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("a device budget is NAME=SIZE (e.g. \"Pi 5=8GiB\"), got '" + text + "'");
        }
        String name = text.substring(0, eq).strip();
        String size = text.substring(eq + 1).strip().toLowerCase(Locale.ROOT).replace(" ", "");
        double mult = GIB;
        String[][] units = {{"gib", "1073741824"}, {"gb", "1e9"}, {"mib", "1048576"}, {"mb", "1e6"}, {"g", "1073741824"}};
        for (String[] u : units) {
            if (size.endsWith(u[0])) {
                mult = Double.parseDouble(u[1]);
                size = size.substring(0, size.length() - u[0].length());
                break;
            }
        }
        double v;
        try {
            v = Double.parseDouble(size);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.substring(eq + 1).strip() + "' is not a memory size "
                    + "(use e.g. 8, 8GiB, 7.5GB, 512MiB)");
        }
        if (!(v > 0) || Double.isInfinite(v) || v * mult > 1e15) {
            throw new IllegalArgumentException("memory size must be > 0 and < 1 PB, got '" + text.substring(eq + 1)
                    + "'");
        }
        return new DeviceBudget(name, Math.round(v * mult));
    }

    /** Name and size for labels: "Raspberry Pi 5 · 8 GiB". */
    public String label() {
        return name + " · " + stripZeros(Math.round(gib() * 100) / 100.0) + " GiB";
    }

    /** The form {@link #parse} reads back, in GiB. */
    public String format() {
        return name + "=" + stripZeros(gib()) + "GiB";
    }

    private static String stripZeros(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
