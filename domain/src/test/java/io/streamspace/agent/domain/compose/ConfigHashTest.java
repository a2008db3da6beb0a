package io.streamspace.agent.domain.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.compose.ServiceSpec.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The config hash must stay what earlier agents wrote on their containers (a different hash recreates every
 * container of every stack on upgrade): it was the SHA-256 of the record's {@code toString()} with
 * {@code depends_on} and {@code profiles} emptied, and is now written out by hand (ADR 0028).
 */
class ConfigHashTest {

    private static final ServiceSpec RICH = new ServiceSpec("web", "registry.local/web:1.2", List.of("sh", "-c", "run"),
            List.of("/entry"), Map.of("B", "2", "A", "1"),
            List.of(new ServiceSpec.Port("127.0.0.1", null, 8080, "tcp"), new ServiceSpec.Port(null, 9000, 90, "udp")),
            List.of(new ServiceSpec.Mount("volume", "data", "/data", false),
                    new ServiceSpec.Mount("bind", "/srv/é", "/srv", true), new ServiceSpec.Mount("volume", null, "/x",
                            false)),
            Map.of("front", List.of("www", "web"), "back", List.of()), Map.of("db", Condition.SERVICE_HEALTHY),
            "unless-stopped", Map.of("team", "a=b, c"),
            new ServiceSpec.Healthcheck(List.of("CMD-SHELL", "wget -q -O- localhost"), Duration.ofSeconds(30),
                    Duration.ofMillis(1500), 3, null),
            536870912L, 1_500_000_000L, "1000:1000", "/work", "web-main", "web.local", List.of("NET_ADMIN"),
            List.of("ALL"), true, List.of("no-new-privileges:true"), List.of("debug"));

    private static final ServiceSpec MINIMAL = new ServiceSpec("db", "busybox", null, null, Map.of(), List.of(),
            List.of(), Map.of(), Map.of(), null, Map.of(), null, null, null, null, null, null, null, List.of(),
            List.of(), false, List.of(), List.of());

    /** What agents before ADR 0028 hashed. */
    private static String recordForm(ServiceSpec s) {
        return new ServiceSpec(s.key(), s.image(), s.command(), s.entrypoint(), s.environment(), s.ports(), s.volumes(),
                s.networks(), new TreeMap<>(), s.restart(), s.labels(), s.healthcheck(), s.memoryLimit(), s.nanoCpus(),
                s.user(), s.workingDir(), s.containerName(), s.hostname(), s.capAdd(), s.capDrop(), s.readOnly(),
                s.securityOpt(), List.of()).toString();
    }

    @Test
    void theNormalFormIsTheRecordsToStringWithoutDependenciesAndProfiles() {
        assertThat(ConfigHash.normalForm(RICH)).isEqualTo(recordForm(RICH));
        assertThat(ConfigHash.normalForm(MINIMAL)).isEqualTo(recordForm(MINIMAL));
    }

    @Test
    void hashesAreTheOnesEarlierAgentsWroteOnTheirContainers() {
        // computed with the agent before ADR 0028 (record toString on Java 25)
        assertThat(ConfigHash.of(RICH)).isEqualTo("2c4c882f868543184dae316fb6c717232fa0754bf1d56422fe4e397627e67d66");
        assertThat(ConfigHash.of(MINIMAL)).isEqualTo("99aae1b33eb3c7ca27c2612671a75d04ff1bc854678caf133fd57d7bab5c48f2");
    }

    @Test
    void dependenciesAndProfilesDoNotChangeTheHash() {
        ServiceSpec other = new ServiceSpec(RICH.key(), RICH.image(), RICH.command(), RICH.entrypoint(),
                RICH.environment(), RICH.ports(), RICH.volumes(), RICH.networks(), Map.of(), RICH.restart(),
                RICH.labels(), RICH.healthcheck(), RICH.memoryLimit(), RICH.nanoCpus(), RICH.user(), RICH.workingDir(),
                RICH.containerName(), RICH.hostname(), RICH.capAdd(), RICH.capDrop(), RICH.readOnly(),
                RICH.securityOpt(), List.of());
        assertThat(ConfigHash.of(other)).isEqualTo(ConfigHash.of(RICH));
    }

    @Test
    void randomServicesHashTheirRecordForm() {
        Random random = new Random(20261207);
        for (int i = 0; i < 500; i++) {
            ServiceSpec s = randomService(random);
            assertThat(ConfigHash.normalForm(s)).as("service %d", i).isEqualTo(recordForm(s));
        }
    }

    private static ServiceSpec randomService(Random r) {
        return new ServiceSpec(word(r), word(r), r.nextBoolean() ? null : words(r), r.nextBoolean() ? null : words(r),
                map(r), r.nextBoolean() ? List.of() : List.of(new ServiceSpec.Port(r.nextBoolean() ? null : word(r),
                        r.nextBoolean() ? null : r.nextInt(65536), r.nextInt(65536), word(r))),
                r.nextBoolean() ? List.of() : List.of(new ServiceSpec.Mount(word(r), r.nextBoolean() ? null : word(r),
                        word(r), r.nextBoolean()), new ServiceSpec.Mount(word(r), word(r), word(r), r.nextBoolean())),
                Map.of(word(r), words(r)), Map.of(word(r), Condition.values()[r.nextInt(3)]),
                r.nextBoolean() ? null : word(r), map(r),
                r.nextBoolean() ? null : new ServiceSpec.Healthcheck(words(r),
                        r.nextBoolean() ? null : Duration.ofMillis(r.nextInt(100_000)), null,
                        r.nextBoolean() ? null : r.nextInt(10), Duration.ofSeconds(r.nextInt(100))),
                r.nextBoolean() ? null : r.nextLong(), r.nextBoolean() ? null : (long) r.nextInt(),
                r.nextBoolean() ? null : word(r), r.nextBoolean() ? null : word(r), r.nextBoolean() ? null : word(r),
                r.nextBoolean() ? null : word(r), words(r), words(r), r.nextBoolean(), words(r), words(r));
    }

    private static List<String> words(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> List.of();
            case 1 -> List.of(word(r));
            default -> List.of(word(r), word(r), word(r));
        };
    }

    private static Map<String, String> map(Random r) {
        return r.nextBoolean() ? Map.of() : Map.of(word(r), word(r), word(r) + "x", r.nextBoolean() ? "" : word(r));
    }

    private static String word(Random r) {
        String alphabet = "abcXYZ09 =,[]{}é€-_./:";
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(8); i >= 0; i--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
