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

/* ---- a JSON validator: recursive descent over RFC 8259 ---- */

static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p) {
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c < 0x20) return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    char h = p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return NULL;
                }
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return NULL;
            }
        } else {
            p++;
        }
    }
    return p + 1;
}

static const char *digits(const char *p) {
    if (*p < '0' || *p > '9') return NULL;
    while (*p >= '0' && *p <= '9') p++;
    return p;
}

static const char *number(const char *p) {
    if (*p == '-') p++;
    if (*p == '0') {
        p++;
    } else if ((p = digits(p)) == NULL) {
        return NULL;
    }
    if (*p == '.' && (p = digits(p + 1)) == NULL) return NULL;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if ((p = digits(p)) == NULL) return NULL;
    }
    return p;
}

static const char *value(const char *p, int depth) {
    if (depth > 128) return NULL;
    p = ws(p);
    switch (*p) {
    case '{':
        p = ws(p + 1);
        if (*p == '}') return p + 1;
        for (;;) {
            if ((p = string(ws(p))) == NULL) return NULL;
            p = ws(p);
            if (*p++ != ':') return NULL;
            if ((p = value(p, depth + 1)) == NULL) return NULL;
            p = ws(p);
            if (*p == '}') return p + 1;
            if (*p++ != ',') return NULL;
        }
    case '[':
        p = ws(p + 1);
        if (*p == ']') return p + 1;
        for (;;) {
            if ((p = value(p, depth + 1)) == NULL) return NULL;
            p = ws(p);
            if (*p == ']') return p + 1;
            if (*p++ != ',') return NULL;
        }
    case '"':
        return string(p);
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        return number(p);
    }
}

bool json_valid(const char *text) {
    if (text == NULL) return false;
    const char *end = value(text, 0);
    return end != NULL && *ws(end) == '\0';
}

long long json_int(const char *json, const char *key, long long fallback) {
    char pattern[128];
    if (json == NULL || snprintf(pattern, sizeof pattern, "\"%s\":", key) >= (int)sizeof pattern) return fallback;
    const char *at = strstr(json, pattern);
    if (at == NULL) return fallback;
    char *end = NULL;
    long long n = strtoll(at + strlen(pattern), &end, 10);
    return end == at + strlen(pattern) ? fallback : n;
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
    char head[512];
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
