//! The fake's in-memory database: users, keys, servers, allocations, activity, the power
//! state machine, fault injection, the rate limiter and the request log.

use crate::model::{FeatureLimits, Limits};
use crate::util::{self, unix_from_civil};
use crate::{RecordedRequest, APPLICATION_KEY, MANAGER_KEY, OWNER_KEY, SUBUSER_KEY};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long `starting` and `stopping` last before the server settles.
pub const POWER_STEP: Duration = Duration::from_millis(300);

/// The client API's default throttle (`APP_API_CLIENT_RATELIMIT`, per minute).
pub const DEFAULT_RATE_LIMIT: u32 = 720;
pub const DEFAULT_RATE_WINDOW: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct User {
    pub id: u32,
    pub uuid: &'static str,
    pub username: &'static str,
    pub email: &'static str,
    /// md5 of the lower-cased email, for the gravatar URL.
    pub email_md5: &'static str,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct ApiKey {
    pub token: &'static str,
    pub user_id: u32,
    pub application: bool,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub name: &'static str,
    pub fqdn: &'static str,
    pub sftp_port: u16,
}

#[derive(Clone, Debug)]
pub struct Egg {
    pub uuid: &'static str,
    pub name: &'static str,
    pub features: Option<Vec<String>>,
    /// label -> image, as `eggs.docker_images`.
    pub docker_images: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub description: String,
    pub env_variable: String,
    pub default_value: String,
    pub server_value: Option<String>,
    pub user_viewable: bool,
    pub user_editable: bool,
    pub rules: String,
}

#[derive(Clone, Debug)]
pub struct Subuser {
    pub user_id: u32,
    pub permissions: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Allocation {
    pub id: u32,
    pub node: usize,
    pub ip: String,
    pub ip_alias: Option<String>,
    pub port: u16,
    pub notes: Option<String>,
    pub server_id: Option<u32>,
}

impl Allocation {
    /// `Allocation::toString()`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerState {
    Offline,
    Starting,
    Running,
    Stopping,
}

impl PowerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PowerState::Offline => "offline",
            PowerState::Starting => "starting",
            PowerState::Running => "running",
            PowerState::Stopping => "stopping",
        }
    }
}

/// The power state machine, evaluated lazily: `history` holds every transition, including
/// the ones scheduled for the future (`starting` becomes `running` after [`POWER_STEP`]).
/// A new action drops the scheduled entries that have not happened yet.
#[derive(Clone, Debug)]
pub struct Power {
    pub history: Vec<(Instant, PowerState)>,
}

impl Power {
    fn with(now: Instant, state: PowerState) -> Self {
        Power { history: vec![(now, state)] }
    }

    /// The state at `now`.
    pub fn at(&self, now: Instant) -> PowerState {
        self.history.iter().rev().find(|(t, _)| *t <= now).map(|(_, s)| *s).unwrap_or(PowerState::Offline)
    }

    /// How many transitions have happened by `now` (the history is ordered by time).
    pub fn visible_len(&self, now: Instant) -> usize {
        self.history.iter().take_while(|(t, _)| *t <= now).count()
    }

    fn drop_future(&mut self, now: Instant) {
        self.history.retain(|(t, _)| *t <= now);
    }

    fn push(&mut self, now: Instant, steps: &[(Duration, PowerState)]) {
        self.drop_future(now);
        for (after, state) in steps {
            self.history.push((now + *after, *state));
        }
    }

    pub fn start(&mut self, now: Instant) {
        if self.at(now) == PowerState::Offline {
            self.push(now, &[(Duration::ZERO, PowerState::Starting), (POWER_STEP, PowerState::Running)]);
        }
    }

    pub fn stop(&mut self, now: Instant) {
        if matches!(self.at(now), PowerState::Starting | PowerState::Running) {
            self.push(now, &[(Duration::ZERO, PowerState::Stopping), (POWER_STEP, PowerState::Offline)]);
        }
    }

    pub fn restart(&mut self, now: Instant) {
        self.push(now, &[(Duration::ZERO, PowerState::Starting), (POWER_STEP, PowerState::Running)]);
    }

    pub fn kill(&mut self, now: Instant) {
        if self.at(now) != PowerState::Offline {
            self.push(now, &[(Duration::ZERO, PowerState::Offline)]);
        }
    }

