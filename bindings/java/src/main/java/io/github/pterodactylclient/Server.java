package io.github.pterodactylclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A server the key can see ({@code servers.list}, {@code server.get}). {@link #raw()} holds the
 * whole object, for the fields this record does not name.
 *
 * @param identifier the short id, e.g. {@code d3aac109}
 * @param uuid the full UUID
 * @param internalId the panel's numeric id
 * @param name the server's name
 * @param description its description
 * @param node the node's name
 * @param serverOwner whether the key's user owns it (false for a subuser)
 * @param status null, {@code installing}, {@code suspended}, ...
 * @param suspended whether it is suspended
 * @param memoryLimitMib the memory limit in MiB (0: unlimited)
 * @param diskLimitMib the disk limit in MiB (0: unlimited)
 * @param allocations its allocations, when the panel included them
 * @param raw the whole object as the library returned it
 */
public record Server(String identifier, String uuid, long internalId, String name, String description, String node,
        boolean serverOwner, String status, boolean suspended, long memoryLimitMib, long diskLimitMib,
        List<Allocation> allocations, JsonObject raw) {

    static Server from(JsonElement json) {
        JsonObject o = json.getAsJsonObject();
        JsonObject limits = Json.object(o, "limits");
        JsonObject relationships = Json.object(o, "relationships");
        List<Allocation> allocations = new ArrayList<>();
        JsonElement list = Json.get(relationships, "allocations");
        if (list != null && list.isJsonArray()) {
            for (JsonElement a : list.getAsJsonArray()) {
                allocations.add(Allocation.from(a));
            }
        }
        return new Server(Json.string(o, "identifier"), Json.string(o, "uuid"), Json.number(o, "internal_id"),
                Json.string(o, "name"), Json.string(o, "description"), Json.string(o, "node"),
                Json.flag(o, "server_owner"), Json.string(o, "status"), Json.flag(o, "is_suspended"),
                Json.number(limits, "memory"), Json.number(limits, "disk"), List.copyOf(allocations), o);
    }
}
