package dev.batchline.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/form-data} body as a stream: text fields into memory (small), the one file field
 * straight to disk, so an upload of hundreds of megabytes needs no more memory than a buffer.
 */
final class MultipartForm {

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_FIELD_BYTES = 64 * 1024;

    private final Map<String, String> fields = new HashMap<>();
    private String filename;
    private long fileBytes = -1;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer = new byte[BUFFER];
    private int start;
    private int end;
    private boolean eof;

    private MultipartForm(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // the first delimiter has no CRLF before it: pretend it has
        buffer[0] = '\r';
        buffer[1] = '\n';
        end = 2;
    }

    /**
     * Reads the form; the part named {@code fileField} is written to {@code file}, up to {@code maxFileBytes}.
     *
     * @throws ApiError 400 when the body is not a well-formed form or the file is too large
     */
    static MultipartForm read(InputStream in, String contentType, String fileField, Path file, long maxFileBytes)
            throws IOException {
        String boundary = boundary(contentType);
        MultipartForm form = new MultipartForm(in, boundary);
        form.parse(fileField, file, maxFileBytes);
        return form;
    }

    String field(String name) {
        return fields.get(name);
    }

    /** The file part's file name (empty when it has none), or null when the form had no file part. */
    String filename() {
        return filename;
    }

    long fileBytes() {
        return fileBytes;
    }

    private static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiError.invalidRequest("The request must be multipart/form-data.", null, null);
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.trim();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = trimmed.substring("boundary=".length());
                if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isEmpty()) {
                    return value;
                }
            }
        }
        throw ApiError.invalidRequest("The multipart/form-data content type has no boundary.", null, null);
    }

    private void parse(String fileField, Path file, long maxFileBytes) throws IOException {
        // skip any preamble up to the first delimiter
        copyUntilDelimiter(OutputStream.nullOutputStream(), Long.MAX_VALUE);
        while (true) {
            skip(delimiter.length);
            if (!fill(2)) {
                throw malformed();
            }
            if (buffer[start] == '-' && buffer[start + 1] == '-') {
                return;
            }
            Map<String, String> disposition = disposition(readHeaders());
            String name = disposition.get("name");
            if (fileField.equals(name)) {
                filename = disposition.getOrDefault("filename", "");
                try (OutputStream out = Files.newOutputStream(file)) {
                    fileBytes = copyUntilDelimiter(out, maxFileBytes);
                }
                if (fileBytes < 0) {
                    throw ApiError.invalidRequest("File is too large: the largest upload allowed is " + maxFileBytes
                                                  + " bytes.", "file", "file_too_large");
                }
            } else {
                ByteArrayOutputStream value = new ByteArrayOutputStream();
                if (copyUntilDelimiter(value, MAX_FIELD_BYTES) < 0) {
                    throw ApiError.invalidRequest("The form field '" + name + "' is too long.", name, null);
                }
                if (name != null) {
                    fields.put(name, value.toString(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** Reads part headers up to the blank line, after the CRLF that ends the delimiter line. */
    private String readHeaders() throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        while (true) {
            if (!fill(4)) {
                throw malformed();
            }
            if (buffer[start] == '\r' && buffer[start + 1] == '\n' && buffer[start + 2] == '\r'
                && buffer[start + 3] == '\n') {
                start += 4;
                return headers.toString(StandardCharsets.UTF_8);
            }
            headers.write(buffer[start++]);
            if (headers.size() > MAX_HEADER_BYTES) {
                throw malformed();
            }
        }
    }

    private static Map<String, String> disposition(String headers) {
        Map<String, String> values = new HashMap<>();
        for (String header : headers.split("\r\n")) {
            int colon = header.indexOf(':');
            if (colon < 0 || !header.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                continue;
            }
            for (String parameter : header.substring(colon + 1).split(";")) {
                int equals = parameter.indexOf('=');
                if (equals > 0) {
                    String key = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                    String value = parameter.substring(equals + 1).trim();
                    if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                        value = value.substring(1, value.length() - 1);
                    }
                    values.putIfAbsent(key, value);
                }
            }
        }
        return values;
    }

    /**
     * Copies bytes up to the next delimiter (which stays in the buffer) and returns how many; -1 when more than
     * {@code max} bytes came before it (the rest is read and dropped).
     */
    private long copyUntilDelimiter(OutputStream out, long max) throws IOException {
        long copied = 0;
        boolean tooLong = false;
        while (true) {
            fill(delimiter.length);
            int found = indexOfDelimiter();
            int safeEnd = found >= 0 ? found : Math.max(start, end - delimiter.length + 1);
            int count = safeEnd - start;
            if (count > 0) {
                if (!tooLong && copied + count <= max) {
                    out.write(buffer, start, count);
                } else {
                    tooLong = true;
                }
                copied += count;
                start = safeEnd;
            }
            if (found >= 0) {
                return tooLong ? -1 : copied;
            }
            if (eof && end - start < delimiter.length) {
                throw malformed();
            }
        }
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int last = end - delimiter.length;
        outer:
        for (int i = start; i <= last; i++) {
            if (buffer[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void skip(int count) throws IOException {
        if (!fill(count)) {
            throw malformed();
        }
        start += count;
    }

    /** Makes at least {@code count} bytes available from {@code start}; false when the body ends first. */
    private boolean fill(int count) throws IOException {
        if (end - start >= count) {
            return true;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < count && !eof) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                eof = true;
            } else {
                end += read;
            }
        }
        return end - start >= count;
    }

    private static ApiError malformed() {
        return ApiError.invalidRequest("The multipart/form-data body is malformed.", null, null);
    }
}
