/*
 * Every typed function against the fake panel, and ptero_call for each of the same 18
 * operations: both must succeed and give the same bytes (the one JSON shape).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static PteroClient *owner;

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ptero_call(op, params) must succeed and equal `typed` byte for byte. */
static void same_as_call(const char *what, const char *typed, const char *op, const char *params) {
    char *generic = NULL;
    PteroStatus st = ptero_call(owner, op, params, &generic);
    if (EXPECT_STATUS(what, st, PTERO_STATUS_OK, generic)) EXPECT_SAME(what, typed, generic);
    ptero_string_free(generic);
}

static void reads(void) {
    char *out = NULL;
    PteroStatus st;
    panel_reset();

    st = ptero_servers_list(owner, NULL, &out);
    EXPECT_STATUS("servers_list", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("servers_list names Survival", out, "\"identifier\":\"d3aac109\",\"internal_id\":1");
    EXPECT_HAS("servers_list pages", out, "\"total\":5");
    EXPECT_LACKS("servers_list hides the stranger's server", out, "f00dfeed");
    EXPECT_LACKS("servers_list unwraps the envelopes", out, "\"attributes\"");
    same_as_call("servers.list = ptero_servers_list", out, "servers.list", NULL);
    ptero_string_free(out);

    const char *filtered = "{\"filter\":{\"name\":\"Survival\"},\"per_page\":2,\"include\":[\"egg\"]}";
    st = ptero_servers_list(owner, filtered, &out);
    EXPECT_STATUS("servers_list filtered", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("filter keeps 3 of 5", out, "\"total\":3");
    EXPECT_HAS("per_page is sent", out, "\"per_page\":2");
    EXPECT_HAS("include=egg is sent", out, "\"egg\":{");
    EXPECT_LACKS("filter drops Creative", out, "\"identifier\":\"1a7ce997\"");
    same_as_call("filtered servers.list = ptero_servers_list", out, "servers.list", filtered);
    ptero_string_free(out);

    st = ptero_call_all_pages(owner, "servers.list", "{\"filter\":{\"name\":\"Survival\"},\"per_page\":2}", &out);
    EXPECT_STATUS("call_all_pages servers.list", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("all pages: first page", out, "\"identifier\":\"d3aac109\"");
    EXPECT_HAS("all pages: second page", out, "\"identifier\":\"7c4d2e11\"");
    EXPECT_LACKS("all pages keep the filter", out, "\"identifier\":\"1a7ce997\"");
    CHECK(out && out[0] == '[', "call_all_pages answers a JSON array");
    ptero_string_free(out);

    st = ptero_permissions_get(owner, &out);
    EXPECT_STATUS("permissions_get", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("permissions_get groups", out, "\"control\":{\"description\":");
    same_as_call("permissions.get = ptero_permissions_get", out, "permissions.get", NULL);
    ptero_string_free(out);

    st = ptero_server_get(owner, "d3aac109", NULL, &out);
    EXPECT_STATUS("server_get", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("server_get name", out, "\"name\":\"Survival\"");
    EXPECT_HAS("server_get meta", out, "\"meta\":{\"is_server_owner\":true,\"user_permissions\":[\"*\"]}");
    EXPECT_HAS("server_get relationships", out, "\"id\":15,\"ip\":\"45.86.168.218\"");
    same_as_call("server.get = ptero_server_get", out, "server.get", "{\"server\":\"d3aac109\"}");
    ptero_string_free(out);

    st = ptero_server_get(owner, "d3aac109", "egg", &out);
    EXPECT_STATUS("server_get include=egg", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("server_get includes the egg", out, "\"egg\":{");
    same_as_call("server.get include = ptero_server_get include", out, "server.get",
                 "{\"server\":\"d3aac109\",\"include\":\"egg\"}");
    ptero_string_free(out);

    st = ptero_server_websocket(owner, "d3aac109", &out);
    EXPECT_STATUS("server_websocket", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("server_websocket socket", out, "/api/servers/d3aac109-e5e0-4331-b03e-3454f7e136dc/ws\"");
    EXPECT_HAS("server_websocket token", out, "\"token\":\"ey");
    ptero_string_free(out);
    st = ptero_call(owner, "server.websocket", "{\"server\":\"d3aac109\"}", &out);
    EXPECT_STATUS("call server.websocket", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("call server.websocket token (new each time)", out, "\"token\":\"ey");
    ptero_string_free(out);

    st = ptero_server_resources(owner, "d3aac109", &out);
    EXPECT_STATUS("server_resources", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("server_resources state", out, "\"current_state\":\"offline\"");
    EXPECT_HAS("server_resources usage", out, "\"disk_bytes\":157286400");
    same_as_call("server.resources = ptero_server_resources", out, "server.resources", "{\"server\":\"d3aac109\"}");
    ptero_string_free(out);

    const char *activity = "{\"sort\":\"-timestamp\",\"per_page\":2,\"filter\":{\"event\":\"power\"}}";
    st = ptero_server_activity_list(owner, "d3aac109", activity, &out);
    EXPECT_STATUS("server_activity_list", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("activity newest power event first", out,
               "\"data\":[{\"id\":\"ac3478d69a3c81fa62e60f5c3696165a4e5e6ac4\",\"batch\":null,\"event\":\"server:power.stop\"");
    EXPECT_LACKS("activity filter", out, "server:file.write");
    same_as_call("server.activity.list = ptero_server_activity_list", out, "server.activity.list",
                 "{\"server\":\"d3aac109\",\"sort\":\"-timestamp\",\"per_page\":2,\"filter\":{\"event\":\"power\"}}");
    ptero_string_free(out);

    st = ptero_server_activity_list(owner, "d3aac109", NULL, &out);
    EXPECT_STATUS("server_activity_list without params", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("activity has every entry", out, "\"total\":5");
    ptero_string_free(out);

    st = ptero_server_startup_get(owner, "d3aac109", &out);
    EXPECT_STATUS("server_startup_get", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("startup variables", out, "\"env_variable\":\"SERVER_JARFILE\"");
    EXPECT_HAS("startup images", out, "\"Java 21\":\"ghcr.io/pterodactyl/yolks:java_21\"");
    same_as_call("server.startup.get = ptero_server_startup_get", out, "server.startup.get", "{\"server\":\"d3aac109\"}");
    ptero_string_free(out);

    st = ptero_server_allocations_list(owner, "d3aac109", &out);
    EXPECT_STATUS("server_allocations_list", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("allocations primary", out, "{\"id\":15,\"ip\":\"45.86.168.218\",\"ip_alias\":null,\"port\":25565,\"notes\":null,\"is_default\":true}");
    EXPECT_HAS("allocations notes", out, "\"port\":25566,\"notes\":\"Query port\"");
    same_as_call("server.allocations.list = ptero_server_allocations_list", out, "server.allocations.list",
                 "{\"server\":\"d3aac109\"}");
    ptero_string_free(out);
}

/* A write through its typed function, then the same write through ptero_call on a fresh
 * panel: the answers must be identical. */
static void writes(void) {
    char *out = NULL;
    char *check = NULL;
    PteroStatus st;

    /* power + command */
    panel_reset();
    st = ptero_server_power(owner, "d3aac109", "start", &out);
    EXPECT_STATUS("server_power start", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("server_power answers null", out, "null");
    ptero_string_free(out);
    out = NULL;
    st = ptero_server_resources(owner, "d3aac109", &check);
    EXPECT_STATUS("resources after start", st, PTERO_STATUS_OK, check);
    CHECK(check && (strstr(check, "\"current_state\":\"starting\"") || strstr(check, "\"current_state\":\"running\"")),
          "the server is starting after power start");
    ptero_string_free(check);
    check = NULL;
    sleep_ms(400); /* the fake's starting -> running step is 300 ms */
    st = ptero_server_command(owner, "d3aac109", "say hello from C", &out);
    EXPECT_STATUS("server_command", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("server_command answers null", out, "null");
    ptero_string_free(out);
    st = ptero_call(owner, "server.command", "{\"server\":\"d3aac109\",\"command\":\"say again\"}", &out);
    EXPECT_STATUS("call server.command", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("call server.command answers null", out, "null");
    ptero_string_free(out);
    st = ptero_call(owner, "server.power", "{\"server\":\"d3aac109\",\"signal\":\"kill\"}", &out);
    EXPECT_STATUS("call server.power kill", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("call server.power answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_resources(owner, "d3aac109", &check);
    EXPECT_HAS("kill stops the server", check, "\"current_state\":\"offline\"");
    ptero_string_free(check);
    st = ptero_server_activity_list(owner, "d3aac109", "{\"filter\":{\"event\":\"console\"}}", &check);
    EXPECT_HAS("the command reached the panel", check, "\"command\":\"say hello from C\"");
    ptero_string_free(check);

    /* startup variable */
    panel_reset();
    st = ptero_server_startup_set_variable(owner, "d3aac109", "SERVER_JARFILE", "paper.jar", &out);
    EXPECT_STATUS("server_startup_set_variable", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("set_variable value", out, "\"server_value\":\"paper.jar\"");
    EXPECT_HAS("set_variable command", out, "\"startup_command\":\"java -Xms128M -Xmx1024M -jar paper.jar\"");
    panel_reset();
    same_as_call("server.startup.set_variable = typed", out, "server.startup.set_variable",
                 "{\"server\":\"d3aac109\",\"key\":\"SERVER_JARFILE\",\"value\":\"paper.jar\"}");
    ptero_string_free(out);
    st = ptero_server_startup_get(owner, "d3aac109", &check);
    EXPECT_HAS("startup_get sees the new value", check, "\"server_value\":\"paper.jar\"");
    ptero_string_free(check);

    /* rename */
    panel_reset();
    st = ptero_server_settings_rename(owner, "d3aac109", "Survival 2", NULL, &out);
    EXPECT_STATUS("server_settings_rename", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("rename answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_get(owner, "d3aac109", NULL, &check);
    EXPECT_HAS("renamed", check, "\"name\":\"Survival 2\"");
    EXPECT_HAS("NULL description leaves it", check, "\"description\":\"A vanilla Minecraft survival server\"");
    ptero_string_free(check);
    st = ptero_server_settings_rename(owner, "d3aac109", "Survival 3", "Now with a description", &out);
    EXPECT_STATUS("server_settings_rename with description", st, PTERO_STATUS_OK, out);
    ptero_string_free(out);
    st = ptero_call(owner, "server.get", "{\"server\":\"d3aac109\"}", &check);
    EXPECT_HAS("description changed", check, "\"description\":\"Now with a description\"");
    ptero_string_free(check);
    st = ptero_call(owner, "server.settings.rename", "{\"server\":\"d3aac109\",\"name\":\"Via call\"}", &out);
    EXPECT_STATUS("call server.settings.rename", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("call rename answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_get(owner, "d3aac109", NULL, &check);
    EXPECT_HAS("renamed via call", check, "\"name\":\"Via call\"");
    ptero_string_free(check);

    /* docker image */
    panel_reset();
    st = ptero_server_settings_docker_image(owner, "d3aac109", "ghcr.io/pterodactyl/yolks:java_21", &out);
    EXPECT_STATUS("server_settings_docker_image", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("docker_image answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_get(owner, "d3aac109", NULL, &check);
    EXPECT_HAS("image switched", check, "\"docker_image\":\"ghcr.io/pterodactyl/yolks:java_21\"");
    ptero_string_free(check);
    st = ptero_call(owner, "server.settings.docker_image",
                    "{\"server\":\"d3aac109\",\"docker_image\":\"ghcr.io/pterodactyl/yolks:java_17\"}", &out);
    EXPECT_STATUS("call server.settings.docker_image", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("call docker_image answers null", out, "null");
    ptero_string_free(out);

    /* reinstall */
    panel_reset();
    st = ptero_server_settings_reinstall(owner, "1a7ce997", &out);
    EXPECT_STATUS("server_settings_reinstall", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("reinstall answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_get(owner, "1a7ce997", NULL, &check);
    EXPECT_HAS("reinstalling", check, "\"status\":\"installing\"");
    ptero_string_free(check);
    st = ptero_call(owner, "server.settings.reinstall", "{\"server\":\"5b2e8f10\"}", &out);
    EXPECT_STATUS("call server.settings.reinstall", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("call reinstall answers null", out, "null");
    ptero_string_free(out);

    /* allocations: typed */
    panel_reset();
    st = ptero_server_allocations_assign(owner, "d3aac109", &out);
    EXPECT_STATUS("server_allocations_assign", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("assigned allocation is not primary", out, "\"is_default\":false");
    long long id = json_int(out, "id", -1);
    CHECK(id > 16, "assign answers a new allocation id");
    char *assigned = out;
    panel_reset();
    same_as_call("server.allocations.assign = typed", assigned, "server.allocations.assign", "{\"server\":\"d3aac109\"}");
    ptero_string_free(assigned);

    st = ptero_server_allocations_set_notes(owner, "d3aac109", (uint64_t)id, "Dynmap", &out);
    EXPECT_STATUS("server_allocations_set_notes", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("notes set", out, "\"notes\":\"Dynmap\"");
    ptero_string_free(out);
    st = ptero_server_allocations_set_notes(owner, "d3aac109", (uint64_t)id, NULL, &out);
    EXPECT_STATUS("server_allocations_set_notes NULL", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("NULL clears the notes", out, "\"notes\":null");
    {
        char params[128];
        snprintf(params, sizeof params, "{\"server\":\"d3aac109\",\"allocation\":%lld,\"notes\":null}", id);
        same_as_call("server.allocations.set_notes = typed", out, "server.allocations.set_notes", params);
    }
    ptero_string_free(out);

    st = ptero_server_allocations_set_primary(owner, "d3aac109", (uint64_t)id, &out);
    EXPECT_STATUS("server_allocations_set_primary", st, PTERO_STATUS_OK, out);
    EXPECT_HAS("now primary", out, "\"is_default\":true");
    {
        char params[128];
        snprintf(params, sizeof params, "{\"server\":\"d3aac109\",\"allocation\":%lld}", id);
        same_as_call("server.allocations.set_primary = typed", out, "server.allocations.set_primary", params);
    }
    ptero_string_free(out);
    st = ptero_server_allocations_set_primary(owner, "d3aac109", 15, &out);
    EXPECT_STATUS("back to 15 as primary", st, PTERO_STATUS_OK, out);
    ptero_string_free(out);

    st = ptero_server_allocations_delete(owner, "d3aac109", (uint64_t)id, &out);
    EXPECT_STATUS("server_allocations_delete", st, PTERO_STATUS_OK, out);
    EXPECT_SAME("delete answers null", out, "null");
    ptero_string_free(out);
    st = ptero_server_allocations_list(owner, "d3aac109", &check);
    {
        char gone[32];
        snprintf(gone, sizeof gone, "\"id\":%lld,", id);
        EXPECT_LACKS("deleted allocation is gone", check, gone);
    }
    EXPECT_HAS("15 is primary again", check, "\"id\":15,\"ip\":\"45.86.168.218\",\"ip_alias\":null,\"port\":25565,\"notes\":null,\"is_default\":true");
    ptero_string_free(check);

    /* allocations: generic delete */
    st = ptero_call(owner, "server.allocations.assign", "{\"server\":\"d3aac109\"}", &out);
    EXPECT_STATUS("call server.allocations.assign", st, PTERO_STATUS_OK, out);
    id = json_int(out, "id", -1);
    ptero_string_free(out);
    {
        char params[128];
        snprintf(params, sizeof params, "{\"server\":\"d3aac109\",\"allocation\":%lld}", id);
        st = ptero_call(owner, "server.allocations.delete", params, &out);
        EXPECT_STATUS("call server.allocations.delete", st, PTERO_STATUS_OK, out);
        EXPECT_SAME("call delete answers null", out, "null");
        ptero_string_free(out);
    }
}

int main(void) {
    int rc = 1;
    CHECK(strcmp(ptero_version(), "") != 0, "ptero_version is not empty");
    owner = test_client(OWNER_KEY, NULL);
    if (owner == NULL) goto cleanup;
    reads();
    writes();

cleanup:
    ptero_client_free(owner);
    rc = harness_finish();
    return rc;
}
