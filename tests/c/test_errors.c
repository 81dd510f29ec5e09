/*
 * The error paths: the panel's errors (404, 403, 409, 422, 429), faults on the way (timeout,
 * HTML instead of JSON, nothing listening), and bad input from C (NULL everywhere it can be
 * passed, invalid UTF-8, malformed JSON, unknown ids, wrong types, path injection). Each gives a
 * status and one error object, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The numbers are part of the ABI. */
_Static_assert(PTERO_STATUS_OK == 0, "stable status numbers");
_Static_assert(PTERO_STATUS_INVALID_ARGUMENT == 1, "stable status numbers");
_Static_assert(PTERO_STATUS_API_ERROR == 2, "stable status numbers");
_Static_assert(PTERO_STATUS_RATE_LIMITED == 3, "stable status numbers");
_Static_assert(PTERO_STATUS_TIMEOUT == 4, "stable status numbers");
_Static_assert(PTERO_STATUS_TRANSPORT == 5, "stable status numbers");
_Static_assert(PTERO_STATUS_DECODE == 6, "stable status numbers");
_Static_assert(PTERO_STATUS_NOT_JSON == 7, "stable status numbers");
_Static_assert(PTERO_STATUS_PANIC == 8, "stable status numbers");
_Static_assert(PTERO_STATUS_OTHER == 9, "stable status numbers");
_Static_assert(PTERO_STATUS_TOO_LARGE == 10, "stable status numbers");
_Static_assert(PTERO_STATUS_CANCELLED == 11, "stable status numbers");

static PteroClient *owner;
static PteroClient *helper;

/* `st` is `want` and `out` is an error object of that status with `fragment`; frees `out`. */
static void expect_error(const char *what, PteroStatus st, PteroStatus want, char *out, const char *fragment) {
    char status_field[64];
    snprintf(status_field, sizeof status_field, "\"status\":\"%s\"", ptero_status_name((int)want));
    EXPECT_STATUS(what, st, want, out);
    EXPECT_HAS(what, out, status_field);
    EXPECT_HAS(what, out, "\"errors\":[");
    EXPECT_HAS(what, out, "\"message\":\"");
    if (fragment) EXPECT_HAS(what, out, fragment);
    EXPECT_LACKS("the API key never appears in an error", out, OWNER_KEY);
    ptero_string_free(out);
}

