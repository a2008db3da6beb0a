package io.streamspace.agent.bootstrap;

import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the roles beside the session agent (compose-agent, mcp, socket-proxy) resolve and report alike, so a setting
 * reads and fails the same way in each of them.
 */
final class RoleSettings {

    private RoleSettings() {
    }

    /**
     * Each of {@code settings} from its flag, then the first non-empty environment variable, then the sidecar's
     * default (control plane compose_agent, status port off: the agent's status panel owns 5001), stripped; a setting
     * with none of these is left out.
     */
    static Map<Setting, String> sidecarValues(Set<Setting> settings, Map<Setting, String> flags,
                                              Map<String, String> env) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting setting : settings) {
            String value = flags.get(setting);
            for (String name : setting.environment()) {
                if (value == null && env.get(name) != null && !env.get(name).isEmpty()) {
                    value = env.get(name);
                }
            }
            if (value == null) {
                value = switch (setting) {
                    case CONTROL_PLANE -> ControlPlaneTag.COMPOSE_AGENT.wireName();
                    case STATUS_PORT -> "off";
                    default -> setting.defaultValue();
                };
            }
            if (value != null) {
                values.put(setting, value.strip());
            }
        }
        return values;
    }

    /** The control plane the operations are tagged with; null, with a problem added, when it is not one. */
    static ControlPlaneTag controlPlane(Map<Setting, String> values, List<String> problems) {
        var plane = ControlPlaneTag.parse(values.get(Setting.CONTROL_PLANE));
        if (plane.isEmpty()) {
            problems.add(Setting.CONTROL_PLANE.displayName() + " must be status_panel or compose_agent, got '"
                    + values.get(Setting.CONTROL_PLANE) + "'");
            return null;
        }
        return plane.get();
    }

    /** The status API's port; null when it is off, or, with a problem added, when it is not a port. */
    static Integer statusPort(Map<Setting, String> values, List<String> problems) {
        String port = values.get(Setting.STATUS_PORT);
        if ("off".equalsIgnoreCase(port)) {
            return null;
        }
        try {
            int statusPort = Integer.parseInt(port);
            if (statusPort < 0 || statusPort > 65_535) {
                throw new NumberFormatException();
            }
            return statusPort;
        } catch (NumberFormatException e) {
            problems.add(Setting.STATUS_PORT.displayName() + " must be a port (0-65535) or off, got '" + port + "'");
            return null;
        }
    }

    /** Prints each problem and where to read every setting of {@code command}; returns the configuration exit code. */
    static int reportConfigurationErrors(PrintStream err, String command, List<String> problems) {
        for (String problem : problems) {
            err.println("configuration error: " + problem);
        }
        err.println("Run 'docker-agent " + command + " --help' for every setting.");
        return DockerAgentMain.EXIT_CONFIGURATION;
    }
}
