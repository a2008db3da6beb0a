package io.streamspace.agent.adapter.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.application.port.out.SecretStoreException;
import io.streamspace.agent.testkit.vault.TestPki;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mTLS to Vault with PEM client certificates and keys (PKCS#1 and PKCS#8), against a Vault that requires them. */
class VaultMutualTlsTest {

    private static final String TOKEN = "hvs.mtls-token-93a0";

    private static TestPki pki;
    private static TestPki otherPki;
    private static VaultKv2TestServer vault;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pki = TestPki.generate("vault-mtls");
        otherPki = TestPki.generate("other");
        vault = VaultKv2TestServer.builder().tls(pki, true).start();
        vault.addToken(TOKEN, Duration.ofHours(1));
        vault.putSecret("secret/agent/h1/status_panel_token", Map.of("token", "over-mtls"));
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    @Test
    void aPkcs1KeyFromFilesConnects() {
        pki.writePemFiles(dir);

        SSLContext tls = VaultTls.fromFiles(dir.resolve("client.pem"), dir.resolve("client-key-pkcs1.pem"),
                dir.resolve("ca.pem"));

        assertReadsOverMutualTls(tls);
    }

    @Test
    void aPkcs8KeyFromFilesConnects() {
        pki.writePemFiles(dir);

        SSLContext tls = VaultTls.fromFiles(dir.resolve("client.pem"), dir.resolve("client-key-pkcs8.pem"),
                dir.resolve("ca.pem"));

        assertReadsOverMutualTls(tls);
    }

    @Test
    void pemTextWorksLikeFiles() {
        assertReadsOverMutualTls(VaultTls.fromPem(pki.clientCertificatePem(), pki.clientKeyPkcs1Pem(),
                pki.caCertificatePem()));
        assertReadsOverMutualTls(VaultTls.fromPem(pki.clientCertificatePem(), pki.clientKeyPkcs8Pem(),
                pki.caCertificatePem()));
        assertReadsOverMutualTls(VaultTls.fromPem(pki.clientCertificatePem() + pki.caCertificatePem(),
                pki.clientKeyPkcs8Pem(), pki.caCertificatePem()));
    }

    @Test
    void withoutAClientCertificateVaultRefusesTheConnection() {
        SSLContext tls = VaultTls.fromPem(null, null, pki.caCertificatePem());

        try (VaultKv2SecretStore store = open(tls)) {
            assertThatThrownBy(() -> store.read("status_panel_token"))
                    .isInstanceOf(SecretStoreException.class)
                    .hasMessageContaining("Vault at " + vault.address())
                    .hasMessageContaining("auth/token/lookup-self")
                    .hasMessageContaining("set VAULT_CLIENT_CERT and VAULT_CLIENT_KEY")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() {
        SSLContext tls = VaultTls.fromPem(pki.clientCertificatePem(), pki.clientKeyPkcs8Pem(),
                otherPki.caCertificatePem());

        try (VaultKv2SecretStore store = open(tls)) {
            assertThatThrownBy(() -> store.read("status_panel_token"))
                    .isInstanceOf(SecretStoreException.class)
                    .hasMessageStartingWith("TLS with Vault at " + vault.address() + " failed for auth/token/lookup-self");
        }
    }

    @Test
    void badPemFilesAreNamedWithoutTheirContent() throws Exception {
        pki.writePemFiles(dir);
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), pki.clientCertificatePem());

        assertThatThrownBy(() -> VaultTls.fromFiles(dir.resolve("client.pem"), notAKey, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(notAKey + " holds no PEM private key (-----BEGIN RSA PRIVATE KEY----- for PKCS#1 or"
                        + " -----BEGIN PRIVATE KEY----- for PKCS#8)");
        assertThatThrownBy(() -> VaultTls.fromFiles(dir.resolve("client-key-pkcs8.pem"),
                dir.resolve("client-key-pkcs8.pem"), null))
                .hasMessageContaining("client-key-pkcs8.pem holds no PEM certificate");
        assertThatThrownBy(() -> VaultTls.fromPem(otherPki.clientCertificatePem(), pki.clientKeyPkcs1Pem(), null))
                .hasMessageContaining("does not belong to the certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("MII"));
        assertThatThrownBy(() -> VaultTls.fromPem(pki.clientCertificatePem(), null, null))
                .hasMessageContaining("needs both VAULT_CLIENT_CERT and VAULT_CLIENT_KEY");
        assertThatThrownBy(() -> VaultTls.fromFiles(dir.resolve("missing.pem"), dir.resolve("missing.pem"), null))
                .hasMessageStartingWith("Cannot read " + dir.resolve("missing.pem"));
    }

    private void assertReadsOverMutualTls(SSLContext tls) {
        vault.clearRequests();
        try (VaultKv2SecretStore store = open(tls)) {
            assertThat(store.read("status_panel_token").orElseThrow().value()).isEqualTo("over-mtls");
        }
        assertThat(vault.requests()).isNotEmpty().allSatisfy(r ->
                assertThat(r.clientCertificateSubject()).isEqualTo("CN=vault-mtls client"));
    }

    private static VaultKv2SecretStore open(SSLContext tls) {
        return new VaultKv2SecretStore(VaultSettings.fromPathPrefix(vault.address(), TOKEN, "secret/agent", "h1"), tls);
    }
}
