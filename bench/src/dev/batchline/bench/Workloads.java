package dev.batchline.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generates the benchmarks' input: simple records of about 280 bytes, deterministic for a seed. */
public final class Workloads {

    private static final String[] WORDS = {"battery", "screen", "delivery", "price", "quality", "support", "sound",
        "design", "weight", "setup", "manual", "warranty", "colour", "size", "strap", "lid", "charger", "noise",
        "value", "speed", "button", "case", "cable", "handle", "grip", "finish", "smell", "taste", "fit", "box"};

    private Workloads() {
    }

    /** Writes {@code records} simple records ({@code id}, {@code prompt}) to the file. */
    public static void simpleRecords(Path file, int records, long seed) throws IOException {
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder prompt = new StringBuilder(300);
            for (int i = 1; i <= records; i++) {
                prompt.setLength(0);
                prompt.append("Summarise this review in one sentence: ");
                while (prompt.length() < 246) {
                    prompt.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(3) == 0 ? ". " : " ");
                }
                out.write("{\"id\":\"r-");
                out.write(String.format("%07d", i));
                out.write("\",\"prompt\":\"");
                out.write(prompt.toString());
                out.write("\"}\n");
            }
        }
    }

    /** Generates records until the file has at least {@code bytes} bytes; returns how many. */
    public static int simpleRecordsOfSize(Path file, long bytes, long seed) throws IOException {
        int records = (int) (bytes / 280) + 1;
        simpleRecords(file, records, seed);
        return records;
    }
}
