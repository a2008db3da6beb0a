package io.streamspace.agent.adapter.docker;

import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which engine answers behind the Docker API: Docker itself, or Podman's Docker-compatible service
 * ({@code podman system service}). Podman reports its own product version (4.3.1) next to the compat API
 * version it emulates (1.41), and names itself in {@code Components} ("Podman Engine").
 *
 * <p>Also the few places where the two engines answer the same request differently; everything else is
 * the same code for both (see docs/runtimes.md).
 */
public enum ContainerEngine {
    DOCKER("docker"),
    PODMAN("podman");

    private final String wireName;

    ContainerEngine(String wireName) {
        this.wireName = wireName;
    }

    /** {@code docker} or {@code podman}: what logs, {@code /capabilities} and the sidecar API say. */
    public String wireName() {
        return wireName;
    }

    /** Podman when any component or the platform name says so, else Docker. */
    public static ContainerEngine of(Version version) {
        List<String> components = new ArrayList<>();
        if (version.getComponents() != null) {
            for (VersionComponent component : version.getComponents()) {
                components.add(component.getName());
            }
        }
        return of(components, version.getPlatform() == null ? null : version.getPlatform().getName());
    }

    /** Podman when any of {@code GET /version}'s component names or its platform name says so, else Docker. */
    static ContainerEngine of(List<String> componentNames, String platformName) {
        for (String name : componentNames) {
            if (saysPodman(name)) {
                return PODMAN;
            }
        }
        return saysPodman(platformName) ? PODMAN : DOCKER;
    }

    private static boolean saysPodman(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).contains("podman");
    }

    /**
     * The {@code name} filter that finds exactly this container on either engine. Docker matches the filter
     * (an unanchored regular expression) against "/name", Podman against "name"; the optional slash fits both.
     * Callers still compare the listed names in Java.
     */
    /**
     * Whether the engine could take {@code name} for (a prefix of) a container id when looking it up: an id is 64
     * lower-case hex digits, and both engines accept an unambiguous prefix of one. A name with any other character
     * is looked up by name only.
     */
    static boolean couldBeIdPrefix(String name) {
        return !name.isEmpty() && name.length() <= 64 && name.chars().allMatch(c -> (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f'));
    }

    public static String exactNameFilter(String name) {
        return "^/?" + name.replace(".", "\\.") + "$";
    }

    /**
     * A container status in Docker's words (created, running, paused, restarting, removing, exited, dead). Podman's
     * compat API passes some of its own states through: "stopped" (the process ended and Podman has not
     * cleaned up yet: between two runs of a restart policy, which Podman applies without Docker's back-off, or
     * right after an exit), "configured" and "initialized" (created), "stopping" (still running). A container
     * that an explicit stop ended shows "exited" on both engines.
     */
    public static String dockerStatus(String status, String restartPolicy, int exitCode) {
        if (status == null || status.isBlank()) {
            return "unknown";
        }
        return switch (status) {
            // Between two runs of a restart policy Podman shows "stopped"; Docker shows "restarting" then.
            case "stopped" -> restartsAfter(restartPolicy, exitCode) ? "restarting" : "exited";
            case "configured", "initialized" -> "created";
            case "stopping" -> "running";
            default -> status;
        };
    }

    /**
     * Whether a container in this status (Docker's words) has its ports published: only a live one, running or
     * paused. Podman keeps reporting the bindings of a stopped container (in an inspect and in the list); Docker
     * reports none.
     */
    static boolean publishesPorts(String dockerStatus) {
        return "running".equals(dockerStatus) || "paused".equals(dockerStatus);
    }

    private static boolean restartsAfter(String restartPolicy, int exitCode) {
        if (restartPolicy == null) {
            return false;
        }
        return switch (restartPolicy) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> exitCode != 0;
            default -> false;
        };
    }

    /**
     * The image reference as it was requested. Podman reports a local image as {@code localhost/NAME:TAG} and a
     * Docker Hub one as {@code docker.io/library/NAME:TAG} (fully qualified); Docker reports what was asked for.
     */
    static String requestedImage(String reported) {
        if (reported == null) {
            return null;
        }
        if (reported.startsWith("localhost/")) {
            return reported.substring("localhost/".length());
        }
        if (reported.startsWith("docker.io/library/")) {
            return reported.substring("docker.io/library/".length());
        }
        if (reported.startsWith("docker.io/")) {
            return reported.substring("docker.io/".length());
        }
        return reported;
    }
}
