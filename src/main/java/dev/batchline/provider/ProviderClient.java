package dev.batchline.provider;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.failure.Waits;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;

/**
 * A provider's Files and Batches API, called through the {@code provider-call} and {@code provider-download} routes
 * (Camel's HTTP component, with the retries in place of the {@code provider-calls} route configuration). Each call
 * names the provider it goes to; a call that succeeds ends the wait of that provider, if it waited.
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
    private final Waits waits;

    public ProviderClient(ProducerTemplate template, Waits waits) {
        this.template = template;
        this.waits = waits;
    }

    /** Uploads a batch input file ({@code purpose=batch}); returns the File object. */
    public JsonNode uploadBatchFile(Provider provider, Path file, String filename) {
        return call(provider, "Uploading " + filename, "POST", "/files", MultipartEntityBuilder.create()
                .addTextBody("purpose", "batch")
                .addBinaryBody("file", file.toFile(), ContentType.create("application/jsonl"), filename)
                .build(), null);
    }

    /**
     * Creates a batch of the uploaded file; the metadata names it so it can be found again. Not retried here: a
     * creation whose answer was lost may have happened, so the caller looks the batch up before trying again.
     */
    public JsonNode createBatch(Provider provider, String inputFileId, String endpoint, Map<String, String> metadata) {
        ObjectNode body = JSON.createObjectNode();
        body.put("input_file_id", inputFileId);
        body.put("endpoint", endpoint);
        body.put("completion_window", "24h");
        ObjectNode meta = body.putObject("metadata");
        metadata.forEach(meta::put);
        return call(CALL_ONCE, provider, "Creating a batch of " + inputFileId, "POST", "/batches", body.toString(),
                "application/json");
    }

    public JsonNode retrieveFile(Provider provider, String fileId) {
        return call(provider, "Retrieving " + fileId, "GET", "/files/" + encode(fileId), null, null);
    }

    public JsonNode retrieveBatch(Provider provider, String batchId) {
        return call(provider, "Retrieving " + batchId, "GET", "/batches/" + encode(batchId), null, null);
    }

    /** One page of batches, newest first, after the given batch id. */
    public JsonNode listBatches(Provider provider, String after, int limit) {
        return call(provider, "Listing batches", "GET", "/batches?limit=" + limit
                                                        + (after == null ? "" : "&after=" + encode(after)), null, null);
    }

    public JsonNode cancelBatch(Provider provider, String batchId) {
        return call(provider, "Cancelling " + batchId, "POST", "/batches/" + encode(batchId) + "/cancel", "", null);
    }

    public JsonNode deleteFile(Provider provider, String fileId) {
        return call(provider, "Deleting " + fileId, "DELETE", "/files/" + encode(fileId), null, null);
    }

    /** Downloads a file's content to {@code target}, streamed. */
    public void download(Provider provider, String fileId, Path target) {
        String what = "Downloading " + fileId;
        Exchange exchange = template.send(DOWNLOAD, e -> {
            prepare(provider, e.getMessage(), "GET", "/files/" + encode(fileId) + "/content", null, null);
            e.getMessage().setHeader(DOWNLOAD_TARGET, target.toString());
        });
        if (exchange.getException() != null) {
            throw ProviderException.from(what, provider.name(), exchange.getException());
        }
        answered(provider);
    }

    /** One page of files of a purpose, newest first, after the given file id. */
    public JsonNode listFiles(Provider provider, String purpose, String after, int limit) {
        return call(provider, "Listing files", "GET", "/files?purpose=" + encode(purpose) + "&limit=" + limit
                                                      + (after == null ? "" : "&after=" + encode(after)), null, null);
    }

    private JsonNode call(Provider provider, String what, String method, String path, Object body,
                          String contentType) {
        return call(CALL, provider, what, method, path, body, contentType);
    }

    private JsonNode call(String route, Provider provider, String what, String method, String path, Object body,
                          String contentType) {
        Exchange exchange = template.send(route, e -> prepare(provider, e.getMessage(), method, path, body,
                contentType));
        if (exchange.getException() != null) {
            throw ProviderException.from(what, provider.name(), exchange.getException());
        }
        String text = exchange.getMessage().getBody(String.class);
        JsonNode answer;
        try {
            answer = JSON.readTree(text == null || text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            throw ProviderException.malformed(what, provider.name(), e);
        }
        if (!answer.isObject()) {
            throw ProviderException.malformed(what, provider.name(), null);
        }
        answered(provider);
        return answer;
    }

    /** The provider answered a call: whatever it waited for is over. */
    private void answered(Provider provider) {
        waits.endWait(Waits.provider(provider.name()));
        waits.endWait(Waits.keyOf(provider.name()));
    }

    private static void prepare(Provider provider, Message message, String method, String path, Object body,
                                String contentType) {
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
