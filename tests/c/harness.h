/*
 * A small test harness for the C suite: checks that count, a tiny JSON reader that can fail for
 * real, and a raw-socket client for the fake panel's /__fake controls (no curl, no libc extras).
 */
#ifndef PTERO_TEST_HARNESS_H
#define PTERO_TEST_HARNESS_H

#include <stdbool.h>

#include "pterodactyl.h"

/* The fake panel's keys (tests/panel/src/lib.rs). */
#define OWNER_KEY "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001"
#define SUBUSER_KEY "ptlc_helperkey01S3cretHelperKeyForTheFakePanel01"
#define APPLICATION_KEY "ptla_appkey00001S3cretApplicationKeyForFakePanel"

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

/* Whether `text` is exactly one JSON value (RFC 8259), surrounding whitespace allowed. */
bool json_valid(const char *text);

/* The integer after the first `"key":` in `json`, or `fallback` when there is none. */
long long json_int(const char *json, const char *key, long long fallback);

/* Prints "N passed, M failed" and returns the process exit code. */
int harness_finish(void);

/* The fake panel's URL from $PTERO_TEST_URL (exits when unset). */
const char *panel_url(void);

/* POSTs `body` (may be NULL) to the fake panel's `path`; the HTTP status, or -1. */
int panel_post(const char *path, const char *body);

/* GETs `path`; the body (free() it), or NULL. */
char *panel_get(const char *path);

/* POST /__fake/reset, counted as a check. */
void panel_reset(void);

/* A client of the fake panel with `key`, or NULL (counted as a failed check). `options_json`
 * may be NULL. */
PteroClient *test_client(const char *key, const char *options_json);

#ifdef __cplusplus
}
#endif

#endif
