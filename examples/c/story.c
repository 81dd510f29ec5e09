/*
 * The seeds' story in C: list the servers, look at one, start it, send a command, juggle its
 * allocations, rename it, change a startup variable and read the activity log.
 *
 *   story [PANEL_URL [API_KEY]]        (or env PTERO_URL / PTERO_KEY)
 *
 * Build: cc -std=c11 story.c $(pkg-config --cflags --libs pterodactyl) -o story
 * (examples/c/run.sh builds it against the tree and runs it, by default on the fake panel).
 *
 * Results are JSON strings. This example reads the few fields it prints with a tiny helper
 * (json_field) to stay dependency-free; a real program would hand the string to its JSON library
 * (cJSON, jansson, yyjson, ...).
 */
#define _POSIX_C_SOURCE 200809L

#include <pterodactyl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERVER "d3aac109"

/* Copies the scalar value of the first `"key":` at or after `*cursor` into `buf` (strings without
 * their quotes) and moves `*cursor` past it. Returns 0 when there is none. */
static int json_field(const char **cursor, const char *key, char *buf, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = *cursor ? strstr(*cursor, pattern) : NULL;
    if (at == NULL || size == 0) return 0;
    at += strlen(pattern);
    size_t n = 0;
    if (*at == '"') {
        for (at++; *at && *at != '"' && n + 1 < size; at++) {
            if (*at == '\\' && at[1]) at++;
            buf[n++] = *at;
        }
    } else {
        for (; *at && *at != ',' && *at != '}' && *at != ']' && n + 1 < size; at++) buf[n++] = *at;
    }
    buf[n] = '\0';
    *cursor = at;
    return 1;
}

/* The first value of `key` in `json`, in a static buffer (good enough for printing). */
static const char *field(const char *json, const char *key) {
    static char buf[4][256];
    static int next;
    char *out = buf[next++ % 4];
    const char *cursor = json;
    if (!json_field(&cursor, key, out, sizeof buf[0])) strcpy(out, "?");
    return out;
}

