package dev.batchline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The packaged {@code target/batchline.jar} run as a child process in a working directory of the test's, with its
 * output collected so the test can wait for a line. Closing it stops the process, forcibly if it must.
 */
final class JarProcess implements AutoCloseable {

    private final Process process;
    private final Thread reader;
    private final List<String> output = new ArrayList<>();

    private JarProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::collect, "jar-output");
        reader.setDaemon(true);
        reader.start();
    }

    static JarProcess start(Path workingDir, List<String> jvmOptions, String... args) throws IOException {
        return start(workingDir, jvmOptions, Map.of(), args);
    }

    /** Starts the jar with extra environment variables. */
    static JarProcess start(Path workingDir, List<String> jvmOptions, Map<String, String> environment,
                            String... args) throws IOException {
        Path jar = Path.of(System.getProperty("batchline.jar", "target/batchline.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with 'mvn verify'");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().putAll(environment);
        return new JarProcess(builder.start());
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits for a line matching the pattern and returns its first group. */
    String awaitLine(String regex) {
        Pattern pattern = Pattern.compile(regex);
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive() && find(pattern).isEmpty()) {
                throw new IllegalStateException("The process ended early:\n" + output());
            }
            find(pattern).ifPresent(group -> found[0] = group);
            return found[0] != null;
        });
        return found[0];
    }

    private Optional<String> find(Pattern pattern) {
        synchronized (output) {
            for (String line : output) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return Optional.of(matcher.groupCount() > 0 ? matcher.group(1) : line);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a line containing the text was printed. */
    boolean printed(String text) {
        synchronized (output) {
            for (String line : output) {
                if (line.contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Kills the process (SIGKILL) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    /**
     * Kills the process (SIGKILL) {@code delayMillis} after it printed a line containing {@code moment} (at once if
     * that does not come within 6 s), or, for {@code "any time"}, that long from now; the killer runs it.
     */
    void killAfter(String moment, long delayMillis, ScheduledExecutorService killer) {
        killer.execute(() -> {
            if (!moment.equals("any time")) {
                try {
                    await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(5))
                            .until(() -> printed(moment));
                } catch (ConditionTimeoutException e) {
                    // the step did not come: kill now
                }
            }
            killer.schedule(() -> {
                kill();
                return null;
            }, delayMillis, TimeUnit.MILLISECONDS);
        });
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Asks the process to stop (SIGTERM), waits for the last of its output and returns its exit code. */
    int stop() throws InterruptedException {
        // through the handle, so the output pipe stays open to read the shutdown lines (Process.destroy closes it)
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
