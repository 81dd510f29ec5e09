//! account.get, account.two_factor.*, account.email.update, account.password.update,
//! account.activity.list, account.api_keys.*, account.ssh_keys.*.

mod common;
use common::*;
use pterodactyl_client::ListActivity;

const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJqkvbXEjpAFLcfxtq3HkpQ2EexOMy2v04H8+2MPBW73 laptop";
/// `ssh-keygen -lf` of [`ED25519`] without `SHA256:` (and without a trailing `=`).
const ED25519_FINGERPRINT: &str = "VyY9sRQOdc85oNs6K7/oVNuw8wlIFwzC/BEiR6R/FGo";
const RSA_1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDO50nQCgZnG8yneFnYr1AzIwiAP5ccZ6ghe/GsnVh9sjxThsTLoGbHeElMR2nz3zXN1EbcMYzmBJwAP+Mw0lVLCgqIhgrM4SNcVDrORTo9K2PXRtZIXl1ldDX9qZMBMeC+NszimYKy56CWgt8sb7oSCIVlytt6E+XbXS4FK/Uf2Q== small";
const DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAP9z6vYRFAiGsnstv1fkIJgpifHTrPq15g/NeoXZfjPIMiXDJDOtBiQXl1bpiVyP97sONwciwfOLx+2PEyPqtiCP0kawN3ZvXrY99PPJgyY1Si8+/rMoS7yLSSnVW53DQbHu/QQaJr4CCL1TYufIuV9KWdJSkebhVjmh0dtuEdgrAAAAFQCQuWRuZKyT18MbBR2lWU4X/bUloQAAAIEAkuLVLasqk+9Knpzy/e3c/fm6ChYFM2ayk1dpo6LClmC+oydCcz1j6p+lnVn/mf2jylnqvs1wrS4XIJImcOf0t5c9S8Gt8vDeJ0t2cALURX9EC1tPdkW2IHrttaMHjMgsAbUe7hPaQUzgpZKP5mNdy85/Xo5utMu7IJ9OXvSXrloAAACBAMmAZxWAOefjaMD8pvb3vhY1DrcaQbnGobnBTXLsYENtJ63W44tU2Q/YoUmLicoeBIiQXQCvnNOQbNnwAaVhv2KfUEtBiuco6O3BtQVmaFBbYdRqfhS3Ats7Xkwh4ssj3uHkXLmm+MvwBQwu7vR+jSzmHVEiBd+g/rU0hzeQaTqG root@vm";

#[test]
fn account_get_describes_the_keys_user() {
    let panel = FakePanel::start();
    let me = owner(&panel).account().get().unwrap();
    assert_eq!((me.id, me.username.as_str(), me.email.as_str()), (1, "owner", "owner@example.com"));
    assert!(!me.admin);
    assert!(!me.first_name.is_empty() && !me.last_name.is_empty() && !me.language.is_empty());
    assert_eq!(subuser(&panel).account().get().unwrap().username, "helper");
}

#[test]
fn two_factor_setup_enable_and_disable() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let two_factor = client.account().two_factor();
    let setup = two_factor.get().unwrap();
    assert_eq!(setup.secret.len(), 32);
    assert!(setup.image_url_data.starts_with("otpauth://totp/"), "{}", setup.image_url_data);
    assert!(setup.image_url_data.contains(&setup.secret));

    let tokens = two_factor.enable(TWO_FACTOR_CODE, OWNER_PASSWORD).unwrap();
    assert_eq!(tokens.tokens.len(), 10);
    assert!(tokens.tokens.iter().all(|t| t.len() == 10), "{:?}", tokens.tokens);
    let body = last_body(&panel, "POST", "/account/two-factor");
    assert_eq!(body["code"], TWO_FACTOR_CODE, "the code goes as a JSON string");

    // Once on, there is no new secret to be had.
    api_error(two_factor.get(), 400);
    api_error(two_factor.disable("wrong password"), 400);
    two_factor.disable(OWNER_PASSWORD).unwrap();
    assert_eq!(last_request(&panel, "POST", "/account/two-factor/disable").method, "POST");
    two_factor.get().unwrap();
}

#[test]
fn two_factor_enable_refuses_a_wrong_code_or_password_with_400() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let two_factor = client.account().two_factor();
    two_factor.get().unwrap();
    api_error(two_factor.enable(TWO_FACTOR_CODE, "not the password"), 400);
    api_error(two_factor.enable("000000", OWNER_PASSWORD), 400);
    let errors = api_error(two_factor.enable("12345", OWNER_PASSWORD), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("code"), "{errors:?}");
    assert_eq!(errors[0].rule.as_deref(), Some("size"), "{errors:?}");
}

#[test]
fn email_update_checks_password_then_address() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let email = client.account().email();
    api_error(email.update("new@example.com", "wrong password"), 400);
    let errors = api_error(email.update("not an email", OWNER_PASSWORD), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("email"));
    assert_eq!(errors[0].rule.as_deref(), Some("email"));
    let errors = api_error(email.update("helper@example.com", OWNER_PASSWORD), 422);
    assert_eq!(errors[0].rule.as_deref(), Some("unique"), "{errors:?}");

    email.update("new@example.com", OWNER_PASSWORD).unwrap();
    assert_eq!(last_request(&panel, "PUT", "/account/email").method, "PUT");
    assert_eq!(client.account().get().unwrap().email, "new@example.com");
}

