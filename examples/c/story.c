/*
 * The seeds' story in C: list the servers, look at one, start it, send a command, juggle its
 * allocations, rename it, change a startup variable and read the activity log.
 *
 *   story [PANEL_URL [API_KEY]]        (or env PTERO_URL / PTERO_KEY)
 *
 * Build: cc -std=c11 story.c $(pkg-config --cflags --libs pterodactyl) -lcjson -o story
 * (examples/c/run.sh builds it against the tree and runs it, by default on the fake panel).
 *
 * Results are JSON strings; this example reads them with cJSON (Debian: libcjson-dev), as any
 * C program would with its JSON library of choice.
 */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <pterodactyl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERVER "d3aac109"

/* The string member `key` of `obj`, or "?" (good enough for printing). */
static const char *text(const cJSON *obj, const char *key) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
    return s ? s : "?";
}

/* The number member `key` of `obj`, or -1. */
static long long number(const cJSON *obj, const char *key) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? (long long)n->valuedouble : -1;
}

/* Parses a result; NULL (with a message) when it is not JSON, which the library never sends. */
static cJSON *parse(const char *what, const char *json) {
    cJSON *doc = json ? cJSON_Parse(json) : NULL;
    if (doc == NULL) fprintf(stderr, "%s: the result is not JSON: %s\n", what, json ? json : "(NULL)");
    return doc;
}

/* Prints a failed call's error object; returns 1 so callers can `goto cleanup` on it. */
static int failed(const char *what, PteroStatus st, const char *out) {
    cJSON *error = NULL;
    if (st == PTERO_STATUS_OK) return 0;
    error = out ? cJSON_Parse(out) : NULL;
    fprintf(stderr, "%s failed: %s: %s\n", what, ptero_status_name((int)st), error ? text(error, "message") : "");
    cJSON_Delete(error);
    return 1;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Frees the last result, text and parsed, before the next call. */
static void next(char **out, cJSON **doc) {
    ptero_string_free(*out);
    *out = NULL;
    cJSON_Delete(*doc);
    *doc = NULL;
}

static int second_act(const PteroClient *client); /* at the end of this file */
static int console_act(const PteroClient *client); /* after it */

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("PTERO_URL");
    const char *key = argc > 2 ? argv[2] : getenv("PTERO_KEY");
    PteroClient *client = NULL;
    char *out = NULL;
    cJSON *doc = NULL;
    const cJSON *item = NULL;
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

    /* 1. Every server the key can see, over all pages: a JSON array of servers. */
    next(&out, &doc);
    st = ptero_call_all_pages(client, "servers.list", NULL, &out);
    if (failed("servers.list", st, out) || (doc = parse("servers.list", out)) == NULL) goto cleanup;
    printf("Servers:\n");
    cJSON_ArrayForEach(item, doc) printf("  %s  %s\n", text(item, "identifier"), text(item, "name"));

    /* 2. One server in detail. */
    next(&out, &doc);
    st = ptero_server_get(client, SERVER, NULL, &out);
    if (failed("server.get", st, out) || (doc = parse("server.get", out)) == NULL) goto cleanup;
    printf("\n%s is \"%s\" on %s, running %s\n", SERVER, text(doc, "name"), text(doc, "node"),
           text(doc, "docker_image"));

    /* 3. Start it, and watch it come up. */
    next(&out, &doc);
    st = ptero_server_power(client, SERVER, "start", &out);
    if (failed("server.power start", st, out)) goto cleanup;
    for (int i = 0; i < 20; i++) {
        next(&out, &doc);
        st = ptero_server_resources(client, SERVER, &out);
        if (failed("server.resources", st, out) || (doc = parse("server.resources", out)) == NULL) goto cleanup;
        printf("  state: %s\n", text(doc, "current_state"));
        if (strcmp(text(doc, "current_state"), "running") == 0) break;
        sleep_ms(250);
    }

    /* 4. Say hello on the console. */
    next(&out, &doc);
    st = ptero_server_command(client, SERVER, "say Hello from C", &out);
    if (failed("server.command", st, out)) goto cleanup;
    printf("Sent \"say Hello from C\" to the console\n");

    /* 5. Allocations: add one, label it, make it primary, then put things back. */
    next(&out, &doc);
    st = ptero_server_allocations_assign(client, SERVER, &out);
    if (failed("server.allocations.assign", st, out) || (doc = parse("assign", out)) == NULL) goto cleanup;
    added = number(doc, "id");
    printf("\nAssigned allocation %lld: %s:%lld\n", added, text(doc, "ip"), number(doc, "port"));
    next(&out, &doc);
    st = ptero_server_allocations_set_notes(client, SERVER, (uint64_t)added, "Dynmap web UI", &out);
    if (failed("server.allocations.set_notes", st, out) || (doc = parse("set_notes", out)) == NULL) goto cleanup;
    printf("  notes: %s\n", text(doc, "notes"));
    next(&out, &doc);
    st = ptero_server_allocations_set_primary(client, SERVER, (uint64_t)added, &out);
    if (failed("server.allocations.set_primary", st, out) || (doc = parse("set_primary", out)) == NULL) goto cleanup;
    printf("  primary: %s\n", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "is_default")) ? "true" : "false");
    next(&out, &doc);
    st = ptero_server_allocations_set_primary(client, SERVER, 15, &out);
    if (failed("server.allocations.set_primary 15", st, out)) goto cleanup;
    next(&out, &doc);
    st = ptero_server_allocations_delete(client, SERVER, (uint64_t)added, &out);
    if (failed("server.allocations.delete", st, out)) goto cleanup;
    printf("  back to allocation 15 as primary; %lld deleted\n", added);

    /* 6. A new name, and a startup variable. */
    next(&out, &doc);
    st = ptero_server_settings_rename(client, SERVER, "Survival (renamed from C)", NULL, &out);
    if (failed("server.settings.rename", st, out)) goto cleanup;
    printf("\nRenamed to \"Survival (renamed from C)\"\n");
    next(&out, &doc);
    st = ptero_server_startup_set_variable(client, SERVER, "SERVER_JARFILE", "paper.jar", &out);
    if (failed("server.startup.set_variable", st, out) || (doc = parse("set_variable", out)) == NULL) goto cleanup;
    printf("SERVER_JARFILE = %s; startup command: %s\n", text(doc, "server_value"),
           text(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "startup_command"));

    /* 7. What the panel logged, newest first. */
    next(&out, &doc);
    st = ptero_server_activity_list(client, SERVER, "{\"sort\": \"-timestamp\", \"per_page\": 5}", &out);
    if (failed("server.activity.list", st, out) || (doc = parse("activity", out)) == NULL) goto cleanup;
    printf("\nRecent activity:\n");
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "data")) {
        printf("  %s  %s\n", text(item, "timestamp"), text(item, "event"));
    }

    /* 8. An error, as a caller sees it: the error object, with the panel's own entries. */
    next(&out, &doc);
    st = ptero_server_get(client, "f00dfeed", NULL, &out);
    if ((doc = parse("server.get f00dfeed", out)) == NULL) goto cleanup;
    printf("\nA server that is not ours: %s, HTTP %lld: %s\n", ptero_status_name((int)st), number(doc, "http_status"),
           text(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "errors"), 0), "detail"));

    if (second_act(client) != 0) goto cleanup;
    if (console_act(client) != 0) goto cleanup;

    /* Leave the server as we found it: stopped. */
    next(&out, &doc);
    st = ptero_server_power(client, SERVER, "stop", &out);
    if (failed("server.power stop", st, out)) goto cleanup;
    printf("\nStopped %s. Done.\n", SERVER);
    rc = 0;

