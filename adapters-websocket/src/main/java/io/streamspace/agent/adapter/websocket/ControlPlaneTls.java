package io.streamspace.agent.adapter.websocket;

import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

/**
 * The TLS context of the control-plane HTTP client. The JDK's {@code HttpClient} builds {@link SSLContext#getDefault()}
 * when it is given none, which loads the JDK's TLS stack and parses its whole CA store at start-up (ADR 0019, 0020),
 * even when the control plane is {@code ws://} and TLS is never spoken. So a plain-text control plane gets a context
 * that cannot speak TLS at all ({@link NoTls}: fails closed should anything ever try), and a {@code wss://} one the
 * JDK's default.
 */
final class ControlPlaneTls {

    static final String NOT_CONFIGURED = "TLS is not configured: the control-plane URL is ws://";

    private ControlPlaneTls() {
    }

    static SSLContext contextFor(ControlPlaneEndpoints endpoints) {
        try {
            return endpoints.usesTls() ? SSLContext.getDefault() : NoTls.context(NOT_CONFIGURED);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the control-plane client: " + e.getMessage(), e);
        }
    }
}
