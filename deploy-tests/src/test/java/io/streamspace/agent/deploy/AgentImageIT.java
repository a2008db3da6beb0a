package io.streamspace.agent.deploy;

import static io.streamspace.agent.deploy.Host.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image scripts/image.sh builds from the repository's Dockerfile (local bases, no registry): every role answers
 * as an argument, it runs as a non-root user, its HEALTHCHECK is on /health, its runtime holds only the modules the
 * agent needs, and it adds at most 100 MiB to its base.
 */
class AgentImageIT {

    private static final Logger LOG = LoggerFactory.getLogger(AgentImageIT.class);
    static final String BASE = "localhost/streamspace/debian:bookworm-minbase";
    static final long MAX_GROWTH = 100L * 1024 * 1024;

    @Test
    void everyRoleAnswersAsAnArgumentOfTheEntrypoint() {
        String image = Host.agentImage();
        assertThat(ok(Host.docker("run", "--rm", image, "--help")).out())
                .contains("run", "compose-agent", "stack", "socket-proxy", "dev", "version");
        assertThat(ok(Host.docker("run", "--rm", image, "version")).out()).startsWith("docker-agent ");
        assertThat(ok(Host.docker("run", "--rm", image, "run", "--help")).out()).contains("--agent-id", "AGENT_ID");
        assertThat(ok(Host.docker("run", "--rm", image, "compose-agent", "--help")).out()).contains("--listen");
        assertThat(ok(Host.docker("run", "--rm", image, "stack", "up", "--help")).out()).contains("--env-file");
        assertThat(ok(Host.docker("run", "--rm", image, "socket-proxy", "--help")).out()).contains("--proxy-listen");
        // the default command is `run`, which names what is missing and exits 2
        Host.Result run = Host.docker("run", "--rm", image);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("configuration error:").contains("AGENT_ID");
    }

