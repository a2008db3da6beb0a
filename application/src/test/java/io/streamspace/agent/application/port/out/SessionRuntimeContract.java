package io.streamspace.agent.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.application.port.out.SessionRuntime.ContainerEvent;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.Mount;
import io.streamspace.agent.application.port.out.SessionRuntime.NetworkRef;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.VolumeRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SessionRuntime} port contract: one suite, run against the in-memory fake
 * ({@code InMemorySessionRuntimeContractTest}) and the Docker adapter ({@code DockerSessionRuntimeContractIT}).
 *
 * <p>Every test uses fresh names and a fresh owner label value, and removes what it created (only that) afterwards.
 * Images: {@link #RUNNING_IMAGE} keeps running with TCP {@link #RUNNING_PORT} open; {@link #EXITING_IMAGE} exits with
 * {@link #EXITING_CODE} right after it starts; {@link #MISSING_IMAGE} exists nowhere. A subclass provides the runtime
 * and a way to create objects behind its back ("foreign": same kind, without the owner labels).
 */
public abstract class SessionRuntimeContract {

    public static final String RUNNING_IMAGE = "streamspace-test/vnc-echo:latest";
    public static final int RUNNING_PORT = 5900;
    public static final String EXITING_IMAGE = "streamspace-test/exit-fast:latest";
    public static final int EXITING_CODE = 3;
    /** A registry on 127.0.0.1's discard port: nothing answers, so the pull fails at once and offline. */
    public static final String MISSING_IMAGE = "127.0.0.1:9/streamspace-test/does-not-exist:1";
    /** Every object the contract makes carries it, so leftovers of a crashed run are easy to find. */
    public static final String TEST_LABEL = "io.streamspace.test";
    public static final String OWNER_LABEL = "io.streamspace.agent.id";
    protected static final Duration DEADLINE = Duration.ofSeconds(30);

    protected String prefix;
    protected Map<String, String> owner;
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<AutoCloseable> watches = new ArrayList<>();

    /** The runtime under test; the same instance for the whole test. */
    protected abstract SessionRuntime runtime();

    /** Creates, behind the runtime's back, a network carrying {@code labels} (not the owner labels). */
    protected abstract void createForeignNetwork(String name, Map<String, String> labels);

    protected abstract void createForeignVolume(String name, Map<String, String> labels);

    /** A running container of {@link #RUNNING_IMAGE} carrying {@code labels} (not the owner labels). */
    protected abstract void createForeignContainer(String name, Map<String, String> labels);

    /** Removes what the {@code createForeign*} methods made in this test. Runs after every test. */
    protected abstract void removeForeignObjects();

    /** A variant of {@code spec} whose container is created but fails to start. */
    protected abstract ContainerSpec failingToStart(ContainerSpec spec);

    @BeforeEach
    void freshOwner() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        prefix = "sst-contract-" + id;
        owner = Map.of(TEST_LABEL, "true", OWNER_LABEL, "contract-" + id);
    }

    @AfterEach
    void removeWhatTheTestCreated() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (AutoCloseable watch : watches) {
            attempt(failures, watch::close);
        }
        for (String name : containers) {
            attempt(failures, () -> runtime().removeContainer(name, owner));
        }
        for (String name : volumes) {
            attempt(failures, () -> runtime().removeVolume(name, owner));
        }
        for (String name : networks) {
            attempt(failures, () -> runtime().removeNetwork(name, owner));
        }
        attempt(failures, this::removeForeignObjects);
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleanup after the test failed: " + failures.get(0));
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    // --- networks -----------------------------------------------------------------------------------------

    @Test
    void networksAreCreatedOnceFoundByLabelAndRemovedIdempotently() {
        String name = network("net");

        NetworkRef created = runtime().ensureNetwork(name, owner);
        NetworkRef again = runtime().ensureNetwork(name, owner);

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.labels()).containsAllEntriesOf(owner);
        assertThat(again.id()).isEqualTo(created.id());
        assertThat(runtime().findNetworks(owner)).extracting(NetworkRef::name).containsExactly(name);
        assertThat(runtime().removeNetwork(name, owner)).isTrue();
        assertThat(runtime().findNetworks(owner)).isEmpty();
        assertThat(runtime().removeNetwork(name, owner)).as("already gone").isFalse();
    }

    @Test
    void aForeignNetworkOfTheSameNameIsRefusedAndLeftIntact() {
        String name = prefix + "-foreign-net";
        Map<String, String> foreign = foreignLabels();
        createForeignNetwork(name, foreign);

        assertThatThrownBy(() -> runtime().ensureNetwork(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().removeNetwork(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");

        assertThat(runtime().findNetworks(foreign)).extracting(NetworkRef::name).containsExactly(name);
        assertThat(runtime().findNetworks(owner)).isEmpty();
    }

    // --- volumes ------------------------------------------------------------------------------------------

    @Test
    void volumesAreCreatedOnceWithLabelsAndDriverFoundAndRemovedIdempotently() {
        String name = volume("home");

        VolumeRef created = runtime().ensureVolume(name, "local", owner);
        VolumeRef again = runtime().ensureVolume(name, "local", owner);

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.driver()).isEqualTo("local");
        assertThat(created.labels()).containsAllEntriesOf(owner);
        assertThat(again).isEqualTo(created);
        assertThat(runtime().findVolumes(owner)).extracting(VolumeRef::name).containsExactly(name);
        assertThat(runtime().removeVolume(name, owner)).isTrue();
        assertThat(runtime().findVolumes(owner)).isEmpty();
        assertThat(runtime().removeVolume(name, owner)).as("already gone").isFalse();
    }

    @Test
    void aForeignVolumeOfTheSameNameIsRefusedAndLeftIntact() {
        String name = prefix + "-foreign-vol";
        Map<String, String> foreign = foreignLabels();
        createForeignVolume(name, foreign);

        assertThatThrownBy(() -> runtime().ensureVolume(name, "local", owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().removeVolume(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");

        assertThat(runtime().findVolumes(foreign)).extracting(VolumeRef::name).containsExactly(name);
    }

    @Test
    void aVolumeInUseIsNotRemovedUntilItsContainerIsGone() {
        String data = volume("data");
        runtime().ensureVolume(data, "local", owner);
        String name = container("uses-volume");
        ContainerSpec spec = withMounts(spec(name, RUNNING_IMAGE, Map.of()), List.of(new Mount(data, "/data")));
        runtime().createAndStart(spec);

        assertThatThrownBy(() -> runtime().removeVolume(data, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("in use");
        assertThat(runtime().findVolumes(owner)).extracting(VolumeRef::name).containsExactly(data);

        assertThat(runtime().removeContainer(name, owner)).isTrue();
        assertThat(runtime().removeVolume(data, owner)).isTrue();
    }

    @Test
    void aContainerNeedsItsVolumesToExist() {
        String name = container("no-volume");
        ContainerSpec spec = withMounts(spec(name, RUNNING_IMAGE, Map.of()),
                List.of(new Mount(prefix + "-never-created", "/data")));

        assertThatThrownBy(() -> runtime().createAndStart(spec))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining(prefix + "-never-created")
                .hasMessageContaining("does not exist");
        assertThat(runtime().inspect(name)).isEmpty();
        assertThat(runtime().findVolumes(Map.of(OWNER_LABEL, owner.get(OWNER_LABEL)))).isEmpty();
    }

    // --- images -------------------------------------------------------------------------------------------

    @Test
    void presentImagesAreReportedAndAMissingImageFailsToPullWithTheReason() {
        assertThat(runtime().imagePresent(RUNNING_IMAGE)).isTrue();
        assertThat(runtime().imagePresent(MISSING_IMAGE)).isFalse();
        List<String> progress = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> runtime().pullImage(MISSING_IMAGE, progress::add))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageStartingWith("Image " + MISSING_IMAGE + " not found and could not be pulled from 127.0.0.1:9")
                .hasMessageNotContaining("\n")
                .satisfies(e -> assertThat(e.getMessage().substring(e.getMessage().lastIndexOf(": ") + 2)).isNotBlank());
        assertThat(runtime().imagePresent(MISSING_IMAGE)).isFalse();
    }

    // --- containers ---------------------------------------------------------------------------------------

    @Test
    void aContainerRunsStopsStartsPausesAndIsRemovedIdempotently() {
        String net = network("net");
        runtime().ensureNetwork(net, owner);
        String name = container("life");

        ContainerState started = runtime().createAndStart(withNetwork(spec(name, RUNNING_IMAGE, Map.of()), net));

        assertThat(started.name()).isEqualTo(name);
        assertThat(started.image()).isEqualTo(RUNNING_IMAGE);
        assertThat(started.labels()).containsAllEntriesOf(owner);
        assertThat(started.id()).isNotBlank();
        ContainerState running = awaitStatus(name, "running");
        assertThat(running.id()).isEqualTo(started.id());
        assertThat(running.publishedPorts()).containsOnlyKeys(RUNNING_PORT);
        assertThat(running.publishedPorts().get(RUNNING_PORT)).isBetween(1, 65535);
        assertThat(running.ipAddress()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(running.error()).isEmpty();

        runtime().stopContainer(name, owner, Duration.ofSeconds(5));
        ContainerState stopped = awaitStatus(name, "exited");
        assertThat(stopped.exitCode()).isZero();
        assertThat(stopped.publishedPorts()).isEmpty();
        runtime().stopContainer(name, owner, Duration.ofSeconds(5)); // stopping a stopped container is fine
        assertThat(runtime().inspect(name)).get().extracting(ContainerState::status).isEqualTo("exited");

        runtime().startContainer(name, owner);
        assertThat(awaitStatus(name, "running").publishedPorts()).containsOnlyKeys(RUNNING_PORT);
        runtime().startContainer(name, owner); // starting a running container is fine
        assertThat(runtime().inspect(name)).get().extracting(ContainerState::status).isEqualTo("running");

        runtime().pauseContainer(name, owner);
        awaitStatus(name, "paused");
        runtime().unpauseContainer(name, owner);
        awaitStatus(name, "running");

        assertThat(runtime().removeContainer(name, owner)).isTrue();
        assertThat(runtime().inspect(name)).isEmpty();
        assertThat(runtime().removeContainer(name, owner)).as("already gone").isFalse();
    }

    @Test
    void usageIsReportedForRunningContainersOfTheLabelsOnly() {
        String running = container("use-run");
        String stopped = container("use-stop");
        String foreign = prefix + "-use-foreign"; // removed by removeForeignObjects, not as ours
        runtime().createAndStart(spec(running, RUNNING_IMAGE, Map.of()));
        runtime().createAndStart(spec(stopped, RUNNING_IMAGE, Map.of()));
        awaitStatus(running, "running");
        awaitStatus(stopped, "running");
        runtime().stopContainer(stopped, owner, Duration.ofSeconds(5));
        awaitStatus(stopped, "exited");
        createForeignContainer(foreign, Map.of(TEST_LABEL, "true"));

        Map<String, SessionRuntime.ResourceUsage> first = runtime().usage(owner);

        assertThat(first).containsOnlyKeys(running);
        SessionRuntime.ResourceUsage reading = first.get(running);
        assertThat(reading.memoryBytes()).as("memory in use").isPositive();
        assertThat(reading.memoryLimitBytes()).as("the spec's limit").isEqualTo(64L * 1024 * 1024);
        assertThat(reading.cpuTotalNanos()).isNotNegative();
        assertThat(reading.readAt()).isNotNull();
        SessionRuntime.ResourceUsage later = await().atMost(DEADLINE).until(() -> runtime().usage(owner).get(running),
                u -> u != null && u.readAt().isAfter(reading.readAt()));
        assertThat(later.cpuTotalNanos()).as("a counter").isGreaterThanOrEqualTo(reading.cpuTotalNanos());
        assertThat(runtime().usage(Map.of(OWNER_LABEL, "nobody-" + prefix))).isEmpty();
    }

    @Test
    void aSecondContainerOfTheSameNameIsRefusedAndTheFirstKeepsRunning() {
        String name = container("dup");
        ContainerState first = runtime().createAndStart(spec(name, RUNNING_IMAGE, Map.of()));

        assertThatThrownBy(() -> runtime().createAndStart(spec(name, RUNNING_IMAGE, Map.of())))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("'" + name + "' already exists");

        ContainerState still = awaitStatus(name, "running");
        assertThat(still.id()).isEqualTo(first.id());
        assertThat(runtime().findContainers(owner)).hasSize(1);
    }

    @Test
    void aForeignContainerOfTheSameNameIsRefusedForEveryOperationAndNeverTouched() {
        String name = prefix + "-foreign";
        Map<String, String> foreign = foreignLabels();
        createForeignContainer(name, foreign);
        ContainerState before = awaitStatus(name, "running");

        assertThatThrownBy(() -> runtime().createAndStart(spec(name, RUNNING_IMAGE, Map.of())))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().removeContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().stopContainer(name, owner, Duration.ofSeconds(1)))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().startContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().pauseContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");
        assertThatThrownBy(() -> runtime().unpauseContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("not managed by this agent");

        ContainerState after = runtime().inspect(name).orElseThrow();
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.status()).isEqualTo("running");
        assertThat(after.labels()).containsAllEntriesOf(foreign).doesNotContainKey(OWNER_LABEL);
        assertThat(runtime().findContainers(owner)).isEmpty();
        assertThat(runtime().listContainers(owner)).isEmpty();
    }

    @Test
    void operationsOnAMissingContainerSaySo() {
        String name = prefix + "-missing";

        assertThat(runtime().inspect(name)).isEmpty();
        assertThat(runtime().removeContainer(name, owner)).isFalse();
        assertThatThrownBy(() -> runtime().stopContainer(name, owner, Duration.ofSeconds(1)))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("no such container");
        assertThatThrownBy(() -> runtime().startContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("no such container");
        assertThatThrownBy(() -> runtime().pauseContainer(name, owner))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("no such container");
    }

    @Test
    void aNameThatIsOnlyAPrefixOfAnotherContainerIsNotConfusedWithIt() {
        String longer = container("prefix-long");
        ContainerState started = runtime().createAndStart(spec(longer, RUNNING_IMAGE, Map.of()));
        String shorter = longer.substring(0, longer.length() - "-long".length());

        assertThat(runtime().inspect(shorter)).isEmpty();
        // nor is (a prefix of) its id a name: engines look ids up by prefix
        assertThat(runtime().inspect(started.id().substring(0, 12))).isEmpty();
        assertThat(runtime().inspect(started.id())).isEmpty();
        assertThat(runtime().removeContainer(shorter, owner)).isFalse();
        assertThat(runtime().inspect(longer)).get().extracting(ContainerState::status).isEqualTo("running");
    }

    @Test
    void containersAreFoundAndListedByLabelInEveryState() {
        String a = container("a");
        String b = container("b");
        runtime().createAndStart(spec(a, RUNNING_IMAGE, Map.of("io.streamspace.session", a)));
        runtime().createAndStart(spec(b, RUNNING_IMAGE, Map.of("io.streamspace.session", b)));
        runtime().stopContainer(b, owner, Duration.ofSeconds(5));
        awaitStatus(a, "running");

        Map<String, String> sessionA = new HashMap<>(owner);
        sessionA.put("io.streamspace.session", a);
        assertThat(runtime().findContainers(sessionA)).extracting(ContainerState::name).containsExactly(a);
        assertThat(runtime().findContainers(owner)).extracting(ContainerState::name).containsExactlyInAnyOrder(a, b);
        assertThat(runtime().findContainers(owner)).filteredOn(c -> c.name().equals(b))
                .extracting(ContainerState::status).containsExactly("exited");
        Map<String, String> nobody = Map.of(OWNER_LABEL, "nobody-" + prefix);
        assertThat(runtime().findContainers(nobody)).isEmpty();

        // the list alone shows each container as a look at it does
        List<SessionRuntime.ListedContainer> listed = runtime().listContainers(owner);
        assertThat(listed).extracting(SessionRuntime.ListedContainer::name).containsExactlyInAnyOrder(a, b);
        for (ContainerState looked : runtime().findContainers(owner)) {
            assertThat(listed).filteredOn(c -> c.name().equals(looked.name())).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(looked.id());
                assertThat(c.image()).isEqualTo(looked.image());
                assertThat(c.labels()).isEqualTo(looked.labels());
                assertThat(c.status()).isEqualTo(looked.status());
                assertThat(c.running()).isEqualTo(looked.running());
                assertThat(c.publishedPorts()).isEqualTo(looked.publishedPorts());
            });
        }
        assertThat(listed).filteredOn(c -> c.name().equals(a)).singleElement()
                .satisfies(c -> assertThat(c.publishedPorts()).containsOnlyKeys(RUNNING_PORT));
        assertThat(runtime().listContainers(sessionA)).extracting(SessionRuntime.ListedContainer::name)
                .containsExactly(a);
        assertThat(runtime().listContainers(nobody)).isEmpty();
    }

    @Test
    void aContainerThatFailsToStartIsRemovedAgain() {
        String name = container("fails");

        assertThatThrownBy(() -> runtime().createAndStart(failingToStart(spec(name, RUNNING_IMAGE, Map.of()))))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining(name)
                .hasMessageNotContaining("\n");

        assertThat(runtime().inspect(name)).isEmpty();
        assertThat(runtime().findContainers(owner)).isEmpty();
    }

    @Test
    void aContainerThatExitsOnItsOwnIsReportedWithADieEventAndItsExitCode() throws Exception {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        watch(runtime().watchContainers(owner, events::add));
        String name = container("dies");

        runtime().createAndStart(withRestart(spec(name, EXITING_IMAGE, Map.of()), "no"));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(events)
                .filteredOn(e -> e.containerName().equals(name) && e.action().equals("die"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.exitCode()).isEqualTo(EXITING_CODE);
                    assertThat(e.labels()).containsAllEntriesOf(owner);
                }));
        assertThat(events).filteredOn(e -> e.containerName().equals(name)).extracting(ContainerEvent::action)
                .contains("start");
        ContainerState exited = awaitStatus(name, "exited");
        assertThat(exited.exitCode()).isEqualTo(EXITING_CODE);
    }

    @Test
    void aClosedWatchReceivesNothingMoreAndOtherWatchesOnlyTheirLabels() throws Exception {
        List<ContainerEvent> closedOne = new CopyOnWriteArrayList<>();
        List<ContainerEvent> open = new CopyOnWriteArrayList<>();
        List<ContainerEvent> otherOwner = new CopyOnWriteArrayList<>();
        AutoCloseable first = runtime().watchContainers(owner, closedOne::add);
        watch(runtime().watchContainers(owner, open::add));
        watch(runtime().watchContainers(Map.of(OWNER_LABEL, "nobody-" + prefix), otherOwner::add));
        first.close();
        String name = container("watched");

        runtime().createAndStart(spec(name, RUNNING_IMAGE, Map.of()));
        runtime().removeContainer(name, owner);

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(open)
                .filteredOn(e -> e.containerName().equals(name)).extracting(ContainerEvent::action)
                .contains("start", "destroy"));
        assertThat(closedOne).isEmpty();
        assertThat(otherOwner).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------------

    /** A session-like spec: owner labels plus {@code extraLabels}, port 5900 on 127.0.0.1, hardened, limited. */
    protected ContainerSpec spec(String name, String image, Map<String, String> extraLabels) {
        Map<String, String> labels = new HashMap<>(owner);
        labels.putAll(extraLabels);
        return new ContainerSpec(name, image, Map.copyOf(labels), Map.of("SESSION_ID", name, "USER", "contract"),
                64L * 1024 * 1024, 500_000_000L, "", List.of(), List.of(new PortSpec(RUNNING_PORT, "TCP")),
                "127.0.0.1", "unless-stopped", true, 128);
    }

    protected static ContainerSpec withNetwork(ContainerSpec s, String network) {
        return new ContainerSpec(s.name(), s.image(), s.labels(), s.environment(), s.memoryBytes(), s.nanoCpus(),
                network, s.mounts(), s.ports(), s.hostAddress(), s.restartPolicy(), s.noNewPrivileges(), s.pidsLimit());
    }

    protected static ContainerSpec withMounts(ContainerSpec s, List<Mount> mounts) {
        return new ContainerSpec(s.name(), s.image(), s.labels(), s.environment(), s.memoryBytes(), s.nanoCpus(),
                s.network(), mounts, s.ports(), s.hostAddress(), s.restartPolicy(), s.noNewPrivileges(), s.pidsLimit());
    }

    protected static ContainerSpec withRestart(ContainerSpec s, String restartPolicy) {
        return new ContainerSpec(s.name(), s.image(), s.labels(), s.environment(), s.memoryBytes(), s.nanoCpus(),
                s.network(), s.mounts(), s.ports(), s.hostAddress(), restartPolicy, s.noNewPrivileges(), s.pidsLimit());
    }

    protected static ContainerSpec withHostAddress(ContainerSpec s, String hostAddress) {
        return new ContainerSpec(s.name(), s.image(), s.labels(), s.environment(), s.memoryBytes(), s.nanoCpus(),
                s.network(), s.mounts(), s.ports(), hostAddress, s.restartPolicy(), s.noNewPrivileges(), s.pidsLimit());
    }

    /** Labels of a foreign object: the test label (for leftover hunting) and another owner, never ours. */
    protected Map<String, String> foreignLabels() {
        return Map.of(TEST_LABEL, "true", "owner", "someone-else-" + prefix);
    }

    protected ContainerState awaitStatus(String name, String status) {
        return await().atMost(DEADLINE).until(() -> runtime().inspect(name).orElse(null),
                state -> state != null && state.status().equals(status));
    }

    /** A unique container name this test will clean up. */
    protected String container(String suffix) {
        String name = prefix + "-" + suffix;
        containers.add(name);
        return name;
    }

    protected String volume(String suffix) {
        String name = prefix + "-" + suffix;
        volumes.add(name);
        return name;
    }

    protected String network(String suffix) {
        String name = prefix + "-" + suffix;
        networks.add(name);
        return name;
    }

    protected void watch(AutoCloseable handle) {
        watches.add(handle);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Throwable> failures, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            failures.add(e);
        }
    }
}
