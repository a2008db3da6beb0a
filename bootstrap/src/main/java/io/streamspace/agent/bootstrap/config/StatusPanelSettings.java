package io.streamspace.agent.bootstrap.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the status API listens and which tokens guard it (both roles). {@link #toString()} hides the tokens.
 *
 * @param address        an IP literal; loopback unless a token is set
 * @param token          the read token itself (secret), or null
 * @param tokenFile      the file holding the read token, or null
 * @param writeToken     the write-scoped token itself (secret), or null
 * @param writeTokenFile the file holding the write token, or null
 * @param tokenVaultKey  the Vault key holding the read token, or null
 * @param writeTokenVaultKey the Vault key holding the write token, or null
 */
public record StatusPanelSettings(String address, String token, Path tokenFile, String writeToken,
                                  Path writeTokenFile, String tokenVaultKey, String writeTokenVaultKey) {

    /** Loopback, no token: the defaults. */
    public static final StatusPanelSettings DEFAULT = new StatusPanelSettings("127.0.0.1", null, null, null, null,
            null, null);

    /** Whether any token is configured. */
    public boolean tokenConfigured() {
        return token != null || tokenFile != null || writeToken != null || writeTokenFile != null
                || tokenVaultKey != null || writeTokenVaultKey != null;
    }

    /**
     * Validates the raw values (null when unset), adding one line per problem to {@code problems}.
     *
     * @return the settings, or null when there were problems
     */
    public static StatusPanelSettings resolve(String address, String token, String tokenFile, String writeToken,
                                              String writeTokenFile, List<String> problems) {
        return resolve(address, token, tokenFile, writeToken, writeTokenFile, null, null, true, problems);
    }

    /**
     * Like {@link #resolve(String, String, String, String, String, List)}, with Vault keys; {@code vaultConfigured}
     * says whether the process has Vault settings (a key without them is a problem).
     */
    public static StatusPanelSettings resolve(String address, String token, String tokenFile, String writeToken,
                                              String writeTokenFile, String tokenVaultKey, String writeTokenVaultKey,
                                              boolean vaultConfigured, List<String> problems) {
        int before = problems.size();
        String ip = address == null || address.isBlank() ? "127.0.0.1" : address.strip();
        boolean loopback = false;
        if (!ip.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            problems.add(Setting.STATUS_ADDRESS.displayName() + " must be an IP address (e.g. 127.0.0.1 or 0.0.0.0),"
                    + " got '" + ip + "'");
        } else {
            ip = ip.replace("[", "").replace("]", "");
            try {
                loopback = InetAddress.getByName(ip).isLoopbackAddress();
            } catch (UnknownHostException e) {
                problems.add(Setting.STATUS_ADDRESS.displayName() + " is not a valid IP address: '" + ip + "'");
            }
        }
        if (token != null && tokenFile != null) {
            problems.add("set only one of " + Setting.STATUS_TOKEN.displayName() + " and "
                    + Setting.STATUS_TOKEN_FILE.displayName());
        }
        if (writeToken != null && writeTokenFile != null) {
            problems.add("set only one of " + Setting.STATUS_WRITE_TOKEN.displayName() + " and "
                    + Setting.STATUS_WRITE_TOKEN_FILE.displayName());
        }
        if (tokenVaultKey != null && (token != null || tokenFile != null)) {
            problems.add("set only one of " + Setting.STATUS_TOKEN.flag() + ", " + Setting.STATUS_TOKEN_FILE.flag()
                    + " and " + Setting.STATUS_TOKEN_VAULT_KEY.flag());
        }
        if (writeTokenVaultKey != null && (writeToken != null || writeTokenFile != null)) {
            problems.add("set only one of " + Setting.STATUS_WRITE_TOKEN.flag() + ", "
                    + Setting.STATUS_WRITE_TOKEN_FILE.flag() + " and " + Setting.STATUS_WRITE_TOKEN_VAULT_KEY.flag());
        }
        if ((tokenVaultKey != null || writeTokenVaultKey != null) && !vaultConfigured) {
            problems.add((tokenVaultKey != null ? Setting.STATUS_TOKEN_VAULT_KEY : Setting.STATUS_WRITE_TOKEN_VAULT_KEY)
                    .displayName() + " needs Vault (VAULT_ADDRESS, VAULT_TOKEN, VAULT_AGENT_PATH_PREFIX,"
                    + " DEPLOYMENT_HASH)");
        }
        if (token != null && writeToken != null && token.equals(writeToken)) {
            problems.add(Setting.STATUS_TOKEN.displayName() + " and " + Setting.STATUS_WRITE_TOKEN.displayName()
                    + " must differ (the read token would carry the write scope)");
        }
        StatusPanelSettings settings = new StatusPanelSettings(ip, token,
                tokenFile == null ? null : Path.of(tokenFile), writeToken,
                writeTokenFile == null ? null : Path.of(writeTokenFile), tokenVaultKey, writeTokenVaultKey);
        if (problems.size() == before && !loopback && !settings.tokenConfigured()) {
            problems.add("refusing to serve the status API on " + ip + " without a token: anyone who can reach it"
                    + " could read it; set " + Setting.STATUS_TOKEN_FILE.displayName() + " (or "
                    + Setting.STATUS_TOKEN.displayName() + "), or keep " + Setting.STATUS_ADDRESS.flag()
                    + " on 127.0.0.1");
        }
        return problems.size() == before ? settings : null;
    }

    @Override
    public String toString() {
        return "StatusPanelSettings[address=" + address + ", token=" + (token == null ? "none" : "****")
                + ", tokenFile=" + tokenFile + ", writeToken=" + (writeToken == null ? "none" : "****")
                + ", writeTokenFile=" + writeTokenFile + ", tokenVaultKey=" + tokenVaultKey + ", writeTokenVaultKey="
                + writeTokenVaultKey + "]";
    }
}
