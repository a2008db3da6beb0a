package io.streamspace.agent.adapter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.streamspace.agent.application.port.in.FollowAgentEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/v1/events}: the event feed as Server-Sent Events over the JDK server's chunked streaming. Each
 * client is served by its request's virtual thread, which parks while it waits for events (no platform thread is
 * held per client). Every event is one {@code message} with {@code id} = its sequence (a reconnecting browser sends
 * {@code Last-Event-ID} and gets what it missed, as far as the feed retains it); a client too slow for its bounded
 * queue gets an {@code event: dropped} with the count. A comment line every heartbeat keeps proxies from closing an
 * idle stream. Clients beyond the maximum get 503.
 */
final class EventStream {

    private final FollowAgentEvents events;
    private final ObjectMapper json;
    private final Duration heartbeat;
    private final int maxClients;
    private final Counter droppedEvents;
    private final AtomicInteger clients = new AtomicInteger();
    private final Set<FollowAgentEvents.Subscription> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStream(FollowAgentEvents events, ObjectMapper json, Duration heartbeat, int maxClients,
                Counter droppedEvents) {
        this.events = events;
        this.json = json;
        this.heartbeat = heartbeat;
        this.maxClients = maxClients;
        this.droppedEvents = droppedEvents;
    }

    int clients() {
        return clients.get();
    }

    /** @return false when the client was turned away (too many clients); the caller answers 503 */
    boolean serve(HttpExchange exchange, long afterSequence) throws IOException {
        if (clients.incrementAndGet() > maxClients || closed) {
            clients.decrementAndGet();
            return false;
        }
        FollowAgentEvents.Subscription subscription = events.subscribe(afterSequence);
        open.add(subscription);
        try (subscription) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
            exchange.sendResponseHeaders(200, 0); // chunked: the body has no length
            OutputStream out = exchange.getResponseBody();
            write(out, "retry: 3000\n: connected\n\n");
            long reported = 0;
            while (!closed) {
                List<FollowAgentEvents.AgentEvent> batch = subscription.await(heartbeat);
                if (closed) {
                    break;
                }
                StringBuilder text = new StringBuilder();
                long dropped = subscription.dropped();
                if (dropped > reported) {
                    droppedEvents.increment(dropped - reported);
                    reported = dropped;
                    text.append("event: dropped\ndata: {\"dropped\":").append(dropped).append("}\n\n");
                }
                for (FollowAgentEvents.AgentEvent event : batch) {
                    // Jackson writes no line breaks, so one data line carries the whole event
                    text.append("id: ").append(event.sequence()).append("\ndata: ")
                            .append(json.writeValueAsString(PanelJson.event(event))).append("\n\n");
                }
                if (text.isEmpty()) {
                    text.append(": keepalive\n\n");
                }
                write(out, text.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away: nothing to answer
        } finally {
            open.remove(subscription);
            clients.decrementAndGet();
        }
        return true;
    }

    /** Ends every stream (their threads return at once). */
    void close() {
        closed = true;
        open.forEach(FollowAgentEvents.Subscription::close);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
