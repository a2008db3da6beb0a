package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.requireText;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Images of {@link DockerSessionRuntime}: presence checks and pulls with the registry credentials of the host. */
final class DockerImages {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final DockerAccess access;
    private final RegistryCredentials credentials;

    DockerImages(DockerAccess access, RegistryCredentials credentials) {
        this.access = access;
        this.credentials = credentials;
    }

    boolean imagePresent(String image) {
        requireText(image, "image");
        try {
            access.docker().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect image " + image, access.dockerHost(), e);
        }
    }

    void pullImage(String image, Consumer<String> progress) throws InterruptedException {
        requireText(image, "image");
        Objects.requireNonNull(progress, "progress");
        ImageReference ref = ImageReference.parse(image);
        String registry = RegistryCredentials.registryOf(ref.repository());
        Optional<RegistryCredentials.Found> found = credentials.forRegistry(registry);
        String credentialNote = found.map(f -> "credentials: " + f.description())
                .orElse("no credentials for " + registry + " in " + credentials.configFile());
        LOG.info("Pulling image {} from {} ({})", image, registry, credentialNote);
        PullImageCmd cmd = access.clients.streams().pullImageCmd(ref.repository()).withTag(ref.tagOrDigest());
        found.ifPresent(f -> cmd.withAuthConfig(f.authConfig()));
        PullProgress callback = new PullProgress(progress);
        try {
            cmd.exec(callback);
            callback.awaitCompletion(); // no timeout: a slow pull is not a failed pull
        } catch (InterruptedException e) {
            closeQuietly(callback);
            throw e;
        } catch (RuntimeException e) {
            callback.onError(e);
        }
        Throwable failure = callback.failure;
        String reason = callback.errorMessage;
        if (failure != null && reason == null) {
            if (!(failure instanceof DockerException) && DockerErrors.hasIoCause(failure)) {
                throw DockerErrors.unreachable(access.dockerHost(), failure);
            }
            reason = failure instanceof DockerException engine
                    ? DockerErrors.engineMessage(engine) + " (HTTP " + engine.getHttpStatus() + ")"
                    : DockerErrors.describe(DockerErrors.rootCause(failure));
        }
        if (reason == null && !imagePresent(image)) {
            reason = "the engine reported no error, but the image is not present afterwards";
        }
        if (reason != null) {
            throw new RuntimeOperationException("Image " + image + " not found and could not be pulled from "
                    + registry + " (" + credentialNote + "): " + oneLine(reason), failure);
        }
        LOG.debug("Pulled image {}", image); // the session handler reports it
    }

    /** Collects the pull's first error; passes progress lines on, throttling the per-layer byte counters. */
    private static final class PullProgress extends ResultCallback.Adapter<PullResponseItem> {
        private static final long PROGRESS_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
        private final Consumer<String> progress;
        private long lastProgressAt = System.nanoTime() - PROGRESS_INTERVAL_NANOS;
        volatile Throwable failure;
        volatile String errorMessage;

        PullProgress(Consumer<String> progress) {
            this.progress = progress;
        }

        @Override
        public void onNext(PullResponseItem item) {
            if (item.getErrorDetail() != null || item.getError() != null) {
                if (errorMessage == null) {
                    errorMessage = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage() : item.getError();
                }
                return;
            }
            String status = item.getStatus();
            if (status == null) {
                return;
            }
            boolean counter = status.startsWith("Downloading") || status.startsWith("Extracting")
                    || status.startsWith("Waiting") || status.startsWith("Verifying");
            long now = System.nanoTime();
            if (counter && now - lastProgressAt < PROGRESS_INTERVAL_NANOS) {
                return;
            }
            if (counter) {
                lastProgressAt = now;
            }
            StringBuilder line = new StringBuilder();
            if (item.getId() != null) {
                line.append(item.getId()).append(": ");
            }
            line.append(status);
            if (counter && item.getProgress() != null) {
                line.append(' ').append(item.getProgress().strip());
            }
            try {
                progress.accept(line.toString());
            } catch (RuntimeException e) {
                LOG.debug("pull progress consumer failed: {}", e.toString());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // Adapter.onError would log at ERROR; the caller turns this into one precise exception instead.
            if (failure == null) {
                failure = throwable;
            }
            closeQuietly(this);
        }
    }

    /** {@code repo[:tag][@digest]} split the way the engine's pull API wants it. */
    record ImageReference(String repository, String tagOrDigest) {
        static ImageReference parse(String image) {
            int at = image.indexOf('@');
            if (at >= 0) {
                String repo = image.substring(0, at);
                int colon = repo.lastIndexOf(':');
                if (colon > repo.lastIndexOf('/')) {
                    repo = repo.substring(0, colon); // repo:tag@digest: the digest wins, as with docker pull
                }
                return new ImageReference(repo, image.substring(at + 1));
            }
            int colon = image.lastIndexOf(':');
            if (colon > image.lastIndexOf('/')) {
                return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
            }
            return new ImageReference(image, "latest");
        }
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
