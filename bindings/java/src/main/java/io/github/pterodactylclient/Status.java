package io.github.pterodactylclient;

/** What a call did: the library's {@code PteroStatus} numbers, stable and never reused. */
public enum Status {
    /** Success. */
    OK(0),
    /** The arguments were refused before any request (bad URL, option, operation id, parameter). */
    INVALID_ARGUMENT(1),
    /** The panel answered with an error status (403, 404, 409, 422, 5xx, ...). */
    API_ERROR(2),
    /** The panel answered 429 and the call was not (or no longer) retried. */
    RATE_LIMITED(3),
    /** The call did not complete within the configured timeout. */
    TIMEOUT(4),
    /** The panel could not be reached, or the connection broke. */
    TRANSPORT(5),
    /** The answer was JSON but not of the expected shape. */
    DECODE(6),
    /** The answer was not JSON at all (a login page, a proxy's error page). */
    NOT_JSON(7),
    /** A bug inside the library was caught before it could crash the JVM. */
    PANIC(8),
    /** An error of a kind this build has no status for yet. */
    OTHER(9),
    /** The answer was larger than the client's limit. */
    TOO_LARGE(10),
    /** The call was abandoned before the panel answered. */
    CANCELLED(11);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The C number, e.g. 2 for {@code PTERO_STATUS_API_ERROR}. */
    public int code() {
        return code;
    }

    /** The C constant's name as the library spells it, e.g. {@code PTERO_STATUS_API_ERROR}. */
    public String constantName() {
        return NativeLibrary.staticString(NativeLibrary.ptero_status_name(code));
    }

    /** The status with this number; a number this binding does not know is {@link #OTHER}. */
    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return OTHER;
    }
}
