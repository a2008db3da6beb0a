package io.streamspace.agent.bootstrap.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationResolverTest {

    static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final Map<String, String> MINIMAL_ENV = Map.of("AGENT_ID", "docker-env-1",
            "CONTROL_PLANE_URL", "wss://control.example.com", "API_KEY", KEY);

    @TempDir
    Path dir;

    private static Map<Setting, String> flags(Object... pairs) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (int i = 0; i < pairs.length; i += 2) {
            flags.put((Setting) pairs[i], (String) pairs[i + 1]);
        }
        return flags;
    }

    private static List<String> problems(Map<Setting, String> flags, Map<String, String> env, Path file) {
        try {
            ConfigurationResolver.resolve(flags, env, file);
            return List.of();
        } catch (ConfigurationException e) {
            return e.problems();
        }
    }

    @Test
    void defaultsAreTheSeedTable() throws Exception {
        AgentConfiguration config = ConfigurationResolver.resolve(flags(), MINIMAL_ENV, null);
        assertThat(config.platform()).isEqualTo("docker");
        assertThat(config.region()).isNull();
        assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(config.network()).isEqualTo("streamspace");
        assertThat(config.volumeDriver()).isEqualTo("local");
        assertThat(config.maxCpu()).isEqualTo(100);
        assertThat(config.maxMemoryGb()).isEqualTo(128);
        assertThat(config.maxSessions()).isEqualTo(100);
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.enableHa()).isFalse();
        assertThat(config.leaderElectionBackend()).isEqualTo("file");
        assertThat(config.lockFilePath()).isEqualTo(Path.of("/var/run/streamspace/agent.lock"));
        assertThat(config.logLevel()).isEqualTo("info");
        assertThat(config.sessionCheckInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void sessionCheckIntervalIsAGoDurationOfAtLeastTenMilliseconds() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
        env.put("SESSION_CHECK_INTERVAL", "250ms");
        assertThat(ConfigurationResolver.resolve(flags(), env, null).sessionCheckInterval())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(problems(flags(Setting.SESSION_CHECK_INTERVAL, "5"), MINIMAL_ENV, null)).singleElement()
                .asString().contains("--session-check-interval", "Go duration", "'5'");
        assertThat(problems(flags(Setting.SESSION_CHECK_INTERVAL, "1ms"), MINIMAL_ENV, null)).singleElement()
                .asString().contains("at least 0.01s");
        assertThat(problems(flags(Setting.SESSION_CHECK_INTERVAL, "0"), MINIMAL_ENV, null)).hasSize(1);
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
                max-sessions: 7
                max_cpu: 9
                maxMemory: 11
                network: from-file
                """);
        Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
        env.put("MAX_CPU", "5");
        env.put("NETWORK_NAME", "from-env");
        AgentConfiguration config = ConfigurationResolver.resolve(flags(Setting.NETWORK, "from-flag"), env, file);
        assertThat(config.network()).isEqualTo("from-flag");
        assertThat(config.maxCpu()).isEqualTo(5);
        assertThat(config.maxSessions()).isEqualTo(7);
        assertThat(config.maxMemoryGb()).isEqualTo(11);
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsJsonFilesAndTheAgentApiKeyAlias() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.json"), """
                {"agent_id": "docker-json-1", "control_plane_url": "ws://127.0.0.1:9", "region": "eu-west-1",
                 "heartbeat_interval": 10, "enable_ha": true, "compose_agent_enabled": false}
                """);
        AgentConfiguration config = ConfigurationResolver.resolve(flags(), Map.of("AGENT_API_KEY", KEY), file);
        assertThat(config.agentId().value()).isEqualTo("docker-json-1");
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.enableHa()).isTrue();
        assertThat(config.apiKey().reveal()).isEqualTo(KEY);
    }

    @Test
    void missingRequiredSettingsAreEachOneLine() {
        assertThat(problems(flags(), Map.of(), null)).containsExactly(
                "agent id is required: set --agent-id or AGENT_ID",
                "control plane URL is required: set --control-plane-url or CONTROL_PLANE_URL (e.g. wss://control.example.com)",
                "API key is required (--api-key, API_KEY or AGENT_API_KEY)");
    }

    @Test
    void everyInvalidValueIsReportedPreciselyAndTogether() {
        List<String> problems = problems(flags(
                Setting.AGENT_ID, "bad;id",
                Setting.CONTROL_PLANE_URL, "https://control.example.com",
                Setting.API_KEY, "1234",
                Setting.MAX_CPU, "0",
                Setting.MAX_MEMORY, "-3",
                Setting.MAX_SESSIONS, "many",
                Setting.HEARTBEAT_INTERVAL, "60",
                Setting.LEADER_ELECTION_BACKEND, "redis",
                Setting.LOG_LEVEL, "loud"), Map.of(), null);
        assertThat(problems).hasSize(9);
        assertThat(problems.get(0)).contains("agent id 'bad;id'").contains("(from --agent-id)");
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("--control-plane-url").contains("ws:// or wss://"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("64 hexadecimal characters (got 4 characters)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("--max-cpu (MAX_CPU) must be a positive integer, got 0"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("--max-memory (MAX_MEMORY) must be a positive integer, got -3"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("--max-sessions").contains("'many'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("--heartbeat-interval").contains("45 s"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'redis' but no Redis URL"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("--log-level").contains("'loud'"));
    }

    @Test
    void secretsNeverAppearInProblemsOrToString() throws Exception {
        String badKey = "secretsecretsecret";
        List<String> problems = problems(flags(Setting.API_KEY, badKey, Setting.REDIS_URL,
                "http://user:hunter2@redis:6379"), MINIMAL_ENV, null);
        assertThat(String.join("\n", problems)).doesNotContain(badKey).doesNotContain("hunter2");
        AgentConfiguration config = ConfigurationResolver.resolve(
                flags(Setting.REDIS_URL, "redis://agent:hunter2@redis:6379/0"), MINIMAL_ENV, null);
        assertThat(config.toString()).doesNotContain(KEY).doesNotContain("hunter2").contains("agent:****@redis");
    }

    @Test
    void badConfigFilesAreNamed() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "max-sesions: 3\n");
        assertThat(problems(flags(), MINIMAL_ENV, typo))
                .containsExactly("config file " + typo + ": unknown setting 'max-sesions'");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"agent_id\": ");
        assertThat(problems(flags(), MINIMAL_ENV, broken)).singleElement().asString()
                .startsWith("config file " + broken + " cannot be parsed");
        assertThat(problems(flags(), MINIMAL_ENV, dir.resolve("absent.yaml"))).singleElement().asString()
                .contains("does not exist");
    }

    @Test
    void invalidPlatformRegionAndBackendAreRefused() throws Exception {
        List<String> problems = problems(flags(Setting.PLATFORM, "mainframe", Setting.REGION, "x",
                Setting.LEADER_ELECTION_BACKEND, "zookeeper", Setting.ENABLE_HA, "maybe"), MINIMAL_ENV, null);
        assertThat(problems).hasSize(4);
        assertThat(ConfigurationResolver.resolve(flags(Setting.REDIS_URL, "redis://h:6379/0",
                Setting.LEADER_ELECTION_BACKEND, "REDIS"), MINIMAL_ENV, null).leaderElectionBackend()).isEqualTo("redis");
    }

    @Test
    void statusApiLegacyModeAndControlPlaneDefaults() throws Exception {
        AgentConfiguration config = ConfigurationResolver.resolve(flags(), MINIMAL_ENV, null);
        assertThat(config.statusPort()).isEqualTo(5001);
        assertThat(config.statusApiEnabled()).isTrue();
        assertThat(config.composeAgentEnabled()).isFalse();
        assertThat(config.controlPlane()).isEqualTo(ControlPlaneTag.STATUS_PANEL);
        assertThat(config.toString()).contains("statusPort=5001", "composeAgentEnabled=false",
                "controlPlane=status_panel");
    }

    @Test
    void statusPortZeroPicksAFreePortAndOffDisables() throws Exception {
        assertThat(ConfigurationResolver.resolve(flags(Setting.STATUS_PORT, "0"), MINIMAL_ENV, null).statusPort())
                .isZero();
        AgentConfiguration off = ConfigurationResolver.resolve(flags(), withEnv("STATUS_PORT", "off"), null);
        assertThat(off.statusPort()).isNull();
        assertThat(off.statusApiEnabled()).isFalse();
        assertThat(problems(flags(Setting.STATUS_PORT, "70000"), MINIMAL_ENV, null)).containsExactly(
                "--status-port (STATUS_PORT) must be a port from 0 to 65535 (0 picks a free one) or off, got '70000'"
                        + " (from --status-port)");
    }

    @Test
    void controlPlaneAndComposeAgentComeFromTheEnvironmentAndTheSeedsConfigKeys() throws Exception {
        assertThat(ConfigurationResolver.resolve(flags(), withEnv("CONTROL_PLANE", "compose_agent"), null)
                .controlPlane()).isEqualTo(ControlPlaneTag.COMPOSE_AGENT);
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"compose_agent_enabled": false, "control_plane": "status_panel"}
                """);
        AgentConfiguration config = ConfigurationResolver.resolve(flags(), MINIMAL_ENV, file);
        assertThat(config.composeAgentEnabled()).isFalse();
        assertThat(config.controlPlane()).isEqualTo(ControlPlaneTag.STATUS_PANEL);
        assertThat(problems(flags(Setting.CONTROL_PLANE, "statuspanel"), MINIMAL_ENV, null)).containsExactly(
                "--control-plane (CONTROL_PLANE) must be status_panel or compose_agent, got 'statuspanel'"
                        + " (from --control-plane)");
    }

    @Test
    void sidecarModeNeedsATokenAndAnHttpUrl() throws Exception {
        assertThat(problems(flags(), withEnv("COMPOSE_AGENT_ENABLED", "true"), null)).singleElement()
                .asString().startsWith("--compose-agent-enabled (COMPOSE_AGENT_ENABLED) is true, but there is no"
                        + " compose-agent token")
                .endsWith("(from environment variable COMPOSE_AGENT_ENABLED)");
        Path file = dir.resolve("sidecar.json");
        Files.writeString(file, "{\"compose_agent_enabled\": true, \"compose_agent_url\": \"ftp://x\"}");
        assertThat(problems(flags(), MINIMAL_ENV, file)).hasSize(2).anySatisfy(p -> assertThat(p)
                .startsWith("--compose-agent-url (COMPOSE_AGENT_URL) must be an http:// or https:// URL"));
    }

    @Test
    void sidecarModeWithATokenFileResolvesAndHidesNoSecret() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(withEnv("COMPOSE_AGENT_ENABLED", "true"));
        env.put("COMPOSE_AGENT_TOKEN", "s3cret-token");
        AgentConfiguration config = ConfigurationResolver.resolve(flags(), env, null);

        assertThat(config.composeAgentEnabled()).isTrue();
        assertThat(config.composeAgentUrl()).hasToString("http://127.0.0.1:5002");
        assertThat(config.composeAgentToken()).isEqualTo("s3cret-token");
        assertThat(config.toString()).contains("composeAgentToken=****").doesNotContain("s3cret-token");
    }

    private static Map<String, String> withEnv(String name, String value) {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
        env.put(name, value);
        return env;
    }

    @Test
    void aNonLoopbackStatusAddressWithoutATokenIsRefusedInOneLine() throws Exception {
        assertThat(problems(flags(Setting.STATUS_ADDRESS, "0.0.0.0"), MINIMAL_ENV, null)).singleElement().asString()
                .isEqualTo("refusing to serve the status API on 0.0.0.0 without a token: anyone who can reach it"
                        + " could read it; set --status-token-file (STATUS_TOKEN_FILE) (or --status-token"
                        + " (STATUS_TOKEN)), or keep --status-address on 127.0.0.1");
        Path token = Files.writeString(dir.resolve("status.token"), "s3cret-status-token");
        AgentConfiguration config = ConfigurationResolver.resolve(flags(Setting.STATUS_ADDRESS, "0.0.0.0",
                Setting.STATUS_TOKEN_FILE, token.toString()), MINIMAL_ENV, null);
        assertThat(config.status().address()).isEqualTo("0.0.0.0");
        assertThat(config.status().tokenFile()).isEqualTo(token);
        assertThat(ConfigurationResolver.resolve(flags(), withEnv("STATUS_ADDRESS", "::1"), null).status().address())
                .as("loopback needs no token").isEqualTo("::1");
        assertThat(ConfigurationResolver.resolve(flags(), MINIMAL_ENV, null).status())
                .isEqualTo(StatusPanelSettings.DEFAULT);
    }

    @Test
    void statusTokensAreCheckedAndNeverPrinted() throws Exception {
        assertThat(problems(flags(Setting.STATUS_ADDRESS, "status.example.com"), MINIMAL_ENV, null))
                .singleElement().asString().contains("must be an IP address");
        assertThat(problems(flags(Setting.STATUS_TOKEN, "same-token-1", Setting.STATUS_WRITE_TOKEN, "same-token-1"),
                MINIMAL_ENV, null)).singleElement().asString().contains("must differ").doesNotContain("same-token-1");
        assertThat(problems(flags(Setting.STATUS_TOKEN, "a-token", Setting.STATUS_TOKEN_FILE, "/run/t"),
                MINIMAL_ENV, null)).singleElement().asString().startsWith("set only one of --status-token");
        AgentConfiguration config = ConfigurationResolver.resolve(flags(Setting.STATUS_TOKEN, "read-secret-1",
                Setting.STATUS_WRITE_TOKEN, "write-secret-2"), MINIMAL_ENV, null);
        assertThat(config.toString()).doesNotContain("read-secret-1").doesNotContain("write-secret-2");
        assertThat(Setting.STATUS_TOKEN.secret()).isTrue();
        assertThat(Setting.STATUS_WRITE_TOKEN.secret()).isTrue();
    }

    @Test
    void theInstanceIdIsHostnameElseTheKernelsHostNameElseTheNameServices() throws Exception {
        Path kernel = Files.writeString(dir.resolve("hostname"), "agent-host-7\n");
        assertThat(ConfigurationResolver.defaultInstanceId("replica-2", kernel)).isEqualTo("replica-2");
        assertThat(ConfigurationResolver.defaultInstanceId(" ", kernel)).isEqualTo("agent-host-7");
        assertThat(ConfigurationResolver.defaultInstanceId(null, kernel)).isEqualTo("agent-host-7");

        String nameService;
        try {
            nameService = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            nameService = "instance-" + ProcessHandle.current().pid();
        }
        assertThat(ConfigurationResolver.defaultInstanceId(null, dir.resolve("no-such-file"))).isEqualTo(nameService);
        Files.writeString(kernel, "\n");
        assertThat(ConfigurationResolver.defaultInstanceId(null, kernel)).isEqualTo(nameService);
    }

    @Test
    void theKernelsHostNameIsTheNameServicesLocalHostName() throws Exception {
        // the two sources of the default instance id name the same host (when the name resolves at all)
        String kernel = Files.readString(ConfigurationResolver.KERNEL_HOST_NAME).strip();
        assertThat(java.net.InetAddress.getLocalHost().getHostName()).isEqualTo(kernel);
    }
}
