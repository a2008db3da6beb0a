package io.streamspace.agent.application.service.panel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.port.out.SessionRuntime.ResourceUsage;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.service.session.SessionRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SessionOverviewServiceTest {

    @Test
    void cpuInUseIsTheRateBetweenTwoReadings() {
        Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
        ResourceUsage before = new ResourceUsage(1_000_000_000L, 1, 0, t0);
        ResourceUsage after = new ResourceUsage(1_500_000_000L, 1, 0, t0.plusSeconds(2));

        assertThat(SessionOverviewService.cores(before, after)).isEqualTo(0.25);
        assertThat(SessionOverviewService.cores(null, after)).isNull();
        assertThat(SessionOverviewService.cores(after, before)).as("time went back").isNull();
    }

    @Test
    void aStandbyListsNothingAndNeverAsksTheRuntime() {
        java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        SessionRuntime runtime = (SessionRuntime) java.lang.reflect.Proxy.newProxyInstance(
                SessionRuntime.class.getClassLoader(), new Class<?>[] {SessionRuntime.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    throw new AssertionError("a standby touched the runtime: " + method.getName());
                });
        AtomicBoolean leading = new AtomicBoolean(false);
        SessionOverviewService sessions = new SessionOverviewService(runtime, Map.of("streamspace.agent.id", "a"),
                new SessionRegistry(), new SessionHistory(), new AgentEventFeed(Clock.systemUTC()), leading::get,
                "engine", Clock.systemUTC(), Runnable::run);

        QuerySessions.SessionList list = sessions.sessions();

        assertThat(list.sessions()).isEmpty();
        assertThat(list.unavailable()).contains("standby");
        assertThat(calls).isEmpty();
    }

    @Test
    void aStartStillCreatingItsContainerIsListedAsPendingAtOnce() {
        SessionRegistry registry = new SessionRegistry();
        registry.begin("alice-1", "start_session");
        SessionOverviewService sessions = new SessionOverviewService(
                new io.streamspace.agent.application.port.out.InMemorySessionRuntime(),
                Map.of("streamspace.agent.id", "a"), registry, new SessionHistory(),
                new AgentEventFeed(Clock.systemUTC()), () -> true, "engine", Clock.systemUTC(), Runnable::run);

        QuerySessions.SessionView pending = sessions.sessions().sessions().getFirst();

        assertThat(pending.sessionId()).isEqualTo("alice-1");
        assertThat(pending.state()).isEqualTo("pending");
        assertThat(pending.operation()).isEqualTo("start_session");
        assertThat(pending.containerStatus()).isNull();
    }

    @Test
    void usageIsReadInTheBackgroundAndAListingNeverWaitsForIt() {
        io.streamspace.agent.application.port.out.InMemorySessionRuntime runtime =
                new io.streamspace.agent.application.port.out.InMemorySessionRuntime()
                        .withImage("streamspace-test/vnc-echo:latest");
        Map<String, String> owner = Map.of("streamspace.agent.id", "a", "streamspace.managed", "true");
        java.util.Map<String, String> labels = new java.util.HashMap<>(owner);
        labels.put("streamspace.session.id", "alice-1");
        runtime.createAndStart(new SessionRuntime.ContainerSpec("streamspace-alice-1",
                "streamspace-test/vnc-echo:latest", labels, Map.of(), 64L << 20, 0, "", java.util.List.of(),
                java.util.List.of(), "127.0.0.1", "no", true, 0));
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        SessionOverviewService sessions = new SessionOverviewService(runtime, owner, null, new SessionHistory(),
                new AgentEventFeed(Clock.systemUTC()), () -> true, "engine", Clock.systemUTC(), queued::add);

        QuerySessions.SessionView first = sessions.sessions().sessions().getFirst();

        assertThat(first.state()).isEqualTo("running");
        assertThat(first.memoryUsedBytes()).as("no reading yet: the listing did not wait").isNull();
        assertThat(queued).hasSize(1);
        queued.removeFirst().run();
        assertThat(sessions.sessions().sessions().getFirst().memoryUsedBytes()).isEqualTo(32L << 20);
    }

    /**
     * The engine holds a container's lock for the whole of its create or start, and an inspect waits for it (ADR
     * 0026): the overview reads the engine's list alone, so a panel opened during a storm shows every session at once.
     */
    @Test
    void theListingNeverLooksAtAContainerTheEngineIsStillStarting() {
        io.streamspace.agent.application.service.FakeRuntime runtime =
                new io.streamspace.agent.application.service.FakeRuntime();
        Map<String, String> owner = Map.of("streamspace.agent.id", "a", "streamspace.managed", "true");
        for (String session : java.util.List.of("alice-1", "bob-1")) {
            java.util.Map<String, String> labels = new java.util.HashMap<>(owner);
            labels.put("streamspace.session.id", session);
            runtime.createAndStart(new SessionRuntime.ContainerSpec("streamspace-" + session,
                    "streamspace/desktop:1", labels, Map.of(), 64L << 20, 0, "", java.util.List.of(),
                    java.util.List.of(new SessionRuntime.PortSpec(5900, "tcp")), "127.0.0.1", "no", true, 0));
        }
        runtime.heldByEngine.add("streamspace-bob-1");
        SessionOverviewService sessions = new SessionOverviewService(runtime, owner, null, new SessionHistory(),
                new AgentEventFeed(Clock.systemUTC()), () -> true, "engine", Clock.systemUTC(), r -> { });

        QuerySessions.SessionList list = sessions.sessions();

        assertThat(list.unavailable()).isNull();
        assertThat(list.sessions()).extracting(QuerySessions.SessionView::sessionId)
                .containsExactly("alice-1", "bob-1");
        assertThat(list.sessions()).allSatisfy(view -> {
            assertThat(view.state()).isEqualTo("running");
            assertThat(view.image()).isEqualTo("streamspace/desktop:1");
            assertThat(view.ports()).containsOnlyKeys(5900);
            assertThat(view.containerId()).isNotBlank();
        });
    }
}
