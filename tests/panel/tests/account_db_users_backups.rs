//! The account, database, subuser and backup areas of the fake panel, over HTTP.

use fake_panel::{
    FakePanel, HELPER_PASSWORD, MANAGER_KEY, MANAGER_PASSWORD, OWNER_KEY, OWNER_PASSWORD, SUBUSER_KEY,
    TWO_FACTOR_CODE,
};
use reqwest::blocking::{Client, Response};
use reqwest::Method;
use serde_json::{json, Value};

const SURVIVAL: &str = "/servers/d3aac109";
const HELPER_UUID: &str = "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f";
const MANAGER_UUID: &str = "4d2a9c7e-3b1f-4e8a-a6d5-9f0e1c2b3a4d";
const WEEKLY_BACKUP: &str = "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e";
const FAILED_BACKUP: &str = "c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f";
const NIGHTLY_BACKUP: &str = "d6e9a3f4-7b5c-4dae-9f20-3b4c5d6e7f80";
const SURVIVAL_DATABASE: &str = "scWFMOKk";

const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOQCS5klGZpxshm/oYd8houng3hqxN7tMKQbyD+/Kvtl test@fake";
const RSA_1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDAUq/3NwpnIjKjJ1JpNwg9zULgBcUykIEOxTgiaSsH4umV5C57W8KJkFLO87hw8+wpM16QPi67aKyu2x9Bqwu0Os2J8r8qot3a5RYAKPlDKf27BxwkQLguw5SzaU5ZkOtMUV5BCmUBFTnkXCL47vZTi0Xan9rnUoP+pNmPeSdkZw== small@fake";
const RSA_2048: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDz1faWAy1bLHrHBDfemjnv1d5mJwzEGNKpkYlD8J29vjWWe+OEDqP//odqbancyUTE9BzNeupUjgB8WCEhLx/KFGHytdB6qOK3a65e8dmtlg6oj10k5jyV1koszTfwsMc2HIX40Qabrq39r+t7gjpBCZ4avaSTShlUUIn7o0MjgQzJwGDXjTlWJ4ynqm+m10jS562p9yPIRVWE6yn/kFtatF0H86U2rux4ZtfYo1MCTPB8uOVGoWIo76QaQf5RjwNA/OIzFXlfr0BIw/D0XteEeXTIoDv3t+FY/+YKO4FRZwbGccTOJzGAwqe21YXUaX6MfSoM5J44Z19QnN9afXPH rsa@fake";
/// `ssh-keygen -e -m PKCS8` of `RSA_2048`, with phpseclib's CRLF line ends.
const RSA_2048_PEM: &str = "-----BEGIN PUBLIC KEY-----\r\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA89X2lgMtWyx6xwQ33po5\r\n\
79XeZicMxBjSqZGJQ/Cdvb41lnvjhA6j//6Ham2p3MlExPQczXrqVI4AfFghIS8f\r\n\
yhRh8rXQeqjit2uuXvHZrZYOqI9dJOY8ldZKLM038LDHNhyF+NEGm66t/a/re4I6\r\n\
QQmeGr2kk0oZVFCJ+6NDI4EMycBg1405VieMp6pvptdI0uetqfcjyEVVhOsp/5Bb\r\n\
WrRdB/OlNq7seGbX2KNTAkzwfLjlRqFiKO+kGkH+UY8DQPziMxV5X69ASMPw9F7X\r\n\
hHl0yKA797fhWP/mCjuBUWcGxnHEzicxgMKnttWF1Gl+jH0qDOSeOGdfUJzfWn1z\r\n\
xwIDAQAB\r\n\
-----END PUBLIC KEY-----";
const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCt6VYHQdjZekYiflDQy2XW7AsGyNHYX7qUX7LIDbET9PPaaBytd0YR9pgpUTzL8lE/oF1+Ao0Mg/MSu3D/aqNM= root@vm";
const DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAJGhhQpQx1CRvYhTKjRm9RuSzKPIw08XdwmqyIBVgpDLU5NnQyOKKXXjHT96cGsrRdiDnB1jjLGeQFRoEDDokL3KGI+o6L9DOijakS1YlXSoBqggIyKg3p5zHLNnEzYa3OYylZOpfWt40EAeUfBCSRry9BVv0XXkpXLfWmLC/CAVAAAAFQCOU6UOvNSU9TIwMpCO2OlzM/Xk2wAAAIEAh0tqKOiVB4MckPvHHKjflD4uiYrocisilmIMd6A+2cHRXuPvomblvuo5b9nCznAI3r4A+KgtdzSbF6YyTUD8SErvNfMuiQ/871Ba1qQBFyvrOiTZgZhFhWDgJA9EqwvgLMcK3wIWET3jSFw6D58q4nIgNvP46hbgBbOXZQdzxa0AAACAS++TTEBc5XLNlxtCh+iBOD045/jCt9yFMArJdL9d/GeeBO56Z/zOLPzwxrSOgVqDoqkT9xgyU6n6Tu7I1YO+0/OyMVEVtIep2ek5m4X/RD4GoT5rJOn4UpO8SmTysePEImcBb84oEVofZCH2/AQmxqKs8YfSW2QM77olsbbl5Zo= root@vm";

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn call(panel: &FakePanel, method: Method, key: &str, path: &str, body: Option<Value>) -> Response {
    let mut req = http()
        .request(method, format!("{}/api/client{path}", panel.base_url()))
        .bearer_auth(key)
        .header("Accept", "application/json");
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().expect("request")
}

fn get(panel: &FakePanel, key: &str, path: &str) -> Response {
    call(panel, Method::GET, key, path, None)
}

fn post(panel: &FakePanel, key: &str, path: &str, body: Value) -> Response {
    call(panel, Method::POST, key, path, Some(body))
}