cleanup:
    cJSON_Delete(doc);
    ptero_string_free(out);
    ptero_client_free(client);
    return rc;
}

/* =============================================================================================
 * Second act: a backup, an hourly schedule with a task, a new subuser, and a file written, read
 * back as bytes and listed. Runs from main() while the server is still up.
 * ============================================================================================= */
static int second_act(const PteroClient *client) {
    static const char motd[] = "Welcome to Survival!\n";
    char *out = NULL;
    cJSON *doc = NULL;
    const cJSON *item = NULL;
    const cJSON *perm = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    long long schedule = -1;
    PteroStatus st;
    int rc = 1;

    /* 9. A backup, then the server's backups. */
    st = ptero_server_backups_create(client, SERVER, "Before the update", "*.log", -1, &out);
    if (failed("server.backups.create", st, out) || (doc = parse("backups.create", out)) == NULL) goto cleanup;
    printf("\nBackup \"%s\" started (%s)\n", text(doc, "name"), text(doc, "uuid"));
    next(&out, &doc);
    st = ptero_server_backups_list(client, SERVER, NULL, &out);
    if (failed("server.backups.list", st, out) || (doc = parse("backups.list", out)) == NULL) goto cleanup;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "data")) {
        const char *state = cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(item, "completed_at")) ? "running"
                            : cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "is_successful")) ? "done"
                                                                                                   : "failed";
        printf("  %s  %-20s %-8s %lld bytes\n", text(item, "uuid"), text(item, "name"), state, number(item, "bytes"));
    }

    /* 10. An hourly schedule (active; only_when_online left to the panel) with one task. */
    next(&out, &doc);
    st = ptero_server_schedules_create(client, SERVER, "Hourly reminder", "0", "*", "*", "*", "*", 1, -1, &out);
    if (failed("server.schedules.create", st, out) || (doc = parse("schedules.create", out)) == NULL) goto cleanup;
    schedule = number(doc, "id");
    next(&out, &doc);
    st = ptero_server_schedules_tasks_create(client, SERVER, (uint64_t)schedule, "command", "say Vote for us!", 0, -1,
                                             -1, &out);
    if (failed("server.schedules.tasks.create", st, out) || (doc = parse("tasks.create", out)) == NULL) goto cleanup;
    printf("\nSchedule #%lld, task #%lld: %s \"%s\"\n", schedule, number(doc, "id"), text(doc, "action"),
           text(doc, "payload"));
    next(&out, &doc);
    st = ptero_server_schedules_list(client, SERVER, &out);
    if (failed("server.schedules.list", st, out) || (doc = parse("schedules.list", out)) == NULL) goto cleanup;
    cJSON_ArrayForEach(item, doc) {
        const cJSON *cron = cJSON_GetObjectItemCaseSensitive(item, "cron");
        const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "relationships"),
                                                              "tasks");
        printf("  #%-3lld %-18s %s %s %s %s %s  tasks=%d\n", number(item, "id"), text(item, "name"),
               text(cron, "minute"), text(cron, "hour"), text(cron, "day_of_month"), text(cron, "month"),
               text(cron, "day_of_week"), cJSON_GetArraySize(tasks));
    }

    /* 11. A subuser by email with two permissions (the panel adds websocket.connect). */
    next(&out, &doc);
    st = ptero_server_users_create(client, SERVER, "moderator@example.com", "[\"control.console\", \"file.read\"]",
                                   &out);
    if (failed("server.users.create", st, out)) goto cleanup;
    next(&out, &doc);
    st = ptero_server_users_list(client, SERVER, &out);
    if (failed("server.users.list", st, out) || (doc = parse("users.list", out)) == NULL) goto cleanup;
    printf("\nSubusers:\n");
    cJSON_ArrayForEach(item, doc) {
        printf("  %-24s", text(item, "email"));
        cJSON_ArrayForEach(perm, cJSON_GetObjectItemCaseSensitive(item, "permissions")) {
            printf(" %s", cJSON_GetStringValue(perm));
        }
        printf("\n");
    }

    /* 12. A file: written from bytes, read back as bytes (freed with ptero_bytes_free), listed. */
    next(&out, &doc);
    st = ptero_server_files_write(client, SERVER, "/motd.txt", (const uint8_t *)motd, strlen(motd), &out);
    if (failed("server.files.write", st, out)) goto cleanup;
    next(&out, &doc);
    st = ptero_server_files_contents(client, SERVER, "/motd.txt", &bytes, &len, &out);
    if (failed("server.files.contents", st, out)) goto cleanup;
    printf("\nWrote /motd.txt; read back %zu bytes: %.*s", len, (int)len, (const char *)bytes);
    next(&out, &doc);
    st = ptero_server_files_list(client, SERVER, NULL, &out);
    if (failed("server.files.list", st, out) || (doc = parse("files.list", out)) == NULL) goto cleanup;
    cJSON_ArrayForEach(item, doc) {
        const char *kind = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "is_file")) ? "file" : "dir ";
        printf("  %s %-10s %8lld bytes  %s\n", kind, text(item, "mode"), number(item, "size"), text(item, "name"));
    }
    rc = 0;