static void panel_errors(void) {
    char *out = NULL;
    PteroStatus st;
    panel_reset();

    st = ptero_server_get(owner, "f00dfeed", NULL, &out);
    expect_error("404 for another user's server", st, PTERO_STATUS_API_ERROR, out,
                 "{\"code\":\"NotFoundHttpException\",\"detail\":\"The requested resource does not exist on this "
                 "server.\",\"rule\":null,\"source_field\":null,\"status\":\"404\"}");
    st = ptero_call(owner, "server.get", "{\"server\":\"f00dfeed\"}", &out);
    expect_error("404 through ptero_call", st, PTERO_STATUS_API_ERROR, out, "\"http_status\":404,\"kind\":\"api\"");

    st = ptero_server_power(helper, "d3aac109", "stop", &out);
    expect_error("403: the subuser may start but not stop", st, PTERO_STATUS_API_ERROR, out, "\"http_status\":403");
    st = ptero_server_startup_get(helper, "d3aac109", &out);
    expect_error("403: the subuser may not read startup", st, PTERO_STATUS_API_ERROR, out,
                 "\"code\":\"AccessDeniedHttpException\"");
    st = ptero_server_allocations_list(helper, "d3aac109", &out);
    EXPECT_STATUS("the subuser may read allocations", st, PTERO_STATUS_OK, out);
    ptero_string_free(out);
    st = ptero_server_get(helper, "d3aac109", NULL, &out);
    EXPECT_HAS("the subuser's own permissions", out, "\"user_permissions\":[\"websocket.connect\"");
    ptero_string_free(out);

    {
        PteroClient *app = test_client(APPLICATION_KEY, NULL);
        st = ptero_servers_list(app, NULL, &out);
        expect_error("an application key is refused", st, PTERO_STATUS_API_ERROR, out, "\"http_status\":403");
        ptero_client_free(app);
    }

    st = ptero_server_resources(owner, "9e8f7a6b", &out);
    expect_error("409 on a suspended server", st, PTERO_STATUS_API_ERROR, out,
                 "\"code\":\"ServerStateConflictException\"");

    st = ptero_server_settings_rename(owner, "d3aac109", "", NULL, &out);
    expect_error("422 names the field", st, PTERO_STATUS_API_ERROR, out,
                 "\"rule\":\"required\",\"source_field\":\"name\",\"status\":\"422\"");
    st = ptero_server_startup_set_variable(owner, "d3aac109", "SERVER_JARFILE", "not a jar", &out);
    expect_error("422 on a variable's own rule", st, PTERO_STATUS_API_ERROR, out,
                 "\"rule\":\"regex\",\"source_field\":\"value\"");
    /* `value` is nullable in the declaration: NULL sends null, which this variable's rules refuse. */
    st = ptero_server_startup_set_variable(owner, "d3aac109", "SERVER_JARFILE", NULL, &out);
    expect_error("NULL value is sent as null: 422 from the variable's `required`", st, PTERO_STATUS_API_ERROR, out,
                 "\"rule\":\"required\",\"source_field\":\"value\",\"status\":\"422\"");
    st = ptero_server_command(owner, "d3aac109", "say offline", &out);
    expect_error("a command to an offline server", st, PTERO_STATUS_API_ERROR, out, "\"http_status\":502");
}