fn put(panel: &FakePanel, key: &str, path: &str, body: Value) -> Response {
    call(panel, Method::PUT, key, path, Some(body))
}

fn delete(panel: &FakePanel, key: &str, path: &str) -> Response {
    call(panel, Method::DELETE, key, path, None)
}

/// 200 and the JSON body.
fn ok(res: Response) -> Value {
    let status = res.status();
    let body: Value = res.json().unwrap_or(Value::Null);
    assert_eq!(status, 200, "{body}");
    body
}

/// The first error of a failed response, after checking its status.
fn error(res: Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    let body: Value = res.json().expect("json error body");
    body["errors"][0].clone()
}

/// A 422 whose errors include `field` failing `rule` (`Value::Null` for `after` hooks).
fn assert_invalid(res: Response, field: &str, rule: Value) -> Value {
    assert_eq!(res.status(), 422);
    let body: Value = res.json().unwrap();
    let found = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["meta"]["source_field"] == field && e["meta"]["rule"] == rule)
        .cloned();
    found.unwrap_or_else(|| panic!("no {field}/{rule} error in {body}"))
}

fn events(panel: &FakePanel, key: &str, path: &str) -> Vec<String> {
    ok(get(panel, key, path))["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attributes"]["event"].as_str().unwrap().to_string())
        .collect()
}

mod account {
    use super::*;

    #[test]
    fn account_shows_the_account_transformer() {
        let panel = FakePanel::start();
        let body = ok(get(&panel, OWNER_KEY, "/account"));
        assert_eq!(
            body,
            json!({"object": "user", "attributes": {"id": 1, "admin": false, "username": "owner",
                "email": "owner@example.com", "first_name": "Oscar", "last_name": "Owner", "language": "en"}})
        );
        let manager = ok(get(&panel, MANAGER_KEY, "/account"));
        assert_eq!(manager["attributes"]["id"], 4);
        assert_eq!(manager["attributes"]["username"], "manager");
        assert_eq!(MANAGER_KEY.len(), 48);
    }

