package dev.batchline.jsonl;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a JSONL file line by line as raw bytes, from any byte offset, knowing where each line starts and ends and its
 * number in the file. Line ends are LF or CRLF and are not part of a line's bytes; a UTF-8 byte order mark at the
 * start of the file is skipped. A line longer than the limit is not held in memory: it is read past and reported by
 * {@link #tooLong()}.
 */
public final class JsonlReader implements Closeable {

    private static final int BUFFER = 64 * 1024;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[BUFFER];
    private int bufferPos;
    private int bufferEnd;
    private byte[] line = new byte[256];
    private int length;
    private long lineBytes;
    private long offset;
    private long end;
    private int number;

    public JsonlReader(Path file, long startOffset, int firstLineNumber) throws IOException {
        this(file, startOffset, firstLineNumber, Integer.MAX_VALUE);
    }

    public JsonlReader(Path file, long startOffset, int firstLineNumber, int maxLineBytes) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(startOffset);
        this.in = Channels.newInputStream(channel);
        this.end = startOffset;
        this.number = firstLineNumber - 1;
        this.maxLineBytes = maxLineBytes;
        if (startOffset == 0) {
            skipByteOrderMark();
        }
    }

    private void skipByteOrderMark() throws IOException {
        while (bufferEnd < BOM.length) {
            int read = in.read(buffer, bufferEnd, BUFFER - bufferEnd);
            if (read < 0) {
                break;
            }
            bufferEnd += read;
        }
        if (bufferEnd >= BOM.length && Arrays.equals(buffer, 0, BOM.length, BOM, 0, BOM.length)) {
            bufferPos = BOM.length;
            end = BOM.length;
        }
    }

    /** Moves to the next line; false at the end of the file. */
    public boolean next() throws IOException {
        offset = end;
        length = 0;
        lineBytes = 0;
        boolean any = false;
        while (true) {
            if (bufferPos == bufferEnd) {
                bufferEnd = in.read(buffer, 0, BUFFER);
                bufferPos = 0;
                if (bufferEnd <= 0) {
                    bufferEnd = 0;
                    if (!any) {
                        return false;
                    }
                    break;
                }
            }
            any = true;
            int newline = -1;
            for (int i = bufferPos; i < bufferEnd; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int stop = newline < 0 ? bufferEnd : newline;
            append(bufferPos, stop - bufferPos);
            end += stop - bufferPos;
            bufferPos = stop;
            if (newline >= 0) {
                bufferPos++;
                end++;
                break;
            }
        }
        if (!tooLong() && length > 0 && line[length - 1] == '\r') {
            length--;
            lineBytes--;
        }
        number++;
        return true;
    }

    private void append(int from, int count) {
        lineBytes += count;
        if (lineBytes > maxLineBytes) {
            length = 0;
            return;
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    /** The line's bytes, valid up to {@link #length()} until the next call of {@link #next()}. */
    public byte[] bytes() {
        return line;
    }

    public int length() {
        return length;
    }

    /** True when the line is longer than the limit; its bytes are then not available. */
    public boolean tooLong() {
        return lineBytes > maxLineBytes;
    }

    /** The line's length in bytes without its line end, also when it is too long to hold. */
    public long lineBytes() {
        return lineBytes;
    }

    /** Byte offset where this line starts. */
    public long offset() {
        return offset;
    }

    /** Byte offset just after this line's end. */
    public long end() {
        return end;
    }

    public int number() {
        return number;
    }

    public boolean blank() {
        if (tooLong()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