static void faults(void) {
    char *out = NULL;
    PteroStatus st;
    PteroClient *impatient = NULL;
    PteroClient *nowhere = NULL;
    char *error = NULL;
    panel_reset();

    /* 429: two requests a minute, no retries. */
    impatient = test_client(OWNER_KEY, "{\"max_retries\":0,\"timeout_ms\":800}");
    if (impatient == NULL) goto cleanup;
    CHECK(panel_post("/__fake/rate_limit", "{\"limit\":2,\"window_ms\":60000}") == 204, "rate_limit control");
    for (int i = 0; i < 2; i++) {
        st = ptero_server_resources(impatient, "d3aac109", &out);
        EXPECT_STATUS("within the limit", st, PTERO_STATUS_OK, out);
        ptero_string_free(out);
    }
    st = ptero_server_resources(impatient, "d3aac109", &out);
    CHECK(json_int(out, "retry_after", -1) > 0, "429 carries retry_after in seconds");
    expect_error("429 is RATE_LIMITED", st, PTERO_STATUS_RATE_LIMITED, out,
                 "\"http_status\":429,\"kind\":\"rate_limited\"");
    CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");

    /* A slow answer past the client's timeout. */
    CHECK(panel_post("/__fake/slow", "{\"path_contains\":\"/resources\",\"delay_ms\":3000}") == 204, "slow control");
    st = ptero_server_resources(impatient, "d3aac109", &out);
    expect_error("a slow panel is TIMEOUT", st, PTERO_STATUS_TIMEOUT, out, "\"kind\":\"timeout\"");
    CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");

    /* A login page instead of JSON. */
    CHECK(panel_post("/__fake/html", "{\"path_contains\":\"/servers/d3aac109\"}") == 204, "html control");
    st = ptero_server_get(owner, "d3aac109", NULL, &out);
    expect_error("HTML is NOT_JSON", st, PTERO_STATUS_NOT_JSON, out, "\"http_status\":200,\"kind\":\"not_json\"");
    CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");

    /* An answer over the client's limit. */
    {
        PteroClient *small = test_client(OWNER_KEY, "{\"max_response_bytes\":100}");
        if (small != NULL) {
            st = ptero_servers_list(small, NULL, &out);
            expect_error("an answer over max_response_bytes is TOO_LARGE", st, PTERO_STATUS_TOO_LARGE, out,
                         "\"kind\":\"too_large\"");
            ptero_client_free(small);
        }
    }

    /* A per-call timeout on a second handle; the first keeps its own. */
    {
        PteroClient *patient = test_client(OWNER_KEY, "{\"timeout_ms\":20000}");
        PteroClient *hasty = (PteroClient *)&hasty; /* a non-NULL sentinel the call must clear */
        if (patient != NULL) {
            st = ptero_client_with_timeout(patient, 300, &hasty);
            EXPECT_STATUS("ptero_client_with_timeout", st, PTERO_STATUS_OK, NULL);
            CHECK(panel_post("/__fake/slow", "{\"path_contains\":\"/resources\",\"delay_ms\":3000}") == 204,
                  "slow control");
            st = ptero_server_resources(hasty, "d3aac109", &out);
            expect_error("the new handle's timeout applies", st, PTERO_STATUS_TIMEOUT, out, "300ms");
            ptero_client_free(hasty); /* freed first: the other handle stays usable */
            CHECK(panel_post("/__fake/clear_faults", NULL) == 204, "clear_faults control");
            st = ptero_server_resources(patient, "d3aac109", &out);
            EXPECT_STATUS("the first handle still works", st, PTERO_STATUS_OK, out);
            ptero_string_free(out);

            hasty = (PteroClient *)&hasty;
            st = ptero_client_with_timeout(patient, 0, &hasty);
            error = ptero_last_error();
            CHECK(hasty == NULL, "a refused ptero_client_with_timeout sets *out_client to NULL");
            expect_error("a timeout of 0 is refused", st, PTERO_STATUS_INVALID_ARGUMENT, error, "`timeout_ms`");
            st = ptero_client_with_timeout(NULL, 300, &hasty);
            error = ptero_last_error();
            expect_error("a NULL client is refused", st, PTERO_STATUS_INVALID_ARGUMENT, error, "`client` is NULL");
            error = NULL;
            CHECK(ptero_client_with_timeout(patient, 300, NULL) == PTERO_STATUS_INVALID_ARGUMENT, "NULL out_client");
            ptero_string_free(ptero_last_error());
            ptero_client_free(patient);
        }
    }

    /* Nothing listening (port 1 on loopback). */
    st = ptero_client_new("http://127.0.0.1:1", OWNER_KEY, "{\"max_retries\":0}", &nowhere);
    error = ptero_last_error();
    EXPECT_STATUS("a client for a closed port can be made", st, PTERO_STATUS_OK, error);
    st = ptero_servers_list(nowhere, NULL, &out);
    expect_error("a closed port is TRANSPORT", st, PTERO_STATUS_TRANSPORT, out, "\"kind\":\"transport\"");

cleanup:
    ptero_string_free(error);
    ptero_client_free(nowhere);
    ptero_client_free(impatient);
}

/* A call refused before any request: INVALID_ARGUMENT with `fragment` in the message. */
static void refused(const char *what, PteroStatus st, char *out, const char *fragment) {
    expect_error(what, st, PTERO_STATUS_INVALID_ARGUMENT, out, fragment);
}

/* `call` writes to `out`; it runs before `out` is read. */
#define REFUSED(what, call, fragment)                     \
    do {                                                  \
        PteroStatus refused_status = (call);              \
        refused((what), refused_status, out, (fragment)); \
        out = NULL;                                       \
    } while (0)

