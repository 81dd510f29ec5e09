package io.github.pterodactylclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Small readers for the library's JSON: a missing or null field gives the fallback. */
final class Json {
    private Json() {}

    static JsonElement get(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e == null || e.isJsonNull() ? null : e;
    }

    static String string(JsonObject o, String key) {
        JsonElement e = get(o, key);
        return e == null ? null : e.getAsString();
    }

    static long number(JsonObject o, String key) {
        JsonElement e = get(o, key);
        return e == null ? 0 : e.getAsLong();
    }

    static double decimal(JsonObject o, String key) {
        JsonElement e = get(o, key);
        return e == null ? 0 : e.getAsDouble();
    }

    static boolean flag(JsonObject o, String key) {
        JsonElement e = get(o, key);
        return e != null && e.getAsBoolean();
    }

    static JsonObject object(JsonObject o, String key) {
        JsonElement e = get(o, key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }
}
