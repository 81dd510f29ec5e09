/*
 * Calls that do not block: ptero_call_submit, then the outcome polled from this thread (a game
 * server's tick) or announced by a callback on a library thread; cancellation, the bound on
 * calls in flight, and outcomes equal to ptero_call's.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static void nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* How many recorded requests have a path ending with `suffix`. */
static int recorded(const char *suffix) {
    char *log = panel_get("/__fake/requests");
    cJSON *all = log ? cJSON_Parse(log) : NULL;
    int n = 0;
    const cJSON *req = NULL;
    cJSON_ArrayForEach(req, all) {
        const char *path = json_str(req, "path");
        size_t len = path ? strlen(path) : 0, want = strlen(suffix);
        if (path && len >= want && strcmp(path + len - want, suffix) == 0) n++;
    }
    cJSON_Delete(all);
    free(log);
    return n;
}

/* Waits (bounded) until the panel has received `n` requests ending with `suffix`. */
static bool until_recorded(const char *suffix, int n) {
    for (int i = 0; i < 2000; i++) {
        if (recorded(suffix) >= n) return true;
        nap_ms(10);
    }
    return false;
}

/* Submits and waits for the outcome from this thread; answers the call's status and out-string. */
static PteroStatus submit_and_wait(const PteroClient *client, const char *op, const char *params, char **out) {
    PteroRequest *req = NULL;
    *out = NULL;
    PteroStatus st = ptero_call_submit(client, op, params, NULL, NULL, &req);
    if (!EXPECT_STATUS("ptero_call_submit", st, PTERO_STATUS_OK, NULL)) return st;
    PteroStatus polled = ptero_request_poll(req, -1);
    st = ptero_request_take(req, out);
    CHECK(polled == st, "poll answers the status take hands over");
    ptero_request_free(req);
    return st;
}

static void same_outcomes_as_ptero_call(const PteroClient *client) {
    const char *calls[][2] = {
        {"server.get", "{\"server\":\"d3aac109\"}"},
        {"servers.list", "{\"filter\":{\"name\":\"Survival\"},\"per_page\":2}"},
        {"server.get", "{\"server\":\"nothere1\"}"},
        {"server.pwoer", "{}"},
        {"server.power", "{\"server\":\"d3aac109\",\"signal\":\"explode\"}"},
        {"server.get", "[1,2]"},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char *blocking = NULL, *async = NULL;
        PteroStatus want = ptero_call(client, calls[i][0], calls[i][1], &blocking);
        PteroStatus got = submit_and_wait(client, calls[i][0], calls[i][1], &async);
        EXPECT_STATUS(calls[i][0], got, want, async);
        EXPECT_SAME("the same out-string as ptero_call", async, blocking);
        ptero_string_free(blocking);
        ptero_string_free(async);
    }

    char *out = NULL;
    PteroStatus st = submit_and_wait(client, "server.get", "{\"server\":\"nothere1\"}", &out);
    cJSON *err = EXPECT_ERROR("an unknown server", st, PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(err);
    st = submit_and_wait(client, NULL, NULL, &out);
    EXPECT_REFUSED("a NULL op_id is the request's outcome", st, &out, "op_id");
    st = submit_and_wait(client, "server.get", "{not json", &out);
    EXPECT_REFUSED("malformed params_json is the request's outcome", st, &out, "params_json");
    st = submit_and_wait(client, "server.power", "{\"server\":\"d3aac109\",\"signal\":\"start\"}", &out);
    EXPECT_OK_NULL("an operation without content answers null", st, &out);
}

static void refused_submits(const PteroClient *client) {
    PteroRequest *req = (PteroRequest *)&req; /* not NULL: submit must clear it */
    PteroStatus st = ptero_call_submit(NULL, "server.get", "{}", NULL, NULL, &req);
    CHECK(st == PTERO_STATUS_INVALID_ARGUMENT && req == NULL, "a NULL client makes no request");
    char *error = ptero_last_error();
    CHECK(error != NULL && strstr(error, "\"kind\":\"invalid_input\"") != NULL, "ptero_last_error says why");
    ptero_string_free(error);
    st = ptero_call_submit(client, "server.get", "{}", NULL, NULL, NULL);
    CHECK(st == PTERO_STATUS_INVALID_ARGUMENT, "a NULL out_request is refused");
    error = ptero_last_error();
    ptero_string_free(error);

    char *out = NULL;
    CHECK(ptero_request_poll(NULL, 0) == PTERO_STATUS_INVALID_ARGUMENT, "poll(NULL)");
    CHECK(ptero_request_cancel(NULL) == PTERO_STATUS_INVALID_ARGUMENT, "cancel(NULL)");
    st = ptero_request_take(NULL, &out);
    EXPECT_REFUSED("take(NULL)", st, &out, "request");
    ptero_request_free(NULL);
    EXPECT_SAME("PTERO_STATUS_PENDING's name", ptero_status_name(PTERO_STATUS_PENDING), "PTERO_STATUS_PENDING");
    EXPECT_SAME("PTERO_STATUS_BUSY's name", ptero_status_name(PTERO_STATUS_BUSY), "PTERO_STATUS_BUSY");
}

/* A game server's tick: submit a few calls, then drain the finished ones with a timeout of 0. */
static void drained_from_a_tick(const PteroClient *client) {
    const char *servers[] = {"d3aac109", "1a7ce997", "5b2e8f10", "7c4d2e11"};
    enum { N = sizeof servers / sizeof servers[0] };
    PteroRequest *reqs[N] = {0};
    int finished = 0;
    panel_reset();
    for (int i = 0; i < N; i++) {
        char params[64];
        snprintf(params, sizeof params, "{\"server\":\"%s\"}", servers[i]);
        EXPECT_STATUS("submit", ptero_call_submit(client, "server.resources", params, NULL, NULL, &reqs[i]),
                      PTERO_STATUS_OK, NULL);
    }
    for (int tick = 0; tick < 3000 && finished < N; tick++) {
        for (int i = 0; i < N; i++) {
            if (reqs[i] == NULL || ptero_request_poll(reqs[i], 0) == PTERO_STATUS_PENDING) continue;
            char *out = NULL;
            cJSON *stats = EXPECT_OK("a drained call", ptero_request_take(reqs[i], &out), &out);
            EXPECT_STR("the server's state", stats, "current_state", i == 3 ? "running" : "offline");
            cJSON_Delete(stats);
            PteroStatus again = ptero_request_take(reqs[i], &out);
            EXPECT_REFUSED("an outcome is taken once", again, &out, "already taken");
            ptero_request_free(reqs[i]);
            reqs[i] = NULL;
            finished++;
        }
        nap_ms(5); /* the rest of the tick */
    }
    CHECK(finished == N, "every submitted call finished");
    for (int i = 0; i < N; i++) ptero_request_free(reqs[i]);
}

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int calls;
    PteroStatus status;
    char *json;
    bool free_in_callback;
};

