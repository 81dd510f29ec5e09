//! Servers: the server itself, its allocations, variables, live stats, websocket credentials,
//! startup, and power signals.

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::{is_absent, present, Subuser};

model! {
    /// A server as `servers.list` and `server.get` describe it (`ServerTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Server {
        /// Whether the key's user owns the server.
        pub server_owner: bool,
        /// The short identifier used in URLs (8 characters, or `serv_…` on newer panels).
        pub identifier: String,
        /// The panel's internal numeric id.
        pub internal_id: u64,
        /// The full UUID.
        pub uuid: String,
        /// Display name.
        pub name: String,
        /// Name of the node the server runs on.
        pub node: String,
        /// Whether that node is in maintenance mode.
        pub is_node_under_maintenance: bool,
        /// Where to connect with SFTP.
        pub sftp_details: SftpDetails,
        /// Description (absent on Pelican when descriptions are not editable).
        #[serde(default)]
        pub description: Option<String>,
        /// Resource limits.
        pub limits: Limits,
        /// The rendered startup command.
        pub invocation: String,
        /// The Docker image in use.
        pub docker_image: String,
        /// Features of the egg (`eula`, `java_version`, ...).
        #[serde(default)]
        pub egg_features: Option<Vec<String>>,
        /// How many databases, allocations and backups the server may have.
        pub feature_limits: FeatureLimits,
        /// `installing`, `install_failed`, `reinstall_failed`, `suspended`, `restoring_backup` or
        /// `None` when the server is ready.
        #[serde(default)]
        pub status: Option<String>,
        /// Deprecated by the panel in favour of `status`.
        #[serde(default)]
        pub is_suspended: bool,
        /// Deprecated by the panel in favour of `status`.
        #[serde(default)]
        pub is_installing: bool,
        /// Whether the server is being moved to another node.
        #[serde(default)]
        pub is_transferring: bool,
        /// Included relationships.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relationships: Option<ServerRelationships>,
    }
}

model! {
    /// SFTP connection details.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct SftpDetails {
        /// Host name or address.
        pub ip: String,
        /// Port.
        pub port: u16,
    }
}

model! {
    /// A server's resource limits.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Limits {
        /// Memory in MiB (0 = unlimited).
        pub memory: i64,
        /// Swap in MiB (-1 = unlimited).
        pub swap: i64,
        /// Disk in MiB (0 = unlimited).
        pub disk: i64,
        /// Block IO weight.
        pub io: i64,
        /// CPU limit in percent of one core (0 = unlimited).
        pub cpu: i64,
        /// CPU pinning, e.g. `"0-1,3"`.
        #[serde(default)]
        pub threads: Option<String>,
        /// Whether the OOM killer is disabled.
        #[serde(default)]
        pub oom_disabled: Option<bool>,
    }
}

model! {
    /// How many databases, allocations and backups a server may have (`None` = no limit set).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct FeatureLimits {
        /// Databases.
        #[serde(default)]
        pub databases: Option<i64>,
        /// Allocations.
        #[serde(default)]
        pub allocations: Option<i64>,
        /// Backups.
        #[serde(default)]
        pub backups: Option<i64>,
    }
}

model! {
    /// Relationships of a server. A relationship the key may not see is `None`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ServerRelationships {
        /// Allocations (only the primary one, without notes, without `allocation.read`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allocations: Option<Vec<Allocation>>,
        /// Startup variables (`None` without `startup.read`).
        #[serde(default, skip_serializing_if = "is_absent", deserialize_with = "present")]
        pub variables: Option<Option<Vec<EggVariable>>>,
        /// The egg, with `include=egg`.
        #[serde(default, skip_serializing_if = "is_absent", deserialize_with = "present")]
        pub egg: Option<Option<Egg>>,
        /// Subusers, with `include=subusers` (`None` without `user.read`).
        #[serde(default, skip_serializing_if = "is_absent", deserialize_with = "present")]
        pub subusers: Option<Option<Vec<Subuser>>>,
    }
}

model! {
    /// A network allocation (`AllocationTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Allocation {
        /// Allocation id, used in the allocation routes.
        pub id: u64,
        /// IP address.
        pub ip: String,
        /// Alias of the IP, if any.
        #[serde(default)]
        pub ip_alias: Option<String>,
        /// Port.
        pub port: u16,
        /// Notes.
        #[serde(default)]
        pub notes: Option<String>,
        /// Whether this is the server's primary allocation.
        pub is_default: bool,
    }
}

model! {
    /// A startup variable (`EggVariableTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct EggVariable {
        /// Display name.
        pub name: String,
        /// Description.
        #[serde(default)]
        pub description: String,
        /// Environment variable name, the `key` of `set_variable`.
        pub env_variable: String,
        /// The egg's default.
        #[serde(default)]
        pub default_value: String,
        /// The server's value.
        #[serde(default)]
        pub server_value: Option<String>,
        /// Whether the user may change it.
        pub is_editable: bool,
        /// Laravel validation rules, pipe-delimited.
        #[serde(default)]
        pub rules: String,
    }
}

