/*
 * The account operations through their typed C functions: the account, two-factor setup,
 * email and password changes, the account's activity, API keys and SSH keys; each once on
 * success with its fields read by cJSON, plus the panel's errors (400, 401, 404, 422) and
 * the arguments refused before any request.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The fake panel's passwords and the one TOTP code it accepts (tests/panel/src/account.rs). */
#define OWNER_PASSWORD "owner-password"
#define TWO_FACTOR_CODE "123456"

/* An Ed25519 key (the public half 01 02 .. 20), its phpseclib SHA256 fingerprint (base64, last
 * `=` dropped) and its PKCS8 PEM, worked out independently with Python's hashlib/base64. */
#define ED25519_KEY \
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g c-tests@example"
#define ED25519_FINGERPRINT "mKqU+0K8OhKmA8bBQi9Rz0Q5l7/g160hIP+rJYSTNj4"
#define ED25519_PEM                                                    \
    "-----BEGIN PUBLIC KEY-----\r\n"                                   \
    "MCowBQYDK2VwAyEAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\r\n" \
    "-----END PUBLIC KEY-----"
/* A 1024-bit RSA key: the panel refuses RSA under 2048 bits. */
#define RSA_1024_KEY                                                                                  \
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    "AAAAAAAAAAAAAAAwOQ=="

static PteroClient *owner;

static bool all_base32(const char *s) {
    for (; s && *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7'))) return false;
    }
    return s != NULL;
}

static void account_get(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_OK("account_get", ptero_account_get(owner, &out), &out);
    EXPECT_INT("account id", doc, "id", 1);
    EXPECT_STR("account username", doc, "username", "owner");
    EXPECT_STR("account email", doc, "email", "owner@example.com");
    EXPECT_STR("account first_name", doc, "first_name", "Oscar");
    EXPECT_STR("account last_name", doc, "last_name", "Owner");
    EXPECT_STR("account language", doc, "language", "en");
    EXPECT_BOOL("account admin", doc, "admin", false);
    cJSON_Delete(doc);

    {
        PteroClient *manager = test_client(MANAGER_KEY, NULL);
        doc = EXPECT_OK("account_get for the manager key", ptero_account_get(manager, &out), &out);
        EXPECT_STR("the manager key is manager's account", doc, "username", "manager");
        EXPECT_INT("manager is user 4", doc, "id", 4);
        cJSON_Delete(doc);
        ptero_client_free(manager);
    }
}

