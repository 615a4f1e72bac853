package dev.batchline;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The real application started in the test's JVM with its folders in a home of the test's, fast timings and the
 * given settings, for tests that stop it and start it again with other settings, as a user restarts it.
 */
final class RunningApplication implements AutoCloseable {

    private final Main main;

    private RunningApplication(Main main) {
        this.main = main;
    }

    static RunningApplication start(Path home, String... properties) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("batchline.inbox", home.resolve("inbox").toString());
        settings.put("batchline.outbox", home.resolve("outbox").toString());
        settings.put("batchline.work", home.resolve("work").toString());
        settings.put("batchline.provider.api-key", "");
        settings.put("batchline.local.port", "0");
        settings.put("batchline.local.validating-delay", "100ms");
        settings.put("batchline.local.finalizing-delay", "100ms");
        settings.put("batchline.local.requests-per-second", "0");
        settings.put("batchline.http.port", "0");
        settings.put("batchline.inbox.settle-time", "100");
        settings.put("batchline.inbox.settle-timeout", "300");
        settings.put("batchline.inbox.poll-delay", "100");
        settings.put("batchline.batch.check-interval", "100");
        settings.put("batchline.poll.interval", "200");
        settings.put("batchline.retry.initial-delay", "10ms");
        settings.put("batchline.retry.max-delay", "100ms");
        for (String property : properties) {
            int equals = property.indexOf('=');
            settings.put(property.substring(0, equals), property.substring(equals + 1));
        }
        Main main = new Main();
        main.configure().addConfiguration(BatchlineConfiguration.class);
        main.addOverrideProperty("camel.main.routes-include-pattern", RoutesLocation.FOLDER_PATTERN);
        settings.forEach(main::addOverrideProperty);
        main.start();
        return new RunningApplication(main);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() {
        main.stop();
    }
}
