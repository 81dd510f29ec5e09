//! [`ServerHandle`]: one server, its own operations, and the handles of its areas.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{
    object, to_params, Activity, Allocations, Backups, Caller, Databases, Files, Schedules, Settings,
    StartupApi, Users,
};
use crate::client::Client;
use crate::console::{Console, ConsoleOptions};
use crate::error::Result;
use crate::models::{PowerSignal, ServerDetails, Stats, WebsocketCredentials};

/// A handle on one server. Cheap; makes no request until a method is called.
#[derive(Clone, Debug)]
pub struct ServerHandle<'c, C = Client> {
    pub(super) client: &'c C,
    id: String,
}

impl<'c, C: Caller> ServerHandle<'c, C> {
    pub(crate) fn new(client: &'c C, id: &str) -> Self {
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

    /// The server's parameter, the fields of a parameter struct, and `extra`.
    pub(super) fn with_params_and<P: Serialize>(
        &self,
        params: &P,
        extra: Value,
    ) -> Result<Map<String, Value>> {
        let mut m = self.with_params(params)?;
        m.extend(object(extra));
        Ok(m)
    }

    /// The server, with what the key may do on it (`server.get`).
    pub fn details(&self) -> C::Out<ServerDetails> {
        self.client.typed("server.get", self.params())
    }

    /// The server with relationships included (`egg`, `subusers`).
    pub fn details_with(&self, include: &[&str]) -> C::Out<ServerDetails> {
        self.client.typed("server.get", self.with(json!({ "include": include })))
    }

    /// Live state and resource usage (`server.resources`).
    pub fn resources(&self) -> C::Out<Stats> {
        self.client.typed("server.resources", self.params())
    }

    /// Sends a power signal (`server.power`). Never retried once it may have reached the panel.
    pub fn power(&self, signal: PowerSignal) -> C::Out<()> {
        self.client.unit("server.power", self.with(json!({ "signal": signal })))
    }

    /// `power(PowerSignal::Start)`.
    pub fn start(&self) -> C::Out<()> {
        self.power(PowerSignal::Start)
    }

    /// `power(PowerSignal::Stop)`.
    pub fn stop(&self) -> C::Out<()> {
        self.power(PowerSignal::Stop)
    }

    /// `power(PowerSignal::Restart)`.
    pub fn restart(&self) -> C::Out<()> {
        self.power(PowerSignal::Restart)
    }

    /// `power(PowerSignal::Kill)`.
    pub fn kill(&self) -> C::Out<()> {
        self.power(PowerSignal::Kill)
    }

    /// Sends a console command (`server.command`). The server must be running (the panel
    /// answers 502 otherwise). Never retried once it may have reached the panel.
    pub fn command(&self, command: &str) -> C::Out<()> {
        self.client.unit("server.command", self.with(json!({ "command": command })))
    }

    /// A websocket token and the socket address (`server.websocket`).
    pub fn websocket(&self) -> C::Out<WebsocketCredentials> {
        self.client.typed("server.websocket", self.params())
    }

    /// The activity log.
    pub fn activity(&self) -> Activity<'c, C> {
        Activity { server: self.clone() }
    }

    /// Startup variables.
    pub fn startup(&self) -> StartupApi<'c, C> {
        StartupApi { server: self.clone() }
    }

    /// Name, reinstall, Docker image.
    pub fn settings(&self) -> Settings<'c, C> {
        Settings { server: self.clone() }
    }

    /// Network allocations.
    pub fn allocations(&self) -> Allocations<'c, C> {
        Allocations { server: self.clone() }
    }

    /// Databases.
    pub fn databases(&self) -> Databases<'c, C> {
        Databases { server: self.clone() }
    }

    /// Files.
    pub fn files(&self) -> Files<'c, C> {
        Files { server: self.clone() }
    }

    /// Schedules and their tasks.
    pub fn schedules(&self) -> Schedules<'c, C> {
        Schedules { server: self.clone() }
    }

    /// Subusers.
    pub fn users(&self) -> Users<'c, C> {
        Users { server: self.clone() }
    }

    /// Backups.
    pub fn backups(&self) -> Backups<'c, C> {
        Backups { server: self.clone() }
    }
}

impl ServerHandle<'_, Client> {
    /// Opens the server's live console over the Wings websocket (see [`Console`]): events in,
    /// commands and power actions out, kept alive across token expiry and lost connections.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let console = client.server("d3aac109").console()?;
    /// console.send_command("say Hello")?;
    /// for event in &console {
    ///     if let pterodactyl_client::Event::Output(line) = event? {
    ///         println!("{line}");
    ///     }
    /// }
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn console(&self) -> Result<Console> {
        Console::open(self.client, &self.id, ConsoleOptions::default())
    }

    /// [`ServerHandle::console`] with options (another `Origin`, send timeout, back-off, ...).
    pub fn console_with(&self, options: ConsoleOptions) -> Result<Console> {
        Console::open(self.client, &self.id, options)
    }
}
