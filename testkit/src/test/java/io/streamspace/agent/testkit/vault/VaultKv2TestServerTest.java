package io.streamspace.agent.testkit.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test server answers like Vault's HTTP API (paths, header, envelopes, error bodies, TTLs, TLS). */
class VaultKv2TestServerTest {

    private static final String TOKEN = "hvs.test-token";
    private static final String SECRET = "/v1/secret/data/agent/h1/status_panel_token";

    private final ObjectMapper json = new ObjectMapper();
    private final SettableClock clock = new SettableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private VaultKv2TestServer vault;
    private HttpClient http;

    @BeforeEach
    void start() {
        vault = VaultKv2TestServer.builder().clock(clock).start();
        vault.addToken(TOKEN, Duration.ofHours(1));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        vault.close();
        http.close();
    }

    @Test
    void aMissingOrUnknownTokenIsPermissionDenied() throws Exception {
        assertThat(call("GET", SECRET, null, null)).isEqualTo(new Answer(403, "{\"errors\":[\"permission denied\"]}"));
        assertThat(call("GET", SECRET, "hvs.nope", null).status()).isEqualTo(403);
        assertThat(call("GET", "/v1/auth/token/lookup-self", "hvs.nope", null).body())
                .isEqualTo("{\"errors\":[\"permission denied\"]}");
    }

    @Test
    void aMissingSecretIsNotFoundWithAnEmptyErrorList() throws Exception {
        assertThat(call("GET", SECRET, TOKEN, null)).isEqualTo(new Answer(404, "{\"errors\":[]}"));
        assertThat(call("GET", "/v1/secret/metadata/agent/h1/status_panel_token", TOKEN, null))
                .isEqualTo(new Answer(404, "{\"errors\":[]}"));
    }

