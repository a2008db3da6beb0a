package io.streamspace.agent.application.port.out;

import org.junit.jupiter.api.BeforeEach;

/** The {@link SecretStore} contract against {@link SecretStoreInMemory}. */
class SecretStoreInMemoryContractTest extends SecretStoreContract {

    private SecretStoreInMemory store;

    @BeforeEach
    void newStore() {
        store = new SecretStoreInMemory();
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected void putBehindTheStoresBack(String key, String value) {
        store.write(key, value);
    }

    @Override
    protected SecretStore unreachableStore() {
        SecretStoreInMemory down = new SecretStoreInMemory();
        down.setDown(true);
        return down;
    }

    @Override
    protected String credential() {
        return null;
    }
}
