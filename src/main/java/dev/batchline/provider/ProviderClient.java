package dev.batchline.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;

/**
 * The provider's Files and Batches API, called through the {@code provider-call} and {@code provider-download}
 * routes (Camel's HTTP component, with the retries of the {@code provider-calls} route configuration).
 */
public final class ProviderClient {

    public static final String CALL = "direct:provider-call";
    /** The same call without retries, for requests that must not be repeated blindly. */
    public static final String CALL_ONCE = "direct:provider-call-once";
    public static final String DOWNLOAD = "direct:provider-download";
    /** Header naming the file a download is written to. */
    public static final String DOWNLOAD_TARGET = "BatchlineDownloadTarget";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate template;
    private final Provider provider;

    public ProviderClient(ProducerTemplate template, Provider provider) {
        this.template = template;
        this.provider = provider;
    }

    public Provider provider() {
        return provider;
    }

    /** Uploads a batch input file ({@code purpose=batch}); returns the File object. */
    public JsonNode uploadBatchFile(Path file, String filename) {
        return call("Uploading " + filename, "POST", "/files", MultipartEntityBuilder.create()
                .addTextBody("purpose", "batch")
                .addBinaryBody("file", file.toFile(), ContentType.create("application/jsonl"), filename)
                .build(), null);
    }

    /**
     * Creates a batch of the uploaded file; the metadata names it so it can be found again. Not retried here: a
     * creation whose answer was lost may have happened, so the caller looks the batch up before trying again.
     */
    public JsonNode createBatch(String inputFileId, String endpoint, Map<String, String> metadata) {
        ObjectNode body = JSON.createObjectNode();
        body.put("input_file_id", inputFileId);
        body.put("endpoint", endpoint);
        body.put("completion_window", "24h");
        ObjectNode meta = body.putObject("metadata");
        metadata.forEach(meta::put);
        return call(CALL_ONCE, "Creating a batch of " + inputFileId, "POST", "/batches", body.toString(),
                "application/json");
    }

    public JsonNode retrieveBatch(String batchId) {
        return call("Retrieving " + batchId, "GET", "/batches/" + encode(batchId), null, null);
    }

    /** One page of batches, newest first, after the given batch id. */
    public JsonNode listBatches(String after, int limit) {
        return call("Listing batches", "GET", "/batches?limit=" + limit + (after == null ? "" : "&after="
                                                                                               + encode(after)),
                null, null);
    }

    public JsonNode cancelBatch(String batchId) {
        return call("Cancelling " + batchId, "POST", "/batches/" + encode(batchId) + "/cancel", "", null);
    }

    public JsonNode deleteFile(String fileId) {
        return call("Deleting " + fileId, "DELETE", "/files/" + encode(fileId), null, null);
    }

    /** Downloads a file's content to {@code target}, streamed. */
    public void download(String fileId, Path target) {
        Exchange exchange = template.send(DOWNLOAD, e -> {
            prepare(e.getMessage(), "GET", "/files/" + encode(fileId) + "/content", null, null);
            e.getMessage().setHeader(DOWNLOAD_TARGET, target.toString());
        });
        if (exchange.getException() != null) {
            throw ProviderException.from("Downloading " + fileId, exchange.getException());
        }
    }

    /** One page of files of a purpose, newest first, after the given file id. */
    public JsonNode listFiles(String purpose, String after, int limit) {
        return call("Listing files", "GET", "/files?purpose=" + encode(purpose) + "&limit=" + limit
                                            + (after == null ? "" : "&after=" + encode(after)), null, null);
    }

    private JsonNode call(String what, String method, String path, Object body, String contentType) {
        return call(CALL, what, method, path, body, contentType);
    }

    private JsonNode call(String route, String what, String method, String path, Object body, String contentType) {
        Exchange exchange = template.send(route, e -> prepare(e.getMessage(), method, path, body, contentType));
        if (exchange.getException() != null) {
            throw ProviderException.from(what, exchange.getException());
        }
        String text = exchange.getMessage().getBody(String.class);
        try {
            return JSON.readTree(text == null || text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": the provider answered with a body that is not JSON", e);
        }
    }

    private void prepare(Message message, String method, String path, Object body, String contentType) {
        message.setHeader(Exchange.HTTP_URI, provider.url(path));
        message.setHeader(Exchange.HTTP_METHOD, method);
        provider.authorize(message);
        if (contentType != null) {
            message.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        message.setBody(body);
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
