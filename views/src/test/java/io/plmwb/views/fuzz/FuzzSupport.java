package io.plmwb.views.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The property every reader fuzz target checks: the reader returns, or throws one of its documented format
 * exceptions whose message names the file; any other exception or error fails the target. The reader must also
 * finish within {@link #MAX_MILLIS} of CPU time and allocate at most
 * {@link #BASE_BYTES} + {@link #BYTES_PER_INPUT_BYTE} × the input size on the calling thread (calls that load
 * classes, which Jazzer instruments then, are not timed or measured). A copy of this class lives in each module's
 * tests; keep them equal.
 */
public final class FuzzSupport {

    public static final long MAX_MILLIS = 10_000;
    public static final long BASE_BYTES = 64L << 20;
    public static final long BYTES_PER_INPUT_BYTE = 512;

    private static Path dir;

    /** A reader under test. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }

    private FuzzSupport() {
    }

    /** Writes {@code data} to a fresh file named {@code name} and checks the property for {@code reader}. */
    @SafeVarargs
    public static void check(byte[] data, String name, Reader reader, Class<? extends Exception>... allowed)
            throws IOException {
        Path folder = Files.createTempDirectory(dir(), "in");
        Path file = folder.resolve(name);
        Files.write(file, data);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        var classes = ManagementFactory.getClassLoadingMXBean();
        long loaded0 = classes.getTotalLoadedClassCount();
        long a0 = mx.getThreadAllocatedBytes(tid);
        long t0 = mx.getCurrentThreadCpuTime();
        try {
            reader.read(file);
        } catch (Exception e) {
            boolean ok = false;
            for (Class<? extends Exception> c : allowed) {
                ok |= c.isInstance(e);
            }
            if (!ok) {
                throw new AssertionError("unexpected " + e.getClass().getName() + " from " + name + ": "
                        + e.getMessage(), e);
            }
            String msg = String.valueOf(e.getMessage());
            assertTrue(msg.contains(name) || msg.contains(folder.getFileName().toString()),
                    () -> "the message does not name the file: " + msg);
            assertTrue(msg.length() <= 4096 + 2L * name.length(), () -> "a " + msg.length() + "-character message");
        } finally {
            deleteTree(folder);
        }
        long ms = (mx.getCurrentThreadCpuTime() - t0) / 1_000_000;
        long allocated = mx.getThreadAllocatedBytes(tid) - a0;
        if (classes.getTotalLoadedClassCount() != loaded0) {
            return; // a call that loaded (and, when fuzzing, instrumented) classes is neither timed nor measured
        }
        if (ms > MAX_MILLIS) {
            fail("reading " + data.length + " bytes took " + ms + " ms of CPU");
        }
        long bound = BASE_BYTES + BYTES_PER_INPUT_BYTE * data.length;
        if (allocated > bound) {
            fail("reading " + data.length + " bytes allocated " + allocated + " bytes (bound " + bound + ")");
        }
    }

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path target = Path.of(System.getProperty("user.dir"), "target");
            Files.createDirectories(target);
            dir = Files.createTempDirectory(target, "fuzz-");
        }
        return dir;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
