package dev.batchline.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.databind.JsonNode;

/** Writes a file under a temporary name and renames it, so a crash never leaves half a record behind. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    static void writeJson(Path target, JsonNode json) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temp, Json.MAPPER.writeValueAsBytes(json));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
