package io.streamspace.agent.bootstrap;

import io.streamspace.agent.domain.compose.ComposeFileException;
import io.streamspace.agent.domain.compose.DotEnv;
import io.streamspace.agent.domain.compose.Interpolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A Compose project found from the global options the way docker-compose (1.29) finds it, so {@code docker-agent stack}
 * takes the command lines operators already type:
 * <ul>
 *   <li>files: every {@code -f} in order, else {@code COMPOSE_FILE} (split on {@code COMPOSE_PATH_SEPARATOR}, default
 *       {@code :}), else the first of {@code compose.yaml}, {@code compose.yml}, {@code docker-compose.yml},
 *       {@code docker-compose.yaml} in the working directory plus its {@code .override} file when there is one;</li>
 *   <li>project directory: {@code --project-directory}, else the first file's directory;</li>
 *   <li>variables: {@code --env-file}, else {@code .env} in the project directory; the environment wins over it;</li>
 *   <li>project name: {@code -p}, else {@code COMPOSE_PROJECT_NAME} (environment, then the env file), else the
 *       files' top-level {@code name} (a newer Compose feature that 1.29 refuses), else the project directory's name;
 *       normalised as docker-compose does: lower case, only {@code a-z 0-9 _ -} kept, {@code default} when nothing
 *       is left.</li>
 * </ul>
 */
record ComposeProject(List<Path> files, Path directory, String dotEnv, String name, boolean nameGiven) {

    static final List<String> DEFAULT_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yml",
            "docker-compose.yaml");

    /** The global options as given (null or empty when absent). */
    record Options(List<String> files, String projectName, String projectDirectory, String envFile) {
        Options {
            files = files == null ? List.of() : List.copyOf(files);
        }
    }

    /**
     * @param readName reads the top-level {@code name} of a file (its text and path), or null without one
     * @throws ComposeFileException for a missing {@code --env-file} or {@code -f} file
     */
    static ComposeProject resolve(Options options, Map<String, String> env, Path workingDir,
                                  BiFunction<String, Path, String> readName) {
        List<Path> files = files(options, env, workingDir);
        Path directory = options.projectDirectory() != null && !options.projectDirectory().isBlank()
                ? workingDir.resolve(options.projectDirectory()).toAbsolutePath().normalize()
                : files.isEmpty() ? workingDir : files.get(0).getParent();
        String dotEnv = null;
        if (options.envFile() != null && !options.envFile().isBlank()) {
            Path envFile = workingDir.resolve(options.envFile()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(envFile)) {
                throw new ComposeFileException("--env-file", "cannot find env file " + envFile);
            }
            dotEnv = read(envFile);
        } else if (Files.isRegularFile(directory.resolve(".env"))) {
            dotEnv = read(directory.resolve(".env"));
        }
        String name = options.projectName();
        if (blank(name)) {
            name = env.get("COMPOSE_PROJECT_NAME");
        }
        if (blank(name) && dotEnv != null) {
            name = DotEnv.parse(dotEnv, ".env").get("COMPOSE_PROJECT_NAME");
        }
        if (!blank(name)) {
            return new ComposeProject(files, directory, dotEnv, normalise(name), true);
        }
        name = nameFromFiles(files, env, dotEnv, readName);
        if (!blank(name)) {
            return new ComposeProject(files, directory, dotEnv, name, false); // as written: checked, not normalised
        }
        name = directory.getFileName() == null ? "" : directory.getFileName().toString();
        return new ComposeProject(files, directory, dotEnv, normalise(name), false);
    }

    /** docker-compose 1.29's {@code normalize_name}: lower case, only {@code a-z 0-9 _ -}; {@code default} if empty. */
    static String normalise(String name) {
        String normal = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
        return normal.isEmpty() ? "default" : normal;
    }

    private static List<Path> files(Options options, Map<String, String> env, Path workingDir) {
        List<Path> files = new ArrayList<>();
        List<String> given = options.files();
        if (given.isEmpty() && !blank(env.get("COMPOSE_FILE"))) {
            String separator = blank(env.get("COMPOSE_PATH_SEPARATOR")) ? ":" : env.get("COMPOSE_PATH_SEPARATOR");
            given = List.of(env.get("COMPOSE_FILE").split(java.util.regex.Pattern.quote(separator)));
        }
        for (String file : given) {
            if ("-".equals(file)) {
                throw new ComposeFileException("-f", "reading a Compose file from standard input is not supported;"
                        + " give a file");
            }
            Path path = workingDir.resolve(file).toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                throw new ComposeFileException("-f", "cannot find Compose file " + path);
            }
            files.add(path);
        }
        if (!files.isEmpty()) {
            return files;
        }
        for (String candidate : DEFAULT_FILES) {
            Path path = workingDir.resolve(candidate).toAbsolutePath().normalize();
            if (Files.isRegularFile(path)) {
                files.add(path);
                int dot = candidate.lastIndexOf('.');
                Path override = path.resolveSibling(candidate.substring(0, dot) + ".override" + candidate.substring(dot));
                if (Files.isRegularFile(override)) {
                    files.add(override);
                }
                break;
            }
        }
        return files;
    }

    private static String nameFromFiles(List<Path> files, Map<String, String> env, String dotEnv,
                                        BiFunction<String, Path, String> readName) {
        String name = null;
        for (Path file : files) {
            String own = readName.apply(read(file), file);
            if (own != null) {
                name = own;
            }
        }
        if (name == null || !name.contains("$")) {
            return name;
        }
        Map<String, String> variables = new HashMap<>(dotEnv == null ? Map.of() : DotEnv.parse(dotEnv, ".env"));
        variables.putAll(env);
        return Interpolation.interpolate(name, "name", variables);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
