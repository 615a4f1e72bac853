package dev.batchline.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider's HTTP API: OpenAI's Files, Batches and real-time endpoints under {@code /v1}, with OpenAI's
 * objects, errors and status codes, the key check, the rate limit and the injected faults.
 */
final class ProviderApi implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderApi.class);

    static final Set<String> ENDPOINTS =
            Set.of("/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations");
    private static final Set<String> PURPOSES =
            Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
    private static final long MIN_EXPIRY_SECONDS = 3600;
    private static final long MAX_EXPIRY_SECONDS = 2_592_000;
    private static final int MAX_METADATA_PAIRS = 16;
    private static final List<String> OFFLINE_MODELS = List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5-mini",
            "text-embedding-3-small", "text-embedding-3-large", "omni-moderation-latest");

    private final LocalProviderSettings settings;
    private final FileStore files;
    private final BatchStore batches;
    private final BatchRunner runner;
    private final Model model;
    private final Supplier<Faults> faults;
    private final RequestRate rate;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Executor executor;
    private final AtomicLong requests = new AtomicLong();

    ProviderApi(LocalProviderSettings settings, FileStore files, BatchStore batches, BatchRunner runner, Model model,
                Supplier<Faults> faults, Clock clock, ScheduledExecutorService timer, Executor executor) {
        this.settings = settings;
        this.files = files;
        this.batches = batches;
        this.runner = runner;
        this.model = model;
        this.faults = faults;
        this.rate = new RequestRate(settings.requestsPerMinute(), clock);
        this.clock = clock;
        this.timer = timer;
        this.executor = executor;
    }

    /** Requests received so far, whatever became of them. */
    long requests() {
        return requests.get();
    }

    @Override
    public void handle(HttpExchange exchange) {
        requests.incrementAndGet();
        long started = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Faults.Kind fault = Faults.Kind.NONE;
        Reply reply;
        try {
            checkKey(exchange);
            String group = group(method, path);
            Faults currentFaults = faults.get();
            fault = group == null ? Faults.Kind.NONE : currentFaults.pick(group);
            if (fault != Faults.Kind.NONE) {
                LOG.debug("Local provider: injecting {} into {} {}", fault, method, path);
            }
            switch (fault) {
                case TOO_MANY_REQUESTS -> reply = tooManyRequests(currentFaults.retryAfterSeconds() * 1000L,
                        "Rate limit reached (injected by the local provider). Please try again later.");
                case SERVER_ERROR -> reply = Reply.of(new ApiError(500, "server_error",
                        "The server had an error while processing your request. Sorry about that!", null, null));
                case OVERLOADED -> reply = Reply.of(new ApiError(503, "server_error",
                        "The engine is currently overloaded, please try again later.", null, null));
                case DROP -> {
                    if (!path.endsWith("/content")) {
                        exchange.close();
                        return;
                    }
                    reply = route(exchange, method, path);
                }
                default -> reply = route(exchange, method, path);
            }
        } catch (ApiError e) {
            reply = Reply.of(e);
        } catch (Exception e) {
            LOG.warn("Local provider: {} {} failed", method, path, e);
            reply = Reply.of(new ApiError(500, "server_error",
                    "The server had an error while processing your request. Sorry about that!", null, null));
        }
        if (fault == Faults.Kind.LOST_RESPONSE) {
            exchange.close();
            return;
        }
        long delay = fault == Faults.Kind.SLOW ? faults.get().slowDelay().toMillis() : 0;
        if (ENDPOINTS.contains(path) && reply instanceof Reply.JsonBody) {
            delay += settings.latency().toMillis();
        }
        reply.headers().put("x-request-id", "req_" + Ids.request());
        reply.headers().put("openai-version", "2020-10-01");
        reply.headers().put("openai-processing-ms",
                Long.toString(delay + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
        Reply finalReply = reply;
        boolean cutOff = fault == Faults.Kind.DROP;
        if (delay > 0) {
            timer.schedule(() -> executor.execute(() -> send(exchange, finalReply, cutOff)), delay,
                    TimeUnit.MILLISECONDS);
        } else {
            send(exchange, finalReply, cutOff);
        }
    }

    private void checkKey(HttpExchange exchange) {
        String key = settings.apiKey();
        if (key == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "invalid_request_error", "You didn't provide an API key. You need to provide your"
                    + " API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    null, null);
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, key.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "invalid_request_error", "Incorrect API key provided.", null,
                    "invalid_api_key");
        }
    }

    /** The fault group of a request, or null for an unknown URL. */
    private static String group(String method, String path) {
        if (path.equals("/v1/files")) {
            return method.equals("POST") ? "upload" : "files";
        }
        if (path.startsWith("/v1/files/")) {
            return path.endsWith("/content") ? "content" : "files";
        }
        if (path.equals("/v1/batches") || path.startsWith("/v1/batches/")) {
            return "batches";
        }
        return switch (path) {
            case "/v1/chat/completions" -> "chat";
            case "/v1/embeddings" -> "embeddings";
            case "/v1/completions" -> "completions";
            case "/v1/responses" -> "responses";
            case "/v1/moderations" -> "moderations";
            default -> null;
        };
    }

    private Reply route(HttpExchange exchange, String method, String path) throws IOException {
        if (ENDPOINTS.contains(path)) {
            return method.equals("POST") ? realtime(exchange, path) : invalid(method, path);
        }
        String[] parts = path.split("/");
        // "", "v1", resource, id, action
        if (parts.length < 3 || !parts[1].equals("v1")) {
            throw ApiError.invalidUrl(method, path);
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String resource = parts[2];
        String id = parts.length > 3 ? decode(parts[3]) : null;
        String action = parts.length > 4 ? parts[4] : null;
        if (parts.length > 5) {
            throw ApiError.invalidUrl(method, path);
        }
        switch (resource) {
            case "files":
                if (id == null) {
                    return method.equals("POST") ? upload(exchange) : method.equals("GET") ? listFiles(query)
                            : invalid(method, path);
                }
                if (action == null) {
                    return method.equals("GET") ? new Reply.JsonBody(200, file(id).toJson())
                            : method.equals("DELETE") ? deleteFile(id) : invalid(method, path);
                }
                return action.equals("content") && method.equals("GET") ? content(exchange, id)
                        : invalid(method, path);
            case "batches":
                if (id == null) {
                    return method.equals("POST") ? createBatch(exchange) : method.equals("GET") ? listBatches(query)
                            : invalid(method, path);
                }
                if (action == null) {
                    return method.equals("GET") ? new Reply.JsonBody(200, batch(id).toJson()) : invalid(method, path);
                }
                return action.equals("cancel") && method.equals("POST") ? cancel(id) : invalid(method, path);
            case "models":
                return method.equals("GET") && id == null ? models() : invalid(method, path);
            default:
                return invalid(method, path);
        }
    }

    private static Reply invalid(String method, String path) {
        throw ApiError.invalidUrl(method, path);
    }

    // ---- files

    private Reply upload(HttpExchange exchange) throws IOException {
        Path temp = files.newTempFile();
        try {
            MultipartForm form;
            try (InputStream body = exchange.getRequestBody()) {
                form = MultipartForm.read(body, exchange.getRequestHeaders().getFirst("Content-Type"), "file", temp,
                        settings.maxUploadBytes());
            }
            String purpose = form.field("purpose");
            if (purpose == null || purpose.isBlank()) {
                throw Json.missing("purpose");
            }
            if (!PURPOSES.contains(purpose)) {
                throw ApiError.invalidRequest("Invalid value for 'purpose': '" + purpose + "'. Supported values are:"
                                              + " " + PURPOSES + ".", "purpose", "invalid_value");
            }
            if (form.filename() == null) {
                throw Json.missing("file");
            }
            if (purpose.equals("batch") && !form.filename().toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
                throw ApiError.invalidRequest("Invalid file format for Batch API. Must be .jsonl", "file",
                        "invalid_file_format");
            }
            Long expiresAfter = expiresAfter(form.field("expires_after[anchor]"), form.field("expires_after[seconds]"),
                    "expires_after");
            StoredFile file = files.add(Ids.file(), temp, form.filename(), purpose, expiresAfter);
            LOG.debug("Local provider: stored {} ({} bytes) as {}", file.filename(), file.bytes(), file.id());
            return new Reply.JsonBody(200, file.toJson());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Long expiresAfter(String anchor, String seconds, String param) {
        if (anchor == null && seconds == null) {
            return null;
        }
        if (!"created_at".equals(anchor)) {
            throw ApiError.invalidRequest("Invalid value for '" + param + "[anchor]': the only supported anchor is"
                                          + " 'created_at'.", param + "[anchor]", "invalid_value");
        }
        long value;
        try {
            value = Long.parseLong(seconds == null ? "" : seconds.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalidRequest("Invalid value for '" + param + "[seconds]': expected an integer.",
                    param + "[seconds]", "invalid_type");
        }
        if (value < MIN_EXPIRY_SECONDS || value > MAX_EXPIRY_SECONDS) {
            throw ApiError.invalidRequest("Invalid '" + param + "[seconds]': " + value + " is out of range; expected"
                                          + " a value between " + MIN_EXPIRY_SECONDS + " and " + MAX_EXPIRY_SECONDS
                                          + ".", param + "[seconds]", "invalid_value");
        }
        return value;
    }

    private StoredFile file(String id) {
        return files.find(id).orElseThrow(() -> ApiError.notFound("No such File object: " + id, "id"));
    }

    private Reply listFiles(Map<String, String> query) {
        int limit = limit(query, 10_000, 10_000);
        String order = query.getOrDefault("order", "desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw ApiError.invalidRequest("Invalid value for 'order': '" + order + "'. Supported values are: 'asc'"
                                          + " and 'desc'.", "order", "invalid_value");
        }
        String after = query.get("after");
        if (after != null) {
            file(after);
        }
        List<StoredFile> page = files.list(query.get("purpose"), order.equals("asc"), after, limit + 1);
        ArrayNode data = Json.MAPPER.createArrayNode();
        page.stream().limit(limit).forEach(file -> data.add(file.toJson()));
        return new Reply.JsonBody(200, page(data, page.size() > limit));
    }

    private Reply deleteFile(String id) {
        file(id);
        files.delete(id);
        ObjectNode deleted = Json.MAPPER.createObjectNode();
        deleted.put("id", id);
        deleted.put("object", "file");
        deleted.put("deleted", true);
        return new Reply.JsonBody(200, deleted);
    }

    private Reply content(HttpExchange exchange, String id) {
        StoredFile file = file(id);
        long total = file.bytes();
        long offset = 0;
        long length = total;
        boolean partial = false;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && !range.contains(",")) {
            String[] bounds = range.substring(6).split("-", -1);
            try {
                long first = bounds[0].isEmpty() ? total - Long.parseLong(bounds[1]) : Long.parseLong(bounds[0]);
                long last = bounds[0].isEmpty() || bounds[1].isEmpty() ? total - 1 : Long.parseLong(bounds[1]);
                if (first < 0 || first >= total || last < first) {
                    ApiError error = new ApiError(416, "invalid_request_error", "The requested range " + range
                                                                                + " is not satisfiable.", "range",
                            null);
                    Reply.JsonBody reply = Reply.of(error);
                    reply.headers().put("Content-Range", "bytes */" + total);
                    return reply;
                }
                offset = first;
                length = Math.min(last, total - 1) - first + 1;
                partial = true;
            } catch (NumberFormatException e) {
                // an unreadable Range header is ignored, as HTTP allows
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Accept-Ranges", "bytes");
        headers.put("Content-Disposition", "attachment; filename=\"" + file.filename().replace("\"", "") + "\"");
        if (partial) {
            headers.put("Content-Range", "bytes " + offset + "-" + (offset + length - 1) + "/" + total);
        }
        return new Reply.FileContent(files.content(id), offset, length, total, partial, headers);
    }

    // ---- batches

    private Reply createBatch(HttpExchange exchange) throws IOException {
        JsonNode body = jsonBody(exchange);
        String inputFileId = Json.requiredText(body, "input_file_id", "input_file_id");
        String endpoint = Json.requiredText(body, "endpoint", "endpoint");
        String window = Json.requiredText(body, "completion_window", "completion_window");
        if (!ENDPOINTS.contains(endpoint)) {
            throw ApiError.invalidRequest("Invalid value for 'endpoint': '" + endpoint + "'. Supported values are: "
                                          + ENDPOINTS + ".", "endpoint", "invalid_value");
        }
        if (!window.equals("24h")) {
            throw ApiError.invalidRequest("Invalid value for 'completion_window': '" + window + "'. Supported values"
                                          + " are: '24h'.", "completion_window", "invalid_value");
        }
        Map<String, String> metadata = metadata(body.get("metadata"));
        JsonNode outputExpiry = body.get("output_expires_after");
        Long outputExpiresAfter = outputExpiry == null || outputExpiry.isNull() ? null
                : expiresAfter(outputExpiry.path("anchor").asText(null), outputExpiry.path("seconds").asText(null),
                        "output_expires_after");
        StoredFile input = files.find(inputFileId)
                .orElseThrow(() -> ApiError.notFound("No such File object: " + inputFileId, "input_file_id"));
        if (!input.purpose().equals("batch")) {
            throw ApiError.invalidRequest("The input file " + inputFileId + " was uploaded with purpose '"
                                          + input.purpose() + "'; a batch needs purpose 'batch'.", "input_file_id",
                    "invalid_value");
        }
        long now = clock.millis();
        Batch batch;
        synchronized (batches) {
            if (batches.createdSince(now - 3_600_000) >= settings.maxBatchesPerHour()) {
                return tooManyRequests(60_000, "You have reached the limit of " + settings.maxBatchesPerHour()
                                               + " batch creations per hour. Please try again later.");
            }
            batch = new Batch(Ids.batch(), batches.nextSeq(), endpoint, inputFileId, window, now,
                    now + settings.completionWindow().toMillis(), metadata, outputExpiresAfter);
            batches.add(batch);
        }
        runner.run(batch);
        LOG.debug("Local provider: created {} for {} on {}", batch.id, inputFileId, endpoint);
        return new Reply.JsonBody(200, batch.toJson());
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiError.invalidRequest("Invalid type for 'metadata': expected an object, but got "
                                          + Json.describe(node) + " instead.", "metadata", "invalid_type");
        }
        if (node.size() > MAX_METADATA_PAIRS) {
            throw ApiError.invalidRequest("Invalid 'metadata': too many properties. Expected an object with at most "
                                          + MAX_METADATA_PAIRS + " properties, but got " + node.size() + ".",
                    "metadata", "object_above_max_properties");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            if (key.length() > 64) {
                throw ApiError.invalidRequest("Invalid 'metadata': the key '" + key.substring(0, 64) + "…' is longer"
                                              + " than 64 characters.", "metadata", "invalid_value");
            }
            if (!entry.getValue().isTextual()) {
                throw ApiError.invalidRequest("Invalid type for 'metadata." + key + "': expected a string, but got "
                                              + Json.describe(entry.getValue()) + " instead.", "metadata." + key,
                        "invalid_type");
            }
            String value = entry.getValue().textValue();
            if (value.length() > 512) {
                throw ApiError.invalidRequest("Invalid 'metadata." + key + "': string too long. Expected a string"
                                              + " with maximum length 512, but got a string with length "
                                              + value.length() + " instead.", "metadata." + key,
                        "string_above_max_length");
            }
            metadata.put(key, value);
        }
        return metadata;
    }

    private Batch batch(String id) {
        return batches.find(id).orElseThrow(() -> ApiError.notFound("No such Batch object: " + id, "id"));
    }

    private Reply listBatches(Map<String, String> query) {
        int limit = limit(query, 20, 100);
        String after = query.get("after");
        Batch cursor = after == null ? null : batches.find(after).orElseThrow(() -> ApiError.invalidRequest(
                "Invalid 'after': no batch has the id '" + after + "'.", "after", "invalid_value"));
        List<Batch> page = batches.list(cursor, limit + 1);
        ArrayNode data = Json.MAPPER.createArrayNode();
        page.stream().limit(limit).forEach(batch -> data.add(batch.toJson()));
        return new Reply.JsonBody(200, page(data, page.size() > limit));
    }

    private Reply cancel(String id) {
        Batch batch = batch(id);
        if (!batch.requestCancel(clock.millis())) {
            throw new ApiError(409, "invalid_request_error", "Cannot cancel a batch with status '" + batch.status()
                                                             + "'.", null, null);
        }
        batches.save(batch);
        runner.run(batch);
        LOG.debug("Local provider: cancelling {}", id);
        return new Reply.JsonBody(200, batch.toJson());
    }

    private static ObjectNode page(ArrayNode data, boolean hasMore) {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        list.set("data", data);
        list.put("first_id", data.isEmpty() ? null : data.get(0).get("id").asText());
        list.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).get("id").asText());
        list.put("has_more", hasMore);
        return list;
    }

    private static int limit(Map<String, String> query, int defaultLimit, int max) {
        String text = query.get("limit");
        if (text == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.invalidRequest("Invalid 'limit': '" + text + "'. Expected an integer between 1 and " + max
                                      + ".", "limit", "invalid_value");
    }

    // ---- real-time

    private Reply realtime(HttpExchange exchange, String endpoint) throws IOException {
        if (!rate.take()) {
            return tooManyRequests(rate.millisToReset(), "Rate limit reached for requests per minute (RPM): Limit "
                                                         + rate.limit() + ". Please try again later.");
        }
        JsonNode body = jsonBody(exchange);
        Model.Answer answer = model.answer(endpoint, body);
        Reply reply;
        if (answer.ok() && endpoint.equals("/v1/chat/completions") && body.path("stream").asBoolean(false)) {
            reply = new Reply.Events(ChatStream.events(answer.body(),
                    body.path("stream_options").path("include_usage").asBoolean(false)), new LinkedHashMap<>());
        } else {
            reply = new Reply.JsonBody(answer.status(), answer.body());
        }
        rateHeaders(reply.headers());
        return reply;
    }

    private Reply models() {
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (String name : OFFLINE_MODELS) {
            data.addObject().put("id", name).put("object", "model").put("created", 0).put("owned_by", "batchline");
        }
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        list.set("data", data);
        return new Reply.JsonBody(200, list);
    }

    private Reply.JsonBody tooManyRequests(long retryAfterMillis, String message) {
        Reply.JsonBody reply = Reply.of(new ApiError(429, "requests", message, null, "rate_limit_exceeded"));
        long millis = Math.max(0, retryAfterMillis);
        reply.headers().put("Retry-After", Long.toString((millis + 999) / 1000));
        reply.headers().put("retry-after-ms", Long.toString(millis));
        rateHeaders(reply.headers());
        return reply;
    }

    private void rateHeaders(Map<String, String> headers) {
        if (rate.limited()) {
            headers.put("x-ratelimit-limit-requests", Integer.toString(rate.limit()));
            headers.put("x-ratelimit-remaining-requests", Integer.toString(rate.remaining()));
            headers.put("x-ratelimit-reset-requests", (rate.millisToReset() + 999) / 1000 + "s");
        }
    }

    // ---- HTTP plumbing

    private JsonNode jsonBody(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                if (bytes.size() + read > settings.maxRequestBytes()) {
                    throw new ApiError(413, "invalid_request_error", "The request body is larger than the "
                                                                     + settings.maxRequestBytes()
                                                                     + " bytes allowed.", null, null);
                }
                bytes.write(buffer, 0, read);
            }
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(bytes.toByteArray());
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            throw ApiError.invalidRequest("We could not parse the JSON body of your request. (HINT: This likely means"
                                          + " you aren't using your HTTP library correctly. The OpenAI API expects a"
                                          + " JSON payload, but what was sent was not valid JSON.)", null, null);
        }
        return body;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            query.putIfAbsent(key, value);
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private void send(HttpExchange exchange, Reply reply, boolean cutOff) {
        try {
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (reply instanceof Reply.JsonBody json) {
                byte[] body = Json.MAPPER.writeValueAsBytes(json.body());
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(json.status(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } else if (reply instanceof Reply.FileContent file) {
                sendFile(exchange, file, cutOff);
            } else if (reply instanceof Reply.Events events) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (String data : events.data()) {
                        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("Local provider: the client went away before the response was sent", e);
        } finally {
            exchange.close();
        }
    }

    private static void sendFile(HttpExchange exchange, Reply.FileContent file, boolean cutOff) throws IOException {
        exchange.sendResponseHeaders(file.partial() ? 206 : 200, file.length() == 0 ? -1 : file.length());
        if (file.length() == 0) {
            return;
        }
        long toSend = cutOff ? file.length() / 2 : file.length();
        OutputStream out = exchange.getResponseBody();
        try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            WritableByteChannel target = Channels.newChannel(out);
            long sent = 0;
            while (sent < toSend) {
                long count = channel.transferTo(file.offset() + sent, toSend - sent, target);
                if (count <= 0) {
                    throw new IOException("The stored file " + file.path().getFileName() + " ended early");
                }
                sent += count;
            }
        }
        out.flush();
        if (!cutOff) {
            out.close();
        }
        // when cut off, closing the exchange with bytes missing closes the connection mid-body
    }
}