cleanup:
    ptero_bytes_free(bytes, len);
    cJSON_Delete(doc);
    ptero_string_free(out);
    return rc;
}

/* =============================================================================================
 * The live console (the Wings websocket): events come as JSON strings from ptero_console_poll
 * (a game plugin would poll on its tick with a timeout of 0). A power action and a command go
 * in; the status changes, the boot output and the command's echo come out.
 * ============================================================================================= */
static int console_act(const PteroClient *client) {
    static const char echo[] = "> say Hello from the C console";
    PteroConsole *console = NULL;
    PteroStatus st = ptero_console_open(client, SERVER, NULL, &console);
    if (st != PTERO_STATUS_OK) {
        char *error = ptero_last_error();
        int rc = failed("ptero_console_open", st, error);
        ptero_string_free(error);
        return rc;
    }
    printf("\nLive console:\n");
    int powered = 0, commanded = 0, done = 0, rc = 1;
    time_t deadline = time(NULL) + 15;
    while (!done && time(NULL) < deadline) {
        char *event = NULL;
        st = ptero_console_poll(console, 500, &event);
        if (failed("ptero_console_poll", st, event)) {
            ptero_string_free(event);
            goto cleanup;
        }
        cJSON *doc = event ? cJSON_Parse(event) : NULL;
        const char *name = text(doc, "event");
        if (strcmp(name, "status") == 0) {
            const char *state = text(doc, "state");
            printf("  [status] %s\n", state);
            if (!powered) {
                st = ptero_console_set_state(console, strcmp(state, "offline") == 0 ? "start" : "restart", NULL);
                powered = 1;
            } else if (strcmp(state, "running") == 0 && !commanded) {
                st = ptero_console_send_command(console, echo + 2, NULL);
                commanded = 1;
            }
        } else if (strcmp(name, "console output") == 0) {
            printf("  %s\n", text(doc, "line"));
            done = strcmp(text(doc, "line"), echo) == 0;
        }
        cJSON_Delete(doc);
        ptero_string_free(event);
        if (st != PTERO_STATUS_OK) {
            failed("a console send", st, "");
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    ptero_console_free(console);
    return rc;
}
