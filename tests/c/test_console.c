/*
 * The live console from C: events as JSON strings from ptero_console_poll (a plugin's tick
 * polls with timeout 0), commands and power actions back, close from another thread, Wings'
 * closes that mean "stop", reconnection with reported gaps, and a soak of 2 s tokens and cut
 * connections (PTERO_SOAK_SECS, default 30) checked against the fake Wings' ledger.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define SURVIVAL "d3aac109"
#define QUICK "{\"reconnect_initial_ms\":50,\"reconnect_max_ms\":500}"
/* How long to wait for something that should happen (never a timing assertion). */
#define PATIENCE_MS 15000

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Polls until an event named `name` arrives whose string field `field` is `value` (field NULL:
 * any); answers it parsed (cJSON_Delete it), or NULL after PATIENCE_MS or when the console
 * ends (the status is left in *ended when given). */
static cJSON *wait_event(const PteroConsole *console, const char *name, const char *field, const char *value,
                         PteroStatus *ended) {
    long long deadline = now_ms() + PATIENCE_MS;
    while (now_ms() < deadline) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(console, 200, &event);
        if (st != PTERO_STATUS_OK) {
            if (ended) *ended = st;
            fprintf(stderr, "     the console ended while waiting for %s: %s %.300s\n", name,
                    ptero_status_name((int)st), event ? event : "");
            ptero_string_free(event);
            return NULL;
        }
        if (event == NULL) continue;
        cJSON *doc = cJSON_Parse(event);
        ptero_string_free(event);
        const char *got = json_str(doc, "event");
        if (got && strcmp(got, name) == 0) {
            const char *v = field ? json_str(doc, field) : NULL;
            if (field == NULL || (v && strcmp(v, value) == 0)) return doc;
        }
        cJSON_Delete(doc);
    }
    fprintf(stderr, "     no %s %s=%s within %d ms\n", name, field ? field : "", value ? value : "", PATIENCE_MS);
    return NULL;
}

static bool wait_line(const PteroConsole *console, const char *line) {
    cJSON *doc = wait_event(console, "console output", "line", line, NULL);
    bool ok = CHECK(doc != NULL, line);
    cJSON_Delete(doc);
    return ok;
}

static bool wait_state(const PteroConsole *console, const char *state) {
    cJSON *doc = wait_event(console, "status", "state", state, NULL);
    bool ok = CHECK(doc != NULL, state);
    cJSON_Delete(doc);
    return ok;
}

static PteroConsole *open_console(const PteroClient *client, const char *options) {
    PteroConsole *console = NULL;
    PteroStatus st = ptero_console_open(client, SURVIVAL, options, &console);
    char *error = ptero_last_error();
    if (!EXPECT_STATUS("ptero_console_open", st, PTERO_STATUS_OK, error)) console = NULL;
    ptero_string_free(error);
    return console;
}

/* Polls until the console ends; answers the final status (and frees the error object). */
static PteroStatus wait_end(const PteroConsole *console, char **out_error) {
    long long deadline = now_ms() + PATIENCE_MS;
    while (now_ms() < deadline) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(console, 200, &event);
        if (st != PTERO_STATUS_OK) {
            *out_error = event;
            return st;
        }
        ptero_string_free(event);
    }
    return PTERO_STATUS_OK;
}

