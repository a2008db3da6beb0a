package io.streamspace.agent.adapter.mcp;

import io.streamspace.agent.application.port.in.DescribeHostEngine;
import io.streamspace.agent.application.port.in.ManageAgentSessions;
import io.streamspace.agent.application.port.in.ManageAgentStacks;
import io.streamspace.agent.application.port.in.ManageHostContainers;
import io.streamspace.agent.application.port.in.ManageHostImages;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's tools, each calling one use case. Descriptions are written for a model: what the tool does, what it
 * returns, when it refuses.
 */
final class GatewayToolbox {

    /** Docker's container names (and ids). */
    static final String CONTAINER = "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$";
    static final String SESSION = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$";
    static final String PROJECT = "^[a-z0-9][a-z0-9_-]{0,62}$";
    static final String SERVICE = "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$";
    /** A Docker image reference: [registry[:port]/]repository[:tag][@digest]. */
    static final String IMAGE = "^[a-z0-9][a-zA-Z0-9._/:@-]{0,254}$";
    static final String SINCE = "^([0-9]{1,6}[smhd]|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))$";
    private static final Pattern RELATIVE = Pattern.compile("([0-9]{1,6})([smhd])");
    private static final int MAX_COMPOSE_CHARS = 256 * 1024;

    private final ManageHostContainers containers;
    private final ManageHostImages images;
    private final DescribeHostEngine engine;
    private final ManageAgentSessions sessions;
    private final ManageAgentStacks stacks;

    GatewayToolbox(ManageHostContainers containers, ManageHostImages images, DescribeHostEngine engine,
                   ManageAgentSessions sessions, ManageAgentStacks stacks) {
        this.containers = containers;
        this.images = images;
        this.engine = engine;
        this.sessions = sessions;
        this.stacks = stacks;
    }

