//! The one table of Client API operations, and each operation's declaration.
//!
//! Every endpoint of `/api/client` is one row here: a stable id (the ids of
//! `shared/reference/operations.tsv`), the HTTP method, the path template (relative to
//! `/api/client`), the success status, the permission a subuser needs, and its **declaration**:
//! every parameter (panel name, type, where it goes, whether it is required, a one-line doc), the
//! shape of its result and a one-line summary.
//!
//! Everything else reads this table:
//! * the core checks every call against it, typed or generic, before a request is made
//!   (unknown parameters refused with a "did you mean", enums and types checked, required
//!   parameters named when missing) and builds the URL and body from it (`request.rs`);
//! * `cargo run -p xtask -- codegen` derives the C typed functions (`ffi/src/generated.rs`, and
//!   so the header), the Python methods and their types (`python/pterodactyl/_api.py`), the
//!   operations reference (`docs/operations.md`) and the Rust coverage test from it;
//! * `ptero_operations()` (C) and `pterodactyl.operations()` (Python) hand it out as JSON.

use std::fmt;

use serde::Serialize;

use crate::error::{Error, Result};

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`: safe to retry.
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether a request with this method may be repeated without changing the outcome.
    /// Only these are retried after they may have reached the panel.
    pub const fn is_idempotent(self) -> bool {
        matches!(self, Method::Get)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a parameter goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A `{name}` segment of the path: always required, always exactly one plain segment.
    Path,
    /// The query string (`filter` objects become `filter[..]`, lists are comma-joined).
    Query,
    /// A field of the JSON request body.
    Body,
    /// The raw request body itself (`server.files.write`), sent byte for byte.
    Content,
}

/// The type of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "values")]
pub enum Kind {
    /// A string.
    Str,
    /// A non-negative integer (an id, a page number, seconds).
    Int,
    /// `true` or `false`.
    Bool,
    /// One of a closed set of strings.
    Enum(&'static [&'static str]),
    /// A list of strings.
    List,
    /// Relationships to include: a list of names, or one comma-separated string.
    Include,
    /// `filter[name]=value` pairs; the names the panel accepts are listed.
    Filter(&'static [&'static str]),
    /// A list of objects, e.g. `[{"from": "a", "to": "b"}]`.
    Objects,
    /// Raw bytes (the file content of `server.files.write`; a string in the generic call).
    Bytes,
}

impl Kind {
    /// The kind's name as the `operations()` listings spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Str => "str",
            Kind::Int => "int",
            Kind::Bool => "bool",
            Kind::Enum(_) => "enum",
            Kind::List => "list",
            Kind::Include => "include",
            Kind::Filter(_) => "filter",
            Kind::Objects => "objects",
            Kind::Bytes => "bytes",
        }
    }
}

/// Whether a parameter must be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Must be given, and not `null`.
    Required,
    /// May be left out (or given as `null`, which means "not sent").
    Optional,
    /// Must be sent, but may be `null` (the panel's `present|nullable`, e.g. allocation notes):
    /// left out, it is sent as `null`.
    Nullable,
    /// May be left out; it then takes the value of the named parameter
    /// (`password_confirmation` defaults to `password`).
    DefaultsTo(&'static str),
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Param {
    /// The panel's name for it (`signal`, `allocation`, `per_page`).
    pub name: &'static str,
    /// Its type.
    #[serde(flatten)]
    pub kind: Kind,
    /// Where it goes.
    pub place: Place,
    /// Whether it must be given.
    pub presence: Presence,
    /// One line for people.
    pub doc: &'static str,
}

impl Param {
    /// Whether a caller must give it.
    pub const fn is_required(&self) -> bool {
        matches!(self.presence, Presence::Required) || matches!(self.place, Place::Path)
    }
}

/// What a successful answer carries, in the one JSON shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "shape", content = "model")]
pub enum Returns {
    /// One object (the model's name, e.g. `Allocation`).
    Item(&'static str),
    /// A list of objects.
    List(&'static str),
    /// One page of a paginated list: `{"data": [...], "meta": {"pagination": ...}}`.
    Page(&'static str),
    /// Nothing (204, or 202 with `[]`): `null`.
    Nothing,
    /// Raw bytes (`server.files.contents`): a string in the generic call, bytes in the typed
    /// functions.
    Bytes,
}

/// A field the core adds to an operation's answer, so that every surface hands it out the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Addition {
    /// `key`: the whole new API key, `identifier` followed by `meta.secret_token` (the panel
    /// gives the two halves; the key works only as one).
    FullApiKey,
}

/// What a successful answer is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// A JSON document.
    Json,
    /// No content worth reading (204, or 202 with `[]`): the result is JSON `null`.
    Empty,
    /// Raw bytes (`server.files.contents`).
    Bytes,
}

/// One row of the operations table: the route and the declaration of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// Stable id, e.g. `server.allocations.set_primary`.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to `/api/client`, with `{name}` path parameters.
    pub path: &'static str,
    /// The status the panel answers on success.
    pub success: u16,
    /// The permission a subuser needs (`None` when any user with access may call it). Several
    /// alternatives are separated by `|`.
    pub permission: Option<&'static str>,
    /// Whether the answer is a paginated list (`page`, `per_page`, `meta.pagination`).
    pub paginated: bool,
    /// Whether the panel may take minutes to answer (`server.files.compress`): such calls wait
    /// up to [`LONG_RUNNING_TIMEOUT`] unless the client's timeout is longer.
    pub long_running: bool,
    /// Every parameter, path parameters first, in the order the typed functions take them.
    pub params: &'static [Param],
    /// What it answers.
    pub returns: Returns,
    /// A field the core adds to the answer.
    pub addition: Option<Addition>,
    /// One line for people.
    pub summary: &'static str,
    /// Where the typed method sits, when not where the id says (see
    /// [`Operation::method_path`]); empty otherwise.
    at: &'static str,
    /// The Rust type that holds the typed method and the method's name
    /// (`Allocations::set_primary`), for the docs and the coverage test.
    pub rust: &'static str,
}

/// How long a long-running operation may take at least (the panel itself waits 15 minutes for
/// Wings).
pub const LONG_RUNNING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl Operation {
    /// The names of the path parameters, in order (`["server", "allocation"]`).
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        let path = self.path;
        path.split('/').filter(|s| s.starts_with('{') && s.ends_with('}')).map(|s| &s[1..s.len() - 1])
    }

    /// A declared parameter, by its panel name.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// What a successful answer is on the wire.
    pub const fn response(&self) -> Response {
        match self.returns {
            Returns::Nothing => Response::Empty,
            Returns::Bytes => Response::Bytes,
            _ => Response::Json,
        }
    }

    /// Whether the operation sends a JSON body (it has body parameters).
    pub fn has_json_body(&self) -> bool {
        self.params.iter().any(|p| p.place == Place::Body)
    }

    /// Where the typed method sits on every surface, as a chain of attribute names from the
    /// client, or from the server handle for `server.` operations: `allocations.set_primary`
    /// is `srv.allocations().set_primary(..)` in Rust and `srv.allocations.set_primary(..)` in
    /// Python. It is the id without its `server.` prefix, except where the declaration says
    /// otherwise (`server.get` is `details`; the signed-URL operations end in `_url`, because
    /// `download` and `upload` are the transfers themselves).
    pub fn method_path(&self) -> &'static str {
        if !self.at.is_empty() {
            self.at
        } else {
            self.id.strip_prefix("server.").unwrap_or(self.id)
        }
    }

    /// Whether the typed method hangs off a server handle (`client.server(id)`).
    pub fn on_server(&self) -> bool {
        self.id.starts_with("server.")
    }

    /// The C function that calls it: `ptero_` and the id with `_` for `.`.
    pub fn c_name(&self) -> String {
        format!("ptero_{}", self.id.replace('.', "_"))
    }
}

// ---- The declaration language: small const constructors, so each row reads as a sentence. ----

const fn param(name: &'static str, kind: Kind, place: Place, presence: Presence, doc: &'static str) -> Param {
    Param { name, kind, place, presence, doc }
}
const fn path_str(name: &'static str, doc: &'static str) -> Param {
    param(name, Kind::Str, Place::Path, Presence::Required, doc)
}
const fn path_int(name: &'static str, doc: &'static str) -> Param {
    param(name, Kind::Int, Place::Path, Presence::Required, doc)
}
const fn body(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    param(name, kind, Place::Body, Presence::Required, doc)
}
const fn body_opt(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    param(name, kind, Place::Body, Presence::Optional, doc)
}
const fn body_nullable(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    param(name, kind, Place::Body, Presence::Nullable, doc)
}
const fn query(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    param(name, kind, Place::Query, Presence::Required, doc)
}
const fn query_opt(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    param(name, kind, Place::Query, Presence::Optional, doc)
}

const SERVER: Param = path_str("server", "The server's short identifier (`d3aac109`) or UUID.");
const PAGE: Param = query_opt("page", Kind::Int, "Page number, from 1.");
const ACTIVITY_FILTER: Param = query_opt(
    "filter",
    Kind::Filter(&["event"]),
    "`{\"event\": \"server:power\"}`: a partial match on the event name.",
);
const ACTIVITY_SORT: Param = query_opt(
    "sort",
    Kind::Enum(&["timestamp", "-timestamp"]),
    "`timestamp` (oldest first) or `-timestamp` (newest first); the panel's order otherwise.",
);
const ACTIVITY_INCLUDE: Param = query_opt("include", Kind::Include, "`actor`: the user behind each entry.");
const ACTIVITY_PER_PAGE: Param = query_opt("per_page", Kind::Int, "Page size, 1 to 100 (default 25).");
const POWER_SIGNALS: &[&str] = &["start", "stop", "restart", "kill"];
const TASK_ACTIONS: &[&str] = &["command", "power", "backup", "delete_files"];
const CRON: [Param; 5] = [
    body("minute", Kind::Str, "Cron minute field, e.g. `0,30` or `*` (a string, as the panel requires)."),
    body("hour", Kind::Str, "Cron hour field, e.g. `*`."),
    body("day_of_month", Kind::Str, "Cron day-of-month field, e.g. `*`."),
    body("month", Kind::Str, "Cron month field, e.g. `*`."),
    body("day_of_week", Kind::Str, "Cron day-of-week field, e.g. `*`."),
];
const SCHEDULE_BODY: [Param; 8] = [
    body("name", Kind::Str, "Display name (at most 191 characters)."),
    CRON[0],
    CRON[1],
    CRON[2],
    CRON[3],
    CRON[4],
    body("is_active", Kind::Bool, "Whether the schedule runs."),
    body("only_when_online", Kind::Bool, "Whether it runs only while the server is online."),
];
const TASK_BODY: [Param; 5] = [
    body("action", Kind::Enum(TASK_ACTIONS), "`command`, `power` or `backup` (`delete_files` on Pelican)."),
    body_opt(
        "payload",
        Kind::Str,
        "The command, the power signal, or (backup) newline-separated files to ignore; required unless `action` is `backup`.",
    ),
    body("time_offset", Kind::Int, "Seconds to wait after the previous task, 0 to 900."),
    body_opt("sequence_id", Kind::Int, "Position in the schedule, from 1 (inserting shifts the others)."),
    body_opt("continue_on_failure", Kind::Bool, "Whether the next tasks run if this one fails."),
];

