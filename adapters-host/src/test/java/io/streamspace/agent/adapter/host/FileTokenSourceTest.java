package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTokenSourceTest {

    @TempDir
    Path dir;

    @Test
    void aRotatedTokenIsReadOnTheNextCall() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        FileTokenSource tokens = new FileTokenSource(file);

        assertThat(tokens.tokenFor("agent-1")).contains("first");
        Files.writeString(file, "second");
        assertThat(tokens.tokenFor("agent-1")).contains("second");
    }

    @Test
    void aMissingOrEmptyFileIsNoToken() throws Exception {
        Path file = dir.resolve("token");
        FileTokenSource tokens = new FileTokenSource(file);

        assertThat(tokens.tokenFor("agent-1")).isEmpty();
        Files.writeString(file, "  \n");
        assertThat(tokens.tokenFor("agent-1")).isEmpty();
    }
}
