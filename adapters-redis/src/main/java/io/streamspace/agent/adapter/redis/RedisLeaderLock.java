package io.streamspace.agent.adapter.redis;

import io.streamspace.agent.application.port.out.LeaderLock;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.FencingEpoch;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The {@link LeaderLock} in Redis, for replicas on several hosts.
 *
 * <p>Keys: {@code streamspace:agent:leader:<agentId>} holds the leader's instance id with the lease time as TTL
 * ({@code SET NX PX}); {@code streamspace:agent:epoch:<agentId>} is the fencing epoch, incremented in the
 * <em>same</em> Lua script as the acquisition, so an epoch is never handed out without the lock nor the lock without
 * a new epoch. Renewal ({@code PEXPIRE}) and release ({@code DEL}) are scripts too, acting only while the key still
 * holds our instance id <em>and</em> the epoch is still our term's (a stale lease of the same instance id, e.g. from
 * before a restart, cannot renew or release a later term).
 *
 * <p>Epochs never go backwards, even when Redis loses its data (restart without persistence): a missing epoch key
 * starts from the Redis server's clock in milliseconds, and each lock object also passes the highest epoch it has
 * seen (acquired, or read while another instance held the lock) as a floor.
 *
 * <p>Losing its data also makes Redis forget a lease that a leader still believes in: that leader only learns it at its
 * next renewal. So when a lock object that has seen an epoch finds the epoch key missing, Redis lost the lock state,
 * and it does not acquire: it puts the leader key under {@linkplain #QUARANTINE quarantine} for one lease (nobody can
 * acquire or renew it, {@link #currentHolder()} says nobody), so the former leader fences itself before anyone else
 * leads. A process that never saw an epoch (the very first start) acquires at once.
 *
 * <p>Standalone Redis only (the two keys are not in one cluster slot). Connection and socket timeouts are a quarter
 * of the renew deadline at most (and the retry period at most), so a lost or frozen Redis costs a few retries, never
 * the renew deadline in one call. Works with ACL users ({@code redis://user:password@...}) and TLS
 * ({@code rediss://}); credentials never appear in messages.
 */
public final class RedisLeaderLock implements LeaderLock, AutoCloseable {

    static final String LEADER_KEY_PREFIX = "streamspace:agent:leader:";
    static final String EPOCH_KEY_PREFIX = "streamspace:agent:epoch:";
    /** A list of result lines that fenced replicas handed over to the leader (ADR 0015). */
    static final String HANDOVER_KEY_PREFIX = "streamspace:agent:handover:";

    /** KEYS: hand-over list. ARGV: max. Removes and returns the oldest {@code max} lines, atomically. */
    static final String TAKE = """
            local lines = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
            if #lines > 0 then
              redis.call('LTRIM', KEYS[1], #lines, -1)
            end
            return lines
            """;

    /** The leader key's value while nobody may lead after Redis lost the lock state (not a valid instance id). */
    static final String QUARANTINE = "(quarantine: Redis lost the lock state)";

    /**
     * KEYS: leader, epoch. ARGV: instance id, lease ms, epoch floor (0 if this process never saw one), quarantine
     * value. Returns the new epoch when acquired; else minus the current epoch, or 0 when unknown or quarantined.
     */
    static final String ACQUIRE = """
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            local floor = tonumber(ARGV[3])
            if current == 0 then
              local now = redis.call('TIME')
              current = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
              if current < floor then current = floor end
              if floor > 0 then
                if redis.call('SET', KEYS[1], ARGV[4], 'NX', 'PX', ARGV[2]) then
                  redis.call('SET', KEYS[2], string.format('%d', current))
                end
                return 0
              end
            end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              if current < floor then current = floor end
              redis.call('SET', KEYS[2], string.format('%d', current))
              return redis.call('INCR', KEYS[2])
            end
            if redis.call('GET', KEYS[1]) == ARGV[4] then
              return 0
            end
            return -current
            """;
    /** KEYS: leader, epoch. ARGV: instance id, lease ms, epoch. Returns 1 when renewed. */
    static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[3] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;
    /** KEYS: leader, epoch. ARGV: instance id, epoch. Returns 1 when released. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisEndpoint endpoint;
    private final String agentId;
    private final String leaderKey;
    private final String epochKey;
    private final String handoverKey;
    private final long leaseMillis;
    private final RedisClient redis;
    private final AtomicLong highestEpochSeen = new AtomicLong();

    /**
     * @param endpoint where Redis is
     * @param agentId  the agent whose leadership this lock decides
     * @param timing   the lease is the key's TTL; the renew deadline bounds the timeouts
     * @param tlsSocketFactory for {@code rediss://}: the socket factory to trust the server with, or {@code null} for
     *                 the JVM's default trust store
     */
    public RedisLeaderLock(RedisEndpoint endpoint, String agentId, LeaseTiming timing, SSLSocketFactory tlsSocketFactory) {
        this.endpoint = endpoint;
        this.agentId = agentId;
        this.leaderKey = LEADER_KEY_PREFIX + agentId;
        this.epochKey = EPOCH_KEY_PREFIX + agentId;
        this.handoverKey = HANDOVER_KEY_PREFIX + agentId;
        this.leaseMillis = timing.lease().toMillis();
        int timeoutMillis = (int) timeout(timing).toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .database(endpoint.database())
                .clientName("streamspace-agent-leader-lock")
                .ssl(endpoint.tls());
        if (endpoint.user() != null) {
            config.user(endpoint.user());
        }
        if (endpoint.password() != null) {
            config.password(endpoint.password());
        }
        if (endpoint.tls() && tlsSocketFactory != null) {
            config.sslSocketFactory(tlsSocketFactory);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(4);
        pool.setMaxIdle(4);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofMillis(timeoutMillis));
        pool.setTestOnBorrow(true); // a connection broken by a Redis restart is replaced, not failed on
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        this.redis = RedisClient.builder()
                .hostAndPort(new HostAndPort(endpoint.host(), endpoint.port()))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    public RedisLeaderLock(String url, String agentId, LeaseTiming timing) {
        this(RedisEndpoint.parse(url), agentId, timing, null);
    }

    /** Connect and socket timeout: at most the retry period and a quarter of the renew deadline, at least 100 ms. */
    static Duration timeout(LeaseTiming timing) {
        Duration quarter = timing.renewDeadline().dividedBy(4);
        Duration shorter = quarter.compareTo(timing.retry()) < 0 ? quarter : timing.retry();
        return shorter.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : shorter;
    }

    /** Checks that Redis answers (and accepts our credentials), e.g. at start-up. */
    public void ping() {
        call("PING", redis::ping);
    }

    @Override
    public Optional<Lease> tryAcquire(String instanceId) {
        Object epoch = call("acquire", () -> redis.eval(ACQUIRE, List.of(leaderKey, epochKey),
                List.of(instanceId, Long.toString(leaseMillis), Long.toString(highestEpochSeen.get()), QUARANTINE)));
        long value = ((Number) epoch).longValue();
        if (value <= 0) {
            highestEpochSeen.accumulateAndGet(-value, Math::max); // another instance's term: a floor for ours
            return Optional.empty();
        }
        highestEpochSeen.accumulateAndGet(value, Math::max);
        return Optional.of(new Lease(agentId, instanceId, FencingEpoch.of(value)));
    }

    @Override
    public boolean renew(Lease lease) {
        requireOurAgent(lease);
        Object renewed = call("renew", () -> redis.eval(RENEW, List.of(leaderKey, epochKey),
                List.of(lease.instanceId(), Long.toString(leaseMillis), Long.toString(lease.epoch().value()))));
        return ((Number) renewed).longValue() == 1;
    }

    @Override
    public void release(Lease lease) {
        requireOurAgent(lease);
        call("release", () -> redis.eval(RELEASE, List.of(leaderKey, epochKey),
                List.of(lease.instanceId(), Long.toString(lease.epoch().value()))));
    }

    @Override
    public Optional<String> currentHolder() {
        return Optional.ofNullable(call("read the leader of", () -> redis.get(leaderKey)))
                .filter(holder -> !holder.equals(QUARANTINE));
    }

    /** Appends result lines for the leader to send (ADR 0015), in order, with one {@code RPUSH}. */
    public void handOver(List<String> lines) {
        if (!lines.isEmpty()) {
            call("hand results over through", () -> redis.rpush(handoverKey, lines.toArray(String[]::new)));
        }
    }

    /** Removes and returns the oldest {@code max} handed-over lines; each line is taken by one caller only. */
    @SuppressWarnings("unchecked")
    public List<String> takeHandedOver(int max) {
        Object lines = call("take handed-over results from", () -> redis.eval(TAKE, List.of(handoverKey),
                List.of(Integer.toString(max))));
        return lines == null ? List.of() : List.copyOf((List<String>) lines);
    }

    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "Redis leader lock of " + agentId + " at " + endpoint.redacted();
    }

    private void requireOurAgent(Lease lease) {
        if (!lease.agentId().equals(agentId)) {
            throw new IllegalArgumentException("a lease of agent " + lease.agentId() + " given to the lock of " + agentId);
        }
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (JedisAccessControlException e) {
            throw new LeaderLockUnavailableException("Redis at " + endpoint.redacted() + " refused "
                    + (endpoint.user() == null ? "the default user" : "user '" + endpoint.user() + "'") + ": "
                    + e.getMessage(), e);
        } catch (JedisConnectionException e) {
            throw new LeaderLockUnavailableException("Cannot reach Redis at " + endpoint.redacted() + ": "
                    + rootMessage(e), e);
        } catch (JedisDataException e) {
            throw new LeaderLockUnavailableException("Redis at " + endpoint.redacted() + " refused to " + what
                    + " the leader lock: " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new LeaderLockUnavailableException("Cannot reach Redis at " + endpoint.redacted() + ": "
                    + rootMessage(e), e);
        }
    }

    /**
     * The innermost cause's message, e.g. "Connection refused" or "Read timed out" (Jedis keeps the connect failure
     * of each address as a suppressed exception).
     */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (true) {
            if (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            } else if (root.getSuppressed().length > 0) {
                root = root.getSuppressed()[0];
            } else {
                break;
            }
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
