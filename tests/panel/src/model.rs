//! The panel's JSON, written from the fake's own types.
//!
//! These mirror the panel's Fractal transformers (`app/Transformers/Api/Client/*`) and the
//! `PterodactylSerializer` envelope. They are deliberately not shared with the client crate:
//! a field name that is wrong on one side must make a test fail.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `{"object": <name>, "attributes": {...}}`
#[derive(Serialize, Debug)]
pub struct Item<T> {
    pub object: &'static str,
    pub attributes: T,
}

impl<T> Item<T> {
    pub fn new(object: &'static str, attributes: T) -> Self {
        Item { object, attributes }
    }
}

/// `{"object": "list", "data": [item...]}`
#[derive(Serialize, Debug)]
pub struct List<T> {
    pub object: &'static str,
    pub data: Vec<Item<T>>,
}

impl<T> List<T> {
    /// A list whose items all carry the resource name `item_object`.
    pub fn of(item_object: &'static str, items: Vec<T>) -> Self {
        List { object: "list", data: items.into_iter().map(|a| Item::new(item_object, a)).collect() }
    }
}

/// `{"object": "null_resource", "attributes": null}`
#[derive(Serialize, Debug)]
pub struct NullResource {
    pub object: &'static str,
    pub attributes: Option<()>,
}

impl NullResource {
    pub fn new() -> Self {
        NullResource { object: "null_resource", attributes: None }
    }
}

/// An include that is either the resource or a `null_resource`.
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum OrNull<T> {
    Value(T),
    Null(NullResource),
}

/// A body with a top-level `meta` next to it.
#[derive(Serialize, Debug)]
pub struct WithMeta<B, M> {
    #[serde(flatten)]
    pub body: B,
    pub meta: M,
}

#[derive(Serialize, Debug)]
pub struct PaginationMeta {
    pub pagination: Pagination,
}

#[derive(Serialize, Debug)]
pub struct Pagination {
    pub total: usize,
    pub count: usize,
    pub per_page: i64,
    pub current_page: usize,
    pub total_pages: usize,
    pub links: Links,
}

