package dev.batchline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's walk-through, as a new user does it: the packaged jar with its embedded broker, and the STOMP client
 * of examples/queues (Python's standard library only) sending the example records and printing their results.
 */
class QueueWalkthroughIT {

    @TempDir
    Path workingDir;

    @Test
    void should_answer_a_stomp_client_in_another_language_with_correlated_results() throws Exception {
        assumeTrue(python(), "python3 is not installed: the STOMP walk-through is skipped");
        int port = FreePort.pick();
        try (JarProcess jar = JarProcess.start(workingDir, List.of("-Dbatchline.jms.enabled=true",
                "-Dbatchline.jms.embedded=true", "-Dbatchline.jms.port=" + port, "-Dbatchline.http.port=0",
                "-Dbatchline.local.port=0", "-Dbatchline.batch.max-wait=1s"))) {
            jar.awaitLine("Embedded broker listening");
            jar.awaitLine("Apache Camel .* started");

            Process client = new ProcessBuilder("python3", Path.of("examples/queues/stomp_client.py").toAbsolutePath()
                    .toString(), "--port", Integer.toString(port), "--timeout", "60",
                    Path.of("examples/queues/requests.jsonl").toAbsolutePath().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(client.waitFor(90, TimeUnit.SECONDS)).as("the client finished").isTrue();
            String printed = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(client.exitValue()).as(printed).isZero();
            assertThat(printed.lines().sorted().toList()).containsExactly(
                    "line-1 review-1 succeeded Offline answer to: Classify the sentiment of: The delivery was late but"
                    + " the product is great.",
                    "line-2 review-2 succeeded Offline answer to: Classify the sentiment of: Never again.",
                    "line-3 review-3 succeeded Offline answer to: Classify the sentiment of: Exactly as described.",
                    "line-4 - invalid missing_field: The record has neither prompt nor messages. (custom_id review-4)");
        }
    }

    private static boolean python() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
