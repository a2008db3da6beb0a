package io.streamspace.agent.testkit.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary files and directories that tests create and remove again, so a run of the suite leaves nothing in
 * /tmp (outboxes, token files).
 */
public final class TempFiles {

    private TempFiles() {
    }

    /** A new directory; remove it with {@link #delete(Path)}. */
    public static Path directory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new file (owner-only, as {@link Files#createTempFile} makes it on POSIX) holding {@code text}, removed when
     * this JVM exits: for tokens a test hands to an agent it starts.
     */
    public static Path withText(String prefix, String suffix, String text) {
        try {
            Path file = Files.writeString(Files.createTempFile(prefix, suffix), text);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code directory} and everything in it; what cannot be removed is left for the host's /tmp cleaner. */
    public static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a file removed while walking, or one we may not read: nothing to do about it here
        }
    }
}
