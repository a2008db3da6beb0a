package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.FencingEpoch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link LeaderLock} as an exclusive lock on a local file ({@code --lock-file-path}, default
 * {@value #DEFAULT_PATH}). <strong>Single host only</strong>: the replicas must share this host's file system (and
 * its kernel's locks); network file systems are not supported. For replicas on several hosts use the Redis backend.
 *
 * <p>The lock is an OS advisory lock ({@link FileChannel#tryLock()}, {@code fcntl} on Linux): the kernel frees it the
 * moment its holder process dies, however it dies, so there is no lease time to wait for and a standby can take over
 * within one retry period. Renewal confirms that this process still holds a valid lock on the file that is still at
 * the path (a lock file deleted or replaced behind our back ends the term).
 *
 * <p>The file also keeps the fencing epoch and the holder: {@code epoch=}, {@code holder=}, {@code agent=},
 * {@code pid=} lines, rewritten in place (one fixed-size block, {@code fsync}ed) at every acquisition with the epoch
 * incremented, so epochs never go backwards as long as the file is not deleted. One file serves one agent id: a file
 * of another agent is refused with a clear message.
 *
 * <p>Within one JVM all locks on the same path share one channel (closing any channel of a file would drop every
 * lock this process holds on it), so two lock objects in one process exclude each other like two processes do.
 */
public final class FileLeaderLock implements LeaderLock, AutoCloseable {

    public static final String DEFAULT_PATH = "/var/run/streamspace/agent.lock";
    static final String HEADER = "# StreamSpace agent leader lock: held with an OS file lock by the leader; do not delete";
    /** The record is padded to this size and written at offset 0 in one write. */
    static final int RECORD_SIZE = 512;

    private static final Map<Path, SharedFile> OPEN = new ConcurrentHashMap<>();

    /** The one channel of this JVM on a lock file, and what this JVM holds on it. */
    private static final class SharedFile {
        final Path path;
        final FileChannel channel;
        final Object fileKey;
        int users;
        FileLock lock;
        Lease held;

        SharedFile(Path path, FileChannel channel, Object fileKey) {
            this.path = path;
            this.channel = channel;
            this.fileKey = fileKey;
        }
    }

    private final Path path;
    private final String agentId;
    private final SharedFile file;
    private boolean closed;

    private FileLeaderLock(Path path, String agentId, SharedFile file) {
        this.path = path;
        this.agentId = agentId;
        this.file = file;
    }

    /**
     * Opens (creating it and its parent directories if needed) the lock file for {@code agentId}; does not lock it.
     *
     * @throws LeaderLockUnavailableException with a clear message when the file cannot be created or opened
     */
    public static FileLeaderLock open(Path path, String agentId) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(agentId, "agentId");
        Path absolute = path.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new LeaderLockUnavailableException("Cannot create the directory of the leader lock file " + absolute
                    + ": " + reason(e) + " (set --lock-file-path / LOCK_FILE_PATH to a writable place)", e);
        }
        synchronized (OPEN) {
            SharedFile shared = OPEN.get(absolute);
            if (shared == null) {
                FileChannel channel = null;
                try {
                    channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    Object key = Files.readAttributes(absolute, BasicFileAttributes.class).fileKey();
                    shared = new SharedFile(absolute, channel, key);
                } catch (IOException e) {
                    closeQuietly(channel);
                    throw new LeaderLockUnavailableException("Cannot open the leader lock file " + absolute + ": "
                            + reason(e) + " (set --lock-file-path / LOCK_FILE_PATH to a writable file)", e);
                }
                OPEN.put(absolute, shared);
            }
            shared.users++;
            return new FileLeaderLock(absolute, agentId, shared);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public Optional<Lease> tryAcquire(String instanceId) {
        synchronized (file) {
            ensureOpen();
            if (file.lock != null) {
                return Optional.empty(); // held by this process
            }
            FileLock lock = tryLock();
            if (lock == null) {
                return Optional.empty(); // held by another process
            }
            try {
                Map<String, String> record = read();
                String owner = record.get("agent");
                if (owner != null && !owner.isEmpty() && !owner.equals(agentId)) {
                    throw new LeaderLockUnavailableException("The leader lock file " + path + " belongs to agent "
                            + owner + ", not " + agentId + "; give each agent its own --lock-file-path");
                }
                long previous = epochOf(record);
                FencingEpoch epoch = previous == 0 ? FencingEpoch.of(1) : FencingEpoch.of(previous).next();
                write(epoch.value(), instanceId);
                Lease lease = new Lease(agentId, instanceId, epoch);
                file.lock = lock;
                file.held = lease;
                return Optional.of(lease);
            } catch (IOException e) {
                releaseQuietly(lock);
                throw new LeaderLockUnavailableException("Cannot write the leader lock file " + path + ": " + reason(e), e);
            } catch (RuntimeException e) {
                releaseQuietly(lock);
                throw e;
            }
        }
    }

    @Override
    public boolean renew(Lease lease) {
        synchronized (file) {
            if (closed || file.lock == null || !lease.equals(file.held)) {
                return false;
            }
            if (!file.lock.isValid() || !file.channel.isOpen()) {
                return false;
            }
            try {
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                return file.fileKey == null || file.fileKey.equals(key); // deleted or replaced: not our lock anymore
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw new LeaderLockUnavailableException("Cannot check the leader lock file " + path + ": " + reason(e), e);
            }
        }
    }

    @Override
    public void release(Lease lease) {
        synchronized (file) {
            if (file.lock == null || !lease.equals(file.held)) {
                return;
            }
            try {
                write(lease.epoch().value(), "");
            } catch (IOException e) {
                // the holder line is informational; the lock itself is what counts
            } finally {
                releaseQuietly(file.lock);
                file.lock = null;
                file.held = null;
            }
        }
    }

    @Override
    public Optional<String> currentHolder() {
        synchronized (file) {
            ensureOpen();
            if (file.held != null) {
                return Optional.of(file.held.instanceId());
            }
            FileLock probe = tryLock();
            if (probe != null) { // nobody holds it
                releaseQuietly(probe);
                return Optional.empty();
            }
            try {
                Map<String, String> record = read();
                String holder = record.getOrDefault("holder", "");
                return Optional.of(holder.isEmpty() ? "another process (pid " + record.getOrDefault("pid", "?") + ")" : holder);
            } catch (IOException e) {
                throw new LeaderLockUnavailableException("Cannot read the leader lock file " + path + ": " + reason(e), e);
            }
        }
    }

    /** Releases what this object holds; the file's channel closes with the last lock object of this process. */
    @Override
    public void close() {
        synchronized (OPEN) {
            synchronized (file) {
                if (closed) {
                    return;
                }
                closed = true;
                if (file.held != null && file.held.agentId().equals(agentId)) {
                    release(file.held);
                }
                if (--file.users == 0) {
                    OPEN.remove(file.path, file);
                    closeQuietly(file.channel);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "file leader lock of " + agentId + " at " + path;
    }

    // ---------------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the leader lock " + path + " is closed");
        }
    }

    private FileLock tryLock() {
        try {
            return file.channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (IOException e) {
            throw new LeaderLockUnavailableException("Cannot lock the leader lock file " + path + ": " + reason(e), e);
        }
    }

    private Map<String, String> read() throws IOException {
        long size = Math.min(file.channel.size(), 64 * 1024);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && file.channel.read(buffer, buffer.position()) > 0) {
            // read it all
        }
        Map<String, String> record = new LinkedHashMap<>();
        for (String line : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (!trimmed.isEmpty() && !trimmed.startsWith("#") && equals > 0) {
                record.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
        }
        if (record.isEmpty() && !new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).isBlank()) {
            record.put("epoch", "unreadable");
        }
        return record;
    }

    private long epochOf(Map<String, String> record) {
        String value = record.get("epoch");
        if (value == null) {
            return 0; // a new file
        }
        try {
            long epoch = Long.parseLong(value);
            if (epoch < 0) {
                throw new NumberFormatException(value);
            }
            return epoch;
        } catch (NumberFormatException e) {
            throw new LeaderLockUnavailableException("The leader lock file " + path + " holds no readable epoch ('"
                    + value + "'); refusing to guess the fencing epoch (restore the file or remove it only when no"
                    + " agent runs)");
        }
    }

    /** Rewrites the record in place, padded to {@link #RECORD_SIZE}, and {@code fsync}s it. */
    private void write(long epoch, String holder) throws IOException {
        String text = HEADER + "\nagent=" + agentId + "\nepoch=" + epoch + "\nholder=" + holder
                + "\npid=" + (holder.isEmpty() ? "" : Long.toString(ProcessHandle.current().pid())) + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int size = Math.max(RECORD_SIZE, bytes.length);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(bytes);
        while (buffer.hasRemaining()) {
            buffer.put((byte) '\n');
        }
        buffer.flip();
        int position = 0;
        while (buffer.hasRemaining()) {
            position += file.channel.write(buffer, position);
        }
        if (file.channel.size() > size) {
            file.channel.truncate(size);
        }
        file.channel.force(true);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return String.valueOf(e.getMessage());
    }

    private static void releaseQuietly(FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // the channel is gone; so is the lock
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing to do
        }
    }
}
