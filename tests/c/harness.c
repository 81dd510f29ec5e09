#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int passed;
static int failed;

bool check_at(const char *file, int line, bool ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

bool expect_status_at(const char *file, int line, const char *what, PteroStatus got, PteroStatus want,
                      const char *json) {
    bool ok = got == want;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     status %s, expected %s; out: %s\n", ptero_status_name((int)got),
                ptero_status_name((int)want), json ? json : "(NULL)");
    }
    return ok;
}

bool expect_has_at(const char *file, int line, const char *what, const char *json, const char *fragment) {
    bool valid = json != NULL && json_valid(json);
    bool ok = valid && strstr(json, fragment) != NULL;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     %s %s\n     in: %s\n", valid ? "missing" : "not valid JSON; looked for", fragment,
                json ? json : "(NULL)");
    }
    return ok;
}

bool expect_lacks_at(const char *file, int line, const char *what, const char *json, const char *fragment) {
    bool valid = json != NULL && json_valid(json);
    bool ok = valid && strstr(json, fragment) == NULL;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     %s %s\n     in: %s\n", valid ? "unexpected" : "not valid JSON; checked for", fragment,
                json ? json : "(NULL)");
    }
    return ok;
}

bool expect_same_at(const char *file, int line, const char *what, const char *a, const char *b) {
    bool ok = a != NULL && b != NULL && strcmp(a, b) == 0;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     first:  %s\n     second: %s\n", a ? a : "(NULL)", b ? b : "(NULL)");
    }
    return ok;
}

