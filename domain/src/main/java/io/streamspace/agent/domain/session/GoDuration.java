package io.streamspace.agent.domain.session;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Go's {@code time.ParseDuration} writes them ({@code "30m"}, {@code "1h30m"}, {@code "90s"},
 * {@code "1.5h"}, {@code "500ms"}), used by the control plane for {@code idleTimeout} and {@code maxSessionDuration}.
 */
public final class GoDuration {

    private static final Pattern WHOLE = Pattern.compile("^(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {}

    /**
     * The duration, or empty for {@code null}, {@code ""} and zero (meaning "no limit").
     *
     * @param field the payload field, for the error message
     * @throws IllegalArgumentException with a human reason when the text is not a non-negative Go duration
     */
    public static Optional<Duration> parseLimit(String field, String text) {
        if (text == null || text.isBlank() || text.strip().equals("0")) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException(field + " \"" + text + "\" must not be negative");
        }
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not a duration (use e.g. 30m, 1h30m or 90s)");
        }
        // Exact decimal arithmetic, truncated to whole nanoseconds at the end: the sum so far is sum / 10^scale ns.
        // BigInteger, not BigDecimal: BigDecimal's class initialisation costs ~40 ms in a cold JVM, and this runs
        // while the agent reads its configuration at start-up (docs/benchmarks.md, start-up, ADR 0023).
        BigInteger sum = BigInteger.ZERO;
        int scale = 0;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            String number = m.group(1);
            int dot = number.indexOf('.');
            String fraction = dot < 0 ? "" : number.substring(dot + 1);
            String digits = (dot < 0 ? number : number.substring(0, dot)) + fraction;
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            BigInteger value = new BigInteger(digits.isEmpty() ? "0" : digits).multiply(BigInteger.valueOf(unit));
            if (fraction.length() > scale) {
                sum = sum.multiply(BigInteger.TEN.pow(fraction.length() - scale));
                scale = fraction.length();
            } else {
                value = value.multiply(BigInteger.TEN.pow(scale - fraction.length()));
            }
            sum = sum.add(value);
        }
        BigInteger unitScale = BigInteger.TEN.pow(scale);
        if (sum.compareTo(BigInteger.valueOf(Long.MAX_VALUE).multiply(unitScale)) > 0) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is too large");
        }
        long whole = sum.divide(unitScale).longValueExact();
        return whole == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(whole));
    }

    /** Go's formatting for logs and labels: 1h30m0s. */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        StringBuilder b = new StringBuilder();
        if (seconds >= 3600) {
            b.append(seconds / 3600).append('h');
        }
        if (seconds >= 60) {
            b.append(seconds % 3600 / 60).append('m');
        }
        b.append(seconds % 60);
        if (nanos > 0) {
            b.append('.').append(String.format("%09d", nanos).replaceAll("0+$", ""));
        }
        return b.append('s').toString();
    }
}
