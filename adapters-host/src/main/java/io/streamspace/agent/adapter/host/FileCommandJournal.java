package io.streamspace.agent.adapter.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.application.port.out.CommandJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandJournal} as one small file per acknowledged, unanswered command in a directory (by default
 * {@code <outbox dir>/commands}, guarded by the outbox's lock): {@code <sha256(commandId)>.json} holding
 * {@code {"commandId","action","sessionId","seq"}}, written to a temp file, fsynced and renamed atomically before
 * {@link #begin} returns; {@link #end} deletes it. On open the files left by a previous process are read (in the
 * order their commands arrived) as {@link #unfinishedAtStart()}; unreadable ones are skipped with a WARN.
 */
public final class FileCommandJournal implements CommandJournal {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final String SUFFIX = ".json";

    private final Path directory;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Entry> unfinished;
    private long seq;

    private FileCommandJournal(Path directory, List<Entry> unfinished, long seq) {
        this.directory = directory;
        this.unfinished = List.copyOf(unfinished);
        this.seq = seq;
    }

    /** Opens (creating if needed) the journal in {@code directory} and reads what a previous process left. */
    public static FileCommandJournal open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        ObjectMapper json = new ObjectMapper();
        record Found(long seq, Entry entry) {}
        List<Found> found = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(file);
                        continue;
                    }
                    if (!name.endsWith(SUFFIX)) {
                        continue;
                    }
                    try {
                        JsonNode node = json.readTree(Files.readAllBytes(file));
                        String commandId = node.path("commandId").asText(null);
                        if (commandId == null || commandId.isEmpty()) {
                            throw new IOException("no commandId");
                        }
                        found.add(new Found(node.path("seq").asLong(0), new Entry(commandId,
                                node.path("action").asText(null), node.path("sessionId").asText(null))));
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Command journal {}: skipping unreadable {}: {}", dir, name, e.getMessage());
                        Files.deleteIfExists(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the command journal in " + dir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingLong(Found::seq));
        long next = found.isEmpty() ? 0 : found.get(found.size() - 1).seq() + 1;
        if (!found.isEmpty()) {
            LOG.warn("Command journal {}: {} command(s) were acknowledged by the previous agent process and never "
                    + "answered; they are answered after the next connect", dir, found.size());
        }
        return new FileCommandJournal(dir, found.stream().map(Found::entry).toList(), next);
    }

    @Override
    public void begin(Entry entry) {
        Objects.requireNonNull(entry, "entry");
        ObjectNode node = json.createObjectNode();
        node.put("commandId", entry.commandId());
        node.put("action", entry.action());
        node.put("sessionId", entry.sessionId());
        synchronized (this) {
            node.put("seq", seq++);
        }
        Path file = fileOf(entry.commandId());
        Path tmp = file.resolveSibling(file.getFileName() + "." + Thread.currentThread().threadId() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(json.writeValueAsBytes(node));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("could not record command " + entry.commandId() + " in " + directory
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void end(String commandId) {
        try {
            Files.deleteIfExists(fileOf(commandId));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove command " + commandId + " from " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> unfinishedAtStart() {
        return unfinished;
    }

    /** The commands recorded and not yet ended, as the files show them now (for tests). */
    public int size() throws IOException {
        try (var files = Files.list(directory)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).count();
        }
    }

    private Path fileOf(String commandId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(commandId.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(hash) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private void fsyncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Command journal {}: cannot fsync the directory: {}", directory, e.toString());
        }
    }
}
