package io.streamspace.agent.adapter.docker.compose;

/** The labels the Compose CLI puts on (and looks for on) the objects of a project. */
final class ComposeLabels {

    static final String PROJECT = "com.docker.compose.project";
    static final String SERVICE = "com.docker.compose.service";
    static final String NUMBER = "com.docker.compose.container-number";
    /** {@code "False"} / {@code "True"}, capitalised as the CLI writes and filters them. */
    static final String ONEOFF = "com.docker.compose.oneoff";
    static final String CONFIG_HASH = "com.docker.compose.config-hash";
    static final String WORKING_DIR = "com.docker.compose.project.working_dir";
    static final String CONFIG_FILES = "com.docker.compose.project.config_files";
    static final String NETWORK = "com.docker.compose.network";
    static final String VOLUME = "com.docker.compose.volume";
    /** What a service depends on, as Compose v2 writes it ({@code db:service_started:false,...}): the order of down. */
    static final String DEPENDS_ON = "com.docker.compose.depends_on";
    /**
     * The Compose version that made the object. docker-compose 1.29 reads it only to recognise pre-1.21 projects
     * (and fails on a missing one in that path), so it is always set; this engine follows the Compose
     * specification as v2 does, hence a 2.x value.
     */
    static final String VERSION = "com.docker.compose.version";
    static final String VERSION_VALUE = "2.0.0";

    private ComposeLabels() {}
}
