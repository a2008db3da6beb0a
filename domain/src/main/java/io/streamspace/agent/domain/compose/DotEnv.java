package io.streamspace.agent.domain.compose;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of a Compose {@code .env} (or {@code env_file}) file: {@code KEY=VALUE} lines, blank lines and
 * {@code #} comments, an optional leading {@code export }, values in single quotes (literal) or double quotes
 * ({@code \n}, {@code \t}, {@code \"}, {@code \\} escapes), and {@code #} comments after an unquoted value when
 * preceded by a space. A line {@code KEY} without {@code =} is refused (Compose would look it up in the shell).
 */
public final class DotEnv {

    private DotEnv() {}

    /** @param source named in errors, e.g. {@code .env} */
    public static Map<String, String> parse(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text == null) {
            return values;
        }
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String where = source + " line " + (n + 1);
            if (eq <= 0) {
                throw new ComposeFileException(where, "expected KEY=VALUE, got \"" + lines[n] + "\"");
            }
            String key = line.substring(0, eq).strip();
            for (int i = 0; i < key.length(); i++) {
                if (i == 0 ? !Interpolation.isNameStart(key.charAt(i)) : !(Interpolation.isNamePart(key.charAt(i))
                        || key.charAt(i) == '.' || key.charAt(i) == '-')) {
                    throw new ComposeFileException(where, "invalid variable name \"" + key + "\"");
                }
            }
            values.put(key, value(line.substring(eq + 1).strip(), where));
        }
        return values;
    }

    private static String value(String raw, String where) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw new ComposeFileException(where, "unterminated single quote");
            }
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char e = raw.charAt(++i);
                    out.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else {
                    out.append(c);
                }
            }
            throw new ComposeFileException(where, "unterminated double quote");
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
