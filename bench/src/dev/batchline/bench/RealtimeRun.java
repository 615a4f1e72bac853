package dev.batchline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.batchline.work.WorkFolder;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * The real-time benchmark: 64 callers at once against a server that answers in 20 ms, first through a bare JDK
 * {@code HttpClient}, then through Batchline's {@code direct:realtime} (the application started in this JVM),
 * alternating, each for the given seconds. Prints calls per second and latency percentiles of each.
 * {@code RealtimeRun <server base URL> <seconds> <rounds>}.
 */
public final class RealtimeRun {

    private static final int CALLERS = 64;
    private static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                                          + "\"content\":\"How fast is the real-time lane?\"}]}";

    private RealtimeRun() {
    }

    /** What one run measured. */
    record Result(double callsPerSecond, double medianMillis, double p99Millis, int failures) {
        @Override
        public String toString() {
            return String.format("calls_per_s=%.0f median_ms=%.2f p99_ms=%.2f failures=%d", callsPerSecond,
                    medianMillis, p99Millis, failures);
        }
    }

    interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        Duration each = Duration.ofSeconds(Long.parseLong(args[1]));
        int rounds = Integer.parseInt(args[2]);
        Path home = Files.createTempDirectory("batchline-realtime-");
        Main main = BenchApplication.start(baseUrl, home,
                Map.of("batchline.realtime.max-concurrent", Integer.toString(CALLERS)));
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newFixedThreadPool(CALLERS)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
        Call bare = () -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
        };
        Call batchline = () -> template.requestBody("direct:realtime", REQUEST, String.class);
        measure(bare, Duration.ofSeconds(2));
        measure(batchline, Duration.ofSeconds(2));
        for (int round = 1; round <= rounds; round++) {
            System.out.println("bare " + measure(bare, each));
            System.out.println("batchline " + measure(batchline, each));
        }
        main.stop();
        WorkFolder.deleteTree(home);
        System.exit(0);
    }

    static Result measure(Call call, Duration duration) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        List<long[]> latencies = new ArrayList<>();
        int[] failures = new int[1];
        CountDownLatch done = new CountDownLatch(CALLERS);
        long started = System.nanoTime();
        for (int i = 0; i < CALLERS; i++) {
            long[] mine = new long[200_000];
            synchronized (latencies) {
                latencies.add(mine);
            }
            Thread caller = new Thread(() -> {
                int count = 0;
                while (running.get() && count < mine.length - 1) {
                    long before = System.nanoTime();
                    try {
                        call.run();
                        mine[++count] = System.nanoTime() - before;
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures[0]++;
                        }
                    }
                }
                mine[0] = count;
                done.countDown();
            });
            caller.setDaemon(true);
            caller.start();
        }
        Thread.sleep(duration.toMillis());
        running.set(false);
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        int total = 0;
        for (long[] mine : latencies) {
            total += (int) mine[0];
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] mine : latencies) {
            System.arraycopy(mine, 1, all, at, (int) mine[0]);
            at += (int) mine[0];
        }
        Arrays.sort(all);
        return new Result(total / seconds, all.length == 0 ? 0 : all[all.length / 2] / 1e6,
                all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6, failures[0]);
    }
}
