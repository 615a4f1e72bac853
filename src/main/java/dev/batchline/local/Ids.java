package dev.batchline.local;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers in OpenAI's styles: {@code file-…}, {@code batch_…}, {@code batch_req_…}, request ids. */
final class Ids {

    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    static String file() {
        return "file-" + random(ALPHANUMERIC, 22);
    }

    static String batch() {
        return "batch_" + random(HEX, 32);
    }

    static String batchRequest() {
        return "batch_req_" + random(HEX, 32);
    }

    static String request() {
        return random(HEX, 32);
    }

    static String withPrefix(String prefix) {
        return prefix + random(ALPHANUMERIC, 29);
    }

    private static String random(char[] alphabet, int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
