/*
 * A server's backups through their typed C functions: list (paginated, with backup_count),
 * create, get, download URL, toggle the lock, restore, delete; the panel's errors (400 at the
 * limit, for a locked or unfinished backup; 403 without the permission; 404; 429 from the
 * backup throttle as PTERO_STATUS_RATE_LIMITED) and arguments refused before any request.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define SERVER "d3aac109"
#define WEEKLY "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e"  /* d3aac109, locked, successful */
#define FAILED "c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f"  /* d3aac109, failed */
#define NIGHTLY "d6e9a3f4-7b5c-4dae-9f20-3b4c5d6e7f80" /* 7c4d2e11, never finished */

static PteroClient *owner;
static PteroClient *manager; /* backup.read and backup.create only */
static PteroClient *helper;  /* no backup permission */

static void list_and_get(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char prefix[256];
    panel_reset();

    doc = EXPECT_OK("server_backups_list", ptero_server_backups_list(owner, SERVER, NULL, &out), &out);
    EXPECT_LEN("two backups", doc, "data", 2);
    EXPECT_INT("backup_count leaves the failed one out", doc, "meta.backup_count", 1);
    EXPECT_INT("pagination total", doc, "meta.pagination.total", 2);
    EXPECT_INT("default per_page", doc, "meta.pagination.per_page", 20);
    EXPECT_STR("first: uuid", doc, "data.0.uuid", WEEKLY);
    EXPECT_STR("first: name", doc, "data.0.name", "Weekly backup");
    EXPECT_BOOL("first: successful", doc, "data.0.is_successful", true);
    EXPECT_BOOL("first: locked", doc, "data.0.is_locked", true);
    EXPECT_STR("first: checksum", doc, "data.0.checksum", "sha1:9a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b");
    EXPECT_INT("first: bytes", doc, "data.0.bytes", 52428800);
    EXPECT_STR("first: created_at", doc, "data.0.created_at", "2024-10-20T03:00:00+00:00");
    EXPECT_STR("first: completed_at", doc, "data.0.completed_at", "2024-10-20T03:01:12+00:00");
    EXPECT_BOOL("second: failed", doc, "data.1.is_successful", false);
    EXPECT_NULL("second: no checksum", doc, "data.1.checksum");
    EXPECT_STR("second: ignored files", doc, "data.1.ignored_files.1", "cache/");
    cJSON_Delete(doc);

    doc = EXPECT_OK("the second page of one",
                    ptero_server_backups_list(owner, SERVER, "{\"per_page\":1,\"page\":2}", &out), &out);
    EXPECT_LEN("one backup", doc, "data", 1);
    EXPECT_STR("the failed one", doc, "data.0.uuid", FAILED);
    EXPECT_INT("page 2", doc, "meta.pagination.current_page", 2);
    EXPECT_INT("of 2", doc, "meta.pagination.total_pages", 2);
    {
        const char *previous = json_str(doc, "meta.pagination.links.previous");
        size_t n = previous ? strlen(previous) : 0;
        CHECK(n > 7 && strcmp(previous + n - 7, "?page=1") == 0, "the previous link carries page only (no appends)");
    }
    cJSON_Delete(doc);
    doc = EXPECT_OK("every page", ptero_call_all_pages(owner, "server.backups.list",
                                                       "{\"server\":\"" SERVER "\",\"per_page\":1}", &out),
                    &out);
    EXPECT_LEN("both backups over two pages", doc, "", 2);
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_backups_get", ptero_server_backups_get(owner, SERVER, WEEKLY, &out), &out);
    EXPECT_STR("the backup by uuid", doc, "name", "Weekly backup");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("another server's backup: 404", ptero_server_backups_get(owner, SERVER, NIGHTLY, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_backups_download", ptero_server_backups_download(owner, SERVER, WEEKLY, &out), &out);
    snprintf(prefix, sizeof prefix, "%s/download/backup?token=", panel_url());
    CHECK(json_str(doc, "url") && strncmp(json_str(doc, "url"), prefix, strlen(prefix)) == 0,
          "a Wings backup download URL with a token");
    cJSON_Delete(doc);

    doc = EXPECT_OK("a subuser with backup.read lists", ptero_server_backups_list(manager, SERVER, NULL, &out), &out);
    EXPECT_LEN("the same two", doc, "data", 2);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("without backup.read: 403", ptero_server_backups_list(helper, SERVER, NULL, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("download without backup.download: 403", ptero_server_backups_download(manager, SERVER, WEEKLY, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void lifecycle(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    cJSON *body = NULL;
    char uuid[64] = "";
    panel_reset();

    doc = EXPECT_OK("server_backups_create",
                    ptero_server_backups_create(owner, SERVER, "Before the update", "*.log\ncache/", 1, &out), &out);
    EXPECT_STR("name", doc, "name", "Before the update");
    EXPECT_LEN("ignored split on newlines", doc, "ignored_files", 2);
    EXPECT_STR("ignored", doc, "ignored_files.0", "*.log");
    EXPECT_BOOL("locked as asked", doc, "is_locked", true);
    EXPECT_BOOL("not finished when answered", doc, "is_successful", false);
    EXPECT_NULL("no completed_at yet", doc, "completed_at");
    snprintf(uuid, sizeof uuid, "%s", json_str(doc, "uuid") ? json_str(doc, "uuid") : "");
    CHECK(strlen(uuid) == 36, "a backup uuid");
    cJSON_Delete(doc);
    body = panel_last_body();
    EXPECT_STR("ignored sent as one string", body, "ignored", "*.log\ncache/");
    EXPECT_BOOL("is_locked sent as a boolean", body, "is_locked", true);
    cJSON_Delete(body);

    doc = EXPECT_OK("the finished backup", ptero_server_backups_get(owner, SERVER, uuid, &out), &out);
    EXPECT_BOOL("finished", doc, "is_successful", true);
    CHECK(json_str(doc, "checksum") && strncmp(json_str(doc, "checksum"), "sha1:", 5) == 0, "a sha1 checksum");
    CHECK(json_str(doc, "completed_at") != NULL, "completed_at");
    cJSON_Delete(doc);

    /* d3aac109 allows 2 backups; the failed one does not count. */
    doc = EXPECT_ERROR("at the backup limit: 400", ptero_server_backups_create(owner, SERVER, NULL, NULL, -1, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("limit", doc, "errors.0.code", "TooManyBackupsException");
    cJSON_Delete(doc);
    body = panel_last_body();
    CHECK(cJSON_IsObject(body) && json_at(body, "name") == NULL && json_at(body, "ignored") == NULL &&
              json_at(body, "is_locked") == NULL,
          "NULL and -1 leave name, ignored and is_locked out");
    cJSON_Delete(body);

    EXPECT_OK_NULL("server_backups_restore", ptero_server_backups_restore(owner, SERVER, uuid, true, &out), &out);
    body = panel_last_body();
    EXPECT_BOOL("truncate sent", body, "truncate", true);
    cJSON_Delete(body);

    doc = EXPECT_ERROR("deleting a locked backup: 400", ptero_server_backups_delete(owner, SERVER, uuid, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("locked", doc, "errors.0.code", "BackupLockedException");
    cJSON_Delete(doc);
    doc = EXPECT_OK("server_backups_toggle_lock", ptero_server_backups_toggle_lock(owner, SERVER, uuid, &out), &out);
    EXPECT_BOOL("unlocked", doc, "is_locked", false);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("server_backups_delete", ptero_server_backups_delete(owner, SERVER, uuid, &out), &out);
    doc = EXPECT_ERROR("a deleted backup: 404", ptero_server_backups_get(owner, SERVER, uuid, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    doc = EXPECT_OK("toggle twice", ptero_server_backups_toggle_lock(owner, SERVER, WEEKLY, &out), &out);
    EXPECT_BOOL("the weekly backup unlocked", doc, "is_locked", false);
    cJSON_Delete(doc);
    doc = EXPECT_OK("toggle twice", ptero_server_backups_toggle_lock(owner, SERVER, WEEKLY, &out), &out);
    EXPECT_BOOL("and locked again", doc, "is_locked", true);
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("restoring an unfinished backup: 400",
                       ptero_server_backups_restore(owner, "7c4d2e11", NIGHTLY, false, &out), PTERO_STATUS_API_ERROR,
                       400, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a server allowed no backups: 400",
                       ptero_server_backups_create(owner, "5b2e8f10", NULL, NULL, -1, &out), PTERO_STATUS_API_ERROR, 400,
                       &out);
    EXPECT_STR("limit 0", doc, "errors.0.code", "TooManyBackupsException");
    cJSON_Delete(doc);
}

static void subuser_rules(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char uuid[64] = "";
    panel_reset();

    /* is_locked applies only with backup.delete. */
    doc = EXPECT_OK("a subuser with backup.create", ptero_server_backups_create(manager, SERVER, "By the manager", NULL, 1,
                                                                               &out),
                    &out);
    EXPECT_BOOL("is_locked ignored without backup.delete", doc, "is_locked", false);
    snprintf(uuid, sizeof uuid, "%s", json_str(doc, "uuid") ? json_str(doc, "uuid") : "");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("lock without backup.delete: 403", ptero_server_backups_toggle_lock(manager, SERVER, uuid, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("restore without backup.restore: 403",
                       ptero_server_backups_restore(manager, SERVER, uuid, false, &out), PTERO_STATUS_API_ERROR, 403,
                       &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("delete without backup.delete: 403", ptero_server_backups_delete(manager, SERVER, uuid, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void throttle(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    /* 7c4d2e11 allows 3 backups (one unfinished): two more fit, the third in 10 minutes is
     * throttled before the limit is looked at. The panel asks for a wait far over the client's
     * max_retry_wait, so the default client gives up at once instead of retrying. */
    for (int i = 0; i < 2; i++) {
        doc = EXPECT_OK("backups within the throttle", ptero_server_backups_create(owner, "7c4d2e11", NULL, NULL, -1, &out),
                        &out);
        CHECK(json_str(doc, "name") && strncmp(json_str(doc, "name"), "Backup at ", 10) == 0,
              "the default name is \"Backup at <date>\"");
        cJSON_Delete(doc);
    }
    doc = EXPECT_ERROR("a third backup in 10 minutes: 429", ptero_server_backups_create(owner, "7c4d2e11", NULL, NULL, -1,
                                                                                         &out),
                       PTERO_STATUS_RATE_LIMITED, 429, &out);
    EXPECT_STR("rate_limited", doc, "kind", "rate_limited");
    EXPECT_STR("the backup throttle's exception", doc, "errors.0.code", "TooManyRequestsHttpException");
    CHECK(json_num(doc, "retry_after", -1) > 0 && json_num(doc, "retry_after", -1) <= 600,
          "retry_after says how long to wait (at most the 600 s window)");
    cJSON_Delete(doc);
}

static void bad_arguments(void) {
    char *out = NULL;
    panel_reset();

    EXPECT_REFUSED("NULL backup", ptero_server_backups_get(owner, SERVER, NULL, &out), &out, "`backup` is NULL");
    EXPECT_REFUSED("NULL backup to restore", ptero_server_backups_restore(owner, SERVER, NULL, true, &out), &out,
                   "`backup` is NULL");
    EXPECT_REFUSED("a backup id that is not one path segment",
                   ptero_server_backups_delete(owner, SERVER, WEEKLY "/../x", &out), &out, "one path segment");
    EXPECT_REFUSED("params_json that is not JSON", ptero_server_backups_list(owner, SERVER, "{\"page\":", &out), &out,
                   "`params_json` is not valid JSON");
    EXPECT_REFUSED("an unknown list parameter", ptero_server_backups_list(owner, SERVER, "{\"sort\":\"x\"}", &out), &out,
                   "has no parameter");
    EXPECT_REFUSED("NULL server", ptero_server_backups_create(owner, NULL, NULL, NULL, -1, &out), &out,
                   "`server` is NULL");
    CHECK(ptero_server_backups_create(owner, SERVER, NULL, NULL, -1, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json starts no backup");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    manager = test_client(MANAGER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || manager == NULL || helper == NULL) goto cleanup;
    list_and_get();
    lifecycle();
    subuser_rules();
    throttle();
    bad_arguments();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(manager);
    ptero_client_free(owner);
    return harness_finish();
}