/// Serialises as `{}` when both are absent, as Fractal does.
#[derive(Serialize, Debug, Default)]
pub struct Links {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `ServerTransformer`.
#[derive(Serialize, Debug)]
pub struct ServerAttributes {
    pub server_owner: bool,
    pub identifier: String,
    pub internal_id: u32,
    pub uuid: String,
    pub name: String,
    pub node: String,
    pub is_node_under_maintenance: bool,
    pub sftp_details: SftpDetails,
    pub description: String,
    pub limits: Limits,
    pub invocation: String,
    pub docker_image: String,
    pub egg_features: Option<Vec<String>>,
    pub feature_limits: FeatureLimits,
    pub status: Option<String>,
    pub is_suspended: bool,
    pub is_installing: bool,
    pub is_transferring: bool,
    pub relationships: ServerRelationships,
}

#[derive(Serialize, Debug)]
pub struct SftpDetails {
    pub ip: String,
    pub port: u16,
}

#[derive(Serialize, Debug, Clone)]
pub struct Limits {
    pub memory: i64,
    pub swap: i64,
    pub disk: i64,
    pub io: i64,
    pub cpu: i64,
    pub threads: Option<String>,
    pub oom_disabled: bool,
}

#[derive(Serialize, Debug, Clone, Copy)]
pub struct FeatureLimits {
    pub databases: Option<u32>,
    pub allocations: Option<u32>,
    pub backups: Option<u32>,
}

#[derive(Serialize, Debug)]
pub struct ServerRelationships {
    pub allocations: List<AllocationAttributes>,
    pub variables: OrNull<List<EggVariableAttributes>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egg: Option<Item<EggAttributes>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subusers: Option<OrNull<List<SubuserAttributes>>>,
}

/// `meta` of `GET /servers/{server}`.
#[derive(Serialize, Debug)]
pub struct ServerMeta {
    pub is_server_owner: bool,
    pub user_permissions: Vec<String>,
}

/// `AllocationTransformer`.
#[derive(Serialize, Debug)]
pub struct AllocationAttributes {
    pub id: u32,
    pub ip: String,
    pub ip_alias: Option<String>,
    pub port: u16,
    pub notes: Option<String>,
    pub is_default: bool,
}

/// `EggVariableTransformer`.
#[derive(Serialize, Debug)]
pub struct EggVariableAttributes {
    pub name: String,
    pub description: String,
    pub env_variable: String,
    pub default_value: String,
    pub server_value: Option<String>,
    pub is_editable: bool,
    pub rules: String,
}

/// `EggTransformer`.
#[derive(Serialize, Debug)]
pub struct EggAttributes {
    pub uuid: String,
    pub name: String,
}

/// `UserTransformer`.
#[derive(Serialize, Debug)]
pub struct UserAttributes {
    pub uuid: String,
    pub username: String,
    pub email: String,
    pub image: String,
    #[serde(rename = "2fa_enabled")]
    pub two_factor_enabled: bool,
    pub created_at: String,
}

/// `SubuserTransformer`: the user's fields plus `permissions`.
#[derive(Serialize, Debug)]
pub struct SubuserAttributes {
    #[serde(flatten)]
    pub user: UserAttributes,
    pub permissions: Vec<String>,
}

/// `StatsTransformer`.
#[derive(Serialize, Debug)]
pub struct StatsAttributes {
    pub current_state: String,
    pub is_suspended: bool,
    pub resources: Resources,
}

#[derive(Serialize, Debug)]
pub struct Resources {
    pub memory_bytes: u64,
    pub cpu_absolute: f64,
    pub disk_bytes: u64,
    pub network_rx_bytes: u64,
    pub network_tx_bytes: u64,
    pub uptime: u64,
}

/// `ActivityLogTransformer`.
#[derive(Serialize, Debug)]
pub struct ActivityAttributes {
    pub id: String,
    pub batch: Option<String>,
    pub event: String,
    pub is_api: bool,
    pub ip: Option<String>,
    pub description: Option<String>,
    pub properties: Map<String, Value>,
    pub has_additional_metadata: bool,
    pub timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<ActivityRelationships>,
}

#[derive(Serialize, Debug)]
pub struct ActivityRelationships {
    pub actor: OrNull<Item<UserAttributes>>,
}

/// `meta` of `GET /servers/{server}/startup`.
#[derive(Serialize, Debug)]
pub struct StartupMeta {
    pub startup_command: String,
    pub docker_images: BTreeMap<String, String>,
    pub raw_startup_command: String,
}

/// `meta` of `PUT /servers/{server}/startup/variable`.
#[derive(Serialize, Debug)]
pub struct StartupVariableMeta {
    pub startup_command: String,
    pub raw_startup_command: String,
}

/// `GET /permissions`.
#[derive(Serialize, Debug)]
pub struct SystemPermissions {
    pub permissions: BTreeMap<&'static str, PermissionGroup>,
}

#[derive(Serialize, Debug)]
pub struct PermissionGroup {
    pub description: &'static str,
    pub keys: BTreeMap<&'static str, &'static str>,
}

/// `GET /servers/{server}/websocket` (not Fractal).
#[derive(Serialize, Debug)]
pub struct WebsocketResponse {
    pub data: WebsocketCredentials,
}

#[derive(Serialize, Debug)]
pub struct WebsocketCredentials {
    pub token: String,
    pub socket: String,
}

/// Wings' `stats` websocket payload (`server.ResourceUsage`).
#[derive(Serialize, Debug)]
pub struct WingsStats {
    pub memory_bytes: u64,
    pub memory_limit_bytes: u64,
    pub cpu_absolute: f64,
    pub network: WingsNetwork,
    pub uptime: u64,
    pub state: String,
    pub disk_bytes: u64,
}

#[derive(Serialize, Debug)]
pub struct WingsNetwork {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

/// `{"errors": [...]}` as rendered by the panel's exception handler.
#[derive(Serialize, Debug)]
pub struct ErrorBody {
    pub errors: Vec<ErrorItem>,
}

#[derive(Serialize, Debug, Clone)]
pub struct ErrorItem {
    pub code: String,
    pub status: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ErrorMeta>,
}

#[derive(Serialize, Debug, Clone)]
pub struct ErrorMeta {
    pub source_field: String,
    pub rule: Option<String>,
}
