package io.streamspace.agent.domain.resource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities as the control plane sends them ({@code "2Gi"}, {@code "1000m"}, {@code "0.5"}).
 * Grammar (k8s {@code resource.Quantity}): a non-negative decimal number followed by a binary suffix
 * ({@code Ki Mi Gi Ti Pi Ei}, ×1024ⁿ), a decimal suffix ({@code m} ×10⁻³, none, {@code k M G T P E}, ×1000ⁿ) or a
 * decimal exponent ({@code e3}, {@code E-2}). Fractions round up, as Kubernetes does.
 */
public final class Quantities {

    private static final Pattern QUANTITY =
            Pattern.compile("^\\+?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE]|[eE][+-]?[0-9]+)?$");
    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {}

    /**
     * Bytes of a memory quantity, rounded up to a whole byte.
     *
     * @throws InvalidQuantityException when the text is not a positive Kubernetes quantity
     */
    public static long memoryBytes(String text) {
        BigDecimal value = parse("memory", text, "2Gi or 2G");
        if (text.strip().endsWith("m")) {
            throw new InvalidQuantityException("memory \"" + text + "\" means " + value.stripTrailingZeros().toPlainString()
                    + " bytes in Kubernetes notation (m is milli); use e.g. " + text.strip().replaceAll("m$", "Mi")
                    + " or " + text.strip().replaceAll("m$", "M"));
        }
        return positiveLong("memory", text, value.setScale(0, RoundingMode.CEILING));
    }

    /**
     * Millicores of a cpu quantity ({@code "1000m"} and {@code "1"} are 1000), rounded up to a whole millicore.
     *
     * @throws InvalidQuantityException when the text is not a positive Kubernetes quantity
     */
    public static long cpuMillis(String text) {
        BigDecimal cores = parse("cpu", text, "1000m, 1 or 0.5");
        return positiveLong("cpu", text, cores.multiply(THOUSAND).setScale(0, RoundingMode.CEILING));
    }

    /** Docker's NanoCPUs for a number of millicores (1 core = 1 000 000 000). */
    public static long nanoCpus(long millis) {
        return Math.multiplyExact(millis, 1_000_000L);
    }

    /** Millicores as cores for humans: 1500 → "1.5", 2000 → "2". */
    public static String formatCores(long millis) {
        return BigDecimal.valueOf(millis).divide(THOUSAND).stripTrailingZeros().toPlainString();
    }

    /** Bytes for humans in the unit the control plane uses: 1.5 GiB → "1.5Gi", 512 MiB → "512Mi". */
    public static String formatBytes(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
        BigDecimal value = BigDecimal.valueOf(bytes);
        int unit = 0;
        while (unit < units.length - 1 && value.compareTo(KIBI) >= 0) {
            value = value.divide(KIBI);
            unit++;
        }
        return value.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + units[unit];
    }

    private static BigDecimal parse(String what, String text, String example) {
        if (text == null || text.isBlank()) {
            throw new InvalidQuantityException(what + " is empty; give a Kubernetes quantity such as " + example);
        }
        Matcher m = QUANTITY.matcher(text.strip());
        if (!m.matches()) {
            throw new InvalidQuantityException(what + " \"" + text + "\" is not a Kubernetes quantity (use e.g. "
                    + example + ")");
        }
        BigDecimal number = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        return switch (suffix) {
            case "" -> number;
            case "m" -> number.divide(THOUSAND);
            case "k" -> number.multiply(THOUSAND.pow(1));
            case "M" -> number.multiply(THOUSAND.pow(2));
            case "G" -> number.multiply(THOUSAND.pow(3));
            case "T" -> number.multiply(THOUSAND.pow(4));
            case "P" -> number.multiply(THOUSAND.pow(5));
            case "E" -> number.multiply(THOUSAND.pow(6));
            case "Ki" -> number.multiply(KIBI.pow(1));
            case "Mi" -> number.multiply(KIBI.pow(2));
            case "Gi" -> number.multiply(KIBI.pow(3));
            case "Ti" -> number.multiply(KIBI.pow(4));
            case "Pi" -> number.multiply(KIBI.pow(5));
            case "Ei" -> number.multiply(KIBI.pow(6));
            default -> {
                int exponent;
                try {
                    exponent = Integer.parseInt(suffix.substring(1));
                } catch (NumberFormatException e) {
                    throw new InvalidQuantityException(what + " \"" + text + "\" has an unusable exponent");
                }
                if (Math.abs(exponent) > 30) {
                    throw new InvalidQuantityException(what + " \"" + text + "\" is out of range");
                }
                yield number.scaleByPowerOfTen(exponent);
            }
        };
    }

    private static long positiveLong(String what, String text, BigDecimal value) {
        if (value.signum() <= 0) {
            throw new InvalidQuantityException(what + " \"" + text + "\" must be greater than zero");
        }
        if (value.compareTo(LONG_MAX) > 0) {
            throw new InvalidQuantityException(what + " \"" + text + "\" is too large");
        }
        return value.longValueExact();
    }
}
