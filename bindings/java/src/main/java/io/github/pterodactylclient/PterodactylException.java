package io.github.pterodactylclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every failure of a call: the library's status and its error object. Subclasses say more:
 * {@link PterodactylApiException} (the panel answered with an error, with {@link
 * RateLimitedException} for 429), {@link PterodactylTimeoutException}, {@link
 * PterodactylTransportException} and {@link InvalidArgumentException}. The message is the one a
 * person reads (the panel's own detail for API errors); it never contains the API key.
 */
public class PterodactylException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final String kind;
    private final String errorJson;

    PterodactylException(Status status, String kind, String message, String errorJson) {
        super(message);
        this.status = status;
        this.kind = kind;
        this.errorJson = errorJson;
    }

    /** What kind of failure, e.g. {@link Status#API_ERROR}. */
    public Status status() {
        return status;
    }

    /** The core's error kind: api, rate_limited, timeout, transport, decode, invalid_input, ... */
    public String kind() {
        return kind;
    }

    /** The library's whole error object as JSON (see include/pterodactyl.h), or null. */
    public String errorJson() {
        return errorJson;
    }

    /** Builds the exception for a failed status and its error object (which may be malformed). */
    static PterodactylException from(int code, String errorJson) {
        Status status = Status.of(code);
        JsonObject obj = null;
        try {
            JsonElement parsed = errorJson == null ? null : JsonParser.parseString(errorJson);
            obj = parsed != null && parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (RuntimeException notJson) {
            obj = null;
        }
        String kind = text(obj, "kind");
        if (kind == null) {
            kind = status.name().toLowerCase(java.util.Locale.ROOT);
        }
        String message = text(obj, "message");
        if (message == null) {
            message = errorJson != null ? errorJson : status.constantName();
        }
        switch (status) {
            case API_ERROR:
            case RATE_LIMITED: {
                List<PterodactylApiException.ErrorItem> items = new ArrayList<>();
                if (obj != null && obj.has("errors") && obj.get("errors").isJsonArray()) {
                    for (JsonElement e : obj.getAsJsonArray("errors")) {
                        if (e.isJsonObject()) {
                            JsonObject o = e.getAsJsonObject();
                            items.add(new PterodactylApiException.ErrorItem(text(o, "code"), text(o, "status"),
                                    text(o, "detail"), text(o, "source_field"), text(o, "rule")));
                        }
                    }
                }
                Long http = number(obj, "http_status");
                int httpStatus = http == null ? 0 : http.intValue();
                if (status == Status.RATE_LIMITED) {
                    Long after = number(obj, "retry_after");
                    return new RateLimitedException(kind, message, errorJson, httpStatus, items,
                            after == null ? null : Duration.ofSeconds(after));
                }
                return new PterodactylApiException(status, kind, message, errorJson, httpStatus, items);
            }
            case TIMEOUT:
                return new PterodactylTimeoutException(kind, message, errorJson);
            case TRANSPORT:
                return new PterodactylTransportException(kind, message, errorJson);
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(kind, message, errorJson);
            default:
                return new PterodactylException(status, kind, message, errorJson);
        }
    }

    private static String text(JsonObject obj, String key) {
        if (obj == null || !obj.has(key) || !obj.get(key).isJsonPrimitive()) {
            return null;
        }
        return obj.get(key).getAsString();
    }

    private static Long number(JsonObject obj, String key) {
        if (obj == null || !obj.has(key) || !obj.get(key).isJsonPrimitive()
                || !obj.get(key).getAsJsonPrimitive().isNumber()) {
            return null;
        }
        return obj.get(key).getAsLong();
    }
}
