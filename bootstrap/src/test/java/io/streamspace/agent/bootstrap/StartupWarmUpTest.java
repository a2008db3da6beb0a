package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartupWarmUpTest {

    @Test
    void theHttpClientsDebugLoggerIsWhereTheWarmUpLooksForIt() throws Exception {
        // a JDK that renamed it would make that part of the warm-up a silent no-op
        Class<?> logger = Class.forName(StartupWarmUp.HTTP_CLIENT_DEBUG_LOGGER, false,
                HttpClient.class.getClassLoader());
        assertThat(logger.getModule().getName()).isEqualTo("java.net.http");
    }

    @Test
    void theWarmUpRunsOnADaemonThreadThatEnds() throws Exception {
        Thread warmUp = StartupWarmUp.start();
        assertThat(warmUp.isDaemon()).isTrue(); // never keeps a finished command's JVM alive
        assertThat(warmUp.getName()).isEqualTo("startup-warm-up");
        assertThat(warmUp.join(Duration.ofSeconds(60))).isTrue();
    }
}
