package io.github.pterodactylclient;

import java.util.Locale;

/** A power signal for {@link PterodactylClient#power}. */
public enum PowerSignal {
    /** Starts an offline server. */
    START,
    /** Stops a running server. */
    STOP,
    /** Restarts the server from any state. */
    RESTART,
    /** Kills the server's process at once. */
    KILL;

    /** The panel's word for it, e.g. {@code start}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
