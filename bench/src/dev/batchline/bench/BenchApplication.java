package dev.batchline.bench;

import java.nio.file.Path;
import java.util.Map;

import dev.batchline.BatchlineConfiguration;
import org.apache.camel.main.Main;

/**
 * The real application, started in the benchmark's JVM against a provider at a base URL, with its folders in a
 * home of the benchmark's own and no embedded local provider.
 */
final class BenchApplication {

    private BenchApplication() {
    }

    static Main start(String providerUrl, Path home, Map<String, String> settings) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(BatchlineConfiguration.class);
        main.addOverrideProperty("batchline.provider", providerUrl);
        main.addOverrideProperty("batchline.provider.api-key", "");
        main.addOverrideProperty("batchline.local.enabled", "false");
        main.addOverrideProperty("batchline.http.port", "0");
        main.addOverrideProperty("batchline.inbox", home.resolve("inbox").toString());
        main.addOverrideProperty("batchline.outbox", home.resolve("outbox").toString());
        main.addOverrideProperty("batchline.work", home.resolve("work").toString());
        settings.forEach(main::addOverrideProperty);
        main.start();
        return main;
    }
}
