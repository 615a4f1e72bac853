package dev.batchline;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where the routes come from: the {@code routes/} folder of the working directory when it exists (users may
 * edit it), otherwise the copy the jar carries, so that {@code java -jar batchline.jar} runs from any directory.
 */
final class RoutesLocation {

    static final String FOLDER_PATTERN = "file:routes/*.camel.yaml";
    static final String JAR_PATTERN = "classpath:routes/*.camel.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(RoutesLocation.class);

    private RoutesLocation() {
    }

    static void choose(Main main) {
        Path folder = Path.of("routes").toAbsolutePath();
        if (Files.isDirectory(folder)) {
            LOG.info("Loading routes from {} (the routes/ folder of the working directory)", folder);
            main.addOverrideProperty("camel.main.routes-include-pattern", FOLDER_PATTERN);
        } else {
            LOG.info("No routes/ folder in {}: loading the copy of the routes inside the jar", folder.getParent());
            main.addOverrideProperty("camel.main.routes-include-pattern", JAR_PATTERN);
        }
    }
}
