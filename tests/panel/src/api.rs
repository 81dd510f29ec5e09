//! `/api/client/...`: routing, the panel's middleware order, and the server, startup, settings
//! and allocation operations; the other areas live in their own modules (`account`,
//! `databases`, `files`, `schedules`, `subusers`, `backups`). Everything here runs
//! synchronously under the state lock.
//!
//! Middleware order reproduced (see the spec, §1 and §2): route match (404/405) → `auth:sanctum`
//! (401 or 302) → `IsValidJson` (400) → `throttle:api.client` (429, headers from here on) →
//! `RequireClientApiKey` (403) → `{server}`/`{allocation}` binding (404) →
//! `AuthenticateServerAccess` (404, 409) → `ResourceBelongsToServer` (404) → the request's
//! permission (403) → validation (422) → the controller.

use crate::model::*;
use crate::state::{Activity, Allocation, PowerState, State};
use crate::util::{self, atom, parse_query, percent_decode, rawurlencode};
use crate::validate::{Validator, DOCKER_IMAGE_REGEX};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Instant;

/// One HTTP request as the dispatcher sees it.
pub struct ApiRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl ApiRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A finished response.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: Some("application/json"),
            body: serde_json::to_vec(value).expect("serialisable"),
        }
    }

    pub(crate) fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), content_type: None, body: Vec::new() }
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// An error on its way to becoming the panel's `{"errors": [...]}` body.
#[derive(Debug)]
pub struct Fail {
    pub(crate) status: u16,
    pub(crate) errors: Vec<ErrorItem>,
    /// `DisplayException` and validation errors redirect back for non-JSON callers.
    pub(crate) redirects: bool,
}

pub(crate) fn fail(status: u16, code: &str, detail: impl Into<String>) -> Fail {
    Fail {
        status,
        errors: vec![ErrorItem {
            code: code.into(),
            status: status.to_string(),
            detail: detail.into(),
            meta: None,
        }],
        redirects: false,
    }
}

pub(crate) fn display_exception(detail: &str) -> Fail {
    Fail { redirects: true, ..fail(400, "DisplayException", detail) }
}

pub(crate) fn validation(errors: Vec<ErrorItem>) -> Fail {
    Fail { status: 422, errors, redirects: true }
}

pub(crate) fn unauthorized() -> Fail {
    fail(403, "AccessDeniedHttpException", "This action is unauthorized.")
}

pub(crate) fn model_not_found() -> Fail {
    fail(404, "NotFoundHttpException", "The requested resource could not be found on the server.")
}

impl Fail {
    pub(crate) fn into_reply(self) -> Reply {
        Reply::json(self.status, &ErrorBody { errors: self.errors })
    }
}

pub(crate) type Outcome = Result<Reply, Fail>;

/// Every route of `routes/api-client.php`: (operation id, method, path under /api/client).
/// An operation without a handler answers 501.
const ROUTES: &[(&str, &str, &str)] = &[
    ("servers.list", "GET", ""),
    ("permissions.get", "GET", "permissions"),
    ("account.get", "GET", "account"),
    ("account.two_factor.get", "GET", "account/two-factor"),
    ("account.two_factor.enable", "POST", "account/two-factor"),
    ("account.two_factor.disable", "POST", "account/two-factor/disable"),
    ("account.email.update", "PUT", "account/email"),
    ("account.password.update", "PUT", "account/password"),
    ("account.activity.list", "GET", "account/activity"),
    ("account.api_keys.list", "GET", "account/api-keys"),
    ("account.api_keys.create", "POST", "account/api-keys"),
    ("account.api_keys.delete", "DELETE", "account/api-keys/{identifier}"),
    ("account.ssh_keys.list", "GET", "account/ssh-keys"),
    ("account.ssh_keys.create", "POST", "account/ssh-keys"),
    ("account.ssh_keys.delete", "POST", "account/ssh-keys/remove"),
    ("server.get", "GET", "servers/{server}"),
    ("server.websocket", "GET", "servers/{server}/websocket"),
    ("server.resources", "GET", "servers/{server}/resources"),
    ("server.activity.list", "GET", "servers/{server}/activity"),
    ("server.command", "POST", "servers/{server}/command"),
    ("server.power", "POST", "servers/{server}/power"),
    ("server.databases.list", "GET", "servers/{server}/databases"),
    ("server.databases.create", "POST", "servers/{server}/databases"),
    ("server.databases.rotate_password", "POST", "servers/{server}/databases/{database}/rotate-password"),
    ("server.databases.delete", "DELETE", "servers/{server}/databases/{database}"),
    ("server.files.list", "GET", "servers/{server}/files/list"),
    ("server.files.contents", "GET", "servers/{server}/files/contents"),
    ("server.files.download", "GET", "servers/{server}/files/download"),
    ("server.files.rename", "PUT", "servers/{server}/files/rename"),
    ("server.files.copy", "POST", "servers/{server}/files/copy"),
    ("server.files.write", "POST", "servers/{server}/files/write"),
    ("server.files.compress", "POST", "servers/{server}/files/compress"),
    ("server.files.decompress", "POST", "servers/{server}/files/decompress"),
    ("server.files.delete", "POST", "servers/{server}/files/delete"),
    ("server.files.create_folder", "POST", "servers/{server}/files/create-folder"),
    ("server.files.chmod", "POST", "servers/{server}/files/chmod"),
    ("server.files.pull", "POST", "servers/{server}/files/pull"),
    ("server.files.upload", "GET", "servers/{server}/files/upload"),
    ("server.schedules.list", "GET", "servers/{server}/schedules"),
    ("server.schedules.create", "POST", "servers/{server}/schedules"),
    ("server.schedules.get", "GET", "servers/{server}/schedules/{schedule}"),
    ("server.schedules.update", "POST", "servers/{server}/schedules/{schedule}"),
    ("server.schedules.execute", "POST", "servers/{server}/schedules/{schedule}/execute"),
    ("server.schedules.delete", "DELETE", "servers/{server}/schedules/{schedule}"),
    ("server.schedules.tasks.create", "POST", "servers/{server}/schedules/{schedule}/tasks"),
    ("server.schedules.tasks.update", "POST", "servers/{server}/schedules/{schedule}/tasks/{task}"),
    ("server.schedules.tasks.delete", "DELETE", "servers/{server}/schedules/{schedule}/tasks/{task}"),
    ("server.allocations.list", "GET", "servers/{server}/network/allocations"),
    ("server.allocations.assign", "POST", "servers/{server}/network/allocations"),
    ("server.allocations.set_notes", "POST", "servers/{server}/network/allocations/{allocation}"),
    ("server.allocations.set_primary", "POST", "servers/{server}/network/allocations/{allocation}/primary"),
    ("server.allocations.delete", "DELETE", "servers/{server}/network/allocations/{allocation}"),
    ("server.users.list", "GET", "servers/{server}/users"),
    ("server.users.create", "POST", "servers/{server}/users"),
    ("server.users.get", "GET", "servers/{server}/users/{user}"),
    ("server.users.update", "POST", "servers/{server}/users/{user}"),
    ("server.users.delete", "DELETE", "servers/{server}/users/{user}"),
    ("server.backups.list", "GET", "servers/{server}/backups"),
    ("server.backups.create", "POST", "servers/{server}/backups"),
    ("server.backups.get", "GET", "servers/{server}/backups/{backup}"),
    ("server.backups.download", "GET", "servers/{server}/backups/{backup}/download"),
    ("server.backups.toggle_lock", "POST", "servers/{server}/backups/{backup}/lock"),
    ("server.backups.restore", "POST", "servers/{server}/backups/{backup}/restore"),
    ("server.backups.delete", "DELETE", "servers/{server}/backups/{backup}"),
    ("server.startup.get", "GET", "servers/{server}/startup"),
    ("server.startup.set_variable", "PUT", "servers/{server}/startup/variable"),
    ("server.settings.rename", "POST", "servers/{server}/settings/rename"),
    ("server.settings.reinstall", "POST", "servers/{server}/settings/reinstall"),
    ("server.settings.docker_image", "PUT", "servers/{server}/settings/docker-image"),
];