int harness_finish(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

/* ---- JSON through cJSON ---- */

bool json_valid(const char *text) {
    if (text == NULL) return false;
    /* require_null_terminated: one value and nothing after it but whitespace */
    cJSON *doc = cJSON_ParseWithOpts(text, NULL, 1);
    bool ok = doc != NULL;
    cJSON_Delete(doc);
    return ok;
}

const cJSON *json_at(const cJSON *root, const char *path) {
    const cJSON *node = root;
    const char *p = path;
    if (path == NULL) return NULL;
    while (node != NULL && *p != '\0') {
        char key[128];
        size_t n = strcspn(p, ".");
        if (n >= sizeof key) return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        p += n;
        if (*p == '.') p++;
        if (cJSON_IsArray(node)) {
            char *end = NULL;
            long index = strtol(key, &end, 10);
            if (n == 0 || *end != '\0' || index < 0 || index > 1000000) return NULL;
            node = cJSON_GetArrayItem(node, (int)index);
        } else if (cJSON_IsObject(node)) {
            node = cJSON_GetObjectItemCaseSensitive(node, key);
        } else {
            return NULL;
        }
    }
    return node;
}

const char *json_str(const cJSON *root, const char *path) {
    const cJSON *node = json_at(root, path);
    return cJSON_IsString(node) ? node->valuestring : NULL;
}

long long json_num(const cJSON *root, const char *path, long long fallback) {
    const cJSON *node = json_at(root, path);
    return cJSON_IsNumber(node) ? (long long)node->valuedouble : fallback;
}

long long json_int(const char *json, const char *path, long long fallback) {
    cJSON *doc = json ? cJSON_Parse(json) : NULL;
    long long n = json_num(doc, path, fallback);
    cJSON_Delete(doc);
    return n;
}

const cJSON *json_find(const cJSON *root, const char *path, const char *key, const char *value) {
    const cJSON *array = json_at(root, path);
    const cJSON *item = NULL;
    if (!cJSON_IsArray(array)) return NULL;
    cJSON_ArrayForEach(item, array) {
        const cJSON *field = cJSON_GetObjectItemCaseSensitive(item, key);
        if (cJSON_IsString(field) && strcmp(field->valuestring, value) == 0) return item;
    }
    return NULL;
}

bool json_has_string(const cJSON *root, const char *path, const char *value) {
    const cJSON *array = json_at(root, path);
    const cJSON *item = NULL;
    if (!cJSON_IsArray(array)) return false;
    cJSON_ArrayForEach(item, array) {
        if (cJSON_IsString(item) && strcmp(item->valuestring, value) == 0) return true;
    }
    return false;
}

/* Prints what is at `path` (or that nothing is) after a failed field check. */
static void show_at(const cJSON *root, const char *path) {
    const cJSON *node = json_at(root, path);
    char *text = node ? cJSON_PrintUnformatted(node) : NULL;
    char *whole = root ? cJSON_PrintUnformatted(root) : NULL;
    fprintf(stderr, "     at %s: %s\n     in: %.600s\n", path, text ? text : "(missing)", whole ? whole : "(no document)");
    cJSON_free(text);
    cJSON_free(whole);
}

cJSON *expect_ok_at(const char *file, int line, const char *what, PteroStatus status, char **out) {
    const char *text = out ? *out : NULL;
    cJSON *doc = NULL;
    if (expect_status_at(file, line, what, status, PTERO_STATUS_OK, text)) {
        doc = text ? cJSON_ParseWithOpts(text, NULL, 1) : NULL;
        if (!check_at(file, line, doc != NULL, what)) fprintf(stderr, "     not JSON: %s\n", text ? text : "(NULL)");
    }
    if (out) {
        ptero_string_free(*out);
        *out = NULL;
    }
    return doc;
}

bool expect_ok_null_at(const char *file, int line, const char *what, PteroStatus status, char **out) {
    const char *text = out ? *out : NULL;
    bool ok = expect_status_at(file, line, what, status, PTERO_STATUS_OK, text);
    if (ok) {
        ok = check_at(file, line, text != NULL && strcmp(text, "null") == 0, what);
        if (!ok) fprintf(stderr, "     expected null, got: %s\n", text ? text : "(NULL)");
    }
    if (out) {
        ptero_string_free(*out);
        *out = NULL;
    }
    return ok;
}

cJSON *expect_error_at(const char *file, int line, const char *what, PteroStatus status, PteroStatus want,
                       int http_status, char **out) {
    const char *text = out ? *out : NULL;
    cJSON *doc = NULL;
    expect_status_at(file, line, what, status, want, text);
    doc = text ? cJSON_ParseWithOpts(text, NULL, 1) : NULL;
    if (check_at(file, line, cJSON_IsObject(doc), what)) {
        expect_str_at(file, line, what, doc, "status", ptero_status_name((int)want));
        check_at(file, line, cJSON_IsString(json_at(doc, "kind")), "the error object has a kind");
        check_at(file, line, cJSON_IsString(json_at(doc, "message")), "the error object has a message");
        check_at(file, line, cJSON_IsArray(json_at(doc, "errors")), "the error object has an errors array");
        if (http_status > 0) {
            expect_int_at(file, line, what, doc, "http_status", http_status);
        } else {
            expect_null_at(file, line, what, doc, "http_status");
        }
        check_at(file, line, strstr(text, OWNER_KEY) == NULL && strstr(text, MANAGER_KEY) == NULL &&
                                 strstr(text, SUBUSER_KEY) == NULL,
                 "no API key appears in an error");
    } else {
        fprintf(stderr, "     not an error object: %s\n", text ? text : "(NULL)");
    }
    if (out) {
        ptero_string_free(*out);
        *out = NULL;
    }
    return doc;
}

bool expect_refused_at(const char *file, int line, const char *what, PteroStatus status, char **out,
                       const char *fragment) {
    cJSON *doc = expect_error_at(file, line, what, status, PTERO_STATUS_INVALID_ARGUMENT, 0, out);
    const char *message = json_str(doc, "message");
    bool ok = check_at(file, line, message != NULL && strstr(message, fragment) != NULL, what);
    if (!ok) fprintf(stderr, "     message lacks \"%s\": %s\n", fragment, message ? message : "(none)");
    ok = expect_str_at(file, line, what, doc, "kind", "invalid_input") && ok;
    cJSON_Delete(doc);
    return ok;
}

bool expect_str_at(const char *file, int line, const char *what, const cJSON *root, const char *path,
                   const char *want) {
    const char *got = json_str(root, path);
    bool ok = got != NULL && want != NULL && strcmp(got, want) == 0;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     expected \"%s\"\n", want ? want : "(NULL)");
        show_at(root, path);
    }
    return ok;
}

bool expect_int_at(const char *file, int line, const char *what, const cJSON *root, const char *path,
                   long long want) {
    const cJSON *node = json_at(root, path);
    bool ok = cJSON_IsNumber(node) && (double)want == node->valuedouble;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     expected %lld\n", want);
        show_at(root, path);
    }
    return ok;
}

