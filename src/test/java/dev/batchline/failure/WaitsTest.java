package dev.batchline.failure;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;

import dev.batchline.Headers;
import dev.batchline.LogLines;
import dev.batchline.MovableClock;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Work that waits after a failure: a back-off of its own, one line when it starts, one when it goes on. */
class WaitsTest {

    private static final String PROVIDER = "http://127.0.0.1:18089/v1";

    private final MovableClock clock = new MovableClock();
    private final Waits waits = new Waits(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(2)), clock);
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final LogLines log = LogLines.capture();

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void should_let_one_batch_wait_with_a_growing_back_off_while_the_others_are_ready() {
        for (int failure = 1; failure <= 3; failure++) {
            waits.waitAfter(failedBatch(7, call(7, http(409, Map.of()))));
        }

        assertThat(waits.ready(Waits.batch(7))).isFalse();
        assertThat(waits.ready(Waits.batch(8))).isTrue();
        assertThat(waits.ready(Waits.provider(PROVIDER))).as("a 409 concerns one request").isTrue();
        clock.move(Duration.ofMillis(1999));
        assertThat(waits.ready(Waits.batch(7))).as("after the third failure it waits 2 to 4 s").isFalse();
        clock.move(Duration.ofMillis(2001));
        assertThat(waits.ready(Waits.batch(7))).isTrue();
        assertThat(log.at(Level.WARN, "Batch 7 waits: Uploading batchline-7.jsonl failed: HTTP 409")).hasSize(1);
        assertThat(log.at(Level.WARN, "")).hasSize(1);
    }

    @Test
    void should_let_the_whole_provider_wait_when_it_does_not_answer_with_one_line_each_way() {
        Exchange first = failedBatch(3, call(3, new ConnectException("Connection refused")));
        Exchange second = failedBatch(4, call(4, new ConnectException("Connection refused")));
        waits.waitAfter(first);
        waits.waitAfter(second);

        assertThat(waits.ready(Waits.provider(PROVIDER))).isFalse();
        assertThat(waits.ready(Waits.batch(3))).isFalse();
        assertThat(log.at(Level.WARN, "")).singleElement().asString()
                .startsWith("Provider " + PROVIDER + " waits: Uploading batchline-3.jsonl failed")
                .contains("(batch 3)");

        clock.move(Duration.ofSeconds(30));
        waits.endWait(Waits.provider(PROVIDER));
        waits.recovered(first);
        waits.recovered(second);

        assertThat(log.at(Level.INFO, "")).singleElement().asString()
                .isEqualTo("Provider " + PROVIDER + " goes on after waiting 30 s (2 failures)");
    }

    @Test
    void should_wait_as_long_as_the_provider_asks() {
        waits.waitAfter(failedBatch(3, call(3, http(429, Map.of("Retry-After", "120")))));

        clock.move(Duration.ofSeconds(119));
        assertThat(waits.ready(Waits.batch(3))).isFalse();
        assertThat(waits.ready(Waits.provider(PROVIDER))).isFalse();
        clock.move(Duration.ofSeconds(1));
        assertThat(waits.ready(Waits.batch(3))).isTrue();
        assertThat(waits.ready(Waits.provider(PROVIDER))).isTrue();
    }

    @Test
    void should_say_once_when_the_work_goes_on() {
        Exchange failed = failedBatch(5, call(5, http(409, Map.of())));
        waits.waitAfter(failed);
        clock.move(Duration.ofSeconds(12));

        waits.recovered(failed);
        waits.recovered(failed);

        assertThat(waits.waiting(Waits.batch(5))).isFalse();
        assertThat(log.at(Level.INFO, "Batch 5 goes on after waiting 12 s")).hasSize(1);
    }

    @Test
    void should_log_batchlines_own_failures_as_errors() {
        waits.waitAfter(failedBatch(9, new IllegalStateException("State store: disk full")));

        assertThat(log.at(Level.ERROR, "Batch 9 waits after a failure in Batchline itself")).hasSize(1);
    }

    private static ProviderException call(long batch, Exception failure) {
        return ProviderException.from("Uploading batchline-" + batch + ".jsonl", PROVIDER, failure);
    }

    private static HttpOperationFailedException http(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://127.0.0.1:18089/v1/files", status, "failed", null, headers,
                "{}");
    }

    private Exchange failedBatch(long batch, Exception failure) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Headers.BATCH, batch);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    /** A clock the test moves. */
}
