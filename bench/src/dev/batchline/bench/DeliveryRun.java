package dev.batchline.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.batchline.batch.BatchResults;
import dev.batchline.batch.BatchSplit;
import dev.batchline.batch.Spools;
import dev.batchline.failure.Waits;
import dev.batchline.inbox.Intake;
import dev.batchline.inbox.RecordFormat;
import dev.batchline.outbox.Delivery;
import dev.batchline.outbox.Prices;
import dev.batchline.provider.ProviderFiles;
import dev.batchline.provider.RetryPolicy;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;

/**
 * Batchline's side of the delivery benchmark. {@code prepare <records.jsonl> <work> <copies>} takes a source in
 * and writes, for each of its batches, a provider output file in OpenAI's shape with the lines shuffled (and a
 * copy for the baseline); {@code run <work> <outbox>} then times the production code from those files to the
 * outbox: filing every result and writing the source's results in input order.
 */
public final class DeliveryRun {

    private DeliveryRun() {
    }

    public static void main(String[] args) throws Exception {
        WorkFolder work = new WorkFolder(Path.of(args[args[0].equals("prepare") ? 2 : 1]));
        StateStore store = new StateStore(work.state());
        store.start();
        try {
            if (args[0].equals("prepare")) {
                prepare(Path.of(args[1]), work, store, Files.createDirectories(Path.of(args[3])));
            } else {
                run(work, store, Path.of(args[2]));
            }
        } finally {
            store.stop();
        }
    }

    private static void prepare(Path records, WorkFolder work, StateStore store, Path copies) throws Exception {
        Spools spools = new Spools(store, work, "local", "bench", 50_000, 200L << 20, Duration.ofHours(1), 100,
                Clock.systemUTC());
        spools.start();
        new Intake(store, spools, work, "local", records.getParent(), new RecordFormat("gpt-4o-mini", null), 10 << 20,
                Long.MAX_VALUE, Clock.systemUTC())
                .ingest(records, records.getFileName().toString(), Files.size(records),
                        Files.getLastModifiedTime(records).toMillis(), true);
        spools.stop();
        Random random = new Random(42);
        for (BatchRecord batch : store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED))) {
            List<String> lines = new ArrayList<>();
            for (String input : Files.readAllLines(work.resolve(batch.spool()))) {
                String customId = input.substring(14, input.indexOf('"', 14));
                lines.add(outputLine(customId, random));
            }
            Collections.shuffle(lines, random);
            Path output = work.output(batch.id());
            try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                for (String line : lines) {
                    out.write(line);
                    out.write('\n');
                }
            }
            Files.copy(output, copies.resolve("output-" + batch.id() + ".jsonl"));
            store.inTransaction(c -> {
                Batches.recordUpload(c, batch.id(), "bench", null, "file-input-" + batch.id());
                Batches.recordSubmission(c, batch.id(), "batch_bench_" + batch.id(), "completed", Instant.now());
                Batches.recordProgress(c, batch.id(), "completed", lines.size(), lines.size(), 0);
                Batches.recordEnd(c, batch.id(), "file-output-" + batch.id(), null, null, Instant.now());
                return null;
            });
        }
    }

    /** One result line as OpenAI writes it, about 1 KB. */
    private static String outputLine(String customId, Random random) {
        String id = Long.toHexString(random.nextLong());
        return "{\"id\":\"batch_req_" + id + "\",\"custom_id\":\"" + customId + "\",\"response\":{\"status_code\":200,"
               + "\"request_id\":\"" + id + "\",\"body\":{\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion\","
               + "\"created\":1795306332,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
               + "{\"role\":\"assistant\",\"content\":\"" + "A concise summary of the review. ".repeat(12)
               + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":"
               + "{\"prompt_tokens\":58,\"completion_tokens\":84,\"total_tokens\":142,\"prompt_tokens_details\":"
               + "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
               + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
               + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\"}},\"error\":null}";
    }

    /** Files and delivers as the file-results and deliver-sources routes do: one batch, then one source, at a time. */
    private static void run(WorkFolder work, StateStore store, Path outbox) throws Exception {
        Clock clock = Clock.systemUTC();
        Waits waits = new Waits(new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(2)), clock);
        BatchResults results = new BatchResults(store, "local", work, null, null,
                new ProviderFiles(store, null, null, waits, false, clock),
                new BatchSplit(store, work, clock), waits, 3, clock);
        Delivery delivery = new Delivery(store, "local", work, outbox, new Prices("gpt-4o-mini=0.15/0.60", 0.5), waits,
                clock);
        long started = System.nanoTime();
        List<Long> ended = results.due();
        for (long batch : ended) {
            results.file(batch);
        }
        int filed = ended.size();
        long filing = System.nanoTime();
        List<Long> ready = delivery.ready();
        for (long source : ready) {
            delivery.deliver(source);
        }
        int delivered = ready.size();
        long finished = System.nanoTime();
        System.out.println("batches=" + filed + " sources=" + delivered + " filing_ms=" + (filing - started) / 1_000_000
                           + " delivery_ms=" + (finished - filing) / 1_000_000 + " ms=" + (finished - started) / 1_000_000);
    }
}
