package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class VirtualThreadCarriersTest {

    @Test
    void virtualThreadsGetOneCarrierPerCoreLessButAtLeastOne() {
        assertThat(parallelism(8)).isEqualTo("7");
        assertThat(parallelism(2)).isEqualTo("1");
        assertThat(parallelism(1)).isEqualTo("1");
    }

    @Test
    void aParallelismTheOperatorSetIsKept() {
        Properties given = new Properties();
        given.setProperty(VirtualThreadCarriers.PARALLELISM, "4");
        VirtualThreadCarriers.leaveOneCoreToPlatformThreads(given, 2);
        assertThat(given.getProperty(VirtualThreadCarriers.PARALLELISM)).isEqualTo("4");
    }

    private static String parallelism(int cores) {
        Properties properties = new Properties();
        VirtualThreadCarriers.leaveOneCoreToPlatformThreads(properties, cores);
        return properties.getProperty(VirtualThreadCarriers.PARALLELISM);
    }
}
