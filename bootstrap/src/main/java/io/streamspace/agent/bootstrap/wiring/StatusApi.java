package io.streamspace.agent.bootstrap.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.adapter.http.StatusHttpServer;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The status API's life: started with the agent on 127.0.0.1, stopped with it; absent with {@code --status-port off}. */
public final class StatusApi implements AutoCloseable {

    static final String ADDRESS = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final Integer port;
    private final QueryAgentStatus status;
    private final ObjectMapper json;
    private volatile StatusHttpServer server;

    StatusApi(Integer port, QueryAgentStatus status, ObjectMapper json) {
        this.port = port;
        this.status = status;
        this.json = json;
    }

    /** @throws UncheckedIOException when the port cannot be bound: the agent does not start without its status API */
    synchronized void start() {
        if (port == null) {
            LOG.info("Status API disabled (--status-port off)");
            return;
        }
        try {
            server = StatusHttpServer.start(ADDRESS, port, status, json);
        } catch (IOException e) {
            throw new UncheckedIOException("the status API cannot listen on " + ADDRESS + ":" + port + " (" + e.getMessage()
                    + "); set --status-port / STATUS_PORT to a free port, 0 for any, or off", e);
        }
        LOG.info("Status API listening on http://{}:{}", ADDRESS, server.port());
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
