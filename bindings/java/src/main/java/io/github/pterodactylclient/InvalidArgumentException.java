package io.github.pterodactylclient;

/** The arguments were refused before any request: a bad URL or option, an unknown operation id, a parameter of the wrong type, a closed client. */
public final class InvalidArgumentException extends PterodactylException {
    private static final long serialVersionUID = 1L;

    InvalidArgumentException(String kind, String message, String errorJson) {
        super(Status.INVALID_ARGUMENT, kind, message, errorJson);
    }
}
