//! `server.databases.*`.

use serde_json::json;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::models::Database;

/// `server.databases.*`.
#[derive(Clone, Debug)]
pub struct Databases<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Databases<'_, C> {
    /// The server's databases, without passwords (`server.databases.list`).
    pub fn list(&self) -> C::Out<Vec<Database>> {
        self.server.client.typed("server.databases.list", self.server.params())
    }

    /// The server's databases with their passwords (`include=password`). Without
    /// `database.view_password` the password is included as hidden: [`Database::password`] is
    /// `None`.
    pub fn list_with_passwords(&self) -> C::Out<Vec<Database>> {
        let p = self.server.with(json!({ "include": "password" }));
        self.server.client.typed("server.databases.list", p)
    }

    /// Makes a database named `s{server_id}_{database}` that `remote` may connect from (`%` for
    /// anywhere) (`server.databases.create`); the answer carries the password. A name already
    /// taken or not `alpha_dash` (3 to 48 characters) is a 422; the server's database limit a
    /// 400.
    pub fn create(&self, database: &str, remote: &str) -> C::Out<Database> {
        let p = self.server.with(json!({ "database": database, "remote": remote }));
        self.server.client.typed("server.databases.create", p)
    }

    /// Sets a new random password (`server.databases.rotate_password`); the answer carries it.
    pub fn rotate_password(&self, database_id: &str) -> C::Out<Database> {
        let p = self.server.with(json!({ "database": database_id }));
        self.server.client.typed("server.databases.rotate_password", p)
    }

    /// Drops the database (`server.databases.delete`).
    pub fn delete(&self, database_id: &str) -> C::Out<()> {
        let p = self.server.with(json!({ "database": database_id }));
        self.server.client.unit("server.databases.delete", p)
    }
}
