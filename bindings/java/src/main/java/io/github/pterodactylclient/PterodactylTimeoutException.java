package io.github.pterodactylclient;

/** The call did not complete within the client's timeout. */
public final class PterodactylTimeoutException extends PterodactylException {
    private static final long serialVersionUID = 1L;

    PterodactylTimeoutException(String kind, String message, String errorJson) {
        super(Status.TIMEOUT, kind, message, errorJson);
    }
}
