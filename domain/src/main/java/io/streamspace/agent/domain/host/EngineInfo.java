package io.streamspace.agent.domain.host;

/** What the container engine says about itself and the host it runs on. */
public record EngineInfo(String serverVersion, String apiVersion, String operatingSystem, String kernelVersion,
                         String architecture, int cpus, long memoryBytes, int containers, int containersRunning,
                         int containersPaused, int containersStopped, int images, String storageDriver) {}
