package io.streamspace.agent.application.service.secret;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.application.port.out.SecretStoreInMemory;
import io.streamspace.agent.application.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenRefresherTest {

    private static final String KEY = "status_panel_token";
    private static final Duration MIN = Duration.ofSeconds(65);
    private static final Duration MAX = Duration.ofSeconds(70);

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2025-01-01T00:00:00Z"));
    private final SecretStoreInMemory store = new SecretStoreInMemory();
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private TokenRefresher refresher;

    @BeforeEach
    void setUp() {
        store.write(KEY, "tok-1");
        refresher = new TokenRefresher(store, KEY, "tok-1", scheduler.clock(), scheduler, new SplittableRandom(7));
        refresher.addListener(changes::add);
    }

    @Test
    void startRefreshesAtOnceThenEverySixtySecondsPlusFiveToTenSecondsOfJitter() {
        assertThat(refresher.lastRefreshOk()).as("before the first refresh").isNull();
        refresher.start();
        refresher.start();
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ZERO);

        scheduler.runDue();

        assertThat(store.readCount()).isEqualTo(1);
        assertThat(refresher.lastRefreshOk()).isTrue();
        assertThat(scheduler.pendingDelays()).singleElement().satisfies(d -> assertThat(d).isBetween(MIN, MAX));

        scheduler.advance(MAX);
        assertThat(store.readCount()).isEqualTo(2);
        scheduler.advance(MAX);
        assertThat(store.readCount()).isEqualTo(3);
        assertThat(changes).as("the token did not change").isEmpty();
    }

    @Test
    void theJitterCoversFiveToTenSeconds() {
        List<Duration> delays = IntStream.range(0, 2000).mapToObj(i -> refresher.nextDelay()).toList();

        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(MIN, MAX));
        assertThat(delays.stream().min(Duration::compareTo).orElseThrow()).isLessThan(MIN.plusMillis(100));
        assertThat(delays.stream().max(Duration::compareTo).orElseThrow()).isGreaterThan(MAX.minusMillis(100));
    }

    @Test
    void aRotatedTokenIsPickedUpByTheNextRefreshAndListenersAreToldOnce() {
        refresher.start();
        scheduler.runDue();
        store.write(KEY, "tok-2");

        scheduler.advance(MAX);

        assertThat(refresher.currentToken()).contains("tok-2");
        assertThat(changes).containsExactly("tok-2");
        scheduler.advance(MAX);
        assertThat(changes).containsExactly("tok-2");
    }

    @Test
    void aPeerRejectionRefreshesAtOnceAndSeveralRejectionsQueueOneRefresh() {
        refresher.start();
        scheduler.runDue();
        store.write(KEY, "tok-2");

        assertThat(refresher.peerRejected(401)).isTrue();
        assertThat(refresher.peerRejected(403)).as("one refresh is already queued").isFalse();
        scheduler.runDue();

        assertThat(store.readCount()).isEqualTo(2);
        assertThat(changes).containsExactly("tok-2");
        assertThat(refresher.peerRejected(403)).isTrue();
        scheduler.runDue();
        assertThat(store.readCount()).isEqualTo(3);
    }

    @Test
    void otherPeerAnswersDoNotRefresh() {
        for (int status : new int[] {200, 400, 404, 429, 500, 503}) {
            assertThat(refresher.peerRejected(status)).as("status %d", status).isFalse();
        }
        scheduler.runDue();
        assertThat(store.readCount()).isZero();
    }

    @Test
    void refreshNowReadsOnTheCallersThread() {
        store.write(KEY, "tok-3");

        assertThat(refresher.refreshNow()).isTrue();

        assertThat(refresher.currentToken()).contains("tok-3");
        assertThat(changes).containsExactly("tok-3");
    }

    @Test
    void aFailedRefreshKeepsTheTokenInUseAndIsReportedUntilOneSucceeds() {
        refresher.start();
        scheduler.runDue();
        store.setDown(true);

        scheduler.advance(MAX);

        assertThat(refresher.lastRefreshOk()).isFalse();
        assertThat(refresher.lastFailure()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("Token refresh failed").contains("in-memory").doesNotContain("tok-1");
        assertThat(refresher.currentToken()).contains("tok-1");
        assertThat(refresher.tokenAgeSeconds(scheduler.clock().instant()).orElseThrow()).isGreaterThanOrEqualTo(65);

        store.setDown(false);
        scheduler.advance(MAX);

        assertThat(refresher.lastRefreshOk()).isTrue();
        assertThat(refresher.lastFailure()).isEmpty();
        assertThat(refresher.tokenAgeSeconds(scheduler.clock().instant()).orElseThrow())
                .as("confirmed by the third refresh, at 130-140 s of 140").isLessThanOrEqualTo(10);
    }

    @Test
    void aMissingSecretIsAFailedRefresh() {
        TokenRefresher other = new TokenRefresher(store, "compose_agent_token", null, scheduler.clock(), scheduler,
                new SplittableRandom(1));

        assertThat(other.refreshNow()).isFalse();

        assertThat(other.lastRefreshOk()).isFalse();
        assertThat(other.currentToken()).isEmpty();
        assertThat(other.tokenAgeSeconds(scheduler.clock().instant())).isEmpty();
        assertThat(other.lastFailure()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("no secret compose_agent_token");
    }

    @Test
    void theTokenAgeCountsFromTheLastConfirmation() {
        Instant start = scheduler.clock().instant();
        assertThat(refresher.tokenAgeSeconds(start.plusSeconds(12))).hasValue(12);

        scheduler.advance(Duration.ofSeconds(30));
        refresher.refreshNow();

        assertThat(refresher.tokenAgeSeconds(start.plusSeconds(42))).hasValue(12);
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromTheNewToken() {
        List<String> second = new CopyOnWriteArrayList<>();
        TokenRefresher fresh = new TokenRefresher(store, KEY, null, scheduler.clock(), scheduler, new SplittableRandom(3));
        fresh.addListener(t -> {
            throw new IllegalStateException("boom");
        });
        fresh.addListener(second::add);

        assertThat(fresh.refreshNow()).isTrue();

        assertThat(second).containsExactly("tok-1");
        assertThat(fresh.currentToken()).contains("tok-1");
    }

    @Test
    void closeStopsThePeriodicRefresh() {
        refresher.start();
        scheduler.runDue();

        refresher.close();
        scheduler.advance(Duration.ofMinutes(10));

        assertThat(store.readCount()).isEqualTo(1);
        assertThat(refresher.peerRejected(401)).isFalse();
    }

    @Test
    void withoutASecretStoreNothingIsRefreshedAndLastRefreshOkIsNull() {
        Instant start = scheduler.clock().instant();
        TokenRefresher off = TokenRefresher.withoutSecretStore("static", scheduler.clock());
        off.start();

        assertThat(off.usesSecretStore()).isFalse();
        assertThat(off.refreshNow()).isFalse();
        assertThat(off.peerRejected(401)).isFalse();
        assertThat(off.lastRefreshOk()).isNull();
        assertThat(off.currentToken()).contains("static");
        assertThat(off.tokenAgeSeconds(start.plusSeconds(5))).hasValue(5);
        assertThat(scheduler.pendingDelays()).isEmpty();
    }
}
