package io.streamspace.agent.bootstrap.e2e;

import io.streamspace.agent.testkit.files.TempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.bootstrap.browser.Browser;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.ReceivedMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The status panel as a person sees it: Debian's Chromium against the real agent (wired as in production) with real
 * sessions on the real engine, driven by the control-plane simulator. Runs in legacy and in sidecar mode (then the
 * panel's data comes through the compose-agent's signed API). Screenshots land in {@code target/screenshots/}.
 */
class SessionStatusPanelE2ETest extends SessionE2E {

    private String readToken;
    private String writeToken;
    private Map<Setting, String> tokenFlags;

    @BeforeEach
    void tokens() throws Exception {
        readToken = "read-" + hex8() + hex8();
        writeToken = "write-" + hex8() + hex8();
        Path read = TempFiles.withText("status", ".token", readToken + "\n");
        Path write = TempFiles.withText("status-write", ".token", writeToken);
        tokenFlags = Map.of(Setting.STATUS_TOKEN_FILE, read.toString(), Setting.STATUS_WRITE_TOKEN_FILE,
                write.toString());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + agent.component().statusApi().port().orElseThrow() + "/";
    }

    private void signIn(Browser browser, String token) {
        browser.open(baseUrl());
        browser.await("the sign-in form", d -> d.findElement(By.id("token"))).sendKeys(token);
        browser.find(By.cssSelector("form button[type=submit]")).click();
        browser.await("the dashboard names the agent", d -> agentId.equals(text(d, By.id("agent-id"))));
    }

    private static String text(WebDriver d, By by) {
        List<WebElement> found = d.findElements(by);
        return found.isEmpty() ? null : found.get(0).getText().strip();
    }

    private static By row(String sessionId) {
        return By.cssSelector("tr[data-session-id='" + sessionId + "']");
    }

    /** The state the table shows for the session; null while it has no row. */
    private static String shownState(WebDriver d, String sessionId) {
        List<WebElement> rows = d.findElements(row(sessionId));
        return rows.isEmpty() ? null : rows.get(0).findElement(By.cssSelector("td.state-cell")).getText().strip();
    }

    private static boolean eventShown(WebDriver d, String type, String fragment) {
        return d.findElements(By.cssSelector("#events li[data-type='" + type + "']")).stream()
                .anyMatch(li -> li.getText().contains(fragment));
    }

    @Test
    void aPersonWatchesSessionsAppearAndChangeStateLiveOnDesktopAndPhone() throws Exception {
        startAgent(tokenFlags);
        try (Browser browser = Browser.start()) {
            browser.open(baseUrl());
            assertThat(browser.textOf(By.tagName("h1"))).isEqualTo("StreamSpace agent status");
            assertThat(browser.findAll(By.id("sessions"))).as("no dashboard before signing in").isEmpty();
            browser.assertAccessible("the sign-in page");

            signIn(browser, readToken);
            browser.await("the link badge", d -> "control plane connected".equals(text(d, By.id("link-badge"))));
            assertThat(browser.textOf(By.id("leader-badge"))).isEqualTo("leads alone (no HA)");
            assertThat(browser.find(By.cssSelector("#sessions th.actions-col")).isDisplayed())
                    .as("a read token offers no actions").isFalse();

            String id = sessionId("alice", "vnc-echo");
            long sent = System.nanoTime();
            String start = send("start_session", startPayload(id));
            browser.await("the new session in the table", d -> shownState(d, id) != null);
            Duration appeared = Duration.ofNanos(System.nanoTime() - sent);
            assertThat(browser.find(By.id("problem")).isDisplayed()).as("no error banner while the session starts: %s",
                    browser.textOf(By.id("problem"))).isFalse();
            browser.await("the session running", d -> "running".equals(shownState(d, id)));
            System.out.println("PANEL session row appeared " + appeared.toMillis() + " ms after start_session");
            awaitCompleted(start);
            browser.await("user, template and ports", d -> {
                String shown = d.findElement(row(id)).getText();
                return shown.contains("alice") && shown.contains("vnc-echo") && shown.contains("5900→");
            });
            browser.await("CPU and memory in use", d -> {
                WebElement r = d.findElement(row(id));
                return !r.findElement(By.cssSelector("td.cpu-cell")).getText().startsWith("–")
                        && !r.findElement(By.cssSelector("td.memory-cell")).getText().startsWith("–");
            });
            browser.await("CPU used of requested", d -> d.findElement(row(id)).findElement(By.cssSelector("td.cpu-cell"))
                    .getText().matches("[0-9.]+ cores of 0\\.25 cores"));
            browser.await("the start in the event feed", d -> eventShown(d, "command_received", id)
                    && eventShown(d, "session_state", id + " is running") && eventShown(d, "command_answered",
                    "start_session completed"));
            browser.await("the capacity gauge", d -> "1 of 100".equals(text(d, By.id("gauge-sessions-text"))));
            browser.screenshot("status-panel-running" + (sidecarMode() ? "-sidecar" : ""));

            String hibernate = send("hibernate_session", sessionPayload(id));
            browser.await("the session hibernated", d -> "hibernated".equals(shownState(d, id)));
            awaitCompleted(hibernate);
            browser.click("the history toggle", By.cssSelector("tr[data-session-id='" + id + "'] summary"));
            browser.await("the state history", d -> {
                WebElement history = d.findElement(row(id)).findElement(By.cssSelector("ol.history"));
                return history.isDisplayed() && history.getText().contains("running")
                        && history.getText().contains("hibernated");
            });
            browser.await("the commands table", d -> d.findElement(By.id("commands")).getText()
                    .contains("hibernate_session"));

            WebElement filter = browser.find(By.id("filter"));
            filter.sendKeys("no-such-session");
            browser.await("the filter hides the session", d -> d.findElements(row(id)).isEmpty());
            assertThat(browser.textOf(By.cssSelector("#sessions tbody"))).isEqualTo("No session matches the filter.");
            filter.clear();
            filter.sendKeys("alice");
            browser.await("the filter keeps the session", d -> !d.findElements(row(id)).isEmpty());
            browser.find(By.cssSelector("#sessions th[data-key=state] button")).click();
            assertThat(browser.find(By.cssSelector("#sessions th[data-key=state]")).getAttribute("aria-sort"))
                    .isEqualTo("ascending");

            assertThat(browser.find(By.id("problem")).isDisplayed()).as("no error banner: %s",
                    browser.textOf(By.id("problem"))).isFalse();
            browser.screenshot("status-panel-desktop" + (sidecarMode() ? "-sidecar" : ""));
            browser.assertAccessible("the dashboard");

            browser.resize(390, 844);
            browser.await("the phone layout", d -> ((Number) browser.script(
                    "return document.documentElement.scrollWidth - window.innerWidth;")).intValue() <= 0);
            browser.script("arguments[0].scrollIntoView()", browser.find(By.id("sessions-heading")));
            browser.await("a phone shows each session as a card", d -> d.findElement(row(id)).isDisplayed()
                    && d.findElement(row(id)).findElement(By.cssSelector("td.state-cell")).getRect().getWidth() > 300);
            browser.screenshot("status-panel-phone" + (sidecarMode() ? "-sidecar" : ""));
            browser.assertAccessible("the dashboard on a phone");
        }
    }

