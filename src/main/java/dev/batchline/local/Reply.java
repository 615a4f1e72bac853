package dev.batchline.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** What the local provider answers to one HTTP request, built by a handler and sent by {@link ProviderApi}. */
sealed interface Reply {

    Map<String, String> headers();

    /** A JSON body with a status. */
    record JsonBody(int status, JsonNode body, Map<String, String> headers) implements Reply {
        JsonBody(int status, JsonNode body) {
            this(status, body, new LinkedHashMap<>());
        }
    }

    /** A range of a stored file, streamed from disk; {@code partial} answers a Range request with 206. */
    record FileContent(Path path, long offset, long length, long total, boolean partial, Map<String, String> headers)
            implements Reply {
    }

    /** Server-sent events, as a streamed chat completion sends them. */
    record Events(List<String> data, Map<String, String> headers) implements Reply {
    }

    static JsonBody of(ApiError error) {
        return new JsonBody(error.status(), error.body());
    }
}