bool expect_bool_at(const char *file, int line, const char *what, const cJSON *root, const char *path, bool want) {
    const cJSON *node = json_at(root, path);
    bool ok = want ? cJSON_IsTrue(node) : cJSON_IsFalse(node);
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     expected %s\n", want ? "true" : "false");
        show_at(root, path);
    }
    return ok;
}

bool expect_null_at(const char *file, int line, const char *what, const cJSON *root, const char *path) {
    bool ok = cJSON_IsNull(json_at(root, path));
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     expected null\n");
        show_at(root, path);
    }
    return ok;
}

bool expect_len_at(const char *file, int line, const char *what, const cJSON *root, const char *path, int want) {
    const cJSON *node = json_at(root, path);
    bool ok = cJSON_IsArray(node) && cJSON_GetArraySize(node) == want;
    if (!check_at(file, line, ok, what)) {
        fprintf(stderr, "     expected an array of %d\n", want);
        show_at(root, path);
    }
    return ok;
}

/* ---- the fake panel's controls over a plain socket ---- */

const char *panel_url(void) {
    const char *url = getenv("PTERO_TEST_URL");
    if (url == NULL || *url == '\0') {
        fprintf(stderr, "PTERO_TEST_URL is not set (run tests/c/run.sh)\n");
        exit(2);
    }
    return url;
}

/* Sends one request and reads the whole answer; returns the status and the body (malloc'd). */
static int panel_request(const char *method, const char *path, const char *body, char **out_body) {
    const char *url = panel_url();
    unsigned port = 0;
    if (sscanf(url, "http://127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = -1;
    char *buf = NULL;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) goto cleanup;

    size_t body_len = body ? strlen(body) : 0;
    char head[4096]; /* signed Wings URLs carry a long token in the path */
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     method, path, port, body_len);
    if (n < 0 || n >= (int)sizeof head) goto cleanup;
    if (write(fd, head, (size_t)n) != n) goto cleanup;
    if (body_len && write(fd, body, body_len) != (ssize_t)body_len) goto cleanup;

    size_t cap = 4096, len = 0;
    buf = malloc(cap);
    if (buf == NULL) goto cleanup;
    for (;;) {
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) goto cleanup;
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + len, cap - len - 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) status = -1;
    if (out_body) {
        const char *start = strstr(buf, "\r\n\r\n");
        *out_body = strdup(start ? start + 4 : "");
    }

cleanup:
    free(buf);
    close(fd);
    return status;
}

int panel_post(const char *path, const char *body) { return panel_request("POST", path, body, NULL); }

char *panel_get(const char *path) {
    char *body = NULL;
    int status = panel_request("GET", path, NULL, &body);
    if (status != 200) {
        free(body);
        return NULL;
    }
    return body;
}

cJSON *panel_last_request(void) {
    char *log = panel_get("/__fake/requests");
    cJSON *all = log ? cJSON_Parse(log) : NULL;
    int n = cJSON_GetArraySize(all);
    cJSON *last = n > 0 ? cJSON_DetachItemFromArray(all, n - 1) : NULL;
    cJSON_Delete(all);
    free(log);
    return last;
}

cJSON *panel_last_body(void) {
    cJSON *req = panel_last_request();
    const char *text = json_str(req, "body");
    cJSON *body = text ? cJSON_Parse(text) : NULL;
    cJSON_Delete(req);
    return body;
}

bool expect_no_requests_at(const char *file, int line, const char *what) {
    char *log = panel_get("/__fake/requests");
    bool ok = check_at(file, line, log != NULL && strcmp(log, "[]") == 0, what);
    if (!ok) fprintf(stderr, "     requests: %.400s\n", log ? log : "(the log could not be read)");
    free(log);
    return ok;
}

void panel_reset(void) { CHECK(panel_post("/__fake/reset", NULL) == 204, "POST /__fake/reset answers 204"); }

PteroClient *test_client(const char *key, const char *options_json) {
    PteroClient *client = NULL;
    char *error = NULL;
    PteroStatus status = ptero_client_new(panel_url(), key, options_json, &client);
    error = ptero_last_error();
    if (!EXPECT_STATUS("ptero_client_new for the fake panel", status, PTERO_STATUS_OK, error)) client = NULL;
    ptero_string_free(error);
    return client;
}
