package dev.batchline.inbox;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.work.RequestId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-record part of intake: one simple record turned into a batch line, by the streaming {@link RecordFormat}
 * and, for comparison, through a Jackson tree as the first version did.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordFormatBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] record = ("{\"id\":\"r-0000042\",\"prompt\":\"Summarise this review in one sentence: lid"
                                   + " design. strap strap fit speed design. colour delivery. sound smell manual strap"
                                   + " fit taste finish battery handle. setup. lid finish design. taste. battery.\"}")
            .getBytes(StandardCharsets.UTF_8);
    private final RecordFormat format = new RecordFormat("gpt-4o-mini", null);
    private final LineBuffer line = new LineBuffer();
    private final RequestId id = new RequestId(1, 42, 1);

    @Benchmark
    public int streaming() {
        format.parse(record, record.length, "bench-", 1, id, line);
        return line.size();
    }

    @Benchmark
    public int tree() throws Exception {
        JsonNode node = JSON.readTree(record);
        ObjectNode batchLine = JSON.createObjectNode();
        batchLine.put("custom_id", id.text());
        batchLine.put("method", "POST");
        batchLine.put("url", "/v1/chat/completions");
        ObjectNode body = batchLine.putObject("body");
        body.put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", node.path("prompt").asText());
        return JSON.writeValueAsBytes(batchLine).length;
    }
}