model! {
    /// An egg, with `include=egg`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Egg {
        /// UUID.
        pub uuid: String,
        /// Name.
        pub name: String,
    }
}

/// `server.get`: the server plus what the key's user may do on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServerDetails {
    /// The server.
    #[serde(flatten)]
    pub server: Server,
    /// The answer's `meta`.
    pub meta: ServerMeta,
}

impl Deref for ServerDetails {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

model! {
    /// `meta` of `server.get`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ServerMeta {
        /// Whether the key's user owns the server.
        pub is_server_owner: bool,
        /// The user's permissions on it (`["*"]` for owners and admins).
        pub user_permissions: Vec<String>,
    }
}

model! {
    /// `server.resources`: live state and usage (`StatsTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Stats {
        /// `offline`, `starting`, `running` or `stopping`.
        pub current_state: String,
        /// Whether the server is suspended.
        pub is_suspended: bool,
        /// Usage figures.
        pub resources: ResourceUsage,
    }
}

impl Stats {
    /// The state as an enum.
    pub fn state(&self) -> ServerState {
        ServerState::from_wire(&self.current_state)
    }
}

/// A server's power state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerState {
    /// Not running.
    Offline,
    /// Booting.
    Starting,
    /// Up.
    Running,
    /// Shutting down.
    Stopping,
    /// A state this crate does not know.
    Unknown,
}

impl ServerState {
    fn from_wire(s: &str) -> ServerState {
        match s {
            "offline" | "stopped" => ServerState::Offline,
            "starting" => ServerState::Starting,
            "running" => ServerState::Running,
            "stopping" => ServerState::Stopping,
            _ => ServerState::Unknown,
        }
    }
}

model! {
    /// Usage figures of `server.resources`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ResourceUsage {
        /// Memory in use, bytes.
        pub memory_bytes: u64,
        /// CPU use in percent of one core.
        pub cpu_absolute: f64,
        /// Disk in use, bytes.
        pub disk_bytes: u64,
        /// Bytes received.
        pub network_rx_bytes: u64,
        /// Bytes sent.
        pub network_tx_bytes: u64,
        /// Uptime in milliseconds.
        #[serde(default)]
        pub uptime: u64,
    }
}

model! {
    /// `server.websocket`: a token and the socket address of Wings.
    #[derive(Clone, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct WebsocketCredentials {
        /// JWT for the `auth` event; lives 10 minutes.
        pub token: String,
        /// `wss://node:port/api/servers/<uuid>/ws`.
        pub socket: String,
    }
}

impl std::fmt::Debug for WebsocketCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebsocketCredentials")
            .field("token", &"<redacted>")
            .field("socket", &self.socket)
            .finish_non_exhaustive()
    }
}

/// `server.startup.get`: the variables plus the startup command and images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Startup {
    /// The variables the user may see.
    pub data: Vec<EggVariable>,
    /// Startup command and Docker images.
    pub meta: StartupMeta,
}

model! {
    /// `meta` of `server.startup.get`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct StartupMeta {
        /// The startup command with values filled in.
        pub startup_command: String,
        /// Label → image the server may switch to with `set_docker_image`.
        #[serde(default)]
        pub docker_images: BTreeMap<String, String>,
        /// The startup command with `{{VARIABLE}}` placeholders.
        #[serde(default)]
        pub raw_startup_command: String,
    }
}

/// `server.startup.set_variable`: the variable as saved, and the new startup command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdatedVariable {
    /// The variable.
    #[serde(flatten)]
    pub variable: EggVariable,
    /// The new startup command.
    pub meta: UpdatedVariableMeta,
}

impl Deref for UpdatedVariable {
    type Target = EggVariable;
    fn deref(&self) -> &EggVariable {
        &self.variable
    }
}

model! {
    /// `meta` of `server.startup.set_variable`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct UpdatedVariableMeta {
        /// The startup command with values filled in.
        pub startup_command: String,
        /// The startup command with placeholders.
        #[serde(default)]
        pub raw_startup_command: String,
    }
}

/// A power signal for `server.power`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerSignal {
    /// Start the server.
    Start,
    /// Stop it gracefully.
    Stop,
    /// Stop then start.
    Restart,
    /// Kill the process at once.
    Kill,
}

impl PowerSignal {
    /// The signal as the panel spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            PowerSignal::Start => "start",
            PowerSignal::Stop => "stop",
            PowerSignal::Restart => "restart",
            PowerSignal::Kill => "kill",
        }
    }
}

impl std::str::FromStr for PowerSignal {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "start" => Ok(PowerSignal::Start),
            "stop" => Ok(PowerSignal::Stop),
            "restart" => Ok(PowerSignal::Restart),
            "kill" => Ok(PowerSignal::Kill),
            other => Err(crate::Error::InvalidInput(format!(
                "unknown power signal {other:?}; expected start, stop, restart or kill"
            ))),
        }
    }
}