struct Matched {
    op: &'static str,
    params: BTreeMap<&'static str, String>,
}

enum RouteMiss {
    NotFound,
    MethodNotAllowed(Vec<&'static str>),
}

fn match_pattern(pattern: &'static str, segments: &[String]) -> Option<BTreeMap<&'static str, String>> {
    let parts: Vec<&'static str> = if pattern.is_empty() { Vec::new() } else { pattern.split('/').collect() };
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    for (p, s) in parts.iter().zip(segments) {
        if let Some(name) = p.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            if s.is_empty() {
                return None;
            }
            params.insert(name, s.clone());
        } else if p != s {
            return None;
        }
    }
    Some(params)
}

fn match_route(method: &str, segments: &[String]) -> Result<Matched, RouteMiss> {
    let method = if method == "HEAD" { "GET" } else { method };
    let mut allowed = Vec::new();
    for (op, m, pattern) in ROUTES {
        if let Some(params) = match_pattern(pattern, segments) {
            if *m == method {
                return Ok(Matched { op, params });
            }
            allowed.push(*m);
        }
    }
    if allowed.is_empty() {
        Err(RouteMiss::NotFound)
    } else {
        Err(RouteMiss::MethodNotAllowed(allowed))
    }
}

/// Laravel's `expectsJson()`: the first Accept type mentions json, or an XHR that accepts anything.
fn expects_json(req: &ApiRequest) -> bool {
    let accept = req.header("accept").unwrap_or("");
    let mut types: Vec<(f32, usize, String)> = accept
        .split(',')
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(i, t)| {
            let mut parts = t.split(';');
            let ty = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q, i, ty)
        })
        .collect();
    types.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let first = types.first().map(|t| t.2.as_str()).unwrap_or("");
    if first.contains("/json") || first.contains("+json") {
        return true;
    }
    let xhr = req.header("x-requested-with") == Some("XMLHttpRequest");
    xhr && (types.is_empty() || first == "*/*" || first == "*")
}

fn is_json_content(req: &ApiRequest) -> bool {
    let ct = req.header("content-type").unwrap_or("").to_ascii_lowercase();
    ct.contains("/json") || ct.contains("+json")
}

/// Laravel's `bearerToken()`.
fn bearer(req: &ApiRequest) -> Option<String> {
    let header = req.header("authorization")?;
    let pos = header.rfind("Bearer ")?;
    let token = &header[pos + 7..];
    let token = token.split(',').next().unwrap_or("");
    Some(token.to_string())
}

/// Handles one request under `/api/client`.
pub fn handle(st: &mut State, req: &ApiRequest) -> Reply {
    let wants_json = expects_json(req);
    let rel = req.path.strip_prefix("/api/client").unwrap_or("").trim_matches('/');
    let segments: Vec<String> =
        if rel.is_empty() { Vec::new() } else { rel.split('/').map(|s| percent_decode(s, false)).collect() };
    let laravel_path = req.path.trim_matches('/').to_string();

    let matched = match match_route(req.method, &segments) {
        Ok(m) => m,
        Err(RouteMiss::NotFound) => {
            return fail(
                404,
                "NotFoundHttpException",
                format!("The route {laravel_path} could not be found."),
            )
            .into_reply()
        }
        Err(RouteMiss::MethodNotAllowed(mut allowed)) => {
            if allowed.contains(&"GET") {
                allowed.push("HEAD");
            }
            let list = allowed.join(", ");
            if req.method == "OPTIONS" {
                return Reply::empty(200).with_header("allow", list);
            }
            return fail(
                405,
                "MethodNotAllowedHttpException",
                format!(
                    "The {} method is not supported for route {laravel_path}. Supported methods: {list}.",
                    req.method
                ),
            )
            .into_reply()
            .with_header("allow", list);
        }
    };

    // auth:sanctum
    let token = bearer(req);
    let key = token.as_deref().and_then(|t| st.key(t)).cloned();
    let Some(key) = key else {
        if !wants_json {
            return Reply::empty(302).with_header("location", format!("{}/auth/login", st.base_url));
        }
        return fail(401, "AuthenticationException", "Unauthenticated.").into_reply();
    };

    // IsValidJson
    if is_json_content(req) && !req.body.is_empty() && req.body != b"0" {
        if let Err(detail) = php_json_error(req.body) {
            return finish(
                fail(
                    400,
                    "BadRequestHttpException",
                    format!("The JSON data passed in the request appears to be malformed: {detail}"),
                ),
                wants_json,
                req,
                &st.base_url,
            );
        }
    }

    // throttle:api.client, keyed by the API key.
    let decision = st.hit(key.token, Instant::now());
    let mut reply = if let Some(retry_after) = decision.retry_after {
        fail(429, "ThrottleRequestsException", "Too Many Attempts.")
            .into_reply()
            .with_header("retry-after", retry_after.to_string())
            .with_header("x-ratelimit-reset", (util::unix_now() + retry_after as i64).to_string())
    } else if key.application {
        // RequireClientApiKey
        fail(
            403,
            "AccessDeniedHttpException",
            "You are attempting to use an application API key on an endpoint that requires a client API key.",
        )
        .into_reply()
    } else {
        let input = Input::parse(req);
        let ctx = Ctx {
            user: key.user_id,
            input: &input,
            path: format!("{}{}", st.base_url, req.path.trim_end_matches('/')),
            params: &matched.params,
            body: req.body,
        };
        match dispatch(st, &matched, &ctx) {
            Ok(r) => r,
            Err(f) => finish(f, wants_json, req, &st.base_url),
        }
    };
    // Laravel's `ThrottleRequests::getHeaders`: a route limiter (files/pull) that already left
    // a lower or equal `X-RateLimit-Remaining` keeps its headers.
    let route_limited = reply
        .headers
        .iter()
        .find(|(k, _)| k == "x-ratelimit-remaining")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .is_some_and(|r| r <= decision.remaining);
    if !route_limited {
        reply.headers.retain(|(k, _)| k != "x-ratelimit-limit" && k != "x-ratelimit-remaining");
        reply.headers.push(("x-ratelimit-limit".into(), decision.limit.to_string()));
        reply.headers.push(("x-ratelimit-remaining".into(), decision.remaining.to_string()));
    }
    reply
}

