/*
 * A server's subusers through their typed C functions: list, create (a new account or an
 * existing one), get, update, delete; the panel's rules (unknown permissions dropped,
 * websocket.connect always added, a subuser grants only what it holds and never edits itself)
 * and errors (400, 403, 404, 422), and arguments refused before any request.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define SERVER "d3aac109"
#define HELPER_UUID "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f"
#define MANAGER_UUID "4d2a9c7e-3b1f-4e8a-a6d5-9f0e1c2b3a4d"
#define STRANGER_UUID "c0ffee00-1234-4abc-9def-0123456789ab"
/* md5("new.person@example.com"), for the gravatar URL (worked out with Python's hashlib). */
#define NEW_PERSON_MD5 "d44d0092dc4cc1eff4b5a0b7e85403cf"

static PteroClient *owner;
static PteroClient *manager; /* user.create/read/update/delete, control.console, ... */
static PteroClient *helper;  /* no user permission */

static void list_and_get(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    const cJSON *su = NULL;
    panel_reset();

    doc = EXPECT_OK("server_users_list", ptero_server_users_list(owner, SERVER, &out), &out);
    EXPECT_LEN("two subusers", doc, "", 2);
    su = json_find(doc, "", "uuid", HELPER_UUID);
    EXPECT_STR("helper's username", su, "username", "helper");
    EXPECT_STR("helper's email", su, "email", "helper@example.com");
    EXPECT_STR("gravatar image", su, "image", "https://gravatar.com/avatar/be987748d8d0a0e88f8700a44f026ab9");
    EXPECT_BOOL("2fa_enabled", su, "2fa_enabled", false);
    EXPECT_STR("created_at", su, "created_at", "2024-02-01T12:00:00+00:00");
    EXPECT_LEN("helper's five permissions", su, "permissions", 5);
    CHECK(json_has_string(su, "permissions", "control.start"), "helper may start the server");
    su = json_find(doc, "", "uuid", MANAGER_UUID);
    CHECK(json_has_string(su, "permissions", "user.create"), "manager may create subusers");
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_users_get", ptero_server_users_get(owner, SERVER, HELPER_UUID, &out), &out);
    EXPECT_STR("the subuser by uuid", doc, "username", "helper");
    EXPECT_STR("first permission", doc, "permissions.0", "websocket.connect");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("a user who is not a subuser here: 404", ptero_server_users_get(owner, SERVER, STRANGER_UUID, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("without user.read: 403", ptero_server_users_list(helper, SERVER, &out), PTERO_STATUS_API_ERROR,
                       403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("another owner's server: 404", ptero_server_users_list(owner, "f00dfeed", &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("nobody reads their own entry: 403", ptero_server_users_get(manager, SERVER, MANAGER_UUID, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void create_update_delete(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char uuid[64] = "";
    panel_reset();

    doc = EXPECT_OK("server_users_create for a new account",
                    ptero_server_users_create(owner, SERVER, "new.person@example.com",
                                              "[\"control.console\",\"nope.nope\",\"control.console\"]", &out),
                    &out);
    EXPECT_STR("email", doc, "email", "new.person@example.com");
    EXPECT_LEN("unknown and repeated keys dropped, websocket.connect added", doc, "permissions", 2);
    EXPECT_STR("the granted key", doc, "permissions.0", "control.console");
    EXPECT_STR("always websocket.connect", doc, "permissions.1", "websocket.connect");
    EXPECT_STR("gravatar of the email", doc, "image", "https://gravatar.com/avatar/" NEW_PERSON_MD5);
    {
        const char *username = json_str(doc, "username");
        const char *id = json_str(doc, "uuid");
        CHECK(username && strlen(username) == strlen("new.person") + 3 && strncmp(username, "new.person", 10) == 0,
              "the new account's username is the email's local part + 3 characters");
        CHECK(id && strlen(id) == 36, "a new user uuid");
        snprintf(uuid, sizeof uuid, "%s", id ? id : "");
    }
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_users_create for an existing account",
                    ptero_server_users_create(owner, SERVER, "stranger@example.com", "[\"control.start\"]", &out), &out);
    EXPECT_STR("the existing user", doc, "uuid", STRANGER_UUID);
    EXPECT_STR("keeps its username", doc, "username", "stranger");
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_users_update",
                    ptero_server_users_update(owner, SERVER, STRANGER_UUID, "[\"control.start\",\"control.stop\"]", &out),
                    &out);
    EXPECT_LEN("three permissions", doc, "permissions", 3);
    CHECK(json_has_string(doc, "permissions", "control.stop"), "control.stop granted");
    CHECK(json_has_string(doc, "permissions", "websocket.connect"), "websocket.connect kept");
    cJSON_Delete(doc);
    doc = EXPECT_OK("get after the update", ptero_server_users_get(owner, SERVER, STRANGER_UUID, &out), &out);
    CHECK(json_has_string(doc, "permissions", "control.stop"), "the update is stored");
    cJSON_Delete(doc);

    doc = EXPECT_OK("four subusers", ptero_server_users_list(owner, SERVER, &out), &out);
    EXPECT_LEN("four subusers", doc, "", 4);
    CHECK(json_find(doc, "", "uuid", uuid) != NULL, "the new account is listed");
    cJSON_Delete(doc);

    EXPECT_OK_NULL("server_users_delete", ptero_server_users_delete(owner, SERVER, STRANGER_UUID, &out), &out);
    doc = EXPECT_ERROR("a removed subuser: 404", ptero_server_users_get(owner, SERVER, STRANGER_UUID, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
    doc = EXPECT_OK("three subusers", ptero_server_users_list(owner, SERVER, &out), &out);
    EXPECT_LEN("three subusers", doc, "", 3);
    cJSON_Delete(doc);
}

static void errors(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_ERROR("the owner as a subuser: 400",
                       ptero_server_users_create(owner, SERVER, "owner@example.com", "[\"control.start\"]", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("owner", doc, "errors.0.code", "UserIsServerOwnerException");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a subuser twice: 400",
                       ptero_server_users_create(owner, SERVER, "helper@example.com", "[\"control.start\"]", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("already a subuser", doc, "errors.0.code", "ServerSubuserExistsException");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("not an email: 422", ptero_server_users_create(owner, SERVER, "nobody", "[\"control.start\"]", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("email", doc, "errors.0.source_field", "email");
    EXPECT_STR("email rule", doc, "errors.0.rule", "email");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("no permissions at all: 422",
                       ptero_server_users_create(owner, SERVER, "empty@example.com", "[]", &out), PTERO_STATUS_API_ERROR,
                       422, &out);
    EXPECT_STR("permissions", doc, "errors.0.source_field", "permissions");
    cJSON_Delete(doc);

    /* A subuser grants only what it holds, and never edits itself. */
    doc = EXPECT_ERROR("granting a permission the caller lacks: 403",
                       ptero_server_users_create(manager, SERVER, "x@example.com", "[\"control.start\"]", &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    EXPECT_STR("not held", doc, "errors.0.detail",
               "Cannot assign permissions to a subuser that your account does not actively possess.");
    cJSON_Delete(doc);
    doc = EXPECT_OK("granting a permission the caller holds",
                    ptero_server_users_create(manager, SERVER, "x@example.com", "[\"control.console\"]", &out), &out);
    CHECK(json_has_string(doc, "permissions", "control.console"), "granted by the manager");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("editing oneself: 403",
                       ptero_server_users_update(manager, SERVER, MANAGER_UUID, "[\"control.console\"]", &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("removing oneself: 403", ptero_server_users_delete(manager, SERVER, MANAGER_UUID, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_OK("the manager edits the helper",
                    ptero_server_users_update(manager, SERVER, HELPER_UUID, "[\"control.console\"]", &out), &out);
    EXPECT_LEN("the helper keeps console and websocket", doc, "permissions", 2);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("the manager removes the helper", ptero_server_users_delete(manager, SERVER, HELPER_UUID, &out), &out);
    doc = EXPECT_ERROR("the removed helper no longer sees the server", ptero_server_get(helper, SERVER, NULL, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
}

static void bad_arguments(void) {
    char *out = NULL;
    panel_reset();

    EXPECT_REFUSED("NULL email", ptero_server_users_create(owner, SERVER, NULL, "[]", &out), &out, "`email` is NULL");
    EXPECT_REFUSED("NULL permissions_json", ptero_server_users_create(owner, SERVER, "a@example.com", NULL, &out), &out,
                   "needs the parameter `permissions`");
    EXPECT_REFUSED("permissions_json that is not JSON",
                   ptero_server_users_create(owner, SERVER, "a@example.com", "[control.start]", &out), &out,
                   "`permissions_json` is not valid JSON");
    EXPECT_REFUSED("permissions_json that is not a list",
                   ptero_server_users_update(owner, SERVER, HELPER_UUID, "{\"a\":1}", &out), &out,
                   "must be a list of strings");
    EXPECT_REFUSED("NULL user", ptero_server_users_get(owner, SERVER, NULL, &out), &out, "`user` is NULL");
    EXPECT_REFUSED("a user uuid that is not one path segment",
                   ptero_server_users_delete(owner, SERVER, "../../account", &out), &out, "one path segment");
    EXPECT_REFUSED("NULL server", ptero_server_users_list(owner, NULL, &out), &out, "`server` is NULL");
    CHECK(ptero_server_users_delete(owner, SERVER, HELPER_UUID, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json removes nobody");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    manager = test_client(MANAGER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || manager == NULL || helper == NULL) goto cleanup;
    list_and_get();
    create_update_delete();
    errors();
    bad_arguments();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(manager);
    ptero_client_free(owner);
    return harness_finish();
}
