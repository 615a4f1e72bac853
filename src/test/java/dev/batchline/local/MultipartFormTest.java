package dev.batchline.local;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartFormTest {

    @TempDir
    Path dir;

    @Test
    void should_stream_the_file_part_to_disk_byte_for_byte() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            content.append("{\"line\":").append(i).append(",\"text\":\"--almost-a-boundary\\r\\n\"}\r\n");
        }
        String boundary = "almost-a-boundary-x";
        Path file = dir.resolve("upload");

        MultipartForm form = MultipartForm.read(trickle(form(boundary, content.toString())),
                "multipart/form-data; boundary=\"" + boundary + "\"", "file", file, Long.MAX_VALUE);

        assertThat(form.field("purpose")).isEqualTo("batch");
        assertThat(form.filename()).isEqualTo("big.jsonl");
        assertThat(Files.readString(file)).isEqualTo(content.toString());
        assertThat(form.fileBytes()).isEqualTo(content.length());
    }

    @Test
    void should_refuse_a_file_over_the_limit() {
        assertThatThrownBy(() -> MultipartForm.read(new ByteArrayInputStream(form("b", "0123456789")),
                "multipart/form-data; boundary=b", "file", dir.resolve("upload"), 5))
                .isInstanceOf(ApiError.class).hasMessageContaining("too large");
    }

    @Test
    void should_refuse_a_body_that_ends_early() {
        byte[] whole = form("b", "0123456789");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
        assertThatThrownBy(() -> MultipartForm.read(new ByteArrayInputStream(cut), "multipart/form-data; boundary=b",
                "file", dir.resolve("upload"), Long.MAX_VALUE))
                .isInstanceOf(ApiError.class).hasMessageContaining("malformed");
    }

    private static byte[] form(String boundary, String content) {
        return ("preamble\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Hands the bytes out in small, odd-sized reads, as a network does. */
    private static InputStream trickle(byte[] bytes) {
        List<InputStream> pieces = new java.util.ArrayList<>();
        for (int from = 0; from < bytes.length; from += 977) {
            pieces.add(new ByteArrayInputStream(bytes, from, Math.min(977, bytes.length - from)));
        }
        return new SequenceInputStream(Collections.enumeration(pieces));
    }
}
