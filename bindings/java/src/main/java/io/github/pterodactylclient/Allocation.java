package io.github.pterodactylclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * An IP and port a server listens on ({@code server.allocations.list}).
 *
 * @param id the allocation's id
 * @param ip the IP address
 * @param ipAlias the address's alias, or null
 * @param port the port
 * @param notes the notes, or null
 * @param isDefault whether it is the server's primary allocation
 */
public record Allocation(long id, String ip, String ipAlias, int port, String notes, boolean isDefault) {

    static Allocation from(JsonElement json) {
        JsonObject o = json.getAsJsonObject();
        return new Allocation(Json.number(o, "id"), Json.string(o, "ip"), Json.string(o, "ip_alias"),
                (int) Json.number(o, "port"), Json.string(o, "notes"), Json.flag(o, "is_default"));
    }
}