static void two_factor(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char want_secret[64];
    panel_reset();

    doc = EXPECT_OK("account_two_factor_get", ptero_account_two_factor_get(owner, &out), &out);
    {
        const char *secret = json_str(doc, "secret");
        const char *url = json_str(doc, "image_url_data");
        CHECK(secret && strlen(secret) == 32 && all_base32(secret), "the TOTP secret is 32 base32 characters");
        CHECK(url && strncmp(url, "otpauth://totp/", 15) == 0, "image_url_data is an otpauth:// URL");
        snprintf(want_secret, sizeof want_secret, "secret=%s", secret ? secret : "?");
        CHECK(url && strstr(url, want_secret) != NULL, "the otpauth URL carries the same secret");
    }
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("a wrong TOTP code: 400", ptero_account_two_factor_enable(owner, "000000", OWNER_PASSWORD, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("wrong code", doc, "errors.0.code", "TwoFactorAuthenticationTokenInvalid");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a wrong password: 400", ptero_account_two_factor_enable(owner, TWO_FACTOR_CODE, "nope", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    EXPECT_STR("wrong password", doc, "errors.0.detail", "The password provided was not valid.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a code that is not 6 characters: 422",
                       ptero_account_two_factor_enable(owner, "123", OWNER_PASSWORD, &out), PTERO_STATUS_API_ERROR,
                       422, &out);
    EXPECT_STR("code size", doc, "errors.0.source_field", "code");
    EXPECT_STR("code size", doc, "errors.0.rule", "size");
    cJSON_Delete(doc);

    doc = EXPECT_OK("account_two_factor_enable",
                    ptero_account_two_factor_enable(owner, TWO_FACTOR_CODE, OWNER_PASSWORD, &out), &out);
    if (EXPECT_LEN("10 recovery tokens", doc, "tokens", 10)) {
        const cJSON *token = NULL;
        bool ten_chars = true;
        cJSON_ArrayForEach(token, json_at(doc, "tokens")) {
            ten_chars = ten_chars && cJSON_IsString(token) && strlen(token->valuestring) == 10;
        }
        CHECK(ten_chars, "every recovery token is 10 characters");
    }
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("setup again once enabled: 400", ptero_account_two_factor_get(owner, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("disable with a wrong password: 400", ptero_account_two_factor_disable(owner, "nope", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("account_two_factor_disable", ptero_account_two_factor_disable(owner, OWNER_PASSWORD, &out), &out);
    doc = EXPECT_OK("setup works again once disabled", ptero_account_two_factor_get(owner, &out), &out);
    cJSON_Delete(doc);
}

static void email_and_password(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_ERROR("an email another account uses: 422",
                       ptero_account_email_update(owner, "helper@example.com", OWNER_PASSWORD, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("taken email", doc, "errors.0.source_field", "email");
    EXPECT_STR("taken email", doc, "errors.0.rule", "unique");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("not an email: 422", ptero_account_email_update(owner, "not-an-email", OWNER_PASSWORD, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("bad email", doc, "errors.0.rule", "email");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("email change with a wrong password: 400",
                       ptero_account_email_update(owner, "oscar@example.com", "nope", &out), PTERO_STATUS_API_ERROR,
                       400, &out);
    EXPECT_STR("wrong password", doc, "errors.0.code", "InvalidPasswordProvidedException");
    cJSON_Delete(doc);
    EXPECT_OK_NULL("account_email_update", ptero_account_email_update(owner, "oscar@example.com", OWNER_PASSWORD, &out),
                   &out);
    doc = EXPECT_OK("account_get after the email change", ptero_account_get(owner, &out), &out);
    EXPECT_STR("the new email", doc, "email", "oscar@example.com");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("password change with a wrong current password: 400",
                       ptero_account_password_update(owner, "nope", "new-password-1", NULL, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a short password: 422", ptero_account_password_update(owner, OWNER_PASSWORD, "short", NULL, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("short password", doc, "errors.0.source_field", "password");
    EXPECT_STR("short password", doc, "errors.0.rule", "min");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a confirmation that differs: 422",
                       ptero_account_password_update(owner, OWNER_PASSWORD, "new-password-1", "new-password-2", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("confirmation", doc, "errors.0.rule", "confirmed");
    cJSON_Delete(doc);
    /* NULL confirmation: the declaration defaults it to `password`. */
    EXPECT_OK_NULL("account_password_update",
                   ptero_account_password_update(owner, OWNER_PASSWORD, "new-password-1", NULL, &out), &out);
    doc = EXPECT_ERROR("the old password no longer works", ptero_account_email_update(owner, "owner@example.com",
                                                                                     OWNER_PASSWORD, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("the new password works",
                   ptero_account_email_update(owner, "owner@example.com", "new-password-1", &out), &out);

    /* The account's activity: two email changes, newest first. */
    doc = EXPECT_OK("account_activity_list",
                    ptero_account_activity_list(owner, "{\"sort\":\"-timestamp\",\"filter\":{\"event\":\"email\"}}",
                                                &out),
                    &out);
    EXPECT_INT("two email changes", doc, "meta.pagination.total", 2);
    EXPECT_STR("newest first", doc, "data.0.event", "user:account.email-changed");
    EXPECT_STR("newest first: back to owner@", doc, "data.0.properties.new", "owner@example.com");
    EXPECT_STR("then the first change", doc, "data.1.properties.new", "oscar@example.com");
    EXPECT_STR("then the first change", doc, "data.1.properties.old", "owner@example.com");
    EXPECT_BOOL("made through the API", doc, "data.0.is_api", true);
    cJSON_Delete(doc);
    doc = EXPECT_OK("account_activity_list without params", ptero_account_activity_list(owner, NULL, &out), &out);
    EXPECT_INT("two email changes and a password change", doc, "meta.pagination.total", 3);
    CHECK(json_find(doc, "data", "event", "user:account.password-changed") != NULL, "the password change is logged");
    cJSON_Delete(doc);
    doc = EXPECT_OK("every page of the account's activity",
                    ptero_call_all_pages(owner, "account.activity.list", "{\"per_page\":2}", &out), &out);
    EXPECT_LEN("3 entries over 2 pages", doc, "", 3);
    cJSON_Delete(doc);
    EXPECT_REFUSED("an unknown activity filter", ptero_account_activity_list(owner, "{\"filter\":{\"ip\":\"x\"}}", &out),
                   &out, "no filter \"ip\"");
    EXPECT_REFUSED("an unknown activity sort", ptero_account_activity_list(owner, "{\"sort\":\"event\"}", &out), &out,
                   "sort");
}

static void api_keys(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    char identifier[64] = "";
    char full_key[128] = "";
    PteroClient *fresh = NULL;
    panel_reset();

    doc = EXPECT_OK("account_api_keys_list", ptero_account_api_keys_list(owner, &out), &out);
    EXPECT_LEN("one seeded key", doc, "", 1);
    EXPECT_STR("its identifier", doc, "0.identifier", "ptlc_ownerkey001");
    EXPECT_STR("its description", doc, "0.description", "Owner key");
    EXPECT_LEN("no IP restriction", doc, "0.allowed_ips", 0);
    EXPECT_NULL("never used (the fake does not track it)", doc, "0.last_used_at");
    cJSON_Delete(doc);

    doc = EXPECT_OK("account_api_keys_create",
                    ptero_account_api_keys_create(owner, "CI runner", "[\"127.0.0.1\",\"10.0.0.0/8\"]", &out), &out);
    {
        const char *id = json_str(doc, "identifier");
        const char *secret = json_str(doc, "meta.secret_token");
        const char *key = json_str(doc, "key");
        CHECK(id && strlen(id) == 16 && strncmp(id, "ptlc_", 5) == 0, "a new ptlc_ identifier of 16 characters");
        CHECK(secret && strlen(secret) == 32, "a 32-character secret, shown once");
        if (id && secret) {
            snprintf(identifier, sizeof identifier, "%s", id);
            snprintf(full_key, sizeof full_key, "%s%s", id, secret);
        }
        EXPECT_SAME("`key` is identifier + secret", key, full_key);
        EXPECT_STR("description kept", doc, "description", "CI runner");
        EXPECT_STR("allowed_ips kept", doc, "allowed_ips.1", "10.0.0.0/8");
    }
    cJSON_Delete(doc);

    fresh = test_client(full_key, NULL);
    doc = EXPECT_OK("the new key works", ptero_account_get(fresh, &out), &out);
    EXPECT_STR("as the owner", doc, "username", "owner");
    cJSON_Delete(doc);

    doc = EXPECT_OK("the list has both keys", ptero_account_api_keys_list(owner, &out), &out);
    EXPECT_LEN("two keys", doc, "", 2);
    CHECK(json_find(doc, "", "identifier", identifier) != NULL, "the new key is listed");
    CHECK(json_str(doc, "1.key") == NULL && json_at(doc, "1.meta") == NULL, "the list never shows a secret");
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("an empty description (null to the panel): 422",
                       ptero_account_api_keys_create(owner, "", NULL, &out), PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("missing description", doc, "errors.0.source_field", "description");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a bad IP: 422", ptero_account_api_keys_create(owner, "bad", "[\"nope\"]", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("bad IP", doc, "errors.0.source_field", "allowed_ips.0");
    cJSON_Delete(doc);
    EXPECT_REFUSED("allowed_ips_json that is not JSON", ptero_account_api_keys_create(owner, "x", "[127.0.0.1", &out),
                   &out, "`allowed_ips_json` is not valid JSON");

    EXPECT_OK_NULL("account_api_keys_delete", ptero_account_api_keys_delete(owner, identifier, &out), &out);
    doc = EXPECT_ERROR("a deleted key is refused: 401", ptero_account_get(fresh, &out), PTERO_STATUS_API_ERROR, 401,
                       &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("deleting an unknown key: 404", ptero_account_api_keys_delete(owner, "ptlc_nosuchkey01", &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);
    doc = EXPECT_OK("one key left", ptero_account_api_keys_list(owner, &out), &out);
    EXPECT_LEN("one key left", doc, "", 1);
    cJSON_Delete(doc);
    ptero_client_free(fresh);
}

static void ssh_keys(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_OK("account_ssh_keys_list", ptero_account_ssh_keys_list(owner, &out), &out);
    EXPECT_LEN("no SSH keys at first", doc, "", 0);
    cJSON_Delete(doc);

    doc = EXPECT_OK("account_ssh_keys_create", ptero_account_ssh_keys_create(owner, "laptop", ED25519_KEY, &out), &out);
    EXPECT_STR("name", doc, "name", "laptop");
    EXPECT_STR("SHA256 fingerprint without its last =", doc, "fingerprint", ED25519_FINGERPRINT);
    EXPECT_STR("the key comes back as PKCS8 PEM", doc, "public_key", ED25519_PEM);
    CHECK(json_str(doc, "created_at") != NULL, "created_at");
    cJSON_Delete(doc);

    doc = EXPECT_OK("the key is listed", ptero_account_ssh_keys_list(owner, &out), &out);
    EXPECT_LEN("one key", doc, "", 1);
    EXPECT_STR("listed by fingerprint", doc, "0.fingerprint", ED25519_FINGERPRINT);
    cJSON_Delete(doc);

    doc = EXPECT_ERROR("the same key twice: 422", ptero_account_ssh_keys_create(owner, "again", ED25519_KEY, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("duplicate key", doc, "errors.0.source_field", "public_key");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("RSA under 2048 bits: 422", ptero_account_ssh_keys_create(owner, "old", RSA_1024_KEY, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("short RSA key", doc, "errors.0.detail", "RSA keys must be at least 2048 bytes in length.");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("not a key: 422", ptero_account_ssh_keys_create(owner, "junk", "not a key", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("not a key", doc, "errors.0.detail", "The public key provided is not valid.");
    cJSON_Delete(doc);

    EXPECT_OK_NULL("account_ssh_keys_delete", ptero_account_ssh_keys_delete(owner, ED25519_FINGERPRINT, &out), &out);
    doc = EXPECT_OK("the key is gone", ptero_account_ssh_keys_list(owner, &out), &out);
    EXPECT_LEN("no keys", doc, "", 0);
    cJSON_Delete(doc);
    EXPECT_OK_NULL("deleting a missing key is still 204", ptero_account_ssh_keys_delete(owner, ED25519_FINGERPRINT, &out),
                   &out);
}

static void bad_arguments(void) {
    char *out = NULL;
    panel_reset();

    EXPECT_REFUSED("NULL client", ptero_account_get(NULL, &out), &out, "`client` is NULL");
    CHECK(ptero_account_get(owner, NULL) == PTERO_STATUS_INVALID_ARGUMENT, "NULL out_json");
    EXPECT_REFUSED("NULL code", ptero_account_two_factor_enable(owner, NULL, OWNER_PASSWORD, &out), &out,
                   "`code` is NULL");
    EXPECT_REFUSED("NULL password", ptero_account_two_factor_disable(owner, NULL, &out), &out, "`password` is NULL");
    EXPECT_REFUSED("NULL email", ptero_account_email_update(owner, NULL, OWNER_PASSWORD, &out), &out,
                   "`email` is NULL");
    EXPECT_REFUSED("NULL current_password", ptero_account_password_update(owner, NULL, "new-password-1", NULL, &out),
                   &out, "`current_password` is NULL");
    EXPECT_REFUSED("NULL public_key", ptero_account_ssh_keys_create(owner, "x", NULL, &out), &out,
                   "`public_key` is NULL");
    EXPECT_REFUSED("NULL fingerprint", ptero_account_ssh_keys_delete(owner, NULL, &out), &out, "`fingerprint` is NULL");
    EXPECT_REFUSED("NULL description", ptero_account_api_keys_create(owner, NULL, "[]", &out), &out,
                   "`description` is NULL");
    EXPECT_REFUSED("NULL identifier", ptero_account_api_keys_delete(owner, NULL, &out), &out, "`identifier` is NULL");
    EXPECT_REFUSED("an identifier that is not one path segment", ptero_account_api_keys_delete(owner, "../x", &out),
                   &out, "one path segment");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    if (owner == NULL) goto cleanup;
    account_get();
    two_factor();
    email_and_password();
    api_keys();
    ssh_keys();
    bad_arguments();

cleanup:
    ptero_client_free(owner);
    return harness_finish();
}
