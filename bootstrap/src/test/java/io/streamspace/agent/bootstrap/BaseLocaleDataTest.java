package io.streamspace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BaseLocaleDataTest {

    @Test
    void theHostProviderIsChosenWhenNoneIsSet() {
        Properties properties = new Properties();
        BaseLocaleData.useBaseLocaleData(properties);
        assertThat(properties.getProperty(BaseLocaleData.PROVIDERS)).isEqualTo("HOST");
    }

    @Test
    void providersTheOperatorSetAreKept() {
        Properties given = new Properties();
        given.setProperty(BaseLocaleData.PROVIDERS, "CLDR");
        BaseLocaleData.useBaseLocaleData(given);
        assertThat(given.getProperty(BaseLocaleData.PROVIDERS)).isEqualTo("CLDR");
    }
}