static void bad_input(void) {
    char *out = NULL;
    const char bad_utf8[] = {'d', '3', (char)0xC3, (char)0x28, 'x', '\0'};
    const char bad_utf8_json[] = {'{', '"', 's', 'e', 'r', 'v', 'e', 'r', '"', ':', '"', (char)0xFF, '"', '}', '\0'};
    panel_reset();

    /* NULL out-pointers: nothing to write, INVALID_ARGUMENT. */
    CHECK(ptero_call(owner, "servers.list", NULL, NULL) == PTERO_STATUS_INVALID_ARGUMENT, "NULL out_json");
    CHECK(ptero_servers_list(owner, NULL, NULL) == PTERO_STATUS_INVALID_ARGUMENT, "NULL out_json (typed)");
    CHECK(ptero_server_allocations_delete(owner, "d3aac109", 16, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json does not delete");

    /* NULL client and NULL strings, in every function that takes them. */
    REFUSED("NULL client", ptero_call(NULL, "servers.list", NULL, &out), "`client` is NULL");
    REFUSED("NULL client", ptero_call_all_pages(NULL, "servers.list", NULL, &out), "`client` is NULL");
    REFUSED("NULL op_id", ptero_call(owner, NULL, NULL, &out), "`op_id` is NULL");
    REFUSED("NULL op_id", ptero_call_all_pages(owner, NULL, NULL, &out), "`op_id` is NULL");
    REFUSED("NULL client", ptero_servers_list(NULL, NULL, &out), "`client` is NULL");
    REFUSED("NULL client", ptero_permissions_get(NULL, &out), "`client` is NULL");
    REFUSED("NULL server", ptero_server_get(owner, NULL, NULL, &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_websocket(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_resources(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_activity_list(owner, NULL, NULL, &out), "`server` is NULL");
    REFUSED("NULL command", ptero_server_command(owner, "d3aac109", NULL, &out), "`command` is NULL");
    REFUSED("NULL signal", ptero_server_power(owner, "d3aac109", NULL, &out), "`signal` is NULL");
    REFUSED("NULL server", ptero_server_startup_get(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL key", ptero_server_startup_set_variable(owner, "d3aac109", NULL, "x", &out), "`key` is NULL");
    REFUSED("NULL name", ptero_server_settings_rename(owner, "d3aac109", NULL, NULL, &out), "`name` is NULL");
    REFUSED("NULL server", ptero_server_settings_reinstall(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL docker_image", ptero_server_settings_docker_image(owner, "d3aac109", NULL, &out),
            "`docker_image` is NULL");
    REFUSED("NULL server", ptero_server_allocations_list(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_allocations_assign(owner, NULL, &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_allocations_set_notes(owner, NULL, 16, "x", &out), "`server` is NULL");
    REFUSED("NULL server", ptero_server_allocations_set_primary(owner, NULL, 16, &out), "`server` is NULL");
    REFUSED("NULL client", ptero_server_allocations_delete(NULL, "d3aac109", 16, &out), "`client` is NULL");

    /* Invalid UTF-8 and malformed JSON. */
    REFUSED("invalid UTF-8 server", ptero_server_get(owner, bad_utf8, NULL, &out),
            "`server` is not valid UTF-8 (bad byte at offset 2)");
    REFUSED("invalid UTF-8 command", ptero_server_command(owner, "d3aac109", bad_utf8, &out),
            "`command` is not valid UTF-8");
    REFUSED("invalid UTF-8 op_id", ptero_call(owner, bad_utf8, NULL, &out), "`op_id` is not valid UTF-8");
    REFUSED("invalid UTF-8 in params_json", ptero_call(owner, "server.get", bad_utf8_json, &out),
            "`params_json` is not valid UTF-8");
    REFUSED("malformed params_json", ptero_call(owner, "servers.list", "{\"page\":", &out),
            "`params_json` is not valid JSON");
    REFUSED("malformed params_json (typed)", ptero_servers_list(owner, "{filter}", &out),
            "`params_json` is not valid JSON");

    /* Unknown ids, wrong types, values the core refuses. */
    REFUSED("unknown op id", ptero_call(owner, "server.explode", NULL, &out), "unknown operation");
    REFUSED("params must be an object", ptero_call(owner, "servers.list", "[1,2]", &out),
            "parameters must be a JSON object");
    REFUSED("server of the wrong type", ptero_call(owner, "server.get", "{\"server\":true}", &out),
            "must be a string or a non-negative integer");
    REFUSED("missing path parameter", ptero_call(owner, "server.get", "{}", &out),
            "needs the parameter `server`");
    REFUSED("negative allocation",
            ptero_call(owner, "server.allocations.delete", "{\"server\":\"d3aac109\",\"allocation\":-16}", &out),
            "path parameter `allocation`");
    REFUSED("page of the wrong type", ptero_servers_list(owner, "{\"page\":\"two\"}", &out),
            "parameter `page` must be a non-negative integer, got a string");
    REFUSED("unknown list parameter", ptero_servers_list(owner, "{\"pages\":2}", &out),
            "has no parameter \\\"pages\\\"; did you mean \\\"page\\\"?");
    REFUSED("unknown list type", ptero_servers_list(owner, "{\"type\":\"everyone\"}", &out), "admin-all");
    REFUSED("activity params of the wrong type",
            ptero_server_activity_list(owner, "d3aac109", "{\"per_page\":[]}", &out),
            "parameter `per_page` must be a non-negative integer, got an array");
    REFUSED("unknown power signal (typed)", ptero_server_power(owner, "d3aac109", "explode", &out),
            "parameter `signal` must be one of \\\"start\\\", \\\"stop\\\", \\\"restart\\\", \\\"kill\\\"; got "
            "\\\"explode\\\"");
    /* ptero_call goes through the same table: the signal never reaches the panel either. */
    REFUSED("unknown power signal (ptero_call)",
            ptero_call(owner, "server.power", "{\"server\":\"d3aac109\",\"signal\":\"explode\"}", &out),
            "parameter `signal` must be one of");
    REFUSED("a body-less operation refuses a body",
            ptero_call(owner, "server.allocations.assign", "{\"server\":\"d3aac109\",\"notes\":\"x\"}", &out),
            "operation `server.allocations.assign` has no parameter \\\"notes\\\" (it takes \\\"server\\\")");
    REFUSED("all pages of an unpaginated operation",
            ptero_call_all_pages(owner, "server.get", "{\"server\":\"d3aac109\"}", &out), "not paginated");

    /* Path injection never reaches the panel. */
    REFUSED("../account as server id", ptero_server_get(owner, "../account", NULL, &out), "one path segment");
    REFUSED("../account through ptero_call",
            ptero_call(owner, "server.resources", "{\"server\":\"../account\"}", &out), "one path segment");
    REFUSED("a slash in a server id", ptero_server_power(owner, "d3aac109/../x", "start", &out), "one path segment");
    REFUSED("an encoded dot in a server id", ptero_server_command(owner, "%2e%2e", "say", &out), "one path segment");
    EXPECT_NO_REQUESTS("nothing refused above reached the panel");
}

static void constructor_and_statics(void) {
    PteroClient *client = (PteroClient *)&client; /* a non-NULL sentinel the call must clear */
    char *error = (char *)&error;
    PteroStatus st;

    st = ptero_client_new(NULL, OWNER_KEY, NULL, &client);
    error = ptero_last_error();
    CHECK(client == NULL, "a failed ptero_client_new sets *out_client to NULL");
    refused("NULL panel_url", st, error, "`panel_url` is NULL");
    st = ptero_client_new(panel_url(), NULL, NULL, &client);
    error = ptero_last_error();
    refused("NULL api_key", st, error, "`api_key` is NULL");
    st = ptero_client_new("ftp://panel.example.com", OWNER_KEY, NULL, &client);
    error = ptero_last_error();
    refused("a URL that is not http(s)", st, error, "http://");
    st = ptero_client_new(panel_url(), "", NULL, &client);
    error = ptero_last_error();
    refused("an empty key", st, error, "empty");
    st = ptero_client_new(panel_url(), OWNER_KEY, "{\"timeout_ms\":", &client);
    error = ptero_last_error();
    refused("malformed options_json", st, error, "`options_json` is not valid JSON");
    st = ptero_client_new(panel_url(), OWNER_KEY, "{\"timeout\":5}", &client);
    error = ptero_last_error();
    refused("an unknown option", st, error, "unknown field `timeout`");
    st = ptero_client_new(panel_url(), OWNER_KEY, "{\"timeout_ms\":\"fast\"}", &client);
    error = ptero_last_error();
    refused("an option of the wrong type", st, error, "invalid type");
    st = ptero_client_new(panel_url(), OWNER_KEY, "{\"ca_cert_pem\":\"not a certificate\"}", &client);
    error = ptero_last_error();
    refused("a bad CA certificate", st, error, "PEM");
    st = ptero_client_new(panel_url(), OWNER_KEY, "{\"timeout_ms\":0}", &client);
    error = ptero_last_error();
    refused("a timeout of 0", st, error, "`timeout_ms`");
    st = ptero_client_new("http://admin:hunter2secret@panel.example.com", OWNER_KEY, NULL, &client);
    error = ptero_last_error();
    EXPECT_LACKS("a refused URL never shows its password", error, "hunter2secret");
    refused("credentials in the URL", st, error, "credentials");
    CHECK(ptero_client_new(panel_url(), OWNER_KEY, NULL, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_client");
    st = ptero_client_new(panel_url(), OWNER_KEY, NULL, NULL);
    error = ptero_last_error();
    refused("NULL out_client with out_error", st, error, "`out_client` is NULL");

    st = ptero_client_new(panel_url(), OWNER_KEY,
                          "{\"timeout_ms\":5000,\"connect_timeout_ms\":1000,\"user_agent\":\"ptero-c-tests/1\","
                          "\"accept_invalid_certs\":false,\"max_retries\":1,\"max_retry_wait_ms\":2000}",
                          &client);
    EXPECT_STATUS("every option at once", st, PTERO_STATUS_OK, NULL);
    if (st == PTERO_STATUS_OK) {
        char *out = NULL;
        panel_reset();
        st = ptero_permissions_get(client, &out);
        EXPECT_STATUS("a client with options works", st, PTERO_STATUS_OK, out);
        ptero_string_free(out);
        char *log = panel_get("/__fake/requests");
        CHECK(log && strstr(log, "\"user-agent\":\"ptero-c-tests/1\""), "the user_agent option is sent");
        free(log);
        ptero_client_free(client);
    }

    ptero_string_free(NULL);
    ptero_client_free(NULL);
    CHECK(1, "ptero_string_free(NULL) and ptero_client_free(NULL) are no-ops");

    CHECK(strcmp(ptero_status_name(PTERO_STATUS_OK), "PTERO_STATUS_OK") == 0, "status name OK");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_RATE_LIMITED), "PTERO_STATUS_RATE_LIMITED") == 0, "status name 3");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_NOT_JSON), "PTERO_STATUS_NOT_JSON") == 0, "status name 7");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_OTHER), "PTERO_STATUS_OTHER") == 0, "status name 9");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_TOO_LARGE), "PTERO_STATUS_TOO_LARGE") == 0, "status name 10");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_CANCELLED), "PTERO_STATUS_CANCELLED") == 0, "status name 11");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_BUSY), "PTERO_STATUS_BUSY") == 0, "status name 13");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_WINGS_ERROR), "PTERO_STATUS_WINGS_ERROR") == 0, "status name 14");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_IO), "PTERO_STATUS_IO") == 0, "status name 15");
    CHECK(strcmp(ptero_status_name(17), "PTERO_STATUS_UNKNOWN") == 0, "the next number is not a status yet");
    CHECK(strcmp(ptero_status_name(-1), "PTERO_STATUS_UNKNOWN") == 0, "an unknown status number is safe");
    CHECK(strcmp(ptero_status_name(4242), "PTERO_STATUS_UNKNOWN") == 0, "an unknown status number is safe");
    CHECK(strchr(ptero_version(), '.') != NULL, "ptero_version looks like a version");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || helper == NULL) goto cleanup;
    constructor_and_statics();
    bad_input();
    panel_errors();
    faults();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(owner);
    return harness_finish();
}
