package dev.batchline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/** The lines Batchline logs while a test runs, at INFO and above, with their level: what an operator would read. */
public final class LogLines extends AbstractAppender implements AutoCloseable {

    private static final String LOGGER = "dev.batchline";

    /** One line: its level and its text. */
    public record Line(Level level, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogLines() {
        super("test-log-lines", null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogLines capture() {
        LogLines appender = new LogLines();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.getLoggerConfig(LOGGER).addAppender(appender, Level.INFO, null);
        context.updateLoggers();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getMessage().getFormattedMessage()));
    }

    /** The lines at this level that contain the text. */
    public List<String> at(Level level, String containing) {
        return lines.stream().filter(line -> line.level() == level && line.text().contains(containing))
                .map(Line::text).toList();
    }

    /** Every line, whatever its level. */
    public List<String> all() {
        return lines.stream().map(Line::text).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig(LOGGER).removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