/// A row: the route and its summary; parameters and result are added with the methods below.
const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    success: u16,
    permission: Option<&'static str>,
    rust: &'static str,
    summary: &'static str,
) -> Operation {
    Operation {
        id,
        method,
        path,
        success,
        permission,
        paginated: false,
        long_running: false,
        params: &[],
        returns: Returns::Nothing,
        addition: None,
        summary,
        at: "",
        rust,
    }
}

impl Operation {
    const fn takes(self, params: &'static [Param]) -> Self {
        Operation { params, ..self }
    }
    const fn returns(self, returns: Returns) -> Self {
        Operation { returns, ..self }
    }
    const fn adds(self, addition: Addition) -> Self {
        Operation { addition: Some(addition), ..self }
    }
    const fn paginated(self) -> Self {
        Operation { paginated: true, ..self }
    }
    const fn long_running(self) -> Self {
        Operation { long_running: true, ..self }
    }
    /// Places the typed method elsewhere than the id says (see [`Operation::method_path`]).
    const fn at(self, method_path: &'static str) -> Self {
        Operation { at: method_path, ..self }
    }
}

use Kind::{Bool, Enum, Filter, Include, Int, List, Objects, Str};
use Method::{Delete, Get, Post, Put};
use Returns::{Item, Page};

/// Every operation of the Client API, in the order of `operations.tsv`.
pub static OPERATIONS: &[Operation] = &[
    // ---- Root ----
    op("servers.list", Get, "/", 200, None, "Servers::list", "One page of the servers the key can see.")
        .takes(&[
            query_opt(
                "filter",
                Filter(&["uuid", "name", "description", "external_id", "*"]),
                "Partial matches, e.g. `{\"name\": \"Survival\"}`; `*` matches uuid, name, external id or `ip:port`.",
            ),
            query_opt("include", Include, "`egg`, `subusers`."),
            query_opt(
                "type",
                Enum(&["owner", "admin", "admin-all"]),
                "`owner`: only servers the user owns; admins: `admin`, `admin-all`.",
            ),
            PAGE,
            query_opt("per_page", Int, "Page size, 1 to 100 (default 50)."),
        ])
        .returns(Page("Server"))
        .paginated(),
    op("permissions.get", Get, "/permissions", 200, None, "Client::permissions", "Every permission key the panel knows, by group.")
        .returns(Item("SystemPermissions"))
        .at("permissions"),
    // ---- Account ----
    op("account.get", Get, "/account", 200, None, "AccountApi::get", "The key's user account.").returns(Item("Account")),
    op(
        "account.two_factor.get",
        Get,
        "/account/two-factor",
        200,
        None,
        "TwoFactor::get",
        "A new TOTP secret to set two-factor authentication up with (400 if it is already on).",
    )
    .returns(Item("TwoFactorSetup")),
    op(
        "account.two_factor.enable",
        Post,
        "/account/two-factor",
        200,
        None,
        "TwoFactor::enable",
        "Turns two-factor authentication on; answers the recovery tokens, shown only this once.",
    )
    .takes(&[
        body("code", Str, "The current 6-digit TOTP code (a string)."),
        body("password", Str, "The account's password."),
    ])
    .returns(Item("RecoveryTokens")),
    op(
        "account.two_factor.disable",
        Post,
        "/account/two-factor/disable",
        204,
        None,
        "TwoFactor::disable",
        "Turns two-factor authentication off.",
    )
    .takes(&[body("password", Str, "The account's password.")]),
    op("account.email.update", Put, "/account/email", 204, None, "Email::update", "Changes the account's email address.")
        .takes(&[
            body("email", Str, "The new address."),
            body("password", Str, "The account's current password."),
        ]),
    op("account.password.update", Put, "/account/password", 204, None, "Password::update", "Changes the account's password.")
        .takes(&[
            body("current_password", Str, "The current password."),
            body("password", Str, "The new password (at least 8 characters)."),
            param(
                "password_confirmation",
                Str,
                Place::Body,
                Presence::DefaultsTo("password"),
                "The new password again; defaults to `password`.",
            ),
        ]),
    op("account.activity.list", Get, "/account/activity", 200, None, "AccountActivity::list", "One page of the account's activity log.")
        .takes(&[ACTIVITY_FILTER, ACTIVITY_SORT, ACTIVITY_INCLUDE, PAGE, ACTIVITY_PER_PAGE])
        .returns(Page("ActivityLog"))
        .paginated(),
    op("account.api_keys.list", Get, "/account/api-keys", 200, None, "ApiKeys::list", "The account's client API keys (without their secrets).")
        .returns(Returns::List("ApiKey")),
    op(
        "account.api_keys.create",
        Post,
        "/account/api-keys",
        200,
        None,
        "ApiKeys::create",
        "Creates a client API key; the answer's `key` is the whole key, shown only this once.",
    )
    .takes(&[
        body("description", Str, "What the key is for (at most 500 characters)."),
        body_opt("allowed_ips", List, "IPs or CIDR ranges the key may be used from (all when empty)."),
    ])
    .returns(Item("NewApiKey"))
    .adds(Addition::FullApiKey),
    op("account.api_keys.delete", Delete, "/account/api-keys/{identifier}", 204, None, "ApiKeys::delete", "Revokes an API key.")
        .takes(&[path_str("identifier", "The key's 16-character identifier (`ptlc_...`).")]),
    op("account.ssh_keys.list", Get, "/account/ssh-keys", 200, None, "SshKeys::list", "The account's SSH keys (for SFTP).")
        .returns(Returns::List("SshKey")),
    op("account.ssh_keys.create", Post, "/account/ssh-keys", 200, None, "SshKeys::create", "Adds an SSH public key.")
        .takes(&[
            body("name", Str, "A name for the key."),
            body("public_key", Str, "The public key (OpenSSH or PEM; not DSA, RSA at least 2048 bits)."),
        ])
        .returns(Item("SshKey")),
    op("account.ssh_keys.delete", Post, "/account/ssh-keys/remove", 204, None, "SshKeys::delete", "Removes an SSH key (no error if there is none).")
        .takes(&[body("fingerprint", Str, "The key's SHA256 fingerprint as listed (no `SHA256:` prefix).")]),
    // ---- Server ----
    op("server.get", Get, "/servers/{server}", 200, None, "ServerHandle::details", "The server and what the key may do on it.")
        .takes(&[SERVER, query_opt("include", Include, "`egg`, `subusers`.")])
        .returns(Item("ServerDetails"))
        .at("details"),
    op(
        "server.websocket",
        Get,
        "/servers/{server}/websocket",
        200,
        Some("websocket.connect"),
        "ServerHandle::websocket",
        "A token (valid 10 minutes) and the address of the server's console websocket.",
    )
    .takes(&[SERVER])
    .returns(Item("WebsocketCredentials")),
    op("server.resources", Get, "/servers/{server}/resources", 200, None, "ServerHandle::resources", "Live state and resource usage.")
        .takes(&[SERVER])
        .returns(Item("Stats")),
    op(
        "server.activity.list",
        Get,
        "/servers/{server}/activity",
        200,
        Some("activity.read"),
        "Activity::list",
        "One page of the server's activity log.",
    )
    .takes(&[SERVER, ACTIVITY_FILTER, ACTIVITY_SORT, ACTIVITY_INCLUDE, PAGE, ACTIVITY_PER_PAGE])
    .returns(Page("ActivityLog"))
    .paginated(),
    op(
        "server.command",
        Post,
        "/servers/{server}/command",
        204,
        Some("control.console"),
        "ServerHandle::command",
        "Sends a console command (the server must be running: 502 otherwise). Never retried once sent.",
    )
    .takes(&[SERVER, body("command", Str, "The command line, e.g. `say Hello`.")]),
    op(
        "server.power",
        Post,
        "/servers/{server}/power",
        204,
        Some("control.start|control.stop|control.restart"),
        "ServerHandle::power",
        "Sends a power signal. Never retried once sent.",
    )
    .takes(&[SERVER, body("signal", Enum(POWER_SIGNALS), "`start`, `stop`, `restart` or `kill`.")]),
    // ---- Databases ----
    op(
        "server.databases.list",
        Get,
        "/servers/{server}/databases",
        200,
        Some("database.read"),
        "Databases::list",
        "The server's databases.",
    )
    .takes(&[SERVER, query_opt("include", Include, "`password`: each database's password (needs `database.view_password`).")])
    .returns(Returns::List("Database")),
    op(
        "server.databases.create",
        Post,
        "/servers/{server}/databases",
        200,
        Some("database.create"),
        "Databases::create",
        "Creates a database (400 at the server's database limit); the answer includes its password.",
    )
    .takes(&[
        SERVER,
        body("database", Str, "Name, 3 to 48 letters, digits, `-` or `_` (the panel prefixes `s<id>_`)."),
        body("remote", Str, "Where connections may come from, e.g. `%` for anywhere."),
    ])
    .returns(Item("Database")),
    op(
        "server.databases.rotate_password",
        Post,
        "/servers/{server}/databases/{database}/rotate-password",
        200,
        Some("database.update"),
        "Databases::rotate_password",
        "Sets a new random password; the answer includes it.",
    )
    .takes(&[SERVER, path_str("database", "The database's `id`.")])
    .returns(Item("Database")),
    op(
        "server.databases.delete",
        Delete,
        "/servers/{server}/databases/{database}",
        204,
        Some("database.delete"),
        "Databases::delete",
        "Deletes a database.",
    )
    .takes(&[SERVER, path_str("database", "The database's `id`.")]),
    // ---- Files ----
    op("server.files.list", Get, "/servers/{server}/files/list", 200, Some("file.read"), "Files::list", "The entries of a directory.")
        .takes(&[SERVER, query_opt("directory", Str, "The directory (default `/`).")])
        .returns(Returns::List("FileObject")),
    op(
        "server.files.contents",
        Get,
        "/servers/{server}/files/contents",
        200,
        Some("file.read-content"),
        "Files::contents",
        "A file's content, as bytes (the panel refuses files over 4 MiB: use a download for those).",
    )
    .takes(&[SERVER, query("file", Str, "The file's path.")])
    .returns(Returns::Bytes),
    op(
        "server.files.download",
        Get,
        "/servers/{server}/files/download",
        200,
        Some("file.read-content"),
        "Files::download_url",
        "A signed, single-use Wings URL to download a file from (valid 15 minutes).",
    )
    .takes(&[SERVER, query("file", Str, "The file's path.")])
    .returns(Item("SignedUrl"))
    .at("files.download_url"),
    op(
        "server.files.rename",
        Put,
        "/servers/{server}/files/rename",
        204,
        Some("file.update"),
        "Files::rename",
        "Renames or moves files.",
    )
    .takes(&[
        SERVER,
        body("root", Str, "The directory `from` and `to` are relative to (`/` for the server's root)."),
        body("files", Objects, "`[{\"from\": \"a.txt\", \"to\": \"b.txt\"}, ...]`."),
    ]),
    op("server.files.copy", Post, "/servers/{server}/files/copy", 204, Some("file.create"), "Files::copy", "Copies a file next to itself (`name copy.ext`).")
        .takes(&[SERVER, body("location", Str, "The full path of the file to copy.")]),
    op(
        "server.files.write",
        Post,
        "/servers/{server}/files/write",
        204,
        Some("file.create"),
        "Files::write",
        "Writes a file (created or replaced) with the given bytes.",
    )
    .takes(&[
        SERVER,
        query("file", Str, "The file's path."),
        param("content", Kind::Bytes, Place::Content, Presence::Required, "The new content (bytes; a string in the generic call)."),
    ]),
    op(
        "server.files.compress",
        Post,
        "/servers/{server}/files/compress",
        200,
        Some("file.archive"),
        "Files::compress",
        "Packs files into a new `.tar.gz` archive beside them; answers the archive (may take minutes).",
    )
    .takes(&[
        SERVER,
        body_opt("root", Str, "The directory the names are relative to (default `/`)."),
        body("files", List, "Names of the files and folders to pack."),
    ])
    .returns(Item("FileObject"))
    .long_running(),
    op(
        "server.files.decompress",
        Post,
        "/servers/{server}/files/decompress",
        204,
        Some("file.create"),
        "Files::decompress",
        "Unpacks an archive where it lies (may take minutes).",
    )
    .takes(&[
        SERVER,
        body_opt("root", Str, "The directory `file` is relative to (default `/`)."),
        body("file", Str, "The archive's name."),
    ])
    .long_running(),
    op("server.files.delete", Post, "/servers/{server}/files/delete", 204, Some("file.delete"), "Files::delete", "Deletes files and folders.")
        .takes(&[
            SERVER,
            body("root", Str, "The directory the names are relative to (`/` for the server's root)."),
            body("files", List, "Names of the files and folders to delete."),
        ]),
    op(
        "server.files.create_folder",
        Post,
        "/servers/{server}/files/create-folder",
        204,
        Some("file.create"),
        "Files::create_folder",
        "Creates a folder.",
    )
    .takes(&[
        SERVER,
        body_opt("root", Str, "The parent directory (default `/`)."),
        body("name", Str, "The new folder's name."),
    ]),
    op("server.files.chmod", Post, "/servers/{server}/files/chmod", 204, Some("file.update"), "Files::chmod", "Changes files' permission bits.")
        .takes(&[
            SERVER,
            body("root", Str, "The directory the names are relative to (`/` for the server's root)."),
            body("files", Objects, "`[{\"file\": \"start.sh\", \"mode\": \"755\"}, ...]`, mode in octal digits."),
        ]),
    op(
        "server.files.pull",
        Post,
        "/servers/{server}/files/pull",
        204,
        Some("file.create"),
        "Files::pull",
        "Has the node download a file from a URL (the panel allows 10 pulls per 5 minutes).",
    )
    .takes(&[
        SERVER,
        body("url", Str, "The URL to download."),
        body_opt("directory", Str, "Where to save it (default `/`)."),
        body_opt("filename", Str, "The name to save it under (default: from the URL or the answer)."),
        body_opt("use_header", Bool, "Whether to take the name from the answer's `Content-Disposition`."),
        body_opt("foreground", Bool, "Whether the panel waits until the download is done."),
    ]),
    op(
        "server.files.upload",
        Get,
        "/servers/{server}/files/upload",
        200,
        Some("file.create"),
        "Files::upload_url",
        "A signed, single-use Wings URL to upload files to (valid 15 minutes).",
    )
    .takes(&[SERVER])
    .returns(Item("SignedUrl"))
    .at("files.upload_url"),
    // ---- Schedules ----
    op(
        "server.schedules.list",
        Get,
        "/servers/{server}/schedules",
        200,
        Some("schedule.read"),
        "Schedules::list",
        "The server's schedules, with their tasks.",
    )
    .takes(&[SERVER])
    .returns(Returns::List("Schedule")),
    op(
        "server.schedules.create",
        Post,
        "/servers/{server}/schedules",
        200,
        Some("schedule.create"),
        "Schedules::create",
        "Creates a schedule (cron fields are strings; an invalid expression is a 400).",
    )
    .takes(&[
        SERVER,
        SCHEDULE_BODY[0],
        SCHEDULE_BODY[1],
        SCHEDULE_BODY[2],
        SCHEDULE_BODY[3],
        SCHEDULE_BODY[4],
        SCHEDULE_BODY[5],
        body_opt("is_active", Bool, "Whether the schedule runs (default false)."),
        body_opt("only_when_online", Bool, "Whether it runs only while the server is online (default false)."),
    ])
    .returns(Item("Schedule")),
    op(
        "server.schedules.get",
        Get,
        "/servers/{server}/schedules/{schedule}",
        200,
        Some("schedule.read"),
        "Schedules::get",
        "One schedule, with its tasks.",
    )
    .takes(&[SERVER, path_int("schedule", "The schedule's id.")])
    .returns(Item("Schedule")),
    op(
        "server.schedules.update",
        Post,
        "/servers/{server}/schedules/{schedule}",
        200,
        Some("schedule.update"),
        "Schedules::update",
        "Replaces a schedule: every field is required, because the panel resets what is left out.",
    )
    .takes(&[
        SERVER,
        path_int("schedule", "The schedule's id."),
        SCHEDULE_BODY[0],
        SCHEDULE_BODY[1],
        SCHEDULE_BODY[2],
        SCHEDULE_BODY[3],
        SCHEDULE_BODY[4],
        SCHEDULE_BODY[5],
        SCHEDULE_BODY[6],
        SCHEDULE_BODY[7],
    ])
    .returns(Item("Schedule")),
    op(
        "server.schedules.execute",
        Post,
        "/servers/{server}/schedules/{schedule}/execute",
        202,
        Some("schedule.update"),
        "Schedules::execute",
        "Runs a schedule now (400 when it has no tasks).",
    )
    .takes(&[SERVER, path_int("schedule", "The schedule's id.")]),
    op(
        "server.schedules.delete",
        Delete,
        "/servers/{server}/schedules/{schedule}",
        204,
        Some("schedule.delete"),
        "Schedules::delete",
        "Deletes a schedule and its tasks.",
    )
    .takes(&[SERVER, path_int("schedule", "The schedule's id.")]),
    op(
        "server.schedules.tasks.create",
        Post,
        "/servers/{server}/schedules/{schedule}/tasks",
        200,
        Some("schedule.update"),
        "Tasks::create",
        "Adds a task to a schedule (at most 10 per schedule).",
    )
    .takes(&[SERVER, path_int("schedule", "The schedule's id."), TASK_BODY[0], TASK_BODY[1], TASK_BODY[2], TASK_BODY[3], TASK_BODY[4]])
    .returns(Item("Task")),
    op(
        "server.schedules.tasks.update",
        Post,
        "/servers/{server}/schedules/{schedule}/tasks/{task}",
        200,
        Some("schedule.update"),
        "Tasks::update",
        "Changes a task.",
    )
    .takes(&[
        SERVER,
        path_int("schedule", "The schedule's id."),
        path_int("task", "The task's id."),
        TASK_BODY[0],
        TASK_BODY[1],
        TASK_BODY[2],
        TASK_BODY[3],
        TASK_BODY[4],
    ])
    .returns(Item("Task")),
    op(
        "server.schedules.tasks.delete",
        Delete,
        "/servers/{server}/schedules/{schedule}/tasks/{task}",
        204,
        Some("schedule.update"),
        "Tasks::delete",
        "Removes a task from a schedule.",
    )
    .takes(&[SERVER, path_int("schedule", "The schedule's id."), path_int("task", "The task's id.")]),
    // ---- Allocations ----
    op(
        "server.allocations.list",
        Get,
        "/servers/{server}/network/allocations",
        200,
        Some("allocation.read"),
        "Allocations::list",
        "Every allocation (IP and port) of the server.",
    )
    .takes(&[SERVER])
    .returns(Returns::List("Allocation")),
    op(
        "server.allocations.assign",
        Post,
        "/servers/{server}/network/allocations",
        200,
        Some("allocation.create"),
        "Allocations::assign",
        "Assigns a free allocation automatically (400 when auto-allocation is off or the limit is reached).",
    )
    .takes(&[SERVER])
    .returns(Item("Allocation")),
    op(
        "server.allocations.set_notes",
        Post,
        "/servers/{server}/network/allocations/{allocation}",
        200,
        Some("allocation.update"),
        "Allocations::set_notes",
        "Sets or clears an allocation's notes.",
    )
    .takes(&[
        SERVER,
        path_int("allocation", "The allocation's id."),
        body_nullable("notes", Str, "The notes (at most 256 characters), or null to clear them."),
    ])
    .returns(Item("Allocation")),
    op(
        "server.allocations.set_primary",
        Post,
        "/servers/{server}/network/allocations/{allocation}/primary",
        200,
        Some("allocation.update"),
        "Allocations::set_primary",
        "Makes an allocation the server's primary one.",
    )
    .takes(&[SERVER, path_int("allocation", "The allocation's id.")])
    .returns(Item("Allocation")),
    op(
        "server.allocations.delete",
        Delete,
        "/servers/{server}/network/allocations/{allocation}",
        204,
        Some("allocation.delete"),
        "Allocations::delete",
        "Removes an allocation (not the primary one).",
    )
    .takes(&[SERVER, path_int("allocation", "The allocation's id.")]),
    // ---- Subusers ----
    op("server.users.list", Get, "/servers/{server}/users", 200, Some("user.read"), "Users::list", "The server's subusers.")
        .takes(&[SERVER])
        .returns(Returns::List("Subuser")),
    op(
        "server.users.create",
        Post,
        "/servers/{server}/users",
        200,
        Some("user.create"),
        "Users::create",
        "Adds a subuser by email (an account is made if none exists); a subuser cannot grant what it lacks.",
    )
    .takes(&[
        SERVER,
        body("email", Str, "The user's email address."),
        body("permissions", List, "Permission keys, e.g. `[\"control.console\"]` (`websocket.connect` is always added)."),
    ])
    .returns(Item("Subuser")),
    op("server.users.get", Get, "/servers/{server}/users/{user}", 200, Some("user.read"), "Users::get", "One subuser.")
        .takes(&[SERVER, path_str("user", "The user's UUID.")])
        .returns(Item("Subuser")),
    op(
        "server.users.update",
        Post,
        "/servers/{server}/users/{user}",
        200,
        Some("user.update"),
        "Users::update",
        "Replaces a subuser's permissions.",
    )
    .takes(&[
        SERVER,
        path_str("user", "The user's UUID."),
        body("permissions", List, "The new permission keys."),
    ])
    .returns(Item("Subuser")),
    op("server.users.delete", Delete, "/servers/{server}/users/{user}", 204, Some("user.delete"), "Users::delete", "Removes a subuser.")
        .takes(&[SERVER, path_str("user", "The user's UUID.")]),
    // ---- Backups ----
    op(
        "server.backups.list",
        Get,
        "/servers/{server}/backups",
        200,
        Some("backup.read"),
        "Backups::list",
        "One page of the server's backups; `meta.backup_count` counts the ones that did not fail.",
    )
    .takes(&[SERVER, PAGE, query_opt("per_page", Int, "Page size, 1 to 50 (default 20).")])
    .returns(Page("Backup"))
    .paginated(),
    op(
        "server.backups.create",
        Post,
        "/servers/{server}/backups",
        200,
        Some("backup.create"),
        "Backups::create",
        "Starts a backup (400 at the backup limit; 429 after 2 backups in 10 minutes).",
    )
    .takes(&[
        SERVER,
        body_opt("name", Str, "A name (default: `Backup at <date>`)."),
        body_opt("ignored", Str, "Newline-separated files and patterns to leave out."),
        body_opt("is_locked", Bool, "Whether the backup is locked against deletion (needs `backup.delete`)."),
    ])
    .returns(Item("Backup")),
    op("server.backups.get", Get, "/servers/{server}/backups/{backup}", 200, Some("backup.read"), "Backups::get", "One backup.")
        .takes(&[SERVER, path_str("backup", "The backup's UUID.")])
        .returns(Item("Backup")),
    op(
        "server.backups.download",
        Get,
        "/servers/{server}/backups/{backup}/download",
        200,
        Some("backup.download"),
        "Backups::download_url",
        "A signed, single-use URL to download a backup from.",
    )
    .takes(&[SERVER, path_str("backup", "The backup's UUID.")])
    .returns(Item("SignedUrl"))
    .at("backups.download_url"),
    op(
        "server.backups.toggle_lock",
        Post,
        "/servers/{server}/backups/{backup}/lock",
        200,
        Some("backup.delete"),
        "Backups::toggle_lock",
        "Locks an unlocked backup, or unlocks a locked one.",
    )
    .takes(&[SERVER, path_str("backup", "The backup's UUID.")])
    .returns(Item("Backup")),
    op(
        "server.backups.restore",
        Post,
        "/servers/{server}/backups/{backup}/restore",
        204,
        Some("backup.restore"),
        "Backups::restore",
        "Restores a backup (the server is unavailable until it is done).",
    )
    .takes(&[
        SERVER,
        path_str("backup", "The backup's UUID."),
        body("truncate", Bool, "Whether to delete every file first."),
    ]),
    op(
        "server.backups.delete",
        Delete,
        "/servers/{server}/backups/{backup}",
        204,
        Some("backup.delete"),
        "Backups::delete",
        "Deletes a backup (400 when it is locked).",
    )
    .takes(&[SERVER, path_str("backup", "The backup's UUID.")]),
    // ---- Startup and settings ----
    op(
        "server.startup.get",
        Get,
        "/servers/{server}/startup",
        200,
        Some("startup.read"),
        "StartupApi::get",
        "The startup variables, the startup command and the Docker images.",
    )
    .takes(&[SERVER])
    .returns(Item("Startup")),
    op(
        "server.startup.set_variable",
        Put,
        "/servers/{server}/startup/variable",
        200,
        Some("startup.update"),
        "StartupApi::set_variable",
        "Sets a startup variable; the panel checks the value against the variable's rules.",
    )
    .takes(&[
        SERVER,
        body("key", Str, "The variable's `env_variable` name, e.g. `SERVER_JARFILE`."),
        body_nullable("value", Str, "The new value (null clears it)."),
    ])
    .returns(Item("UpdatedVariable")),
    op(
        "server.settings.rename",
        Post,
        "/servers/{server}/settings/rename",
        204,
        Some("settings.rename"),
        "Settings::rename",
        "Renames the server, and changes its description when one is given.",
    )
    .takes(&[
        SERVER,
        body("name", Str, "The new name (at most 191 characters)."),
        body_opt("description", Str, "The new description (left as it is when not given)."),
    ]),
    op(
        "server.settings.reinstall",
        Post,
        "/servers/{server}/settings/reinstall",
        202,
        Some("settings.reinstall"),
        "Settings::reinstall",
        "Reinstalls the server; most calls answer 409 until that is done.",
    )
    .takes(&[SERVER]),
    op(
        "server.settings.docker_image",
        Put,
        "/servers/{server}/settings/docker-image",
        204,
        Some("startup.docker-image"),
        "Settings::set_docker_image",
        "Switches to one of the egg's Docker images (see `server.startup.get`).",
    )
    .takes(&[SERVER, body("docker_image", Str, "The image, one of the values of the startup's `docker_images`.")]),
];

