package io.streamspace.agent.testkit.vault;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests, generated in memory with BouncyCastle (no {@code openssl}): a CA, a server
 * certificate for {@code 127.0.0.1}/{@code localhost} and a client certificate, all RSA 2048 and valid for a day. The
 * client key is available as PKCS#1 ({@code RSA PRIVATE KEY}) and PKCS#8 ({@code PRIVATE KEY}) PEM.
 */
public final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final char[] STORE_PASSWORD = "test-pki".toCharArray();

    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final KeyPair serverKeys;
    private final X509Certificate server;
    private final KeyPair clientKeys;
    private final X509Certificate client;

    private TestPki(String name) {
        try {
            caKeys = rsa();
            ca = certificate("CN=" + name + " test CA", caKeys, "CN=" + name + " test CA", caKeys.getPrivate(), null,
                    Role.CA);
            serverKeys = rsa();
            server = certificate("CN=127.0.0.1", serverKeys, ca.getSubjectX500Principal().getName(),
                    caKeys.getPrivate(), ca, Role.SERVER);
            clientKeys = rsa();
            client = certificate("CN=" + name + " client", clientKeys, ca.getSubjectX500Principal().getName(),
                    caKeys.getPrivate(), ca, Role.CLIENT);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the test PKI: " + e.getMessage(), e);
        }
    }

    /** A fresh CA with its server and client certificates; {@code name} goes into the subjects. */
    public static TestPki generate(String name) {
        return new TestPki(name);
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public X509Certificate serverCertificate() {
        return server;
    }

    public X509Certificate clientCertificate() {
        return client;
    }

    public String caCertificatePem() {
        return pem(ca);
    }

    public String serverCertificatePem() {
        return pem(server);
    }

    public String clientCertificatePem() {
        return pem(client);
    }

    /** The client key as {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1, OpenSSL's traditional format). */
    public String clientKeyPkcs1Pem() {
        try {
            return pem(new JcaMiscPEMGenerator(clientKeys.getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client key as {@code -----BEGIN PRIVATE KEY-----} (unencrypted PKCS#8). */
    public String clientKeyPkcs8Pem() {
        try {
            return pem(new JcaPKCS8Generator(clientKeys.getPrivate(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code ca.pem}, {@code client.pem}, {@code client-key-pkcs1.pem} and {@code client-key-pkcs8.pem} into
     * {@code dir} (created if needed) and returns {@code dir}.
     */
    public Path writePemFiles(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ca.pem"), caCertificatePem());
            Files.writeString(dir.resolve("client.pem"), clientCertificatePem());
            Files.writeString(dir.resolve("client-key-pkcs1.pem"), clientKeyPkcs1Pem());
            Files.writeString(dir.resolve("client-key-pkcs8.pem"), clientKeyPkcs8Pem());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The server side: presents the server certificate and trusts client certificates issued by this CA (whether
     * a client certificate is required is the server's setting).
     */
    public SSLContext serverSslContext() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", serverKeys.getPrivate(), STORE_PASSWORD, new X509Certificate[] {server, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, STORE_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the test server's TLS context: " + e.getMessage(), e);
        }
    }

    /** A client that trusts this CA and presents the client certificate. */
    public SSLContext clientSslContext() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientKeys.getPrivate(), STORE_PASSWORD, new X509Certificate[] {client, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, STORE_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a test client TLS context: " + e.getMessage(), e);
        }
    }

    /** A client that trusts this CA and presents no certificate. */
    public SSLContext clientSslContextWithoutCertificate() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a test client TLS context: " + e.getMessage(), e);
        }
    }

    private javax.net.ssl.TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private enum Role { CA, SERVER, CLIENT }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair keys, String issuer, PrivateKey issuerKey,
                                               X509Certificate issuerCert, Role role)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name issuerName = issuerCert == null ? new X500Name(issuer)
                : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject), keys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(keys.getPublic()));
        if (issuerCert != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerCert));
        }
        switch (role) {
            case CA -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            }
            case SERVER -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            case CLIENT -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