static void test_output_commands_and_power(const PteroClient *client) {
    PteroConsole *console = open_console(client, QUICK);
    char *error = NULL;
    if (console == NULL) return;

    cJSON *status = wait_event(console, "status", NULL, NULL, NULL);
    EXPECT_STR("the first event is the status", status, "state", "offline");
    EXPECT_STR("with Wings' args", status, "args.0", "offline");
    cJSON_Delete(status);
    cJSON *stats = wait_event(console, "stats", NULL, NULL, NULL);
    EXPECT_STR("stats are decoded from args[0]", stats, "stats.state", "offline");
    CHECK(json_num(stats, "stats.memory_limit_bytes", 0) > 0, "stats carry the memory limit");
    cJSON_Delete(stats);
    CHECK(ptero_console_is_connected(console), "the console is connected");

    EXPECT_STATUS("set state start", ptero_console_set_state(console, "start", &error), PTERO_STATUS_OK, error);
    CHECK(error == NULL, "no error object on success");
    wait_state(console, "starting");
    wait_line(console, "container@pterodactyl~ Server marked as starting...");
    wait_state(console, "running");
    EXPECT_STATUS("send command", ptero_console_send_command(console, "say hello from C", NULL), PTERO_STATUS_OK,
                  NULL);
    wait_line(console, "> say hello from C");
    EXPECT_STATUS("request stats", ptero_console_request_stats(console, NULL), PTERO_STATUS_OK, NULL);
    cJSON *running = wait_event(console, "stats", NULL, NULL, NULL);
    EXPECT_STR("requested stats", running, "stats.state", "running");
    cJSON_Delete(running);
    EXPECT_STATUS("request logs", ptero_console_request_logs(console, NULL), PTERO_STATUS_OK, NULL);
    wait_line(console, "> say hello from C");

    /* A plugin's tick: timeout 0 answers at once, with or without an event. */
    for (int i = 0; i < 5; i++) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(console, 0, &event);
        CHECK(st == PTERO_STATUS_OK && (event == NULL || json_valid(event)), "a poll with timeout 0");
        ptero_string_free(event);
    }

    EXPECT_REFUSED("an unknown power action", ptero_console_set_state(console, "jump", &error), &error, "jump");
    char *long_command = malloc(5001);
    if (long_command) {
        memset(long_command, 'x', 5000);
        long_command[5000] = '\0';
        EXPECT_REFUSED("a command longer than Wings reads", ptero_console_send_command(console, long_command, &error),
                       &error, "4096");
        free(long_command);
    }
    EXPECT_STATUS("kill", ptero_console_set_state(console, "kill", NULL), PTERO_STATUS_OK, NULL);
    wait_state(console, "offline");
    ptero_console_close(console);
    ptero_console_free(console);
}

static void test_bad_arguments(const PteroClient *client) {
    char *out = NULL;
    PteroConsole *console = NULL;
    EXPECT_STATUS("poll of NULL", ptero_console_poll(NULL, 0, &out), PTERO_STATUS_INVALID_ARGUMENT, out);
    ptero_string_free(out);
    out = NULL;
    EXPECT_STATUS("send to NULL", ptero_console_send_command(NULL, "x", &out), PTERO_STATUS_INVALID_ARGUMENT, out);
    ptero_string_free(out);
    out = NULL;
    CHECK(!ptero_console_is_connected(NULL), "NULL is not connected");
    ptero_console_close(NULL);
    ptero_console_free(NULL);

    PteroStatus st = ptero_console_open(client, SURVIVAL, "{\"no_such_option\":1}", &console);
    out = ptero_last_error();
    EXPECT_STATUS("an unknown option", st, PTERO_STATUS_INVALID_ARGUMENT, out);
    CHECK(console == NULL, "no handle on failure");
    ptero_string_free(out);

    st = ptero_console_open(client, SURVIVAL, "{\"origin\":\"https://panel.example.com\"}", &console);
    out = ptero_last_error();
    cJSON *error = EXPECT_ERROR("Wings refuses a foreign Origin", st, PTERO_STATUS_WINGS_ERROR, 403, &out);
    const char *message = json_str(error, "message");
    CHECK(message && strstr(message, "origin"), "the message says what to set");
    cJSON_Delete(error);

    st = ptero_console_open(client, "f00dfeed", NULL, &console);
    out = ptero_last_error();
    cJSON_Delete(EXPECT_ERROR("another user's server", st, PTERO_STATUS_API_ERROR, 404, &out));
}

struct reader {
    const PteroConsole *console;
    PteroStatus final;
    int events;
};

static void *read_forever(void *arg) {
    struct reader *r = arg;
    for (;;) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(r->console, -1, &event);
        ptero_string_free(event);
        if (st != PTERO_STATUS_OK) {
            r->final = st;
            return NULL;
        }
        r->events++;
    }
}

static void test_close_from_another_thread(const PteroClient *client) {
    PteroConsole *console = open_console(client, QUICK);
    if (console == NULL) return;
    struct reader r = {console, PTERO_STATUS_OK, 0};
    pthread_t thread;
    if (!CHECK(pthread_create(&thread, NULL, read_forever, &r) == 0, "start the reader")) goto cleanup;
    sleep_ms(300);
    ptero_console_close(console);
    pthread_join(thread, NULL);
    EXPECT_STATUS("the waiting poll ends", r.final, PTERO_STATUS_CLOSED, NULL);
    char *error = NULL;
    cJSON_Delete(EXPECT_ERROR("a send after close", ptero_console_send_command(console, "x", &error),
                              PTERO_STATUS_CLOSED, 0, &error));
cleanup:
    ptero_console_free(console);
}

