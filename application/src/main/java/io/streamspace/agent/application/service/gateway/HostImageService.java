package io.streamspace.agent.application.service.gateway;

import io.streamspace.agent.application.port.in.DescribeHostEngine;
import io.streamspace.agent.application.port.in.ManageHostImages;
import io.streamspace.agent.application.port.in.OperationFailedException;
import io.streamspace.agent.application.port.out.HostEngine;
import io.streamspace.agent.application.port.out.HostImages;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.domain.host.EngineInfo;
import io.streamspace.agent.domain.host.ImageSummary;
import java.util.List;

/**
 * Images and the engine's description. Images are not scoped: they carry no owner and reading the list reveals
 * nothing a container listing would not. Pulls go through {@link SessionRuntime#pullImage}, as session images do.
 */
public final class HostImageService implements ManageHostImages, DescribeHostEngine {

    private final HostImages images;
    private final HostEngine engine;
    private final SessionRuntime pulls;

    public HostImageService(HostImages images, HostEngine engine, SessionRuntime pulls) {
        this.images = images;
        this.engine = engine;
        this.pulls = pulls;
    }

    @Override
    public List<ImageSummary> list() {
        return HostContainerService.engine(images::list);
    }

    @Override
    public ImageSummary pull(String image) throws InterruptedException {
        HostContainerService.engineInterruptible(() -> {
            pulls.pullImage(image, line -> { });
            return null;
        });
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        String wanted = lastSegment.contains(":") || lastSegment.contains("@") ? image : image + ":latest";
        return list().stream().filter(i -> i.tags().contains(wanted)).findFirst()
                .orElseThrow(() -> new OperationFailedException("the engine pulled " + image
                        + " but does not list it as " + wanted));
    }

    @Override
    public EngineInfo info() {
        return HostContainerService.engine(engine::info);
    }
}
