/*
 * A server's databases through their typed C functions: list (with and without the password),
 * create, rotate the password, delete; the panel's errors (400 at the limit, 403 without the
 * permission, 404 for another server's database, 422 on bad input) and refused arguments.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define SEEDED_PASSWORD "Hq7=Lm2pXv9.Rt4+Wz6^Kb1!"

static PteroClient *owner;
static PteroClient *manager; /* database.read, without database.view_password or database.create */
static PteroClient *helper;  /* no database permission at all */

static void list(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_OK("server_databases_list", ptero_server_databases_list(owner, "d3aac109", NULL, &out), &out);
    EXPECT_LEN("one seeded database", doc, "", 1);
    EXPECT_STR("its name carries the s<id>_ prefix", doc, "0.name", "s1_survival");
    EXPECT_STR("username", doc, "0.username", "u1_Jd8sK2nQ4x");
    EXPECT_STR("connections_from", doc, "0.connections_from", "%");
    EXPECT_STR("host address", doc, "0.host.address", "db1.example.com");
    EXPECT_INT("host port", doc, "0.host.port", 3306);
    EXPECT_INT("max_connections", doc, "0.max_connections", 0);
    CHECK(json_str(doc, "0.id") != NULL && strlen(json_str(doc, "0.id")) == 8, "the id is an 8-character hashid");
    CHECK(json_at(doc, "0.relationships") == NULL, "no password without include=password");
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_databases_list include=password",
                    ptero_server_databases_list(owner, "d3aac109", "password", &out), &out);
    EXPECT_STR("the owner sees the password", doc, "0.relationships.password.password", SEEDED_PASSWORD);
    cJSON_Delete(doc);

    doc = EXPECT_OK("a subuser with database.read lists", ptero_server_databases_list(manager, "d3aac109", "password", &out),
                    &out);
    EXPECT_STR("the same database", doc, "0.name", "s1_survival");
    EXPECT_NULL("without database.view_password the password is null", doc, "0.relationships.password");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("without database.read: 403", ptero_server_databases_list(helper, "d3aac109", NULL, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    EXPECT_STR("403 code", doc, "errors.0.code", "AccessDeniedHttpException");
    cJSON_Delete(doc);

    doc = EXPECT_OK("another server has none", ptero_server_databases_list(owner, "1a7ce997", NULL, &out), &out);
    EXPECT_LEN("no databases", doc, "", 0);
    cJSON_Delete(doc);
}

static void create_rotate_delete(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char id[32] = "";
    char password[64] = "";
    panel_reset();

    doc = EXPECT_OK("server_databases_create", ptero_server_databases_create(owner, "d3aac109", "creative", "%", &out),
                    &out);
    EXPECT_STR("the stored name is prefixed", doc, "name", "s1_creative");
    EXPECT_STR("connections_from is the remote", doc, "connections_from", "%");
    EXPECT_STR("same host", doc, "host.address", "db1.example.com");
    {
        const char *username = json_str(doc, "username");
        const char *pw = json_str(doc, "relationships.password.password");
        const char *new_id = json_str(doc, "id");
        CHECK(username && strlen(username) == 13 && strncmp(username, "u1_", 3) == 0,
              "the username is u<server>_ + 10 characters");
        CHECK(pw && strlen(pw) == 24, "create always answers the 24-character password");
        CHECK(new_id && strlen(new_id) == 8, "a new hashid");
        snprintf(id, sizeof id, "%s", new_id ? new_id : "");
        snprintf(password, sizeof password, "%s", pw ? pw : "");
    }
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_databases_rotate_password", ptero_server_databases_rotate_password(owner, "d3aac109", id, &out),
                    &out);
    EXPECT_STR("the same database", doc, "name", "s1_creative");
    {
        const char *pw = json_str(doc, "relationships.password.password");
        CHECK(pw && strlen(pw) == 24 && strcmp(pw, password) != 0, "a new password");
    }
    cJSON_Delete(doc);

    doc = EXPECT_OK("a numeric id works too", ptero_server_databases_rotate_password(owner, "d3aac109", "1", &out), &out);
    EXPECT_STR("database 1 is the seeded one", doc, "name", "s1_survival");
    CHECK(json_str(doc, "relationships.password.password") &&
              strcmp(json_str(doc, "relationships.password.password"), SEEDED_PASSWORD) != 0,
          "its password changed");
    cJSON_Delete(doc);

    doc = EXPECT_OK("both listed", ptero_server_databases_list(owner, "d3aac109", NULL, &out), &out);
    EXPECT_LEN("two databases", doc, "", 2);
    CHECK(json_find(doc, "", "id", id) != NULL, "the new database is listed by its id");
    cJSON_Delete(doc);

    /* d3aac109 allows 2 databases. */
    doc = EXPECT_ERROR("over the limit: 400", ptero_server_databases_create(owner, "d3aac109", "third", "%", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("limit", doc, "errors.0.code", "TooManyDatabasesException");
    cJSON_Delete(doc);

    EXPECT_OK_NULL("server_databases_delete", ptero_server_databases_delete(owner, "d3aac109", id, &out), &out);
    doc = EXPECT_OK("one database left", ptero_server_databases_list(owner, "d3aac109", NULL, &out), &out);
    EXPECT_LEN("one database", doc, "", 1);
    EXPECT_STR("the seeded one", doc, "0.name", "s1_survival");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a deleted database: 404", ptero_server_databases_delete(owner, "d3aac109", id, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
}

static void errors(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char other_id[32] = "";
    panel_reset();

    doc = EXPECT_ERROR("a name already used on this server: 422",
                       ptero_server_databases_create(owner, "d3aac109", "survival", "%", &out), PTERO_STATUS_API_ERROR,
                       422, &out);
    EXPECT_STR("unique name", doc, "errors.0.source_field", "database");
    EXPECT_STR("unique name", doc, "errors.0.rule", "unique");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("a short name and a bad remote: 422",
                       ptero_server_databases_create(owner, "d3aac109", "ab", "bad remote!", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_LEN("one entry per message", doc, "errors", 2);
    EXPECT_STR("the name's rule", doc, "errors.0.rule", "min");
    EXPECT_STR("the remote's field", doc, "errors.1.source_field", "remote");
    EXPECT_STR("the remote's rule", doc, "errors.1.rule", "regex");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("a server allowed no databases: 400",
                       ptero_server_databases_create(owner, "5b2e8f10", "staging", "%", &out), PTERO_STATUS_API_ERROR,
                       400, &out);
    EXPECT_STR("limit 0", doc, "errors.0.code", "TooManyDatabasesException");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("create without database.create: 403",
                       ptero_server_databases_create(manager, "d3aac109", "creative", "%", &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("rotate without database.update: 403",
                       ptero_server_databases_rotate_password(manager, "d3aac109", "1", &out), PTERO_STATUS_API_ERROR,
                       403, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("delete without database.delete: 403",
                       ptero_server_databases_delete(manager, "d3aac109", "1", &out), PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);

    /* A database of another server is not found through this one. */
    doc = EXPECT_OK("a database on 7c4d2e11", ptero_server_databases_create(owner, "7c4d2e11", "skyblock", "%", &out),
                    &out);
    snprintf(other_id, sizeof other_id, "%s", json_str(doc, "id") ? json_str(doc, "id") : "");
    EXPECT_STR("prefixed with its own server id", doc, "name", "s4_skyblock");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("another server's database: 404",
                       ptero_server_databases_rotate_password(owner, "d3aac109", other_id, &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    EXPECT_STR("not this server's", doc, "errors.0.detail", "The requested resource was not found for this server.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("an unknown database: 404",
                       ptero_server_databases_delete(owner, "d3aac109", "zzzzzzzz", &out), PTERO_STATUS_API_ERROR, 404,
                       &out);
    EXPECT_STR("unknown", doc, "errors.0.detail", "The requested resource could not be found on the server.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a suspended server: 409", ptero_server_databases_list(owner, "9e8f7a6b", NULL, &out),
                       PTERO_STATUS_API_ERROR, 409, &out);
    cJSON_Delete(doc);
}

static void bad_arguments(void) {
    char *out = NULL;
    panel_reset();

    EXPECT_REFUSED("NULL client", ptero_server_databases_list(NULL, "d3aac109", NULL, &out), &out, "`client` is NULL");
    EXPECT_REFUSED("NULL server", ptero_server_databases_list(owner, NULL, NULL, &out), &out, "`server` is NULL");
    EXPECT_REFUSED("NULL database", ptero_server_databases_create(owner, "d3aac109", NULL, "%", &out), &out,
                   "`database` is NULL");
    EXPECT_REFUSED("NULL remote", ptero_server_databases_create(owner, "d3aac109", "creative", NULL, &out), &out,
                   "`remote` is NULL");
    EXPECT_REFUSED("NULL database id", ptero_server_databases_rotate_password(owner, "d3aac109", NULL, &out), &out,
                   "`database` is NULL");
    EXPECT_REFUSED("a database id that is not one path segment",
                   ptero_server_databases_delete(owner, "d3aac109", "1/../../x", &out), &out, "one path segment");
    CHECK(ptero_server_databases_delete(owner, "d3aac109", "1", NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json deletes nothing");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    manager = test_client(MANAGER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || manager == NULL || helper == NULL) goto cleanup;
    list();
    create_rotate_delete();
    errors();
    bad_arguments();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(manager);
    ptero_client_free(owner);
    return harness_finish();
}
