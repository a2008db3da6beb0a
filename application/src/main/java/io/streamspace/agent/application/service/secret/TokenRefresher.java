package io.streamspace.agent.application.service.secret;

import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.SecretStore.Secret;
import io.streamspace.agent.application.port.out.SecretStoreException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * Keeps one shared token (e.g. {@code status_panel_token}, or the control-plane API key) current from the
 * {@link SecretStore}: once at {@link #start()}, then every {@link #PERIOD} plus a jitter of
 * {@link #MIN_JITTER}–{@link #MAX_JITTER}, and at once when a peer rejects us with 401/403
 * ({@link #peerRejected(int)}) or someone calls {@link #refreshNow()}. A changed token is handed to the
 * {@link TokenListener}s and returned by {@link #currentToken()} from then on: no restart.
 *
 * <p>For {@code /health}: {@link #lastRefreshOk()} is the outcome of the last refresh ({@code null} before the first
 * one and when the agent runs without a secret store, {@link #withoutSecretStore}); {@link #tokenAgeSeconds(Instant)}
 * is the time since the token in use was last confirmed by the store (or since it was configured, when it has not
 * been confirmed yet).
 *
 * <p>Time comes from the injected {@link Clock}, runs are scheduled on the injected executor. A failed refresh keeps
 * the token in use; it never throws into the scheduler. Messages never contain a token.
 */
public final class TokenRefresher implements AutoCloseable {

    public static final Duration PERIOD = Duration.ofSeconds(60);
    public static final Duration MIN_JITTER = Duration.ofSeconds(5);
    public static final Duration MAX_JITTER = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SecretStore store;
    private final String key;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final CopyOnWriteArrayList<TokenListener> listeners = new CopyOnWriteArrayList<>();
    private final Object refreshing = new Object();
    private final AtomicBoolean peerRefreshPending = new AtomicBoolean();

    private volatile String token;
    private volatile Instant tokenConfirmedAt;
    private volatile Boolean lastRefreshOk;
    private volatile String lastFailure;
    private ScheduledFuture<?> nextRun;
    private boolean started;
    private boolean closed;

    /**
     * @param store        where the token lives
     * @param key          the secret's key ({@code VAULT_TOKEN_KEY}, e.g. {@code status_panel_token})
     * @param initialToken the token configured before the store is asked (environment, config file), or null
     * @param scheduler    runs the refreshes; not shut down by {@link #close()}
     * @param random       draws the jitter
     */
    public TokenRefresher(SecretStore store, String key, String initialToken, Clock clock,
                          ScheduledExecutorService scheduler, RandomGenerator random) {
        this.store = Objects.requireNonNull(store, "store");
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the token's secret key must not be blank");
        }
        this.key = key;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.token = initialToken == null || initialToken.isEmpty() ? null : initialToken;
        this.tokenConfirmedAt = token == null ? null : clock.instant();
    }

    private TokenRefresher(String token, Clock clock) {
        this.store = null;
        this.key = "token";
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = null;
        this.random = null;
        this.token = token == null || token.isEmpty() ? null : token;
        this.tokenConfirmedAt = this.token == null ? null : clock.instant();
    }

    /**
     * A refresher for an agent without a secret store (Vault is off): the configured token never changes,
     * {@link #lastRefreshOk()} is always null, {@link #start()}, {@link #refreshNow()} and {@link #peerRejected(int)}
     * do nothing.
     */
    public static TokenRefresher withoutSecretStore(String token, Clock clock) {
        return new TokenRefresher(token, clock);
    }

    /** Whether tokens come from a secret store (false for {@link #withoutSecretStore}). */
    public boolean usesSecretStore() {
        return store != null;
    }

    public void addListener(TokenListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(TokenListener listener) {
        listeners.remove(listener);
    }

    /** Refreshes at once (on the scheduler), then every period plus jitter. Calling it again does nothing. */
    public void start() {
        if (store == null) {
            return;
        }
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
            nextRun = scheduler.schedule(this::scheduledRun, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the periodic refresh; the token in use stays readable. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (nextRun != null) {
                nextRun.cancel(false);
                nextRun = null;
            }
        }
    }

    /**
     * Reads the token from the store now, on the caller's thread (refreshes never overlap).
     *
     * @return whether the store answered with a token; false keeps the token in use
     */
    public boolean refreshNow() {
        if (store == null) {
            return false;
        }
        synchronized (refreshing) {
            Optional<Secret> secret;
            try {
                secret = store.read(key);
            } catch (SecretStoreException e) {
                fail("Token refresh failed: " + e.getMessage());
                return false;
            } catch (RuntimeException e) {
                fail("Token refresh failed: " + e);
                return false;
            }
            if (secret.isEmpty()) {
                fail("Token refresh failed: no secret " + key + " in " + store.describe());
                return false;
            }
            String fresh = secret.get().value();
            String previous = token;
            token = fresh;
            tokenConfirmedAt = clock.instant();
            Boolean before = lastRefreshOk;
            lastRefreshOk = true;
            lastFailure = null;
            if (!fresh.equals(previous)) {
                LOG.log(Level.INFO, "Token {0} {1} from {2} (version {3})", key,
                        previous == null ? "loaded" : "rotated", store.describe(), secret.get().version());
                for (TokenListener listener : listeners) {
                    try {
                        listener.tokenChanged(fresh);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A token listener failed on the new " + key + ": " + e);
                    }
                }
            } else if (Boolean.FALSE.equals(before)) {
                LOG.log(Level.INFO, "Token {0} refreshed again from {1}", key, store.describe());
            }
            return true;
        }
    }

    /**
     * A peer answered {@code status}: on 401 or 403 a refresh is queued at once on the scheduler (several rejections
     * in a row queue one refresh, not one each).
     *
     * @return whether a refresh was queued by this call
     */
    public boolean peerRejected(int status) {
        if (store == null || (status != 401 && status != 403)) {
            return false;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
        }
        if (!peerRefreshPending.compareAndSet(false, true)) {
            return false;
        }
        LOG.log(Level.INFO, "A peer answered {0}: refreshing {1} now", status, key);
        try {
            scheduler.schedule(() -> {
                peerRefreshPending.set(false);
                refreshNow();
            }, 0, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            peerRefreshPending.set(false);
            return false;
        }
    }

    /** The token to use now; empty when none is configured and the store has not given one yet. */
    public Optional<String> currentToken() {
        return Optional.ofNullable(token);
    }

    /** The secret's key this refresher keeps current. */
    public String key() {
        return key;
    }

    /** The last refresh's outcome; null before the first refresh and without a secret store. */
    public Boolean lastRefreshOk() {
        return store == null ? null : lastRefreshOk;
    }

    /** Why the last refresh failed, without any secret; empty when it did not. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Seconds since the token in use was last confirmed by the store (or configured, before that); empty when there is
     * no token.
     */
    public OptionalLong tokenAgeSeconds(Instant now) {
        Instant since = tokenConfirmedAt;
        if (since == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, Duration.between(since, now).toSeconds()));
    }

    /** The delay before the next periodic refresh: the period plus a jitter drawn in [min, max]. */
    Duration nextDelay() {
        long jitterMillis = random.nextLong(MIN_JITTER.toMillis(), MAX_JITTER.toMillis() + 1);
        return PERIOD.plusMillis(jitterMillis);
    }

    private void scheduledRun() {
        try {
            refreshNow();
        } finally {
            synchronized (this) {
                if (!closed) {
                    try {
                        nextRun = scheduler.schedule(this::scheduledRun, nextDelay().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        nextRun = null;
                    }
                }
            }
        }
    }

    private void fail(String message) {
        Boolean before = lastRefreshOk;
        lastRefreshOk = false;
        lastFailure = message;
        LOG.log(Boolean.FALSE.equals(before) ? Level.DEBUG : Level.WARNING,
                message + (token == null ? "" : " (keeping the token in use)"));
    }
}
