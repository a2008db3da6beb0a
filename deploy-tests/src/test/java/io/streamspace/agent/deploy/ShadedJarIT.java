package io.streamspace.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What the shaded jar leaves out on purpose (bootstrap/pom.xml, ADR 0023). */
class ShadedJarIT {

    @Test
    void thePublicSuffixListIsLeftOutButHttpClientsMatcherIsThere() throws IOException {
        try (JarFile jar = new JarFile(Host.AGENT_JAR.toFile())) {
            // parsed by HttpClient 5's default hostname verifier at docker-java's first transport: ~40 ms cold
            assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("org/publicsuffix/"))).isEmpty();
            // the loader it falls back from is still there (it builds a minimal matcher when the list is absent)
            assertThat(jar.getEntry("org/apache/hc/client5/http/psl/PublicSuffixMatcherLoader.class")).isNotNull();
        }
    }
}
