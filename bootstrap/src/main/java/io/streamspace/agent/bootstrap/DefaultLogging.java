package io.streamspace.agent.bootstrap;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configuration, in code (registered in {@code META-INF/services}): the same console format
 * {@link LoggingSetup} applies once the settings are read. It replaces a {@code logback.xml}, whose XML parser and
 * Joran model classes (about 300 of the agent's 5 000 classes) cost start-up time on every command
 * (docs/benchmarks.md, start-up). A {@code logback-test.xml} on the class path or
 * {@code -Dlogback.configurationFile} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || DefaultLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LoggingSetup.configure(context, "info", "text", false);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
