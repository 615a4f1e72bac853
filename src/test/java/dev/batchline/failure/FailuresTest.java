package dev.batchline.failure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.ProviderUnavailableException;
import dev.batchline.state.BatchRecord;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every failure gets one class, whichever step met it (SPEC section 6). */
class FailuresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_wait_out_408_409_429_5xx_and_failures_without_an_answer() {
        for (int status : new int[] {408, 409, 429, 500, 502, 503, 504}) {
            assertThat(Failures.of(http(status, "{}"))).as("status %d", status).isEqualTo(FailureClass.TRANSIENT);
        }
        assertThat(Failures.of(call(new ConnectException("refused")))).isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.of(call(new SocketTimeoutException("read timed out")))).isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.of(new ProviderUnavailableException("the local provider is disabled")))
                .isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.of(new UnknownOutcomeException("the lookup failed", call(http(404, "{}")))))
                .as("a creation that could not be looked up is never refused nor recreated")
                .isEqualTo(FailureClass.TRANSIENT);
    }

    @Test
    void should_retry_a_call_in_place_only_when_it_got_no_answer_or_a_transient_one() {
        assertThat(Failures.ofCall(new ConnectException("refused"))).isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.ofCall(new IOException("connection reset"))).isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.ofCall(http(503, "{}"))).isEqualTo(FailureClass.TRANSIENT);
        assertThat(Failures.ofCall(http(400, "{}"))).isEqualTo(FailureClass.REFUSED);
        assertThat(Failures.ofCall(new IllegalArgumentException("no prompt"))).isEqualTo(FailureClass.UNEXPECTED);
    }

    @Test
    void should_tell_a_failure_of_the_whole_provider_from_one_of_a_request() {
        assertThat(Failures.providerWide(call(new ConnectException("refused")))).isTrue();
        assertThat(Failures.providerWide(call(http(429, "{}")))).isTrue();
        assertThat(Failures.providerWide(call(http(503, "{}")))).isTrue();
        assertThat(Failures.providerWide(call(http(409, "{}")))).isFalse();
        assertThat(Failures.providerWide(call(http(400, "{}")))).isFalse();
    }

    @Test
    void should_tell_a_refused_key_a_lost_object_and_a_refusal_apart() {
        assertThat(Failures.of(http(401, error("invalid_api_key", "Incorrect API key provided."))))
                .isEqualTo(FailureClass.KEY_REFUSED);
        assertThat(Failures.of(http(403, "{}"))).isEqualTo(FailureClass.KEY_REFUSED);
        assertThat(Failures.of(http(404, error(null, "No batch found with id 'batch_x'."))))
                .isEqualTo(FailureClass.LOST);
        assertThat(Failures.of(http(400, error("invalid_value", "Invalid 'endpoint': '/v1/nope'."))))
                .isEqualTo(FailureClass.REFUSED);
        assertThat(Failures.of(http(422, "{}"))).isEqualTo(FailureClass.REFUSED);
    }

    @Test
    void should_know_a_refusal_that_names_a_size_as_too_large() {
        assertThat(Failures.of(http(413, "<html>Request Entity Too Large</html>"))).isEqualTo(FailureClass.TOO_LARGE);
        assertThat(Failures.of(http(400, error("file_too_large", "File is too large: the largest upload allowed is"
                                                                 + " 1048576 bytes.")))).isEqualTo(FailureClass.TOO_LARGE);
        assertThat(Failures.of(http(400, error(null, "The file exceeds the maximum size of 200 MB."))))
                .isEqualTo(FailureClass.TOO_LARGE);
    }

    @Test
    void should_call_batchlines_own_trouble_unexpected() {
        assertThat(Failures.of(new IllegalStateException("State store: disk full")))
                .isEqualTo(FailureClass.UNEXPECTED);
        assertThat(Failures.of(new IOException("No space left on device"))).isEqualTo(FailureClass.UNEXPECTED);
        assertThat(Failures.of(new NullPointerException())).isEqualTo(FailureClass.UNEXPECTED);
    }

    @Test
    void should_tell_input_that_can_never_be_a_record_from_an_endpoint_that_did_not_take_a_result() {
        assertThat(Failures.of(new RuntimeException(new InvalidRecordException("missing_field", "no prompt"))))
                .isEqualTo(FailureClass.INVALID);
        assertThat(Failures.of(new ResultNotSentException("Sending the result of r-1 failed",
                new IllegalStateException("No consumers")))).isEqualTo(FailureClass.TRANSIENT);
    }

    @Test
    void should_classify_a_batch_that_failed_by_its_errors() throws Exception {
        assertThat(Failures.ofEnded(ended("failed"), errors("[{\"code\":\"too_many_tasks\",\"message\":\"The batch"
                + " input file has more than the 3 requests allowed in one batch.\",\"line\":4}]")))
                .isEqualTo(FailureClass.TOO_LARGE);
        assertThat(Failures.ofEnded(ended("failed"), errors("[{\"code\":\"token_limit_exceeded\",\"message\":"
                + "\"Enqueued token limit reached for gpt-4o-mini.\",\"line\":null}]")))
                .isEqualTo(FailureClass.TOKEN_LIMIT);
        assertThat(Failures.ofEnded(ended("failed"), errors("[{\"code\":\"model_not_found\",\"message\":\"The model"
                + " 'gpt-x' does not exist or you do not have access to it.\",\"line\":null}]")))
                .isEqualTo(FailureClass.REFUSED);
        assertThat(Failures.ofEnded(ended("failed"), errors("[{\"code\":\"invalid_json_line\",\"message\":\"This line"
                + " is not parseable as valid JSON.\",\"line\":7}]"))).isEqualTo(FailureClass.REFUSED);
        assertThat(Failures.ofEnded(ended(BatchRecord.REFUSED), errors("[{\"code\":\"http_413\",\"message\":"
                + "\"HTTP 413\",\"line\":null}]"))).isEqualTo(FailureClass.TOO_LARGE);
        assertThat(Failures.ofEnded(ended(BatchRecord.LOST), errors("[]"))).isEqualTo(FailureClass.LOST);
        assertThat(Failures.ofEnded(ended("expired"), errors("[]"))).isNull();
        assertThat(Failures.ofEnded(ended("completed"), errors("[]"))).isNull();
    }

    private static ProviderException call(Exception failure) {
        return ProviderException.from("Uploading batchline-1.jsonl", "http://127.0.0.1:18089/v1", failure);
    }

    private static HttpOperationFailedException http(int status, String body) {
        return new HttpOperationFailedException("http://provider/v1/files", status, "failed", null, Map.of(), body);
    }

    private static String error(String code, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,"
               + "\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    private static JsonNode errors(String json) throws IOException {
        return JSON.readTree(json);
    }

    private static BatchRecord ended(String providerStatus) {
        return new BatchRecord(1, "key", "local", "/v1/chat/completions", "gpt-4o-mini", BatchRecord.ENDED,
                "batches/1/input.jsonl", 5, 500, null, "file-1", "batch_1", providerStatus, 5, 0, 0, null, null, null,
                Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, null, Instant.EPOCH, null, null, null);
    }
}
