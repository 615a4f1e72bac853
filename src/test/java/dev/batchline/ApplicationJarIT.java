package dev.batchline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar batchline.jar} from any directory, as a new user runs it: the routes from the jar, the local
 * provider inside, default timings, an example file dropped into the inbox.
 */
class ApplicationJarIT {

    @TempDir
    Path workingDir;

    @Test
    void should_turn_an_example_file_into_results_with_the_default_timings() throws Exception {
        try (JarProcess jar = JarProcess.start(workingDir, List.of("-Dbatchline.local.port=0",
                "-Dbatchline.http.port=0", "-Dbatchline.provider=local"))) {
            jar.awaitLine("Apache Camel .* started");
            Files.createDirectories(workingDir.resolve("inbox"));
            Path staged = workingDir.resolve("reviews.jsonl");
            Files.copy(Path.of("examples/reviews.jsonl"), staged);
            Files.move(staged, workingDir.resolve("inbox/reviews.jsonl"), StandardCopyOption.ATOMIC_MOVE);

            Path summary = workingDir.resolve("outbox/reviews.summary.json");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(summary));

            JsonNode counts = new ObjectMapper().readTree(summary.toFile());
            assertThat(counts.path("succeeded").asInt()).isEqualTo(10);
            assertThat(Files.readAllLines(workingDir.resolve("outbox/reviews.results.jsonl"))).hasSize(10);
            assertThat(jar.output()).contains("loading the copy of the routes inside the jar");
            jar.stop();
            assertThat(jar.output()).contains("Local provider stopped");
        }
    }
}
