package io.streamspace.agent.bootstrap.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's SLF4J backend (registered in {@code META-INF/services}): console lines in text or JSON, one level for
 * the agent and quieter libraries, nothing else. It replaces Logback, whose ~225 classes every agent loaded at
 * start-up from the AOT cache for the same two formats (ADR 0020). The agent logs no MDC, so MDC is a no-op.
 */
public final class AgentLogProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return AgentLoggers.INSTANCE;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read: the default (info, text, stdout) holds until the command line configures logging
    }
}
