package io.streamspace.agent.adapter.docker.compose;

import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.ComposeParser;
import io.streamspace.agent.domain.compose.DotEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code env_file} entries read from a project directory (relative paths resolve against it). */
public final class DirectoryEnvFiles implements ComposeParser.EnvFiles {

    private final Path directory;

    public DirectoryEnvFiles(Path directory) {
        this.directory = directory;
    }

    @Override
    public Map<String, String> read(String path) {
        Path file = directory.resolve(path).normalize();
        try {
            return DotEnv.parse(Files.readString(file, StandardCharsets.UTF_8), path);
        } catch (IOException e) {
            throw new ComposeFileException("env_file", "cannot read " + file + ": " + e.getMessage());
        }
    }
}
