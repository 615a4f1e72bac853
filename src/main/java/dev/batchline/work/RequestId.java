package dev.batchline.work;

/**
 * The {@code custom_id} Batchline gives a request at the provider: the source, the record's place in it (its
 * ordinal, from 0) and the attempt, as {@code <source>-<ordinal>-<attempt>}. Unique in every batch whatever the
 * users' own ids are, and valid for every provider ({@code ^[a-zA-Z0-9_-]{1,64}$}). The user's {@code custom_id}
 * is restored in the outbox.
 */
public record RequestId(long source, int ordinal, int attempt) {

    public String text() {
        return source + "-" + ordinal + "-" + attempt;
    }

    public RequestId nextAttempt() {
        return new RequestId(source, ordinal, attempt + 1);
    }

    /** The id in the text, or null when the text is not one of Batchline's ids. */
    public static RequestId parse(String text) {
        if (text == null) {
            return null;
        }
        int first = text.indexOf('-');
        int second = first < 0 ? -1 : text.indexOf('-', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            return new RequestId(Long.parseLong(text.substring(0, first)),
                    Integer.parseInt(text.substring(first + 1, second)), Integer.parseInt(text.substring(second + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
