package io.streamspace.agent.adapter.host;

import java.nio.file.Path;

/** Another process (or another {@link FileOutbox} in this one) holds the outbox directory: two agents must not share it. */
public final class OutboxInUseException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    OutboxInUseException(Path directory, String holder) {
        super("outbox directory " + directory + " is in use by another agent (" + holder
                + "); two agents must not share an outbox: give each agent its own outbox directory");
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
