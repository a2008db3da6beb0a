package io.streamspace.agent.adapter.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamspace.agent.application.port.out.CommandJournal;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandJournal} as an append-only log in a directory (by default {@code <outbox dir>/commands},
 * guarded by the outbox's lock): {@code journal.log}, one JSON line per event, {@code {"begin":{"commandId",
 * "action","sessionId","seq"}}} or {@code {"end":"<commandId>"}}.
 *
 * <p>Group commit: {@link #beginAll} appends the lines of a whole batch and syncs the file once before it returns
 * (the acks follow), so a burst of commands costs one sync, not two per command as a file per command did.
 * {@link #end} appends without a sync, like the file deletion it replaces: an end lost in a crash only makes the
 * next process answer that command again from the runtime's state, which the control plane accepts. The log is
 * compacted (rewritten with the live entries, synced, renamed) when it opens and when it grows past
 * {@value #COMPACT_BYTES} bytes; it is emptied whenever nothing is live.
 *
 * <p>On open, what a previous process left is read in arrival order as {@link #unfinishedAtStart()}: the log's
 * begun and not ended entries, and the one-file-per-command entries ({@code <sha256>.json}) older versions wrote,
 * which are moved into the log. A torn last line (a crash during an append, before its sync, so never
 * acknowledged) and unreadable files are skipped with a WARN.
 */
public final class FileCommandJournal implements CommandJournal {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");
    private static final String LEGACY_SUFFIX = ".json";
    static final String LOG_NAME = "journal.log";
    static final long COMPACT_BYTES = 256 * 1024;

    private final Path directory;
    private final Path logFile;
    private final ObjectMapper json;
    private final List<Entry> unfinished;
    /** The entries begun and not ended, in arrival order, with their sequence numbers. */
    private final Map<String, Long> live = new LinkedHashMap<>();
    private final Map<String, Entry> liveEntries = new LinkedHashMap<>();
    private FileChannel channel;
    private long seq;

    private FileCommandJournal(Path directory, ObjectMapper json, List<Entry> unfinished) {
        this.directory = directory;
        this.logFile = directory.resolve(LOG_NAME);
        this.json = json;
        this.unfinished = List.copyOf(unfinished);
    }

    /** Opens (creating if needed) the journal in {@code directory} and reads what a previous process left. */
    public static FileCommandJournal open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        ObjectMapper json = new ObjectMapper();
        record Found(long seq, Entry entry) {}
        Map<String, Found> found = new LinkedHashMap<>();
        List<Path> legacyFiles = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(file);
                        continue;
                    }
                    if (!name.endsWith(LEGACY_SUFFIX)) {
                        continue;
                    }
                    try {
                        JsonNode node = json.readTree(Files.readAllBytes(file));
                        Entry entry = entryOf(node);
                        found.put(entry.commandId(), new Found(node.path("seq").asLong(0), entry));
                        legacyFiles.add(file);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Command journal {}: skipping unreadable {}: {}", dir, name, e.getMessage());
                        Files.deleteIfExists(file);
                    }
                }
            }
            Path logFile = dir.resolve(LOG_NAME);
            if (Files.exists(logFile)) {
                List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode node = json.readTree(line);
                        if (node.hasNonNull("end")) {
                            found.remove(node.get("end").asText());
                        } else if (node.hasNonNull("begin")) {
                            JsonNode begin = node.get("begin");
                            Entry entry = entryOf(begin);
                            found.put(entry.commandId(), new Found(begin.path("seq").asLong(0), entry));
                        } else {
                            throw new IOException("neither begin nor end");
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Command journal {}: skipping unreadable line {} of {}: {}", dir, i + 1, LOG_NAME,
                                e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the command journal in " + dir + ": " + e.getMessage(), e);
        }
        List<Found> ordered = new ArrayList<>(found.values());
        ordered.sort(Comparator.comparingLong(Found::seq));
        if (!ordered.isEmpty()) {
            LOG.warn("Command journal {}: {} command(s) were acknowledged by the previous agent process and never "
                    + "answered; they are answered after the next connect", dir, ordered.size());
        }
        FileCommandJournal journal = new FileCommandJournal(dir, json, ordered.stream().map(Found::entry).toList());
        synchronized (journal) {
            for (Found f : ordered) {
                journal.live.put(f.entry().commandId(), f.seq());
                journal.liveEntries.put(f.entry().commandId(), f.entry());
            }
            journal.seq = ordered.isEmpty() ? 0 : ordered.get(ordered.size() - 1).seq() + 1;
            try {
                // the log now holds exactly the live entries, durably, before the legacy files go
                journal.compact();
                for (Path legacy : legacyFiles) {
                    Files.deleteIfExists(legacy);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the command journal in " + dir + ": " + e.getMessage(),
                        e);
            }
        }
        return journal;
    }

    private static Entry entryOf(JsonNode node) throws IOException {
        String commandId = node.path("commandId").asText(null);
        if (commandId == null || commandId.isEmpty()) {
            throw new IOException("no commandId");
        }
        return new Entry(commandId, node.path("action").asText(null), node.path("sessionId").asText(null));
    }

    @Override
    public void begin(Entry entry) {
        beginAll(List.of(Objects.requireNonNull(entry, "entry")));
    }

    /** Appends every entry's line and syncs the log once: the batch is durable when this returns. */
    @Override
    public synchronized void beginAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream(128 * entries.size());
        long next = seq;
        try {
            for (Entry entry : entries) {
                ObjectNode begin = json.createObjectNode();
                begin.put("commandId", entry.commandId());
                begin.put("action", entry.action());
                begin.put("sessionId", entry.sessionId());
                begin.put("seq", next++);
                ObjectNode line = json.createObjectNode();
                line.set("begin", begin);
                lines.write(json.writeValueAsBytes(line));
                lines.write('\n');
            }
            append(lines.toByteArray());
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record command(s) " + entries.stream().map(Entry::commandId)
                    .toList() + " in " + logFile + ": " + e.getMessage(), e);
        }
        for (Entry entry : entries) {
            live.put(entry.commandId(), seq++);
            liveEntries.put(entry.commandId(), entry);
        }
    }

    @Override
    public synchronized void end(String commandId) {
        if (live.remove(commandId) == null) {
            return;
        }
        liveEntries.remove(commandId);
        try {
            if (live.isEmpty()) {
                // nothing to keep: start the log again (a crash before this is on disk only repeats answers)
                channel.truncate(0);
                return;
            }
            ObjectNode line = json.createObjectNode();
            line.put("end", commandId);
            byte[] bytes = json.writeValueAsBytes(line);
            byte[] withNewline = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
            withNewline[bytes.length] = '\n';
            append(withNewline);
            if (channel.size() > COMPACT_BYTES) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove command " + commandId + " from " + logFile + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> unfinishedAtStart() {
        return unfinished;
    }

    /** The commands recorded and not yet ended (for tests). */
    public synchronized int size() {
        return live.size();
    }

    private void append(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Rewrites the log with the live entries only: to a temp file, synced, renamed over the log, directory synced. */
    private void compact() throws IOException {
        Path tmp = logFile.resolveSibling(LOG_NAME + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (Map.Entry<String, Long> e : live.entrySet()) {
                Entry entry = liveEntries.get(e.getKey());
                ObjectNode begin = json.createObjectNode();
                begin.put("commandId", entry.commandId());
                begin.put("action", entry.action());
                begin.put("sessionId", entry.sessionId());
                begin.put("seq", e.getValue());
                ObjectNode line = json.createObjectNode();
                line.set("begin", begin);
                lines.write(json.writeValueAsBytes(line));
                lines.write('\n');
            }
            ByteBuffer buffer = ByteBuffer.wrap(lines.toByteArray());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(tmp, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory();
        if (channel != null) {
            channel.close();
        }
        channel = FileChannel.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void fsyncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Command journal {}: cannot fsync the directory: {}", directory, e.toString());
        }
    }
}