static void test_cut_and_stop(const PteroClient *client) {
    PteroConsole *console = open_console(client, QUICK);
    if (console == NULL) return;
    wait_state(console, "offline");
    CHECK(panel_post("/__fake/ws/cut", "{\"server\":\"" SURVIVAL "\"}") == 204, "cut the connection");
    cJSON *lost = wait_event(console, "disconnected", NULL, NULL, NULL);
    CHECK(lost && json_str(lost, "reason"), "the loss is reported with a reason");
    cJSON_Delete(lost);
    cJSON *gap = wait_event(console, "gap", NULL, NULL, NULL);
    EXPECT_STR("then the gap, once back", gap, "cause", "reconnect");
    CHECK(json_num(gap, "gap_ms", -1) >= 0, "with its length");
    cJSON_Delete(gap);
    wait_state(console, "offline");

    CHECK(panel_post("/__fake/ws/close", "{\"server\":\"" SURVIVAL "\",\"code\":4409,\"reason\":\"server is "
                                         "suspended\"}") == 204,
          "close with 4409");
    char *error = NULL;
    PteroStatus st = wait_end(console, &error);
    cJSON *doc = EXPECT_ERROR("4409 ends the console for good", st, PTERO_STATUS_CLOSED, 0, &error);
    const char *message = json_str(doc, "message");
    CHECK(message && strstr(message, "4409") && strstr(message, "suspended"), "the message names the close");
    cJSON_Delete(doc);
    ptero_console_free(console);
}

/* ---- the soak ---- */

#define MAX_SEEN 200000

struct soak {
    const PteroConsole *console;
    long long *seen; /* line numbers; -1 for a gap */
    int n_seen;
    int reconnects;
    int bad_events;
    PteroStatus final;
};

static void *soak_reader(void *arg) {
    struct soak *s = arg;
    for (;;) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(s->console, -1, &event);
        if (st != PTERO_STATUS_OK) {
            s->final = st;
            ptero_string_free(event);
            return NULL;
        }
        cJSON *doc = event ? cJSON_Parse(event) : NULL;
        ptero_string_free(event);
        const char *name = json_str(doc, "event");
        const char *line = json_str(doc, "line");
        if (name && strcmp(name, "console output") == 0 && line && strncmp(line, "soak ", 5) == 0) {
            if (s->n_seen < MAX_SEEN) s->seen[s->n_seen++] = atoll(line + 5);
        } else if (name && strcmp(name, "gap") == 0) {
            const char *cause = json_str(doc, "cause");
            if (cause && strcmp(cause, "reconnect") == 0) s->reconnects++;
            if (s->n_seen < MAX_SEEN) s->seen[s->n_seen++] = -1;
        } else if (doc == NULL) {
            s->bad_events++;
        }
        cJSON_Delete(doc);
    }
}

/* The checks of core/tests/console.rs: in order, no repeats, no silent jump, and every line the
 * fake wrote either arrived or sits under a reported gap. */
static void check_soak(const struct soak *s, const cJSON *ledger) {
    long long prev = -1;
    bool gap_since = false, ordered = true, silent = false;
    for (int i = 0; i < s->n_seen; i++) {
        long long n = s->seen[i];
        if (n < 0) {
            gap_since = true;
            continue;
        }
        if (prev >= 0 && n <= prev) ordered = false;
        if (prev >= 0 && n != prev + 1 && !gap_since) {
            silent = true;
            fprintf(stderr, "     lines %lld..%lld are missing without a gap\n", prev, n);
        }
        prev = n;
        gap_since = false;
    }
    CHECK(ordered, "soak: lines in order, none twice");
    CHECK(!silent, "soak: no line missing without a gap");

    long long first = -1, last = -1;
    for (int i = 0; i < s->n_seen; i++) {
        if (s->seen[i] < 0) continue;
        if (first < 0) first = s->seen[i];
        last = s->seen[i];
    }
    int uncovered = 0;
    const cJSON *entry = NULL;
    cJSON_ArrayForEach(entry, ledger) {
        const char *line = json_str(entry, "line");
        if (line == NULL || strncmp(line, "soak ", 5) != 0) continue;
        long long n = atoll(line + 5);
        if (n < first || n > last) continue;
        /* Where would it be? Between the received neighbours; is it there, or a gap? */
        int before = -1, after = s->n_seen;
        bool found = false;
        for (int i = 0; i < s->n_seen; i++) {
            if (s->seen[i] == n) found = true;
            if (s->seen[i] >= 0 && s->seen[i] < n) before = i;
            if (s->seen[i] > n && after == s->n_seen) after = i;
        }
        if (found) continue;
        bool covered = false;
        for (int i = before + 1; i < after; i++) {
            if (s->seen[i] < 0) covered = true;
        }
        if (!covered) {
            uncovered++;
            fprintf(stderr, "     line %lld was written by Wings but never arrived, and no gap says so\n", n);
        }
    }
    CHECK(uncovered == 0, "soak: every line Wings wrote arrived or is under a gap");
}