    /// Time since the process last started, zero when offline.
    pub fn uptime(&self, now: Instant) -> Duration {
        let mut since: Option<Instant> = None;
        for (t, s) in self.history.iter().filter(|(t, _)| *t <= now) {
            match s {
                PowerState::Offline => since = None,
                PowerState::Starting => since = Some(*t),
                PowerState::Running | PowerState::Stopping => {
                    since.get_or_insert(*t);
                }
            }
        }
        since.map(|t| now.duration_since(t)).unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
pub struct Server {
    pub id: u32,
    pub uuid: String,
    pub identifier: String,
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    pub owner_id: u32,
    pub node: usize,
    pub egg: usize,
    pub limits: Limits,
    pub feature_limits: FeatureLimits,
    pub docker_image: String,
    pub startup: String,
    /// `servers.status`: `installing`, `suspended`, ... or null.
    pub status: Option<String>,
    /// The primary allocation.
    pub allocation_id: u32,
    pub variables: Vec<Variable>,
    pub subusers: Vec<Subuser>,
    pub power: Power,
    /// Console lines with the time they appeared.
    pub console: Vec<(Instant, String)>,
}

#[derive(Clone, Debug)]
pub struct Activity {
    pub row_id: u64,
    pub server_id: Option<u32>,
    pub actor_id: Option<u32>,
    pub event: String,
    pub is_api: bool,
    pub ip: Option<String>,
    pub properties: Map<String, Value>,
    pub timestamp: i64,
}

#[derive(Clone, Debug)]
pub struct Faults {
    pub slow: Vec<(String, Duration)>,
    pub html: Vec<String>,
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// Faults that replace the answer, by path substring (`faults.rs`).
    pub injected: Vec<(String, crate::faults::Fault)>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            slow: Vec::new(),
            html: Vec::new(),
            injected: Vec::new(),
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_window: DEFAULT_RATE_WINDOW,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Bucket {
    pub started: Instant,
    pub hits: u32,
}

/// Outcome of counting one request against the throttle.
pub struct RateDecision {
    pub limit: u32,
    pub remaining: u32,
    /// `Some(seconds)` when the request is refused.
    pub retry_after: Option<u64>,
}

pub struct State {
    pub base_url: String,
    pub users: Vec<User>,
    pub keys: Vec<ApiKey>,
    pub nodes: Vec<Node>,
    pub eggs: Vec<Egg>,
    pub servers: Vec<Server>,
    pub allocations: Vec<Allocation>,
    pub activity: Vec<Activity>,
    pub faults: Faults,
    pub buckets: HashMap<String, Bucket>,
    pub requests: Vec<RecordedRequest>,
    /// Bumped by every reset so open websockets resynchronise.
    pub generation: u64,
    /// Makes every issued token unique.
    pub token_counter: u64,
    /// Passwords, 2FA, API key metadata and SSH keys (`account.rs`).
    pub accounts: crate::account::Accounts,
    /// Server databases (`databases.rs`).
    pub databases: crate::databases::Databases,
    /// Server backups, including deleted ones for the backup throttle (`backups.rs`).
    pub backups: crate::backups::Backups,
    /// Per-server file trees, signed-URL tokens and the pull throttle (`files.rs`).
    pub files: crate::files::Files,
    /// Schedules and their tasks (`schedules.rs`).
    pub schedules: crate::schedules::Schedules,
    /// Wings' websocket settings and controls (`ws.rs`).
    pub ws: crate::ws::Wings,
}

pub const OWNER_ID: u32 = 1;
pub const HELPER_ID: u32 = 2;
pub const STRANGER_ID: u32 = 3;
pub const MANAGER_ID: u32 = 4;

/// What `helper` may do on `d3aac109`.
pub const HELPER_PERMISSIONS: [&str; 5] =
    ["websocket.connect", "control.console", "control.start", "allocation.read", "activity.read"];

/// What `manager` may do on `d3aac109`: manage subusers, read and create backups.
pub const MANAGER_PERMISSIONS: [&str; 11] = [
    "websocket.connect",
    "user.create",
    "user.read",
    "user.update",
    "user.delete",
    "backup.read",
    "backup.create",
    "database.read",
    "file.read",
    "schedule.read",
    "control.console",
];

const PAPER_STARTUP: &str = "java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}";
const NODE_IP: &str = "45.86.168.218";

fn paper_variables(jar: &str, version: &str, build: &str) -> Vec<Variable> {
    vec![
        Variable {
            name: "Server Jar File".into(),
            description: "The name of the server jarfile to run the server with.".into(),
            env_variable: "SERVER_JARFILE".into(),
            default_value: "server.jar".into(),
            server_value: Some(jar.into()),
            user_viewable: true,
            user_editable: true,
            rules: r"required|regex:/^([\w\d._-]+)(\.jar)$/".into(),
        },
        Variable {
            name: "Minecraft Version".into(),
            description:
                "The version of Minecraft to download. Leave at latest to always get the latest version."
                    .into(),
            env_variable: "MINECRAFT_VERSION".into(),
            default_value: "latest".into(),
            server_value: Some(version.into()),
            user_viewable: true,
            user_editable: true,
            rules: "nullable|string|max:20".into(),
        },
        Variable {
            name: "Build Number".into(),
            description:
                "The build number for the Paper release. Leave at latest to always get the latest version."
                    .into(),
            env_variable: "BUILD_NUMBER".into(),
            default_value: "latest".into(),
            server_value: Some(build.into()),
            user_viewable: true,
            user_editable: false,
            rules: "required|string|max:20".into(),
        },
    ]
}

struct ServerSeed {
    id: u32,
    uuid: &'static str,
    name: &'static str,
    description: &'static str,
    owner_id: u32,
    memory: i64,
    feature_limits: FeatureLimits,
    status: Option<&'static str>,
    running: bool,
    /// (id, port, notes); the first is the primary.
    allocations: &'static [(u32, u16, Option<&'static str>)],
    minecraft_version: &'static str,
}

const SERVERS: [ServerSeed; 6] = [
    ServerSeed {
        id: 1,
        uuid: "d3aac109-e5e0-4331-b03e-3454f7e136dc",
        name: "Survival",
        description: "A vanilla Minecraft survival server",
        owner_id: OWNER_ID,
        memory: 1024,
        feature_limits: FeatureLimits { databases: Some(2), allocations: Some(3), backups: Some(2) },
        status: None,
        running: false,
        allocations: &[(15, 25565, None), (16, 25566, Some("Query port"))],
        minecraft_version: "1.20.4",
    },
    ServerSeed {
        id: 2,
        uuid: "1a7ce997-259b-452e-8b4e-cecc464142ca",
        name: "Creative",
        description: "Creative mode build server",
        owner_id: OWNER_ID,
        memory: 2048,
        feature_limits: FeatureLimits { databases: Some(1), allocations: None, backups: Some(1) },
        status: None,
        running: false,
        allocations: &[(20, 25570, None)],
        minecraft_version: "latest",
    },
    ServerSeed {
        id: 3,
        uuid: "5b2e8f10-6d4c-4a8b-9e2f-3c5d7e9f1a2b",
        name: "Survival Test",
        description: "Staging copy of Survival",
        owner_id: OWNER_ID,
        memory: 1024,
        feature_limits: FeatureLimits { databases: Some(0), allocations: Some(1), backups: Some(0) },
        status: None,
        running: false,
        allocations: &[(30, 25575, None)],
        minecraft_version: "latest",
    },
    ServerSeed {
        id: 4,
        uuid: "7c4d2e11-9f8a-4b6c-8d2e-4f6a8c0e2d4b",
        name: "Skyblock Survival",
        description: "Skyblock with a survival twist",
        owner_id: OWNER_ID,
        memory: 2048,
        feature_limits: FeatureLimits { databases: Some(1), allocations: Some(2), backups: Some(3) },
        status: None,
        running: true,
        allocations: &[(40, 25580, None)],
        minecraft_version: "latest",
    },
    ServerSeed {
        id: 5,
        uuid: "9e8f7a6b-1c2d-4e3f-a5b6-c7d8e9f0a1b2",
        name: "Lobby",
        description: "Network lobby",
        owner_id: OWNER_ID,
        memory: 512,
        feature_limits: FeatureLimits { databases: Some(0), allocations: Some(1), backups: Some(0) },
        status: Some("suspended"),
        running: false,
        allocations: &[(50, 25585, None)],
        minecraft_version: "latest",
    },
    ServerSeed {
        id: 6,
        uuid: "f00dfeed-7e3d-4b2a-9c1f-5e7d9b3a1c0e",
        name: "Stranger's Box",
        description: "Not yours",
        owner_id: STRANGER_ID,
        memory: 1024,
        feature_limits: FeatureLimits { databases: Some(1), allocations: Some(2), backups: Some(1) },
        status: None,
        running: false,
        allocations: &[(60, 25590, None)],
        minecraft_version: "latest",
    },
];

/// Seeded activity on `d3aac109`: (row id, event, actor, properties, timestamp, ip).
/// Row order is deliberately not timestamp order, so `sort` is observable.
fn seeded_activity() -> Vec<Activity> {
    let rows: [(u64, &str, u32, Value, i64, &str); 5] = [
        (
            1,
            "server:file.write",
            OWNER_ID,
            json!({"file": "/server.properties"}),
            unix_from_civil(2024, 10, 21, 8, 5, 42),
            "203.0.113.10",
        ),
        (
            2,
            "server:power.start",
            OWNER_ID,
            json!({}),
            unix_from_civil(2024, 10, 20, 10, 15, 0),
            "203.0.113.10",
        ),
        (
            3,
            "server:console.command",
            HELPER_ID,
            json!({"command": "say Hello from helper"}),
            unix_from_civil(2024, 10, 20, 10, 16, 30),
            "198.51.100.7",
        ),
        (
            4,
            "server:allocation.notes",
            OWNER_ID,
            json!({"allocation": "45.86.168.218:25566", "old": null, "new": "Query port"}),
            unix_from_civil(2024, 10, 18, 14, 2, 11),
            "203.0.113.10",
        ),
        (
            5,
            "server:power.stop",
            OWNER_ID,
            json!({}),
            unix_from_civil(2024, 10, 21, 9, 30, 0),
            "203.0.113.10",
        ),
    ];
    rows.into_iter()
        .map(|(row_id, event, actor, props, ts, ip)| Activity {
            row_id,
            server_id: Some(1),
            actor_id: Some(actor),
            event: event.into(),
            is_api: false,
            ip: Some(ip.into()),
            properties: props.as_object().cloned().unwrap_or_default(),
            timestamp: ts,
        })
        .collect()
}

impl State {
    pub fn seeded(base_url: String) -> State {
        let now = Instant::now();
        let users = vec![
            User {
                id: OWNER_ID,
                uuid: "5f8e6c1a-0b2d-4c3e-9f4a-1b2c3d4e5f60",
                username: "owner",
                email: "owner@example.com",
                email_md5: "4cb1f144288e5d61695b0d3f9c63835c",
                created_at: unix_from_civil(2024, 1, 15, 9, 30, 0),
            },
            User {
                id: HELPER_ID,
                uuid: "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f",
                username: "helper",
                email: "helper@example.com",
                email_md5: "be987748d8d0a0e88f8700a44f026ab9",
                created_at: unix_from_civil(2024, 2, 1, 12, 0, 0),
            },
            User {
                id: STRANGER_ID,
                uuid: "c0ffee00-1234-4abc-9def-0123456789ab",
                username: "stranger",
                email: "stranger@example.com",
                email_md5: "4dc08209fdc002339e308cfba60ff191",
                created_at: unix_from_civil(2024, 3, 3, 3, 3, 3),
            },
            User {
                id: MANAGER_ID,
                uuid: "4d2a9c7e-3b1f-4e8a-a6d5-9f0e1c2b3a4d",
                username: "manager",
                email: "manager@example.com",
                email_md5: "b1414166d24179bc68e843e0d41393a8",
                created_at: unix_from_civil(2024, 4, 4, 4, 4, 4),
            },
        ];
        let keys = vec![
            ApiKey { token: OWNER_KEY, user_id: OWNER_ID, application: false },
            ApiKey { token: SUBUSER_KEY, user_id: HELPER_ID, application: false },
            ApiKey { token: APPLICATION_KEY, user_id: OWNER_ID, application: true },
            ApiKey { token: MANAGER_KEY, user_id: MANAGER_ID, application: false },
        ];
        let nodes = vec![Node { name: "Node 1", fqdn: "node1.example.com", sftp_port: 2022 }];
        let eggs = vec![Egg {
            uuid: "a8f3b7c2-4d5e-4f6a-9b8c-7d6e5f4a3b2c",
            name: "Paper",
            features: Some(vec!["eula".into(), "java_version".into(), "pid_limit".into()]),
            docker_images: vec![
                ("Java 17".into(), "ghcr.io/pterodactyl/yolks:java_17".into()),
                ("Java 21".into(), "ghcr.io/pterodactyl/yolks:java_21".into()),
            ],
        }];

        let mut servers = Vec::new();
        let mut allocations = Vec::new();
        for seed in &SERVERS {
            for (id, port, notes) in seed.allocations {
                allocations.push(Allocation {
                    id: *id,
                    node: 0,
                    ip: NODE_IP.into(),
                    ip_alias: None,
                    port: *port,
                    notes: notes.map(String::from),
                    server_id: Some(seed.id),
                });
            }
            let subusers = if seed.id == 1 {
                vec![
                    Subuser {
                        user_id: HELPER_ID,
                        permissions: HELPER_PERMISSIONS.iter().map(|p| p.to_string()).collect(),
                    },
                    Subuser {
                        user_id: MANAGER_ID,
                        permissions: MANAGER_PERMISSIONS.iter().map(|p| p.to_string()).collect(),
                    },
                ]
            } else {
                Vec::new()
            };
            let (power, console) = if seed.running {
                (
                    Power::with(now, PowerState::Running),
                    vec![
                        (now, "[12:00:00 INFO]: Starting minecraft server version 1.20.4".to_string()),
                        (now, "[12:00:01 INFO]: Preparing level \"world\"".to_string()),
                        (now, "[12:00:03 INFO]: Done (3.214s)! For help, type \"help\"".to_string()),
                    ],
                )
            } else {
                (Power::with(now, PowerState::Offline), Vec::new())
            };
            servers.push(Server {
                id: seed.id,
                uuid: seed.uuid.into(),
                identifier: seed.uuid[..8].into(),
                external_id: None,
                name: seed.name.into(),
                description: seed.description.into(),
                owner_id: seed.owner_id,
                node: 0,
                egg: 0,
                limits: Limits {
                    memory: seed.memory,
                    swap: 0,
                    disk: 5120,
                    io: 500,
                    cpu: 200,
                    threads: None,
                    oom_disabled: true,
                },
                feature_limits: seed.feature_limits,
                docker_image: "ghcr.io/pterodactyl/yolks:java_17".into(),
                startup: PAPER_STARTUP.into(),
                status: seed.status.map(String::from),
                allocation_id: seed.allocations[0].0,
                variables: paper_variables("server.jar", seed.minecraft_version, "latest"),
                subusers,
                power,
                console,
            });
        }

        State {
            base_url,
            users,
            keys,
            nodes,
            eggs,
            servers,
            allocations,
            activity: seeded_activity(),
            faults: Faults::default(),
            buckets: HashMap::new(),
            requests: Vec::new(),
            generation: 0,
            token_counter: 0,
            accounts: crate::account::Accounts::seeded(),
            databases: crate::databases::Databases::seeded(),
            backups: crate::backups::Backups::seeded(),
            files: crate::files::Files::seeded(),
            schedules: crate::schedules::Schedules::seeded(),
            ws: crate::ws::Wings::default(),
        }
    }