    @Test
    void writesMakeVersionsReadWithVaultsEnvelope() throws Exception {
        Answer first = call("POST", SECRET, TOKEN, "{\"data\":{\"token\":\"t1\"}}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(tree(first).path("data").path("version").asInt()).isEqualTo(1);
        assertThat(call("PUT", SECRET, TOKEN, "{\"data\":{\"token\":\"t2\"}}").status()).isEqualTo(200);

        JsonNode latest = tree(call("GET", SECRET, TOKEN, null));
        assertThat(latest.path("data").path("data").path("token").asText()).isEqualTo("t2");
        assertThat(latest.path("data").path("metadata").path("version").asInt()).isEqualTo(2);
        assertThat(latest.path("data").path("metadata").path("destroyed").asBoolean()).isFalse();
        assertThat(latest.has("request_id") && latest.has("lease_id") && latest.has("warnings")).isTrue();

        JsonNode v1 = tree(call("GET", SECRET + "?version=1", TOKEN, null));
        assertThat(v1.path("data").path("data").path("token").asText()).isEqualTo("t1");
        assertThat(call("GET", SECRET + "?version=9", TOKEN, null).status()).isEqualTo(404);

        JsonNode metadata = tree(call("GET", "/v1/secret/metadata/agent/h1/status_panel_token", TOKEN, null));
        assertThat(metadata.path("data").path("current_version").asInt()).isEqualTo(2);
        assertThat(metadata.path("data").path("versions").has("1")).isTrue();
        assertThat(metadata.path("data").path("versions").has("2")).isTrue();

        assertThat(vault.secret("secret/agent/h1/status_panel_token")).contains(Map.of("token", "t2"));
        assertThat(vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "t3"))).isEqualTo(3);
    }

    @Test
    void badWritesAreRefusedLikeVaultDoes() throws Exception {
        assertThat(call("POST", SECRET, TOKEN, "{\"token\":\"flat\"}"))
                .isEqualTo(new Answer(400, "{\"errors\":[\"no data provided\"]}"));
        assertThat(call("POST", SECRET, TOKEN, "{\"options\":{\"cas\":3},\"data\":{\"token\":\"x\"}}").body())
                .contains("check-and-set parameter did not match the current version");
        assertThat(call("DELETE", "/v1/secret/metadata/agent/h1/status_panel_token", TOKEN, null).status())
                .isEqualTo(405);
        assertThat(call("GET", "/v1/kv/data/x", TOKEN, null).body()).contains("no handler for route");
        assertThat(vault.currentVersion("secret/agent/h1/status_panel_token")).isZero();
    }

    @Test
    void theTtlCountsDownRenewalExtendsItAndAnExpiredTokenIsDenied() throws Exception {
        clock.advance(Duration.ofMinutes(59));
        JsonNode lookup = tree(call("GET", "/v1/auth/token/lookup-self", TOKEN, null));
        assertThat(lookup.path("data").path("ttl").asLong()).isEqualTo(60);
        assertThat(lookup.path("data").path("renewable").asBoolean()).isTrue();

        JsonNode renewed = tree(call("POST", "/v1/auth/token/renew-self", TOKEN, "{\"increment\":\"30m\"}"));
        assertThat(renewed.path("auth").path("lease_duration").asLong()).isEqualTo(1800);
        assertThat(renewed.path("auth").path("client_token").asText()).isEqualTo(TOKEN);
        assertThat(vault.ttl(TOKEN)).contains(Duration.ofMinutes(30));

        clock.advance(Duration.ofMinutes(30));
        assertThat(call("GET", "/v1/auth/token/lookup-self", TOKEN, null).status()).isEqualTo(403);
        assertThat(vault.ttl(TOKEN)).isEmpty();
    }

    @Test
    void aTokenWithoutTtlNeverExpiresAndCannotBeRenewed() throws Exception {
        vault.addToken("root", Duration.ZERO);
        clock.advance(Duration.ofDays(400));

        assertThat(tree(call("GET", "/v1/auth/token/lookup-self", "root", null)).path("data").path("ttl").asLong())
                .isZero();
        assertThat(call("POST", "/v1/auth/token/renew-self", "root", "")).isEqualTo(
                new Answer(400, "{\"errors\":[\"lease is not renewable\"]}"));
    }

    @Test
    void aPolicyDenialUsesVaultsAclMessage() throws Exception {
        vault.deny(TOKEN, "secret/data/agent/h1/");

        Answer denied = call("GET", SECRET, TOKEN, null);

        assertThat(denied.status()).isEqualTo(403);
        assertThat(tree(denied).path("errors").get(0).asText()).isEqualTo("1 error occurred:\n\t* permission denied\n\n");
    }

    @Test
    void aSealedVaultAnswers503() throws Exception {
        vault.setSealed(true);
        assertThat(call("GET", SECRET, TOKEN, null)).isEqualTo(new Answer(503, "{\"errors\":[\"Vault is sealed\"]}"));
    }

    @Test
    void requestsAreLogged() throws Exception {
        call("GET", SECRET, TOKEN, null);
        call("GET", "/v1/auth/token/lookup-self", null, null);

        assertThat(vault.requestLines()).containsExactly("GET " + SECRET, "GET /v1/auth/token/lookup-self");
        assertThat(vault.requests().get(0).token()).isEqualTo(TOKEN);
        assertThat(vault.requests().get(1).status()).isEqualTo(403);
    }

    @Test
    void withTlsAClientCertificateIsRequired() throws Exception {
        TestPki pki = TestPki.generate("vault-test");
        try (VaultKv2TestServer secure = VaultKv2TestServer.builder().clock(clock).tls(pki, true).start()) {
            secure.addToken(TOKEN, Duration.ofHours(1));
            URI uri = secure.address().resolve("/v1/auth/token/lookup-self");
            assertThat(uri.getScheme()).isEqualTo("https");

            try (HttpClient withCert = client(pki.clientSslContext())) {
                HttpResponse<String> ok = withCert.send(get(uri), HttpResponse.BodyHandlers.ofString());
                assertThat(ok.statusCode()).isEqualTo(200);
            }
            assertThat(secure.requests().getFirst().clientCertificateSubject()).contains("vault-test client");

            try (HttpClient withoutCert = client(pki.clientSslContextWithoutCertificate())) {
                assertThatThrownBy(() -> withoutCert.send(get(uri), HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void thePemFilesParseAsTheirFormats() {
        TestPki pki = TestPki.generate("pem");
        assertThat(pki.clientKeyPkcs1Pem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(pki.clientKeyPkcs8Pem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(pki.clientCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(pki.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).header(VaultKv2TestServer.TOKEN_HEADER, TOKEN)
                .timeout(Duration.ofSeconds(10)).GET().build();
    }

    private record Answer(int status, String body) {
    }

    private Answer call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(vault.address().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(VaultKv2TestServer.TOKEN_HEADER, token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private JsonNode tree(Answer answer) throws IOException {
        return json.readTree(answer.body());
    }
}
