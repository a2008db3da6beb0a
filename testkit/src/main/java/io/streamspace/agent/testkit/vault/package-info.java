/**
 * A HashiCorp Vault stand-in for tests: {@link io.streamspace.agent.testkit.vault.VaultKv2TestServer} serves the part
 * of Vault's HTTP API the agent uses (KV version 2 data and metadata, token lookup-self and renew-self) with Vault's
 * paths, header, status codes and error bodies, over HTTP or over TLS with client certificates
 * ({@link io.streamspace.agent.testkit.vault.TestPki}).
 */
package io.streamspace.agent.testkit.vault;
