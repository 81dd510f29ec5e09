/*
 * The fault matrix on the C surface: every fault of tests/fault_matrix.json (stalls, resets,
 * broken bodies, a proxy's error pages, 429 storms, a redirect to another host, a 100 MB
 * answer, a certificate for another name) against one call of each method through ptero_call.
 * Each must give the table's status and error object, and the fake's request log must show
 * that nothing but a GET was sent twice. The Rust and Python suites run the same table.
 *
 * Then the misuse ptero_client_free detects: freeing a handle while another thread's call on it
 * is still running aborts the process with a message, in a child process here.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* The status a C caller gets for each of the core's error kinds. */
static PteroStatus status_of(const char *kind) {
    static const struct {
        const char *kind;
        PteroStatus status;
    } table[] = {
        {"api", PTERO_STATUS_API_ERROR},         {"rate_limited", PTERO_STATUS_RATE_LIMITED},
        {"timeout", PTERO_STATUS_TIMEOUT},       {"transport", PTERO_STATUS_TRANSPORT},
        {"decode", PTERO_STATUS_DECODE},         {"not_json", PTERO_STATUS_NOT_JSON},
        {"too_large", PTERO_STATUS_TOO_LARGE},   {"cancelled", PTERO_STATUS_CANCELLED},
        {"invalid_input", PTERO_STATUS_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].kind, kind) == 0) return table[i].status;
    }
    return PTERO_STATUS_OTHER;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
            size_t got = fread(text, 1, (size_t)size, f);
            text[got] = '\0';
        }
    }
    fclose(f);
    return text;
}

/* Replaces every "{panel_on_localhost}" in `text` with the fake's URL on the host localhost. */
static char *fill_in(const char *text) {
    static const char *marker = "{panel_on_localhost}";
    char other[128];
    const char *url = panel_url();
    const char *port = strrchr(url, ':');
    snprintf(other, sizeof other, "http://localhost%s", port ? port : "");
    size_t room = strlen(text) + 1;
    for (const char *p = strstr(text, marker); p; p = strstr(p + 1, marker)) room += strlen(other);
    char *out = malloc(room);
    if (out == NULL) return NULL;
    out[0] = '\0';
    const char *rest = text;
    for (const char *p = strstr(rest, marker); p; p = strstr(rest, marker)) {
        strncat(out, rest, (size_t)(p - rest));
        strcat(out, other);
        rest = p + strlen(marker);
    }
    strcat(out, rest);
    return out;
}

/* How many requests the fake recorded in all, and how many of them were `method` on a path
 * ending with `suffix`. */
static void count_requests(const char *method, const char *suffix, int *all, int *matching) {
    char *log = panel_get("/__fake/requests");
    cJSON *list = log ? cJSON_Parse(log) : NULL;
    *all = cJSON_GetArraySize(list);
    *matching = 0;
    const cJSON *req = NULL;
    cJSON_ArrayForEach(req, list) {
        const char *m = json_str(req, "method");
        const char *p = json_str(req, "path");
        size_t pl = p ? strlen(p) : 0, sl = strlen(suffix);
        if (m && p && strcmp(m, method) == 0 && pl >= sl && strcmp(p + pl - sl, suffix) == 0) (*matching)++;
    }
    cJSON_Delete(list);
    free(log);
}

static PteroClient *make_client(const char *url, const char *options_json) {
    PteroClient *client = NULL;
    PteroStatus st = ptero_client_new(url, OWNER_KEY, options_json, &client);
    char *error = ptero_last_error();
    if (!EXPECT_STATUS("ptero_client_new", st, PTERO_STATUS_OK, error)) client = NULL;
    ptero_string_free(error);
    return client;
}