    /// Back to the seed; keeps the generation moving so websockets notice.
    pub fn reset(&mut self) {
        let generation = self.generation + 1;
        let counter = self.token_counter;
        let sockets = self.ws.take_sockets();
        *self = State::seeded(std::mem::take(&mut self.base_url));
        self.generation = generation;
        self.token_counter = counter;
        // Sockets stay open across a reset: keep counting them.
        self.ws.restore_sockets(sockets);
    }

    /// Requests whose path contains `path_contains` sleep for `delay` first.
    pub fn set_slow(&mut self, path_contains: &str, delay: Duration) {
        self.faults.slow.retain(|(p, _)| p != path_contains);
        self.faults.slow.push((path_contains.to_string(), delay));
    }

    /// Requests whose path contains `path_contains` get the HTML login page.
    pub fn set_html(&mut self, path_contains: &str) {
        if !self.faults.html.iter().any(|p| p == path_contains) {
            self.faults.html.push(path_contains.to_string());
        }
    }

    /// A new throttle; every key starts a fresh window.
    pub fn set_rate_limit(&mut self, limit: u32, window: Duration) {
        self.faults.rate_limit = limit;
        self.faults.rate_window = window;
        self.buckets.clear();
    }

    pub fn clear_faults(&mut self) {
        self.faults = Faults::default();
        self.buckets.clear();
    }

