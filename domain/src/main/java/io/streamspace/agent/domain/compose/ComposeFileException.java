package io.streamspace.agent.domain.compose;

/**
 * A Compose file this engine cannot run: a key it does not support, a value of the wrong shape, a variable that
 * cannot be interpolated, a dependency cycle. The message starts with the path of the key at fault
 * ({@code services.web.build: not supported by this engine}) so the author knows where to look.
 */
public class ComposeFileException extends RuntimeException {

    private final String path;

    public ComposeFileException(String path, String problem) {
        super(path == null || path.isEmpty() ? problem : path + ": " + problem);
        this.path = path == null ? "" : path;
    }

    /** The dotted key path at fault ({@code services.web.ports[0]}), empty for the whole file. */
    public String path() {
        return path;
    }
}
