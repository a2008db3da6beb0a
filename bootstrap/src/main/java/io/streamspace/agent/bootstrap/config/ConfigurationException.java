package io.streamspace.agent.bootstrap.config;

import java.util.List;

/** The configuration is invalid; each problem is one line an operator can act on. */
public final class ConfigurationException extends Exception {

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
