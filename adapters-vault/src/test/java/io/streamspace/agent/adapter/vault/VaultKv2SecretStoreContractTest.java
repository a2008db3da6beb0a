package io.streamspace.agent.adapter.vault;

import io.streamspace.agent.application.port.out.SecretStore;
import io.streamspace.agent.application.port.out.SecretStoreContract;
import io.streamspace.agent.testkit.vault.VaultKv2TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The {@link SecretStore} contract against {@link VaultKv2SecretStore} on the testkit's Vault KV v2 server. */
class VaultKv2SecretStoreContractTest extends SecretStoreContract {

    private static final String TOKEN = "hvs.contract-token-5f1c";
    private static final String HASH = "deploy-contract";

    private VaultKv2TestServer vault;
    private final List<VaultKv2SecretStore> stores = new ArrayList<>();

    @BeforeEach
    void startVault() {
        vault = VaultKv2TestServer.start();
        vault.addToken(TOKEN, Duration.ofHours(1));
    }

    @AfterEach
    void stopVault() {
        stores.forEach(VaultKv2SecretStore::close);
        vault.close();
    }

    @Override
    protected SecretStore store() {
        return open(vault.address());
    }

    @Override
    protected void putBehindTheStoresBack(String key, String value) {
        vault.putSecret("secret/agent/" + HASH + "/" + key, Map.of("token", value));
    }

    @Override
    protected SecretStore unreachableStore() {
        return open(URI.create("http://127.0.0.1:" + freePort()));
    }

    @Override
    protected String credential() {
        return TOKEN;
    }

    private VaultKv2SecretStore open(URI address) {
        VaultKv2SecretStore store = new VaultKv2SecretStore(
                VaultSettings.fromPathPrefix(address, TOKEN, "secret/agent", HASH), (javax.net.ssl.SSLContext) null);
        stores.add(store);
        return store;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
