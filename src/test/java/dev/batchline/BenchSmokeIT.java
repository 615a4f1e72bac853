package dev.batchline;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.batchline.bench.Bench;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmarks in their smoke size, so that bench/run keeps working; the figures are not judged here. */
class BenchSmokeIT {

    @Test
    void should_run_every_benchmark_scenario() throws Exception {
        Path out = Path.of("target", "bench-smoke");

        Bench.main(new String[] {"--smoke", "--out", out.toString()});

        String results = Files.readString(out.resolve("results.md"));
        assertThat(results).contains("Ingest", "Deliver", "End to end", "Real-time", "Polling", "Start-up",
                "Resident memory");
        assertThat(results).doesNotContain("failed", "did not finish", "NaN");
    }
}
