package dev.batchline.inbox;

/** Checks that bytes are well-formed UTF-8, so a line is refused before any of it is copied on unchecked. */
final class Utf8 {

    private Utf8() {
    }

    /** The index of the first byte that is not well-formed UTF-8, or -1 when all are. */
    static int firstInvalid(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int needed;
            int min;
            if ((b & 0xE0) == 0xC0) {
                needed = 1;
                min = 0x80;
            } else if ((b & 0xF0) == 0xE0) {
                needed = 2;
                min = 0x800;
            } else if ((b & 0xF8) == 0xF0) {
                needed = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + needed >= length) {
                return i;
            }
            int code = b & (0x3F >> needed);
            for (int k = 1; k <= needed; k++) {
                int next = bytes[i + k];
                if ((next & 0xC0) != 0x80) {
                    return i;
                }
                code = (code << 6) | (next & 0x3F);
            }
            if (code < min || code > 0x10FFFF || code >= 0xD800 && code <= 0xDFFF) {
                return i;
            }
            i += needed + 1;
        }
        return -1;
    }
}
