//! The one table of Client API operations.
//!
//! Every endpoint of `/api/client` is one row here: a stable id (the ids of
//! `shared/reference/operations.tsv`), the HTTP method, the path template (relative to
//! `/api/client`), the success status the panel answers with, the permission a subuser needs, and
//! how the flat parameter object of [`Client::call`](crate::Client::call) is split between the
//! path, the query string and the body. The typed methods, the generic call and the C and Python
//! fronts all read this table.

use std::fmt;

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// Where the parameters that are not path parameters go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Every other parameter becomes a query parameter (`filter` objects become `filter[..]`,
    /// arrays are comma-joined). Used by every `GET`.
    Query,
    /// The operation takes no parameters besides its path; any other parameter is refused as
    /// invalid input instead of being silently dropped.
    None,
    /// Every other parameter goes into a JSON object body.
    Json,
    /// The parameter named `content` is the raw request body (sent as `text/plain`); the
    /// parameters listed are query parameters. Used by `server.files.write`.
    Raw {
        /// Parameters sent in the query string.
        query: &'static [&'static str],
    },
}

/// What a successful answer carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// A JSON document.
    Json,
    /// No content worth reading (204, or 202 with `[]`): the result is JSON `null`.
    Empty,
    /// Raw text (`server.files.contents`): the result is a JSON string.
    Text,
}

/// One row of the operations table.
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
    /// Where non-path parameters go.
    pub body: Body,
    /// What a successful answer carries.
    pub response: Response,
    /// Whether the answer is a paginated list (`page`, `per_page`, `meta.pagination`).
    pub paginated: bool,
}

impl Operation {
    /// The names of the path parameters, in order (`["server", "allocation"]`).
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        let path = self.path;
        path.split('/').filter(|s| s.starts_with('{') && s.ends_with('}')).map(|s| &s[1..s.len() - 1])
    }
}

const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    success: u16,
    permission: Option<&'static str>,
) -> Operation {
    let body = match method {
        Method::Get => Body::Query,
        Method::Post | Method::Put => Body::Json,
        Method::Delete => Body::None,
    };
    let response = match success {
        202 | 204 => Response::Empty,
        _ => Response::Json,
    };
    Operation { id, method, path, success, permission, body, response, paginated: false }
}

const fn paginated(o: Operation) -> Operation {
    Operation { paginated: true, ..o }
}

const fn no_body(o: Operation) -> Operation {
    Operation { body: Body::None, ..o }
}

use Method::{Delete, Get, Post, Put};

