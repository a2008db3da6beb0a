package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.AnswerHandover;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AnswerHandover} of the file backend: a spool directory beside the lock file (the replicas share that
 * directory). Each hand-over is one file of outbox lines, written to a temp file, fsynced and renamed to
 * {@code <nanos>-<uuid>.jsonl}. Taking claims the oldest file by renaming it (only one replica's rename succeeds),
 * reads it and deletes it.
 */
public final class FileAnswerHandover implements AnswerHandover {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final OutboxLines lines = new OutboxLines();

    private FileAnswerHandover(Path directory) {
        this.directory = directory;
    }

    /** The spool of the lock file {@code lockFile}: {@code <lock file>.handover/}, created if needed. */
    public static FileAnswerHandover beside(Path lockFile) {
        Path absolute = lockFile.toAbsolutePath().normalize();
        Path directory = absolute.resolveSibling(absolute.getFileName() + ".handover");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the hand-over directory " + directory, e);
        }
        return new FileAnswerHandover(directory);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void handOver(List<OutboundMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(lines.encode(m)).append('\n'));
        String name = String.format("%020d-%s", System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L,
                UUID.randomUUID());
        Path temp = directory.resolve("tmp-" + name);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temp, directory.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is never read
            }
            throw new UncheckedIOException("cannot hand results over in " + directory, e);
        }
    }

    @Override
    public List<OutboundMessage> take(int max) {
        List<OutboundMessage> taken = new ArrayList<>();
        for (Path file : oldestFirst()) {
            if (taken.size() >= max) {
                break;
            }
            Path claimed = directory.resolve("taken-" + UUID.randomUUID() + "-" + file.getFileName());
            try {
                Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                continue; // another replica took it
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("the hand-over directory " + directory + " cannot rename atomically", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot take handed-over results from " + directory, e);
            }
            try {
                for (String line : Files.readAllLines(claimed, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        taken.add(lines.decode(line));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("Skipping an unreadable handed-over result in {}: {}", file.getFileName(), e.getMessage());
                    }
                }
                Files.delete(claimed);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read handed-over results " + claimed, e);
            }
        }
        return taken;
    }

    private List<Path> oldestFirst() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith("tmp-") && !name.startsWith("taken-")) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        files.sort(null);
        return files;
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }

    @Override
    public String toString() {
        return "hand-over directory " + directory;
    }
}