    pub fn user(&self, id: u32) -> &User {
        self.users.iter().find(|u| u.id == id).expect("seeded user")
    }

    pub fn key(&self, token: &str) -> Option<&ApiKey> {
        self.keys.iter().find(|k| k.token == token)
    }

    pub fn server_index(&self, id: u32) -> Option<usize> {
        self.servers.iter().position(|s| s.id == id)
    }

    pub fn server_by_uuid(&self, uuid: &str) -> Option<usize> {
        self.servers.iter().position(|s| s.uuid == uuid)
    }

    /// `{server}` binding: 8 characters is the short identifier, anything else the uuid.
    pub fn bind_server(&self, param: &str) -> Option<usize> {
        if param.chars().count() == 8 {
            self.servers.iter().position(|s| s.identifier == param)
        } else {
            self.servers.iter().position(|s| s.uuid == param)
        }
    }

    /// Owner or subuser (the fake has no root admins).
    pub fn can_access(&self, server: usize, user: u32) -> bool {
        let s = &self.servers[server];
        s.owner_id == user || s.subusers.iter().any(|su| su.user_id == user)
    }

    /// `$user->can($permission, $server)`.
    pub fn can(&self, server: usize, user: u32, permission: &str) -> bool {
        let s = &self.servers[server];
        if s.owner_id == user {
            return true;
        }
        s.subusers
            .iter()
            .find(|su| su.user_id == user)
            .is_some_and(|su| su.permissions.iter().any(|p| p == permission))
    }