/// Renders a failure; non-JSON callers get the panel's redirect-back for display and
/// validation errors.
fn finish(f: Fail, wants_json: bool, req: &ApiRequest, base_url: &str) -> Reply {
    if f.redirects && !wants_json {
        let back = req.header("referer").map(String::from).unwrap_or_else(|| format!("{base_url}/"));
        return Reply::empty(302).with_header("location", back);
    }
    f.into_reply()
}

/// `json_decode(..., JSON_THROW_ON_ERROR)`'s error message, or Ok.
fn php_json_error(body: &[u8]) -> Result<(), &'static str> {
    if std::str::from_utf8(body).is_err() {
        return Err("Malformed UTF-8 characters, possibly incorrectly encoded");
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("recursion limit") => Err("Maximum stack depth exceeded"),
        Err(e) if e.to_string().contains("control character") => {
            Err("Control character error, possibly incorrectly encoded")
        }
        Err(_) => Err("Syntax error"),
    }
}

/// The request's input as Laravel sees it: query parameters and the JSON (or form) body
/// merged, strings trimmed and empty strings turned into null.
pub struct Input {
    pub query: Vec<(String, String)>,
    pub data: Map<String, Value>,
}

impl Input {
    fn parse(req: &ApiRequest) -> Input {
        let query = parse_query(req.query);
        let mut data = structure(&query);
        let ct = req.header("content-type").unwrap_or("").to_ascii_lowercase();
        if is_json_content(req) {
            if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(req.body) {
                data.extend(body);
            }
        } else if ct.starts_with("application/x-www-form-urlencoded") {
            let body = String::from_utf8_lossy(req.body);
            data.extend(structure(&parse_query(Some(&body))));
        }
        let mut value = Value::Object(data);
        clean(&mut value, !skips_trim(req.path));
        let Value::Object(data) = value else { unreachable!() };
        Input { query, data }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.data.get(key)
    }

    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Value::as_str)
    }

    /// A raw query-string parameter (Spatie reads filters and sorts from the query).
    pub(crate) fn query_value(&self, key: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// `filter[...]` from the query string, in order.
    pub(crate) fn filters(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.query {
            if let Some(name) = k.strip_prefix("filter[").and_then(|r| r.strip_suffix(']')) {
                out.retain(|(n, _)| n != name);
                out.push((name.to_string(), v.trim().to_string()));
            }
        }
        out
    }

    /// Fractal includes: `include=a,b` or `include[]=a`.
    pub(crate) fn includes(&self) -> Vec<String> {
        let raw: Vec<String> = match self.get("include") {
            Some(Value::String(s)) => s.split(',').map(String::from).collect(),
            Some(Value::Array(a)) => {
                a.iter().filter_map(Value::as_str).flat_map(|s| s.split(',')).map(String::from).collect()
            }
            _ => Vec::new(),
        };
        raw.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    }
}

