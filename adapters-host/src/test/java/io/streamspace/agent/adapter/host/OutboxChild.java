package io.streamspace.agent.adapter.host;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link FileOutboxCrashTest}.
 * {@code append <dir> <n>}: appends n messages, printing {@code appended <i>} after each append returned.
 * {@code remove <dir> <n>}: peeks and removes n messages, prints {@code removed}, and waits until killed.
 * {@code hold <dir>}: opens the outbox, prints {@code opened}, and waits until killed.
 */
public final class OutboxChild {

    private OutboxChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[1]);
        FileOutbox outbox = FileOutbox.open(dir);
        switch (args[0]) {
            case "append" -> {
                int n = Integer.parseInt(args[2]);
                for (int i = 0; i < n; i++) {
                    outbox.append(message(i));
                    System.out.println("appended " + i);
                    System.out.flush();
                }
                System.out.println("done");
                System.out.flush();
            }
            case "remove" -> {
                int n = Integer.parseInt(args[2]);
                outbox.remove(outbox.peek(n).size());
                System.out.println("removed");
                System.out.flush();
                new java.util.concurrent.CountDownLatch(1).await(); // until killed, never closed
            }
            case "hold" -> {
                System.out.println("opened");
                System.out.flush();
                new java.util.concurrent.CountDownLatch(1).await(); // until killed
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static OutboundMessage message(int i) {
        return new OutboundMessage.Complete("cmd-" + i, Map.of("sessionId", "s-" + i, "n", i));
    }
}
