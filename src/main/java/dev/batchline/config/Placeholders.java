package dev.batchline.config;

import java.util.function.Function;

/**
 * Resolves {@code {{key}}}, {@code {{key:default}}} and {@code {{env:NAME:default}}} inside property values, as
 * Camel's properties component does, for processes that run without a Camel context.
 */
final class Placeholders {

    private static final int MAX_DEPTH = 10;

    private final Function<String, String> raw;

    Placeholders(Function<String, String> raw) {
        this.raw = raw;
    }

    String resolve(String key) {
        return expand(raw.apply(key), 0);
    }

    private String expand(String value, int depth) {
        if (value == null || !value.contains("{{")) {
            return value;
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Property placeholders nested too deeply (a cycle?) in: " + value);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int open = value.indexOf("{{", from);
            int close = open < 0 ? -1 : value.indexOf("}}", open);
            if (close < 0) {
                out.append(value, from, value.length());
                return out.toString();
            }
            out.append(value, from, open);
            out.append(lookup(value.substring(open + 2, close), depth));
            from = close + 2;
        }
    }

    private String lookup(String expression, int depth) {
        boolean env = expression.startsWith("env:");
        String body = env ? expression.substring(4) : expression;
        int colon = body.indexOf(':');
        String name = colon < 0 ? body : body.substring(0, colon);
        String fallback = colon < 0 ? null : body.substring(colon + 1);
        String found = env ? System.getenv(name) : expand(raw.apply(name), depth + 1);
        if (found != null) {
            return found;
        }
        if (fallback != null) {
            return fallback;
        }
        throw new IllegalArgumentException("Property placeholder {{" + expression + "}} has no value");
    }
}
