//! `/account/...` (spec §1.1): the account, two-factor setup, email and password changes, the
//! account's activity, API keys and SSH keys.
//!
//! Also home to the small helpers the other areas share: seeded "random" strings and uuids,
//! user creation, and the two digests the panel needs that the fake's dependencies lack
//! (md5 for gravatar URLs, sha256 for SSH key fingerprints).

use crate::api::{
    self, activity_attributes, display_exception, fail, model_not_found, paginate, validate, Ctx, Fail,
    Outcome, Reply,
};
use crate::model::{ActivityAttributes, Item, List, PaginationMeta, UserAttributes, WithMeta};
use crate::state::{Activity, ApiKey, State, User, HELPER_ID, MANAGER_ID, OWNER_ID, STRANGER_ID};
use crate::util::{rawurlencode, sha1_raw, unix_from_civil, unix_now};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};

/// Password of `owner` (user 1).
pub const OWNER_PASSWORD: &str = "owner-password";
/// Password of `helper` (user 2).
pub const HELPER_PASSWORD: &str = "helper-password";
/// Password of `stranger` (user 3).
pub const STRANGER_PASSWORD: &str = "stranger-password";
/// Password of `manager` (user 4).
pub const MANAGER_PASSWORD: &str = "manager-password";
/// The only TOTP code the fake accepts when enabling two-factor authentication.
pub const TWO_FACTOR_CODE: &str = "123456";

/// `ApiKeyController::store`'s hard-coded limit.
const API_KEY_LIMIT: usize = 25;

pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The parts of a user the seed's `User` does not carry.
#[derive(Clone, Debug)]
pub struct Profile {
    pub user_id: u32,
    /// `None` for accounts created as subusers: they have no usable password.
    pub password: Option<String>,
    pub name_first: String,
    pub name_last: String,
    pub use_totp: bool,
    /// Set by `GET /account/two-factor`, needed to enable 2FA.
    pub totp_secret: Option<String>,
}

/// An account API key's metadata; the bearer itself lives in `State::keys`.
#[derive(Clone, Debug)]
pub struct ApiKeyRecord {
    pub user_id: u32,
    pub identifier: String,
    pub memo: String,
    pub allowed_ips: Vec<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct SshKey {
    pub user_id: u32,
    pub name: String,
    pub fingerprint: String,
    /// PKCS8 PEM, as phpseclib re-encodes it.
    pub public_key: String,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct Accounts {
    pub profiles: Vec<Profile>,
    pub api_keys: Vec<ApiKeyRecord>,
    pub ssh_keys: Vec<SshKey>,
    /// Feeds the seeded generators, so every run after a reset gives the same values.
    pub counter: u64,
}

impl Accounts {
    pub fn seeded() -> Accounts {
        let profile = |user_id, password: &str, first: &str, last: &str| Profile {
            user_id,
            password: Some(password.into()),
            name_first: first.into(),
            name_last: last.into(),
            use_totp: false,
            totp_secret: None,
        };
        let key = |user_id, identifier: &str, memo: &str, created_at| ApiKeyRecord {
            user_id,
            identifier: identifier.into(),
            memo: memo.into(),
            allowed_ips: Vec::new(),
            created_at,
        };
        Accounts {
            profiles: vec![
                profile(OWNER_ID, OWNER_PASSWORD, "Oscar", "Owner"),
                profile(HELPER_ID, HELPER_PASSWORD, "Hannah", "Helper"),
                profile(STRANGER_ID, STRANGER_PASSWORD, "Sam", "Stranger"),
                profile(MANAGER_ID, MANAGER_PASSWORD, "Morgan", "Manager"),
            ],
            api_keys: vec![
                key(OWNER_ID, "ptlc_ownerkey001", "Owner key", unix_from_civil(2024, 1, 15, 9, 30, 0)),
                key(HELPER_ID, "ptlc_helperkey01", "Helper key", unix_from_civil(2024, 2, 1, 12, 0, 0)),
                key(MANAGER_ID, "ptlc_managerkey1", "Manager key", unix_from_civil(2024, 4, 4, 4, 4, 4)),
            ],
            ssh_keys: Vec::new(),
            counter: 0,
        }
    }

    pub fn profile(&self, user: u32) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.user_id == user)
    }

