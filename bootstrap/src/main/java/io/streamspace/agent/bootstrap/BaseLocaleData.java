package io.streamspace.agent.bootstrap;

import java.util.Properties;

/**
 * Formats with the locale data of {@code java.base} only: {@code java.locale.providers} is set to {@code HOST} unless
 * the operator set it. Linux has no host locale provider, so the JDK falls back to its built-in root data (what the
 * image's runtime offers anyway: it is jlinked without {@code jdk.localedata}, ADR 0008). On a full JDK the default
 * CLDR provider first reads the list of every locale {@code jdk.localedata} holds; Jackson's first
 * {@code ObjectMapper} (its date format's calendar) pays for that, ~35 ms of every {@code docker-agent stack} command
 * on the bench host (ADR 0029). The agent formats nothing for a reader's locale: its logs, JSON and metrics are
 * locale-neutral ({@code Locale.ROOT}, ISO-8601). Must run before anything formats: the JDK reads the property once.
 */
final class BaseLocaleData {

    static final String PROVIDERS = "java.locale.providers";

    private BaseLocaleData() {
    }

    static void useBaseLocaleData() {
        useBaseLocaleData(System.getProperties());
    }

    static void useBaseLocaleData(Properties properties) {
        if (properties.getProperty(PROVIDERS) == null) {
            properties.setProperty(PROVIDERS, "HOST");
        }
    }
}
