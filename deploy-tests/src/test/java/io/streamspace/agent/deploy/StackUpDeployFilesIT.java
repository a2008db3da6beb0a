package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own {@code stack up} takes the HA and sidecar files as they are (StandaloneComposeIT covers the
 * standalone one): the stack comes up under the directory's project name, the agent registers, and
 * {@code stack down} removes it.
 */
class StackUpDeployFilesIT {

    @TempDir
    Path root;

    @Test
    void stackUpRunsTheHaFileWithRedisAndOneLeaderRegisters() throws Exception {
        try (Deployment d = Deployment.of(root, "docker-compose.ha.yml", Map.of("REDIS_IMAGE", Host.redisImage()))) {
            d.check(() -> {
                assertThat(ok(d.stack("up")).out()).contains("stack " + d.project
                        + ": created [redis, agent-1, agent-2, agent-3]");
                d.awaitConnected();
                assertThat(ok(d.stack("ps")).out()).contains(d.project + "-agent-1-1", d.project + "-agent-2-1",
                        d.project + "-agent-3-1", d.project + "-redis-1");
                ok(d.stack("down", "-v"));
                assertThat(d.containers("agent-1")).isEmpty();
            });
        }
    }

    @Test
    void stackUpRunsTheSidecarFileAndASessionStartsThroughTheSidecar() throws Exception {
        String sidecarName = "sst-deploy-compose-agent-" + Deployment.hex8();
        try (Deployment d = Deployment.of(root, "docker-compose.sidecar.yml", Map.of(
                "COMPOSE_AGENT_CONTAINER", sidecarName))) {
            Path token = d.dir.resolve("compose-agent.token");
            Files.writeString(token, Deployment.hex8() + Deployment.hex8() + "\n");
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--r--r--"));
            d.check(() -> {
                ok(d.stack("up"));
                assertThat(SidecarComposeIT.mounts(Deployment.inspect(d.container("agent"))))
                        .noneMatch(m -> m.contains("docker.sock"));
                d.awaitConnected();
                d.startSession();
                ok(d.stack("down"));
                assertThat(d.containers("compose-agent")).isEmpty();
            });
        }
    }
}
