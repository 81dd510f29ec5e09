package io.github.pterodactylclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A server's live state and resource usage ({@code server.resources}).
 *
 * @param currentState {@code offline}, {@code starting}, {@code running} or {@code stopping}
 * @param suspended whether the server is suspended
 * @param memoryBytes memory in use
 * @param cpuAbsolute CPU use in percent of one core
 * @param diskBytes disk in use
 * @param networkRxBytes bytes received
 * @param networkTxBytes bytes sent
 * @param uptimeMillis time since the server started, in milliseconds
 */
public record Resources(String currentState, boolean suspended, long memoryBytes, double cpuAbsolute, long diskBytes,
        long networkRxBytes, long networkTxBytes, long uptimeMillis) {

    static Resources from(JsonElement json) {
        JsonObject o = json.getAsJsonObject();
        JsonObject r = Json.object(o, "resources");
        return new Resources(Json.string(o, "current_state"), Json.flag(o, "is_suspended"),
                Json.number(r, "memory_bytes"), Json.decimal(r, "cpu_absolute"), Json.number(r, "disk_bytes"),
                Json.number(r, "network_rx_bytes"), Json.number(r, "network_tx_bytes"), Json.number(r, "uptime"));
    }
}