    /// `GetUserPermissionsService`: `["*"]` for the owner, the subuser's keys otherwise.
    pub fn user_permissions(&self, server: usize, user: u32) -> Vec<String> {
        let s = &self.servers[server];
        if s.owner_id == user {
            return vec!["*".into()];
        }
        s.subusers.iter().find(|su| su.user_id == user).map(|su| su.permissions.clone()).unwrap_or_default()
    }

    pub fn server_allocations(&self, server_id: u32) -> Vec<&Allocation> {
        let mut list: Vec<&Allocation> =
            self.allocations.iter().filter(|a| a.server_id == Some(server_id)).collect();
        list.sort_by_key(|a| a.id);
        list
    }

    pub fn primary_allocation(&self, server: usize) -> Option<&Allocation> {
        let id = self.servers[server].allocation_id;
        self.allocations.iter().find(|a| a.id == id)
    }

    /// `StartupCommandService::handle`.
    pub fn render_startup(&self, server: usize, hide_values: bool) -> String {
        let s = &self.servers[server];
        let (ip, port) =
            self.primary_allocation(server).map(|a| (a.ip.clone(), a.port.to_string())).unwrap_or_default();
        let mut out = s
            .startup
            .replace("{{SERVER_MEMORY}}", &s.limits.memory.to_string())
            .replace("{{SERVER_IP}}", &ip)
            .replace("{{SERVER_PORT}}", &port);
        for v in &s.variables {
            let value = if v.user_viewable && !hide_values {
                v.server_value.clone().unwrap_or_else(|| v.default_value.clone())
            } else {
                "[hidden]".to_string()
            };
            out = out.replace(&format!("{{{{{}}}}}", v.env_variable), &value);
        }
        out
    }

