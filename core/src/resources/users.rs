//! `server.users.*`: subusers.

use serde_json::json;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::models::Subuser;

/// `server.users.*`: the server's subusers, by their user UUID.
#[derive(Clone, Debug)]
pub struct Users<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Users<'_, C> {
    /// Every subuser of the server (`server.users.list`).
    pub fn list(&self) -> C::Out<Vec<Subuser>> {
        self.server.client.typed("server.users.list", self.server.params())
    }

    /// Gives the user with this email access with `permissions` (`server.users.create`),
    /// making the account if no user has that email. The panel drops unknown permissions,
    /// always adds `websocket.connect`, and refuses (403) permissions the caller does not hold
    /// itself; the owner or an existing subuser is a 400.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let helper = client.server("d3aac109").users().create("helper@example.com", &["control.console"])?;
    /// println!("{} may {:?}", helper.username, helper.permissions);
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn create(&self, email: &str, permissions: &[&str]) -> C::Out<Subuser> {
        let p = self.server.with(json!({ "email": email, "permissions": permissions }));
        self.server.client.typed("server.users.create", p)
    }

    /// One subuser by user UUID (`server.users.get`).
    pub fn get(&self, uuid: &str) -> C::Out<Subuser> {
        self.server.client.typed("server.users.get", self.server.with(json!({ "user": uuid })))
    }

    /// Replaces a subuser's permissions (`server.users.update`); changing your own is a 403.
    pub fn update(&self, uuid: &str, permissions: &[&str]) -> C::Out<Subuser> {
        let p = self.server.with(json!({ "user": uuid, "permissions": permissions }));
        self.server.client.typed("server.users.update", p)
    }

    /// Removes a subuser's access (`server.users.delete`); removing yourself is a 403.
    pub fn delete(&self, uuid: &str) -> C::Out<()> {
        self.server.client.unit("server.users.delete", self.server.with(json!({ "user": uuid })))
    }
}
