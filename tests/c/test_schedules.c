/*
 * Schedules and their tasks through the typed C functions: list, create, get, update (a full
 * replacement), execute, delete; tasks create (appended or inserted), update, delete. The
 * panel's errors (400 for a bad cron expression, a schedule without tasks or over 10 tasks;
 * 403 without the permission or for a backup task where backups are off; 404 for another
 * server's schedule; 422 on bad input) and the optional arguments left out (-1, NULL).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define SERVER "d3aac109"

static PteroClient *owner;
static PteroClient *manager; /* schedule.read only */
static PteroClient *helper;  /* no schedule permission */

static void read_seeded(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_OK("server_schedules_list", ptero_server_schedules_list(owner, SERVER, &out), &out);
    EXPECT_LEN("one schedule on d3aac109", doc, "", 1);
    EXPECT_INT("schedule 1", doc, "0.id", 1);
    EXPECT_STR("its name", doc, "0.name", "Nightly restart");
    EXPECT_STR("cron minute", doc, "0.cron.minute", "0");
    EXPECT_STR("cron hour", doc, "0.cron.hour", "4");
    EXPECT_STR("cron day_of_month", doc, "0.cron.day_of_month", "*");
    EXPECT_BOOL("active", doc, "0.is_active", true);
    EXPECT_BOOL("not processing", doc, "0.is_processing", false);
    EXPECT_BOOL("only when online", doc, "0.only_when_online", true);
    EXPECT_STR("last_run_at", doc, "0.last_run_at", "2024-10-21T04:00:00+00:00");
    EXPECT_STR("next_run_at", doc, "0.next_run_at", "2024-10-22T04:00:00+00:00");
    EXPECT_LEN("tasks are included", doc, "0.relationships.tasks", 1);
    EXPECT_STR("its task", doc, "0.relationships.tasks.0.payload", "say Restarting in 5 minutes");
    EXPECT_STR("its task's action", doc, "0.relationships.tasks.0.action", "command");
    EXPECT_INT("its task's sequence", doc, "0.relationships.tasks.0.sequence_id", 1);
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_schedules_get", ptero_server_schedules_get(owner, SERVER, 1, &out), &out);
    EXPECT_STR("the same schedule", doc, "name", "Nightly restart");
    EXPECT_INT("with its task", doc, "relationships.tasks.0.id", 1);
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("another server's schedule: 404", ptero_server_schedules_get(owner, SERVER, 2, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    EXPECT_STR("not this server's", doc, "errors.0.detail", "The requested resource was not found for this server.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("an unknown schedule: 404", ptero_server_schedules_get(owner, SERVER, 999, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    EXPECT_STR("unknown", doc, "errors.0.detail", "The requested resource could not be found on the server.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("the largest id: 404", ptero_server_schedules_get(owner, SERVER, UINT64_MAX, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    doc = EXPECT_OK("a subuser with schedule.read lists", ptero_server_schedules_list(manager, SERVER, &out), &out);
    EXPECT_LEN("the same schedule", doc, "", 1);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("without schedule.read: 403", ptero_server_schedules_list(helper, SERVER, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void lifecycle(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    cJSON *body = NULL;
    uint64_t id = 0, first = 0, second = 0;
    panel_reset();

    doc = EXPECT_OK("server_schedules_create",
                    ptero_server_schedules_create(owner, SERVER, "Every five minutes", "*/5", "*", "*", "*", "*", 1, -1,
                                                  &out),
                    &out);
    id = (uint64_t)json_num(doc, "id", 0);
    CHECK(id == 3, "new schedules start at id 3");
    EXPECT_STR("name", doc, "name", "Every five minutes");
    EXPECT_STR("cron minute, a string", doc, "cron.minute", "*/5");
    EXPECT_BOOL("1 is true", doc, "is_active", true);
    EXPECT_BOOL("left out means false", doc, "only_when_online", false);
    EXPECT_NULL("never ran", doc, "last_run_at");
    CHECK(json_str(doc, "next_run_at") != NULL, "next_run_at is computed");
    EXPECT_LEN("no tasks yet", doc, "relationships.tasks", 0);
    cJSON_Delete(doc);
    body = panel_last_body();
    EXPECT_STR("cron fields are sent as strings", body, "minute", "*/5");
    EXPECT_BOOL("is_active sent as a boolean", body, "is_active", true);
    CHECK(json_at(body, "only_when_online") == NULL, "-1 leaves only_when_online out");
    cJSON_Delete(body);

    doc = EXPECT_OK("server_schedules_update",
                    ptero_server_schedules_update(owner, SERVER, id, "Nightly at two", "0", "2", "*", "*", "1-5", false,
                                                  true, &out),
                    &out);
    EXPECT_STR("renamed", doc, "name", "Nightly at two");
    EXPECT_STR("new hour", doc, "cron.hour", "2");
    EXPECT_STR("new day_of_week", doc, "cron.day_of_week", "1-5");
    EXPECT_BOOL("deactivated", doc, "is_active", false);
    EXPECT_BOOL("only when online now", doc, "only_when_online", true);
    cJSON_Delete(doc);
    body = panel_last_body();
    EXPECT_BOOL("update sends every field: is_active", body, "is_active", false);
    EXPECT_BOOL("update sends every field: only_when_online", body, "only_when_online", true);
    cJSON_Delete(body);

    /* Tasks: appended, then one inserted before it. */
    doc = EXPECT_OK("server_schedules_tasks_create",
                    ptero_server_schedules_tasks_create(owner, SERVER, id, "command", "say hello", 0, -1, -1, &out),
                    &out);
    first = (uint64_t)json_num(doc, "id", 0);
    CHECK(first == 3, "new tasks start at id 3");
    EXPECT_INT("appended as the first", doc, "sequence_id", 1);
    EXPECT_STR("action", doc, "action", "command");
    EXPECT_STR("payload", doc, "payload", "say hello");
    EXPECT_INT("time_offset", doc, "time_offset", 0);
    EXPECT_BOOL("continue_on_failure left out is false", doc, "continue_on_failure", false);
    EXPECT_BOOL("not queued", doc, "is_queued", false);
    cJSON_Delete(doc);
    body = panel_last_body();
    CHECK(json_at(body, "sequence_id") == NULL, "a negative sequence_id is left out");
    CHECK(json_at(body, "continue_on_failure") == NULL, "-1 leaves continue_on_failure out");
    EXPECT_INT("time_offset is a number", body, "time_offset", 0);
    cJSON_Delete(body);

    doc = EXPECT_OK("a task inserted at 1",
                    ptero_server_schedules_tasks_create(owner, SERVER, id, "power", "restart", 60, 1, 1, &out), &out);
    second = (uint64_t)json_num(doc, "id", 0);
    EXPECT_INT("inserted at 1", doc, "sequence_id", 1);
    EXPECT_INT("time_offset", doc, "time_offset", 60);
    EXPECT_BOOL("1 is true", doc, "continue_on_failure", true);
    cJSON_Delete(doc);
    doc = EXPECT_OK("the schedule with two tasks", ptero_server_schedules_get(owner, SERVER, id, &out), &out);
    EXPECT_LEN("two tasks", doc, "relationships.tasks", 2);
    /* Tasks come in id order: the first task was shifted to 2. */
    EXPECT_INT("the first task moved down", doc, "relationships.tasks.0.sequence_id", 2);
    EXPECT_INT("the inserted task is first", doc, "relationships.tasks.1.sequence_id", 1);
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_schedules_tasks_update",
                    ptero_server_schedules_tasks_update(owner, SERVER, id, first, "command", "say updated", 5, 1, 0,
                                                        &out),
                    &out);
    EXPECT_STR("new payload", doc, "payload", "say updated");
    EXPECT_INT("moved back to 1", doc, "sequence_id", 1);
    EXPECT_INT("new offset", doc, "time_offset", 5);
    EXPECT_BOOL("0 is false", doc, "continue_on_failure", false);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("an offset over 900: 422",
                       ptero_server_schedules_tasks_update(owner, SERVER, id, first, "command", "x", 901, -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("time_offset", doc, "errors.0.source_field", "time_offset");
    EXPECT_STR("max", doc, "errors.0.rule", "max");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a command without payload: 422",
                       ptero_server_schedules_tasks_create(owner, SERVER, id, "command", NULL, 0, -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("payload", doc, "errors.0.source_field", "payload");
    cJSON_Delete(doc);

    EXPECT_OK_NULL("server_schedules_tasks_delete", ptero_server_schedules_tasks_delete(owner, SERVER, id, second, &out),
                   &out);
    doc = EXPECT_OK("one task left", ptero_server_schedules_get(owner, SERVER, id, &out), &out);
    EXPECT_LEN("one task", doc, "relationships.tasks", 1);
    EXPECT_INT("the one left", doc, "relationships.tasks.0.id", (long long)first);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a task of another schedule: 404", ptero_server_schedules_tasks_delete(owner, SERVER, id, 1, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    EXPECT_OK_NULL("server_schedules_delete", ptero_server_schedules_delete(owner, SERVER, id, &out), &out);
    doc = EXPECT_ERROR("a deleted schedule: 404", ptero_server_schedules_get(owner, SERVER, id, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
}

static void execute(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    uint64_t id = 0;
    panel_reset();

    doc = EXPECT_OK("a schedule that starts the server",
                    ptero_server_schedules_create(owner, SERVER, "Start", "0", "6", "*", "*", "*", 1, 0, &out), &out);
    id = (uint64_t)json_num(doc, "id", 0);
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("executing a schedule without tasks: 400", ptero_server_schedules_execute(owner, SERVER, id, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("no tasks", doc, "errors.0.detail",
               "Cannot process schedule for task execution: no tasks are registered.");
    cJSON_Delete(doc);

    doc = EXPECT_OK("a power task",
                    ptero_server_schedules_tasks_create(owner, SERVER, id, "power", "start", 0, -1, -1, &out), &out);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("server_schedules_execute (202, [])", ptero_server_schedules_execute(owner, SERVER, id, &out), &out);
    doc = EXPECT_OK("resources after the run", ptero_server_resources(owner, SERVER, &out), &out);
    {
        const char *state = json_str(doc, "current_state");
        CHECK(state && (strcmp(state, "starting") == 0 || strcmp(state, "running") == 0),
              "the schedule's power task started the server");
    }
    cJSON_Delete(doc);
    doc = EXPECT_OK("the schedule after the run", ptero_server_schedules_get(owner, SERVER, id, &out), &out);
    CHECK(json_str(doc, "last_run_at") != NULL, "last_run_at is set");
    EXPECT_BOOL("no longer processing", doc, "is_processing", false);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("kill", ptero_server_power(owner, SERVER, "kill", &out), &out);

    doc = EXPECT_ERROR("execute without schedule.update: 403", ptero_server_schedules_execute(manager, SERVER, id, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void errors(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    uint64_t id = 0;
    char long_name[200];
    panel_reset();

    doc = EXPECT_ERROR("an invalid cron expression: 400",
                       ptero_server_schedules_create(owner, SERVER, "Bad", "61", "*", "*", "*", "*", 1, 1, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("bad cron", doc, "errors.0.detail", "The cron data provided does not evaluate to a valid expression.");
    cJSON_Delete(doc);
    memset(long_name, 'n', 192);
    long_name[192] = '\0';
    doc = EXPECT_ERROR("a name over 191 characters: 422",
                       ptero_server_schedules_create(owner, SERVER, long_name, "*", "*", "*", "*", "*", -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("name", doc, "errors.0.source_field", "name");
    EXPECT_STR("max", doc, "errors.0.rule", "max");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("create without schedule.create: 403",
                       ptero_server_schedules_create(manager, SERVER, "Mine", "*", "*", "*", "*", "*", 1, 1, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("deleting a task without schedule.update: 403",
                       ptero_server_schedules_tasks_delete(manager, SERVER, 1, 1, &out), PTERO_STATUS_API_ERROR, 403,
                       &out);
    EXPECT_STR("checked by hand in the controller", doc, "errors.0.code", "HttpForbiddenException");
    cJSON_Delete(doc);

    /* 5b2e8f10 allows no backups, so no backup task either. */
    doc = EXPECT_OK("a schedule on 5b2e8f10",
                    ptero_server_schedules_create(owner, "5b2e8f10", "Backups", "0", "3", "*", "*", "*", 1, 0, &out),
                    &out);
    id = (uint64_t)json_num(doc, "id", 0);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a backup task where backups are off: 403",
                       ptero_server_schedules_tasks_create(owner, "5b2e8f10", id, "backup", NULL, 0, -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    EXPECT_STR("backup limit 0", doc, "errors.0.detail",
               "A backup task cannot be created when the server's backup limit is set to 0.");
    cJSON_Delete(doc);

    /* At most 10 tasks per schedule. */
    for (int i = 0; i < 10; i++) {
        PteroStatus st = ptero_server_schedules_tasks_create(owner, "5b2e8f10", id, "command", "say hi", 0, -1, -1, &out);
        EXPECT_STATUS("tasks up to the limit", st, PTERO_STATUS_OK, out);
        ptero_string_free(out);
        out = NULL;
    }
    doc = EXPECT_ERROR("an 11th task: 400",
                       ptero_server_schedules_tasks_create(owner, "5b2e8f10", id, "command", "say hi", 0, -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("limit", doc, "errors.0.code", "ServiceLimitExceededException");
    cJSON_Delete(doc);
}

static void bad_arguments(void) {
    char *out = NULL;
    panel_reset();

    EXPECT_REFUSED("NULL name", ptero_server_schedules_create(owner, SERVER, NULL, "*", "*", "*", "*", "*", 1, 1, &out),
                   &out, "`name` is NULL");
    EXPECT_REFUSED("NULL minute", ptero_server_schedules_create(owner, SERVER, "x", NULL, "*", "*", "*", "*", 1, 1, &out),
                   &out, "`minute` is NULL");
    EXPECT_REFUSED("NULL month",
                   ptero_server_schedules_update(owner, SERVER, 1, "x", "*", "*", "*", NULL, "*", true, true, &out), &out,
                   "`month` is NULL");
    EXPECT_REFUSED("NULL action", ptero_server_schedules_tasks_create(owner, SERVER, 1, NULL, "x", 0, -1, -1, &out), &out,
                   "`action` is NULL");
    EXPECT_REFUSED("an unknown action",
                   ptero_server_schedules_tasks_create(owner, SERVER, 1, "explode", "x", 0, -1, -1, &out), &out,
                   "parameter `action` must be one of");
    EXPECT_REFUSED("NULL server", ptero_server_schedules_tasks_delete(owner, NULL, 1, 1, &out), &out,
                   "`server` is NULL");
    EXPECT_REFUSED("NULL client", ptero_server_schedules_list(NULL, SERVER, &out), &out, "`client` is NULL");
    CHECK(ptero_server_schedules_delete(owner, SERVER, 1, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json deletes nothing");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    manager = test_client(MANAGER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || manager == NULL || helper == NULL) goto cleanup;
    read_seeded();
    lifecycle();
    execute();
    errors();
    bad_arguments();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(manager);
    ptero_client_free(owner);
    return harness_finish();
}
