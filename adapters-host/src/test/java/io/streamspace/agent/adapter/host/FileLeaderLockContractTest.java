package io.streamspace.agent.adapter.host;

import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link LeaderLock} contract against {@link FileLeaderLock}: the nodes are lock objects on one file in this JVM
 * (across processes: {@link FileLeaderLockCrashTest}).
 */
class FileLeaderLockContractTest extends LeaderLockContract {

    @TempDir
    Path tmp;

    private final List<FileLeaderLock> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(FileLeaderLock::close);
    }

    @Override
    protected LeaderLock newNode() {
        FileLeaderLock lock = FileLeaderLock.open(tmp.resolve("run/streamspace/agent.lock"), agentId());
        nodes.add(lock);
        return lock;
    }

    @Override
    protected String agentId() {
        return "agent-contract";
    }

    @Override
    protected boolean expireCurrentLease() {
        return false; // held until released or until the holder dies
    }
}
