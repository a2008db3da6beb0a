package io.streamspace.agent.bootstrap.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.http.StatusHttpServer;
import io.streamspace.agent.adapter.http.StatusPanel;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.bootstrap.config.StatusPanelSettings;
import jakarta.inject.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status API and the status panel: started with the agent on {@code --status-address} (127.0.0.1 by default),
 * stopped with it; absent with {@code --status-port off}.
 */
public final class StatusApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final Integer port;
    private final StatusPanelSettings settings;
    private final QueryAgentStatus status;
    private final ObjectMapper json;
    private final Provider<StatusPanel> panel;
    private volatile StatusHttpServer server;

    StatusApi(Integer port, StatusPanelSettings settings, QueryAgentStatus status, ObjectMapper json,
              Provider<StatusPanel> panel) {
        this.port = port;
        this.settings = settings == null ? StatusPanelSettings.DEFAULT : settings;
        this.status = status;
        this.json = json;
        this.panel = panel;
    }

    /** @throws UncheckedIOException when the port cannot be bound: the agent does not start without its status API */
    synchronized void start() {
        if (port == null) {
            LOG.info("Status API disabled (--status-port off)");
            return;
        }
        String address = settings.address();
        try {
            server = StatusHttpServer.start(address, port, status, json, panel.get());
        } catch (IOException e) {
            throw new UncheckedIOException("the status API cannot listen on " + address + ":" + port + " ("
                    + e.getMessage() + "); set --status-port / STATUS_PORT to a free port, 0 for any, or off", e);
        }
        LOG.info("Status API listening on http://{}:{} (status panel at /; {})", address.contains(":") ? "[" + address + "]"
                : address, server.port(), settings.tokenConfigured() ? "token required"
                : "no token: open to local users, no session actions");
    }

    /** The bound port while serving. */
    public OptionalInt port() {
        StatusHttpServer current = server;
        return current == null ? OptionalInt.empty() : OptionalInt.of(current.port());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
