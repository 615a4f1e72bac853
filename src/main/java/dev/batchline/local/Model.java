package dev.batchline.local;

import com.fasterxml.jackson.databind.JsonNode;

/** What executes one request of a batch or a real-time call: the offline model or an upstream server. */
interface Model {

    /**
     * The HTTP status and body of one request to {@code endpoint} (such as {@code /v1/chat/completions}), with the
     * tokens it used. A request the model rejects is an answer with a 4xx status and an error body, not an exception.
     */
    Answer answer(String endpoint, JsonNode body);

    record Answer(int status, JsonNode body, long inputTokens, long outputTokens) {

        static Answer of(ApiError error) {
            return new Answer(error.status(), error.body(), 0, 0);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }
}
