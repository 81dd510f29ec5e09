//! `account.*`: the key's own user.

use serde_json::{json, Map};

use super::{copy_handle, object, AccountActivity, Caller};
use crate::client::Client;
use crate::models::{Account, ApiKey, NewApiKey, RecoveryTokens, SshKey, TwoFactorSetup};

copy_handle!(AccountApi, TwoFactor, Email, Password, ApiKeys, SshKeys);

/// `account.*`.
#[derive(Debug)]
pub struct AccountApi<'c, C = Client> {
    client: &'c C,
}

impl<'c, C: Caller> AccountApi<'c, C> {
    pub(crate) fn new(client: &'c C) -> Self {
        AccountApi { client }
    }

    /// The user's profile (`account.get`).
    pub fn get(&self) -> C::Out<Account> {
        self.client.typed("account.get", Map::new())
    }

    /// Two-factor authentication.
    pub fn two_factor(&self) -> TwoFactor<'c, C> {
        TwoFactor { client: self.client }
    }

    /// The email address.
    pub fn email(&self) -> Email<'c, C> {
        Email { client: self.client }
    }

    /// The password.
    pub fn password(&self) -> Password<'c, C> {
        Password { client: self.client }
    }

    /// The user's activity log.
    pub fn activity(&self) -> AccountActivity<'c, C> {
        AccountActivity { client: self.client }
    }

    /// Client API keys.
    pub fn api_keys(&self) -> ApiKeys<'c, C> {
        ApiKeys { client: self.client }
    }

    /// SSH keys for SFTP.
    pub fn ssh_keys(&self) -> SshKeys<'c, C> {
        SshKeys { client: self.client }
    }
}

/// `account.two_factor.*`. Pelican has no such routes (404).
///
/// ```no_run
/// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
/// let two_factor = client.account().two_factor();
/// let setup = two_factor.get()?; // show setup.image_url_data as a QR code
/// let tokens = two_factor.enable("123456", "the account password")?;
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
#[derive(Debug)]
pub struct TwoFactor<'c, C = Client> {
    client: &'c C,
}

impl<C: Caller> TwoFactor<'_, C> {
    /// A new TOTP secret to enable two-factor with (`account.two_factor.get`). The panel
    /// answers 400 when two-factor is already on.
    pub fn get(&self) -> C::Out<TwoFactorSetup> {
        self.client.typed("account.two_factor.get", Map::new())
    }

    /// Turns two-factor on with a current 6-digit `code` and the account `password`
    /// (`account.two_factor.enable`); answers with the recovery tokens, shown only this once.
    /// A wrong code or password is a 400.
    pub fn enable(&self, code: &str, password: &str) -> C::Out<RecoveryTokens> {
        let p = object(json!({ "code": code, "password": password }));
        self.client.typed("account.two_factor.enable", p)
    }

    /// Turns two-factor off (`account.two_factor.disable`); a wrong password is a 400.
    pub fn disable(&self, password: &str) -> C::Out<()> {
        self.client.unit("account.two_factor.disable", object(json!({ "password": password })))
    }
}

/// `account.email.*`.
#[derive(Debug)]
pub struct Email<'c, C = Client> {
    client: &'c C,
}

impl<C: Caller> Email<'_, C> {
    /// Changes the email address, confirmed with the current password
    /// (`account.email.update`). A wrong password is a 400, an address in use a 422.
    pub fn update(&self, email: &str, password: &str) -> C::Out<()> {
        let p = object(json!({ "email": email, "password": password }));
        self.client.unit("account.email.update", p)
    }
}

/// `account.password.*`.
#[derive(Debug)]
pub struct Password<'c, C = Client> {
    client: &'c C,
}

impl<C: Caller> Password<'_, C> {
    /// Changes the password (`account.password.update`; `password_confirmation` is sent as
    /// `new_password`). A wrong current password is a 400; a new one under 8 characters a 422.
    /// The panel signs the user's other sessions out.
    pub fn update(&self, current_password: &str, new_password: &str) -> C::Out<()> {
        let p = object(json!({
            "current_password": current_password,
            "password": new_password,
            "password_confirmation": new_password,
        }));
        self.client.unit("account.password.update", p)
    }
}

/// `account.api_keys.*`.
#[derive(Debug)]
pub struct ApiKeys<'c, C = Client> {
    client: &'c C,
}

impl<C: Caller> ApiKeys<'_, C> {
    /// The account's client API keys, without their secrets (`account.api_keys.list`).
    pub fn list(&self) -> C::Out<Vec<ApiKey>> {
        self.client.typed("account.api_keys.list", Map::new())
    }

    /// Makes a key described by `description` (`account.api_keys.create`), usable from
    /// `allowed_ips` only (IPs or CIDR ranges; empty: anywhere). The answer's
    /// [`NewApiKey::key`] is the full key, which the panel never shows again. Each address is
    /// checked (422); more than 25 keys is a 400.
    ///
    /// The panel declares `description` nullable but also required, and Laravel's `required`
    /// refuses `null` and `""`: a key without a description cannot be made, hence `&str`.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let new = client.account().api_keys().create("CI", &["10.0.0.0/8"])?;
    /// let ci = pterodactyl_client::Client::new("https://panel.example.com", &new.key)?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn create(&self, description: &str, allowed_ips: &[&str]) -> C::Out<NewApiKey> {
        let p = object(json!({ "description": description, "allowed_ips": allowed_ips }));
        self.client.typed("account.api_keys.create", p)
    }

    /// Deletes a key by its 16-character identifier (`account.api_keys.delete`; 404 if none).
    pub fn delete(&self, identifier: &str) -> C::Out<()> {
        self.client.unit("account.api_keys.delete", object(json!({ "identifier": identifier })))
    }
}

/// `account.ssh_keys.*`.
#[derive(Debug)]
pub struct SshKeys<'c, C = Client> {
    client: &'c C,
}

impl<C: Caller> SshKeys<'_, C> {
    /// The account's SSH keys (`account.ssh_keys.list`).
    pub fn list(&self) -> C::Out<Vec<SshKey>> {
        self.client.typed("account.ssh_keys.list", Map::new())
    }

    /// Adds an SSH public key (OpenSSH or PEM text) under `name` (`account.ssh_keys.create`).
    /// The panel refuses DSA keys, RSA keys under 2048 bits, keys it cannot read and keys
    /// already added, all with 422 on `public_key`.
    pub fn create(&self, name: &str, public_key: &str) -> C::Out<SshKey> {
        let p = object(json!({ "name": name, "public_key": public_key }));
        self.client.typed("account.ssh_keys.create", p)
    }

    /// Removes a key by its fingerprint as listed (`account.ssh_keys.delete`). The panel
    /// answers 204 even when no key has that fingerprint.
    pub fn delete(&self, fingerprint: &str) -> C::Out<()> {
        self.client.unit("account.ssh_keys.delete", object(json!({ "fingerprint": fingerprint })))
    }
}
