package dev.batchline.inbox;

import java.util.Arrays;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** A growable byte array that batch lines and index entries are written into, one line at a time. */
public final class LineBuffer {

    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private byte[] bytes = new byte[4096];
    private int size;

    void reset() {
        size = 0;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int size() {
        return size;
    }

    /** Appends ASCII text as it is. */
    LineBuffer ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    LineBuffer raw(byte[] source, int from, int to) {
        ensure(to - from);
        System.arraycopy(source, from, bytes, size, to - from);
        size += to - from;
        return this;
    }

    /** Appends the text as a JSON string, quotes included. */
    LineBuffer quoted(String text) {
        byte[] escaped = ENCODER.quoteAsUTF8(text);
        ensure(escaped.length + 2);
        bytes[size++] = '"';
        System.arraycopy(escaped, 0, bytes, size, escaped.length);
        size += escaped.length;
        bytes[size++] = '"';
        return this;
    }

    /** Appends a whole number that is not negative, without making a String of it. */
    LineBuffer number(long value) {
        ensure(20);
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += digits;
        return this;
    }

    LineBuffer newline() {
        ensure(1);
        bytes[size++] = '\n';
        return this;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