    @Test
    void aWriteTokenHibernatesAndWakesASessionAfterConfirmationThroughTheCommandHandlers() throws Exception {
        startAgent(tokenFlags);
        String id = sessionId("bob", "vnc-echo");
        startSession(id);
        try (Browser browser = Browser.start()) {
            signIn(browser, writeToken);
            browser.await("the running session", d -> "running".equals(shownState(d, id)));
            By hibernate = By.cssSelector("tr[data-session-id='" + id + "'] button[data-action=hibernate]");
            browser.click("the hibernate button", hibernate);
            browser.await("the confirmation", d -> d.findElement(By.id("confirm")).isDisplayed());
            assertThat(browser.textOf(By.id("confirm-text"))).contains(id);
            browser.find(By.id("confirm-cancel")).click();
            browser.await("the dialog closed", d -> !d.findElement(By.id("confirm")).isDisplayed());
            assertThat(statusesOf(id)).extracting(m -> m.payloadText("state")).doesNotContain("hibernated");

            browser.click("the hibernate button", hibernate);
            browser.await("the confirmation", d -> d.findElement(By.id("confirm")).isDisplayed());
            browser.screenshot("status-panel-confirm" + (sidecarMode() ? "-sidecar" : ""));
            browser.find(By.id("confirm-ok")).click();
            browser.await("the session hibernated", d -> "hibernated".equals(shownState(d, id)));
            // the handler reported the new state to the control plane, as the command would have
            controlPlane.awaitMessage(agentId, m -> isStatus(m, id, "hibernated"), WAIT);
            browser.await("the action in the event feed", d -> eventShown(d, "panel_action",
                    "hibernate_session of " + id + " done"));

            By wake = By.cssSelector("tr[data-session-id='" + id + "'] button[data-action=wake]");
            browser.click("the wake button", wake);
            browser.await("the confirmation", d -> d.findElement(By.id("confirm")).isDisplayed());
            browser.find(By.id("confirm-ok")).click();
            browser.await("the session running again", d -> "running".equals(shownState(d, id)));
            List<String> states = statusesOf(id).stream().map(m -> m.payloadText("state")).toList();
            assertThat(states.subList(states.indexOf("hibernated"), states.size())).contains("running");
            assertThat(dockerOk("inspect", "-f", "{{.State.Status}}", "streamspace-" + id)).isEqualTo("running");
            assertThat(browser.find(By.id("problem")).isDisplayed()).isFalse();
            browser.assertAccessible("the dashboard with actions");
        }
        String metrics = get("/metrics", writeToken);
        assertThat(metrics).contains("agent_panel_actions_total{action=\"hibernate_session\",outcome=\"success\"} 1.0")
                .contains("agent_panel_actions_total{action=\"wake_session\",outcome=\"success\"} 1.0");
    }

    private static boolean isStatus(ReceivedMessage m, String sessionId, String state) {
        return m.isAccepted("status") && sessionId.equals(m.payloadText("sessionId"))
                && state.equals(m.payloadText("state"));
    }

    private String get(String path, String token) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path.substring(1)))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response.body();
        }
    }
}