/// Looks an operation up by its stable id.
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// Looks an operation up by its stable id, or says which ids come closest.
pub fn lookup(id: &str) -> Result<&'static Operation> {
    find(id).ok_or_else(|| {
        let hint = match closest(id, OPERATIONS.iter().map(|o| o.id)).as_slice() {
            [] => String::from("the operation ids are listed by `operations()`, e.g. \"server.power\""),
            [one] => format!("did you mean {one:?}?"),
            several => format!("did you mean one of {}?", quoted(several)),
        };
        Error::invalid(format!("unknown operation {id:?}; {hint}"))
    })
}

/// Every operation of the table.
pub fn all() -> &'static [Operation] {
    OPERATIONS
}

/// Looks up a row of the table by a constant id known to be in it (used by typed methods).
pub(crate) fn get(id: &'static str) -> &'static Operation {
    match find(id) {
        Some(op) => op,
        None => unreachable!("operation table lacks a row used by a typed method"),
    }
}

/// The candidates nearest to `wanted` by edit distance (at most three, only close ones).
pub(crate) fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, c)| *d <= limit || (c.contains(wanted) && wanted.len() >= 4))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// `"a"`, `"b"` and `"c"` as one phrase.
pub(crate) fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The whole table as JSON, for `ptero_operations()` and `pterodactyl.operations()`: one
/// object per operation with its route, parameters, result and where its typed method sits.
pub fn describe() -> serde_json::Value {
    use serde_json::json;
    OPERATIONS
        .iter()
        .map(|op| {
            json!({
                "id": op.id,
                "method": op.method,
                "path": op.path,
                "success": op.success,
                "permission": op.permission,
                "paginated": op.paginated,
                "long_running": op.long_running,
                "summary": op.summary,
                "params": op.params,
                "returns": op.returns,
                "method_path": op.method_path(),
                "on_server": op.on_server(),
                "c_function": op.c_name(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parameter_is_declared_first_and_in_order() {
        for op in OPERATIONS {
            let declared: Vec<&str> =
                op.params.iter().take_while(|p| p.place == Place::Path).map(|p| p.name).collect();
            let in_path: Vec<&str> = op.path_params().collect();
            assert_eq!(declared, in_path, "{}", op.id);
            assert!(op.params.iter().skip(in_path.len()).all(|p| p.place != Place::Path), "{}", op.id);
        }
    }

    #[test]
    fn parameter_names_are_unique_and_gets_send_no_body() {
        for op in OPERATIONS {
            let mut names: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), op.params.len(), "{}", op.id);
            if op.method == Method::Get {
                assert!(op.params.iter().all(|p| matches!(p.place, Place::Path | Place::Query)), "{}", op.id);
            }
            assert_eq!(op.paginated, matches!(op.returns, Returns::Page(_)), "{}", op.id);
            assert_eq!(op.returns == Returns::Nothing, matches!(op.success, 202 | 204), "{}", op.id);
        }
    }

    #[test]
    fn docs_can_go_into_a_c_comment() {
        // cbindgen copies them into `/** ... */`: a `*/` would end the comment early.
        for op in OPERATIONS {
            assert!(!op.summary.contains("*/"), "{}", op.id);
            assert!(op.params.iter().all(|p| !p.doc.contains("*/")), "{}", op.id);
        }
    }

    #[test]
    fn method_paths_are_unique() {
        let mut paths: Vec<(bool, &str)> =
            OPERATIONS.iter().map(|o| (o.on_server(), o.method_path())).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), OPERATIONS.len());
    }

    #[test]
    fn an_unknown_id_is_answered_with_the_closest_ones() {
        let err = lookup("server.allocation.set_primary").unwrap_err().to_string();
        assert!(err.contains("\"server.allocations.set_primary\""), "{err}");
        let err = lookup("server.powr").unwrap_err().to_string();
        assert!(err.contains("\"server.power\""), "{err}");
        let err = lookup("zzzzzzzzzzzzzzzzzzzzzzzzzz").unwrap_err().to_string();
        assert!(err.contains("operations()"), "{err}");
    }
}
