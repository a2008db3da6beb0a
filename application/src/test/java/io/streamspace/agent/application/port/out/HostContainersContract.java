package io.streamspace.agent.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import io.streamspace.agent.domain.host.EngineInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HostContainers} / {@link HostImages} / {@link HostEngine} contract: one suite, run against the in-memory
 * fake ({@code InMemoryHostContainersContractTest}) and the Docker adapter ({@code DockerHostContractIT}).
 *
 * <p>A subclass creates running containers of {@link #image()} that print the given lines at start and then keep
 * running until stopped; it removes them (only them) after each test.
 */
public abstract class HostContainersContract<H extends HostContainers & HostImages & HostEngine> {

    public static final String TEST_LABEL = "io.streamspace.test";
    protected static final Duration DEADLINE = Duration.ofSeconds(30);
    protected static final Duration GRACE = Duration.ofSeconds(2);

    protected String prefix;
    protected Map<String, String> mine;

    /** The adapter under test: one object serves containers, images and the engine's info. */
    protected abstract H host();

    /** The image the created containers run (it must show up in {@link HostImages#list()}). */
    protected abstract String image();

    /**
     * A running container named {@code name} with these labels and {@code KEY=VALUE} environment, which wrote
     * {@code lines} to stdout right after it started.
     */
    protected abstract void createRunning(String name, Map<String, String> labels, List<String> environment,
                                          List<String> lines);

    /** Removes what {@link #createRunning} made in this test. */
    protected abstract void removeCreated();

    @BeforeEach
    void freshLabels() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        prefix = "sst-host-" + id;
        mine = Map.of(TEST_LABEL, "host-contract-" + id);
    }

    @AfterEach
    void cleanUp() {
        removeCreated();
    }

    @Test
    void listingFiltersByLabelsAndHidesStoppedContainersUnlessAsked() {
        String a = prefix + "-a";
        String b = prefix + "-b";
        createRunning(a, with("role", "a"), List.of(), List.of("hello"));
        createRunning(b, with("role", "b"), List.of(), List.of("hello"));

        assertThat(host().list(mine, false)).extracting(ContainerSummary::name).containsExactlyInAnyOrder(a, b);
        assertThat(host().list(with("role", "a"), false)).extracting(ContainerSummary::name).containsExactly(a);
        ContainerSummary listed = host().list(with("role", "a"), false).get(0);
        assertThat(listed.state()).isEqualTo("running");
        assertThat(listed.image()).isNotBlank();
        assertThat(listed.labels()).containsAllEntriesOf(mine);

        host().stop(b, GRACE);
        assertThat(host().list(mine, false)).extracting(ContainerSummary::name).containsExactly(a);
        assertThat(host().list(mine, true)).extracting(ContainerSummary::name).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void inspectionFindsByNameAndByIdWithLabelsAndEnvironment() {
        String name = prefix + "-inspect";
        createRunning(name, mine, List.of("GREETING=hi", "API_TOKEN=s3cr3t-value"), List.of("x"));

        ContainerDetails byName = host().inspect(name).orElseThrow();
        assertThat(byName.name()).isEqualTo(name);
        assertThat(byName.state()).isEqualTo("running");
        assertThat(byName.labels()).containsAllEntriesOf(mine);
        assertThat(byName.environment()).contains("GREETING=hi", "API_TOKEN=s3cr3t-value");
        assertThat(byName.created()).isNotNull();

        ContainerDetails byId = host().inspect(byName.id()).orElseThrow();
        assertThat(byId.name()).isEqualTo(name);
        assertThat(host().inspect(byName.id().substring(0, 12))).map(ContainerDetails::name).contains(name);
        assertThat(host().inspect(prefix + "-nothing")).isEmpty();
    }

    @Test
    void logsHonourTailAndSince() throws Exception {
        String name = prefix + "-logs";
        createRunning(name, mine, List.of(), List.of("one", "two", "three"));

        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(host().logs(name, 100, null)).contains("one", "two", "three"));
        String lastTwo = host().logs(name, 2, null);
        assertThat(lastTwo).contains("two", "three").doesNotContain("one");
        assertThat(host().logs(name, 100, Instant.now().plusSeconds(3600))).isBlank();
        assertThatThrownBy(() -> host().logs(prefix + "-nothing", 10, null))
                .isInstanceOf(RuntimeOperationException.class);
    }

    @Test
    void statsSampleARunningContainer() throws Exception {
        String name = prefix + "-stats";
        createRunning(name, mine, List.of(), List.of("x"));

        ContainerUsage usage = host().stats(name);
        assertThat(usage.memoryUsageBytes()).isPositive();
        assertThat(usage.pids()).isPositive();
        assertThat(usage.cpuPercent()).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> host().stats(prefix + "-nothing"))
                .isInstanceOf(RuntimeOperationException.class);
    }

    @Test
    void stopStartAndRestartAreIdempotentWhereTheyCanBe() {
        String name = prefix + "-life";
        createRunning(name, mine, List.of(), List.of("x"));

        host().stop(name, GRACE);
        assertThat(state(name)).isIn("exited", "dead");
        host().stop(name, GRACE);
        assertThat(state(name)).as("stopping a stopped container changes nothing").isIn("exited", "dead");

        host().start(name);
        assertThat(state(name)).isEqualTo("running");
        host().start(name);
        assertThat(state(name)).as("starting a running container changes nothing").isEqualTo("running");

        host().restart(name, GRACE);
        assertThat(state(name)).isEqualTo("running");
        assertThatThrownBy(() -> host().start(prefix + "-nothing")).isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> host().stop(prefix + "-nothing", GRACE))
                .isInstanceOf(RuntimeOperationException.class);
    }

    @Test
    void imagesAndTheEngineDescribeThemselves() {
        createRunning(prefix + "-img", mine, List.of(), List.of("x"));

        assertThat(host().list()).anySatisfy(i -> assertThat(i.tags()).contains(image()));
        EngineInfo info = host().info();
        assertThat(info.serverVersion()).isNotBlank();
        assertThat(info.containers()).isPositive();
        assertThat(info.containersRunning()).isPositive();
        assertThat(info.images()).isPositive();
    }

    private String state(String name) {
        return host().inspect(name).orElseThrow().state();
    }

    private Map<String, String> with(String key, String value) {
        java.util.Map<String, String> labels = new java.util.HashMap<>(mine);
        labels.put(TEST_LABEL + "." + key, value);
        return Map.copyOf(labels);
    }
}
