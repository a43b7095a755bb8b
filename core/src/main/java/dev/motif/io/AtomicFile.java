package dev.motif.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;

/**
 * Writes an output file so that readers see the old file or the whole new one, never a part:
 * the content goes to a temporary file in the same directory, is synced, and is renamed over
 * the target. An existing file's permissions are kept, a new file gets the usual ones (not the
 * owner-only ones of {@code Files.createTempFile}), and on any failure the target is left as it
 * was and the temporary file is removed. Every output Motif writes (checkpoints, JSON, reports,
 * IDX files) goes through here.
 *
 * <pre>{@code
 * AtomicFile.writeString(Path.of("results.json"), json);
 * }</pre>
 */
public final class AtomicFile {
    private AtomicFile() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the content through a channel open on the temporary file. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel channel, Path temporary) throws IOException;
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path file, String text) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes}. */
    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        write(file, (ch, temp) -> {
            try (OutputStream out = Channels.newOutputStream(ch)) {
                out.write(bytes);
            }
        });
    }

    /**
     * Writes whatever {@code body} writes to the channel; the channel is closed and synced
     * afterwards (the body may close it itself through a stream).
     *
     * @throws NoSuchFileException if the file's directory does not exist
     */
    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(file.toString(), null, "cannot write: directory " + dir + " does not exist");
        }
        Path temp = newTemporary(dir, target);
        boolean done = false;
        try {
            keepPermissions(target, temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch, temp);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + file + ": the file system cannot rename atomically", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure matters more than a leftover temporary file
                }
            }
        }
    }

    /** A new empty file next to the target, hidden, with the permissions any new file gets here (the umask's). */
    private static Path newTemporary(Path dir, Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) throw e;
            }
        }
    }

    /** An existing file's permissions carry over to the one that replaces it. */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (!Files.exists(target)) return;
        PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (from != null) Files.setPosixFilePermissions(temp, from.readAttributes().permissions());
    }

    /** Makes the rename itself durable where the platform allows opening a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory; the rename has happened either way
        }
    }
}
