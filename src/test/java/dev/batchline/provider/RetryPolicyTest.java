package dev.batchline.provider;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofSeconds(2), () -> 1.0);

    @Test
    void should_wait_as_long_as_the_provider_asks() {
        assertThat(policy.delayMillis(failure(429, Map.of("Retry-After", "7")), 0)).isEqualTo(7000);
        assertThat(policy.delayMillis(failure(429, Map.of("retry-after-ms", "250", "Retry-After", "1")), 3))
                .isEqualTo(250);
        assertThat(policy.delayMillis(failure(503, Map.of("Retry-After", "3600")), 0)).isEqualTo(30_000);
    }

    @Test
    void should_back_off_exponentially_with_jitter_up_to_the_cap() {
        assertThat(policy.delayMillis(failure(500, Map.of()), 0)).isEqualTo(500);
        assertThat(policy.delayMillis(failure(500, Map.of()), 3)).isEqualTo(4000);
        assertThat(policy.delayMillis(new IOException(), 10)).isEqualTo(30_000);
        RetryPolicy lowJitter = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(2),
                () -> 0.0);
        assertThat(lowJitter.delayMillis(failure(500, Map.of()), 3)).isEqualTo(2000);
    }

    @Test
    void should_let_waiting_work_wait_as_long_as_the_provider_asks_up_to_an_hour() {
        ProviderException asked = ProviderException.from("Uploading", "local", failure(429, Map.of("Retry-After",
                "120")));
        assertThat(policy.waitMillis(asked, 1)).isEqualTo(120_000);
        assertThat(policy.waitMillis(failure(429, Map.of("Retry-After", "86400")), 1)).isEqualTo(3_600_000);
        assertThat(policy.waitMillis(failure(503, Map.of()), 1)).isEqualTo(500);
        assertThat(policy.waitMillis(failure(503, Map.of()), 4)).isEqualTo(4000);
        assertThat(policy.waitMillis(failure(503, Map.of()), 40)).isEqualTo(30_000);
    }

    private static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://provider/v1/batches", status, "failed", null, headers,
                "{\"error\":{\"message\":\"x\"}}");
    }
}
