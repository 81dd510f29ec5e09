package io.github.pterodactylclient;

import java.util.List;

/**
 * The panel answered with an error status (403, 404, 409, 422, 5xx, ...). {@link #httpStatus()}
 * says which; {@link #code()}, {@link #detail()} and {@link #sourceField()} are the panel's first
 * error entry, {@link #errors()} all of them.
 *
 * <pre>{@code
 * try {
 *     client.call("server.settings.rename", Map.of("server", "d3aac109", "name", ""));
 * } catch (PterodactylApiException e) {
 *     if (e.httpStatus() == 422) player.sendMessage(e.sourceField() + ": " + e.detail());
 * }
 * }</pre>
 */
public class PterodactylApiException extends PterodactylException {
    private static final long serialVersionUID = 1L;

    /** One of the panel's error entries. Fields the panel did not send are null. */
    public record ErrorItem(String code, String status, String detail, String sourceField, String rule) {}

    private final int httpStatus;
    private final transient List<ErrorItem> errors;

    PterodactylApiException(Status status, String kind, String message, String errorJson, int httpStatus,
            List<ErrorItem> errors) {
        super(status, kind, message, errorJson);
        this.httpStatus = httpStatus;
        this.errors = List.copyOf(errors);
    }

    /** The panel's HTTP status, e.g. 404 or 422. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The panel's error entries, in its order (empty when it sent none). */
    public List<ErrorItem> errors() {
        return errors;
    }

    /** The first entry's code, e.g. {@code ValidationException}, or null. */
    public String code() {
        return errors.isEmpty() ? null : errors.get(0).code();
    }

    /** The first entry's detail (the message a person reads), or the message. */
    public String detail() {
        return errors.isEmpty() ? getMessage() : errors.get(0).detail();
    }

    /** The request field the first entry is about (validation errors), or null. */
    public String sourceField() {
        return errors.isEmpty() ? null : errors.get(0).sourceField();
    }
}
