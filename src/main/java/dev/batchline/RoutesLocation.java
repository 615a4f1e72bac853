package dev.batchline;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

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
            main.addOverrideProperty("camel.main.routes-include-pattern", inJar());
        }
    }

    /**
     * The jar's route files, each by its name: a wildcard would have Camel scan every entry of the jar (30,000 of
     * them, a quarter of a second at start-up); the jar's own listing is read in a few milliseconds.
     */
    private static String inJar() {
        CodeSource code = RoutesLocation.class.getProtectionDomain().getCodeSource();
        try {
            Path jar = code == null ? null : Path.of(code.getLocation().toURI());
            if (jar == null || !Files.isRegularFile(jar)) {
                return JAR_PATTERN;
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                String listed = file.stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith("routes/") && name.endsWith(".camel.yaml")
                                        && name.indexOf('/', "routes/".length()) < 0)
                        .sorted().map(name -> "classpath:" + name).collect(Collectors.joining(","));
                return listed.isEmpty() ? JAR_PATTERN : listed;
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return JAR_PATTERN;
        }
    }
}