static void on_done(PteroRequest *req, void *user_data) {
    struct waiter *w = user_data;
    char *out = NULL;
    PteroStatus st = ptero_request_take(req, &out);
    if (w->free_in_callback) ptero_request_free(req);
    pthread_mutex_lock(&w->lock);
    w->calls++;
    w->status = st;
    w->json = out;
    pthread_cond_signal(&w->done);
    pthread_mutex_unlock(&w->lock);
}

static void announced_by_a_callback(const PteroClient *client) {
    for (int free_in_callback = 0; free_in_callback < 2; free_in_callback++) {
        struct waiter w = {.calls = 0, .json = NULL, .free_in_callback = free_in_callback};
        pthread_mutex_init(&w.lock, NULL);
        pthread_cond_init(&w.done, NULL);
        PteroRequest *req = NULL;
        PteroStatus st = ptero_call_submit(client, "account.get", NULL, on_done, &w, &req);
        EXPECT_STATUS("submit with a callback", st, PTERO_STATUS_OK, NULL);
        pthread_mutex_lock(&w.lock);
        while (w.calls == 0) pthread_cond_wait(&w.done, &w.lock);
        pthread_mutex_unlock(&w.lock);
        cJSON *account = EXPECT_OK("the callback's outcome", w.status, &w.json);
        EXPECT_STR("the account", account, "username", "owner");
        cJSON_Delete(account);
        if (!free_in_callback) {
            CHECK(ptero_request_poll(req, 0) == PTERO_STATUS_OK, "the request stays done after the callback");
            ptero_request_free(req);
        }
        CHECK(w.calls == 1, "the callback ran once");
        pthread_cond_destroy(&w.done);
        pthread_mutex_destroy(&w.lock);
    }
}

static void retried_after_a_429(void) {
    panel_reset();
    PteroClient *client = test_client(OWNER_KEY, "{\"max_retry_wait_ms\":20000}");
    if (client == NULL) return;
    CHECK(panel_post("/__fake/rate_limit", "{\"limit\":1,\"window_ms\":1500}") == 204, "rate_limit control");
    char *out = NULL;
    for (int i = 0; i < 2; i++) {
        PteroStatus st = submit_and_wait(client, "server.resources", "{\"server\":\"d3aac109\"}", &out);
        cJSON *stats = EXPECT_OK("a GET answered 429 is retried after Retry-After", st, &out);
        cJSON_Delete(stats);
    }
    CHECK(recorded("/resources") == 3, "two served, one answered 429 then served");

    /* A POST answered 429 is not repeated: the same error object as ptero_call. */
    CHECK(panel_post("/__fake/rate_limit", "{\"limit\":1,\"window_ms\":60000}") == 204, "rate_limit control");
    PteroStatus st = submit_and_wait(client, "server.resources", "{\"server\":\"1a7ce997\"}", &out);
    ptero_string_free(out);
    st = submit_and_wait(client, "server.power", "{\"server\":\"d3aac109\",\"signal\":\"start\"}", &out);
    cJSON *err = EXPECT_ERROR("a POST answered 429", st, PTERO_STATUS_RATE_LIMITED, 429, &out);
    CHECK(json_num(err, "retry_after", -1) > 0, "retry_after in seconds");
    cJSON_Delete(err);
    CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");
    ptero_client_free(client);
}