/* Prints a failed call's error object; returns 1 so callers can `goto cleanup` on it. */
static int failed(const char *what, PteroStatus st, const char *out) {
    if (st == PTERO_STATUS_OK) return 0;
    fprintf(stderr, "%s failed: %s: %s\n", what, ptero_status_name((int)st), out ? field(out, "message") : "");
    return 1;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("PTERO_URL");
    const char *key = argc > 2 ? argv[2] : getenv("PTERO_KEY");
    PteroClient *client = NULL;
    char *out = NULL;
    PteroStatus st;
    int rc = 1;
    long long added = -1;

    if (url == NULL || key == NULL) {
        fprintf(stderr, "usage: %s PANEL_URL API_KEY   (or set PTERO_URL and PTERO_KEY)\n", argv[0]);
        return 2;
    }
    printf("libpterodactyl %s, panel %s\n\n", ptero_version(), url);
    st = ptero_client_new(url, key, "{\"timeout_ms\": 15000}", &client);
    out = ptero_last_error();
    if (failed("ptero_client_new", st, out)) goto cleanup;

    /* 1. Every server the key can see, over all pages. */
    ptero_string_free(out);
    st = ptero_call_all_pages(client, "servers.list", NULL, &out);
    if (failed("servers.list", st, out)) goto cleanup;
    printf("Servers:\n");
    {
        const char *cursor = out;
        char id[64], name[128];
        while (json_field(&cursor, "identifier", id, sizeof id) && json_field(&cursor, "name", name, sizeof name))
            printf("  %s  %s\n", id, name);
    }

    /* 2. One server in detail. */
    ptero_string_free(out);
    st = ptero_server_get(client, SERVER, NULL, &out);
    if (failed("server.get", st, out)) goto cleanup;
    printf("\n%s is \"%s\" on %s, running %s\n", SERVER, field(out, "name"), field(out, "node"),
           field(out, "docker_image"));

    /* 3. Start it, and watch it come up. */
    ptero_string_free(out);
    st = ptero_server_power(client, SERVER, "start", &out);
    if (failed("server.power start", st, out)) goto cleanup;
    for (int i = 0; i < 20; i++) {
        ptero_string_free(out);
        st = ptero_server_resources(client, SERVER, &out);
        if (failed("server.resources", st, out)) goto cleanup;
        printf("  state: %s\n", field(out, "current_state"));
        if (strcmp(field(out, "current_state"), "running") == 0) break;
        sleep_ms(250);
    }

    /* 4. Say hello on the console. */
    ptero_string_free(out);
    st = ptero_server_command(client, SERVER, "say Hello from C", &out);
    if (failed("server.command", st, out)) goto cleanup;
    printf("Sent \"say Hello from C\" to the console\n");

    /* 5. Allocations: add one, label it, make it primary, then put things back. */
    ptero_string_free(out);
    st = ptero_server_allocations_assign(client, SERVER, &out);
    if (failed("server.allocations.assign", st, out)) goto cleanup;
    added = atoll(field(out, "id"));
    printf("\nAssigned allocation %lld: %s:%s\n", added, field(out, "ip"), field(out, "port"));
    ptero_string_free(out);
    st = ptero_server_allocations_set_notes(client, SERVER, (uint64_t)added, "Dynmap web UI", &out);
    if (failed("server.allocations.set_notes", st, out)) goto cleanup;
    printf("  notes: %s\n", field(out, "notes"));
    ptero_string_free(out);
    st = ptero_server_allocations_set_primary(client, SERVER, (uint64_t)added, &out);
    if (failed("server.allocations.set_primary", st, out)) goto cleanup;
    printf("  primary: %s\n", field(out, "is_default"));
    ptero_string_free(out);
    st = ptero_server_allocations_set_primary(client, SERVER, 15, &out);
    if (failed("server.allocations.set_primary 15", st, out)) goto cleanup;
    ptero_string_free(out);
    st = ptero_server_allocations_delete(client, SERVER, (uint64_t)added, &out);
    if (failed("server.allocations.delete", st, out)) goto cleanup;
    printf("  back to allocation 15 as primary; %lld deleted\n", added);

    /* 6. A new name, and a startup variable. */
    ptero_string_free(out);
    st = ptero_server_settings_rename(client, SERVER, "Survival (renamed from C)", NULL, &out);
    if (failed("server.settings.rename", st, out)) goto cleanup;
    printf("\nRenamed to \"Survival (renamed from C)\"\n");
    ptero_string_free(out);
    st = ptero_server_startup_set_variable(client, SERVER, "SERVER_JARFILE", "paper.jar", &out);
    if (failed("server.startup.set_variable", st, out)) goto cleanup;
    printf("SERVER_JARFILE = %s; startup command: %s\n", field(out, "server_value"), field(out, "startup_command"));

    /* 7. What the panel logged, newest first. */
    ptero_string_free(out);
    st = ptero_server_activity_list(client, SERVER, "{\"sort\": \"-timestamp\", \"per_page\": 5}", &out);
    if (failed("server.activity.list", st, out)) goto cleanup;
    printf("\nRecent activity:\n");
    {
        const char *cursor = out;
        char event[96], when[64];
        while (json_field(&cursor, "event", event, sizeof event) &&
               json_field(&cursor, "timestamp", when, sizeof when))
            printf("  %s  %s\n", when, event);
    }

    /* 8. An error, as a caller sees it. */
    ptero_string_free(out);
    st = ptero_server_get(client, "f00dfeed", NULL, &out);
    printf("\nA server that is not ours: %s, HTTP %s: %s\n", ptero_status_name((int)st), field(out, "http_status"),
           field(out, "detail"));

    /* Leave the server as we found it: stopped. */
    ptero_string_free(out);
    st = ptero_server_power(client, SERVER, "stop", &out);
    if (failed("server.power stop", st, out)) goto cleanup;
    printf("\nStopped %s. Done.\n", SERVER);
    rc = 0;

cleanup:
    ptero_string_free(out);
    ptero_client_free(client);
    return rc;
}