    /// Appends an activity entry made through the API by `actor`.
    pub fn log_activity(&mut self, server_id: u32, actor: u32, event: &str, properties: Value) {
        self.record_activity(server_id, actor, event, properties, true);
    }

    /// Appends an activity entry; Wings-reported (websocket) entries are not `is_api`.
    pub fn record_activity(
        &mut self,
        server_id: u32,
        actor: u32,
        event: &str,
        properties: Value,
        is_api: bool,
    ) {
        let row_id = self.activity.iter().map(|a| a.row_id).max().unwrap_or(0) + 1;
        self.activity.push(Activity {
            row_id,
            server_id: Some(server_id),
            actor_id: Some(actor),
            event: event.into(),
            is_api,
            ip: Some("127.0.0.1".into()),
            properties: properties.as_object().cloned().unwrap_or_default(),
            timestamp: util::unix_now(),
        });
    }

    /// Counts a request against `key`'s fixed window.
    pub fn hit(&mut self, key: &str, now: Instant) -> RateDecision {
        let limit = self.faults.rate_limit;
        let window = self.faults.rate_window;
        let bucket = self.buckets.entry(key.to_string()).or_insert(Bucket { started: now, hits: 0 });
        if now.duration_since(bucket.started) >= window {
            *bucket = Bucket { started: now, hits: 0 };
        }
        if bucket.hits >= limit {
            let left = window.saturating_sub(now.duration_since(bucket.started));
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return RateDecision { limit, remaining: 0, retry_after: Some(secs.max(1)) };
        }
        bucket.hits += 1;
        RateDecision { limit, remaining: limit - bucket.hits, retry_after: None }
    }

    /// Emits a line on the server's console.
    pub fn console_line(&mut self, server: usize, line: String) {
        self.servers[server].console.push((Instant::now(), line));
    }
}
