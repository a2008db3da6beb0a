package io.streamspace.agent.adapter.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.Outbox;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Outbox} as an append-only journal on the local disk, durable across {@code kill -9} and power loss.
 *
 * <p>Files in the directory:
 * <ul>
 *   <li>{@code outbox.lock}: held with an exclusive {@link FileLock} while open (contains the holder's pid), so two
 *       agents never share one outbox;</li>
 *   <li>{@code journal-<generation>.jsonl}: one message per line (see {@link JournalCodec}); every append is
 *       written and {@code fsync}ed before {@link #append} returns;</li>
 *   <li>{@code offset.json}: {@code {"generation":G,"offset":N}}, the journal in use and the byte offset of its
 *       first message not yet removed; replaced atomically (temp file, fsync, {@code ATOMIC_MOVE}). Absent means
 *       generation 0, offset 0.</li>
 *   <li>{@code removed.json}: the same shape, replaced (temp file, {@code ATOMIC_MOVE}) without a sync the moment
 *       {@link #remove} is called, before {@code offset.json} is synced and replaced: a process killed in between
 *       does not send the removed (already sent) messages again. It is a hint: the next open follows it only when
 *       it is readable, names the generation in use and lies within that journal; a power cut may lose it or leave
 *       it unreadable, and then {@code offset.json} decides (messages may be sent twice, never lost).</li>
 * </ul>
 * Compaction writes the remaining messages to {@code journal-<G+1>.jsonl}, fsyncs it, then switches
 * {@code offset.json} to it (the commit point) and deletes the old journal; it runs when everything was removed,
 * when the consumed prefix exceeds a threshold, and after recovering a damaged journal. On open, a torn last line
 * (the agent died while writing it, so its {@code append} never returned) and any unreadable line are skipped with
 * a WARN.
 *
 * <p>Bounded: beyond {@code maxMessages} the oldest message is dropped, with one ERROR per burst of drops.
 * {@link #remove} counts from the head that the last {@link #peek} returned, so messages dropped for room between a
 * peek and its remove are not confused with the sent ones. Thread-safe.
 */
public final class FileOutbox implements Outbox, AutoCloseable {

    public static final Path DEFAULT_DIRECTORY = Path.of("/var/lib/streamspace/outbox");
    public static final int DEFAULT_MAX_MESSAGES = 10_000;
    public static final long DEFAULT_COMPACT_THRESHOLD_BYTES = 8L * 1024 * 1024;

    static final String LOCK_FILE = "outbox.lock";
    static final String OFFSET_FILE = "offset.json";
    static final String REMOVED_FILE = "removed.json";
    private static final Pattern JOURNAL_NAME = Pattern.compile("journal-(\\d{1,18})\\.jsonl");

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private record Entry(long seq, OutboundMessage message, byte[] line) { }

    private final Path directory;
    private final int maxMessages;
    private final long compactThresholdBytes;
    private final JournalCodec codec = new JournalCodec();
    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantLock lock = new ReentrantLock();

    private final FileChannel lockChannel;
    private final FileLock fileLock;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private FileChannel journal;
    private long generation;
    /** Byte offset in the journal of the first entry in {@link #entries}. */
    private long headOffset;
    private long journalSize;
    private long persistedGeneration = -1;
    private long persistedOffset = -1;
    private long nextSeq;
    /** The sequence number the consumer believes is the head: set by peek, advanced by remove; null before any peek. */
    private Long anchorSeq;
    private long droppedInBurst;
    private RuntimeException broken;
    private boolean closed;

    private FileOutbox(Path directory, int maxMessages, long compactThresholdBytes, FileChannel lockChannel,
                       FileLock fileLock) {
        this.directory = directory;
        this.maxMessages = maxMessages;
        this.compactThresholdBytes = compactThresholdBytes;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
    }

    /** Opens (creating if needed) the outbox in {@link #DEFAULT_DIRECTORY} with the default limits. */
    public static FileOutbox open() {
        return open(DEFAULT_DIRECTORY);
    }

    /** Opens (creating if needed) the outbox in {@code directory} with the default limits. */
    public static FileOutbox open(Path directory) {
        return open(directory, DEFAULT_MAX_MESSAGES, DEFAULT_COMPACT_THRESHOLD_BYTES);
    }

    /**
     * Opens (creating if needed) the outbox in {@code directory} and recovers what it holds.
     *
     * @param maxMessages beyond this many messages the oldest are dropped
     * @param compactThresholdBytes the journal is rewritten once this many bytes of it were consumed
     * @throws OutboxInUseException when another process (or another open outbox in this one) holds the directory
     * @throws UncheckedIOException when the directory cannot be created, locked or read
     */
    public static FileOutbox open(Path directory, int maxMessages, long compactThresholdBytes) {
        Objects.requireNonNull(directory, "directory");
        if (maxMessages <= 0) {
            throw new IllegalArgumentException("maxMessages must be positive, got " + maxMessages);
        }
        if (compactThresholdBytes <= 0) {
            throw new IllegalArgumentException("compactThresholdBytes must be positive, got " + compactThresholdBytes);
        }
        Path dir = directory.toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock fileLock;
            try {
                fileLock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new OutboxInUseException(dir, "already open in this process");
            }
            if (fileLock == null) {
                throw new OutboxInUseException(dir, holderOf(lockChannel));
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            lockChannel.truncate(0);
            writeFully(lockChannel, pid, 0);
            lockChannel.force(true);
            FileOutbox outbox = new FileOutbox(dir, maxMessages, compactThresholdBytes, lockChannel, fileLock);
            try {
                outbox.recover();
            } catch (IOException | RuntimeException e) {
                outbox.closeQuietly();
                throw e;
            }
            LOG.info("Outbox {} opened: {} message(s) waiting (limit {})", dir, outbox.entries.size(), maxMessages);
            return outbox;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the outbox in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void append(OutboundMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] line = codec.encode(message);
        lock.lock();
        try {
            ensureUsable();
            long position = journalSize;
            try {
                writeFully(journal, line, position);
                journal.force(true);
            } catch (IOException e) {
                try {
                    journal.truncate(position);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new UncheckedIOException("could not store a " + message.type() + " message in the outbox "
                        + directory + ": " + e.getMessage(), e);
            }
            journalSize = position + line.length;
            entries.addLast(new Entry(nextSeq++, message, line));
            dropBeyondLimit();
            if (headOffset >= compactThresholdBytes) {
                compactOrPersistOffset();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<OutboundMessage> peek(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, got " + max);
        }
        lock.lock();
        try {
            ensureOpen();
            anchorSeq = headSeq();
            List<OutboundMessage> out = new ArrayList<>(Math.min(max, entries.size()));
            Iterator<Entry> it = entries.iterator();
            while (out.size() < max && it.hasNext()) {
                out.add(it.next().message());
            }
            return List.copyOf(out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        lock.lock();
        try {
            ensureUsable();
            long from = anchorSeq != null ? anchorSeq : headSeq();
            long until = Math.min(from + count, nextSeq);
            if (anchorSeq != null) {
                anchorSeq = until;
            }
            int removed = 0;
            while (!entries.isEmpty() && entries.peekFirst().seq() < until) {
                headOffset += entries.pollFirst().line().length;
                removed++;
            }
            if (removed < count && from + count > until) {
                LOG.warn("Outbox {}: asked to remove {} message(s), only {} were there", directory, count, removed);
            }
            if (removed > 0) {
                recordRemoved();
                compactOrPersistOffset();
            }
            if (droppedInBurst > 0 && entries.size() < maxMessages) {
                LOG.warn("Outbox {} has room again; {} message(s) were dropped while it was full",
                        directory, droppedInBurst);
                droppedInBurst = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            ensureOpen();
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Persists the consumed offset, closes the journal and releases the directory lock. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (broken == null && (persistedGeneration != generation || persistedOffset != headOffset)) {
                try {
                    writeOffset(generation, headOffset);
                } catch (IOException e) {
                    LOG.warn("Outbox {}: could not save the consumed offset on close (some messages may be sent "
                            + "again after a restart): {}", directory, e.toString());
                }
            }
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- recovery

    private void recover() throws IOException {
        long[] position = readOffset();
        long gen;
        long offset;
        if (position != null) {
            gen = position[0];
            offset = position[1];
            if (!Files.exists(journalPath(gen))) {
                LOG.error("Outbox {}: {} names journal generation {} which is missing; starting from an empty journal",
                        directory, OFFSET_FILE, gen);
                offset = 0;
            }
        } else {
            gen = 0;
            offset = 0;
            if (!Files.exists(journalPath(0))) {
                long highest = -1;
                for (long g : journalGenerations()) {
                    highest = Math.max(highest, g);
                }
                if (highest >= 0) {
                    LOG.warn("Outbox {}: {} is missing; reading all of journal generation {} (messages may be sent "
                            + "twice)", directory, OFFSET_FILE, highest);
                    gen = highest;
                }
            }
        }
        for (long g : journalGenerations()) {
            if (g != gen) {
                Files.deleteIfExists(journalPath(g));
            }
        }
        Files.deleteIfExists(directory.resolve(OFFSET_FILE + ".tmp"));
        Files.deleteIfExists(directory.resolve(REMOVED_FILE + ".tmp"));

        Path path = journalPath(gen);
        boolean created = !Files.exists(path);
        journal = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created) {
            fsyncDirectory();
        }
        generation = gen;
        if (position != null) {
            persistedGeneration = gen;
            persistedOffset = offset;
        }
        long size = journal.size();
        if (offset > size) {
            LOG.error("Outbox {}: consumed offset {} is beyond the end of {} ({} bytes); reading it from the start "
                    + "(messages may be sent twice)", directory, offset, path.getFileName(), size);
            offset = 0;
        }
        long removedAhead = removedHead(gen, size);
        boolean removedAheadApplied = removedAhead > offset;
        if (removedAheadApplied) {
            LOG.info("Outbox {}: the previous process removed messages up to byte {} and stopped before saving that"
                    + " offset; not sending them again", directory, removedAhead);
            offset = removedAhead;
        }
        if (size - offset > Integer.MAX_VALUE - 64) {
            throw new IOException(path + " is too large to recover (" + size + " bytes)");
        }
        byte[] bytes = new byte[(int) (size - offset)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long read = offset;
        while (buffer.hasRemaining()) {
            int n = journal.read(buffer, read);
            if (n < 0) {
                throw new IOException(path + " shrank while it was being read");
            }
            read += n;
        }
        headOffset = offset;
        journalSize = size;

        boolean damaged = false;
        int start = 0;
        while (start < bytes.length) {
            int newline = indexOf(bytes, (byte) '\n', start);
            if (newline < 0) {
                LOG.warn("Outbox {}: skipped a torn last entry ({} bytes) in {}: the agent stopped while writing it",
                        directory, bytes.length - start, path.getFileName());
                damaged = true;
                break;
            }
            try {
                OutboundMessage message = codec.decode(bytes, start, newline - start);
                byte[] line = new byte[newline - start + 1];
                System.arraycopy(bytes, start, line, 0, line.length);
                entries.addLast(new Entry(nextSeq++, message, line));
            } catch (IllegalArgumentException e) {
                LOG.warn("Outbox {}: skipped an unreadable entry at byte {} of {}: {}",
                        directory, offset + start, path.getFileName(), e.getMessage());
                damaged = true;
            }
            start = newline + 1;
        }
        if (entries.size() > maxMessages) {
            LOG.error("Outbox {} holds {} messages, more than its limit of {}: dropping the oldest {}",
                    directory, entries.size(), maxMessages, entries.size() - maxMessages);
            while (entries.size() > maxMessages) {
                headOffset += entries.pollFirst().line().length;
            }
        }
        if (damaged || (entries.isEmpty() && headOffset > 0) || headOffset >= compactThresholdBytes) {
            compact();
        } else if (removedAheadApplied) {
            writeOffset(generation, headOffset);
        }
        // followed or stale, the hint is settled: it must not outlive the journal it describes
        try {
            Files.deleteIfExists(directory.resolve(REMOVED_FILE));
        } catch (IOException e) {
            LOG.warn("Outbox {}: could not delete {} (the next open checks it against the journal again): {}",
                    directory, REMOVED_FILE, e.toString());
        }
    }

    private long[] readOffset() throws IOException {
        Path file = directory.resolve(OFFSET_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        long[] position;
        try {
            position = readPosition(file);
        } catch (IOException e) {
            throw new IOException(file + " is unreadable (" + e.getMessage() + "); move it away to read the whole "
                    + "journal again", e);
        }
        if (position == null) {
            throw new IOException(file + " is not {\"generation\":G,\"offset\":N}; move it away to read the whole "
                    + "journal again");
        }
        return position;
    }

    /** {generation, offset} from a file written by {@link #replacePosition}, or null when it has another shape. */
    private long[] readPosition(Path file) throws IOException {
        JsonNode node = json.readTree(Files.readAllBytes(file));
        if (node == null || !node.path("generation").canConvertToLong() || !node.path("offset").canConvertToLong()
                || node.get("generation").asLong() < 0 || node.get("offset").asLong() < 0) {
            return null;
        }
        return new long[] {node.get("generation").asLong(), node.get("offset").asLong()};
    }

    /**
     * Replaces {@code file} with {@code {"generation":G,"offset":N}} through a temp file and an atomic rename; with
     * {@code sync}, the temp file is synced before the rename (the caller syncs the directory).
     */
    private void replacePosition(String file, long gen, long offset, boolean sync) throws IOException {
        Path tmp = directory.resolve(file + ".tmp");
        byte[] content = ("{\"generation\":" + gen + ",\"offset\":" + offset + "}\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, content, 0);
            if (sync) {
                out.force(true);
            }
        }
        Files.move(tmp, directory.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<Long> journalGenerations() throws IOException {
        List<Long> generations = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "journal-*.jsonl")) {
            for (Path file : files) {
                Matcher m = JOURNAL_NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    generations.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return generations;
    }

    // ------------------------------------------------------------------------------------- bound, compaction

    private void dropBeyondLimit() {
        while (entries.size() > maxMessages) {
            Entry dropped = entries.pollFirst();
            headOffset += dropped.line().length;
            droppedInBurst++;
            if (droppedInBurst == 1) {
                LOG.error("Outbox {} is full ({} messages not yet sent to the control plane): dropping the oldest "
                        + "('{}'); further drops are counted until it has room again",
                        directory, maxMessages, dropped.message().type());
            }
        }
    }

    /**
     * The new head, visible to the next process at once (no sync: a rename survives {@code kill -9}): the synced
     * offset below takes milliseconds, and a kill inside them would send the messages just sent a second time.
     */
    private void recordRemoved() {
        try {
            replacePosition(REMOVED_FILE, generation, headOffset, false);
        } catch (IOException e) {
            LOG.debug("Outbox {}: could not record the removed head ahead of the offset: {}", directory, e.toString());
        }
    }

    /**
     * Where {@code removed.json} puts the head of journal {@code gen} ({@code size} bytes), or -1 when it is absent,
     * unreadable, of another generation or beyond the journal: then it is only a stale hint.
     */
    private long removedHead(long gen, long size) {
        Path file = directory.resolve(REMOVED_FILE);
        try {
            long[] position = Files.exists(file) ? readPosition(file) : null;
            return position != null && position[0] == gen && position[1] <= size ? position[1] : -1;
        } catch (IOException e) {
            LOG.debug("Outbox {}: ignoring an unreadable {}: {}", directory, REMOVED_FILE, e.toString());
            return -1;
        }
    }

    /** After the head moved: rewrite the journal when worthwhile, else just save the new offset. */
    private void compactOrPersistOffset() {
        if (entries.isEmpty() || headOffset >= compactThresholdBytes) {
            try {
                compact();
                return;
            } catch (IOException e) {
                LOG.warn("Outbox {}: compaction failed, keeping the current journal: {}", directory, e.toString());
            }
        }
        try {
            writeOffset(generation, headOffset);
        } catch (IOException e) {
            LOG.error("Outbox {}: could not save the consumed offset (removed messages will be sent again after a "
                    + "restart): {}", directory, e.toString());
        }
    }

    /**
     * Writes the remaining entries to the next generation's journal and switches to it. Until the offset file names
     * the new generation nothing has changed; a failure before that leaves the old journal in use.
     */
    private void compact() throws IOException {
        long next = generation + 1;
        Path nextPath = journalPath(next);
        long size = 0;
        try {
            Files.deleteIfExists(nextPath);
            try (FileChannel out = FileChannel.open(nextPath, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                for (Entry e : entries) {
                    writeFully(out, e.line(), size);
                    size += e.line().length;
                }
                out.force(true);
            }
            fsyncDirectory();
            writeOffset(next, 0);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(nextPath);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // Committed: the new journal is the outbox now.
        FileChannel old = journal;
        Path oldPath = journalPath(generation);
        try {
            journal = FileChannel.open(nextPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            broken = new UncheckedIOException("outbox " + directory + " switched to " + nextPath.getFileName()
                    + " but cannot open it: " + e.getMessage(), e);
            throw e;
        }
        generation = next;
        headOffset = 0;
        journalSize = size;
        closeQuietly(old);
        try {
            Files.deleteIfExists(oldPath);
        } catch (IOException e) {
            LOG.warn("Outbox {}: could not delete the old journal {}: {}", directory, oldPath.getFileName(),
                    e.toString());
        }
    }

    private void writeOffset(long gen, long offset) throws IOException {
        replacePosition(OFFSET_FILE, gen, offset, true);
        fsyncDirectory();
        persistedGeneration = gen;
        persistedOffset = offset;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Path journalPath(long gen) {
        return directory.resolve("journal-" + gen + ".jsonl");
    }

    private long headSeq() {
        return entries.isEmpty() ? nextSeq : entries.peekFirst().seq();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("outbox " + directory + " is closed");
        }
    }

    private void ensureUsable() {
        ensureOpen();
        if (broken != null) {
            throw broken;
        }
    }

    /** Makes renames and new files in the directory durable; not every file system can, so failures are ignored. */
    private void fsyncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Outbox {}: cannot fsync the directory: {}", directory, e.toString());
        }
    }

    private void closeQuietly() {
        closed = true;
        closeQuietly(journal);
        try {
            fileLock.release();
        } catch (IOException e) {
            LOG.debug("Outbox {}: releasing the lock: {}", directory, e.toString());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", channel, e.toString());
            }
        }
    }

    private static String holderOf(FileChannel lockChannel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            lockChannel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "its lock file is held" : "its lock file is held by pid " + pid;
        } catch (IOException e) {
            return "its lock file is held";
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