#[test]
fn password_update_sends_the_confirmation_and_checks_length() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let password = client.account().password();
    api_error(password.update("wrong password", "a-new-password"), 400);
    let errors = api_error(password.update(OWNER_PASSWORD, "short"), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("password"));
    assert_eq!(errors[0].rule.as_deref(), Some("min"));

    password.update(OWNER_PASSWORD, "a-new-password").unwrap();
    let body = last_body(&panel, "PUT", "/account/password");
    assert_eq!(body["current_password"], OWNER_PASSWORD);
    assert_eq!(body["password"], "a-new-password");
    assert_eq!(body["password_confirmation"], "a-new-password");
    // The old password no longer confirms anything; the new one does.
    api_error(client.account().email().update("x@example.com", OWNER_PASSWORD), 400);
    client.account().email().update("x@example.com", "a-new-password").unwrap();
}

#[test]
fn account_activity_lists_account_events_with_filters_on_every_page() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let keys = client.account().api_keys();
    for n in 0..3 {
        keys.create(&format!("key {n}"), &[]).unwrap();
    }
    let activity = client.account().activity();
    let page = activity.list(&ListActivity::new().event("api-key").newest_first()).unwrap();
    assert!(page.data.len() >= 3, "{:?}", page.data);
    assert!(page.data.iter().all(|e| e.event.contains("api-key")));
    assert!(page.data.windows(2).all(|w| w[0].timestamp >= w[1].timestamp));

    let all: Vec<_> = activity
        .iter(&ListActivity::new().event("api-key").per_page(1))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len() as u64, page.meta.pagination.total);
    let queries: Vec<String> = panel
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/account/activity"))
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert!(queries.iter().all(|q| q.contains("filter%5Bevent%5D=api-key")), "{queries:?}");

    // A sort the panel would refuse with 400 is refused before any request.
    let mut bad = ListActivity::new();
    bad.sort = Some("event".into());
    let sent = panel.requests().len();
    assert!(matches!(activity.list(&bad), Err(Error::InvalidInput(_))));
    assert_eq!(panel.requests().len(), sent);
}

#[test]
fn api_key_create_gives_a_whole_key_that_works_and_delete_revokes_it() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let keys = client.account().api_keys();
    let before = keys.list().unwrap();
    assert!(before.iter().any(|k| k.identifier == OWNER_KEY[..16]), "{before:?}");

    let new = keys.create("CI", &["127.0.0.1", "10.0.0.0/8"]).unwrap();
    assert_eq!(new.key.len(), 48);
    assert_eq!(new.key, format!("{}{}", new.identifier, new.meta.secret_token));
    assert!(new.identifier.starts_with("ptlc_") && new.identifier.len() == 16);
    assert_eq!(new.description.as_deref(), Some("CI"));
    assert_eq!(new.allowed_ips, ["127.0.0.1", "10.0.0.0/8"]);
    let listed = keys.list().unwrap();
    assert_eq!(listed.len(), before.len() + 1);
    assert!(listed.iter().any(|k| k.identifier == new.identifier));

    let ci = Client::new(panel.base_url(), &new.key).unwrap();
    assert_eq!(ci.account().get().unwrap().username, "owner");

    keys.delete(&new.identifier).unwrap();
    assert!(last_request(&panel, "DELETE", &format!("/account/api-keys/{}", new.identifier)).body.is_empty());
    api_error(ci.account().get(), 401);
    api_error(keys.delete(&new.identifier), 404);
}

#[test]
fn api_key_create_needs_a_description_and_valid_addresses() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let keys = client.account().api_keys();
    let errors = api_error(keys.create("", &[]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("description"), "{errors:?}");
    assert_eq!(errors[0].rule.as_deref(), Some("required"), "{errors:?}");

    let errors = api_error(keys.create("x", &["127.0.0.1", "not-an-ip"]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("allowed_ips.1"), "{errors:?}");
}

#[test]
fn api_key_limit_of_25_is_a_400() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let keys = client.account().api_keys();
    while keys.list().unwrap().len() < 25 {
        keys.create("filler", &[]).unwrap();
    }
    let errors = api_error(keys.create("one too many", &[]), 400);
    assert!(errors[0].detail.contains("limit"), "{errors:?}");
}

#[test]
fn ssh_key_create_list_and_delete_by_fingerprint() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let ssh = client.account().ssh_keys();
    assert!(ssh.list().unwrap().is_empty());
    let key = ssh.create("laptop", ED25519).unwrap();
    assert_eq!(key.name, "laptop");
    assert_eq!(key.fingerprint, ED25519_FINGERPRINT);
    assert!(key.public_key.starts_with("-----BEGIN PUBLIC KEY-----"), "{}", key.public_key);
    assert_eq!(ssh.list().unwrap(), vec![key.clone()]);

    let errors = api_error(ssh.create("again", ED25519), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("public_key"), "{errors:?}");

    ssh.delete(&key.fingerprint).unwrap();
    assert_eq!(last_body(&panel, "POST", "/account/ssh-keys/remove")["fingerprint"], ED25519_FINGERPRINT);
    assert!(ssh.list().unwrap().is_empty());
    // Removing a key that is not there is still a 204.
    ssh.delete(&key.fingerprint).unwrap();
}

#[test]
fn ssh_key_create_refuses_dsa_short_rsa_and_garbage_with_422() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let ssh = client.account().ssh_keys();
    for bad in [DSA, RSA_1024, "ssh-ed25519 bm90IGEga2V5"] {
        let errors = api_error(ssh.create("bad", bad), 422);
        assert_eq!(errors[0].source_field.as_deref(), Some("public_key"), "{bad}: {errors:?}");
    }
    let errors = api_error(ssh.create("", ED25519), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("name"), "{errors:?}");
}

#[test]
fn account_routes_answer_for_the_subuser_key_too() {
    let panel = FakePanel::start();
    let client = subuser(&panel);
    assert!(client.account().api_keys().list().unwrap().iter().all(|k| k.identifier != OWNER_KEY[..16]));
    client.account().password().update(HELPER_PASSWORD, "helper-password-2").unwrap();
}