/// PHP-style `a[b]=1&c[]=2` into nested values (one level deep is all the API uses).
fn structure(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in pairs {
        match k.split_once('[') {
            Some((base, rest)) if rest.ends_with(']') => {
                let inner = &rest[..rest.len() - 1];
                let entry = map.entry(base.to_string());
                if inner.is_empty() {
                    let slot = entry.or_insert_with(|| Value::Array(Vec::new()));
                    if !slot.is_array() {
                        *slot = Value::Array(Vec::new());
                    }
                    if let Value::Array(a) = slot {
                        a.push(Value::String(v.clone()));
                    }
                } else {
                    let slot = entry.or_insert_with(|| Value::Object(Map::new()));
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(o) = slot {
                        o.insert(inner.to_string(), Value::String(v.clone()));
                    }
                }
            }
            _ => {
                map.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    map
}

/// `RouteServiceProvider::FILE_PATH_REGEX`: `TrimStrings` is skipped on
/// `/api/client/servers/<36-character uuid>/files...` (not with the 8-character identifier).
fn skips_trim(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/client/servers/") else { return false };
    let Some((server, tail)) = rest.split_once('/') else { return false };
    server.len() == 36
        && server.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (tail == "files" || tail.starts_with("files/"))
}

/// `TrimStrings` (when `trim`) + `ConvertEmptyStringsToNull`.
fn clean(value: &mut Value, trim: bool) {
    match value {
        Value::String(s) => {
            let trimmed = if trim { s.trim() } else { s.as_str() };
            if trimmed.is_empty() {
                *value = Value::Null;
            } else if trimmed.len() != s.len() {
                *s = trimmed.to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| clean(v, trim)),
        Value::Object(o) => o.values_mut().for_each(|v| clean(v, trim)),
        _ => {}
    }
}

pub(crate) struct Ctx<'a> {
    pub(crate) user: u32,
    pub(crate) input: &'a Input,
    /// Absolute URL of the request without the query, for pagination links.
    pub(crate) path: String,
    /// Route parameters (`{server}`, `{schedule}`, ...), percent-decoded, unbound.
    pub(crate) params: &'a BTreeMap<&'static str, String>,
    /// The raw request body (`files/write` stores it as the file's content).
    pub(crate) body: &'a [u8],
}

fn dispatch(st: &mut State, m: &Matched, ctx: &Ctx) -> Outcome {
    match m.op {
        "servers.list" => servers_list(st, ctx),
        "permissions.get" => Ok(Reply::json(200, &permissions())),
        op if op.starts_with("server.") => {
            let server = m.params.get("server").cloned().unwrap_or_default();
            let allocation = m.params.get("allocation").cloned();
            let (idx, alloc) = server_prelude(st, op, &server, allocation.as_deref(), ctx.user)?;
            server_op(st, op, idx, alloc, ctx)
        }
        op if op.starts_with("account.") => crate::account::handle(st, op, ctx),
        op => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {op}."))),
    }
}

/// Binding, access, state and ownership checks shared by every `/servers/{server}` route.
fn server_prelude(
    st: &State,
    op: &str,
    server: &str,
    allocation: Option<&str>,
    user: u32,
) -> Result<(usize, Option<usize>), Fail> {
    let idx = st.bind_server(server).ok_or_else(model_not_found)?;
    let alloc = match allocation {
        Some(raw) => {
            let id: Option<u32> = raw.parse().ok();
            let pos = id.and_then(|id| st.allocations.iter().position(|a| a.id == id));
            Some(pos.ok_or_else(model_not_found)?)
        }
        None => None,
    };
    if !st.can_access(idx, user) {
        return Err(fail(
            404,
            "NotFoundHttpException",
            "The requested resource does not exist on this server.",
        ));
    }
    if op != "server.get" {
        if let Some(detail) = state_conflict(st, idx) {
            return Err(fail(409, "ServerStateConflictException", detail));
        }
    }
    if let Some(a) = alloc {
        if st.allocations[a].server_id != Some(st.servers[idx].id) {
            return Err(fail(
                404,
                "NotFoundHttpException",
                "The requested resource was not found for this server.",
            ));
        }
    }
    Ok((idx, alloc))
}

/// `ServerStateConflictException`'s message, if the server is in a state that blocks the API.
fn state_conflict(st: &State, idx: usize) -> Option<&'static str> {
    match st.servers[idx].status.as_deref() {
        Some("suspended") => {
            Some("This server is currently suspended and the functionality requested is unavailable.")
        }
        Some("installing") | Some("install_failed") => {
            Some("This server has not yet completed its installation process, please try again later.")
        }
        Some("restoring_backup") => {
            Some("This server is currently restoring from a backup, please try again later.")
        }
        _ => None,
    }
}

pub(crate) fn require(st: &State, idx: usize, user: u32, permission: &str) -> Result<(), Fail> {
    if st.can(idx, user, permission) {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

pub(crate) fn validate(input: &Input, f: impl FnOnce(&mut Validator)) -> Result<(), Fail> {
    let mut v = Validator::new(&input.data);
    f(&mut v);
    if v.passes() {
        Ok(())
    } else {
        Err(validation(v.errors))
    }
}

fn server_op(st: &mut State, op: &str, idx: usize, alloc: Option<usize>, ctx: &Ctx) -> Outcome {
    let user = ctx.user;
    let input = ctx.input;
    let server_id = st.servers[idx].id;
    let now = Instant::now();
    match op {
        "server.get" => {
            let attrs = server_attributes(st, idx, user, &input.includes());
            Ok(Reply::json(
                200,
                &WithMeta {
                    body: Item::new("server", attrs),
                    meta: ServerMeta {
                        is_server_owner: st.servers[idx].owner_id == user,
                        user_permissions: st.user_permissions(idx, user),
                    },
                },
            ))
        }
        "server.websocket" => {
            if !st.can(idx, user, "websocket.connect") {
                return Err(fail(
                    403,
                    "HttpForbiddenException",
                    "You do not have permission to connect to this server's websocket.",
                ));
            }
            let token = crate::ws::issue_token(st, idx, user);
            let socket = format!("{}/api/servers/{}/ws", crate::ws::socket_base(st), st.servers[idx].uuid);
            Ok(Reply::json(200, &WebsocketResponse { data: WebsocketCredentials { token, socket } }))
        }
        "server.resources" => {
            let s = &st.servers[idx];
            let u = usage(s, now);
            Ok(Reply::json(
                200,
                &Item::new(
                    "stats",
                    StatsAttributes {
                        current_state: u.state.as_str().into(),
                        is_suspended: s.status.as_deref() == Some("suspended"),
                        resources: Resources {
                            memory_bytes: u.memory_bytes,
                            cpu_absolute: u.cpu_absolute,
                            disk_bytes: u.disk_bytes,
                            network_rx_bytes: u.rx_bytes,
                            network_tx_bytes: u.tx_bytes,
                            uptime: u.uptime_ms,
                        },
                    },
                ),
            ))
        }
        "server.activity.list" => activity_list(st, idx, ctx),
        "server.command" => {
            require(st, idx, user, "control.console")?;
            validate(input, |v| {
                v.rules("command", "required|string|min:1");
            })?;
            if st.servers[idx].power.at(now) == PowerState::Offline {
                return Err(fail(502, "HttpException", "Server must be online in order to send commands."));
            }
            let command = input.str("command").unwrap_or_default().to_string();
            st.console_line(idx, format!("> {command}"));
            st.log_activity(server_id, user, "server:console.command", json!({ "command": command }));
            Ok(Reply::empty(204))
        }
        "server.power" => {
            let signal = input.get("signal");
            let permission = match signal.and_then(Value::as_str) {
                Some("start") => "control.start",
                Some("stop") | Some("kill") => "control.stop",
                Some("restart") => "control.restart",
                _ => "__invalid",
            };
            require(st, idx, user, permission)?;
            validate(input, |v| {
                v.rules("signal", "required|string|in:start,stop,restart,kill");
            })?;
            let signal = input.str("signal").unwrap_or_default().to_string();
            let power = &mut st.servers[idx].power;
            match signal.as_str() {
                "start" => power.start(now),
                "stop" => power.stop(now),
                "restart" => power.restart(now),
                _ => power.kill(now),
            }
            if signal == "start" || signal == "restart" {
                boot_lines(st, idx);
            }
            st.log_activity(server_id, user, &format!("server:power.{signal}"), json!({}));
            Ok(Reply::empty(204))
        }
        "server.startup.get" => {
            require(st, idx, user, "startup.read")?;
            let s = &st.servers[idx];
            let vars: Vec<EggVariableAttributes> =
                s.variables.iter().filter(|v| v.user_viewable).map(variable_attributes).collect();
            let docker_images = st.eggs[s.egg].docker_images.iter().cloned().collect();
            Ok(Reply::json(
                200,
                &WithMeta {
                    body: List::of("egg_variable", vars),
                    meta: StartupMeta {
                        startup_command: st.render_startup(idx, false),
                        docker_images,
                        raw_startup_command: s.startup.clone(),
                    },
                },
            ))
        }
        "server.startup.set_variable" => set_variable(st, idx, ctx),
        "server.settings.rename" => {
            require(st, idx, user, "settings.rename")?;
            validate(input, |v| {
                v.rules("name", "required|string|min:1|max:191").rules("description", "string|nullable");
            })?;
            let name = input.str("name").unwrap_or_default().to_string();
            let s = &mut st.servers[idx];
            let description = if input.data.contains_key("description") {
                input.str("description").unwrap_or_default().to_string()
            } else {
                s.description.clone()
            };
            let old_name = std::mem::replace(&mut s.name, name.clone());
            let old_description = std::mem::replace(&mut s.description, description.clone());
            if old_name != name {
                st.log_activity(
                    server_id,
                    user,
                    "server:settings.rename",
                    json!({"old": old_name, "new": name}),
                );
            }
            if old_description != description {
                st.log_activity(
                    server_id,
                    user,
                    "server:settings.description",
                    json!({"old": old_description, "new": description}),
                );
            }
            Ok(Reply::empty(204))
        }
        "server.settings.reinstall" => {
            require(st, idx, user, "settings.reinstall")?;
            let s = &mut st.servers[idx];
            s.status = Some("installing".into());
            s.power.kill(now);
            st.log_activity(server_id, user, "server:reinstall", json!({}));
            Ok(Reply { body: b"[]".to_vec(), ..Reply::json(202, &()) })
        }
        "server.settings.docker_image" => {
            require(st, idx, user, "startup.docker-image")?;
            let images: Vec<String> =
                st.eggs[st.servers[idx].egg].docker_images.iter().map(|(_, image)| image.clone()).collect();
            let regex = format!("regex:{DOCKER_IMAGE_REGEX}");
            let in_rule = format!("in:{}", images.join(","));
            validate(input, |v| {
                v.rule_list("docker_image", &["required", "string", "max:191", &regex, &in_rule]);
            })?;
            let s = &mut st.servers[idx];
            if !images.contains(&s.docker_image) {
                return Err(fail(
                    400,
                    "BadRequestHttpException",
                    "This server's Docker image has been manually set by an administrator and cannot be updated.",
                ));
            }
            let image = input.str("docker_image").unwrap_or_default().to_string();
            let old = std::mem::replace(&mut s.docker_image, image.clone());
            if old != image {
                st.log_activity(server_id, user, "server:startup.image", json!({"old": old, "new": image}));
            }
            Ok(Reply::empty(204))
        }
        "server.allocations.list" => {
            require(st, idx, user, "allocation.read")?;
            let list: Vec<AllocationAttributes> =
                st.server_allocations(server_id).into_iter().map(|a| allocation_attributes(st, a)).collect();
            Ok(Reply::json(200, &List::of("allocation", list)))
        }
        "server.allocations.assign" => {
            require(st, idx, user, "allocation.create")?;
            let count = st.server_allocations(server_id).len() as u32;
            // PHP compares `count >= null` as booleans, so a null limit is always "reached".
            let reached = match st.servers[idx].feature_limits.allocations {
                None => true,
                Some(limit) => count >= limit,
            };
            if reached {
                return Err(display_exception(
                    "Cannot assign additional allocations to this server: limit has been reached.",
                ));
            }
            let a = assign_allocation(st, idx);
            let address = st.allocations[a].address();
            st.log_activity(server_id, user, "server:allocation.create", json!({"allocation": address}));
            Ok(allocation_item(st, a))
        }
        "server.allocations.set_notes" => {
            let a = alloc.expect("bound allocation");
            require(st, idx, user, "allocation.update")?;
            validate(input, |v| {
                v.rules("notes", "nullable|string|max:256|present");
            })?;
            let notes = input.str("notes").map(String::from);
            let old = std::mem::replace(&mut st.allocations[a].notes, notes.clone());
            if old != notes {
                let address = st.allocations[a].address();
                st.log_activity(
                    server_id,
                    user,
                    "server:allocation.notes",
                    json!({"allocation": address, "old": old, "new": notes}),
                );
            }
            Ok(allocation_item(st, a))
        }
        "server.allocations.set_primary" => {
            let a = alloc.expect("bound allocation");
            require(st, idx, user, "allocation.update")?;
            st.servers[idx].allocation_id = st.allocations[a].id;
            let address = st.allocations[a].address();
            st.log_activity(server_id, user, "server:allocation.primary", json!({"allocation": address}));
            Ok(allocation_item(st, a))
        }
        "server.allocations.delete" => {
            let a = alloc.expect("bound allocation");
            require(st, idx, user, "allocation.delete")?;
            if matches!(st.servers[idx].feature_limits.allocations, None | Some(0)) {
                return Err(display_exception(
                    "You cannot delete allocations for this server: no allocation limit is set.",
                ));
            }
            if st.allocations[a].id == st.servers[idx].allocation_id {
                return Err(display_exception("You cannot delete the primary allocation for this server."));
            }
            let address = st.allocations[a].address();
            st.allocations[a].notes = None;
            st.allocations[a].server_id = None;
            st.log_activity(server_id, user, "server:allocation.delete", json!({"allocation": address}));
            Ok(Reply::empty(204))
        }
        op if op.starts_with("server.files.") => crate::files::handle(st, op, idx, ctx),
        op if op.starts_with("server.schedules.") => crate::schedules::handle(st, op, idx, ctx),
        op if op.starts_with("server.databases.") => crate::databases::handle(st, op, idx, ctx),
        op if op.starts_with("server.users.") => crate::subusers::handle(st, op, idx, ctx),
        op if op.starts_with("server.backups.") => crate::backups::handle(st, op, idx, ctx),
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}

/// Console lines Wings prints while a server boots.
pub(crate) fn boot_lines(st: &mut State, idx: usize) {
    for line in [
        "[Pterodactyl Daemon]: Checking server disk space usage, this could take a few seconds...",
        "[Pterodactyl Daemon]: Updating process configuration files...",
        "[Pterodactyl Daemon]: Ensuring file permissions are set correctly, this could take a few seconds...",
        "container@pterodactyl~ Server marked as starting...",
    ] {
        st.console_line(idx, line.to_string());
    }
}

/// Reuses a free allocation on the primary's IP (lowest port first), else creates the next
/// free port above the primary.
fn assign_allocation(st: &mut State, idx: usize) -> usize {
    let server_id = st.servers[idx].id;
    let primary = st.primary_allocation(idx).cloned().expect("servers always have a primary allocation");
    let free = st
        .allocations
        .iter()
        .enumerate()
        .filter(|(_, a)| a.server_id.is_none() && a.ip == primary.ip && a.node == primary.node)
        .min_by_key(|(_, a)| a.port)
        .map(|(i, _)| i);
    let pos = match free {
        Some(i) => i,
        None => {
            let mut port = primary.port;
            while st.allocations.iter().any(|a| a.ip == primary.ip && a.port == port) {
                port = port.wrapping_add(1);
            }
            let id = st.allocations.iter().map(|a| a.id).max().unwrap_or(0) + 1;
            st.allocations.push(Allocation {
                id,
                node: primary.node,
                ip: primary.ip.clone(),
                ip_alias: None,
                port,
                notes: None,
                server_id: None,
            });
            st.allocations.len() - 1
        }
    };
    st.allocations[pos].server_id = Some(server_id);
    pos
}

fn set_variable(st: &mut State, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    require(st, idx, user, "startup.update")?;
    validate(input, |v| {
        v.rules("key", "required|string").rules("value", "present");
    })?;
    let key = input.str("key").unwrap_or_default();
    let Some(vpos) = st.servers[idx].variables.iter().position(|v| v.env_variable == key) else {
        // The panel reads `$variable->server_value` before its null check: a PHP warning,
        // rendered as a generic 500.
        return Err(fail(
            500,
            "ErrorException",
            "An unexpected error was encountered while processing this request, please try again.",
        ));
    };
    let variable = st.servers[idx].variables[vpos].clone();
    if !variable.user_viewable {
        return Err(fail(
            400,
            "BadRequestHttpException",
            "The environment variable you are trying to edit does not exist.",
        ));
    }
    if !variable.user_editable {
        return Err(fail(
            400,
            "BadRequestHttpException",
            "The environment variable you are trying to edit is read-only.",
        ));
    }
    validate(input, |v| {
        v.rules("value", &variable.rules);
    })?;
    let value = input.get("value").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    });
    let old = variable.server_value.clone();
    // Stored as `value ?? ''`, returned as sent.
    st.servers[idx].variables[vpos].server_value = Some(value.clone().unwrap_or_default());
    st.log_activity(
        st.servers[idx].id,
        user,
        "server:startup.edit",
        json!({"variable": variable.env_variable, "old": old, "new": value}),
    );
    let mut attrs = variable_attributes(&st.servers[idx].variables[vpos]);
    attrs.server_value = value;
    Ok(Reply::json(
        200,
        &WithMeta {
            body: Item::new("egg_variable", attrs),
            meta: StartupVariableMeta {
                startup_command: st.render_startup(idx, false),
                raw_startup_command: st.servers[idx].startup.clone(),
            },
        },
    ))
}

fn servers_list(st: &State, ctx: &Ctx) -> Outcome {
    let input = ctx.input;
    let filters = input.filters();
    let allowed = ["uuid", "name", "description", "external_id", "*"];
    let unknown: Vec<&str> =
        filters.iter().map(|(k, _)| k.as_str()).filter(|k| !allowed.contains(k)).collect();
    if !unknown.is_empty() {
        return Err(fail(
            400,
            "InvalidFilterQuery",
            format!(
                "Requested filter(s) `{}` are not allowed. Allowed filter(s) are `{}`.",
                unknown.join(", "),
                allowed.join(", ")
            ),
        ));
    }
    let user = ctx.user;
    let kind = input.query_value("type").map(str::trim);
    let mut matches: Vec<usize> = (0..st.servers.len())
        .filter(|&i| match kind {
            // Nobody in the fake is a root admin: the panel answers with an empty list.
            Some("admin") | Some("admin-all") => false,
            Some("owner") => st.servers[i].owner_id == user,
            _ => st.can_access(i, user),
        })
        .filter(|&i| filters.iter().all(|(name, value)| server_filter(st, i, name, value)))
        .collect();
    matches.sort_by_key(|&i| st.servers[i].id);

    let includes = input.includes();
    let (page, pagination) = paginate(matches, input, 50, 100, &ctx.path);
    let data: Vec<ServerAttributes> =
        page.into_iter().map(|i| server_attributes(st, i, user, &includes)).collect();
    Ok(Reply::json(200, &WithMeta { body: List::of("server", data), meta: PaginationMeta { pagination } }))
}

/// Spatie's partial filters and Pterodactyl's `MultiFieldServerFilter` (`filter[*]`).
fn server_filter(st: &State, i: usize, name: &str, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let s = &st.servers[i];
    let partial = |field: Option<&str>| {
        value
            .split(',')
            .filter(|v| !v.is_empty())
            .any(|v| field.is_some_and(|f| f.to_lowercase().contains(&v.to_lowercase())))
    };
    match name {
        "uuid" => partial(Some(&s.uuid)),
        "name" => partial(Some(&s.name)),
        "description" => partial(Some(&s.description)),
        "external_id" => partial(s.external_id.as_deref()),
        _ => {
            let allocations = st.server_allocations(s.id);
            if let Some(port) = value.strip_prefix(':').filter(|p| is_port(p)) {
                return allocations.iter().any(|a| a.port.to_string().starts_with(port));
            }
            if let Some((ip, port)) = split_ipv4(value) {
                return allocations
                    .iter()
                    .any(|a| a.ip == ip && port.is_none_or(|p| a.port.to_string().starts_with(p)));
            }
            s.uuid == value
                || s.uuid.starts_with(value)
                || s.identifier == value
                || s.external_id.as_deref() == Some(value)
                || s.name.to_lowercase().contains(&value.to_lowercase())
        }
    }
}

fn is_port(s: &str) -> bool {
    (1..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `ip` or `ip:port` for a dotted-quad IPv4 address.
fn split_ipv4(value: &str) -> Option<(&str, Option<&str>)> {
    let (ip, port) = match value.split_once(':') {
        Some((ip, port)) if is_port(port) => (ip, Some(port)),
        Some(_) => return None,
        None => (value, None),
    };
    let octets: Vec<&str> = ip.split('.').collect();
    let ok = octets.len() == 4
        && octets.iter().all(|o| {
            (1..=3).contains(&o.len())
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        });
    ok.then_some((ip, port))
}

fn activity_list(st: &State, idx: usize, ctx: &Ctx) -> Outcome {
    let input = ctx.input;
    // `$this->authorize(...)` in the controller.
    require(st, idx, ctx.user, "activity.read")?;

    let sorts: Vec<String> = input
        .query_value("sort")
        .map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let unknown_sorts: Vec<&str> =
        sorts.iter().map(|s| s.trim_start_matches('-')).filter(|s| *s != "timestamp").collect();
    if !unknown_sorts.is_empty() {
        return Err(fail(
            400,
            "InvalidSortQuery",
            format!(
                "Requested sort(s) `{}` is not allowed. Allowed sort(s) are `timestamp`.",
                unknown_sorts.join(", ")
            ),
        ));
    }
    let filters = input.filters();
    let unknown: Vec<&str> = filters.iter().map(|(k, _)| k.as_str()).filter(|k| *k != "event").collect();
    if !unknown.is_empty() {
        return Err(fail(
            400,
            "InvalidFilterQuery",
            format!(
                "Requested filter(s) `{}` are not allowed. Allowed filter(s) are `event`.",
                unknown.join(", ")
            ),
        ));
    }
    let server_id = st.servers[idx].id;
    let mut rows: Vec<&Activity> = st
        .activity
        .iter()
        .filter(|a| a.server_id == Some(server_id))
        .filter(|a| a.event != "server:file.upload")
        .filter(|a| {
            filters.iter().all(|(_, value)| {
                let values: Vec<&str> = value.split(',').filter(|v| !v.is_empty()).collect();
                values.is_empty() || values.iter().any(|v| a.event.to_lowercase().contains(&v.to_lowercase()))
            })
        })
        .collect();
    rows.sort_by_key(|a| a.row_id);
    if let Some(sort) = sorts.first() {
        if sort.starts_with('-') {
            // Ties (several entries in one second) newest row first, as the database's row order.
            rows.sort_by_key(|a| std::cmp::Reverse((a.timestamp, a.row_id)));
        } else {
            rows.sort_by_key(|a| (a.timestamp, a.row_id));
        }
    }
    let include_actor = input.includes().iter().any(|i| i == "actor");
    let (page, pagination) = paginate(rows, input, 25, 100, &ctx.path);
    let data: Vec<ActivityAttributes> =
        page.into_iter().map(|a| activity_attributes(st, a, ctx.user, include_actor)).collect();
    Ok(Reply::json(
        200,
        &WithMeta { body: List::of("activity_log", data), meta: PaginationMeta { pagination } },
    ))
}

/// `LengthAwarePaginator` + Fractal's `paginator()` meta.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    input: &Input,
    default: i64,
    max: i64,
    url: &str,
) -> (Vec<T>, Pagination) {
    let per_page = match input.query_value("per_page").map(str::trim) {
        None => default,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 1 => n.min(max),
            // `paginate(0)` or a nonsense value falls back to Eloquent's default of 15.
            Ok(_) => 15,
            Err(_) if raw.is_empty() => 15,
            // PHP compares a non-numeric string with 100 as strings: `min("abc", 100)` is 100.
            Err(_) => max,
        },
    };
    let page = input
        .query_value("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let total = items.len();
    let per = per_page as usize;
    let total_pages = total.div_ceil(per).max(1);
    let data: Vec<T> = items.into_iter().skip((page - 1).saturating_mul(per)).take(per).collect();
    let link = |target: usize| {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut placed = false;
        for (k, v) in &input.query {
            if k == "page" {
                if !placed {
                    pairs.push(("page".into(), target.to_string()));
                    placed = true;
                }
            } else {
                pairs.push((k.clone(), v.clone()));
            }
        }
        if !placed {
            pairs.push(("page".into(), target.to_string()));
        }
        let query: Vec<String> =
            pairs.iter().map(|(k, v)| format!("{}={}", rawurlencode(k), rawurlencode(v))).collect();
        format!("{url}?{}", query.join("&"))
    };
    let links = Links {
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < total_pages).then(|| link(page + 1)),
    };
    let pagination =
        Pagination { total, count: data.len(), per_page, current_page: page, total_pages, links };
    (data, pagination)
}

fn server_attributes(st: &State, idx: usize, user: u32, includes: &[String]) -> ServerAttributes {
    let s = &st.servers[idx];
    let node = &st.nodes[s.node];
    let egg = &st.eggs[s.egg];
    let allocations: Vec<AllocationAttributes> = if st.can(idx, user, "allocation.read") {
        st.server_allocations(s.id).into_iter().map(|a| allocation_attributes(st, a)).collect()
    } else {
        st.primary_allocation(idx)
            .map(|a| {
                let mut attrs = allocation_attributes(st, a);
                attrs.notes = None;
                vec![attrs]
            })
            .unwrap_or_default()
    };
    let variables = if st.can(idx, user, "startup.read") {
        OrNull::Value(List::of(
            "egg_variable",
            s.variables.iter().filter(|v| v.user_viewable).map(variable_attributes).collect(),
        ))
    } else {
        OrNull::Null(NullResource::new())
    };
    let egg_include = includes
        .iter()
        .any(|i| i == "egg")
        .then(|| Item::new("egg", EggAttributes { uuid: egg.uuid.into(), name: egg.name.into() }));
    let subusers = includes.iter().any(|i| i == "subusers").then(|| {
        if st.can(idx, user, "user.read") {
            OrNull::Value(List::of(
                "server_subuser",
                s.subusers
                    .iter()
                    .map(|su| SubuserAttributes {
                        user: user_attributes(st, su.user_id),
                        permissions: su.permissions.clone(),
                    })
                    .collect(),
            ))
        } else {
            OrNull::Null(NullResource::new())
        }
    });
    let status = s.status.clone();
    ServerAttributes {
        server_owner: s.owner_id == user,
        identifier: s.identifier.clone(),
        internal_id: s.id,
        uuid: s.uuid.clone(),
        name: s.name.clone(),
        node: node.name.into(),
        is_node_under_maintenance: false,
        sftp_details: SftpDetails { ip: node.fqdn.into(), port: node.sftp_port },
        description: s.description.clone(),
        limits: s.limits.clone(),
        invocation: st.render_startup(idx, !st.can(idx, user, "startup.read")),
        docker_image: s.docker_image.clone(),
        egg_features: egg.features.clone(),
        feature_limits: s.feature_limits,
        is_suspended: status.as_deref() == Some("suspended"),
        is_installing: matches!(status.as_deref(), Some("installing") | Some("install_failed")),
        is_transferring: false,
        status,
        relationships: ServerRelationships {
            allocations: List::of("allocation", allocations),
            variables,
            egg: egg_include,
            subusers,
        },
    }
}

/// `200` with one `allocation` item.
fn allocation_item(st: &State, pos: usize) -> Reply {
    Reply::json(200, &Item::new("allocation", allocation_attributes(st, &st.allocations[pos])))
}

fn allocation_attributes(st: &State, a: &Allocation) -> AllocationAttributes {
    let is_default =
        a.server_id.and_then(|sid| st.server_index(sid)).is_some_and(|i| st.servers[i].allocation_id == a.id);
    AllocationAttributes {
        id: a.id,
        ip: a.ip.clone(),
        ip_alias: a.ip_alias.clone(),
        port: a.port,
        notes: a.notes.clone(),
        is_default,
    }
}

fn variable_attributes(v: &crate::state::Variable) -> EggVariableAttributes {
    EggVariableAttributes {
        name: v.name.clone(),
        description: v.description.clone(),
        env_variable: v.env_variable.clone(),
        default_value: v.default_value.clone(),
        server_value: v.server_value.clone(),
        is_editable: v.user_editable,
        rules: v.rules.clone(),
    }
}

pub(crate) fn user_attributes(st: &State, id: u32) -> UserAttributes {
    let u = st.user(id);
    UserAttributes {
        uuid: u.uuid.into(),
        username: u.username.into(),
        email: u.email.into(),
        image: format!("https://gravatar.com/avatar/{}", u.email_md5),
        two_factor_enabled: false,
        created_at: atom(u.created_at),
    }
}

/// Placeholders of each event's translation string (`lang/en/activity.php`), used for
/// `has_additional_metadata`.
fn event_placeholders(event: &str) -> &'static [&'static str] {
    match event {
        "server:console.command" => &["command"],
        "server:file.write" | "server:file.read" | "server:file.download" | "server:file.copy" => &["file"],
        "server:allocation.create" | "server:allocation.primary" | "server:allocation.delete" => {
            &["allocation"]
        }
        "server:allocation.notes" => &["allocation", "old", "new"],
        "server:settings.rename" | "server:settings.description" | "server:startup.image" => &["old", "new"],
        "server:startup.edit" => &["variable", "old", "new"],
        "server:file.create-directory" => &["directory", "name"],
        "server:file.decompress" => &["files", "directory"],
        "server:file.pull" => &["url", "directory"],
        "server:file.uploaded" => &["directory", "file"],
        "server:schedule.create" | "server:schedule.update" | "server:schedule.execute" => &["name"],
        "server:schedule.delete" | "server:task.delete" => &["name"],
        "server:task.create" | "server:task.update" => &["action", "name"],
        "server:backup.start" | "server:backup.download" | "server:backup.delete" => &["name"],
        "server:backup.lock" | "server:backup.unlock" => &["name"],
        "server:backup.restore" => &["name", "truncate"],
        "server:database.create" | "server:database.rotate-password" | "server:database.delete" => &["name"],
        "server:subuser.create" | "server:subuser.update" | "server:subuser.delete" => &["email"],
        "user:account.email-changed" => &["old", "new"],
        "user:api-key.create" | "user:api-key.delete" => &["identifier"],
        "user:ssh-key.create" | "user:ssh-key.delete" => &["fingerprint"],
        _ => &[],
    }
}

pub(crate) fn activity_attributes(
    st: &State,
    a: &Activity,
    viewer: u32,
    include_actor: bool,
) -> ActivityAttributes {
    let is_actor = a.actor_id == Some(viewer);
    let mut properties = Map::new();
    for (k, v) in &a.properties {
        if k == "ip" && !is_actor {
            properties.insert(k.clone(), Value::String("[hidden]".into()));
        } else if let Value::Array(items) = v {
            properties.insert(k.clone(), v.clone());
            properties.insert(format!("{k}_count"), json!(items.len()));
        } else if k == "directory" {
            let trimmed = v.as_str().unwrap_or("").trim_matches('/');
            properties.insert(k.clone(), json!(format!("/{trimmed}/").replace("//", "/")));
        } else {
            properties.insert(k.clone(), v.clone());
        }
    }
    let counts: Vec<String> = properties.keys().filter(|k| k.ends_with("_count")).cloned().collect();
    if let [only] = counts.as_slice() {
        if let Some(v) = properties.remove(only) {
            properties.insert("count".into(), v);
        }
    }
    let placeholders = event_placeholders(&a.event);
    let has_additional_metadata = a.properties.keys().any(|k| {
        !placeholders.contains(&k.as_str()) && !matches!(k.as_str(), "ip" | "useragent" | "using_sftp")
    });
    let relationships = include_actor.then(|| ActivityRelationships {
        actor: match a.actor_id {
            Some(id) => OrNull::Value(Item::new("user", user_attributes(st, id))),
            None => OrNull::Null(NullResource::new()),
        },
    });
    ActivityAttributes {
        id: util::sha1_hex(a.row_id.to_string().as_bytes()),
        batch: None,
        event: a.event.clone(),
        is_api: a.is_api,
        ip: if is_actor { a.ip.clone() } else { None },
        description: None,
        properties,
        has_additional_metadata,
        timestamp: atom(a.timestamp),
        relationships,
    }
}

/// What Wings reports for a server right now.
pub struct Usage {
    pub state: PowerState,
    pub memory_bytes: u64,
    pub memory_limit_bytes: u64,
    pub cpu_absolute: f64,
    pub disk_bytes: u64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub uptime_ms: u64,
}

pub fn usage(s: &crate::state::Server, now: Instant) -> Usage {
    let state = s.power.at(now);
    let uptime_ms = s.power.uptime(now).as_millis() as u64;
    let (memory_bytes, cpu_absolute, rx, tx) = match state {
        PowerState::Offline => (0, 0.0, 0, 0),
        PowerState::Starting => (268_435_456, 87.5, 1_024, 512),
        PowerState::Running => (734_003_200, 23.731, 10_240 + uptime_ms, 20_480 + uptime_ms / 2),
        PowerState::Stopping => (536_870_912, 4.2, 10_240 + uptime_ms, 20_480 + uptime_ms / 2),
    };
    let uptime_ms = if state == PowerState::Offline { 0 } else { uptime_ms };
    Usage {
        state,
        memory_bytes,
        memory_limit_bytes: (s.limits.memory as u64) * 1024 * 1024,
        cpu_absolute,
        disk_bytes: 157_286_400,
        rx_bytes: rx,
        tx_bytes: tx,
        uptime_ms,
    }
}

/// (group, description, [(key, description)]).
type PermissionGroupSeed = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// `Permission::permissions()`.
pub(crate) fn permissions() -> Item<SystemPermissions> {
    const GROUPS: &[PermissionGroupSeed] = &[
        ("websocket", "Allows the user to connect to the server websocket, giving them access to view console output and realtime server stats.", &[
            ("connect", "Allows a user to connect to the websocket instance for a server to stream the console."),
        ]),
        ("control", "Permissions that control a user's ability to control the power state of a server, or send commands.", &[
            ("console", "Allows a user to send commands to the server instance via the console."),
            ("start", "Allows a user to start the server if it is stopped."),
            ("stop", "Allows a user to stop a server if it is running."),
            ("restart", "Allows a user to perform a server restart. This allows them to start the server if it is offline, but not put the server in a completely stopped state."),
        ]),
        ("user", "Permissions that allow a user to manage other subusers on a server. They will never be able to edit their own account, or assign permissions they do not have themselves.", &[
            ("create", "Allows a user to create new subusers for the server."),
            ("read", "Allows the user to view subusers and their permissions for the server."),
            ("update", "Allows a user to modify other subusers."),
            ("delete", "Allows a user to delete a subuser from the server."),
        ]),
        ("file", "Permissions that control a user's ability to modify the filesystem for this server.", &[
            ("create", "Allows a user to create additional files and folders via the Panel or direct upload."),
            ("read", "Allows a user to view the contents of a directory, but not view the contents of or download files."),
            ("read-content", "Allows a user to view the contents of a given file. This will also allow the user to download files."),
            ("update", "Allows a user to update the contents of an existing file or directory."),
            ("delete", "Allows a user to delete files or directories."),
            ("archive", "Allows a user to archive the contents of a directory as well as decompress existing archives on the system."),
            ("sftp", "Allows a user to connect to SFTP and manage server files using the other assigned file permissions."),
        ]),
        ("backup", "Permissions that control a user's ability to generate and manage server backups.", &[
            ("create", "Allows a user to create new backups for this server."),
            ("read", "Allows a user to view all backups that exist for this server."),
            ("delete", "Allows a user to remove backups from the system."),
            ("download", "Allows a user to download a backup for the server. Danger: this allows a user to access all files for the server in the backup."),
            ("restore", "Allows a user to restore a backup for the server. Danger: this allows the user to delete all of the server files in the process."),
        ]),
        ("allocation", "Permissions that control a user's ability to modify the port allocations for this server.", &[
            ("read", "Allows a user to view all allocations currently assigned to this server. Users with any level of access to this server can always view the primary allocation."),
            ("create", "Allows a user to assign additional allocations to the server."),
            ("update", "Allows a user to change the primary server allocation and attach notes to each allocation."),
            ("delete", "Allows a user to delete an allocation from the server."),
        ]),
        ("startup", "Permissions that control a user's ability to view this server's startup parameters.", &[
            ("read", "Allows a user to view the startup variables for a server."),
            ("update", "Allows a user to modify the startup variables for the server."),
            ("docker-image", "Allows a user to modify the Docker image used when running the server."),
        ]),
        ("database", "Permissions that control a user's access to the database management for this server.", &[
            ("create", "Allows a user to create a new database for this server."),
            ("read", "Allows a user to view the database associated with this server."),
            ("update", "Allows a user to rotate the password on a database instance. If the user does not have the view_password permission they will not see the updated password."),
            ("delete", "Allows a user to remove a database instance from this server."),
            ("view_password", "Allows a user to view the password associated with a database instance for this server."),
        ]),
        ("schedule", "Permissions that control a user's access to the schedule management for this server.", &[
            ("create", "Allows a user to create new schedules for this server."),
            ("read", "Allows a user to view schedules and the tasks associated with them for this server."),
            ("update", "Allows a user to update schedules and schedule tasks for this server."),
            ("delete", "Allows a user to delete schedules for this server."),
        ]),
        ("settings", "Permissions that control a user's access to the settings for this server.", &[
            ("rename", "Allows a user to rename this server and change the description of it."),
            ("reinstall", "Allows a user to trigger a reinstall of this server."),
        ]),
        ("activity", "Permissions that control a user's access to the server activity logs.", &[
            ("read", "Allows a user to view the activity logs for the server."),
        ]),
    ];
    let permissions = GROUPS
        .iter()
        .map(|(group, description, keys)| {
            (*group, PermissionGroup { description, keys: keys.iter().copied().collect() })
        })
        .collect();
    Item::new("system_permissions", SystemPermissions { permissions })
}
