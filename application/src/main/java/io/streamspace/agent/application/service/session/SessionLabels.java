package io.streamspace.agent.application.service.session;

import java.util.Map;

/**
 * Labels on session containers and volumes. The owner labels ({@link #AGENT_ID}, {@link #MANAGED}) scope every
 * mutating runtime call; the others let the agent rebuild its view of a session after a restart.
 */
public final class SessionLabels {

    public static final String AGENT_ID = "streamspace.agent.id";
    public static final String MANAGED = "streamspace.managed";
    public static final String SESSION_ID = "streamspace.session.id";
    public static final String USER = "streamspace.session.user";
    public static final String TEMPLATE = "streamspace.session.template";
    /** Reserved millicores (absent: no cpu limit). */
    public static final String CPU_MILLIS = "streamspace.session.cpu-millis";
    /** Reserved bytes (absent: no memory limit). */
    public static final String MEMORY_BYTES = "streamspace.session.memory-bytes";
    /** The container port VNC listens on. */
    public static final String VNC_PORT = "streamspace.session.vnc-port";
    /** Go durations, as the control plane sent them. */
    public static final String IDLE_TIMEOUT = "streamspace.session.idle-timeout";
    public static final String MAX_DURATION = "streamspace.session.max-duration";
    /** RFC 3339 instant the session was first started, for {@code maxSessionDuration} across agent restarts. */
    public static final String STARTED_AT = "streamspace.session.started-at";

    private SessionLabels() {}

    /** A whole-number label such as {@link #CPU_MILLIS}: 0 when absent or not a number, never negative. */
    public static long wholeNumber(Map<String, String> labels, String key) {
        try {
            String value = labels.get(key);
            return value == null ? 0 : Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
