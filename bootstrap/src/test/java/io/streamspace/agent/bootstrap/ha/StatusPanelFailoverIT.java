package io.streamspace.agent.bootstrap.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.browser.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The status panel of a standby replica through a failover, in Chromium: two agent jars share a lock file; the
 * standby's panel names the leader and reads nothing from Docker (its socket proxy sees no connection); after
 * {@code kill -9} of the leader the same page shows this replica leading with the new epoch, without a reload.
 */
class StatusPanelFailoverIT {

    private static final Pattern STATUS_PORT = Pattern.compile("Status API listening on http://127\\.0\\.0\\.1:(\\d+)");

    private HaDrill drill;

    @BeforeEach
    void setUp() throws Exception {
        drill = new HaDrill("docker-ha-panel", List.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        System.out.println(drill.outputs());
        drill.close();
    }

    @Test
    void theLeaderBadgeFollowsAFailoverWithoutAReload() throws Exception {
        Path token = Files.writeString(drill.work().resolve("status.token"), "panel-" + System.nanoTime());
        drill.backendArgs("--leader-election-backend=file", "--lock-file-path=" + drill.work().resolve("agent.lock"),
                "--status-port=0", "--status-token-file=" + token);
        AgentReplica first = drill.startReplica();
        AgentReplica second = drill.startReplica();
        AgentReplica leader = drill.awaitSingleLeader();
        AgentReplica standby = leader == first ? second : first;
        drill.awaitStandingBy(standby);
        Matcher port = STATUS_PORT.matcher(standby.awaitLine("Status API listening on", HaDrill.WAIT).text());
        assertThat(port.find()).isTrue();

        try (Browser browser = Browser.start()) {
            browser.open("http://127.0.0.1:" + port.group(1) + "/");
            browser.await("the sign-in form", d -> d.findElement(By.id("token"))).sendKeys(Files.readString(token));
            browser.find(By.cssSelector("form button[type=submit]")).click();
            browser.await("the standby badge naming the leader", d -> ("standby · leader: " + leader.instanceId)
                    .equals(d.findElement(By.id("leader-badge")).getText().strip()));
            browser.await("the sessions note", d -> d.findElement(By.id("sessions-note")).getText()
                    .contains("this replica is a standby"));
            assertThat(browser.textOf(By.id("link-badge"))).isEqualTo("link stopped");
            browser.screenshot("status-panel-standby");
            assertThat(standby.docker.connections()).as("a standby's panel reads nothing from Docker").isZero();

            HaDrill.Failover crash = drill.failover("kill -9", leader, AgentReplica::kill9);
            System.out.println("FAILOVER " + crash);
            assertThat(crash.newLeader()).isSameAs(standby);
            browser.await("the leader badge with the new epoch", d -> ("leader · epoch " + crash.epoch())
                    .equals(d.findElement(By.id("leader-badge")).getText().strip()));
            browser.await("the link connected", d -> "control plane connected".equals(
                    d.findElement(By.id("link-badge")).getText().strip()));
            browser.await("the leadership event", d -> d.findElements(By.cssSelector("#events li[data-type=leadership]"))
                    .stream().anyMatch(li -> li.getText().contains("leads with epoch " + crash.epoch())));
            browser.await("the engine, read now that it leads", d -> d.findElement(By.id("fact-engine")).getText()
                    .contains("API 1.41"));
            browser.screenshot("status-panel-after-failover");
            browser.assertAccessible("the panel after a failover");
        }
    }
}
