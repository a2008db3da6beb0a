package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.adapter.docker.swarm.LocalSwarm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/swarm-stack.yml with {@code docker stack deploy} on a single-node swarm (initialised for the run when the
 * engine is in none, and left at its end): two replicas elect a leader through their service's labels (the
 * {@code swarm} backend); the leader registers and a session starts and reaches running. All swarm tests of this
 * module are in this class, so they never overlap.
 */
@ExtendWith(LocalSwarm.class)
class SwarmStackIT {

    @TempDir
    Path root;

    @Test
    void dockerStackDeployRunsReplicasThatElectALeaderWhichStartsASession() throws Exception {
        try (Deployment d = Deployment.of(root, "swarm-stack.yml", Map.of("LOG_LEVEL", "info"))) {
            Map<String, String> shell = Map.of("DOCKER_GID", Integer.toString(Host.dockerSocketGroup()),
                    "AGENT_IMAGE", Host.agentImage(), "STATUS_PUBLISH_PORT", Integer.toString(d.statusPort));
            try {
                d.check(() -> {
                    ok(Host.run(d.dir, shell, Duration.ofMinutes(3), "docker", "stack", "deploy",
                            "--resolve-image", "never", "-c", "swarm-stack.yml", d.project));
                    Awaitility.await().atMost(Deployment.STARTUP).pollInterval(Duration.ofSeconds(2)).until(() ->
                            Host.lines(Host.dockerOk("ps", "-q", "--filter",
                                    "label=com.docker.stack.namespace=" + d.project)).size() == 2);
                    d.awaitConnected();
                    d.startSession();
                    String service = d.project + "_agent";
                    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Host.dockerOk("service", "inspect",
                            "-f", "{{json .Spec.Labels}}", service).contains("streamspace.agent.leader." + d.agentId));
                    List<String> tasks = Host.lines(Host.dockerOk("ps", "-q", "--filter",
                            "label=com.docker.stack.namespace=" + d.project));
                    long leaders = tasks.stream().filter(id -> Deployment.logs(id).contains("Became leader for agent"))
                            .count();
                    assertThat(leaders).as("replicas that became leader").isEqualTo(1);
                    // The panel port goes through the routing mesh (the only way Swarm publishes to every node) ...
                    String ports = Host.dockerOk("service", "inspect", "-f", "{{json .Endpoint.Ports}}", service);
                    assertThat(ports).contains("\"TargetPort\":5001", "\"PublishedPort\":" + d.statusPort,
                            "\"PublishMode\":\"ingress\"");
                    // ... which needs IPVS in the host's kernel, and these machines have none: so each replica's panel
                    // is read inside its container, as the HEALTHCHECK reads it. One leads, the other stands by.
                    List<String> states = new java.util.ArrayList<>();
                    for (String task : tasks) {
                        Awaitility.await("the panel of " + task).atMost(Deployment.STARTUP)
                                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                                .until(() -> d.panelInside(task, "/health", false).status() == 200);
                        assertThat(d.panelInside(task, "/api/v1/agent", false).status()).as("without the token")
                                .isEqualTo(401);
                        Deployment.Answer agent = d.panelInside(task, "/api/v1/agent", true);
                        assertThat(agent.status()).as("/api/v1/agent with the token: " + agent.body()).isEqualTo(200);
                        assertThat(agent.json().path("agent_id").asText()).isEqualTo(d.agentId);
                        states.add(agent.json().at("/leadership/state").asText());
                    }
                    assertThat(states).containsExactlyInAnyOrder("leader", "standby");
                });
            } finally {
                Host.docker("stack", "rm", d.project);
                Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> Host.lines(Host.dockerOk("ps", "-aq",
                        "--filter", "label=com.docker.stack.namespace=" + d.project)).isEmpty());
                Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> Host.lines(Host.dockerOk("network", "ls",
                        "-q", "--filter", "label=com.docker.stack.namespace=" + d.project)).isEmpty());
            }
        }
    }
}
