package dev.batchline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A generated source for the crash tests: simple records with two models, about one line in fifty not JSON; it is
 * dropped into an inbox as a user would (written aside, then moved in), and its outbox results are checked.
 */
record Workload(String name, String content, List<String> ids) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sources named source-1, source-2, ...; one in four is large, so that a kill lands while a file is read. */
    static List<Workload> sources(int count, Random random) {
        List<Workload> sources = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            sources.add(generate("source-" + i, random.nextInt(4) == 0 ? 4000 : 50 + random.nextInt(400), random));
        }
        return sources;
    }

    /**
     * The options of an application under a crash test: the provider's base URL, small batches, and fast timings,
     * so that every step happens many times in a short run.
     */
    static List<String> applicationOptions(StandaloneProvider provider) {
        return List.of("-Dbatchline.provider=" + provider.baseUrl(), "-Dbatchline.local.enabled=false",
                "-Dbatchline.http.port=0", "-Dbatchline.provider.delete-files=false",
                "-Dbatchline.batch.max-requests=200", "-Dbatchline.batch.max-wait=1s",
                "-Dbatchline.batch.max-attempts=5", "-Dbatchline.batch.check-interval=100",
                "-Dbatchline.poll.interval=200", "-Dbatchline.inbox.settle-time=100",
                "-Dbatchline.inbox.settle-timeout=300", "-Dbatchline.inbox.poll-delay=100",
                "-Dbatchline.retry.initial-delay=10ms", "-Dbatchline.retry.max-delay=200ms");
    }

    static Workload generate(String name, int count, Random random) {
        StringBuilder content = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (random.nextInt(50) == 0) {
                content.append("{not json ").append(i).append('\n');
                ids.add("invalid-" + i);
            } else {
                String id = name + "-" + i;
                content.append("{\"id\":\"").append(id).append("\",\"prompt\":\"record ").append(i).append('"')
                        .append(random.nextBoolean() ? ",\"model\":\"gpt-4.1-mini\"" : "").append("}\n");
                ids.add(id);
            }
        }
        return new Workload(name, content.toString(), ids);
    }

    /** Writes the file next to the inbox and moves it in, so the inbox never sees it half written. */
    void drop(Path workingDir) throws IOException {
        Path staged = workingDir.resolve(name + ".jsonl");
        Files.writeString(staged, content);
        Files.createDirectories(workingDir.resolve("inbox"));
        Files.move(staged, workingDir.resolve("inbox").resolve(name + ".jsonl"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether its summary is in the outbox. */
    boolean delivered(Path workingDir) {
        return Files.exists(outbox(workingDir, ".summary.json"));
    }

    /** Its records without their one result in input order: answered, or reported invalid for a line not JSON. */
    int lost(Path workingDir) throws IOException {
        List<JsonNode> results = results(workingDir);
        int lost = 0;
        for (int i = 0; i < ids.size(); i++) {
            String expected = ids.get(i);
            JsonNode line = i < results.size() ? results.get(i) : null;
            boolean answered = line != null && line.path("response").path("status_code").asInt() == 200
                               && expected.equals(line.path("custom_id").asText());
            boolean reported = line != null && expected.startsWith("invalid-")
                               && line.path("error").path("code").asText().equals("invalid_json");
            if (!answered && !reported) {
                lost++;
            }
        }
        return lost;
    }

    /** Result lines beyond one per record. */
    int duplicated(Path workingDir) throws IOException {
        return Math.max(0, results(workingDir).size() - ids.size());
    }

    private List<JsonNode> results(Path workingDir) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(outbox(workingDir, ".results.jsonl"))) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private Path outbox(Path workingDir, String suffix) {
        return workingDir.resolve("outbox").resolve(name + suffix);
    }
}
