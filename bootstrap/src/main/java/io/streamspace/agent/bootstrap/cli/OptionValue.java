package io.streamspace.agent.bootstrap.cli;

import java.util.Optional;

/**
 * An option's value as the quick readings of a command line ({@link RunCommandLine}, {@link StackArgs}) take it:
 * after the option's '=' or as the next argument.
 *
 * @param text the value
 * @param last the index of the last argument the option used (its own, or the value's)
 */
record OptionValue(String text, int last) {

    /**
     * The value of the option at {@code line[at]}, whose '=' is at {@code equals} (or -1); empty when it is missing or
     * when picocli would read it otherwise (empty, starting with '-', or with '@': an argument file).
     */
    static Optional<OptionValue> of(String[] line, int at, int equals) {
        String text;
        int last = at;
        if (equals >= 0) {
            text = line[at].substring(equals + 1);
        } else if (at + 1 < line.length) {
            last = at + 1;
            text = line[last];
        } else {
            return Optional.empty();
        }
        if (text.isEmpty() || text.startsWith("-") || text.startsWith("@")) {
            return Optional.empty();
        }
        return Optional.of(new OptionValue(text, last));
    }
}