    fn profile_mut(&mut self, user: u32) -> &mut Profile {
        let pos = match self.profiles.iter().position(|p| p.user_id == user) {
            Some(pos) => pos,
            None => {
                self.profiles.push(Profile {
                    user_id: user,
                    password: None,
                    name_first: "Server".into(),
                    name_last: "Subuser".into(),
                    use_totp: false,
                    totp_secret: None,
                });
                self.profiles.len() - 1
            }
        };
        &mut self.profiles[pos]
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with databases.rs, subusers.rs and backups.rs.

/// The seed's types hold `&'static str`; strings made at run time (new users, new emails, new
/// API keys) are leaked to fit. That is a few bytes per call, in a test fake.
pub(crate) fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A "random" string for `purpose`, from a counter that `reset` rewinds: deterministic runs.
pub(crate) fn random(st: &mut State, purpose: &str, alphabet: &[u8], len: usize) -> String {
    st.accounts.counter += 1;
    let seed = format!("{purpose}:{}", st.accounts.counter);
    let mut out = String::with_capacity(len);
    let mut block = 0u32;
    while out.len() < len {
        for b in sha1_raw(format!("{seed}#{block}").as_bytes()) {
            if out.len() == len {
                break;
            }
            out.push(alphabet[b as usize % alphabet.len()] as char);
        }
        block += 1;
    }
    out
}

/// A version-4-shaped uuid from the same counter.
pub(crate) fn random_uuid(st: &mut State, purpose: &str) -> String {
    st.accounts.counter += 1;
    let mut b = sha1_raw(format!("uuid:{purpose}:{}", st.accounts.counter).as_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A `DisplayException` subclass (400, redirects non-JSON callers), named by its class.
pub(crate) fn display_as(code: &str, detail: &str) -> Fail {
    let mut f = display_exception(detail);
    f.errors[0].code = code.to_string();
    f
}

fn bad_request(detail: &str) -> Fail {
    fail(400, "BadRequestHttpException", detail)
}

/// `UserTransformer`, with the account's real `2fa_enabled`.
pub(crate) fn user_attributes(st: &State, id: u32) -> UserAttributes {
    let mut attrs = api::user_attributes(st, id);
    attrs.two_factor_enabled = st.accounts.profile(id).is_some_and(|p| p.use_totp);
    attrs
}

/// `UserCreationService` as `SubuserCreationService` calls it: the username is the email's
/// local part without characters outside `[\w.-]`, capped at 64, plus 3 random characters,
/// lower-cased by the model. The account has no password.
pub(crate) fn create_user(st: &mut State, email: &str) -> u32 {
    let local: String = email
        .split('@')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .take(64)
        .collect();
    let username = format!("{local}{}", random(st, "username", ALNUM, 3)).to_lowercase();
    let id = st.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
    let uuid = random_uuid(st, "user");
    st.users.push(User {
        id,
        uuid: leak(uuid),
        username: leak(username),
        email: leak(email.to_string()),
        email_md5: leak(md5_hex(email.to_lowercase().as_bytes())),
        created_at: unix_now(),
    });
    st.accounts.profile_mut(id);
    id
}

/// Records an account-level activity (no server): the account activity lists these.
fn log_account(st: &mut State, user: u32, event: &str, properties: Value) {
    let row_id = st.activity.iter().map(|a| a.row_id).max().unwrap_or(0) + 1;
    st.activity.push(Activity {
        row_id,
        server_id: None,
        actor_id: Some(user),
        event: event.into(),
        is_api: true,
        ip: Some("127.0.0.1".into()),
        properties: properties.as_object().cloned().unwrap_or_default(),
        timestamp: unix_now(),
    });
}

/// PHP's string form of a scalar input (`password_verify` coerces numbers).
fn scalar(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn password_matches(st: &State, user: u32, given: Option<String>) -> bool {
    match (st.accounts.profile(user).and_then(|p| p.password.as_deref()), given) {
        (Some(stored), Some(given)) => stored == given,
        _ => false,
    }
}

/// `InvalidPasswordProvidedException` from `UpdateEmailRequest` / `UpdatePasswordRequest`.
fn invalid_password() -> Fail {
    display_as("InvalidPasswordProvidedException", "The password provided was invalid for this account.")
}

// ---------------------------------------------------------------------------------------------
// The panel's JSON for this area.

/// `AccountTransformer` (resource name `user`).
#[derive(Serialize, Debug)]
struct AccountAttributes {
    id: u32,
    admin: bool,
    username: String,
    email: String,
    first_name: String,
    last_name: String,
    language: &'static str,
}

/// `GET /account/two-factor` (not Fractal).
#[derive(Serialize, Debug)]
struct TwoFactorSetup {
    data: TwoFactorSetupData,
}

#[derive(Serialize, Debug)]
struct TwoFactorSetupData {
    image_url_data: String,
    secret: String,
}

#[derive(Serialize, Debug)]
struct RecoveryTokens {
    tokens: Vec<String>,
}

/// `ApiKeyTransformer`.
#[derive(Serialize, Debug)]
struct ApiKeyAttributes {
    identifier: String,
    description: String,
    allowed_ips: Vec<String>,
    last_used_at: Option<String>,
    created_at: String,
}

#[derive(Serialize, Debug)]
struct SecretMeta {
    secret_token: String,
}

/// `UserSSHKeyTransformer`.
#[derive(Serialize, Debug)]
struct SshKeyAttributes {
    name: String,
    fingerprint: String,
    public_key: String,
    created_at: String,
}

fn api_key_attributes(k: &ApiKeyRecord) -> ApiKeyAttributes {
    ApiKeyAttributes {
        identifier: k.identifier.clone(),
        description: k.memo.clone(),
        allowed_ips: k.allowed_ips.clone(),
        last_used_at: None,
        created_at: crate::util::atom(k.created_at),
    }
}

fn ssh_key_attributes(k: &SshKey) -> SshKeyAttributes {
    SshKeyAttributes {
        name: k.name.clone(),
        fingerprint: k.fingerprint.clone(),
        public_key: k.public_key.clone(),
        created_at: crate::util::atom(k.created_at),
    }
}

// ---------------------------------------------------------------------------------------------
// Controllers.

pub(crate) fn handle(st: &mut State, op: &str, ctx: &Ctx) -> Outcome {
    let user = ctx.user;
    let input = ctx.input;
    match op {
        "account.get" => {
            let u = st.user(user);
            let p = st.accounts.profile(user);
            let attrs = AccountAttributes {
                id: u.id,
                admin: false,
                username: u.username.into(),
                email: u.email.into(),
                first_name: p.map(|p| p.name_first.clone()).unwrap_or_default(),
                last_name: p.map(|p| p.name_last.clone()).unwrap_or_default(),
                language: "en",
            };
            Ok(Reply::json(200, &Item::new("user", attrs)))
        }
        "account.two_factor.get" => {
            if st.accounts.profile(user).is_some_and(|p| p.use_totp) {
                return Err(bad_request("Two-factor authentication is already enabled on this account."));
            }
            let secret = random(st, "totp", BASE32, 32);
            st.accounts.profile_mut(user).totp_secret = Some(secret.clone());
            let image_url_data = format!(
                "otpauth://totp/Pterodactyl:{}?secret={secret}&issuer=Pterodactyl",
                rawurlencode(st.user(user).email)
            );
            Ok(Reply::json(200, &TwoFactorSetup { data: TwoFactorSetupData { image_url_data, secret } }))
        }
        "account.two_factor.enable" => {
            validate(input, |v| {
                v.rules("code", "required|string|size:6").rules("password", "required|string");
            })?;
            if !password_matches(st, user, scalar(input.get("password"))) {
                return Err(bad_request("The password provided was not valid."));
            }
            if st.accounts.profile(user).and_then(|p| p.totp_secret.as_ref()).is_none() {
                // `decrypt(null)`: the panel has no secret to check the code against.
                return Err(fail(
                    500,
                    "DecryptException",
                    "An unexpected error was encountered while processing this request, please try again.",
                ));
            }
            if input.str("code") != Some(TWO_FACTOR_CODE) {
                return Err(display_as(
                    "TwoFactorAuthenticationTokenInvalid",
                    "The provided two-factor authentication token was not valid.",
                ));
            }
            let tokens: Vec<String> = (0..10).map(|_| random(st, "recovery", ALNUM, 10)).collect();
            st.accounts.profile_mut(user).use_totp = true;
            log_account(st, user, "user:two-factor.create", json!({}));
            Ok(Reply::json(200, &Item::new("recovery_tokens", RecoveryTokens { tokens })))
        }
        "account.two_factor.disable" => {
            if !password_matches(st, user, scalar(input.get("password"))) {
                return Err(bad_request("The password provided was not valid."));
            }
            st.accounts.profile_mut(user).use_totp = false;
            log_account(st, user, "user:two-factor.delete", json!({}));
            Ok(Reply::empty(204))
        }
        "account.email.update" => {
            // `UpdateEmailRequest::authorize` checks the password before any rule runs.
            if !password_matches(st, user, scalar(input.get("password"))) {
                return Err(invalid_password());
            }
            let taken = input.str("email").is_some_and(|email| {
                st.users.iter().any(|u| u.id != user && u.email.eq_ignore_ascii_case(email))
            });
            validate(input, |v| {
                v.rules("email", "required|email|between:1,191");
                if taken {
                    v.rule_error("email", "unique", "The email has already been taken.");
                }
            })?;
            let email = input.str("email").unwrap_or_default().to_string();
            let old = st.user(user).email.to_string();
            if old != email {
                let md5 = leak(md5_hex(email.to_lowercase().as_bytes()));
                if let Some(u) = st.users.iter_mut().find(|u| u.id == user) {
                    u.email = leak(email.clone());
                    u.email_md5 = md5;
                }
                log_account(st, user, "user:account.email-changed", json!({"old": old, "new": email}));
            }
            Ok(Reply::empty(204))
        }
        "account.password.update" => {
            if !password_matches(st, user, scalar(input.get("current_password"))) {
                return Err(invalid_password());
            }
            validate(input, |v| {
                v.rules("password", "required|string|confirmed|min:8");
            })?;
            st.accounts.profile_mut(user).password = input.str("password").map(String::from);
            log_account(st, user, "user:account.password-changed", json!({}));
            Ok(Reply::empty(204))
        }
        "account.activity.list" => activity_list(st, ctx),
        "account.api_keys.list" => {
            let list: Vec<ApiKeyAttributes> =
                st.accounts.api_keys.iter().filter(|k| k.user_id == user).map(api_key_attributes).collect();
            Ok(Reply::json(200, &List::of("api_key", list)))
        }
        "account.api_keys.create" => create_api_key(st, ctx),
        "account.api_keys.delete" => {
            let identifier = ctx.params.get("identifier").cloned().unwrap_or_default();
            let pos = st
                .accounts
                .api_keys
                .iter()
                .position(|k| k.user_id == user && k.identifier == identifier)
                .ok_or_else(model_not_found)?;
            st.accounts.api_keys.remove(pos);
            st.keys.retain(|k| !(k.user_id == user && !k.application && k.token.starts_with(&identifier)));
            log_account(st, user, "user:api-key.delete", json!({ "identifier": identifier }));
            Ok(Reply::empty(204))
        }
        "account.ssh_keys.list" => {
            let list: Vec<SshKeyAttributes> =
                st.accounts.ssh_keys.iter().filter(|k| k.user_id == user).map(ssh_key_attributes).collect();
            Ok(Reply::json(200, &List::of("ssh_key", list)))
        }
        "account.ssh_keys.create" => create_ssh_key(st, ctx),
        "account.ssh_keys.delete" => {
            validate(input, |v| {
                v.rules("fingerprint", "required|string");
            })?;
            let fingerprint = input.str("fingerprint").unwrap_or_default().to_string();
            let before = st.accounts.ssh_keys.len();
            st.accounts.ssh_keys.retain(|k| !(k.user_id == user && k.fingerprint == fingerprint));
            if st.accounts.ssh_keys.len() != before {
                log_account(st, user, "user:ssh-key.delete", json!({ "fingerprint": fingerprint }));
            }
            Ok(Reply::empty(204))
        }
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}

fn create_api_key(st: &mut State, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    validate(input, |v| {
        v.rules("description", "required|nullable|string|max:500")
            .rules("allowed_ips", "nullable|array|max:50")
            .rules("allowed_ips.*", "string");
        // The `after` hook: every entry must parse as an IP address or a range.
        if let Some(Value::Array(ips)) = input.get("allowed_ips") {
            for (i, ip) in ips.iter().enumerate() {
                let text = scalar(Some(ip)).unwrap_or_default();
                if !ip.is_string() || !is_ip_range(&text) {
                    v.after_error(
                        &format!("allowed_ips.{i}"),
                        format!("\"{text}\" is not a valid IP address or CIDR range."),
                    );
                }
            }
        }
    })?;
    if st.accounts.api_keys.iter().filter(|k| k.user_id == user).count() >= API_KEY_LIMIT {
        return Err(display_exception("You have reached the account limit for number of API keys."));
    }
    let identifier = format!("ptlc_{}", random(st, "api-key-identifier", ALNUM, 11));
    let secret = random(st, "api-key-secret", ALNUM, 32);
    let allowed_ips: Vec<String> = match input.get("allowed_ips") {
        Some(Value::Array(ips)) => ips.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    };
    let record = ApiKeyRecord {
        user_id: user,
        identifier: identifier.clone(),
        memo: input.str("description").unwrap_or_default().to_string(),
        allowed_ips,
        created_at: unix_now(),
    };
    st.keys.push(ApiKey { token: leak(format!("{identifier}{secret}")), user_id: user, application: false });
    let attrs = api_key_attributes(&record);
    st.accounts.api_keys.push(record);
    log_account(st, user, "user:api-key.create", json!({ "identifier": identifier }));
    Ok(Reply::json(
        200,
        &WithMeta { body: Item::new("api_key", attrs), meta: SecretMeta { secret_token: secret } },
    ))
}

fn create_ssh_key(st: &mut State, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let loaded = input.str("public_key").and_then(load_public_key);
    validate(input, |v| {
        v.rules("name", "required|string").rules("public_key", "required|string");
        // `StoreSSHKeyRequest`'s `after` hook, which runs even when the rules failed.
        let Some(key) = &loaded else {
            v.after_error("public_key", "The public key provided is not valid.");
            return;
        };
        match key.kind {
            KeyKind::Dsa => {
                v.after_error("public_key", "DSA keys are not supported.");
            }
            KeyKind::Rsa { bits, .. } if bits < 2048 => {
                v.after_error("public_key", "RSA keys must be at least 2048 bytes in length.");
            }
            _ => {}
        }
        let fingerprint = key.fingerprint();
        if st.accounts.ssh_keys.iter().any(|k| k.user_id == user && k.fingerprint == fingerprint) {
            v.after_error("public_key", "The public key provided already exists on your account.");
        }
    })?;
    let key = loaded.expect("validated above");
    let record = SshKey {
        user_id: user,
        name: input.str("name").unwrap_or_default().to_string(),
        fingerprint: key.fingerprint(),
        public_key: key.pkcs8_pem(),
        created_at: unix_now(),
    };
    let attrs = ssh_key_attributes(&record);
    log_account(st, user, "user:ssh-key.create", json!({ "fingerprint": record.fingerprint }));
    st.accounts.ssh_keys.push(record);
    Ok(Reply::json(200, &Item::new("ssh_key", attrs)))
}

fn activity_list(st: &State, ctx: &Ctx) -> Outcome {
    let input = ctx.input;
    let sorts: Vec<String> = input
        .query_value("sort")
        .map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let unknown_sorts: Vec<&str> =
        sorts.iter().map(|s| s.trim_start_matches('-')).filter(|s| *s != "timestamp").collect();
    if !unknown_sorts.is_empty() {
        return Err(fail(
            400,
            "InvalidSortQuery",
            format!(
                "Requested sort(s) `{}` is not allowed. Allowed sort(s) are `timestamp`.",
                unknown_sorts.join(", ")
            ),
        ));
    }
    let filters = input.filters();
    let unknown: Vec<&str> = filters.iter().map(|(k, _)| k.as_str()).filter(|k| *k != "event").collect();
    if !unknown.is_empty() {
        return Err(fail(
            400,
            "InvalidFilterQuery",
            format!(
                "Requested filter(s) `{}` are not allowed. Allowed filter(s) are `event`.",
                unknown.join(", ")
            ),
        ));
    }
    let mut rows: Vec<&Activity> = st
        .activity
        .iter()
        .filter(|a| a.server_id.is_none() && a.actor_id == Some(ctx.user))
        .filter(|a| a.event != "server:file.upload")
        .filter(|a| {
            filters.iter().all(|(_, value)| {
                let values: Vec<&str> = value.split(',').filter(|v| !v.is_empty()).collect();
                values.is_empty() || values.iter().any(|v| a.event.to_lowercase().contains(&v.to_lowercase()))
            })
        })
        .collect();
    rows.sort_by_key(|a| a.row_id);
    if let Some(sort) = sorts.first() {
        if sort.starts_with('-') {
            rows.sort_by_key(|a| std::cmp::Reverse((a.timestamp, a.row_id)));
        } else {
            rows.sort_by_key(|a| (a.timestamp, a.row_id));
        }
    }
    let include_actor = input.includes().iter().any(|i| i == "actor");
    let (page, pagination) = paginate(rows, input, 25, 100, &ctx.path);
    let data: Vec<ActivityAttributes> =
        page.into_iter().map(|a| activity_attributes(st, a, ctx.user, include_actor)).collect();
    Ok(Reply::json(
        200,
        &WithMeta { body: List::of("activity_log", data), meta: PaginationMeta { pagination } },
    ))
}

/// `IPTools\Range::parse($ip)->valid()`: an address, `address/prefix`, `a-b`, or an IPv4
/// wildcard such as `10.0.*.*`.
fn is_ip_range(s: &str) -> bool {
    use std::net::IpAddr;
    if let Some((ip, prefix)) = s.split_once('/') {
        let Ok(ip) = ip.parse::<IpAddr>() else { return false };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        return !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && prefix.parse::<u32>().is_ok_and(|p| p <= max);
    }
    if let Some((a, b)) = s.split_once('-') {
        return match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
            (Ok(a), Ok(b)) => a.is_ipv4() == b.is_ipv4(),
            _ => false,
        };
    }
    if s.contains('*') {
        let octets: Vec<&str> = s.split('.').collect();
        return octets.len() == 4
            && octets.iter().all(|o| *o == "*" || o.parse::<u8>().is_ok_and(|_| !o.is_empty()));
    }
    s.parse::<IpAddr>().is_ok()
}

// ---------------------------------------------------------------------------------------------
// SSH public keys: the OpenSSH one-line format phpseclib's `PublicKeyLoader` reads.

#[derive(Debug)]
enum KeyKind {
    Rsa { bits: usize, n: Vec<u8>, e: Vec<u8> },
    Dsa,
    Ed25519(Vec<u8>),
    Ecdsa { curve_oid: &'static [u8], point: Vec<u8> },
}

#[derive(Debug)]
struct PublicKey {
    kind: KeyKind,
    /// The binary key blob (what `getFingerprint` hashes).
    blob: Vec<u8>,
}

/// Reads SSH wire strings from a key blob.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn string(&mut self) -> Option<Vec<u8>> {
        let len = u32::from_be_bytes(self.0.get(..4)?.try_into().ok()?) as usize;
        let bytes = self.0.get(4..4 + len)?.to_vec();
        self.0 = &self.0[4 + len..];
        Some(bytes)
    }
}

/// `ssh-rsa AAAA... comment` and friends; `None` when phpseclib would throw `NoKeyLoadedException`.
fn load_public_key(text: &str) -> Option<PublicKey> {
    let mut parts = text.split_whitespace();
    let kind_name = parts.next()?;
    let blob = BASE64.decode(parts.next()?).ok()?;
    let mut r = Reader(&blob);
    if r.string()? != kind_name.as_bytes() {
        return None;
    }
    let kind = match kind_name {
        "ssh-rsa" => {
            let e = r.string()?;
            let n = r.string()?;
            let significant: Vec<u8> = n.iter().copied().skip_while(|b| *b == 0).collect();
            let bits = significant
                .first()
                .map_or(0, |b| (significant.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
            if bits == 0 || e.iter().all(|b| *b == 0) {
                return None;
            }
            KeyKind::Rsa { bits, n, e }
        }
        "ssh-dss" => {
            for _ in 0..4 {
                r.string()?;
            }
            KeyKind::Dsa
        }
        "ssh-ed25519" => {
            let key = r.string()?;
            if key.len() != 32 {
                return None;
            }
            KeyKind::Ed25519(key)
        }
        "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521" => {
            let curve = r.string()?;
            let point = r.string()?;
            let (name, oid, len): (&[u8], &'static [u8], usize) = match kind_name {
                "ecdsa-sha2-nistp256" => (b"nistp256", &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 65),
                "ecdsa-sha2-nistp384" => (b"nistp384", &[0x2b, 0x81, 0x04, 0x00, 0x22], 97),
                _ => (b"nistp521", &[0x2b, 0x81, 0x04, 0x00, 0x23], 133),
            };
            if curve != name || point.len() != len || point[0] != 0x04 {
                return None;
            }
            KeyKind::Ecdsa { curve_oid: oid, point }
        }
        _ => return None,
    };
    if !r.0.is_empty() {
        return None;
    }
    Some(PublicKey { kind, blob })
}

impl PublicKey {
    /// phpseclib's `getFingerprint('sha256')`: base64 of the blob's sha256, last `=` removed.
    fn fingerprint(&self) -> String {
        let mut b64 = BASE64.encode(sha256(&self.blob));
        b64.pop();
        b64
    }

    /// `toString('PKCS8')`: a SubjectPublicKeyInfo in PEM, lines of 64 ending in CRLF.
    fn pkcs8_pem(&self) -> String {
        const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
        let (algorithm, key) = match &self.kind {
            KeyKind::Rsa { n, e, .. } => {
                let ints = [der(0x02, n), der(0x02, e)].concat();
                ([der(0x06, RSA), vec![0x05, 0x00]].concat(), der(0x30, &ints))
            }
            KeyKind::Ed25519(k) => (der(0x06, ED25519), k.clone()),
            KeyKind::Ecdsa { curve_oid, point } => {
                ([der(0x06, EC), der(0x06, curve_oid)].concat(), point.clone())
            }
            KeyKind::Dsa => unreachable!("DSA keys are refused before they are stored"),
        };
        let bit_string = [&[0u8][..], &key].concat();
        let spki = der(0x30, &[der(0x30, &algorithm), der(0x03, &bit_string)].concat());
        let b64 = BASE64.encode(spki);
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\r\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
            pem.push_str("\r\n");
        }
        pem.push_str("-----END PUBLIC KEY-----");
        pem
    }
}

/// One DER TLV. SSH `mpint`s are already minimal two's-complement, which is DER's INTEGER.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    if tag == 0x02 && content.is_empty() {
        out[1] = 1;
        out.push(0);
    } else {
        out.extend_from_slice(content);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Digests (RFC 1321 and FIPS 180-4), small enough to keep the fake free of more dependencies.

/// Lower-case hex md5, as PHP's `md5()`.
pub(crate) fn md5_hex(data: &[u8]) -> String {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15,
        21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    const K: [u32; 64] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for block in msg.chunks(64) {
        let m: Vec<u32> =
            block.chunks(4).map(|w| u32::from_le_bytes(w.try_into().expect("4 bytes"))).collect();
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a.wrapping_add(f).wrapping_add(K[i]).wrapping_add(m[g]).rotate_left(S[i]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

/// Raw sha256.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes(word.try_into().expect("4 bytes"));
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_values() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"manager@example.com"), "b1414166d24179bc68e843e0d41393a8");
        assert_eq!(md5_hex(b"owner@example.com"), "4cb1f144288e5d61695b0d3f9c63835c");
        let hex: String = sha256(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let long = vec![b'a'; 1000];
        let hex: String = sha256(&long).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    }

    #[test]
    fn ip_ranges() {
        for ok in ["127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32", "10.0.0.1-10.0.0.9", "192.168.1.*"] {
            assert!(is_ip_range(ok), "{ok}");
        }
        for bad in ["", "localhost", "10.0.0.0/33", "300.1.1.1", "1.2.3.4/", "1.2.3"] {
            assert!(!is_ip_range(bad), "{bad}");
        }
    }
}
