package io.streamspace.agent.adapter.vault;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * TLS to Vault from PEM files ({@code VAULT_CLIENT_CERT(_PATH)}, {@code VAULT_CLIENT_KEY(_PATH)}), read with
 * BouncyCastle: the client certificate (chain) and its unencrypted private key, as PKCS#1
 * ({@code -----BEGIN RSA PRIVATE KEY-----}), SEC1 ({@code EC PRIVATE KEY}) or PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
 * plus optionally the CA certificate(s) that issued Vault's server certificate (otherwise the JDK's default trust).
 *
 * <p>Errors name the file (or "the PEM text") and what is wrong with it, never the key's content.
 */
public final class VaultTls {

    private static final char[] IN_MEMORY_PASSWORD = "vault-client".toCharArray();

    private VaultTls() {
    }

    /**
     * A TLS context from PEM files.
     *
     * @param clientCertificate the client certificate (chain), or null for no client certificate
     * @param clientKey         its private key, or null (both or neither)
     * @param caCertificates    the CA(s) to trust for Vault's certificate, or null for the JDK's default trust
     */
    public static SSLContext fromFiles(Path clientCertificate, Path clientKey, Path caCertificates) {
        return sslContext(
                clientCertificate == null ? null : new Pem(clientCertificate.toString(), read(clientCertificate)),
                clientKey == null ? null : new Pem(clientKey.toString(), read(clientKey)),
                caCertificates == null ? null : new Pem(caCertificates.toString(), read(caCertificates)));
    }

    /** A TLS context from PEM text (the variables without {@code _PATH}); nulls as in {@link #fromFiles}. */
    public static SSLContext fromPem(String clientCertificatePem, String clientKeyPem, String caCertificatesPem) {
        return sslContext(
                clientCertificatePem == null ? null : new Pem("the client certificate PEM", clientCertificatePem),
                clientKeyPem == null ? null : new Pem("the client key PEM", clientKeyPem),
                caCertificatesPem == null ? null : new Pem("the CA certificate PEM", caCertificatesPem));
    }

    private record Pem(String source, String text) {
    }

    private static SSLContext sslContext(Pem certificate, Pem key, Pem ca) {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("mTLS to Vault needs both VAULT_CLIENT_CERT and VAULT_CLIENT_KEY, got only "
                    + (certificate == null ? "the key" : "the certificate"));
        }
        try {
            KeyManager[] keyManagers = null;
            if (certificate != null) {
                List<X509Certificate> chain = certificates(certificate);
                PrivateKey privateKey = privateKey(key);
                requireMatching(privateKey, chain.getFirst(), certificate, key);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("vault-client", privateKey, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, IN_MEMORY_PASSWORD);
                keyManagers = kmf.getKeyManagers();
            }
            TrustManager[] trustManagers = null;
            if (ca != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate cert : certificates(ca)) {
                    trust.setCertificateEntry("vault-ca-" + i++, cert);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                trustManagers = tmf.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Cannot set up TLS to Vault: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Pem pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem.text()))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(pem.source() + " is not valid PEM: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(pem.source() + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    private static PrivateKey privateKey(Pem pem) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem.text()))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                switch (object) {
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMEncryptedKeyPair ignored -> throw encrypted(pem);
                    case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(pem);
                    default -> {
                        // certificates or parameters before the key: keep looking
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(pem.source() + " is not a valid PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(pem.source() + " holds no PEM private key (-----BEGIN RSA PRIVATE KEY----- "
                + "for PKCS#1 or -----BEGIN PRIVATE KEY----- for PKCS#8)");
    }

    private static IllegalArgumentException encrypted(Pem pem) {
        return new IllegalArgumentException(pem.source() + " holds an encrypted private key; give it unencrypted");
    }

    private static void requireMatching(PrivateKey key, X509Certificate certificate, Pem certificateSource, Pem keySource) {
        if (key instanceof RSAPrivateCrtKey rsa && certificate.getPublicKey() instanceof RSAPublicKey publicKey
                && !rsa.getModulus().equals(publicKey.getModulus())) {
            throw new IllegalArgumentException("the private key in " + keySource.source()
                    + " does not belong to the certificate in " + certificateSource.source() + " ("
                    + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e, e);
        }
    }
}
