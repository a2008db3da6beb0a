package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.sleepQuietly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of the drill's own, so that "dockerd restarted" never touches the machine's shared engine: its
 * own data root, exec root (and so its own containerd), pid file, unix socket and cgroup parent, its own default
 * bridge interface, and no iptables or sysctl changes. The drill's images are copied into it from the shared engine
 * with {@code docker save | load}.
 *
 * <p>Never {@code --bridge=none}: a dockerd started with it deletes the host's {@code docker0} interface (it
 * "removes the default bridge"), which breaks the shared engine's default network. Its own bridge interface, created
 * here with a free /24 and removed at the end, keeps it away from {@code docker0}.
 */
final class PrivateDockerd implements AutoCloseable {

    private final Path dir;
    private final Path socket;
    private Process process;

    private final String bridge;
    private boolean bridgeCreated;

    PrivateDockerd(Path dir, String bridge) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.socket = dir.resolve("docker.sock");
        this.bridge = bridge;
    }

    /** The drill's bridge interface with the first free 10.199.x.1/24 (at most 15 characters of name). */
    private void createBridge() throws IOException, InterruptedException {
        if (bridgeCreated) {
            return;
        }
        String addresses = new String(new ProcessBuilder("ip", "-4", "-o", "addr").start().getInputStream()
                .readAllBytes());
        String routes = new String(new ProcessBuilder("ip", "-4", "route").start().getInputStream().readAllBytes());
        for (int x = 10; x < 250; x++) {
            String net = "10.199." + x + ".";
            if (addresses.contains(net) || routes.contains(net)) {
                continue;
            }
            if (run(List.of("ip", "link", "add", "name", bridge, "type", "bridge")) != 0
                    || run(List.of("ip", "addr", "add", net + "1/24", "dev", bridge)) != 0
                    || run(List.of("ip", "link", "set", bridge, "up")) != 0) {
                throw new IllegalStateException("could not create the drill's bridge " + bridge);
            }
            bridgeCreated = true;
            return;
        }
        throw new IllegalStateException("no free 10.199.x.0/24 for the drill's bridge");
    }

    String host() {
        return "unix://" + socket;
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(dir.resolve("exec"));
        createBridge();
        ProcessBuilder pb = new ProcessBuilder(List.of("dockerd",
                "--data-root", dir.resolve("root").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(),
                "-H", host(),
                "--bridge=" + bridge, "--iptables=false", "--ip-masq=false", "--ip-forward=false",
                "--cgroup-parent=/streamspace-bench-drill", "--log-level=warn"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (run(List.of("docker", "-H", host(), "version")) == 0) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("private dockerd exited; see " + dir.resolve("dockerd.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("private dockerd did not answer within 90 s");
            }
            sleepQuietly(250);
        }
    }

    /** SIGTERM and wait for the engine to exit (it stops its containers), like {@code systemctl restart docker}. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    void load(String image) throws IOException, InterruptedException {
        int code = run(List.of("sh", "-c", "docker save " + image + " | docker -H " + host() + " load"));
        if (code != 0) {
            throw new IllegalStateException("could not copy " + image + " into the private engine");
        }
    }

    private int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("cli.log").toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Removes every container and volume of the private engine, stops it and deletes its directory. */
    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            run(List.of("sh", "-c", "docker -H " + host() + " rm -f $(docker -H " + host() + " ps -aq) 2>/dev/null;"
                    + " docker -H " + host() + " volume prune -f; docker -H " + host() + " network prune -f"));
        }
        stop();
        if (bridgeCreated) {
            run(List.of("ip", "link", "delete", bridge));
        }
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(60, TimeUnit.SECONDS);
    }
}
