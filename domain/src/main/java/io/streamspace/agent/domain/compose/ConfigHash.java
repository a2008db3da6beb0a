package io.streamspace.agent.domain.compose;

/**
 * The {@code com.docker.compose.config-hash} of a service: SHA-256 (hex) of its normal form, so the same
 * configuration always gives the same hash (key order in the file, map forms versus list forms of environment or
 * labels do not matter) and any change that needs a new container gives another. {@code depends_on} and
 * {@code profiles} are left out: they change when and whether a service starts, not its container.
 *
 * <p>SHA-256 is written out here because the domain uses {@code java.base}'s pure packages only.
 */
public final class ConfigHash {

    private ConfigHash() {}

    public static String of(ServiceSpec s) {
        return sha256Hex(normalForm(s));
    }

    /**
     * The text that is hashed: what the record's {@code toString()} gives for the service with {@code depends_on} and
     * {@code profiles} emptied ({@code ServiceSpec[key=web, image=..., ...]}), the form every hash so far was computed
     * from, so a new agent recreates no container. Written out with a {@link StringBuilder} rather than calling the
     * record's {@code toString()} (or {@code +}, or a lambda): their first call spins method handles at run time,
     * ~50 ms of a {@code stack up} in a fresh JVM (ADR 0028). {@code ConfigHashTest} holds the two forms equal.
     */
    static String normalForm(ServiceSpec s) {
        StringBuilder b = new StringBuilder(512).append("ServiceSpec[");
        b.append("key=").append(s.key());
        b.append(", image=").append(s.image());
        b.append(", command=").append(s.command());
        b.append(", entrypoint=").append(s.entrypoint());
        b.append(", environment=").append(s.environment());
        b.append(", ports=[");
        for (int i = 0; i < s.ports().size(); i++) {
            port(i == 0 ? b : b.append(", "), s.ports().get(i));
        }
        b.append("], volumes=[");
        for (int i = 0; i < s.volumes().size(); i++) {
            mount(i == 0 ? b : b.append(", "), s.volumes().get(i));
        }
        b.append(']');
        b.append(", networks=").append(s.networks());
        b.append(", dependsOn={}");
        b.append(", restart=").append(s.restart());
        b.append(", labels=").append(s.labels());
        b.append(", healthcheck=");
        healthcheck(b, s.healthcheck());
        b.append(", memoryLimit=").append(s.memoryLimit());
        b.append(", nanoCpus=").append(s.nanoCpus());
        b.append(", user=").append(s.user());
        b.append(", workingDir=").append(s.workingDir());
        b.append(", containerName=").append(s.containerName());
        b.append(", hostname=").append(s.hostname());
        b.append(", capAdd=").append(s.capAdd());
        b.append(", capDrop=").append(s.capDrop());
        b.append(", readOnly=").append(s.readOnly());
        b.append(", securityOpt=").append(s.securityOpt());
        b.append(", profiles=[]");
        return b.append(']').toString();
    }

    private static void port(StringBuilder b, ServiceSpec.Port p) {
        b.append("Port[hostIp=").append(p.hostIp()).append(", hostPort=").append(p.hostPort())
                .append(", containerPort=").append(p.containerPort()).append(", protocol=").append(p.protocol())
                .append(']');
    }

    private static void mount(StringBuilder b, ServiceSpec.Mount m) {
        b.append("Mount[type=").append(m.type()).append(", source=").append(m.source()).append(", target=")
                .append(m.target()).append(", readOnly=").append(m.readOnly()).append(']');
    }

    private static void healthcheck(StringBuilder b, ServiceSpec.Healthcheck h) {
        if (h == null) {
            b.append("null");
            return;
        }
        b.append("Healthcheck[test=").append(h.test()).append(", interval=").append(h.interval())
                .append(", timeout=").append(h.timeout()).append(", retries=").append(h.retries())
                .append(", startPeriod=").append(h.startPeriod()).append(']');
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, lower-case hex (FIPS 180-4). */
    public static String sha256Hex(String text) {
        byte[] message = utf8(text);
        long bitLength = (long) message.length * 8;
        int padded = ((message.length + 8) / 64 + 1) * 64;
        byte[] data = new byte[padded];
        System.arraycopy(message, 0, data, 0, message.length);
        data[message.length] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
            data[padded - 1 - i] = (byte) (bitLength >>> (8 * i));
        }
        int[] h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        int[] w = new int[64];
        for (int block = 0; block < padded; block += 64) {
            for (int t = 0; t < 16; t++) {
                int o = block + t * 4;
                w[t] = (data[o] & 0xff) << 24 | (data[o + 1] & 0xff) << 16 | (data[o + 2] & 0xff) << 8 | data[o + 3] & 0xff;
            }
            for (int t = 16; t < 64; t++) {
                int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
                int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }
            int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < 64; t++) {
                int t1 = hh + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                        + (e & f ^ ~e & g) + K[t] + w[t];
                int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                        + (a & b ^ a & c ^ b & c);
                hh = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
        }
        StringBuilder hex = new StringBuilder(64);
        for (int v : h) {
            String part = Integer.toHexString(v);
            hex.append("0".repeat(8 - part.length())).append(part);
        }
        return hex.toString();
    }

    private static byte[] utf8(String text) {
        byte[] out = new byte[text.length() * 4];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out[n++] = (byte) cp;
            } else if (cp < 0x800) {
                out[n++] = (byte) (0xc0 | cp >> 6);
                out[n++] = (byte) (0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                out[n++] = (byte) (0xe0 | cp >> 12);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
                out[n++] = (byte) (0x80 | cp & 0x3f);
            } else {
                out[n++] = (byte) (0xf0 | cp >> 18);
                out[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
                out[n++] = (byte) (0x80 | cp & 0x3f);
            }
        }
        byte[] exact = new byte[n];
        System.arraycopy(out, 0, exact, 0, n);
        return exact;
    }

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
}
