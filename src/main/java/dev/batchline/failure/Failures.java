package dev.batchline.failure;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.ProviderUnavailableException;
import dev.batchline.state.BatchRecord;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The one place where a failure is classified (SPEC section 6): a provider's HTTP answer, an I/O failure, an ended
 * batch. Every step of the pipeline, the retries in place and the real-time lane use it; the route configurations
 * decide the outcome of each class.
 */
public final class Failures {

    /** A provider's error that names a size or a count: the batch is too large for it. */
    private static final Pattern NAMES_A_SIZE = Pattern.compile(
            "(?i).*(too[ _-]?(large|big|many)|file[ _-]?size|max(imum)?[ _-]?(size|bytes|requests)|exceeds?"
            + "[ a-z_-]*(size|bytes)|http_413).*", Pattern.DOTALL);
    private static final String TOKEN_LIMIT = "token_limit_exceeded";

    /**
     * The class of a failed HTTP call to a provider, for the retries in place: a provider's answer by its status,
     * any I/O failure (no answer, a timeout, a connection dropped) transient.
     */
    public static FailureClass ofCall(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                return ofAnswer(http.getStatusCode(), null, http.getResponseBody());
            }
            if (cause instanceof IOException) {
                return FailureClass.TRANSIENT;
            }
        }
        return FailureClass.UNEXPECTED;
    }

    /** The class of the exchange's failure, by name, for the route configurations' choices. */
    public String classify(Exchange exchange) {
        return of(failureOf(exchange)).name();
    }

    /** The failure an exchange carries, caught or not. */
    public static Throwable failureOf(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught != null ? caught : exchange.getException();
    }

    /** The provider's answer behind a failure, or null when the failure is not one. */
    public static ProviderException providerFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProviderException provider) {
                return provider;
            }
        }
        return null;
    }

    /**
     * The class of a failure of the pipeline's work: a provider call that failed ({@link ProviderException}) by the
     * provider's answer, or no answer at all (transient); a provider this configuration cannot reach, or a call whose
     * outcome could not be found out, transient, and so is a result endpoint that did not take a result; input that
     * can never be a record, invalid; anything else, a disk or the state store included, is Batchline's own trouble.
     */
    public static FailureClass of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidRecordException) {
                return FailureClass.INVALID;
            }
            if (cause instanceof ProviderUnavailableException || cause instanceof UnknownOutcomeException
                || cause instanceof ResultNotSentException) {
                return FailureClass.TRANSIENT;
            }
            if (cause instanceof ProviderException provider) {
                return provider.status() == 0 ? FailureClass.TRANSIENT
                        : ofAnswer(provider.status(), provider.code(), provider.providerMessage());
            }
            if (cause instanceof HttpOperationFailedException http) {
                return ofAnswer(http.getStatusCode(), null, http.getResponseBody());
            }
        }
        return FailureClass.UNEXPECTED;
    }

    /** Whether a failed call says something of the whole provider (no answer, 429, 5xx), not of one request. */
    public static boolean providerWide(ProviderException failure) {
        int status = failure.status();
        return status == 0 || status == 429 || status >= 500;
    }

    /** The class of a provider's HTTP answer that is not a success. */
    public static FailureClass ofAnswer(int status, String code, String message) {
        if (status == 408 || status == 409 || status == 429 || status >= 500) {
            return FailureClass.TRANSIENT;
        }
        if (status == 401 || status == 403) {
            return FailureClass.KEY_REFUSED;
        }
        if (status == 404) {
            return FailureClass.LOST;
        }
        if (status == 413) {
            return FailureClass.TOO_LARGE;
        }
        if (status >= 400) {
            return namesASize(code) || namesASize(message) ? FailureClass.TOO_LARGE : FailureClass.REFUSED;
        }
        // a redirect or another answer the API never gives: treated like a malformed answer
        return FailureClass.TRANSIENT;
    }

    /**
     * The class of a batch that ended without running all of its requests, from its status and errors, or null for
     * a batch that simply ended (completed, expired, cancelled), whose unanswered records are resubmitted.
     */
    public static FailureClass ofEnded(BatchRecord batch, JsonNode errors) {
        String status = batch.providerStatus() == null ? "" : batch.providerStatus();
        switch (status) {
            case BatchRecord.LOST:
                return FailureClass.LOST;
            case BatchRecord.REFUSED:
            case "failed":
                break;
            default:
                return null;
        }
        FailureClass found = FailureClass.REFUSED;
        for (JsonNode error : errors) {
            String code = error.path("code").asText("");
            boolean wholeBatch = !error.hasNonNull("line");
            if (code.equals(TOKEN_LIMIT)) {
                found = FailureClass.TOKEN_LIMIT;
            } else if (namesASize(code) || wholeBatch && namesASize(error.path("message").asText(""))) {
                return FailureClass.TOO_LARGE;
            }
        }
        return found;
    }

    private static boolean namesASize(String text) {
        return text != null && NAMES_A_SIZE.matcher(text).matches();
    }
}