static void test_soak(const PteroClient *client) {
    const char *env = getenv("PTERO_SOAK_SECS");
    int seconds = env && atoi(env) > 0 ? atoi(env) : 30;
    struct soak s = {NULL, calloc(MAX_SEEN, sizeof(long long)), 0, 0, 0, PTERO_STATUS_OK};
    PteroConsole *console = NULL;
    pthread_t thread;
    bool started = false;
    char *ledger_text = NULL;
    cJSON *ledger = NULL;
    if (!CHECK(s.seen != NULL, "memory for the soak")) return;

    CHECK(panel_post("/__fake/ws/token_lifetime", "{\"ttl_ms\":2000}") == 204, "2 s tokens");
    EXPECT_OK_NULL("start", ptero_server_power(client, SURVIVAL, "start", &ledger_text), &ledger_text);
    console = open_console(client, "{\"reconnect_initial_ms\":50,\"reconnect_max_ms\":500,\"send_timeout_ms\":2000}");
    if (console == NULL) goto cleanup;
    wait_state(console, "running");
    s.console = console;
    CHECK(panel_post("/__fake/ws/ticker", "{\"server\":\"" SURVIVAL "\",\"interval_ms\":20,\"prefix\":\"soak\"}") == 204,
          "start the numbered lines");
    started = CHECK(pthread_create(&thread, NULL, soak_reader, &s) == 0, "start the reader");
    if (!started) goto cleanup;

    int sent = 0, cuts = 0;
    long long end = now_ms() + seconds * 1000LL, next_cut = now_ms() + 3000;
    while (now_ms() < end) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "say soak-cmd %d", sent);
        /* Sent once or not at all: the check of echoes is in the Rust and Python soaks. */
        if (ptero_console_send_command(console, cmd, NULL) == PTERO_STATUS_OK) sent++;
        sleep_ms(500);
        if (now_ms() >= next_cut) {
            if (panel_post("/__fake/ws/cut", "{\"server\":\"" SURVIVAL "\"}") == 204) cuts++;
            next_cut = now_ms() + 3000;
        }
    }
    panel_post("/__fake/ws/ticker", "{\"server\":\"" SURVIVAL "\",\"interval_ms\":0}");
    sleep_ms(500);
    ptero_console_close(console);
    pthread_join(thread, NULL);
    started = false;

    EXPECT_STATUS("the soak's console ended only by close", s.final, PTERO_STATUS_CLOSED, NULL);
    CHECK(s.bad_events == 0, "soak: every event is JSON");
    ledger_text = panel_get("/__fake/ws/ledger?server=" SURVIVAL);
    ledger = ledger_text ? cJSON_Parse(ledger_text) : NULL;
    if (!CHECK(cJSON_IsArray(ledger), "the fake's ledger")) goto cleanup;
    check_soak(&s, ledger);
    int lines = 0;
    for (int i = 0; i < s.n_seen; i++) lines += s.seen[i] >= 0;
    CHECK(lines > 100, "soak: lines arrived");
    CHECK(s.reconnects >= 2, "soak: reconnections were reported");
    CHECK(sent > 0, "soak: commands went out");
    printf("soak: %d lines, %d reconnections after %d cuts, %d commands sent\n", lines, s.reconnects, cuts, sent);

cleanup:
    if (started) {
        ptero_console_close(console);
        pthread_join(thread, NULL);
    }
    ptero_console_free(console);
    cJSON_Delete(ledger);
    free(ledger_text);
    free(s.seen);
}

int main(void) {
    PteroClient *client = test_client(OWNER_KEY, NULL);
    if (client == NULL) goto cleanup;
    panel_reset();
    test_output_commands_and_power(client);
    panel_reset();
    test_bad_arguments(client);
    panel_reset();
    test_close_from_another_thread(client);
    panel_reset();
    test_cut_and_stop(client);
    panel_reset();
    test_soak(client);
cleanup:
    ptero_client_free(client);
    return harness_finish();
}
