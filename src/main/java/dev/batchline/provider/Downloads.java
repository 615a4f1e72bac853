package dev.batchline.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.camel.Body;
import org.apache.camel.Header;

/** Writes a downloaded body to its target file, under a temporary name until it is complete. */
public final class Downloads {

    public void save(@Body InputStream body, @Header(ProviderClient.DOWNLOAD_TARGET) String target)
            throws IOException {
        Path file = Path.of(target);
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (InputStream in = body; OutputStream out = Files.newOutputStream(part)) {
            if (in != null) {
                in.transferTo(out);
            }
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
