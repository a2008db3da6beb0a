package io.streamspace.agent.application.service.stack;

import io.streamspace.agent.domain.compose.ComposeParser.EnvFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A stack to deploy, as it comes from the control plane or the CLI.
 *
 * @param project     the project name; null to use the file's top-level {@code name}
 * @param composeText the Compose file's text
 * @param source      the file's name in error messages and in the {@code config_files} label
 * @param environment the variables of the caller's environment (they win over {@code .env})
 * @param dotEnv      the text of the {@code .env} file, or null
 * @param profiles    the active profiles
 * @param workingDir  the project directory, or null
 * @param envFiles    how {@code env_file} entries are read ({@link EnvFiles#NONE} without a directory)
 * @param overrides   further files merged over the first, in order ({@code -f a.yml -f b.yml}); usually none
 */
public record StackDefinition(String project, String composeText, String source, Map<String, String> environment,
                              String dotEnv, Set<String> profiles, String workingDir, EnvFiles envFiles,
                              List<ComposeFile> overrides) {

    /** One more Compose file: its text and its name in errors and in the {@code config_files} label. */
    public record ComposeFile(String text, String source) {
        public ComposeFile {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(source, "source");
        }
    }

    public StackDefinition {
        Objects.requireNonNull(composeText, "composeText");
        Objects.requireNonNull(source, "source");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        profiles = profiles == null ? Set.of() : Set.copyOf(profiles);
        envFiles = envFiles == null ? EnvFiles.NONE : envFiles;
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** A stack from one file. */
    public StackDefinition(String project, String composeText, String source, Map<String, String> environment,
                           String dotEnv, Set<String> profiles, String workingDir, EnvFiles envFiles) {
        this(project, composeText, source, environment, dotEnv, profiles, workingDir, envFiles, List.of());
    }

    List<String> configFiles() {
        List<String> files = new ArrayList<>(List.of(source));
        overrides.forEach(file -> files.add(file.source()));
        return files;
    }
}
