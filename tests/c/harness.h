/*
 * A small test harness for the C suite: checks that count, JSON read with a real parser (cJSON,
 * Debian's libcjson-dev: link with -lcjson), and a raw-socket client for the fake panel's
 * /__fake controls (no curl).
 */
#ifndef PTERO_TEST_HARNESS_H
#define PTERO_TEST_HARNESS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "pterodactyl.h"

/* The fake panel's keys (tests/panel/src/lib.rs). */
#define OWNER_KEY "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001"
#define SUBUSER_KEY "ptlc_helperkey01S3cretHelperKeyForTheFakePanel01"
#define APPLICATION_KEY "ptla_appkey00001S3cretApplicationKeyForFakePanel"
/* `manager`, a subuser of d3aac109 who may manage subusers and read and create backups. */
#define MANAGER_KEY "ptlc_managerkey1S3cretManagerKeyForTheFakePanel1"

#ifdef __cplusplus
extern "C" {
#endif

/* Records one check; prints the failure with its place. Returns `ok`. */
bool check_at(const char *file, int line, bool ok, const char *what);
#define CHECK(cond, what) check_at(__FILE__, __LINE__, (cond), (what))

/* `got == want`; prints both names and the out-string on failure. */
bool expect_status_at(const char *file, int line, const char *what, PteroStatus got, PteroStatus want,
                      const char *json);
#define EXPECT_STATUS(what, got, want, json) expect_status_at(__FILE__, __LINE__, (what), (got), (want), (json))

/* `json` is valid JSON and contains `fragment` byte for byte (output is compact: no spaces). */
bool expect_has_at(const char *file, int line, const char *what, const char *json, const char *fragment);
#define EXPECT_HAS(what, json, fragment) expect_has_at(__FILE__, __LINE__, (what), (json), (fragment))

/* `json` is valid JSON and does not contain `fragment`. */
bool expect_lacks_at(const char *file, int line, const char *what, const char *json, const char *fragment);
#define EXPECT_LACKS(what, json, fragment) expect_lacks_at(__FILE__, __LINE__, (what), (json), (fragment))

/* Two strings are equal (both non-NULL). */
bool expect_same_at(const char *file, int line, const char *what, const char *a, const char *b);
#define EXPECT_SAME(what, a, b) expect_same_at(__FILE__, __LINE__, (what), (a), (b))

/* Whether `text` is exactly one JSON value, surrounding whitespace allowed. */
bool json_valid(const char *text);

/* ---- reading results with cJSON ----
 *
 * A path is dot-separated object keys and array indexes from the root: "name",
 * "meta.pagination.total", "data.0.identifier", "errors.0.source_field". "" is the root. */

/* The value at `path` under `root`, or NULL when any step is missing (or `root` is NULL). */
const cJSON *json_at(const cJSON *root, const char *path);

/* The string at `path`, or NULL when it is missing or not a string. */
const char *json_str(const cJSON *root, const char *path);

/* The integer at `path` of the JSON text `json` (parsed for the occasion), or `fallback`. */
long long json_int(const char *json, const char *path, long long fallback);

/* The number at `path`, or `fallback` when it is missing or not a number. */
long long json_num(const cJSON *root, const char *path, long long fallback);

/* The first element of the array at `path` whose string member `key` is `value`, or NULL. */
const cJSON *json_find(const cJSON *root, const char *path, const char *key, const char *value);

/* Whether the array at `path` holds the string `value`. */
bool json_has_string(const cJSON *root, const char *path, const char *value);

/* `status` is PTERO_STATUS_OK and `*out` parses; answers the document (cJSON_Delete it; NULL
 * after a failed check, which is printed with the out-string). Frees `*out` and sets it to NULL,
 * so a call can be passed straight in: EXPECT_OK("get", ptero_account_get(c, &out), &out). */
cJSON *expect_ok_at(const char *file, int line, const char *what, PteroStatus status, char **out);
#define EXPECT_OK(what, status, out) expect_ok_at(__FILE__, __LINE__, (what), (status), (out))

/* `status` is PTERO_STATUS_OK and `*out` is exactly `null` (an operation with no content). Frees
 * `*out` and sets it to NULL. */
bool expect_ok_null_at(const char *file, int line, const char *what, PteroStatus status, char **out);
#define EXPECT_OK_NULL(what, status, out) expect_ok_null_at(__FILE__, __LINE__, (what), (status), (out))

/* `status` is `want` and `*out` is the one error object: `status` names `want`, `kind` and
 * `message` are strings, `errors` is an array, the API keys appear nowhere, and `http_status` is
 * `http_status` (or null when that is 0). Answers the document like EXPECT_OK. */
cJSON *expect_error_at(const char *file, int line, const char *what, PteroStatus status, PteroStatus want,
                       int http_status, char **out);
#define EXPECT_ERROR(what, status, want, http_status, out) \
    expect_error_at(__FILE__, __LINE__, (what), (status), (want), (http_status), (out))

/* A call refused before any request: PTERO_STATUS_INVALID_ARGUMENT, the error object, and
 * `fragment` in its `message`. Frees `*out` and sets it to NULL. */
bool expect_refused_at(const char *file, int line, const char *what, PteroStatus status, char **out,
                       const char *fragment);
#define EXPECT_REFUSED(what, status, out, fragment) \
    expect_refused_at(__FILE__, __LINE__, (what), (status), (out), (fragment))

/* The value at `path` is the string `want` / the integer `want` / the boolean `want` / null. */
bool expect_str_at(const char *file, int line, const char *what, const cJSON *root, const char *path,
                   const char *want);
bool expect_int_at(const char *file, int line, const char *what, const cJSON *root, const char *path,
                   long long want);
bool expect_bool_at(const char *file, int line, const char *what, const cJSON *root, const char *path, bool want);
bool expect_null_at(const char *file, int line, const char *what, const cJSON *root, const char *path);
/* The array at `path` has `want` elements. */
bool expect_len_at(const char *file, int line, const char *what, const cJSON *root, const char *path, int want);
#define EXPECT_STR(what, root, path, want) expect_str_at(__FILE__, __LINE__, (what), (root), (path), (want))
#define EXPECT_INT(what, root, path, want) expect_int_at(__FILE__, __LINE__, (what), (root), (path), (want))
#define EXPECT_BOOL(what, root, path, want) expect_bool_at(__FILE__, __LINE__, (what), (root), (path), (want))
#define EXPECT_NULL(what, root, path) expect_null_at(__FILE__, __LINE__, (what), (root), (path))
#define EXPECT_LEN(what, root, path, want) expect_len_at(__FILE__, __LINE__, (what), (root), (path), (want))

/* Prints "N passed, M failed" and returns the process exit code. */
int harness_finish(void);

/* The fake panel's URL from $PTERO_TEST_URL (exits when unset). */
const char *panel_url(void);

/* POSTs `body` (may be NULL) to the fake panel's `path`; the HTTP status, or -1. */
int panel_post(const char *path, const char *body);

/* GETs `path`; the body (free() it), or NULL. */
char *panel_get(const char *path);

/* The last request the fake panel recorded (`method`, `path`, `query`, `headers`, `body`), parsed
 * (cJSON_Delete it), or NULL when there is none. */
cJSON *panel_last_request(void);

/* The JSON body of the last recorded request, parsed (cJSON_Delete it), or NULL. */
cJSON *panel_last_body(void);

/* The fake panel recorded no request since its last reset: what a refused call must leave. */
bool expect_no_requests_at(const char *file, int line, const char *what);
#define EXPECT_NO_REQUESTS(what) expect_no_requests_at(__FILE__, __LINE__, (what))

/* POST /__fake/reset, counted as a check. */
void panel_reset(void);

/* A client of the fake panel with `key`, or NULL (counted as a failed check). `options_json`
 * may be NULL. */
PteroClient *test_client(const char *key, const char *options_json);

#ifdef __cplusplus
}
#endif

#endif