    List<GatewayTool> tools() {
        return List.of(
                new GatewayTool("container_list", "List containers",
                        "List the containers this agent manages (session containers and stacks it brought up). Returns"
                                + " id, name, image, state, status, created and labels of each. Stopped containers only"
                                + " with all=true.",
                        ArgumentSchema.none().flag("all", "Include stopped containers.", false),
                        true, false, true, false,
                        a -> Views.of("containers", containers.list(a.flag("all")).stream().map(Views::container)
                                .toList())),
                new GatewayTool("container_inspect", "Inspect a container",
                        "Show one container in detail: state, exit code, health, restart count, command, ports,"
                                + " networks, mounts, labels and environment (values of variables named like *TOKEN*,"
                                + " *SECRET*, *PASSWORD*, *KEY* are replaced by [REDACTED]).",
                        ArgumentSchema.none().text("container", "Container name or id.", true, CONTAINER, 255),
                        true, false, true, false,
                        a -> Views.container(containers.inspect(a.text("container")))),
                new GatewayTool("container_logs", "Read container logs",
                        "Read the last lines a container wrote to stdout and stderr. Values of the container's secret"
                                + " environment variables (*TOKEN*, *SECRET*, *PASSWORD*, *KEY*) are replaced by"
                                + " [REDACTED:NAME].",
                        ArgumentSchema.none()
                                .text("container", "Container name or id.", true, CONTAINER, 255)
                                .whole("tail", "How many of the last lines to return.", 1, 10_000, 100L)
                                .text("since", "Only lines written since then: a duration ago (30s, 10m, 2h, 1d) or an"
                                        + " RFC 3339 time (2026-01-31T12:00:00Z).", false, SINCE, 40),
                        true, false, true, false,
                        a -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("container", a.text("container"));
                            m.put("logs", containers.logs(a.text("container"), a.whole("tail"),
                                    since(a.text("since"))));
                            return m;
                        }),
                new GatewayTool("container_stats", "Sample container resource use",
                        "One sample of a running container's CPU (percent of one core), memory use and limit,"
                                + " network bytes and process count.",
                        ArgumentSchema.none().text("container", "Container name or id.", true, CONTAINER, 255),
                        true, false, false, false,
                        a -> Views.usage(a.text("container"), containers.stats(a.text("container")))),
                new GatewayTool("container_start", "Start a container",
                        "Start a stopped container this agent manages (a running one is left alone). Returns the"
                                + " container afterwards.",
                        ArgumentSchema.none().text("container", "Container name or id.", true, CONTAINER, 255),
                        false, false, true, false,
                        a -> Views.container(containers.start(a.text("container")))),
                new GatewayTool("container_stop", "Stop a container",
                        "Stop a running container this agent manages: SIGTERM, then SIGKILL after timeout_seconds."
                                + " Interrupts whatever it serves. Returns the container afterwards.",
                        ArgumentSchema.none()
                                .text("container", "Container name or id.", true, CONTAINER, 255)
                                .whole("timeout_seconds", "Seconds between SIGTERM and SIGKILL.", 0, 300, 10L),
                        false, true, true, false,
                        a -> Views.container(containers.stop(a.text("container"),
                                Duration.ofSeconds(a.whole("timeout_seconds"))))),
                new GatewayTool("container_restart", "Restart a container",
                        "Restart a container this agent manages (stop with timeout_seconds, then start). Interrupts"
                                + " whatever it serves. Returns the container afterwards.",
                        ArgumentSchema.none()
                                .text("container", "Container name or id.", true, CONTAINER, 255)
                                .whole("timeout_seconds", "Seconds between SIGTERM and SIGKILL.", 0, 300, 10L),
                        false, true, false, false,
                        a -> Views.container(containers.restart(a.text("container"),
                                Duration.ofSeconds(a.whole("timeout_seconds"))))),
                new GatewayTool("session_list", "List desktop sessions",
                        "List the StreamSpace desktop sessions on this host: session id, owning agent, container,"
                                + " image, state, container state, user, template, last activity and the states"
                                + " reported to the control plane. With source=agent this is the session agent's own"
                                + " view (state = what it reported); with source=engine it is read from the"
                                + " containers (agent_unavailable says why, when an agent is configured).",
                        ArgumentSchema.none(), true, false, true, false,
                        a -> Views.sessions(sessions.list())),
                new GatewayTool("session_inspect", "Inspect a desktop session",
                        "Show one session: owning agent, container, image, state (as the session agent reported"
                                + " it, when it is configured), container state, user, template and its state"
                                + " history.",
                        ArgumentSchema.none().text("session_id", "The session id.", true, SESSION, 128),
                        true, false, true, false,
                        a -> Views.session(sessions.inspect(a.text("session_id")))),
                new GatewayTool("session_hibernate", "Hibernate a desktop session",
                        "Hibernate a session: the session agent that owns it runs its hibernate_session handler"
                                + " (stop or pause per its hibernate mode; the disk is kept) and reports the new state"
                                + " to its control plane. The user's desktop goes away until it is woken. Refused"
                                + " when the gateway has no session agent to ask.",
                        ArgumentSchema.none().text("session_id", "The session id.", true, SESSION, 128),
                        false, true, true, false,
                        a -> Views.change(sessions.hibernate(a.text("session_id")))),
                new GatewayTool("session_wake", "Wake a desktop session",
                        "Wake a hibernated session: the session agent that owns it runs its wake_session handler"
                                + " (it must fit the agent's capacity) and reports the new state to its control plane."
                                + " Waking a running session is a success. Refused when the gateway has no session"
                                + " agent to ask.",
                        ArgumentSchema.none().text("session_id", "The session id.", true, SESSION, 128),
                        false, false, true, false,
                        a -> Views.change(sessions.wake(a.text("session_id")))),
                new GatewayTool("stack_list", "List Compose stacks",
                        "List the Compose projects whose containers this agent manages.",
                        ArgumentSchema.none(), true, false, true, false,
                        a -> Views.of("stacks", stacks.list())),
                new GatewayTool("stack_up", "Bring a Compose stack up",
                        "Create or update a Compose project from a Compose file's text, with the native engine"
                                + " (idempotent: unchanged services are left alone, changed ones are recreated). The"
                                + " stack is labelled as this agent's. Unsupported keys are refused with their path;"
                                + " no builds. Images missing locally are pulled.",
                        ArgumentSchema.none()
                                .text("project", "Project name: lower-case letters, digits, '_' and '-'.", true,
                                        PROJECT, 63)
                                .text("compose", "The Compose file's YAML text.", true, null, MAX_COMPOSE_CHARS)
                                .textMap("env", "Variables for ${...} interpolation in the file.", 200),
                        false, true, true, true,
                        a -> Views.stack(stacks.up(a.text("project"), a.text("compose"), a.textMap("env")))),
                new GatewayTool("stack_down", "Take a Compose stack down",
                        "Remove a Compose project's containers and networks (and its named volumes with"
                                + " remove_volumes=true: their data is lost).",
                        ArgumentSchema.none()
                                .text("project", "Project name.", true, PROJECT, 63)
                                .flag("remove_volumes", "Also remove the project's named volumes.", false),
                        false, true, true, false,
                        a -> Views.removal(stacks.down(a.text("project"), a.flag("remove_volumes")))),
                new GatewayTool("stack_ps", "List a stack's containers",
                        "List a Compose project's containers: name, service, state, health, image.",
                        ArgumentSchema.none().text("project", "Project name.", true, PROJECT, 63),
                        true, false, true, false,
                        a -> Views.stack(stacks.ps(a.text("project")))),
                new GatewayTool("stack_logs", "Read a stack's logs",
                        "Read the last lines of one service's containers, or of every service (each under a"
                                + " '==> service <==' header). Secret environment values are redacted.",
                        ArgumentSchema.none()
                                .text("project", "Project name.", true, PROJECT, 63)
                                .text("service", "One service; all services when left out.", false, SERVICE, 63)
                                .whole("tail", "How many of the last lines per container.", 1, 10_000, 100L),
                        true, false, true, false,
                        a -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("project", a.text("project"));
                            m.put("service", a.text("service"));
                            m.put("logs", stacks.logs(a.text("project"), a.text("service"), a.whole("tail")));
                            return m;
                        }),
                new GatewayTool("image_list", "List local images",
                        "List the engine's local images: id, tags, size and creation time, newest first.",
                        ArgumentSchema.none(), true, false, true, false,
                        a -> Views.of("images", images.list().stream().map(Views::image).toList())),
                new GatewayTool("image_pull", "Pull an image",
                        "Pull an image from its registry (credentials from the engine host's Docker config.json)."
                                + " Returns the image as stored afterwards.",
                        ArgumentSchema.none().text("image", "Image reference, e.g. nginx:1.27 or"
                                + " registry.example.com:5000/team/app:2.1.", true, IMAGE, 255),
                        false, false, true, true,
                        a -> Views.image(images.pull(a.text("image")))),
                new GatewayTool("engine_info", "Describe the Docker engine",
                        "The Docker engine's version, API version, operating system, kernel, architecture, CPUs,"
                                + " memory, container counts by state, image count and storage driver.",
                        ArgumentSchema.none(), true, false, true, false,
                        a -> Views.engine(engine.info())));
    }

    /** A relative duration ago (30s, 10m, 2h, 1d) or an RFC 3339 instant; null stays null. */
    static Instant since(String value) {
        if (value == null) {
            return null;
        }
        Matcher relative = RELATIVE.matcher(value);
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration ago = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return Instant.now().minus(ago);
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ArgumentSchema.InvalidArgumentsException(List.of("'since' is not a valid RFC 3339 time"));
        }
    }
}
