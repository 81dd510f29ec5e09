package io.github.pterodactylclient;

/** The panel could not be reached, or the connection broke. */
public final class PterodactylTransportException extends PterodactylException {
    private static final long serialVersionUID = 1L;

    PterodactylTransportException(String kind, String message, String errorJson) {
        super(Status.TRANSPORT, kind, message, errorJson);
    }
}
