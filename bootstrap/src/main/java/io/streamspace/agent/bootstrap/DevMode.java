package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import io.streamspace.agent.bootstrap.config.AgentConfiguration;
import io.streamspace.agent.bootstrap.config.AgentVersion;
import io.streamspace.agent.bootstrap.config.ConfigurationException;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.bootstrap.wiring.SessionAgentComponent;
import io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator;
import io.streamspace.agent.testkit.files.TempFiles;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code docker-agent dev}: the control-plane simulator on 127.0.0.1 and the real agent connected to it, so a
 * newcomer sees registration, heartbeats and commands within a minute. Not for production.
 */
final class DevMode {

    static final int DEFAULT_PORT = 8470;
    private static final String DEFAULT_AGENT_ID = "dev-agent";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    DevMode(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    int run(Map<Setting, String> givenFlags, String portOption) {
        int port;
        try {
            port = portOption == null ? DEFAULT_PORT : Integer.parseInt(portOption);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("configuration error: --port must be a port number (0-65535), got '" + portOption + "'");
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        Map<Setting, String> flags = new EnumMap<>(givenFlags);
        flags.putIfAbsent(Setting.AGENT_ID, DEFAULT_AGENT_ID);
        flags.putIfAbsent(Setting.HEARTBEAT_INTERVAL, "10");
        Path temporaryOutbox = null;
        if (!flags.containsKey(Setting.OUTBOX_DIR) && env.get("OUTBOX_DIR") == null) {
            // a dev run talks to a fresh simulator: results of an earlier run must not be replayed into it, and
            // nothing of this one is worth keeping after it (removed when the agent stops)
            try {
                temporaryOutbox = Files.createTempDirectory("docker-agent-dev-outbox");
                flags.put(Setting.OUTBOX_DIR, temporaryOutbox.toString());
            } catch (java.io.IOException e) {
                err.println("error: cannot create a temporary outbox directory: " + e.getMessage());
                return DockerAgentMain.EXIT_FAILED;
            }
        }
        Path outboxToRemove = temporaryOutbox;
        Runnable removeTemporaryOutbox = () -> TempFiles.delete(outboxToRemove);
        try {
            return run(flags, port, removeTemporaryOutbox);
        } finally {
            removeTemporaryOutbox.run();
        }
    }

    /** The simulator on {@code port} and the agent against it, until the agent stops; then {@code afterStop}. */
    private int run(Map<Setting, String> flags, int port, Runnable afterStop) {
        String apiKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        flags.put(Setting.API_KEY, apiKey);
        // Resolve once with a placeholder URL so bad flags are reported before anything starts.
        flags.put(Setting.CONTROL_PLANE_URL, "ws://127.0.0.1:" + (port == 0 ? 1 : port));
        AgentConfiguration checked;
        try {
            checked = ConfigurationResolver.resolve(flags, env, null);
        } catch (ConfigurationException e) {
            e.problems().forEach(problem -> err.println("configuration error: " + problem));
            return DockerAgentMain.EXIT_CONFIGURATION;
        }
        AgentLoggers.configure(checked.logLevel(), checked.logFormat(), false);
        ControlPlaneSimulator simulator;
        try {
            simulator = ControlPlaneSimulator.builder().port(port).agent(checked.agentId().value(), apiKey).start();
        } catch (Exception e) {
            err.println("error: cannot start the control-plane simulator on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (port != 0 ? " (is the port in use? try --port 0)" : ""));
            return DockerAgentMain.EXIT_FAILED;
        }
        try {
            flags.put(Setting.CONTROL_PLANE_URL, simulator.webSocketBaseUrl().toString());
            AgentConfiguration config = ConfigurationResolver.resolve(flags, env, null);
            banner(simulator, config);
            return DockerAgentMain.runUntilStopped(SessionAgentComponent.create(config).sessionAgent(), err,
                    afterStop);
        } catch (ConfigurationException e) {
            e.problems().forEach(problem -> err.println("configuration error: " + problem));
            return DockerAgentMain.EXIT_CONFIGURATION;
        } finally {
            simulator.stop();
        }
    }

    private void banner(ControlPlaneSimulator simulator, AgentConfiguration config) {
        String http = simulator.httpBaseUrl().toString();
        String id = config.agentId().value();
        out.println();
        out.println("docker-agent dev mode " + AgentVersion.current());
        out.println("  control plane (simulator): " + http + "   WebSocket: " + simulator.webSocketBaseUrl());
        out.println("  agent id:                  " + id);
        out.println("  Docker engine:             " + config.dockerHost() + "   network: " + config.network());
        if (config.statusPort() != null && config.statusPort() != 0) {
            out.println("  status panel:              http://" + config.status().address() + ":" + config.statusPort()
                    + "/" + (config.status().tokenConfigured() ? " (sign in with the status token)" : ""));
        }
        out.println("Try it (the image is built locally by scripts/setup-env.sh):");
        out.println("  curl -s " + http + "/dev/agents");
        out.println("  curl -s -X POST " + http + "/dev/commands -H 'Content-Type: application/json' -d '"
                + "{\"agentId\":\"" + id + "\",\"action\":\"start_session\",\"payload\":{\"sessionId\":\"demo-echo-1\","
                + "\"user\":\"demo\",\"template\":\"echo\",\"memory\":\"64Mi\",\"cpu\":\"250m\",\"templateManifest\":{\"spec\":"
                + "{\"baseImage\":\"streamspace-test/vnc-echo:latest\",\"ports\":[{\"name\":\"vnc\",\"containerPort\":5900}],"
                + "\"vnc\":{\"port\":5900}}}}}'");
        out.println("  curl -s '" + http + "/dev/messages?agentId=" + id + "'");
        out.println("  curl -s -X POST " + http + "/dev/commands -H 'Content-Type: application/json' -d '"
                + "{\"agentId\":\"" + id + "\",\"action\":\"stop_session\",\"payload\":{\"sessionId\":\"demo-echo-1\"}}'");
        out.println("Stop with Ctrl-C.");
        out.println();
        out.flush();
    }
}
