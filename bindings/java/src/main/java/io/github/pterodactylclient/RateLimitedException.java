package io.github.pterodactylclient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The panel answered 429 and the call was not (or no longer) retried. */
public final class RateLimitedException extends PterodactylApiException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    RateLimitedException(String kind, String message, String errorJson, int httpStatus, List<ErrorItem> errors,
            Duration retryAfter) {
        super(Status.RATE_LIMITED, kind, message, errorJson, httpStatus, errors);
        this.retryAfter = retryAfter;
    }

    /** How long the panel asked to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
