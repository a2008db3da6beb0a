package io.streamspace.agent.application.service.session;

import static io.streamspace.agent.application.service.session.SessionFixture.OWNER;
import static io.streamspace.agent.application.service.session.SessionFixture.command;
import static io.streamspace.agent.application.service.session.SessionFixture.startPayload;
import static io.streamspace.agent.application.service.session.SessionFixture.with;
import static io.streamspace.agent.application.service.session.SessionFixture.withSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.Mount;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.VolumeRef;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StartSessionHandlerTest {

    private static final String IMAGE = "lscr.io/linuxserver/firefox:latest";
    private final SessionFixture f = new SessionFixture();

    private Map<String, Object> start(Map<String, Object> payload) throws Exception {
        return f.start.handle(command("cmd-1", StartSessionHandler.ACTION, payload), f.messages);
    }

    @Test
    void pullsCreatesAndReportsRunningWithVncInfo() throws Exception {
        Map<String, Object> result = start(startPayload("alice-firefox-1a2b3c4d"));

        String name = "streamspace-alice-firefox-1a2b3c4d";
        assertThat(f.runtime.calls).containsExactly("pull " + IMAGE, "network streamspace",
                "volume streamspace-alice-firefox-1a2b3c4d-home", "volume streamspace-alice-firefox-1a2b3c4d-data",
                "create " + name);
        ContainerSpec spec = f.runtime.box(name).spec;
        assertThat(spec.image()).isEqualTo(IMAGE);
        assertThat(spec.labels()).containsAllEntriesOf(OWNER)
                .containsEntry("streamspace.session.id", "alice-firefox-1a2b3c4d")
                .containsEntry("streamspace.session.user", "alice")
                .containsEntry("streamspace.session.template", "firefox")
                .containsEntry(SessionLabels.VNC_PORT, "3000")
                .containsEntry(SessionLabels.MEMORY_BYTES, "2147483648")
                .containsEntry(SessionLabels.CPU_MILLIS, "1000");
        assertThat(spec.environment()).containsEntry("K", "V").containsEntry("USER", "alice")
                .containsEntry("SESSION_ID", "alice-firefox-1a2b3c4d");
        assertThat(spec.memoryBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(spec.nanoCpus()).isEqualTo(1_000_000_000L);
        assertThat(spec.network()).isEqualTo("streamspace");
        assertThat(spec.mounts()).containsExactly(new Mount("streamspace-alice-firefox-1a2b3c4d-home", "/config"),
                new Mount("streamspace-alice-firefox-1a2b3c4d-data", "/data"));
        assertThat(spec.ports()).containsExactly(new PortSpec(8080, "tcp"), new PortSpec(3000, "tcp"));
        assertThat(spec.hostAddress()).isEqualTo("127.0.0.1");
        assertThat(spec.restartPolicy()).isEqualTo("unless-stopped");
        assertThat(spec.noNewPrivileges()).isTrue();
        assertThat(spec.pidsLimit()).isEqualTo(512);
        assertThat(f.runtime.volumes.get("streamspace-alice-firefox-1a2b3c4d-home").labels())
                .containsAllEntriesOf(OWNER).containsEntry(SessionLabels.SESSION_ID, "alice-firefox-1a2b3c4d");

        OutboundMessage.SessionStatus status = f.lastStatus();
        assertThat(status.state()).isEqualTo("running");
        assertThat(status.vncReady()).isTrue();
        assertThat(status.vncPort()).isEqualTo(3000);
        assertThat(status.platformMetadata()).containsEntry("podName", name).containsKey("podIP")
                .containsEntry("vncHostPort", 32769);
        assertThat((String) status.platformMetadata().get("podIP")).startsWith("172.18.0.");
        assertThat(result).containsEntry("sessionId", "alice-firefox-1a2b3c4d").containsEntry("state", "running")
                .containsEntry("vncPort", 3000).containsKey("containerId");
    }

    @Test
    void presentImageIsNotPulledAndResourcesFallBackToTemplateDefaults() throws Exception {
        f.runtime.images.add(IMAGE);
        Map<String, Object> payload = with(with(startPayload("s1"), "memory", null), "cpu", "");
        start(payload);
        assertThat(f.runtime.calls).noneMatch(c -> c.startsWith("pull"));
        ContainerSpec spec = f.runtime.box("streamspace-s1").spec;
        assertThat(spec.memoryBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(spec.nanoCpus()).isEqualTo(500_000_000L);
    }

    @Test
    void withoutAnyResourcesTheContainerIsUnlimited() throws Exception {
        Map<String, Object> payload = withSpec(with(with(startPayload("s1"), "memory", null), "cpu", null),
                "defaultResources", null);
        start(payload);
        ContainerSpec spec = f.runtime.box("streamspace-s1").spec;
        assertThat(spec.memoryBytes()).isZero();
        assertThat(spec.nanoCpus()).isZero();
    }

    @Test
    void vncPortIsTheTemplatesVncPortElseThePortNamedVncElseTheFirst() throws Exception {
        start(withSpec(startPayload("a"), "vnc", Map.of("enabled", true, "port", 5901)));
        assertThat(f.lastStatus().vncPort()).isEqualTo(5901);
        start(startPayload("b"));
        assertThat(f.lastStatus().vncPort()).isEqualTo(3000);
        start(withSpec(startPayload("c"), "ports", List.of(Map.of("containerPort", 6080))));
        assertThat(f.lastStatus().vncPort()).isEqualTo(6080);
        start(withSpec(startPayload("d"), "ports", null));
        assertThat(f.lastStatus().vncPort()).isNull();
        assertThat(f.lastStatus().vncReady()).isFalse();
    }

    @Test
    void unparsableMemoryFailsTheCommandBeforeTheRuntimeIsTouched() {
        assertThatThrownBy(() -> start(with(startPayload("s1"), "memory", "2GB")))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("memory \"2GB\" is not a Kubernetes quantity (use e.g. 2Gi or 2G)");
        assertThat(f.runtime.calls).isEmpty();
        assertThat(f.states("s1")).containsExactly("failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "template", "templateManifest"})
    void missingRequiredFieldsFail(String field) {
        assertThatThrownBy(() -> start(with(startPayload("s1"), field, null)))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining(field + " is required");
        assertThat(f.runtime.calls).isEmpty();
    }

    @Test
    void emptyOrWrongTypedFieldsFail() {
        assertThatThrownBy(() -> start(with(startPayload("s1"), "user", "")))
                .hasMessage("user must not be empty");
        assertThatThrownBy(() -> start(with(startPayload("s1"), "template", 7)))
                .hasMessage("template must be a string");
        assertThatThrownBy(() -> start(withSpec(startPayload("s1"), "baseImage", null)))
                .hasMessage("templateManifest.spec.baseImage is required");
        assertThatThrownBy(() -> start(withSpec(startPayload("s1"), "volumeMounts",
                List.of(Map.of("name", "../etc", "mountPath", "/x"))))).hasMessageContaining("volumeMount name");
        assertThatThrownBy(() -> start(with(startPayload("s1"), "idleTimeout", "30 minutes")))
                .hasMessageContaining("idleTimeout");
        assertThat(f.runtime.calls).isEmpty();
    }

    @Test
    void aMissingSessionIdSendsNoStatus() {
        assertThatThrownBy(() -> start(with(startPayload("x"), "sessionId", null)))
                .hasMessage("sessionId is required");
        assertThat(f.statuses()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "a/b", "a b", "../../etc"})
    void invalidSessionIdsAreRefusedWithoutAStatus(String id) {
        assertThatThrownBy(() -> start(startPayload(id))).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("sessionId");
        assertThat(f.runtime.calls).isEmpty();
        assertThat(f.statuses()).isEmpty();
    }

    @Test
    void neitherAdmissionNorTheHeartbeatCountLooksAtContainersTheEngineIsStillStarting() throws Exception {
        f.startRunning("s1");
        // As in a storm: the engine is still starting s1's container, and a look at it would wait for that start.
        f.runtime.heldByEngine.add(SessionSettings.containerName("s1"));

        f.startRunning("s2");

        assertThat(f.states("s2")).containsExactly("running");
        assertThat(new RunningSessionCount(f.runtime, f.settings).count()).isEqualTo(2);
    }

    @Test
    void capacityIsCheckedBeforeTheRuntimeIsTouched() throws Exception {
        SessionFixture small = new SessionFixture(CapacityLimits.of(1, 16, 64), HibernateMode.STOP);
        small.startRunning("s1");
        small.runtime.calls.clear();
        assertThatThrownBy(() -> small.startRunning("s2")).isInstanceOf(CommandFailedException.class)
                .hasMessage("capacity exceeded: 1 of 1 sessions in use");
        assertThat(small.runtime.calls).isEmpty();
        assertThat(small.states("s2")).containsExactly("failed");

    }

    @Test
    void cpuAndMemoryRefusalsCarryTheNumbers() throws Exception {
        SessionFixture cpu = new SessionFixture(CapacityLimits.of(10, 4, 64), HibernateMode.STOP);
        cpu.start.handle(command("c1", "start_session", with(startPayload("s1"), "cpu", "2500m")), cpu.messages);
        assertThatThrownBy(() -> cpu.start.handle(command("c2", "start_session", with(startPayload("s2"), "cpu", "2")),
                cpu.messages)).hasMessage("capacity exceeded: session requests 2 cores, 1.5 of 4 free");

        SessionFixture mem = new SessionFixture(CapacityLimits.of(10, 16, 3), HibernateMode.STOP);
        mem.startRunning("s1");
        assertThatThrownBy(() -> mem.startRunning("s2"))
                .hasMessage("capacity exceeded: session requests 2Gi memory, 1Gi of 3Gi free");
    }

    @Test
    void hibernatedSessionsFreeCapacity() throws Exception {
        SessionFixture small = new SessionFixture(CapacityLimits.of(1, 16, 64), HibernateMode.STOP);
        small.startRunning("s1");
        small.hibernate.handle(command("h", "hibernate_session", SessionFixture.idPayload("s1")), small.messages);
        small.startRunning("s2");
        assertThat(small.states("s2")).containsExactly("running");
    }

    @Test
    void pullFailureFailsWithTheRegistrysReasonAndLeavesNothing() {
        f.runtime.unpullable.put(IMAGE, "manifest unknown");
        assertThatThrownBy(() -> start(startPayload("s1")))
                .hasMessage("image " + IMAGE + " not found and could not be pulled: manifest unknown");
        assertThat(f.runtime.containers).isEmpty();
        assertThat(f.lastStatus().state()).isEqualTo("failed");
        assertThat(f.lastStatus().message()).contains("manifest unknown");
        assertThat(f.registry.held()).isEmpty();
    }

    @Test
    void containerThatExitsAtStartIsRemovedWithTheVolumesThisAttemptCreated() {
        f.runtime.exitAtStart.put(IMAGE, 127);
        f.runtime.volumes.put("streamspace-s1-home", new VolumeRef("streamspace-s1-home", "local",
                new HashMap<>(f.settings.sessionSelector("s1"))));
        assertThatThrownBy(() -> start(startPayload("s1"))).isInstanceOf(CommandFailedException.class)
                .hasMessage("container streamspace-s1 exited with code 127 while starting: "
                        + "exec: \"/init\": no such file or directory");
        assertThat(f.runtime.containers).isEmpty();
        assertThat(f.runtime.volumeNames()).containsExactly("streamspace-s1-home");
        assertThat(f.runtime.calls).contains("remove streamspace-s1", "remove volume streamspace-s1-data")
                .doesNotContain("remove volume streamspace-s1-home");
        assertThat(f.states("s1")).containsExactly("failed");
        assertThat(f.lastStatus().message()).contains("exited with code 127");
        assertThat(f.registry.held()).isEmpty();
    }

    @Test
    void aContainerCaughtRunningBetweenRestartsIsNotReportedRunning() {
        f.runtime.flappingAtStart.put(IMAGE, 3);
        assertThatThrownBy(() -> start(startPayload("s1"))).isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("container streamspace-s1 keeps exiting while starting (the engine restarted"
                        + " it ");
        assertThat(f.runtime.containers).isEmpty();
        assertThat(f.states("s1")).containsExactly("failed");
    }

    @Test
    void aContainerThatNeverShowsItsExitCodeFailsWithTheOneItsDieEventsCarried() {
        // Podman may show exit code 0 on every look at a container it keeps restarting; its die events carry 3
        SessionEventMonitor monitor = new SessionEventMonitor(f.runtime, f.settings, f.registry, f.messages);
        monitor.start();
        try {
            f.runtime.flappingAtStart.put(IMAGE, 3);
            assertThatThrownBy(() -> start(startPayload("s1"))).isInstanceOf(CommandFailedException.class)
                    .hasMessageMatching("container streamspace-s1 keeps exiting while starting \\(the engine"
                            + " restarted it [0-9]+ time\\(s\\), last exit code 3\\)");
            assertThat(f.states("s1")).containsExactly("failed");
            assertThat(f.registry.exitDuringOperation("s1")).as("forgotten once the start ended").isEmpty();
        } finally {
            monitor.close();
        }
    }

    @Test
    void aContainerCaughtRunningThenRestartingFailsWithItsExitCode() {
        f.runtime.flappingAtStart.put(IMAGE, 3);
        f.runtime.restartingAfterLooks = 2;
        assertThatThrownBy(() -> start(startPayload("s1"))).isInstanceOf(CommandFailedException.class)
                .hasMessage("container streamspace-s1 keeps exiting while starting (last exit code 3)");
        assertThat(f.runtime.containers).isEmpty();
    }

    @Test
    void waitsWhileTheContainerIsStillCreated() throws Exception {
        f.runtime.createdPolls = 3;
        start(startPayload("s1"));
        assertThat(f.states("s1")).containsExactly("running");
    }

    @Test
    void containerThatNeverRunsTimesOut() {
        SessionFixture slow = new SessionFixture();
        slow.settings = slow.settings.withTimeouts(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(5));
        StartSessionHandler handler = new StartSessionHandler(slow.runtime, slow.settings, slow.registry,
                slow.capacity, slow.clock);
        slow.runtime.createdPolls = Integer.MAX_VALUE;
        assertThatThrownBy(() -> handler.handle(command("c", "start_session", startPayload("s1")), slow.messages))
                .hasMessageContaining("did not reach running within");
        assertThat(slow.runtime.containers).isEmpty();
    }

    @Test
    void duplicateStartOfARunningSessionCreatesNoSecondContainer() throws Exception {
        start(startPayload("s1"));
        f.runtime.calls.clear();
        Map<String, Object> again = start(startPayload("s1"));
        assertThat(f.runtime.calls).isEmpty();
        assertThat(f.runtime.containers).hasSize(1);
        assertThat(f.states("s1")).containsExactly("running", "running");
        assertThat(again).containsEntry("state", "running");
    }

    @Test
    void aStoppedLeftoverIsReplacedKeepingItsVolumes() throws Exception {
        start(startPayload("s1"));
        f.runtime.crash("streamspace-s1", 1);
        f.runtime.calls.clear();
        start(startPayload("s1"));
        assertThat(f.runtime.calls).containsExactly("remove streamspace-s1", "create streamspace-s1");
        assertThat(f.runtime.box("streamspace-s1").status).isEqualTo("running");
    }

    @Test
    void aForeignContainerWithTheSameNameIsRefusedAndNeverRemoved() {
        f.runtime.put("streamspace-s1", "nginx", Map.of("owner", "someone-else"), "running");
        assertThatThrownBy(() -> start(startPayload("s1"))).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("not managed by this agent");
        assertThat(f.runtime.box("streamspace-s1").status).isEqualTo("running");
        assertThat(f.runtime.calls).isEmpty();
    }
}