/// Every operation of the Client API, in the order of `operations.tsv`.
pub static OPERATIONS: &[Operation] = &[
    paginated(op("servers.list", Get, "/", 200, None)),
    op("permissions.get", Get, "/permissions", 200, None),
    op("account.get", Get, "/account", 200, None),
    op("account.two_factor.get", Get, "/account/two-factor", 200, None),
    op("account.two_factor.enable", Post, "/account/two-factor", 200, None),
    op("account.two_factor.disable", Post, "/account/two-factor/disable", 204, None),
    op("account.email.update", Put, "/account/email", 204, None),
    op("account.password.update", Put, "/account/password", 204, None),
    paginated(op("account.activity.list", Get, "/account/activity", 200, None)),
    op("account.api_keys.list", Get, "/account/api-keys", 200, None),
    op("account.api_keys.create", Post, "/account/api-keys", 200, None),
    op("account.api_keys.delete", Delete, "/account/api-keys/{identifier}", 204, None),
    op("account.ssh_keys.list", Get, "/account/ssh-keys", 200, None),
    op("account.ssh_keys.create", Post, "/account/ssh-keys", 200, None),
    op("account.ssh_keys.delete", Post, "/account/ssh-keys/remove", 204, None),
    op("server.get", Get, "/servers/{server}", 200, None),
    op("server.websocket", Get, "/servers/{server}/websocket", 200, Some("websocket.connect")),
    op("server.resources", Get, "/servers/{server}/resources", 200, None),
    paginated(op("server.activity.list", Get, "/servers/{server}/activity", 200, Some("activity.read"))),
    op("server.command", Post, "/servers/{server}/command", 204, Some("control.console")),
    op(
        "server.power",
        Post,
        "/servers/{server}/power",
        204,
        Some("control.start|control.stop|control.restart"),
    ),
    op("server.databases.list", Get, "/servers/{server}/databases", 200, Some("database.read")),
    op("server.databases.create", Post, "/servers/{server}/databases", 200, Some("database.create")),
    no_body(op(
        "server.databases.rotate_password",
        Post,
        "/servers/{server}/databases/{database}/rotate-password",
        200,
        Some("database.update"),
    )),
    op(
        "server.databases.delete",
        Delete,
        "/servers/{server}/databases/{database}",
        204,
        Some("database.delete"),
    ),
    op("server.files.list", Get, "/servers/{server}/files/list", 200, Some("file.read")),
    Operation {
        response: Response::Text,
        ..op("server.files.contents", Get, "/servers/{server}/files/contents", 200, Some("file.read-content"))
    },
    op("server.files.download", Get, "/servers/{server}/files/download", 200, Some("file.read-content")),
    op("server.files.rename", Put, "/servers/{server}/files/rename", 204, Some("file.update")),
    op("server.files.copy", Post, "/servers/{server}/files/copy", 204, Some("file.create")),
    Operation {
        body: Body::Raw { query: &["file"] },
        ..op("server.files.write", Post, "/servers/{server}/files/write", 204, Some("file.create"))
    },
    op("server.files.compress", Post, "/servers/{server}/files/compress", 200, Some("file.archive")),
    op("server.files.decompress", Post, "/servers/{server}/files/decompress", 204, Some("file.create")),
    op("server.files.delete", Post, "/servers/{server}/files/delete", 204, Some("file.delete")),
    op("server.files.create_folder", Post, "/servers/{server}/files/create-folder", 204, Some("file.create")),
    op("server.files.chmod", Post, "/servers/{server}/files/chmod", 204, Some("file.update")),
    op("server.files.pull", Post, "/servers/{server}/files/pull", 204, Some("file.create")),
    op("server.files.upload", Get, "/servers/{server}/files/upload", 200, Some("file.create")),
    op("server.schedules.list", Get, "/servers/{server}/schedules", 200, Some("schedule.read")),
    op("server.schedules.create", Post, "/servers/{server}/schedules", 200, Some("schedule.create")),
    op("server.schedules.get", Get, "/servers/{server}/schedules/{schedule}", 200, Some("schedule.read")),
    op(
        "server.schedules.update",
        Post,
        "/servers/{server}/schedules/{schedule}",
        200,
        Some("schedule.update"),
    ),
    no_body(op(
        "server.schedules.execute",
        Post,
        "/servers/{server}/schedules/{schedule}/execute",
        202,
        Some("schedule.update"),
    )),
    op(
        "server.schedules.delete",
        Delete,
        "/servers/{server}/schedules/{schedule}",
        204,
        Some("schedule.delete"),
    ),
    op(
        "server.schedules.tasks.create",
        Post,
        "/servers/{server}/schedules/{schedule}/tasks",
        200,
        Some("schedule.update"),
    ),
    op(
        "server.schedules.tasks.update",
        Post,
        "/servers/{server}/schedules/{schedule}/tasks/{task}",
        200,
        Some("schedule.update"),
    ),
    op(
        "server.schedules.tasks.delete",
        Delete,
        "/servers/{server}/schedules/{schedule}/tasks/{task}",
        204,
        Some("schedule.update"),
    ),
    op("server.allocations.list", Get, "/servers/{server}/network/allocations", 200, Some("allocation.read")),
    no_body(op(
        "server.allocations.assign",
        Post,
        "/servers/{server}/network/allocations",
        200,
        Some("allocation.create"),
    )),
    op(
        "server.allocations.set_notes",
        Post,
        "/servers/{server}/network/allocations/{allocation}",
        200,
        Some("allocation.update"),
    ),
    no_body(op(
        "server.allocations.set_primary",
        Post,
        "/servers/{server}/network/allocations/{allocation}/primary",
        200,
        Some("allocation.update"),
    )),
    op(
        "server.allocations.delete",
        Delete,
        "/servers/{server}/network/allocations/{allocation}",
        204,
        Some("allocation.delete"),
    ),
    op("server.users.list", Get, "/servers/{server}/users", 200, Some("user.read")),
    op("server.users.create", Post, "/servers/{server}/users", 200, Some("user.create")),
    op("server.users.get", Get, "/servers/{server}/users/{user}", 200, Some("user.read")),
    op("server.users.update", Post, "/servers/{server}/users/{user}", 200, Some("user.update")),
    op("server.users.delete", Delete, "/servers/{server}/users/{user}", 204, Some("user.delete")),
    paginated(op("server.backups.list", Get, "/servers/{server}/backups", 200, Some("backup.read"))),
    op("server.backups.create", Post, "/servers/{server}/backups", 200, Some("backup.create")),
    op("server.backups.get", Get, "/servers/{server}/backups/{backup}", 200, Some("backup.read")),
    op(
        "server.backups.download",
        Get,
        "/servers/{server}/backups/{backup}/download",
        200,
        Some("backup.download"),
    ),
    no_body(op(
        "server.backups.toggle_lock",
        Post,
        "/servers/{server}/backups/{backup}/lock",
        200,
        Some("backup.delete"),
    )),
    op(
        "server.backups.restore",
        Post,
        "/servers/{server}/backups/{backup}/restore",
        204,
        Some("backup.restore"),
    ),
    op("server.backups.delete", Delete, "/servers/{server}/backups/{backup}", 204, Some("backup.delete")),
    op("server.startup.get", Get, "/servers/{server}/startup", 200, Some("startup.read")),
    op("server.startup.set_variable", Put, "/servers/{server}/startup/variable", 200, Some("startup.update")),
    op("server.settings.rename", Post, "/servers/{server}/settings/rename", 204, Some("settings.rename")),
    no_body(op(
        "server.settings.reinstall",
        Post,
        "/servers/{server}/settings/reinstall",
        202,
        Some("settings.reinstall"),
    )),
    op(
        "server.settings.docker_image",
        Put,
        "/servers/{server}/settings/docker-image",
        204,
        Some("startup.docker-image"),
    ),
];

/// Looks an operation up by its stable id.
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
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
