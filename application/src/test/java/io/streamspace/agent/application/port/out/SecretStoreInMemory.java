package io.streamspace.agent.application.port.out;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link SecretStore}: versioned values per key, optionally "down" (every call fails as an unreachable
 * store would). For service tests and the contract.
 */
public final class SecretStoreInMemory implements SecretStore {

    private final Map<String, List<String>> versions = new ConcurrentHashMap<>();
    private final List<String> reads = new ArrayList<>();
    private volatile boolean down;

    @Override
    public Optional<Secret> read(String key) {
        checkKey(key);
        failIfDown("read " + key);
        synchronized (this) {
            reads.add(key);
            List<String> values = versions.get(key);
            if (values == null || values.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Secret(key, values.getLast(), values.size()));
        }
    }

    @Override
    public void write(String key, String value) {
        checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("a secret value must not be null");
        }
        failIfDown("write " + key);
        synchronized (this) {
            versions.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    @Override
    public String describe() {
        return "the in-memory secret store";
    }

    /** Makes every call fail (true) or work again (false). */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** How many reads reached the store. */
    public synchronized int readCount() {
        return reads.size();
    }

    static void checkKey(String key) {
        if (key == null || key.isBlank() || key.contains("/") || key.equals(".") || key.equals("..")) {
            throw new IllegalArgumentException("a secret key is one non-blank path segment, got '" + key + "'");
        }
    }

    private void failIfDown(String what) {
        if (down) {
            throw new SecretStoreException("Cannot " + what + " in " + describe() + ": it is down");
        }
    }
}
