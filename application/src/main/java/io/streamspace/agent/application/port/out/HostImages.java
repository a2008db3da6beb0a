package io.streamspace.agent.application.port.out;

import io.streamspace.agent.domain.host.ImageSummary;
import java.util.List;

/** The engine's local images. Pulling is {@link SessionRuntime#pullImage}, which honours registry credentials. */
public interface HostImages {

    /** Every local image, newest first. */
    List<ImageSummary> list();
}
