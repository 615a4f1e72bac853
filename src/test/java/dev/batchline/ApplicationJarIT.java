package dev.batchline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar batchline.jar} from any directory: routes from the jar, the local provider inside. */
class ApplicationJarIT {

    @TempDir
    Path workingDir;

    @Test
    void should_start_with_the_jars_routes_and_the_embedded_local_provider() throws Exception {
        try (JarProcess jar = JarProcess.start(workingDir, List.of("-Dbatchline.local.port=0"))) {
            String baseUrl = jar.awaitLine("Local provider listening on (http://\\S+)");
            jar.awaitLine("Apache Camel .* started");

            HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(jar.output()).contains("loading the copy of the routes inside the jar");
            jar.stop();
            assertThat(jar.output()).contains("Local provider stopped");
        }
    }
}