    @Test
    void itRunsAsANonRootUserWithTheHealthcheckOnHealthAndTheLauncherAsEntrypoint() {
        JsonNode config = Deployment.inspect(Host.agentImage()).path("Config");
        // the uid alone, so the engine adds the groups /etc/group gives the user (DOCKER_GID at build time)
        assertThat(config.path("User").asText()).isEqualTo("10001");
        assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"docker-agent\"]");
        assertThat(config.path("Cmd").toString()).isEqualTo("[\"run\"]");
        assertThat(config.at("/Healthcheck/Test").toString()).isEqualTo("[\"CMD\",\"docker-agent-healthcheck\"]");
        assertThat(ok(Host.docker("run", "--rm", "--entrypoint", "id", Host.agentImage())).out())
                .startsWith("uid=10001(streamspace) gid=10001(streamspace)");
        // the check fails when nothing answers on the status port (and names why)
        Host.Result check = Host.docker("run", "--rm", "--entrypoint", "docker-agent-healthcheck", Host.agentImage());
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.err()).contains("nothing listens on 127.0.0.1:5001");
        // at run time the socket's group joins the user's groups (docker run --group-add; user: in the compose files)
        assertThat(ok(Host.docker("run", "--rm", "--group-add", Integer.toString(Host.dockerSocketGroup()),
                "--entrypoint", "id", Host.agentImage())).out()).contains(Integer.toString(Host.dockerSocketGroup()));
    }

    @Test
    void theClassDataArchiveShipsGzippedAndIsUnpackedOnceAndUsedFromTheFirstStart() {
        String image = Host.agentImage();
        // one container: the first start unpacks the image's archive into the cache directory (removing an older
        // image's copy left in it), the second reuses it; both JVMs load their classes from it (the runtime has no
        // archive of its own: jlink writes none)
        String out = ok(Host.docker("run", "--rm", "--entrypoint", "sh", image, "-c",
                "for gz in /opt/docker-agent/lib/docker-agent.*.gz; do kind=${gz%.gz};"
                        + " touch /var/lib/streamspace/cache/docker-agent-1-1.${kind##*.}; done;"
                        + " ls /opt/docker-agent/lib; echo ---;"
                        + " JAVA_OPTS=-Xlog:class+load=info docker-agent version"
                        + " | grep -c 'shared objects file'; ls /var/lib/streamspace/cache; echo ---;"
                        + " JAVA_OPTS=-Xlog:class+load=info docker-agent version | grep -c 'shared objects file';"
                        + " ls /var/lib/streamspace/cache; echo ---;"
                        + " DOCKER_AGENT_CDS=off JAVA_OPTS=-Xlog:class+load=info docker-agent version"
                        + " | grep -c 'shared objects file' || true")).out();
        String[] parts = out.split("---\\n");
        assertThat(parts).hasSize(4);
        assertThat(parts[0]).containsPattern("docker-agent\\.(aot|jsa)\\.gz").doesNotContainPattern("\\.(aot|jsa)\\n");
        String[] first = parts[1].strip().split("\\n");
        String[] second = parts[2].strip().split("\\n");
        assertThat(Integer.parseInt(first[0])).isGreaterThan(1000);
        assertThat(Integer.parseInt(second[0])).isGreaterThan(1000);
        assertThat(first).hasSize(2); // the stale copy is gone
        assertThat(first[1]).matches("docker-agent-\\d+-\\d+\\.(aot|jsa)").doesNotStartWith("docker-agent-1-1.");
        assertThat(second[1]).isEqualTo(first[1]);
        assertThat(second).hasSize(2);
        assertThat(parts[3].strip()).isEqualTo("0");
    }

    @Test
    void theSocketsGroupIdAsABuildArgumentPutsTheUserInThatGroup() {
        String gid = Integer.toString(Host.dockerSocketGroup());
        String tag = "sst-deploy-gid-" + Deployment.hex8() + ":test";
        try {
            ok(Host.run(Host.REPO, Map.of(), Duration.ofMinutes(10), "scripts/image.sh", "--jar",
                    Host.AGENT_JAR.toString(), "--docker-gid", gid, "--tag", tag));
            assertThat(ok(Host.docker("run", "--rm", "--entrypoint", "id", tag)).out())
                    .startsWith("uid=10001(streamspace)").containsPattern("groups=.*\\b" + gid + "\\(");
        } finally {
            Host.docker("image", "rm", tag);
        }
    }

    @Test
    void theRuntimeHoldsOnlyTheAgentsModulesAndTheImageAddsAtMost100MiBToItsBase() {
        String image = Host.agentImage();
        Set<String> modules = new TreeSet<>();
        for (String line : Host.lines(ok(Host.docker("run", "--rm", "--entrypoint",
                "/opt/docker-agent/runtime/bin/java", image, "--list-modules")).out())) {
            modules.add(line.substring(0, line.indexOf('@')));
        }
        modules.remove("jdk.crypto.ec"); // only in Java 21 runtimes (merged into java.base in 22)
        // the Dockerfile's list plus java.security.sasl, which java.naming requires
        assertThat(modules).containsExactlyInAnyOrder("java.base", "java.logging", "java.management", "java.naming",
                "java.net.http",
                "java.security.sasl", "java.xml", "jdk.httpserver", "jdk.unsupported");

        long size = Long.parseLong(Host.dockerOk("image", "inspect", "-f", "{{.Size}}", image));
        long base = Long.parseLong(Host.dockerOk("image", "inspect", "-f", "{{.Size}}", BASE));
        LOG.info("image {}: {} bytes, base {} bytes, {} MiB beyond the base", image, size, base,
                (size - base) / (1024 * 1024));
        assertThat(size - base).isLessThanOrEqualTo(MAX_GROWTH);
    }

    @Test
    void imageShIsANoOpWhenNothingChangedAndOrdinaryBuildsNeverSeeAHostJar() throws Exception {
        String id = Host.dockerOk("image", "inspect", "-f", "{{.Id}}", Host.agentImage());
        Host.Result again = ok(Host.run(Host.REPO, Map.of(), Duration.ofMinutes(2), "scripts/image.sh", "--jar",
                Host.AGENT_JAR.toString()));
        assertThat(again.err()).contains("is up to date");
        assertThat(Host.dockerOk("image", "inspect", "-f", "{{.Id}}", Host.agentImage())).isEqualTo(id);

        String dockerfile = Files.readString(Host.REPO.resolve("Dockerfile"));
        assertThat(dockerfile).contains("ARG JDK_IMAGE=eclipse-temurin:21-jdk", "ARG BASE_IMAGE=debian:bookworm-slim",
                "ARG JAR_FROM=source");
        assertThat(Host.lines(Files.readString(Host.REPO.resolve(".dockerignore")))).contains("**/target", "prebuilt");
    }
}
