package io.streamspace.agent.bootstrap.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this jar was built as. */
public final class AgentVersion {

    private AgentVersion() {
    }

    public static String current() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/docker-agent-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