static void cancelled_and_bounded(void) {
    panel_reset();
    PteroClient *client = test_client(OWNER_KEY, "{\"max_in_flight\":1}");
    PteroRequest *slow = NULL, *next = NULL, *refused = (PteroRequest *)&slow;
    char *out = NULL;
    if (client == NULL) return;
    CHECK(panel_post("/__fake/slow", "{\"path_contains\":\"/resources\",\"delay_ms\":60000}") == 204, "slow control");

    EXPECT_STATUS("submit the slow call",
                  ptero_call_submit(client, "server.resources", "{\"server\":\"d3aac109\"}", NULL, NULL, &slow),
                  PTERO_STATUS_OK, NULL);
    CHECK(until_recorded("/resources", 1), "the slow call reached the panel");
    CHECK(ptero_request_poll(slow, 0) == PTERO_STATUS_PENDING, "still running");
    PteroStatus st = ptero_request_take(slow, &out);
    CHECK(st == PTERO_STATUS_PENDING && out == NULL, "take while running: PENDING, nothing handed out");

    /* The one place is taken: a second submit is refused at once. */
    st = ptero_call_submit(client, "account.get", NULL, NULL, NULL, &refused);
    CHECK(st == PTERO_STATUS_BUSY && refused == NULL, "a submit beyond max_in_flight is BUSY, with no request");
    char *error = ptero_last_error();
    CHECK(error != NULL && strstr(error, "\"status\":\"PTERO_STATUS_BUSY\"") && strstr(error, "\"kind\":\"busy\""),
          "ptero_last_error holds the BUSY error object");
    ptero_string_free(error);

    /* Cancelling frees the place at once. */
    CHECK(ptero_request_cancel(slow) == PTERO_STATUS_CANCELLED, "cancel answers CANCELLED");
    CHECK(ptero_request_poll(slow, 0) == PTERO_STATUS_CANCELLED, "the outcome is CANCELLED");
    cJSON *err = EXPECT_ERROR("a cancelled call", ptero_request_take(slow, &out), PTERO_STATUS_CANCELLED, 0, &out);
    EXPECT_STR("its kind", err, "kind", "cancelled");
    cJSON_Delete(err);
    ptero_request_free(slow);

    EXPECT_STATUS("the place is free again",
                  ptero_call_submit(client, "account.get", NULL, NULL, NULL, &next), PTERO_STATUS_OK, NULL);
    CHECK(ptero_request_poll(next, -1) == PTERO_STATUS_OK, "the next call succeeds");
    cJSON *account = EXPECT_OK("the next call's outcome", ptero_request_take(next, &out), &out);
    cJSON_Delete(account);
    CHECK(ptero_request_cancel(next) == PTERO_STATUS_OK, "cancelling a finished call keeps its status");
    ptero_request_free(next);

    /* Freeing a running request cancels it, and frees its place too. */
    slow = NULL;
    EXPECT_STATUS("submit", ptero_call_submit(client, "server.resources", "{\"server\":\"d3aac109\"}", NULL, NULL, &slow),
                  PTERO_STATUS_OK, NULL);
    ptero_request_free(slow);
    next = NULL;
    EXPECT_STATUS("the place is free after a free",
                  ptero_call_submit(client, "account.get", NULL, NULL, NULL, &next), PTERO_STATUS_OK, NULL);
    ptero_request_poll(next, -1);
    cJSON_Delete(EXPECT_OK("and the next call succeeds", ptero_request_take(next, &out), &out));
    ptero_request_free(next);

    /* A request outlives its client. */
    next = NULL;
    EXPECT_STATUS("submit", ptero_call_submit(client, "account.get", NULL, NULL, NULL, &next), PTERO_STATUS_OK, NULL);
    ptero_client_free(client);
    ptero_request_poll(next, -1);
    cJSON_Delete(EXPECT_OK("a call finishes after its client was freed", ptero_request_take(next, &out), &out));
    ptero_request_free(next);
    CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");
}

int main(void) {
    PteroClient *client = test_client(OWNER_KEY, NULL);
    if (client == NULL) goto cleanup;
    panel_reset();
    refused_submits(client);
    same_outcomes_as_ptero_call(client);
    drained_from_a_tick(client);
    announced_by_a_callback(client);
    retried_after_a_429();
    cancelled_and_bounded();
cleanup:
    ptero_client_free(client);
    return harness_finish();
}
