package dev.batchline.work;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The layout of the work folder: {@code state/} (the state store), {@code batches/<id>/} (a batch's input spool and
 * downloaded results), {@code sources/<id>/} (a source's record index, result slots and failures).
 */
public final class WorkFolder {

    private final Path root;

    public WorkFolder(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path state() {
        return root.resolve("state");
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    public Path batch(long batchId) {
        return root.resolve("batches").resolve(Long.toString(batchId));
    }

    public Path output(long batchId) {
        return batch(batchId).resolve("output.jsonl");
    }

    public Path errors(long batchId) {
        return batch(batchId).resolve("error.jsonl");
    }

    public Path source(long sourceId) {
        return root.resolve("sources").resolve(Long.toString(sourceId));
    }

    public Path records(long sourceId) {
        return source(sourceId).resolve("records.jsonl");
    }

    public Path slots(long sourceId) {
        return source(sourceId).resolve("slots");
    }

    /** The table of the source's custom_ids, while the source is read. */
    public Path ids(long sourceId) {
        return source(sourceId).resolve("ids");
    }

    public Path failures(long sourceId) {
        return source(sourceId).resolve("failures.jsonl");
    }

    /** Deletes a folder and everything in it; what is gone already (or goes meanwhile) is fine. */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