static void run_matrix(void) {
    char *text = read_file("tests/fault_matrix.json");
    cJSON *matrix = text ? cJSON_Parse(text) : NULL;
    PteroClient *plain = NULL, *tls = NULL;
    char *options = NULL, *tls_options = NULL, *tls_info = NULL;
    cJSON *tls_doc = NULL;
    int cells = 0;
    if (!CHECK(cJSON_IsObject(matrix), "tests/fault_matrix.json is read (run from the repository root)")) goto cleanup;

    cJSON *opts = cJSON_Duplicate(json_at(matrix, "options"), 1);
    options = cJSON_PrintUnformatted(opts);
    tls_info = panel_get("/__fake/tls");
    tls_doc = tls_info ? cJSON_Parse(tls_info) : NULL;
    if (!CHECK(json_str(tls_doc, "url") && json_str(tls_doc, "ca_pem"), "GET /__fake/tls names the HTTPS listener")) {
        cJSON_Delete(opts);
        goto cleanup;
    }
    cJSON_AddStringToObject(opts, "ca_cert_pem", json_str(tls_doc, "ca_pem"));
    tls_options = cJSON_PrintUnformatted(opts);
    cJSON_Delete(opts);
    plain = make_client(panel_url(), options);
    tls = make_client(json_str(tls_doc, "url"), tls_options);
    if (plain == NULL || tls == NULL) goto cleanup;

    const cJSON *fault_case = NULL;
    cJSON_ArrayForEach(fault_case, json_at(matrix, "faults")) {
        const char *name = json_str(fault_case, "name");
        bool over_tls = cJSON_IsTrue(json_at(fault_case, "tls"));
        const char *kind = json_str(fault_case, "error");
        int http_status = (int)json_num(fault_case, "http_status", 0);
        PteroClient *own = NULL; /* for a case with options of its own */
        if (json_at(fault_case, "options")) {
            cJSON *merged = cJSON_Parse(options);
            const cJSON *extra = NULL;
            cJSON_ArrayForEach(extra, json_at(fault_case, "options")) {
                cJSON_DeleteItemFromObject(merged, extra->string);
                cJSON_AddItemToObject(merged, extra->string, cJSON_Duplicate(extra, 1));
            }
            char *own_options = cJSON_PrintUnformatted(merged);
            own = make_client(panel_url(), own_options);
            free(own_options);
            cJSON_Delete(merged);
        }
        const cJSON *call = NULL;
        cJSON_ArrayForEach(call, json_at(matrix, "calls")) {
            const char *method = json_str(call, "method");
            const char *path = json_str(call, "path");
            char what[256];
            snprintf(what, sizeof what, "%s / %s %s", name, method, json_str(call, "op"));
            panel_reset();
            if (!over_tls) {
                cJSON *body = cJSON_Duplicate(json_at(fault_case, "fault"), 1);
                cJSON_AddStringToObject(body, "path_contains", path);
                char *raw = cJSON_PrintUnformatted(body);
                char *filled = raw ? fill_in(raw) : NULL;
                CHECK(filled && panel_post("/__fake/fault", filled) == 204, "POST /__fake/fault answers 204");
                free(filled);
                free(raw);
                cJSON_Delete(body);
            }
            char *params = cJSON_PrintUnformatted(json_at(call, "params"));
            char *out = NULL;
            PteroStatus st = ptero_call(over_tls ? tls : own ? own : plain, json_str(call, "op"), params, &out);
            free(params);
            cJSON *err = EXPECT_ERROR(what, st, status_of(kind), http_status, &out);
            if (!EXPECT_STR(what, err, "kind", kind)) fprintf(stderr, "     in: %s\n", what);
            if (over_tls) {
                const char *message = json_str(err, "message");
                if (!CHECK(message && strstr(message, "certificate"), "a refused certificate says so")) {
                    fprintf(stderr, "     %s: %s\n", what, message ? message : "(none)");
                }
            }
            cJSON_Delete(err);
            int want = (int)json_num(fault_case, "requests", -1);
            if (strcmp(method, "GET") == 0) want = (int)json_num(fault_case, "requests_get", want);
            int all = 0, matching = 0;
            count_requests(method, path, &all, &matching);
            if (!CHECK(all == want && matching == want, "the fake received exactly the table's requests")) {
                fprintf(stderr, "     %s: %d to the path, %d in all, wanted %d\n", what, matching, all, want);
            }
            cells++;
        }
        ptero_client_free(own);
    }
    CHECK(cells == cJSON_GetArraySize(json_at(matrix, "faults")) * cJSON_GetArraySize(json_at(matrix, "calls")),
          "every cell of the matrix ran");

cleanup:
    ptero_client_free(plain);
    ptero_client_free(tls);
    cJSON_Delete(tls_doc);
    free(tls_info);
    free(options);
    free(tls_options);
    cJSON_Delete(matrix);
    free(text);
}

/* ---- ptero_client_free while a call is running ---- */

static void *stalled_call(void *arg) {
    char *out = NULL;
    ptero_server_resources((const PteroClient *)arg, "d3aac109", &out);
    ptero_string_free(out);
    return NULL;
}

/* In the child: a call stalls on the fake; once the fake has it, the handle is freed. Never
 * returns when the misuse is detected. */
static void free_during_a_call(void) {
    PteroClient *client = NULL;
    if (ptero_client_new(panel_url(), OWNER_KEY, "{\"timeout_ms\":20000}", &client) != PTERO_STATUS_OK) _exit(3);
    pthread_t thread;
    if (pthread_create(&thread, NULL, stalled_call, client) != 0) _exit(4);
    for (int i = 0; i < 1000; i++) { /* until the fake holds the request (10 s at most) */
        char *log = panel_get("/__fake/requests");
        bool arrived = log && strstr(log, "/resources") != NULL;
        free(log);
        if (arrived) break;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    ptero_client_free(client); /* the misuse: must abort here */
    _exit(5);
}

static void freeing_a_handle_in_use_aborts_with_a_message(void) {
    panel_reset();
    CHECK(panel_post("/__fake/fault", "{\"path_contains\":\"/resources\",\"kind\":\"stall_before_headers\",\"ms\":3000}") ==
              204,
          "POST /__fake/fault answers 204");
    int err_pipe[2];
    if (!CHECK(pipe(err_pipe) == 0, "pipe")) return;
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        dup2(err_pipe[1], STDERR_FILENO);
        close(err_pipe[0]);
        close(err_pipe[1]);
        free_during_a_call();
    }
    close(err_pipe[1]);
    char said[8192];
    size_t len = 0;
    for (;;) {
        ssize_t got = read(err_pipe[0], said + len, sizeof said - 1 - len);
        if (got <= 0) break;
        len += (size_t)got;
        if (len == sizeof said - 1) break;
    }
    said[len] = '\0';
    close(err_pipe[0]);
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child, "the child is waited for");
    if (!CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "freeing a handle with a call running aborts")) {
        fprintf(stderr, "     child status %d, stderr: %s\n", status, said);
    }
    if (!CHECK(strstr(said, "ptero_client_free was called while 1 call(s)") != NULL,
               "the abort message names the misuse")) {
        fprintf(stderr, "     child stderr: %s\n", said);
    }
    panel_reset();
}

int main(void) {
    /* First, while this process has no client yet: the child inherits no runtime. */
    freeing_a_handle_in_use_aborts_with_a_message();
    run_matrix();
    return harness_finish();
}
