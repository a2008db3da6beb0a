package io.streamspace.agent.application.port.in;

import io.streamspace.agent.domain.host.ImageSummary;
import java.util.List;

/** The host's local images, and pulling one (with the registry credentials of the engine host's config.json). */
public interface ManageHostImages {

    List<ImageSummary> list();

    /**
     * Pulls the image and returns it as it is stored afterwards.
     *
     * @throws OperationFailedException with the registry's reason when it cannot be pulled
     */
    ImageSummary pull(String image) throws InterruptedException;
}
