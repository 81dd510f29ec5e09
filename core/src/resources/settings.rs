//! `server.startup.*` and `server.settings.*`.

use serde_json::{json, Value};

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::models::{Startup, UpdatedVariable};

/// `server.startup.*`.
#[derive(Clone, Debug)]
pub struct StartupApi<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> StartupApi<'_, C> {
    /// The variables, startup command and Docker images (`server.startup.get`).
    pub fn get(&self) -> C::Out<Startup> {
        self.server.client.typed("server.startup.get", self.server.params())
    }

    /// Sets a variable by its environment name (`server.startup.set_variable`). The panel checks
    /// the value against the variable's own rules (422 with the field named).
    pub fn set_variable(&self, key: &str, value: &str) -> C::Out<UpdatedVariable> {
        let p = self.server.with(json!({ "key": key, "value": value }));
        self.server.client.typed("server.startup.set_variable", p)
    }
}

/// `server.settings.*`.
#[derive(Clone, Debug)]
pub struct Settings<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Settings<'_, C> {
    /// Renames the server (`server.settings.rename`). With `description: None` the description
    /// is left as it is.
    pub fn rename(&self, name: &str, description: Option<&str>) -> C::Out<()> {
        let mut p = self.server.with(json!({ "name": name }));
        if let Some(d) = description {
            p.insert("description".into(), Value::String(d.to_owned()));
        }
        self.server.client.unit("server.settings.rename", p)
    }

    /// Reinstalls the server (`server.settings.reinstall`); it is `installing` afterwards and
    /// most routes answer 409 until it is done.
    pub fn reinstall(&self) -> C::Out<()> {
        self.server.client.unit("server.settings.reinstall", self.server.params())
    }

    /// Switches to one of the egg's Docker images (`server.settings.docker_image`).
    pub fn set_docker_image(&self, image: &str) -> C::Out<()> {
        let p = self.server.with(json!({ "docker_image": image }));
        self.server.client.unit("server.settings.docker_image", p)
    }
}
