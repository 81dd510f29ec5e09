//! The key's own account: profile, two-factor setup, API keys and SSH keys.

use serde::{Deserialize, Serialize};

model! {
    /// `account.get`: the key's user (`AccountTransformer`, resource name `user`).
    ///
    /// Pelican answers with a different user object (no `id`, `first_name` or `last_name`); this
    /// model follows Pterodactyl.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Account {
        /// The user's numeric id.
        pub id: u64,
        /// Whether the user is a root admin.
        pub admin: bool,
        /// Username.
        pub username: String,
        /// Email address.
        pub email: String,
        /// First name.
        pub first_name: String,
        /// Last name.
        pub last_name: String,
        /// Interface language, e.g. `en`.
        pub language: String,
    }
}

model! {
    /// `account.two_factor.get`: what an authenticator app needs to start producing codes.
    #[derive(Clone, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct TwoFactorSetup {
        /// `otpauth://totp/...` URL (what the web UI turns into a QR code); it holds the secret.
        pub image_url_data: String,
        /// The TOTP secret, 32 base32 characters.
        pub secret: String,
    }
}

impl std::fmt::Debug for TwoFactorSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorSetup")
            .field("image_url_data", &"<redacted>")
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

model! {
    /// `account.two_factor.enable`: one-time recovery tokens, shown only once.
    #[derive(Clone, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct RecoveryTokens {
        /// Ten tokens of ten characters; each signs in once in place of a code.
        pub tokens: Vec<String>,
    }
}

impl std::fmt::Debug for RecoveryTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryTokens").field("tokens", &self.tokens.len()).finish_non_exhaustive()
    }
}

model! {
    /// A client API key of the account (`ApiKeyTransformer`). The secret half is never listed.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ApiKey {
        /// The first 16 characters of the key (`ptlc_…`); the id used to delete it.
        pub identifier: String,
        /// What the key is for.
        #[serde(default)]
        pub description: Option<String>,
        /// IPs or CIDR ranges the key may be used from (empty: anywhere).
        #[serde(default)]
        pub allowed_ips: Vec<String>,
        /// When the key was last used, if ever.
        #[serde(default)]
        pub last_used_at: Option<String>,
        /// When the key was made.
        pub created_at: String,
    }
}

/// `account.api_keys.create`: the new key, with its secret, which the panel shows only once.
///
/// ```
/// # fn show(new: pterodactyl_client::NewApiKey) {
/// // `key` is ready to use: `Client::new(url, &new.key)`.
/// assert_eq!(new.key, format!("{}{}", new.identifier, new.meta.secret_token));
/// # }
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewApiKey {
    /// The key as listed.
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The full usable key: `identifier` followed by `meta.secret_token` (48 characters).
    pub key: String,
    /// The answer's `meta`, with the secret half of the key.
    pub meta: ApiKeyMeta,
}

impl std::ops::Deref for NewApiKey {
    type Target = ApiKey;
    fn deref(&self) -> &ApiKey {
        &self.api_key
    }
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey")
            .field("api_key", &self.api_key)
            .field("key", &"<redacted>")
            .field("meta", &self.meta)
            .finish()
    }
}

model! {
    /// `meta` of `account.api_keys.create`.
    #[derive(Clone, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ApiKeyMeta {
        /// The 32-character secret half of the key.
        pub secret_token: String,
    }
}

impl std::fmt::Debug for ApiKeyMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyMeta").field("secret_token", &"<redacted>").finish_non_exhaustive()
    }
}

model! {
    /// An SSH public key of the account, for SFTP (`UserSSHKeyTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct SshKey {
        /// Name given to the key.
        pub name: String,
        /// Base64 SHA-256 fingerprint without the `SHA256:` prefix or the trailing `=`; the id used
        /// to delete it.
        pub fingerprint: String,
        /// The public key, re-encoded by the panel as PKCS#8 PEM (not the OpenSSH line sent).
        pub public_key: String,
        /// When the key was added.
        pub created_at: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::round_trip;
    use serde_json::json;

    #[test]
    fn account_decodes_and_round_trips() {
        let a: Account = round_trip(json!({
            "id": 1, "admin": false, "username": "owner", "email": "owner@example.com",
            "first_name": "Olive", "last_name": "Owner", "language": "en", "pelican_only": 1
        }));
        assert_eq!((a.id, a.admin, a.username.as_str()), (1, false, "owner"));
        assert_eq!(a.extra["pelican_only"], 1);
    }

    #[test]
    fn two_factor_answers_decode_and_hide_their_secrets_in_debug() {
        let s: TwoFactorSetup = round_trip(json!({
            "image_url_data": "otpauth://totp/Pterodactyl:owner%40example.com?secret=ABCD&issuer=Pterodactyl",
            "secret": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        }));
        assert_eq!(s.secret.len(), 32);
        assert!(!format!("{s:?}").contains("ABCD"));
        let t: RecoveryTokens = round_trip(json!({"tokens": ["aaaaaaaaaa", "bbbbbbbbbb"], "x": true}));
        assert_eq!(t.tokens.len(), 2);
        assert!(!format!("{t:?}").contains("aaaa"));
    }

    #[test]
    fn api_keys_decode_with_and_without_the_secret() {
        let listed: ApiKey = round_trip(json!({
            "identifier": "ptlc_abcdefghijk", "description": "CI", "allowed_ips": ["10.0.0.0/8"],
            "last_used_at": null, "created_at": "2024-10-24T12:04:30+00:00", "scope": "x"
        }));
        assert_eq!(listed.allowed_ips, ["10.0.0.0/8"]);
        assert_eq!(listed.extra["scope"], "x");
        let made: NewApiKey = round_trip(json!({
            "identifier": "ptlc_abcdefghijk", "description": null, "allowed_ips": [],
            "last_used_at": null, "created_at": "2024-10-24T12:04:30+00:00",
            "key": "ptlc_abcdefghijkSECRETSECRETSECRETSECRETSECRETSE",
            "meta": {"secret_token": "SECRETSECRETSECRETSECRETSECRETSE"}
        }));
        assert_eq!(made.key, format!("{}{}", made.identifier, made.meta.secret_token));
        assert_eq!(made.description, None);
        assert!(made.api_key.extra.is_empty(), "key and meta are not unknown fields");
        assert!(!format!("{made:?}").contains("SECRET"));
    }

    #[test]
    fn ssh_key_decodes_and_round_trips() {
        let k: SshKey = round_trip(json!({
            "name": "laptop", "fingerprint": "hT3Zb5Zq1Gm9v0d6sXrG8x8pQ7p0Q2c0p9u4G9oI4Ws",
            "public_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
            "created_at": "2024-10-24T12:04:30+00:00"
        }));
        assert_eq!(k.name, "laptop");
    }
}
