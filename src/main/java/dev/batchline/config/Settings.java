package dev.batchline.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.util.IOHelper;
import org.apache.camel.util.TimeUtils;

/**
 * Batchline's properties, read by key with a typed default. In the application the values come from Camel's
 * properties component (application.properties, overridden by -D and environment variables); a process that runs
 * without Camel (the standalone local provider) reads the same sources in the same order with {@link #standalone}.
 */
public final class Settings {

    private final Function<String, String> lookup;

    private Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public static Settings of(Function<String, String> lookup) {
        return new Settings(lookup);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values::get);
    }

    public static Settings of(CamelContext context) {
        return new Settings(key -> context.getPropertiesComponent().resolveProperty(key).orElse(null));
    }

    /**
     * The application.properties on the class path, overridden by JVM system properties, overridden by environment
     * variables ({@code batchline.local.port} from {@code BATCHLINE_LOCAL_PORT}), then by {@code overrides}: the same
     * precedence as Camel's properties component. Values may refer to other keys ({@code {{batchline.work}}}) and to
     * environment variables ({@code {{env:NAME:default}}}).
     */
    public static Settings standalone(Map<String, String> overrides) {
        Properties file = new Properties();
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                file.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read application.properties from the class path", e);
        }
        Function<String, String> raw = key -> {
            if (overrides.containsKey(key)) {
                return overrides.get(key);
            }
            String value = IOHelper.lookupEnvironmentVariable(key);
            if (value == null) {
                value = System.getProperty(key);
            }
            return value != null ? value : file.getProperty(key);
        };
        return new Settings(new Placeholders(raw)::resolve);
    }

    /** The raw value, or null when the key is not set or is blank. */
    public String value(String key) {
        String value = lookup.apply(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String string(String key, String defaultValue) {
        String value = value(key);
        return value != null ? value : defaultValue;
    }

    public int integer(String key, int defaultValue) {
        String value = value(key);
        try {
            return value != null ? Integer.parseInt(value) : defaultValue;
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    public long number(String key, long defaultValue) {
        String value = value(key);
        try {
            return value != null ? Long.parseLong(value) : defaultValue;
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    public double decimal(String key, double defaultValue) {
        String value = value(key);
        try {
            return value != null ? Double.parseDouble(value) : defaultValue;
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a number");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw invalid(key, value, "true or false");
    }

    /** A duration in Camel's notation: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h30m}, {@code 24h}, or millis. */
    public Duration duration(String key, String defaultValue) {
        String value = string(key, defaultValue);
        try {
            return TimeUtils.toDuration(value);
        } catch (RuntimeException e) {
            throw invalid(key, value, "a duration such as 500ms, 2s, 5m or 24h");
        }
    }

    /** A duration as the log says it: {@code 750 ms}, {@code 20 s}, {@code 5 min}, {@code 1 h 30 min}. */
    public static String inWords(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long minutes = duration.toMinutes();
        if (minutes < 60) {
            return minutes + " min" + (duration.toSecondsPart() > 0 ? " " + duration.toSecondsPart() + " s" : "");
        }
        return duration.toHours() + " h" + (duration.toMinutesPart() > 0 ? " " + duration.toMinutesPart() + " min" : "");
    }

    /** A size in bytes, with an optional unit: {@code 1048576}, {@code 512KB}, {@code 200MB}, {@code 1GB}. */
    public long bytes(String key, String defaultValue) {
        String value = string(key, defaultValue);
        String text = value.toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] suffix : new String[][] {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"B", "1"}}) {
            if (text.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                text = text.substring(0, text.length() - suffix[0].length());
                break;
            }
        }
        try {
            return Long.parseLong(text) * unit;
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a size such as 1048576, 512KB, 200MB or 1GB");
        }
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("Property " + key + " is '" + value + "' but must be " + expected);
    }
}
