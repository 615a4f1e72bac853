package dev.batchline.state;

import java.time.Instant;

/**
 * One input file taken from the inbox, with how far its intake has come.
 *
 * @param name       the file's path relative to the inbox
 * @param readOffset byte offset of the next line to read (the intake checkpoint)
 * @param nextLine   that line's number
 * @param records    records handed an ordinal so far, valid and invalid
 */
public record Source(long id, String name, String status, long readOffset, int nextLine, int records, int invalid,
                     long recordsBytes, Instant createdAt, Instant ingestedAt, Instant deliveredAt) {

    public static final String INGESTING = "ingesting";
    public static final String INGESTED = "ingested";
    public static final String DELIVERED = "delivered";

    /**
     * The name without its folder and extension, which names its outbox files: control characters and back
     * slashes become {@code _}, and a name that would start with a dot (hidden, or {@code ..}) gets a {@code _}
     * in front, so an outbox file is always a visible file in the outbox.
     */
    public String baseName() {
        String file = name.substring(name.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String base = dot > 0 ? file.substring(0, dot) : file;
        StringBuilder safe = new StringBuilder(base.length() + 1);
        base.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) || c == '\\' ? '_' : c));
        if (safe.length() == 0 || safe.charAt(0) == '.') {
            safe.insert(0, '_');
        }
        return safe.toString();
    }
}
