package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.logging.AgentLoggers;
import io.streamspace.agent.adapter.docker.supervision.SupervisionProxy;
import io.streamspace.agent.bootstrap.config.Setting;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * The {@code socket-proxy} role: {@link SupervisionProxy} in front of the local Docker socket, so the agent in
 * sidecar mode can supervise the compose-agent container without the socket in its own container. Settings: flag,
 * then environment, then default.
 */
public final class SocketProxyRole {

    private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** The role's validated settings. */
    public record Settings(InetSocketAddress listen, Path engine, Set<String> containers, String logLevel,
                           String logFormat) {}

    private final Map<String, String> env;
    private final PrintStream err;

    public SocketProxyRole(Map<String, String> env, PrintStream err) {
        this.env = env;
        this.err = err;
    }

    /** Resolves, starts and serves until SIGTERM/SIGINT; returns the exit code. */
    public int run(Map<Setting, String> flags) {
        Settings settings;
        try {
            settings = resolve(flags, env);
        } catch (IllegalArgumentException e) {
            return RoleSettings.reportConfigurationErrors(err, "socket-proxy", List.of(e.getMessage().split("\n")));
        }
        AgentLoggers.configure(settings.logLevel(), settings.logFormat(), false);
        CountDownLatch stopped = new CountDownLatch(1);
        try (SupervisionProxy proxy = SupervisionProxy.start(settings.listen(), settings.engine(),
                settings.containers())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "shutdown"));
            stopped.await();
            return DockerAgentMain.EXIT_OK;
        } catch (IOException e) {
            err.println("error: the socket proxy cannot listen on " + settings.listen() + ": " + e.getMessage());
            return DockerAgentMain.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DockerAgentMain.EXIT_FAILED;
        }
    }

    /**
     * The settings from flags, then the environment, then the defaults.
     *
     * @throws IllegalArgumentException with every problem, one per line
     */
    public static Settings resolve(Map<Setting, String> flags, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String listen = value(Setting.PROXY_LISTEN, flags, env);
        String host = value(Setting.DOCKER_HOST, flags, env);
        String containers = value(Setting.PROXY_CONTAINERS, flags, env);
        InetSocketAddress address = null;
        int colon = listen.lastIndexOf(':');
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            address = new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon).replace("[", "")
                    .replace("]", "")), port);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            problems.add(Setting.PROXY_LISTEN.displayName() + " must be ADDRESS:PORT (port 0-65535), got '" + listen
                    + "'");
        } catch (UnknownHostException e) {
            problems.add(Setting.PROXY_LISTEN.displayName() + " has an unknown address: '" + listen + "'");
        }
        if (!host.startsWith("unix://")) {
            problems.add(Setting.DOCKER_HOST.displayName() + " must be a unix:// socket for the socket proxy, got '"
                    + host + "'");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : Arrays.stream(containers.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .toList()) {
            if (CONTAINER_NAME.matcher(name).matches()) {
                names.add(name);
            } else {
                problems.add(Setting.PROXY_CONTAINERS.displayName() + ": '" + name + "' is not a container name");
            }
        }
        if (names.isEmpty() && problems.isEmpty()) {
            problems.add(Setting.PROXY_CONTAINERS.displayName() + " names no container");
        }
        String level = value(Setting.LOG_LEVEL, flags, env);
        String format = value(Setting.LOG_FORMAT, flags, env);
        if (!List.of("error", "warn", "info", "debug", "trace").contains(level)) {
            problems.add(Setting.LOG_LEVEL.displayName() + " must be error, warn, info, debug or trace, got '" + level
                    + "'");
        }
        if (!List.of("text", "json").contains(format)) {
            problems.add(Setting.LOG_FORMAT.displayName() + " must be text or json, got '" + format + "'");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new Settings(address, Path.of(host.substring("unix://".length())), names, level, format);
    }

    private static String value(Setting setting, Map<Setting, String> flags, Map<String, String> env) {
        String value = flags.get(setting);
        for (String name : setting.environment()) {
            if (value == null && env.get(name) != null && !env.get(name).isBlank()) {
                value = env.get(name);
            }
        }
        return (value == null ? setting.defaultValue() : value).strip();
    }
}
