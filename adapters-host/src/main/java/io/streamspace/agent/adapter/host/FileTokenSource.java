package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.TokenSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose-agent token from a file (e.g. a mounted secret), shared by every agent id. The file is read on every
 * call, so a rotated token (written in place or renamed over the file) is used by the very next request on both
 * sides without a restart. Surrounding whitespace is ignored; an empty or unreadable file means no token.
 */
public final class FileTokenSource implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileTokenSource.class);

    private final Path file;
    private final String what;
    private volatile boolean warned;

    public FileTokenSource(Path file) {
        this(file, "the compose-agent token");
    }

    /** @param what names the token in the warning logged when the file cannot be read */
    public FileTokenSource(Path file, String what) {
        this.file = file;
        this.what = what;
    }

    @Override
    public Optional<String> tokenFor(String agentId) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            warned = false;
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("Cannot read {} from {}: {}", what, file, e.toString());
            }
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "FileTokenSource[" + file + "]";
    }
}