    #[test]
    fn two_factor_setup_enable_and_disable() {
        let panel = FakePanel::start();
        // No secret yet: the panel's `decrypt(null)` fails.
        let res = post(
            &panel,
            OWNER_KEY,
            "/account/two-factor",
            json!({"code": "123456", "password": OWNER_PASSWORD}),
        );
        assert_eq!(error(res, 500)["code"], "DecryptException");

        let setup = ok(get(&panel, OWNER_KEY, "/account/two-factor"));
        let secret = setup["data"]["secret"].as_str().unwrap();
        assert_eq!(secret.len(), 32);
        assert!(secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(
            setup["data"]["image_url_data"],
            format!("otpauth://totp/Pterodactyl:owner%40example.com?secret={secret}&issuer=Pterodactyl")
        );

        let res = post(
            &panel,
            OWNER_KEY,
            "/account/two-factor",
            json!({"code": 123456, "password": OWNER_PASSWORD}),
        );
        assert_eq!(assert_invalid(res, "code", json!("string"))["detail"], "The code must be a string.");
        let res = post(
            &panel,
            OWNER_KEY,
            "/account/two-factor",
            json!({"code": "12345", "password": OWNER_PASSWORD}),
        );
        assert_eq!(assert_invalid(res, "code", json!("size"))["detail"], "The code must be 6 characters.");
        let res =
            post(&panel, OWNER_KEY, "/account/two-factor", json!({"code": "123456", "password": "nope"}));
        let err = error(res, 400);
        assert_eq!(err["code"], "BadRequestHttpException");
        assert_eq!(err["detail"], "The password provided was not valid.");
        let res = post(
            &panel,
            OWNER_KEY,
            "/account/two-factor",
            json!({"code": "654321", "password": OWNER_PASSWORD}),
        );
        assert_eq!(error(res, 400)["code"], "TwoFactorAuthenticationTokenInvalid");

        let res = post(
            &panel,
            OWNER_KEY,
            "/account/two-factor",
            json!({"code": TWO_FACTOR_CODE, "password": OWNER_PASSWORD}),
        );
        let body = ok(res);
        assert_eq!(body["object"], "recovery_tokens");
        let tokens = body["attributes"]["tokens"].as_array().unwrap();
        assert_eq!(tokens.len(), 10);
        assert!(tokens.iter().all(|t| t.as_str().unwrap().len() == 10));

        let err = error(get(&panel, OWNER_KEY, "/account/two-factor"), 400);
        assert_eq!(err["detail"], "Two-factor authentication is already enabled on this account.");

        let res = post(&panel, OWNER_KEY, "/account/two-factor/disable", json!({"password": "wrong"}));
        assert_eq!(error(res, 400)["detail"], "The password provided was not valid.");
        let res = post(&panel, OWNER_KEY, "/account/two-factor/disable", json!({"password": OWNER_PASSWORD}));
        assert_eq!(res.status(), 204);
        ok(get(&panel, OWNER_KEY, "/account/two-factor"));
    }

    #[test]
    fn two_factor_shows_in_the_user_transformer() {
        let panel = FakePanel::start();
        ok(get(&panel, SUBUSER_KEY, "/account/two-factor"));
        let res = post(
            &panel,
            SUBUSER_KEY,
            "/account/two-factor",
            json!({"code": TWO_FACTOR_CODE, "password": HELPER_PASSWORD}),
        );
        ok(res);
        let helper = ok(get(&panel, OWNER_KEY, &format!("{SURVIVAL}/users/{HELPER_UUID}")));
        assert_eq!(helper["attributes"]["2fa_enabled"], true);
    }

    #[test]
    fn email_update_checks_the_password_then_the_rules() {
        let panel = FakePanel::start();
        let res =
            put(&panel, OWNER_KEY, "/account/email", json!({"email": "not-an-email", "password": "wrong"}));
        let err = error(res, 400);
        assert_eq!(err["code"], "InvalidPasswordProvidedException");
        assert_eq!(err["detail"], "The password provided was invalid for this account.");

        let res = put(
            &panel,
            OWNER_KEY,
            "/account/email",
            json!({"email": "not-an-email", "password": OWNER_PASSWORD}),
        );
        let err = assert_invalid(res, "email", json!("email"));
        assert_eq!(err["detail"], "The email must be a valid email address.");
        let res = put(
            &panel,
            OWNER_KEY,
            "/account/email",
            json!({"email": "HELPER@example.com", "password": OWNER_PASSWORD}),
        );
        assert_eq!(
            assert_invalid(res, "email", json!("unique"))["detail"],
            "The email has already been taken."
        );
        let res = put(&panel, OWNER_KEY, "/account/email", json!({"password": OWNER_PASSWORD}));
        assert_invalid(res, "email", json!("required"));

        let res = put(
            &panel,
            OWNER_KEY,
            "/account/email",
            json!({"email": "boss@example.com", "password": OWNER_PASSWORD}),
        );
        assert_eq!(res.status(), 204);
        assert_eq!(ok(get(&panel, OWNER_KEY, "/account"))["attributes"]["email"], "boss@example.com");
        let activity = ok(get(&panel, OWNER_KEY, "/account/activity"));
        let row = &activity["data"][0]["attributes"];
        assert_eq!(row["event"], "user:account.email-changed");
        assert_eq!(row["properties"], json!({"old": "owner@example.com", "new": "boss@example.com"}));
        assert_eq!(row["has_additional_metadata"], false);
    }

    #[test]
    fn password_update_needs_the_current_password_and_a_confirmation() {
        let panel = FakePanel::start();
        let change = |current: &str, password: &str, confirmation: &str| {
            put(
                &panel,
                MANAGER_KEY,
                "/account/password",
                json!({"current_password": current, "password": password, "password_confirmation": confirmation}),
            )
        };
        assert_eq!(
            error(change("wrong", "new-password", "new-password"), 400)["code"],
            "InvalidPasswordProvidedException"
        );
        let err =
            assert_invalid(change(MANAGER_PASSWORD, "new-password", "other"), "password", json!("confirmed"));
        assert_eq!(err["detail"], "The password confirmation does not match.");
        assert_invalid(change(MANAGER_PASSWORD, "short", "short"), "password", json!("min"));
        assert_eq!(change(MANAGER_PASSWORD, "new-password", "new-password").status(), 204);
        // The old password no longer works; the new one does.
        assert_eq!(change(MANAGER_PASSWORD, "another-one", "another-one").status(), 400);
        assert_eq!(change("new-password", "another-one", "another-one").status(), 204);
    }

    #[test]
    fn api_keys_can_be_created_used_and_deleted() {
        let panel = FakePanel::start();
        let list = ok(get(&panel, OWNER_KEY, "/account/api-keys"));
        assert_eq!(list["data"].as_array().unwrap().len(), 1);
        assert_eq!(
            list["data"][0],
            json!({"object": "api_key", "attributes": {"identifier": "ptlc_ownerkey001", "description": "Owner key",
                "allowed_ips": [], "last_used_at": null, "created_at": "2024-01-15T09:30:00+00:00"}})
        );

        let res = post(&panel, OWNER_KEY, "/account/api-keys", json!({"allowed_ips": []}));
        assert_invalid(res, "description", json!("required"));
        let res = post(
            &panel,
            OWNER_KEY,
            "/account/api-keys",
            json!({"description": "CI", "allowed_ips": ["127.0.0.1", "nope", 5]}),
        );
        let err = assert_invalid(res, "allowed_ips.1", Value::Null);
        assert_eq!(err["detail"], "\"nope\" is not a valid IP address or CIDR range.");

        let res = post(
            &panel,
            OWNER_KEY,
            "/account/api-keys",
            json!({"description": "CI", "allowed_ips": ["127.0.0.1", "10.0.0.0/8"]}),
        );
        let created = ok(res);
        assert_eq!(created["object"], "api_key");
        let identifier = created["attributes"]["identifier"].as_str().unwrap().to_string();
        let secret = created["meta"]["secret_token"].as_str().unwrap();
        assert_eq!(identifier.len(), 16);
        assert!(identifier.starts_with("ptlc_"));
        assert_eq!(secret.len(), 32);
        assert_eq!(created["attributes"]["allowed_ips"], json!(["127.0.0.1", "10.0.0.0/8"]));
        assert_eq!(created["attributes"]["description"], "CI");

        let key = format!("{identifier}{secret}");
        assert_eq!(ok(get(&panel, &key, "/account"))["attributes"]["username"], "owner");
        assert_eq!(ok(get(&panel, &key, "/account/api-keys"))["data"].as_array().unwrap().len(), 2);

        assert_eq!(
            error(delete(&panel, OWNER_KEY, "/account/api-keys/ptlc_nosuchkey000"), 404)["code"],
            "NotFoundHttpException"
        );
        // Another user's key is not found either.
        assert_eq!(delete(&panel, MANAGER_KEY, &format!("/account/api-keys/{identifier}")).status(), 404);
        assert_eq!(delete(&panel, OWNER_KEY, &format!("/account/api-keys/{identifier}")).status(), 204);
        assert_eq!(get(&panel, &key, "/account").status(), 401);

        let events = events(&panel, OWNER_KEY, "/account/activity?sort=timestamp");
        assert_eq!(events, ["user:api-key.create", "user:api-key.delete"]);
    }

    #[test]
    fn api_keys_stop_at_twenty_five() {
        let panel = FakePanel::start();
        for i in 1..25 {
            ok(post(&panel, OWNER_KEY, "/account/api-keys", json!({"description": format!("key {i}")})));
        }
        let err =
            error(post(&panel, OWNER_KEY, "/account/api-keys", json!({"description": "one too many"})), 400);
        assert_eq!(err["code"], "DisplayException");
        assert_eq!(err["detail"], "You have reached the account limit for number of API keys.");
    }

    #[test]
    fn ssh_keys_are_parsed_fingerprinted_and_reencoded() {
        let panel = FakePanel::start();
        let add = |name: &str, key: &str| {
            post(&panel, OWNER_KEY, "/account/ssh-keys", json!({"name": name, "public_key": key}))
        };

        let ed = ok(add("laptop", ED25519));
        assert_eq!(ed["object"], "ssh_key");
        // `ssh-keygen -lf` prints SHA256:rnTO5bUVPzpWeruU6xgv6Uk2HJPDmDo3zlNUjFGthmw.
        assert_eq!(ed["attributes"]["fingerprint"], "rnTO5bUVPzpWeruU6xgv6Uk2HJPDmDo3zlNUjFGthmw");
        assert!(ed["attributes"]["public_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\r\nMCowBQYDK2VwAyEA"));
        let rsa = ok(add("desktop", RSA_2048));
        assert_eq!(rsa["attributes"]["fingerprint"], "JIU4thmpQqV12KPhWQQSgMjUlpBROQr4wGT48dLYmr8");
        assert_eq!(rsa["attributes"]["public_key"], RSA_2048_PEM);
        let ec = ok(add("yubikey", ECDSA));
        assert_eq!(ec["attributes"]["fingerprint"], "HVQPU/KEMxYrqN8mSHsaT0mrZN4O6sgLcX7xKKrcSo0");
        assert!(ec["attributes"]["public_key"]
            .as_str()
            .unwrap()
            .contains("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEK3pVgdB2Nl6RiJ+UNDLZdbsCwbI0\r\n"));

        let err = assert_invalid(add("again", ED25519), "public_key", Value::Null);
        assert_eq!(err["detail"], "The public key provided already exists on your account.");
        let err = assert_invalid(add("small", RSA_1024), "public_key", Value::Null);
        assert_eq!(err["detail"], "RSA keys must be at least 2048 bytes in length.");
        let err = assert_invalid(add("old", DSA), "public_key", Value::Null);
        assert_eq!(err["detail"], "DSA keys are not supported.");
        let err = assert_invalid(add("junk", "ssh-rsa not-base64!"), "public_key", Value::Null);
        assert_eq!(err["detail"], "The public key provided is not valid.");
        assert_invalid(
            post(&panel, OWNER_KEY, "/account/ssh-keys", json!({"public_key": RSA_2048})),
            "name",
            json!("required"),
        );

        let list = ok(get(&panel, OWNER_KEY, "/account/ssh-keys"));
        assert_eq!(list["data"].as_array().unwrap().len(), 3);
        assert!(ok(get(&panel, MANAGER_KEY, "/account/ssh-keys"))["data"].as_array().unwrap().is_empty());

        let remove = |fingerprint: &str| {
            post(&panel, OWNER_KEY, "/account/ssh-keys/remove", json!({"fingerprint": fingerprint}))
        };
        assert_eq!(remove("rnTO5bUVPzpWeruU6xgv6Uk2HJPDmDo3zlNUjFGthmw").status(), 204);
        assert_eq!(remove("no-such-fingerprint").status(), 204);
        assert_invalid(
            post(&panel, OWNER_KEY, "/account/ssh-keys/remove", json!({})),
            "fingerprint",
            json!("required"),
        );
        assert_eq!(ok(get(&panel, OWNER_KEY, "/account/ssh-keys"))["data"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn account_activity_filters_sorts_and_paginates() {
        let panel = FakePanel::start();
        assert!(ok(get(&panel, OWNER_KEY, "/account/activity"))["data"].as_array().unwrap().is_empty());
        ok(post(&panel, OWNER_KEY, "/account/api-keys", json!({"description": "one"})));
        ok(post(&panel, OWNER_KEY, "/account/ssh-keys", json!({"name": "k", "public_key": ED25519})));
        ok(post(&panel, OWNER_KEY, "/account/api-keys", json!({"description": "two"})));

        let body =
            ok(get(&panel, OWNER_KEY, "/account/activity?filter[event]=api-key&include=actor&per_page=1"));
        assert_eq!(body["meta"]["pagination"]["total"], 2);
        assert_eq!(body["meta"]["pagination"]["per_page"], 1);
        let row = &body["data"][0]["attributes"];
        assert_eq!(row["is_api"], true);
        assert_eq!(row["ip"], "127.0.0.1");
        assert_eq!(row["relationships"]["actor"]["attributes"]["username"], "owner");
        assert!(row["properties"]["identifier"].as_str().unwrap().starts_with("ptlc_"));
        assert_eq!(row["has_additional_metadata"], false);
        assert!(body["meta"]["pagination"]["links"]["next"].as_str().unwrap().contains("page=2"));

        // Server activity stays on the server; account activity is per user.
        assert!(!events(&panel, OWNER_KEY, "/servers/d3aac109/activity")
            .iter()
            .any(|e| e.starts_with("user:")));
        assert!(ok(get(&panel, MANAGER_KEY, "/account/activity"))["data"].as_array().unwrap().is_empty());

        let err = error(get(&panel, OWNER_KEY, "/account/activity?filter[ip]=127.0.0.1"), 400);
        assert_eq!(err["code"], "InvalidFilterQuery");
        let err = error(get(&panel, OWNER_KEY, "/account/activity?sort=event"), 400);
        assert_eq!(err["code"], "InvalidSortQuery");
    }
}

mod databases {
    use super::*;

    const DATABASES: &str = "/servers/d3aac109/databases";

    #[test]
    fn list_shows_the_password_only_when_included_and_allowed() {
        let panel = FakePanel::start();
        let list = ok(get(&panel, OWNER_KEY, DATABASES));
        assert_eq!(
            list,
            json!({"object": "list", "data": [{"object": "server_database", "attributes": {
                "id": SURVIVAL_DATABASE, "host": {"address": "db1.example.com", "port": 3306},
                "name": "s1_survival", "username": "u1_Jd8sK2nQ4x", "connections_from": "%",
                "max_connections": 0}}]})
        );
        let with = ok(get(&panel, OWNER_KEY, &format!("{DATABASES}?include=password")));
        assert_eq!(
            with["data"][0]["attributes"]["relationships"]["password"],
            json!({"object": "database_password", "attributes": {"password": "Hq7=Lm2pXv9.Rt4+Wz6^Kb1!"}})
        );
        // The manager may read databases but not their passwords; the helper may not read them.
        let manager = ok(get(&panel, MANAGER_KEY, &format!("{DATABASES}?include=password")));
        assert_eq!(
            manager["data"][0]["attributes"]["relationships"]["password"],
            json!({"object": "null_resource", "attributes": null})
        );
        assert_eq!(error(get(&panel, SUBUSER_KEY, DATABASES), 403)["code"], "AccessDeniedHttpException");
        assert!(ok(get(&panel, OWNER_KEY, "/servers/1a7ce997/databases"))["data"]
            .as_array()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn create_validates_then_enforces_the_limit() {
        let panel = FakePanel::start();
        let create = |body: Value| post(&panel, OWNER_KEY, DATABASES, body);
        assert_invalid(create(json!({"database": "ab", "remote": "%"})), "database", json!("min"));
        let err = assert_invalid(
            create(json!({"database": "bad name!", "remote": "%"})),
            "database",
            json!("alpha_dash"),
        );
        assert_eq!(err["detail"], "The database may only contain letters, numbers, and dashes.");
        let err = assert_invalid(
            create(json!({"database": "survival", "remote": "%"})),
            "database",
            json!("unique"),
        );
        assert_eq!(err["detail"], "The database name you have selected is already in use by this server.");
        assert_invalid(
            create(json!({"database": "stats", "remote": "bad remote!"})),
            "remote",
            json!("regex"),
        );
        assert_invalid(create(json!({"database": "stats"})), "remote", json!("required"));
        assert_eq!(
            error(post(&panel, MANAGER_KEY, DATABASES, json!({"database": "stats", "remote": "%"})), 403)
                ["code"],
            "AccessDeniedHttpException"
        );

        let created = ok(create(json!({"database": "stats", "remote": "10.0.0.%"})));
        let a = &created["attributes"];
        assert_eq!(created["object"], "server_database");
        assert_eq!(a["name"], "s1_stats");
        assert_eq!(a["connections_from"], "10.0.0.%");
        assert_eq!(a["max_connections"], Value::Null);
        let username = a["username"].as_str().unwrap();
        assert!(username.starts_with("u1_") && username.len() == 13, "{username}");
        let password = a["relationships"]["password"]["attributes"]["password"].as_str().unwrap();
        assert_eq!(password.len(), 24);
        let id = a["id"].as_str().unwrap();
        assert_eq!(id.len(), 8);
        assert_ne!(id, SURVIVAL_DATABASE);

        let list = ok(get(&panel, OWNER_KEY, DATABASES));
        assert_eq!(list["data"].as_array().unwrap().len(), 2);
        assert_eq!(list["data"][1]["attributes"]["max_connections"], 0);

        let err = error(create(json!({"database": "more", "remote": "%"})), 400);
        assert_eq!(err["code"], "TooManyDatabasesException");
        let res = post(
            &panel,
            OWNER_KEY,
            "/servers/5b2e8f10/databases",
            json!({"database": "none", "remote": "%"}),
        );
        assert_eq!(error(res, 400)["code"], "TooManyDatabasesException");
        assert!(events(&panel, OWNER_KEY, "/servers/d3aac109/activity")
            .contains(&"server:database.create".to_string()));
    }

    #[test]
    fn rotate_and_delete_bind_the_hashid() {
        let panel = FakePanel::start();
        let rotated = ok(post(
            &panel,
            OWNER_KEY,
            &format!("{DATABASES}/{SURVIVAL_DATABASE}/rotate-password"),
            json!({}),
        ));
        let password =
            rotated["attributes"]["relationships"]["password"]["attributes"]["password"].as_str().unwrap();
        assert_eq!(password.len(), 24);
        assert_ne!(password, "Hq7=Lm2pXv9.Rt4+Wz6^Kb1!");
        // A numeric id binds too.
        ok(post(&panel, OWNER_KEY, &format!("{DATABASES}/1/rotate-password"), json!({})));

        let err =
            error(post(&panel, OWNER_KEY, &format!("{DATABASES}/zzzzzzzz/rotate-password"), json!({})), 404);
        assert_eq!(err["detail"], "The requested resource could not be found on the server.");
        let err = error(
            delete(&panel, OWNER_KEY, &format!("/servers/1a7ce997/databases/{SURVIVAL_DATABASE}")),
            404,
        );
        assert_eq!(err["detail"], "The requested resource was not found for this server.");
        assert_eq!(delete(&panel, MANAGER_KEY, &format!("{DATABASES}/{SURVIVAL_DATABASE}")).status(), 403);

        assert_eq!(delete(&panel, OWNER_KEY, &format!("{DATABASES}/{SURVIVAL_DATABASE}")).status(), 204);
        assert!(ok(get(&panel, OWNER_KEY, DATABASES))["data"].as_array().unwrap().is_empty());
        panel.reset();
        assert_eq!(ok(get(&panel, OWNER_KEY, DATABASES))["data"].as_array().unwrap().len(), 1);
    }
}

mod subusers {
    use super::*;

    const USERS: &str = "/servers/d3aac109/users";

    fn uuids(body: &Value) -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["attributes"]["uuid"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn list_and_view() {
        let panel = FakePanel::start();
        let list = ok(get(&panel, OWNER_KEY, USERS));
        assert_eq!(uuids(&list), [HELPER_UUID, MANAGER_UUID]);
        assert_eq!(
            list["data"][0],
            json!({"object": "server_subuser", "attributes": {"uuid": HELPER_UUID, "username": "helper",
                "email": "helper@example.com", "image": "https://gravatar.com/avatar/be987748d8d0a0e88f8700a44f026ab9",
                "2fa_enabled": false, "created_at": "2024-02-01T12:00:00+00:00",
                "permissions": ["websocket.connect", "control.console", "control.start", "allocation.read", "activity.read"]}})
        );
        assert_eq!(
            list["data"][1]["attributes"]["image"],
            "https://gravatar.com/avatar/b1414166d24179bc68e843e0d41393a8"
        );
        assert_eq!(ok(get(&panel, MANAGER_KEY, USERS))["data"].as_array().unwrap().len(), 2);
        assert_eq!(get(&panel, SUBUSER_KEY, USERS).status(), 403);

        let helper = ok(get(&panel, MANAGER_KEY, &format!("{USERS}/{HELPER_UUID}")));
        assert_eq!(helper["attributes"]["username"], "helper");
        // Nobody may act on their own entry.
        assert_eq!(
            error(get(&panel, MANAGER_KEY, &format!("{USERS}/{MANAGER_UUID}")), 403)["detail"],
            "This action is unauthorized."
        );
        // The owner is not a subuser; unknown uuids are not found.
        assert_eq!(
            get(&panel, OWNER_KEY, &format!("{USERS}/5f8e6c1a-0b2d-4c3e-9f4a-1b2c3d4e5f60")).status(),
            404
        );
        assert_eq!(get(&panel, OWNER_KEY, "/servers/1a7ce997/users").status(), 200);
    }

    #[test]
    fn create_cleans_permissions_and_creates_accounts() {
        let panel = FakePanel::start();
        let res = post(
            &panel,
            OWNER_KEY,
            USERS,
            json!({"email": "newbie@example.com", "permissions": ["control.start", "bogus.perm", "control.start"]}),
        );
        let created = ok(res);
        let a = &created["attributes"];
        assert_eq!(created["object"], "server_subuser");
        assert_eq!(a["permissions"], json!(["control.start", "websocket.connect"]));
        assert_eq!(a["email"], "newbie@example.com");
        let username = a["username"].as_str().unwrap();
        assert!(username.starts_with("newbie") && username.len() == 9, "{username}");
        assert_eq!(a["2fa_enabled"], false);
        assert_eq!(a["uuid"].as_str().unwrap().len(), 36);

        let err = error(
            post(
                &panel,
                OWNER_KEY,
                USERS,
                json!({"email": "NEWBIE@example.com", "permissions": ["user.read"]}),
            ),
            400,
        );
        assert_eq!(err["code"], "ServerSubuserExistsException");
        assert_eq!(
            err["detail"],
            "A user with that email address is already assigned as a subuser for this server."
        );
        let err = error(
            post(
                &panel,
                OWNER_KEY,
                USERS,
                json!({"email": "owner@example.com", "permissions": ["user.read"]}),
            ),
            400,
        );
        assert_eq!(err["code"], "UserIsServerOwnerException");

        assert_invalid(
            post(&panel, OWNER_KEY, USERS, json!({"email": "nope", "permissions": []})),
            "email",
            json!("email"),
        );
        assert_invalid(
            post(&panel, OWNER_KEY, USERS, json!({"email": "x@example.com"})),
            "permissions",
            json!("required"),
        );
        assert_invalid(
            post(&panel, OWNER_KEY, USERS, json!({"email": "x@example.com", "permissions": "all"})),
            "permissions",
            json!("array"),
        );

        // An existing account is reused.
        let stranger = ok(post(
            &panel,
            MANAGER_KEY,
            USERS,
            json!({"email": "stranger@example.com", "permissions": ["user.read"]}),
        ));
        assert_eq!(stranger["attributes"]["username"], "stranger");
        assert_eq!(stranger["attributes"]["permissions"], json!(["user.read", "websocket.connect"]));

        let events = events(&panel, OWNER_KEY, "/servers/d3aac109/activity?filter[event]=subuser");
        assert_eq!(events, ["server:subuser.create", "server:subuser.create"]);
    }

    #[test]
    fn a_subuser_cannot_grant_what_it_does_not_hold() {
        let panel = FakePanel::start();
        let err = error(
            post(
                &panel,
                MANAGER_KEY,
                USERS,
                json!({"email": "a@example.com", "permissions": ["control.start"]}),
            ),
            403,
        );
        assert_eq!(err["code"], "HttpForbiddenException");
        assert_eq!(
            err["detail"],
            "Cannot assign permissions to a subuser that your account does not actively possess."
        );
        // Unknown keys are not held either.
        assert_eq!(
            post(&panel, MANAGER_KEY, USERS, json!({"email": "a@example.com", "permissions": ["bogus"]}))
                .status(),
            403
        );
        let res = post(
            &panel,
            MANAGER_KEY,
            &format!("{USERS}/{HELPER_UUID}"),
            json!({"permissions": ["settings.rename"]}),
        );
        assert_eq!(error(res, 403)["code"], "HttpForbiddenException");
        // The helper cannot manage subusers at all.
        assert_eq!(
            error(
                post(&panel, SUBUSER_KEY, USERS, json!({"email": "a@example.com", "permissions": []})),
                403
            )["code"],
            "AccessDeniedHttpException"
        );
    }

    #[test]
    fn update_and_delete() {
        let panel = FakePanel::start();
        let updated = ok(post(
            &panel,
            MANAGER_KEY,
            &format!("{USERS}/{HELPER_UUID}"),
            json!({"permissions": ["control.console", "file.read"]}),
        ));
        assert_eq!(
            updated["attributes"]["permissions"],
            json!(["control.console", "file.read", "websocket.connect"])
        );
        let server = ok(get(&panel, SUBUSER_KEY, SURVIVAL));
        assert_eq!(
            server["meta"]["user_permissions"],
            json!(["control.console", "file.read", "websocket.connect"])
        );
        assert_eq!(
            post(&panel, MANAGER_KEY, &format!("{USERS}/{MANAGER_UUID}"), json!({"permissions": []}))
                .status(),
            403
        );
        assert_invalid(
            post(&panel, OWNER_KEY, &format!("{USERS}/{HELPER_UUID}"), json!({})),
            "permissions",
            json!("required"),
        );

        assert_eq!(delete(&panel, MANAGER_KEY, &format!("{USERS}/{MANAGER_UUID}")).status(), 403);
        assert_eq!(delete(&panel, MANAGER_KEY, &format!("{USERS}/{HELPER_UUID}")).status(), 204);
        assert_eq!(get(&panel, OWNER_KEY, &format!("{USERS}/{HELPER_UUID}")).status(), 404);
        // The removed subuser loses access to the server.
        assert_eq!(get(&panel, SUBUSER_KEY, SURVIVAL).status(), 404);
        let events =
            events(&panel, OWNER_KEY, "/servers/d3aac109/activity?filter[event]=subuser&sort=timestamp");
        assert_eq!(events, ["server:subuser.update", "server:subuser.delete"]);
    }
}

mod backups {
    use super::*;

    const BACKUPS: &str = "/servers/d3aac109/backups";

    #[test]
    fn list_counts_non_failed_backups() {
        let panel = FakePanel::start();
        let list = ok(get(&panel, OWNER_KEY, BACKUPS));
        assert_eq!(list["meta"]["backup_count"], 1);
        assert_eq!(list["meta"]["pagination"]["total"], 2);
        assert_eq!(list["meta"]["pagination"]["per_page"], 20);
        assert_eq!(
            list["data"][0],
            json!({"object": "backup", "attributes": {"uuid": WEEKLY_BACKUP, "is_successful": true, "is_locked": true,
                "name": "Weekly backup", "ignored_files": [], "checksum": "sha1:9a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b",
                "bytes": 52428800, "created_at": "2024-10-20T03:00:00+00:00", "completed_at": "2024-10-20T03:01:12+00:00"}})
        );
        assert_eq!(list["data"][1]["attributes"]["uuid"], FAILED_BACKUP);
        assert_eq!(list["data"][1]["attributes"]["is_successful"], false);

        let page = ok(get(&panel, OWNER_KEY, &format!("{BACKUPS}?per_page=1&page=1")));
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        let next = page["meta"]["pagination"]["links"]["next"].as_str().unwrap();
        assert_eq!(next, format!("{}/api/client{BACKUPS}?page=2", panel.base_url()));
        assert_eq!(
            ok(get(&panel, OWNER_KEY, &format!("{BACKUPS}?per_page=500")))["meta"]["pagination"]["per_page"],
            50
        );

        assert_eq!(get(&panel, SUBUSER_KEY, BACKUPS).status(), 403);
        ok(get(&panel, MANAGER_KEY, BACKUPS));
        assert_eq!(ok(get(&panel, OWNER_KEY, "/servers/7c4d2e11/backups"))["meta"]["backup_count"], 1);
    }

    #[test]
    fn view_download_lock_and_delete() {
        let panel = FakePanel::start();
        let weekly = format!("{BACKUPS}/{WEEKLY_BACKUP}");
        assert_eq!(ok(get(&panel, MANAGER_KEY, &weekly))["attributes"]["name"], "Weekly backup");
        assert_eq!(
            get(&panel, OWNER_KEY, &format!("/servers/7c4d2e11/backups/{WEEKLY_BACKUP}")).status(),
            404
        );

        let signed = ok(get(&panel, OWNER_KEY, &format!("{weekly}/download")));
        assert_eq!(signed["object"], "signed_url");
        let url = signed["attributes"]["url"].as_str().unwrap();
        assert!(url.starts_with(&format!("{}/download/backup?token=", panel.base_url())), "{url}");
        assert_eq!(get(&panel, MANAGER_KEY, &format!("{weekly}/download")).status(), 403);

        let err = error(delete(&panel, OWNER_KEY, &weekly), 400);
        assert_eq!(err["code"], "BackupLockedException");
        assert_eq!(err["detail"], "Cannot delete a backup that is marked as locked.");
        assert_eq!(post(&panel, MANAGER_KEY, &format!("{weekly}/lock"), json!({})).status(), 403);
        let unlocked = ok(post(&panel, OWNER_KEY, &format!("{weekly}/lock"), json!({})));
        assert_eq!(unlocked["attributes"]["is_locked"], false);
        assert_eq!(delete(&panel, OWNER_KEY, &weekly).status(), 204);
        assert_eq!(get(&panel, OWNER_KEY, &weekly).status(), 404);
        // A failed backup can always be deleted.
        assert_eq!(delete(&panel, OWNER_KEY, &format!("{BACKUPS}/{FAILED_BACKUP}")).status(), 204);
        assert_eq!(ok(get(&panel, OWNER_KEY, BACKUPS))["meta"]["backup_count"], 0);

        let events =
            events(&panel, OWNER_KEY, "/servers/d3aac109/activity?filter[event]=backup&sort=timestamp");
        assert_eq!(
            events,
            [
                "server:backup.download",
                "server:backup.unlock",
                "server:backup.delete",
                "server:backup.delete"
            ]
        );
    }

    #[test]
    fn restore_needs_a_completed_backup() {
        let panel = FakePanel::start();
        let restore = format!("{BACKUPS}/{WEEKLY_BACKUP}/restore");
        assert_invalid(post(&panel, OWNER_KEY, &restore, json!({})), "truncate", json!("required"));
        let err = assert_invalid(
            post(&panel, OWNER_KEY, &restore, json!({"truncate": "yes"})),
            "truncate",
            json!("boolean"),
        );
        assert_eq!(err["detail"], "The truncate field must be true or false.");
        assert_eq!(post(&panel, MANAGER_KEY, &restore, json!({"truncate": false})).status(), 403);
        assert_eq!(post(&panel, OWNER_KEY, &restore, json!({"truncate": true})).status(), 204);
        // The server is usable again at once.
        ok(get(&panel, OWNER_KEY, &format!("{SURVIVAL}/resources")));

        let res = post(
            &panel,
            OWNER_KEY,
            &format!("/servers/7c4d2e11/backups/{NIGHTLY_BACKUP}/restore"),
            json!({"truncate": false}),
        );
        let err = error(res, 400);
        assert_eq!(err["detail"], "This backup cannot be restored at this time: not completed or failed.");
    }

    #[test]
    fn create_answers_started_then_completes() {
        let panel = FakePanel::start();
        assert_invalid(
            post(&panel, OWNER_KEY, BACKUPS, json!({"name": "x".repeat(192)})),
            "name",
            json!("max"),
        );
        assert_invalid(
            post(&panel, OWNER_KEY, BACKUPS, json!({"is_locked": "true"})),
            "is_locked",
            json!("boolean"),
        );
        assert_eq!(post(&panel, SUBUSER_KEY, BACKUPS, json!({})).status(), 403);

        // The manager may create but not lock (no backup.delete).
        let created = ok(post(
            &panel,
            MANAGER_KEY,
            BACKUPS,
            json!({"is_locked": true, "ignored": "*.log\nworld/cache\n"}),
        ));
        let a = &created["attributes"];
        assert_eq!(a["is_successful"], false);
        assert_eq!(a["is_locked"], false);
        assert_eq!(a["completed_at"], Value::Null);
        assert_eq!(a["checksum"], Value::Null);
        assert_eq!(a["ignored_files"], json!(["*.log", "world/cache"]));
        let name = a["name"].as_str().unwrap();
        assert!(
            name.starts_with("Backup at 20") && name.len() == "Backup at 2024-10-24 12:04:30".len(),
            "{name}"
        );

        let uuid = a["uuid"].as_str().unwrap();
        let done = ok(get(&panel, OWNER_KEY, &format!("{BACKUPS}/{uuid}")));
        assert_eq!(done["attributes"]["is_successful"], true);
        assert!(done["attributes"]["checksum"].as_str().unwrap().starts_with("sha1:"));
        assert!(done["attributes"]["bytes"].as_u64().unwrap() > 0);
        assert!(done["attributes"]["completed_at"].is_string());

        // Weekly + this one: the limit of 2 is reached.
        let err = error(post(&panel, OWNER_KEY, BACKUPS, json!({"name": "Another"})), 400);
        assert_eq!(err["code"], "TooManyBackupsException");
        assert_eq!(
            err["detail"],
            "Cannot create a new backup, this server has reached its limit of 2 backups."
        );
        let err = error(post(&panel, OWNER_KEY, "/servers/5b2e8f10/backups", json!({})), 400);
        assert_eq!(
            err["detail"],
            "Cannot create a new backup, this server has reached its limit of 0 backups."
        );

        let activity = ok(get(&panel, OWNER_KEY, "/servers/d3aac109/activity?filter[event]=backup.start"));
        let row = &activity["data"][0]["attributes"];
        assert_eq!(row["properties"]["locked"], true);
        assert_eq!(row["has_additional_metadata"], true);
    }

    #[test]
    fn create_is_throttled_to_two_per_ten_minutes() {
        let panel = FakePanel::start();
        let skyblock = "/servers/7c4d2e11/backups";
        let locked = ok(post(&panel, OWNER_KEY, skyblock, json!({"name": "  First  ", "is_locked": true})));
        assert_eq!(locked["attributes"]["name"], "First");
        assert_eq!(locked["attributes"]["is_locked"], true);
        let second = ok(post(&panel, OWNER_KEY, skyblock, json!({"is_locked": false})));
        // Deleting does not help: the throttle counts deleted backups too.
        let uuid = second["attributes"]["uuid"].as_str().unwrap();
        assert_eq!(delete(&panel, OWNER_KEY, &format!("{skyblock}/{uuid}")).status(), 204);

        let res = post(&panel, OWNER_KEY, skyblock, json!({}));
        assert_eq!(res.status(), 429);
        let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((590..=600).contains(&retry), "{retry}");
        assert!(res.headers().contains_key("x-ratelimit-remaining"));
        let err = res.json::<Value>().unwrap()["errors"][0].clone();
        assert_eq!(err["code"], "TooManyRequestsHttpException");
        assert_eq!(err["detail"], "Only 2 backups may be generated within a 600 second span of time.");

        panel.reset();
        ok(post(&panel, OWNER_KEY, skyblock, json!({})));
    }
}
