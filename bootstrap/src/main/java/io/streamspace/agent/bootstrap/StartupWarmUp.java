package io.streamspace.agent.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.http.HttpClient;

/**
 * One-time initialisations on the session agent's start-up path that the AOT cache cannot hold (they run code rather
 * than load classes), done on a thread of their own as the agent starts, so that its main thread finds them done (or
 * waits only for the rest) instead of running them in turn: the main thread spends its first ~100 ms wiring, then
 * waits for the control plane's registration answer and WebSocket handshake. Only the agent starts it: the
 * command-line tools ({@code version}, {@code stack up}) were slower with it competing for the CPU. ADR 0030.
 *
 * <ul>
 *   <li>{@link BigDecimal}'s static initialiser squares its way to 5^(2^16) (JDK 25 here), ~15 ms interpreted;
 *       Jackson's first parser (the registration answer, a compose file) needs the class.</li>
 *   <li>The JDK HTTP client's debug logger, built as the first client is: {@code System.getLogger} looks its
 *       backend up through the service loader (reading the jar's service files again) and a record's {@code equals}
 *       spins method handles at run time.</li>
 *   <li>Jackson's {@link ObjectMapper} class statics (date formats, serializer factories).</li>
 * </ul>
 *
 * <p>Nothing here has an effect the main thread could see except time: a class is initialised once, whichever thread
 * gets there first, and the other waits for it. A failure is ignored (the main thread then does the same work and
 * meets the same failure where it is reported).
 */
final class StartupWarmUp {

    /** The JDK HTTP client's debug logger; internal, so named, and skipped on a JDK without it. */
    static final String HTTP_CLIENT_DEBUG_LOGGER = "jdk.internal.net.http.common.DebugLogger";

    private StartupWarmUp() {
    }

    static Thread start() {
        return Thread.ofPlatform().daemon().name("startup-warm-up").start(StartupWarmUp::run);
    }

    static void run() {
        try {
            // in the order the agent's main thread needs them
            new ObjectMapper();
            Class.forName(HTTP_CLIENT_DEBUG_LOGGER, true, HttpClient.class.getClassLoader());
            BigDecimal.ONE.signum();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            // the main thread meets it again where it matters
        }
    }
}
