package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/streamspace-agent.service checked by {@code systemd-analyze verify} as it would be installed: in a
 * root directory holding the host's system units, the unit under /etc/systemd/system and the agent under
 * /opt/docker-agent (verify checks that ExecStart's program exists and is executable), and that layout runs.
 */
class SystemdUnitIT {

    static final Path UNIT = Host.DEPLOY.resolve("systemd/streamspace-agent.service");

    @TempDir
    Path root;

    @Test
    void theUnitVerifiesCleanlyWhenTheAgentIsInstalledWhereItsExecStartPoints() throws IOException {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("ExecStart=/opt/docker-agent/bin/docker-agent run",
                "EnvironmentFile=/etc/streamspace/agent.env", "User=streamspace", "SupplementaryGroups=docker",
                "SuccessExitStatus=143", "RestartPreventExitStatus=2");
        Path installed = install();

        Host.Result verify = verify(installed);
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.all()).as("no warnings").isBlank();

        // the check can fail: without the launcher ExecStart points nowhere
        Files.delete(root.resolve("opt/docker-agent/bin/docker-agent"));
        Host.Result broken = verify(installed);
        assertThat(broken.exitCode()).isNotZero();
        assertThat(broken.all()).contains("/opt/docker-agent/bin/docker-agent is not executable");
    }

    @Test
    void theLayoutTheUnitUsesRunsTheAgent() throws IOException {
        install();
        Host.Result version = ok(Host.run(root, Map.of("JAVA_HOME", System.getProperty("java.home")),
                Duration.ofMinutes(1), root.resolve("opt/docker-agent/bin/docker-agent").toString(), "version"));
        assertThat(version.out()).startsWith("docker-agent ");
    }

    /** The unit and the agent installed under the temporary root as the README's systemd steps do. */
    private Path install() throws IOException {
        Path units = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(units);
        try (Stream<Path> hostUnits = Files.list(Path.of("/lib/systemd/system"))) {
            for (Path unit : hostUnits.filter(Files::isRegularFile).toList()) {
                Files.copy(unit, units.resolve(unit.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path bin = Files.createDirectories(root.resolve("opt/docker-agent/bin"));
        Path lib = Files.createDirectories(root.resolve("opt/docker-agent/lib"));
        Files.copy(Host.REPO.resolve("bin/docker-agent"), bin.resolve("docker-agent"));
        Files.setPosixFilePermissions(bin.resolve("docker-agent"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Host.AGENT_JAR, lib.resolve("docker-agent.jar"));
        Path target = Files.createDirectories(root.resolve("etc/systemd/system")).resolve(UNIT.getFileName());
        Files.copy(UNIT, target);
        return target;
    }

    private Host.Result verify(Path unit) {
        return Host.run(root, Map.of("SYSTEMD_LOG_COLOR", "0"), Duration.ofMinutes(1), "systemd-analyze", "verify",
                "--root=" + root, unit.toString());
    }
}
