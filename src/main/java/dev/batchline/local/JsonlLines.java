package dev.batchline.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a JSONL file line by line as raw bytes, from any byte offset, knowing where each line starts and ends and
 * its number in the file. Line ends are LF or CRLF; the bytes of a line exclude them.
 */
final class JsonlLines implements Closeable {

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int bufferPos;
    private int bufferEnd;
    private byte[] line = new byte[256];
    private int length;
    private long offset;
    private long end;
    private int number;

    JsonlLines(Path file, long startOffset, int firstLineNumber) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(startOffset);
        this.in = Channels.newInputStream(channel);
        this.end = startOffset;
        this.number = firstLineNumber - 1;
    }

    /** Moves to the next line; false at the end of the file. */
    boolean next() throws IOException {
        offset = end;
        length = 0;
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
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        number++;
        return true;
    }

    private void append(int from, int count) {
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** Byte offset where this line starts. */
    long offset() {
        return offset;
    }

    /** Byte offset just after this line's end. */
    long end() {
        return end;
    }

    int number() {
        return number;
    }

    boolean blank() {
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
