//! [`ServerHandle`]: one server, its own operations, and the handles of its areas.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{
    object, to_params, Activity, Allocations, Backups, Databases, Files, Schedules, Settings, StartupApi,
    Users,
};
use crate::client::Client;
use crate::error::Result;
use crate::models::{PowerSignal, ServerDetails, Stats, WebsocketCredentials};

/// A handle on one server. Cheap; makes no request until a method is called.
#[derive(Clone, Debug)]
pub struct ServerHandle<'c> {
    pub(super) client: &'c Client,
    id: String,
}

impl<'c> ServerHandle<'c> {
    pub(super) fn new(client: &'c Client, id: &str) -> Self {
        ServerHandle { client, id: id.to_owned() }
    }

    /// The identifier this handle was made with.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(super) fn params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("server".into(), Value::String(self.id.clone()));
        m
    }

    pub(super) fn with(&self, extra: Value) -> Map<String, Value> {
        let mut m = self.params();
        m.extend(object(extra));
        m
    }

    /// The server's parameter plus the fields of a parameter struct.
    pub(super) fn with_params<P: Serialize>(&self, params: &P) -> Result<Map<String, Value>> {
        let mut m = self.params();
        m.extend(to_params(params)?);
        Ok(m)
    }

    /// The server, with what the key may do on it (`server.get`).
    pub fn details(&self) -> Result<ServerDetails> {
        self.client.typed("server.get", self.params())
    }

    /// The server with relationships included (`egg`, `subusers`).
    pub fn details_with(&self, include: &[&str]) -> Result<ServerDetails> {
        self.client.typed("server.get", self.with(json!({ "include": include })))
    }

    /// Live state and resource usage (`server.resources`).
    pub fn resources(&self) -> Result<Stats> {
        self.client.typed("server.resources", self.params())
    }

    /// Sends a power signal (`server.power`). Never retried once it may have reached the panel.
    pub fn power(&self, signal: PowerSignal) -> Result<()> {
        self.client.unit("server.power", self.with(json!({ "signal": signal })))
    }

    /// `power(PowerSignal::Start)`.
    pub fn start(&self) -> Result<()> {
        self.power(PowerSignal::Start)
    }

    /// `power(PowerSignal::Stop)`.
    pub fn stop(&self) -> Result<()> {
        self.power(PowerSignal::Stop)
    }

    /// `power(PowerSignal::Restart)`.
    pub fn restart(&self) -> Result<()> {
        self.power(PowerSignal::Restart)
    }

    /// `power(PowerSignal::Kill)`.
    pub fn kill(&self) -> Result<()> {
        self.power(PowerSignal::Kill)
    }

    /// Sends a console command (`server.command`). The server must be running (the panel
    /// answers 502 otherwise). Never retried once it may have reached the panel.
    pub fn command(&self, command: &str) -> Result<()> {
        self.client.unit("server.command", self.with(json!({ "command": command })))
    }

    /// A websocket token and the socket address (`server.websocket`).
    pub fn websocket(&self) -> Result<WebsocketCredentials> {
        self.client.typed("server.websocket", self.params())
    }

    /// The activity log.
    pub fn activity(&self) -> Activity<'c> {
        Activity { server: self.clone() }
    }

    /// Startup variables.
    pub fn startup(&self) -> StartupApi<'c> {
        StartupApi { server: self.clone() }
    }

    /// Name, reinstall, Docker image.
    pub fn settings(&self) -> Settings<'c> {
        Settings { server: self.clone() }
    }

    /// Network allocations.
    pub fn allocations(&self) -> Allocations<'c> {
        Allocations { server: self.clone() }
    }

    /// Databases.
    pub fn databases(&self) -> Databases<'c> {
        Databases { server: self.clone() }
    }

    /// Files.
    pub fn files(&self) -> Files<'c> {
        Files { server: self.clone() }
    }

    /// Schedules and their tasks.
    pub fn schedules(&self) -> Schedules<'c> {
        Schedules { server: self.clone() }
    }

    /// Subusers.
    pub fn users(&self) -> Users<'c> {
        Users { server: self.clone() }
    }

    /// Backups.
    pub fn backups(&self) -> Backups<'c> {
        Backups { server: self.clone() }
    }
}
