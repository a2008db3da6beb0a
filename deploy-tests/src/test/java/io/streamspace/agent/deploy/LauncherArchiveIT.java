package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/docker-agent and its class-data archive as an installation holds them (bin/, lib/ with the jar and the archive
 * the launcher writes): the archive is used while it is newer than the jar, and a jar replaced after it (an upgrade,
 * a rebuild with the same bytes) starts without it and without the JVM's "Unable to map shared spaces" errors. The
 * archive holds the session agent's classes and none of the training control plane's.
 */
class LauncherArchiveIT {

    @TempDir
    Path root;

    @Test
    void anArchiveOlderThanTheJarIsSkippedWithoutErrors() throws IOException {
        Path launcher = install();
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
        Host.Result written = ok(Host.run(root, env, Duration.ofMinutes(3), launcher.toString(), "--write-cds-archive"));
        assertThat(written.out()).contains("wrote");
        Path jar = root.resolve("lib/docker-agent.jar");
        Path archive = Files.list(root.resolve("lib")).filter(p -> !p.equals(jar)).findFirst().orElseThrow();

        // the archive is used: class loading says "shared objects file" (AppCDS) or "AOT cache" for the agent's classes
        Map<String, String> logged = Map.of("JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS",
                "-Xlog:class+load=info:stdout");
        Host.Result fresh = ok(Host.run(root, logged, Duration.ofMinutes(1), launcher.toString(), "version"));
        assertThat(fresh.err()).as("a fresh archive starts quietly").isBlank();
        assertThat(fresh.out()).containsPattern("io\\.streamspace\\.agent\\.\\S+ source: (shared objects file|AOT cache)");
        // the training reached its last step, and its control plane ran in a JVM of its own: an AOT cache (Java >= 25)
        // loads every class it holds at start-up, so the simulator's would live in every agent; and nothing in the
        // training speaks TLS, so neither does the JDK's TLS stack (ADR 0020)
        assertThat(written.err()).doesNotContain("did not reach its last step");
        assertThat(fresh.out()).doesNotContainPattern("(io\\.streamspace\\.agent\\.testkit|org\\.eclipse\\.jetty"
                + "|sun\\.security\\.ssl)\\.\\S+ source: (shared objects file|AOT cache)");
        if (archive.getFileName().toString().endsWith(".aot")) {
            assertThat(fresh.out()).as("the session agent's path is in the cache")
                    .containsPattern("adapter\\.websocket\\.StreamSpaceGateway source: (shared objects file|AOT cache)");
            // the training's stand-in engine answered: the Docker client's response path, up to the version read
            // from the reply (ADR 0027), is in the cache, the stand-in not
            String cached = " source: (shared objects file|AOT cache)";
            assertThat(fresh.out()).as("the Docker client's response path is in the cache")
                    .containsPattern("adapter\\.docker\\.EngineReads\\$EngineVersion" + cached)
                    .containsPattern("org\\.apache\\.hc\\.core5\\.http\\.message\\.StatusLine" + cached)
                    .doesNotContainPattern("bootstrap\\.TrainingEngine\\S*" + cached);
        }

        // the jar replaced after the archive was written: the JVM would refuse the archive noisily
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        Host.Result stale = ok(Host.run(root, logged, Duration.ofMinutes(1), launcher.toString(), "version"));
        assertThat(stale.err()).as("a stale archive is skipped, not reported as an error").isBlank();
        assertThat(stale.out()).doesNotContainPattern(
                "io\\.streamspace\\.agent\\.\\S+ source: (shared objects file|AOT cache)");
        assertThat(stale.out()).contains("docker-agent ");
        assertThat(archive).exists();
    }

    private Path install() throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path lib = Files.createDirectories(root.resolve("lib"));
        Path launcher = bin.resolve("docker-agent");
        Files.copy(Host.REPO.resolve("bin/docker-agent"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Host.AGENT_JAR, lib.resolve("docker-agent.jar"));
        return launcher;
    }
}
