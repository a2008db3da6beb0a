package io.streamspace.agent.testkit.controlplane;

import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.CONNECT_PATH;
import static io.streamspace.agent.testkit.controlplane.ControlPlaneSimulator.REGISTER_PATH;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.error;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeJson;
import static io.streamspace.agent.testkit.controlplane.HttpResponses.writeText;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes HTTP requests: the rate-limited agent API (register, connect), the dev console, else 404. */
final class RootHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSimulator.LOGGER_NAME);

    private final RateLimiter rateLimiter;
    private final RegistrationHandler registration;
    private final AgentSocketEndpoint sockets;
    private final DevConsoleHandler devConsole;

    RootHandler(RateLimiter rateLimiter, RegistrationHandler registration, AgentSocketEndpoint sockets,
                DevConsoleHandler devConsole) {
        this.rateLimiter = rateLimiter;
        this.registration = registration;
        this.sockets = sockets;
        this.devConsole = devConsole;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.startsWith("/api/v1/agents/")) {
            String ip = Request.getRemoteAddr(request);
            if (!rateLimiter.tryAcquire(ip, System.nanoTime())) {
                ObjectNode body = error("Rate limit exceeded", "Too many requests, please try again later");
                body.put("retryAfter", 60);
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
                LOG.info("{} {} from {} -> 429 rate limit", method, path, ip);
                if (path.equals(REGISTER_PATH)) {
                    String reqBody = Content.Source.asString(request, StandardCharsets.UTF_8);
                    registration.recordRegistration(429, null, reqBody, body, request, ip);
                }
                writeJson(response, callback, 429, body);
                return true;
            }
            if (path.equals(REGISTER_PATH) && "POST".equals(method)) {
                registration.register(request, response, callback, ip);
                return true;
            }
            if (path.equals(CONNECT_PATH) && "GET".equals(method)) {
                sockets.connect(request, response, callback);
                return true;
            }
        } else if (path.startsWith("/dev/")) {
            return devConsole.handle(path, method, request, response, callback);
        }
        writeText(response, callback, 404, "404 page not found");
        return true;
    }
}
