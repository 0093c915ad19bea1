package io.plmwb.engine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one write-or-refuse file writer: a file is written to a hidden temporary file beside its target and moved into
 * place, so a failed write never leaves a half-written file, and an existing file is replaced only when the caller
 * says so. {@link #refuseExisting(Collection, boolean)} checks every target of a multi-file output before any is
 * written.
 */
public final class AtomicFiles {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Temporary files being written now: removed if the JVM exits (SIGTERM) before they are moved into place. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : IN_PROGRESS) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // exiting: nothing more to do
                }
            }
        }, "plmwb-partial-files"));
    }

    private AtomicFiles() {
    }

    /** Writes the file's content to a stream (not to be closed by the writer). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the file's content through a channel positioned at 0 (random-access writers: GGUF). */
    @FunctionalInterface
    public interface ChannelContent {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** A target that exists (and may not be replaced), or that is a folder. */
    public static final class TargetExistsException extends FileAlreadyExistsException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;
        private final boolean folder;

        public TargetExistsException(Path file, boolean folder) {
            super(file.toString(), null, folder ? "it is a folder"
                    : "the file already exists (allow overwriting to replace it)");
            this.file = file;
            this.folder = folder;
        }

        public Path file() {
            return file;
        }

        /** True when the target is a folder (never replaced, whatever the overwrite flag). */
        public boolean isFolder() {
            return folder;
        }
    }

    /**
     * Refuses when any target is a folder, or exists while {@code overwrite} is off: the check of a multi-file output
     * before its first file is written.
     */
    public static void refuseExisting(Collection<Path> targets, boolean overwrite) throws TargetExistsException {
        for (Path t : targets) {
            refuseExisting(t, overwrite);
        }
    }

    /** As {@link #refuseExisting(Collection, boolean)} for one target. */
    public static void refuseExisting(Path target, boolean overwrite) throws TargetExistsException {
        Path file = target.toAbsolutePath().normalize();
        if (Files.isDirectory(file)) {
            throw new TargetExistsException(file, true);
        }
        if (!overwrite && Files.exists(file)) {
            throw new TargetExistsException(file, false);
        }
    }

    /** Writes bytes to {@code target} atomically; see {@link #write(Path, boolean, Content)}. */
    public static Path write(Path target, boolean overwrite, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        return write(target, overwrite, out -> out.write(bytes));
    }

    /**
     * Writes {@code target} (creating its folder) through a temporary file in the same folder and an atomic move.
     *
     * @return the absolute, normalised path written
     * @throws TargetExistsException the target exists and {@code overwrite} is off, or it is a folder
     * @throws IOException           writing failed; no part of the file is left behind
     */
    public static Path write(Path target, boolean overwrite, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path file = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        refuseExisting(file, overwrite);
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(e.getFile() + " exists and is not a folder", e);
        }
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
                + ".part");
        IN_PROGRESS.add(tmp);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                content.writeTo(out);
            }
            move(tmp, file, overwrite);
        } finally {
            Files.deleteIfExists(tmp);
            IN_PROGRESS.remove(tmp);
        }
        return file;
    }

    /**
     * As {@link #write(Path, boolean, Content)} for writers that need a {@link FileChannel} (positional writes); the
     * channel is forced to disk before the move.
     */
    public static Path writeChannel(Path target, boolean overwrite, ChannelContent content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path file = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        refuseExisting(file, overwrite);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
                + ".part");
        IN_PROGRESS.add(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                content.writeTo(ch);
                ch.force(true);
            }
            move(tmp, file, overwrite);
        } finally {
            Files.deleteIfExists(tmp);
            IN_PROGRESS.remove(tmp);
        }
        return file;
    }

    /** Writes several files after checking every target first: nothing is written when any target is refused. */
    public static List<Path> writeAll(List<Path> targets, List<Content> contents, boolean overwrite)
            throws IOException {
        if (targets.size() != contents.size()) {
            throw new IllegalArgumentException(targets.size() + " targets for " + contents.size() + " contents");
        }
        refuseExisting(targets, overwrite);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            written.add(write(targets.get(i), overwrite, contents.get(i)));
        }
        return List.copyOf(written);
    }

    private static void move(Path tmp, Path file, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(file)) {
            throw new TargetExistsException(file, false);
        }
        try {
            if (overwrite) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (overwrite) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, file);
            }
        }
    }
}
