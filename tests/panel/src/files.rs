//! `/servers/{server}/files/*` and the Wings side of the signed URLs (`GET /download/file`,
//! `POST /upload/file`).
//!
//! Every server has a small in-memory file tree, so list, write, read back, rename, copy,
//! compress, decompress, delete, create-folder, chmod, pull and upload are real. Errors that
//! Wings reports are relayed the way the panel's `DaemonConnectionException` renders them.
//! Behaviour follows `FileController`, `DaemonFileRepository` (panel) and
//! `router/router_server_files.go`, `server/filesystem/*` (Wings).

use crate::api::{fail, require, validate, Ctx, Fail, Outcome, Reply};
use crate::model::{Item, List};
use crate::state::State;
use crate::util::{atom, parse_query, percent_decode, sha1_hex, unix_from_civil, unix_now};
use crate::Shared;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// `pterodactyl.files.max_edit_size`: `files/contents` refuses anything larger.
pub const MAX_EDIT_SIZE: usize = 4 * 1024 * 1024;
/// `throttle:10,5` on `files/pull`, keyed by user.
pub const PULL_LIMIT: u32 = 10;
pub const PULL_WINDOW: Duration = Duration::from_secs(300);
/// Signed download and upload URLs live 15 minutes (by default: see `Files::token_ttl_secs`).
const SIGNED_URL_TTL_SECS: i64 = 900;
/// Wings' `api.upload_limit` default, in MB.
const UPLOAD_LIMIT_MB: u64 = 100;
/// Uploaded files up to this size are kept byte for byte; larger ones only as generated content
/// (when they are) or as a size.
const KEEP_UPLOAD_BYTES: u64 = 16 * 1024 * 1024;
/// The chunk size the Wings routes stream with.
const STREAM_CHUNK: usize = 256 * 1024;

/// Wings' messages (`router/middleware/request_error.go`, `router/router_server_files.go`).
const NOT_FOUND: &str = "The requested resources was not found on the system.";
const IS_DIRECTORY: &str = "Cannot perform that action: file is a directory.";
const WRITE_DIRECTORY_CONFLICT: &str =
    "Cannot write file, name conflicts with an existing directory by the same name.";
const RENAME_EXISTS: &str = "Cannot move or rename file, destination already exists.";
const FOLDER_NOT_DIRECTORY: &str = "Part of the path being created is not a directory (ENOTDIR).";
const INVALID_MODE: &str = "Invalid file mode.";
const UNKNOWN_ARCHIVE: &str = "The archive provided is in a format Wings does not understand.";
const RESOURCE_NOT_FOUND: &str = "The requested resource was not found on this server.";
const UNEXPECTED: &str = "An unexpected error was encountered while processing this request";

/// The size Wings reports for a directory (an ext4 directory inode).
const DIRECTORY_SIZE: u64 = 4096;

#[derive(Clone, Debug)]
pub enum Kind {
    File(Vec<u8>),
    Directory,
    /// A large file that is never held in memory: [`fill_generated`] makes its bytes on demand.
    Generated {
        len: u64,
        seed: u64,
    },
    /// A large upload that was not generated content: only its size was kept.
    Opaque {
        len: u64,
    },
}

impl Kind {
    /// The bytes of a file, made on demand for generated content up to `limit` bytes; `None` for
    /// directories, opaque content and anything larger.
    fn bytes(&self, limit: u64) -> Option<Vec<u8>> {
        match self {
            Kind::File(data) => Some(data.clone()),
            Kind::Generated { len, seed } if *len <= limit => {
                let mut data = vec![0; usize::try_from(*len).ok()?];
                fill_generated(*seed, 0, &mut data);
                Some(data)
            }
            _ => None,
        }
    }

    fn len(&self) -> u64 {
        match self {
            Kind::File(data) => data.len() as u64,
            Kind::Directory => DIRECTORY_SIZE,
            Kind::Generated { len, .. } | Kind::Opaque { len } => *len,
        }
    }
}

/// splitmix64: the mixing step of the generated content.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Word `k` of the generated content of `seed`: the seed itself first (so an upload of
/// generated content can be recognised), then `splitmix64(seed + k)`.
pub fn generated_word(seed: u64, k: u64) -> u64 {
    if k == 0 {
        seed
    } else {
        splitmix64(seed.wrapping_add(k))
    }
}

/// Fills `buf` with the generated content of `seed` from byte `offset` on: the little-endian
/// bytes of [`generated_word`] 0, 1, 2, ... Cheap enough to serve and check at GB/s, so tests
/// can move hundreds of MB that the fake never holds in memory.
pub fn fill_generated(seed: u64, offset: u64, buf: &mut [u8]) {
    let mut pos = 0;
    let mut at = offset;
    // Up to the next word boundary.
    while pos < buf.len() && at & 7 != 0 {
        buf[pos] = generated_word(seed, at / 8).to_le_bytes()[(at % 8) as usize];
        pos += 1;
        at += 1;
    }
    let mut k = at / 8;
    let mut words = buf[pos..].chunks_exact_mut(8);
    for word in &mut words {
        word.copy_from_slice(&generated_word(seed, k).to_le_bytes());
        k += 1;
    }
    let tail = words.into_remainder();
    if !tail.is_empty() {
        let last = generated_word(seed, k).to_le_bytes();
        let n = tail.len();
        tail.copy_from_slice(&last[..n]);
    }
}

/// One file or directory. `changed` is the ctime Wings reports as `created`.
#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: Kind,
    /// Permission bits only (`0o644`).
    pub mode: u32,
    pub changed: i64,
    pub modified: i64,
}

impl Entry {
    fn file(data: Vec<u8>, mode: u32, now: i64) -> Entry {
        Entry { kind: Kind::File(data), mode, changed: now, modified: now }
    }

    fn directory(now: i64) -> Entry {
        Entry { kind: Kind::Directory, mode: 0o755, changed: now, modified: now }
    }

    fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Directory)
    }
}

/// A server's files: path relative to the root (`logs/latest.log`) → entry. The root itself
/// (`""`) is implicit and always a directory.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub entries: BTreeMap<String, Entry>,
}

/// Why a filesystem operation failed, before it becomes Wings' message.
#[derive(Debug, PartialEq)]
enum FsError {
    NotFound,
    IsDirectory,
    NotDirectory,
    Exists,
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

fn base_name(path: &str) -> &str {
    path.rsplit_once('/').map(|(_, n)| n).unwrap_or(path)
}

/// Lexically cleans `path` relative to the server root. `None` when `..` would leave the
/// root (Wings refuses those with a path-resolution error, a 404).
fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn join(root: &str, name: &str) -> Option<String> {
    clean(&format!("{root}/{name}"))
}

impl Tree {
    fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.get(path).is_some_and(Entry::is_dir)
    }

    fn exists(&self, path: &str) -> bool {
        path.is_empty() || self.entries.contains_key(path)
    }

    fn children(&self, dir: &str) -> Vec<(&str, &Entry)> {
        self.entries.iter().filter(|(k, _)| parent(k) == dir).map(|(k, e)| (k.as_str(), e)).collect()
    }

    /// `path` and everything under it, in path order.
    fn subtree(&self, path: &str) -> Vec<(String, Entry)> {
        let prefix = format!("{path}/");
        self.entries
            .iter()
            .filter(|(k, _)| path.is_empty() || *k == path || k.starts_with(&prefix))
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect()
    }

    /// `MkdirAll`: creates every missing directory; a file in the way is `NotDirectory`.
    fn mkdir_all(&mut self, path: &str, now: i64) -> Result<(), FsError> {
        if path.is_empty() {
            return Ok(());
        }
        let mut current = String::new();
        for segment in path.split('/') {
            if !current.is_empty() {
                current.push('/');
            }
            current.push_str(segment);
            match self.entries.get(&current) {
                Some(e) if e.is_dir() => {}
                Some(_) => return Err(FsError::NotDirectory),
                None => {
                    self.entries.insert(current.clone(), Entry::directory(now));
                }
            }
        }
        Ok(())
    }

    /// `Filesystem::Write`: creates missing parents, truncates an existing file (keeping its
    /// mode), refuses directories.
    fn write(&mut self, path: &str, data: Vec<u8>, now: i64) -> Result<(), FsError> {
        self.write_kind(path, Kind::File(data), now)
    }

    /// [`Tree::write`] for any kind of file content.
    fn write_kind(&mut self, path: &str, kind: Kind, now: i64) -> Result<(), FsError> {
        if self.is_dir(path) {
            return Err(FsError::IsDirectory);
        }
        self.mkdir_all(parent(path), now)?;
        match self.entries.get_mut(path) {
            Some(e) => {
                e.kind = kind;
                e.changed = now;
                e.modified = now;
            }
            None => {
                self.entries
                    .insert(path.to_string(), Entry { kind, mode: 0o644, changed: now, modified: now });
            }
        }
        Ok(())
    }

    fn remove_all(&mut self, path: &str) {
        let prefix = format!("{path}/");
        self.entries.retain(|k, _| k != path && !k.starts_with(&prefix));
    }

    /// `UnixFS::Rename`: a missing source is `NotFound`, an existing target `Exists`; missing
    /// parents of the target are created.
    fn rename(&mut self, from: &str, to: &str, now: i64) -> Result<(), FsError> {
        if from == to {
            return Ok(());
        }
        if from.is_empty() || to.is_empty() {
            return Err(FsError::NotFound);
        }
        if !self.exists(from) {
            return Err(FsError::NotFound);
        }
        if self.exists(to) {
            return Err(FsError::Exists);
        }
        if to.starts_with(&format!("{from}/")) {
            // EINVAL: a directory cannot move into itself.
            return Err(FsError::NotDirectory);
        }
        self.mkdir_all(parent(to), now)?;
        let moved = self.subtree(from);
        self.remove_all(from);
        for (key, mut entry) in moved {
            let new_key = format!("{to}{}", &key[from.len()..]);
            if key == from {
                entry.changed = now;
            }
            self.entries.insert(new_key, entry);
        }
        Ok(())
    }
}

/// What a signed URL grants.
#[derive(Clone, Debug)]
pub enum Grant {
    Download { file_path: String },
    Upload,
    Backup { backup_uuid: String },
}

#[derive(Clone, Debug)]
pub struct SignedToken {
    pub grant: Grant,
    pub server_uuid: String,
    pub user_id: u32,
    pub expires: i64,
    pub used: bool,
}

/// `throttle:10,5`: a fixed window from the first hit.
#[derive(Clone, Debug)]
pub struct PullBucket {
    pub started: Instant,
    pub hits: u32,
}

/// The files side of the fake's state.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// By server id. A server without an entry has an empty root.
    pub trees: HashMap<u32, Tree>,
    /// Issued signed-URL tokens, by token string (Wings remembers used ones).
    pub tokens: HashMap<String, SignedToken>,
    /// The pull throttle, by user id.
    pub pulls: HashMap<u32, PullBucket>,
    /// Makes request ids and tokens unique.
    pub counter: u64,
    /// How long a signed URL lives, in seconds (the panel's 15 minutes by default).
    pub token_ttl_secs: i64,
    /// Wings' `api.upload_limit`, in MB (100 by default).
    pub upload_limit_mb: u64,
    /// A fault: Wings cuts every transfer's connection after this many body bytes.
    pub cut_after: Option<u64>,
    /// A fault: this many of the next signed URLs point at a port where nothing listens.
    pub unreachable_urls: u32,
    /// Every request Wings received (`/download/*`, `/upload/file`), oldest first.
    pub wings_log: Vec<crate::RecordedRequest>,
}

/// `server.properties` as seeded on `d3aac109`.
pub const SEED_SERVER_PROPERTIES: &str = "#Minecraft server properties\n#Mon Oct 21 08:05:42 UTC 2024\nenable-command-block=false\ngamemode=survival\nlevel-name=world\nmax-players=20\nmotd=A Minecraft Server\nonline-mode=true\nserver-port=25565\n";
pub const SEED_EULA: &str = "#By changing the setting below to TRUE you are indicating your agreement to our EULA (https://aka.ms/MinecraftEULA).\neula=true\n";
pub const SEED_LATEST_LOG: &str = "[08:05:40] [Server thread/INFO]: Starting minecraft server version 1.20.4\n[08:05:41] [Server thread/INFO]: Preparing level \"world\"\n[08:05:44] [Server thread/INFO]: Done (3.214s)! For help, type \"help\"\n";
/// `world/level.dat`: 16 bytes, deliberately not UTF-8.
pub const SEED_LEVEL_DAT: [u8; 16] =
    [0x0a, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x44, 0x61, 0x74, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00];

impl Files {
    /// `d3aac109` (server 1) gets a few files; every other server starts empty.
    pub fn seeded() -> Files {
        let at = |d: i64, h: i64, m: i64, s: i64| unix_from_civil(2024, 10, d, h, m, s);
        let mut tree = Tree::default();
        let mut file = |path: &str, data: &[u8], ts: i64| {
            tree.entries.insert(path.into(), Entry::file(data.to_vec(), 0o644, ts));
        };
        file("server.properties", SEED_SERVER_PROPERTIES.as_bytes(), at(21, 8, 5, 42));
        file("eula.txt", SEED_EULA.as_bytes(), at(15, 9, 31, 0));
        file("logs/latest.log", SEED_LATEST_LOG.as_bytes(), at(21, 8, 5, 44));
        file("world/level.dat", &SEED_LEVEL_DAT, at(21, 9, 30, 0));
        for (dir, ts) in
            [("logs", at(21, 8, 5, 40)), ("world", at(15, 9, 32, 0)), ("plugins", at(15, 9, 31, 30))]
        {
            tree.entries.insert(dir.into(), Entry::directory(ts));
        }
        let mut files = Files {
            token_ttl_secs: SIGNED_URL_TTL_SECS,
            upload_limit_mb: UPLOAD_LIMIT_MB,
            ..Files::default()
        };
        files.trees.insert(1, tree);
        files
    }

    fn tree(&mut self, server_id: u32) -> &mut Tree {
        self.trees.entry(server_id).or_default()
    }

    /// An `X-Request-Id`-looking uuid.
    fn request_id(&mut self) -> String {
        self.counter += 1;
        let h = sha1_hex(format!("wings-request-{}", self.counter).as_bytes());
        format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
    }
}

/// `FileObjectTransformer`.
#[derive(Serialize, Debug)]
pub struct FileObjectAttributes {
    pub name: String,
    pub mode: String,
    pub mode_bits: String,
    pub size: u64,
    pub is_file: bool,
    pub is_symlink: bool,
    pub mimetype: String,
    pub created_at: String,
    pub modified_at: String,
}

/// `{"object":"signed_url","attributes":{"url":...}}` (not Fractal).
#[derive(Serialize, Debug)]
pub struct SignedUrlAttributes {
    pub url: String,
}

/// Go's `FileMode.String()` for a regular file or directory.
fn mode_string(is_dir: bool, perm: u32) -> String {
    let mut s = String::from(if is_dir { "d" } else { "-" });
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        s.push(if perm & (1 << (8 - i)) != 0 { c } else { '-' });
    }
    s
}

/// A reduction of `gabriel-vasile/mimetype` for the content the fake holds.
fn mimetype(data: &[u8]) -> &'static str {
    if data.starts_with(&[0x1f, 0x8b]) {
        return "application/gzip";
    }
    if data.starts_with(b"PK\x03\x04") {
        return "application/zip";
    }
    if data.len() >= 262 && &data[257..262] == b"ustar" {
        return "application/x-tar";
    }
    let binary = data.iter().any(|&b| matches!(b, 0x00..=0x08 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f));
    if binary || std::str::from_utf8(data).is_err() {
        return "application/octet-stream";
    }
    let trimmed = data.trim_ascii_start();
    if (trimmed.starts_with(b"{") || trimmed.starts_with(b"["))
        && serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok()
    {
        return "application/json";
    }
    "text/plain; charset=utf-8"
}

fn file_object(name: &str, e: &Entry) -> FileObjectAttributes {
    let (size, mime) = match &e.kind {
        Kind::File(data) => (data.len() as u64, mimetype(data)),
        Kind::Directory => (DIRECTORY_SIZE, "inode/directory"),
        big => (big.len(), "application/octet-stream"),
    };
    FileObjectAttributes {
        name: name.to_string(),
        mode: mode_string(e.is_dir(), e.mode),
        mode_bits: format!("{:o}", e.mode),
        size,
        is_file: !e.is_dir(),
        is_symlink: false,
        mimetype: mime.to_string(),
        created_at: atom(e.changed),
        modified_at: atom(e.modified),
    }
}

/// A Wings error as the panel relays it (`DaemonConnectionException`, a `DisplayException`).
pub(crate) fn wings_error(st: &mut State, status: u16, message: Option<&str>) -> Fail {
    let id = st.files.request_id();
    let generic = format!(
        "There was an error while communicating with the machine running this server. This error has been logged, please try again. (code: {status}) (request_id: {id})"
    );
    let detail = if status < 500 {
        format!("An error occurred on the remote host: {}. (request id: {id})", message.unwrap_or(&generic))
    } else {
        generic
    };
    Fail { redirects: true, ..fail(status, "DaemonConnectionException", detail) }
}

fn not_found(st: &mut State) -> Fail {
    wings_error(st, 404, Some(NOT_FOUND))
}

fn fs_fail(st: &mut State, e: FsError) -> Fail {
    match e {
        FsError::NotFound => not_found(st),
        FsError::IsDirectory => wings_error(st, 400, Some(IS_DIRECTORY)),
        // ENOTDIR, EINVAL and friends are not mapped by Wings: a 500.
        FsError::NotDirectory | FsError::Exists => wings_error(st, 500, None),
    }
}

/// A generic PHP error (`TypeError`, ...): 500 with the generic detail.
fn php_error(code: &str) -> Fail {
    fail(500, code, "An unexpected error was encountered while processing this request, please try again.")
}

/// The `files` argument as a list of strings (validated before).
fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(String::from).collect(),
        Some(Value::Object(o)) => o.values().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    }
}

fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(o)) => o.values().collect(),
        _ => Vec::new(),
    }
}

/// `root ?? '/'`, as `DaemonFileRepository` forwards it.
fn root_of(ctx: &Ctx) -> String {
    ctx.input.str("root").unwrap_or("/").to_string()
}

pub(crate) fn handle(st: &mut State, op: &str, idx: usize, ctx: &Ctx) -> Outcome {
    let user = ctx.user;
    let input = ctx.input;
    let server_id = st.servers[idx].id;
    let now = unix_now();
    match op {
        "server.files.list" => {
            require(st, idx, user, "file.read")?;
            validate(input, |v| {
                v.rules("directory", "sometimes|nullable|string");
            })?;
            let directory = input.str("directory").unwrap_or("/").to_string();
            let Some(dir) = clean(&directory) else { return Err(not_found(st)) };
            let tree = st.files.tree(server_id);
            if !tree.exists(&dir) {
                return Err(not_found(st));
            }
            if !tree.is_dir(&dir) {
                // ReadDir on a file: ENOTDIR, which Wings does not map.
                return Err(wings_error(st, 500, None));
            }
            let mut list: Vec<(bool, String, FileObjectAttributes)> = tree
                .children(&dir)
                .into_iter()
                .map(|(path, e)| (!e.is_dir(), base_name(path).to_string(), file_object(base_name(path), e)))
                .collect();
            list.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            Ok(Reply::json(200, &List::of("file_object", list.into_iter().map(|(_, _, a)| a).collect())))
        }
        "server.files.contents" => {
            require(st, idx, user, "file.read-content")?;
            validate(input, |v| {
                v.rules("file", "required|string");
            })?;
            let file = input.str("file").unwrap_or_default().to_string();
            let Some(path) = clean(&file) else { return Err(not_found(st)) };
            let data = match st.files.tree(server_id).get(&path).map(|e| e.kind.clone()) {
                None if path.is_empty() => return Err(wings_error(st, 400, Some(IS_DIRECTORY))),
                None => return Err(not_found(st)),
                Some(Kind::Directory) => return Err(wings_error(st, 400, Some(IS_DIRECTORY))),
                Some(Kind::File(data)) => data,
                Some(Kind::Opaque { len }) if len <= MAX_EDIT_SIZE as u64 => {
                    return Err(wings_error(st, 500, None))
                }
                Some(big) => big.bytes(MAX_EDIT_SIZE as u64).unwrap_or_else(|| vec![0; MAX_EDIT_SIZE + 1]),
            };
            if data.len() > MAX_EDIT_SIZE {
                return Err(Fail {
                    redirects: true,
                    ..fail(
                        400,
                        "FileSizeTooLargeException",
                        "The file you are attempting to open is too large to view in the file editor.",
                    )
                });
            }
            st.log_activity(server_id, user, "server:file.read", json!({ "file": file }));
            Ok(Reply {
                status: 200,
                headers: Vec::new(),
                content_type: Some("text/plain; charset=UTF-8"),
                body: data,
            })
        }
        "server.files.download" => {
            require(st, idx, user, "file.read-content")?;
            validate(input, |v| {
                v.rules("file", "required|string");
            })?;
            let file = input.str("file").unwrap_or_default().to_string();
            // `rawurldecode()` once more before the path goes into the token.
            let file_path = percent_decode(&file, false);
            let token = issue_token(st, idx, user, Grant::Download { file_path });
            st.log_activity(server_id, user, "server:file.download", json!({ "file": file }));
            let url = format!("{}/download/file?token={token}", wings_base(st));
            Ok(Reply::json(200, &Item::new("signed_url", SignedUrlAttributes { url })))
        }
        "server.files.upload" => {
            require(st, idx, user, "file.create")?;
            let token = issue_token(st, idx, user, Grant::Upload);
            let url = format!("{}/upload/file?token={token}", wings_base(st));
            Ok(Reply::json(200, &Item::new("signed_url", SignedUrlAttributes { url })))
        }
        "server.files.write" => {
            require(st, idx, user, "file.create")?;
            validate(input, |v| {
                v.rules("file", "required|string");
            })?;
            let file = input.str("file").unwrap_or_default().to_string();
            let Some(path) = clean(&file) else { return Err(not_found(st)) };
            match st.files.tree(server_id).write(&path, ctx.body.to_vec(), now) {
                Ok(()) => {}
                Err(FsError::IsDirectory) => {
                    return Err(wings_error(st, 400, Some(WRITE_DIRECTORY_CONFLICT)))
                }
                Err(e) => return Err(fs_fail(st, e)),
            }
            st.log_activity(server_id, user, "server:file.write", json!({ "file": file }));
            Ok(Reply::empty(204))
        }
        "server.files.create_folder" => {
            require(st, idx, user, "file.create")?;
            validate(input, |v| {
                v.rules("root", "sometimes|nullable|string").rules("name", "required|string");
            })?;
            // `$request->input('root', '/')` is null for an explicit null, and
            // `createDirectory(string $name, string $path)` then throws a TypeError.
            if input.data.contains_key("root") && input.str("root").is_none() {
                return Err(php_error("TypeError"));
            }
            let root = root_of(ctx);
            let name = input.str("name").unwrap_or_default().to_string();
            let Some(path) = join(&root, &name) else { return Err(not_found(st)) };
            if st.files.tree(server_id).mkdir_all(&path, now).is_err() {
                return Err(wings_error(st, 400, Some(FOLDER_NOT_DIRECTORY)));
            }
            st.log_activity(
                server_id,
                user,
                "server:file.create-directory",
                json!({ "name": name, "directory": input.str("root") }),
            );
            Ok(Reply::empty(204))
        }
        "server.files.rename" => {
            require(st, idx, user, "file.update")?;
            validate(input, |v| {
                v.rules("root", "required|nullable|string")
                    .rules("files", "required|array")
                    .rules("files.*", "array")
                    .rules("files.*.to", "required|string")
                    .rules("files.*.from", "required|string");
            })?;
            let root = root_of(ctx);
            let pairs: Vec<(String, String)> = items(input.get("files"))
                .into_iter()
                .map(|f| {
                    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    (s("from"), s("to"))
                })
                .collect();
            for (from, to) in &pairs {
                let (Some(from), Some(to)) = (join(&root, from), join(&root, to)) else {
                    return Err(not_found(st));
                };
                match st.files.tree(server_id).rename(&from, &to, now) {
                    // A missing source is only logged by Wings.
                    Ok(()) => {}
                    Err(FsError::NotFound) if !from.is_empty() && !to.is_empty() => {}
                    Err(FsError::Exists) => return Err(wings_error(st, 400, Some(RENAME_EXISTS))),
                    Err(e) => return Err(fs_fail(st, e)),
                }
            }
            st.log_activity(
                server_id,
                user,
                "server:file.rename",
                json!({ "directory": input.get("root"), "files": input.get("files") }),
            );
            Ok(Reply::empty(204))
        }
        "server.files.copy" => {
            require(st, idx, user, "file.create")?;
            validate(input, |v| {
                v.rules("location", "required|string");
            })?;
            let location = input.str("location").unwrap_or_default().to_string();
            let Some(path) = clean(&location) else { return Err(not_found(st)) };
            let tree = st.files.tree(server_id);
            let Some(Entry { kind, mode, .. }) = tree.get(&path).filter(|e| !e.is_dir()).cloned() else {
                // Directories and missing files are both "not exist" to `Filesystem::Copy`.
                return Err(not_found(st));
            };
            let name = copy_name(tree, parent(&path), base_name(&path));
            let dir = parent(&path).to_string();
            let target = if dir.is_empty() { name } else { format!("{dir}/{name}") };
            tree.entries.insert(target, Entry { kind, mode, changed: now, modified: now });
            st.log_activity(server_id, user, "server:file.copy", json!({ "file": location }));
            Ok(Reply::empty(204))
        }
        "server.files.delete" => {
            require(st, idx, user, "file.delete")?;
            validate(input, |v| {
                v.rules("root", "required|nullable|string")
                    .rules("files", "required|array")
                    .rules("files.*", "string");
            })?;
            let root = root_of(ctx);
            for name in string_list(input.get("files")) {
                match join(&root, &name) {
                    // Removing the root itself is a path-resolution error.
                    None => return Err(not_found(st)),
                    Some(p) if p.is_empty() => return Err(not_found(st)),
                    Some(p) => st.files.tree(server_id).remove_all(&p),
                }
            }
            st.log_activity(
                server_id,
                user,
                "server:file.delete",
                json!({ "directory": input.get("root"), "files": input.get("files") }),
            );
            Ok(Reply::empty(204))
        }
        "server.files.chmod" => {
            require(st, idx, user, "file.update")?;
            validate(input, |v| {
                v.rules("root", "required|nullable|string")
                    .rules("files", "required|array")
                    .rules("files.*.file", "required|string")
                    .rules("files.*.mode", "required|numeric");
            })?;
            let root = root_of(ctx);
            let list = items(input.get("files"));
            // Wings binds `mode` into a Go string: a JSON number fails the bind (400, empty body).
            if list.iter().any(|f| !f.get("mode").is_some_and(Value::is_string)) {
                return Err(wings_error(st, 400, None));
            }
            let mut changes = Vec::new();
            for f in list {
                let file = f.get("file").and_then(Value::as_str).unwrap_or_default();
                let mode = f.get("mode").and_then(Value::as_str).unwrap_or_default();
                // `strconv.ParseUint(mode, 8, 32)`.
                let Some(bits) = u32::from_str_radix(mode, 8).ok().filter(|_| !mode.starts_with('+')) else {
                    return Err(wings_error(st, 400, Some(INVALID_MODE)));
                };
                let Some(path) = join(&root, file) else { return Err(not_found(st)) };
                changes.push((path, bits & 0o777));
            }
            let tree = st.files.tree(server_id);
            for (path, bits) in changes {
                // A missing file is ignored by Wings.
                if let Some(e) = tree.entries.get_mut(&path) {
                    e.mode = bits;
                    e.changed = now;
                }
            }
            Ok(Reply::empty(204))
        }
        "server.files.compress" => {
            require(st, idx, user, "file.archive")?;
            validate(input, |v| {
                v.rules("root", "sometimes|nullable|string")
                    .rules("files", "required|array")
                    .rules("files.*", "string");
            })?;
            let root_raw = root_of(ctx);
            let Some(root) = clean(&root_raw) else { return Err(not_found(st)) };
            let tree = st.files.tree(server_id);
            if !tree.is_dir(&root) {
                return Err(not_found(st));
            }
            let mut archive = Vec::new();
            for name in string_list(input.get("files")) {
                let Some(path) = join(&root, &name) else { continue };
                if path.is_empty() {
                    continue;
                }
                for (key, entry) in tree.subtree(&path) {
                    let relative =
                        if root.is_empty() { key.clone() } else { key[root.len() + 1..].to_string() };
                    archive.push((relative, entry));
                }
            }
            let stamp = atom(now).replace("+00:00", "Z").replace(':', "");
            let name = format!("archive-{stamp}.tar.gz");
            let target = if root.is_empty() { name.clone() } else { format!("{root}/{name}") };
            let bytes = gzip_stored(&tar(&archive), now);
            if let Err(e) = tree.write(&target, bytes, now) {
                return Err(fs_fail(st, e));
            }
            let entry = st.files.tree(server_id).get(&target).cloned().expect("just written");
            let mut attrs = file_object(&name, &entry);
            attrs.mimetype = "application/tar+gzip".into();
            st.log_activity(
                server_id,
                user,
                "server:file.compress",
                json!({ "directory": input.get("root"), "files": input.get("files") }),
            );
            Ok(Reply::json(200, &Item::new("file_object", attrs)))
        }
        "server.files.decompress" => {
            require(st, idx, user, "file.create")?;
            validate(input, |v| {
                v.rules("root", "sometimes|nullable|string").rules("file", "required|string");
            })?;
            let root_raw = root_of(ctx);
            let file = input.str("file").unwrap_or_default().to_string();
            let (Some(root), Some(path)) = (clean(&root_raw), join(&root_raw, &file)) else {
                return Err(not_found(st));
            };
            let data = match st.files.tree(server_id).get(&path).map(|e| e.kind.clone()) {
                Some(Kind::File(data)) => data,
                Some(Kind::Generated { .. } | Kind::Opaque { .. }) => {
                    return Err(wings_error(st, 400, Some(UNKNOWN_ARCHIVE)))
                }
                Some(Kind::Directory) => return Err(wings_error(st, 400, Some(IS_DIRECTORY))),
                None if path.is_empty() => return Err(wings_error(st, 400, Some(IS_DIRECTORY))),
                None => return Err(not_found(st)),
            };
            let raw = if data.starts_with(&[0x1f, 0x8b]) { gunzip_stored(&data) } else { Some(data) };
            let Some(members) = raw.as_deref().and_then(untar) else {
                return Err(wings_error(st, 400, Some(UNKNOWN_ARCHIVE)));
            };
            let tree = st.files.tree(server_id);
            for (name, member) in members {
                // Entries escaping the target directory are skipped.
                let Some(target) = join(&root, &name).filter(|t| !t.is_empty()) else { continue };
                let result = match member {
                    Member::Directory(mode) => tree.mkdir_all(&target, now).map(|()| {
                        if let Some(e) = tree.entries.get_mut(&target) {
                            e.mode = mode;
                        }
                    }),
                    Member::File(data, mode) => tree.write(&target, data, now).map(|()| {
                        if let Some(e) = tree.entries.get_mut(&target) {
                            e.mode = mode;
                        }
                    }),
                };
                if let Err(e) = result {
                    return Err(fs_fail(st, e));
                }
            }
            st.log_activity(
                server_id,
                user,
                "server:file.decompress",
                json!({ "directory": input.get("root"), "files": file }),
            );
            Ok(Reply::empty(204))
        }
        "server.files.pull" => pull(st, idx, ctx),
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}

/// `files/pull`: its own throttle (route middleware, so before the permission check), then a
/// fake download of [`pulled_content`] into `directory` under `filename` or the URL's last
/// path segment.
fn pull(st: &mut State, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let server_id = st.servers[idx].id;
    let now = Instant::now();
    let bucket = st.files.pulls.entry(user).or_insert(PullBucket { started: now, hits: 0 });
    if now.duration_since(bucket.started) >= PULL_WINDOW {
        *bucket = PullBucket { started: now, hits: 0 };
    }
    if bucket.hits >= PULL_LIMIT {
        let left = PULL_WINDOW.saturating_sub(now.duration_since(bucket.started));
        let retry_after = (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1);
        return Ok(fail(429, "ThrottleRequestsException", "Too Many Attempts.")
            .into_reply()
            .with_header("x-ratelimit-limit", PULL_LIMIT.to_string())
            .with_header("x-ratelimit-remaining", "0")
            .with_header("retry-after", retry_after.to_string())
            .with_header("x-ratelimit-reset", (unix_now() + retry_after as i64).to_string()));
    }
    bucket.hits += 1;
    let remaining = PULL_LIMIT - bucket.hits;
    let with_limits = |r: Reply| {
        r.with_header("x-ratelimit-limit", PULL_LIMIT.to_string())
            .with_header("x-ratelimit-remaining", remaining.to_string())
    };

    require(st, idx, user, "file.create")?;
    validate(input, |v| {
        v.rules("url", "required|string|url")
            .rules("directory", "nullable|string")
            .rules("filename", "nullable|string")
            .rules("use_header", "boolean")
            .rules("foreground", "boolean");
    })?;
    let url = input.str("url").unwrap_or_default().to_string();
    let directory = input.str("directory").unwrap_or("/").to_string();
    let foreground = php_truthy(input.get("foreground"));
    let name = match input.str("filename") {
        Some(f) => f.to_string(),
        None => {
            let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
            let path = after_scheme.split(['?', '#']).next().unwrap_or("");
            let path = path.find('/').map(|i| &path[i..]).unwrap_or("");
            percent_decode(path.rsplit('/').next().unwrap_or(""), false)
        }
    };
    let result = match join(&directory, &name) {
        None => Err(FsError::NotFound),
        Some(path) => st.files.tree(server_id).write(&path, pulled_content(&url), unix_now()),
    };
    // In the background (the default) Wings answers 202 before downloading: errors never
    // reach the panel.
    if let (Err(e), true) = (result, foreground) {
        return Err(fs_fail(st, e));
    }
    st.log_activity(
        server_id,
        user,
        "server:file.pull",
        json!({ "directory": input.get("directory"), "url": url }),
    );
    Ok(with_limits(Reply::empty(204)))
}

/// What a pull "downloads": a small text file naming the URL.
pub fn pulled_content(url: &str) -> Vec<u8> {
    format!("Downloaded by the fake panel from {url}\n").into_bytes()
}

/// PHP's `(bool)` / `$request->boolean()` for the values that pass `boolean` validation.
fn php_truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !(s.is_empty() || s == "0"),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `Filesystem::Copy` + `findCopySuffix`: `name copy.ext`, `name copy 1.ext`, ... (`.tar.gz`
/// counts as one extension).
fn copy_name(tree: &Tree, dir: &str, base: &str) -> String {
    let mut extension = base.rfind('.').map(|i| &base[i..]).unwrap_or("").to_string();
    let mut stem = base[..base.len() - extension.len()].to_string();
    if let Some(s) = stem.strip_suffix(".tar") {
        extension = format!(".tar{extension}");
        stem = s.to_string();
    }
    let taken = |n: &str| tree.exists(&if dir.is_empty() { n.to_string() } else { format!("{dir}/{n}") });
    let mut suffix = " copy".to_string();
    for i in 0..51 {
        if i > 0 {
            suffix = format!(" copy {i}");
        }
        if !taken(&format!("{stem}{suffix}{extension}")) {
            break;
        }
        if i == 50 {
            suffix = format!("copy.{}", atom(unix_now()).replace("+00:00", "Z"));
        }
    }
    format!("{stem}{suffix}{extension}")
}

// ---------------------------------------------------------------------------------------------
// Archives: ustar inside gzip with stored (uncompressed) deflate blocks. Real tools read them;
// the fake can only read back archives whose deflate blocks are stored.

/// One archive member: a file with its bytes and mode, or a directory with its mode.
enum Member {
    File(Vec<u8>, u32),
    Directory(u32),
}

fn octal_field(out: &mut [u8], value: u64) {
    let digits = out.len() - 1;
    let s = format!("{value:0digits$o}");
    out[..digits].copy_from_slice(&s.as_bytes()[s.len() - digits..]);
    out[digits] = 0;
}

fn tar(entries: &[(String, Entry)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, entry) in entries {
        let made;
        let (name, size, typeflag, data): (String, u64, u8, &[u8]) = match &entry.kind {
            Kind::Directory => (format!("{path}/"), 0, b'5', &[]),
            Kind::File(d) => (path.clone(), d.len() as u64, b'0', d.as_slice()),
            // Large content is archived up to 64 MiB (made on demand); beyond, left out.
            big => match big.bytes(64 * 1024 * 1024) {
                Some(d) => {
                    made = d;
                    (path.clone(), made.len() as u64, b'0', made.as_slice())
                }
                None => continue,
            },
        };
        let (prefix, name) = if name.len() <= 100 {
            ("", name.as_str())
        } else {
            match name[..name.len().min(156)].rfind('/') {
                Some(i) if name.len() - i - 1 <= 100 && i <= 155 => (&name[..i], &name[i + 1..]),
                _ => continue,
            }
        };
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        octal_field(&mut h[100..108], u64::from(entry.mode));
        octal_field(&mut h[108..116], 988);
        octal_field(&mut h[116..124], 988);
        octal_field(&mut h[124..136], size);
        octal_field(&mut h[136..148], entry.modified.max(0) as u64);
        h[148..156].copy_from_slice(b"        ");
        h[156] = typeflag;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[265..274].copy_from_slice(b"container");
        h[297..306].copy_from_slice(b"container");
        h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        let s = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(s.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c == ' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn c_string(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Reads a tar archive; `None` unless it looks like one.
fn untar(data: &[u8]) -> Option<Vec<(String, Member)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 512 <= data.len() {
        let h = &data[pos..pos + 512];
        if h.iter().all(|&b| b == 0) {
            return Some(out);
        }
        let stored = parse_octal(&h[148..156])?;
        let sum: u64 =
            h.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
        if sum != stored {
            return None;
        }
        let size = parse_octal(&h[124..136])? as usize;
        let mode = parse_octal(&h[100..108])? as u32 & 0o777;
        let prefix = c_string(&h[345..500]);
        let name = c_string(&h[..100]);
        let name =
            if prefix.is_empty() || &h[257..262] != b"ustar" { name } else { format!("{prefix}/{name}") };
        let body = pos + 512;
        let end = body.checked_add(size)?;
        if end > data.len() {
            return None;
        }
        match h[156] {
            b'0' | 0 => out.push((name, Member::File(data[body..end].to_vec(), mode))),
            b'5' => out.push((name.trim_end_matches('/').to_string(), Member::Directory(mode))),
            // Links, devices and extended headers are skipped.
            _ => {}
        }
        pos = body + size.div_ceil(512) * 512;
    }
    (pos > 0 || data.is_empty()).then_some(out)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// gzip with stored deflate blocks.
fn gzip_stored(data: &[u8], mtime: i64) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0];
    out.extend_from_slice(&(mtime.max(0) as u32).to_le_bytes());
    out.extend_from_slice(&[0, 3]);
    let chunks: Vec<&[u8]> = if data.is_empty() { vec![&[]] } else { data.chunks(0xffff).collect() };
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        out.push(u8::from(i == last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Reads a gzip member made of stored blocks; `None` for anything else.
fn gunzip_stored(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 8] {
        return None;
    }
    let flags = data[3];
    let mut pos = 10;
    if flags & 0x04 != 0 {
        let xlen = u16::from_le_bytes([*data.get(pos)?, *data.get(pos + 1)?]) as usize;
        pos += 2 + xlen;
    }
    for bit in [0x08, 0x10] {
        if flags & bit != 0 {
            pos += data.get(pos..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    let mut out = Vec::new();
    loop {
        let header = *data.get(pos)?;
        if (header >> 1) & 0b11 != 0 {
            return None;
        }
        let len = u16::from_le_bytes([*data.get(pos + 1)?, *data.get(pos + 2)?]);
        let nlen = u16::from_le_bytes([*data.get(pos + 3)?, *data.get(pos + 4)?]);
        if len != !nlen {
            return None;
        }
        let start = pos + 5;
        out.extend_from_slice(data.get(start..start + len as usize)?);
        pos = start + len as usize;
        if header & 1 == 1 {
            break;
        }
    }
    let crc = u32::from_le_bytes(data.get(pos..pos + 4)?.try_into().ok()?);
    (crc == crc32(&out)).then_some(out)
}

// ---------------------------------------------------------------------------------------------
// Signed URLs and the Wings endpoints they point to.

/// A JWT-looking, single-use token (`NodeJWTService`); the fake remembers what it grants.
pub(crate) fn issue_token(st: &mut State, idx: usize, user: u32, grant: Grant) -> String {
    st.files.counter += 1;
    let now = unix_now();
    let expires = now + st.files.token_ttl_secs;
    let server_uuid = st.servers[idx].uuid.clone();
    let u = st.user(user);
    let mut claims = json!({
        "iss": st.base_url,
        "aud": [st.base_url],
        "jti": sha1_hex(format!("{}{}", user, server_uuid).as_bytes())[..32].to_string(),
        "iat": now,
        "nbf": now - 300,
        "exp": expires,
        "user_uuid": u.uuid,
        "user_id": u.id,
        "unique_id": sha1_hex(format!("signed-{}-{now}", st.files.counter).as_bytes())[..16].to_string(),
        "server_uuid": server_uuid,
    });
    match &grant {
        Grant::Download { file_path } => claims["file_path"] = json!(file_path),
        Grant::Backup { backup_uuid } => claims["backup_uuid"] = json!(backup_uuid),
        Grant::Upload => {}
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut signature = crate::util::sha1_raw(format!("fake-wings-file-token.{header}.{payload}").as_bytes());
    signature.extend_from_slice(&signature.clone()[..12]);
    let token = format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(signature));
    st.files
        .tokens
        .insert(token.clone(), SignedToken { grant, server_uuid, user_id: user, expires, used: false });
    token
}

/// Where a signed URL points: the fake's Wings, or (the `unreachable_urls` fault) a loopback port
/// where nothing listens.
pub(crate) fn wings_base(st: &mut State) -> String {
    if st.files.unreachable_urls > 0 {
        st.files.unreachable_urls -= 1;
        return String::from("http://127.0.0.1:9");
    }
    st.base_url.clone()
}

/// Why a signed URL was refused.
enum TokenRefusal {
    /// Unknown, tampered, expired or for another endpoint: Wings' JWT parse fails (500).
    Invalid,
    /// Already used (or the server is gone): 404.
    Used,
}

/// The Wings endpoint a token is presented to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    DownloadFile,
    Upload,
    DownloadBackup,
}

fn consume_token(
    st: &mut State,
    token: &str,
    endpoint: Endpoint,
) -> Result<(SignedToken, usize), TokenRefusal> {
    let Some(t) = st.files.tokens.get_mut(token) else { return Err(TokenRefusal::Invalid) };
    let for_endpoint = match t.grant {
        Grant::Download { .. } => Endpoint::DownloadFile,
        Grant::Upload => Endpoint::Upload,
        Grant::Backup { .. } => Endpoint::DownloadBackup,
    };
    if t.expires <= unix_now() || for_endpoint != endpoint {
        return Err(TokenRefusal::Invalid);
    }
    if t.used {
        return Err(TokenRefusal::Used);
    }
    t.used = true;
    let t = t.clone();
    let idx = st.server_by_uuid(&t.server_uuid).ok_or(TokenRefusal::Used)?;
    Ok((t, idx))
}

/// A Wings JSON response with an `X-Request-Id`.
fn wings_json(st: &mut State, status: u16, error: Option<&str>) -> Response {
    let id = st.files.request_id();
    let body = match error {
        Some(e) if status >= 500 || e == NOT_FOUND || e == IS_DIRECTORY => {
            json!({ "error": e, "request_id": id })
        }
        Some(e) => json!({ "error": e }),
        None => Value::Null,
    };
    let mut response =
        Response::new(if body.is_null() { Body::empty() } else { Body::from(body.to_string()) });
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if !body.is_null() {
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

fn refusal(st: &mut State, r: TokenRefusal) -> Response {
    match r {
        TokenRefusal::Invalid => wings_json(st, 500, Some(UNEXPECTED)),
        TokenRefusal::Used => wings_json(st, 404, Some(RESOURCE_NOT_FOUND)),
    }
}

/// Go's `strconv.Quote`, enough for file names.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Records a request to Wings (`FakePanel::wings_requests`) and answers its `token` query value.
fn log_wings(st: &mut State, req: &Request) -> Vec<(String, String)> {
    let query = parse_query(req.uri().query());
    st.files.wings_log.push(crate::RecordedRequest {
        method: req.method().as_str().to_ascii_uppercase(),
        path: req.uri().path().to_string(),
        query: req.uri().query().map(String::from),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned())
            })
            .collect(),
        body: String::new(),
    });
    query
}

fn query_value(query: &[(String, String)], key: &str) -> String {
    query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// What a Wings download streams.
enum Source {
    Bytes(Bytes),
    Generated(u64),
}

/// A download body made chunk by chunk (generated content is never held whole), cut short with
/// a broken connection when the `cut_after` fault says so.
struct WingsBody {
    source: Source,
    pos: u64,
    len: u64,
    cut: Option<u64>,
}

impl http_body::Body for WingsBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = &mut *self;
        let end = this.cut.map_or(this.len, |c| c.min(this.len));
        if this.pos >= end {
            if end < this.len {
                // hyper drops the connection when a body fails: the client sees it break.
                let cut =
                    std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "the fake cut the transfer");
                return Poll::Ready(Some(Err(cut)));
            }
            return Poll::Ready(None);
        }
        let n = (end - this.pos).min(STREAM_CHUNK as u64) as usize;
        let chunk = match &this.source {
            Source::Bytes(b) => b.slice(this.pos as usize..this.pos as usize + n),
            Source::Generated(seed) => {
                let mut v = vec![0; n];
                fill_generated(*seed, this.pos, &mut v);
                Bytes::from(v)
            }
        };
        this.pos += n as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.pos >= self.len
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len - self.pos)
    }
}

/// Wings' download answer: the bytes, `Content-Length`, `Content-Disposition` (Go-quoted name).
fn stream(source: Source, len: u64, name: &str, request_id: &str, cut: Option<u64>) -> Response {
    let mut response = Response::new(Body::new(WingsBody { source, pos: 0, len, cut }));
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/octet-stream"));
    headers.insert("content-length", HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename={}", go_quote(name))) {
        headers.insert("content-disposition", v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", v);
    }
    response
}

/// Wings' `GET /download/file?token=...`.
pub(crate) async fn download_file(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    if let Some(r) = crate::apply_faults(&shared, req.uri().path()).await {
        return r;
    }
    let mut st = shared.lock();
    let token = query_value(&log_wings(&mut st, &req), "token");
    let (t, idx) = match consume_token(&mut st, &token, Endpoint::DownloadFile) {
        Ok(v) => v,
        Err(r) => return refusal(&mut st, r),
    };
    let Grant::Download { file_path } = t.grant else { return wings_json(&mut st, 500, Some(UNEXPECTED)) };
    let server_id = st.servers[idx].id;
    let Some(path) = clean(&file_path) else { return wings_json(&mut st, 404, Some(NOT_FOUND)) };
    let (source, len) = match st.files.tree(server_id).get(&path).map(|e| e.kind.clone()) {
        Some(Kind::File(data)) => {
            let len = data.len() as u64;
            (Source::Bytes(Bytes::from(data)), len)
        }
        Some(Kind::Generated { len, seed }) => (Source::Generated(seed), len),
        // The fake kept only the size of this upload: it cannot serve it.
        Some(Kind::Opaque { .. }) => return wings_json(&mut st, 500, Some(UNEXPECTED)),
        None if !path.is_empty() => return wings_json(&mut st, 404, Some(NOT_FOUND)),
        _ => return wings_json(&mut st, 404, Some(RESOURCE_NOT_FOUND)),
    };
    let id = st.files.request_id();
    let cut = st.files.cut_after;
    drop(st);
    stream(source, len, base_name(&path), &id, cut)
}

/// Wings' `GET /download/backup?token=...`: the archive of a completed, successful backup, as
/// generated content of its `bytes` (seeded with the backup's numeric id: [`backup_seed`]).
pub(crate) async fn download_backup(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    if let Some(r) = crate::apply_faults(&shared, req.uri().path()).await {
        return r;
    }
    let mut st = shared.lock();
    let token = query_value(&log_wings(&mut st, &req), "token");
    let (t, idx) = match consume_token(&mut st, &token, Endpoint::DownloadBackup) {
        Ok(v) => v,
        Err(r) => return refusal(&mut st, r),
    };
    let Grant::Backup { backup_uuid } = t.grant else { return wings_json(&mut st, 500, Some(UNEXPECTED)) };
    let server_id = st.servers[idx].id;
    let found = st
        .backups
        .rows
        .iter()
        .find(|b| b.uuid == backup_uuid && b.server_id == server_id && b.deleted_at.is_none())
        .filter(|b| b.is_successful && b.completed_at.is_some())
        .map(|b| (b.id, b.bytes));
    let Some((id, len)) = found else {
        return wings_json(&mut st, 404, Some("The requested backup was not found on this server."));
    };
    let request_id = st.files.request_id();
    let cut = st.files.cut_after;
    drop(st);
    stream(Source::Generated(backup_seed(id)), len, &format!("{backup_uuid}.tar.gz"), &request_id, cut)
}

/// The seed of the generated archive of the backup with numeric id `id` (see
/// [`fill_generated`]): the id itself.
pub fn backup_seed(id: u32) -> u64 {
    u64::from(id)
}

/// One file part of an upload, checked as it streams in: its first bytes are kept (up to
/// [`KEEP_UPLOAD_BYTES`]), and it is compared with the generated content its first word names.
struct Sink {
    len: u64,
    kept: Option<Vec<u8>>,
    head: [u8; 8],
    generated: bool,
    scratch: Vec<u8>,
}

impl Sink {
    fn new() -> Sink {
        Sink { len: 0, kept: Some(Vec::new()), head: [0; 8], generated: true, scratch: Vec::new() }
    }

    fn push(&mut self, data: &[u8]) {
        if let Some(kept) = &mut self.kept {
            if (kept.len() + data.len()) as u64 <= KEEP_UPLOAD_BYTES {
                kept.extend_from_slice(data);
            } else {
                self.kept = None;
            }
        }
        let (mut rest, mut at) = (data, self.len);
        while at < 8 && !rest.is_empty() {
            self.head[at as usize] = rest[0];
            rest = &rest[1..];
            at += 1;
        }
        if self.generated && !rest.is_empty() {
            self.scratch.resize(rest.len(), 0);
            fill_generated(u64::from_le_bytes(self.head), at, &mut self.scratch);
            self.generated = self.scratch == rest;
        }
        self.len += data.len() as u64;
    }

    fn into_kind(self) -> Kind {
        match self.kept {
            Some(data) => Kind::File(data),
            None if self.generated && self.len >= 8 => {
                Kind::Generated { len: self.len, seed: u64::from_le_bytes(self.head) }
            }
            None => Kind::Opaque { len: self.len },
        }
    }
}

/// One `multipart/form-data` part.
struct Part {
    name: String,
    filename: Option<String>,
    sink: Sink,
}

enum MpState {
    Preamble,
    Delimiter,
    Headers,
    Data(Part),
    Done,
}

/// A streaming `multipart/form-data` reader: bytes go in as they arrive, each part's data goes
/// to its [`Sink`], and only a delimiter's length of bytes is ever held back.
struct Multipart {
    /// `\r\n--boundary`.
    close: Vec<u8>,
    buf: Vec<u8>,
    state: MpState,
    parts: Vec<Part>,
}

/// Where `needle` starts in `haystack`, if it does (whole).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut from = 0;
    while let Some(p) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + p;
        if haystack.len() - at < needle.len() {
            return None;
        }
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A `key=value` parameter of a header (`name="files"`).
fn header_param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').replace("\\\"", "\""))
    })
}

impl Multipart {
    /// `None` unless `content_type` is `multipart/form-data` with a boundary.
    fn new(content_type: &str) -> Option<Multipart> {
        if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
            return None;
        }
        let boundary = header_param(content_type, "boundary").filter(|b| !b.is_empty())?;
        Some(Multipart {
            close: format!("\r\n--{boundary}").into_bytes(),
            buf: Vec::new(),
            state: MpState::Preamble,
            parts: Vec::new(),
        })
    }

    /// Feeds bytes; `None` when the form is malformed.
    fn push(&mut self, data: &[u8]) -> Option<()> {
        self.buf.extend_from_slice(data);
        loop {
            match &mut self.state {
                MpState::Preamble => {
                    let delimiter = &self.close[2..];
                    match find(&self.buf, delimiter) {
                        Some(i) => {
                            self.buf.drain(..i + delimiter.len());
                            self.state = MpState::Delimiter;
                        }
                        None => {
                            let keep = self.buf.len().min(delimiter.len() - 1);
                            self.buf.drain(..self.buf.len() - keep);
                            return Some(());
                        }
                    }
                }
                MpState::Delimiter => {
                    if self.buf.len() < 2 {
                        return Some(());
                    }
                    if self.buf.starts_with(b"--") {
                        self.state = MpState::Done;
                        continue;
                    }
                    let Some(eol) = find(&self.buf, b"\r\n") else {
                        return (self.buf.len() < 1024).then_some(());
                    };
                    self.buf.drain(..eol + 2);
                    self.state = MpState::Headers;
                }
                MpState::Headers => {
                    let Some(end) = find(&self.buf, b"\r\n\r\n") else {
                        return (self.buf.len() < 64 * 1024).then_some(());
                    };
                    let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                    self.buf.drain(..end + 4);
                    let disposition = head
                        .split("\r\n")
                        .find_map(|l| {
                            l.split_once(':')
                                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
                        })
                        .map(|(_, v)| v.trim().to_string())
                        .unwrap_or_default();
                    self.state = MpState::Data(Part {
                        name: header_param(&disposition, "name").unwrap_or_default(),
                        filename: header_param(&disposition, "filename"),
                        sink: Sink::new(),
                    });
                }
                MpState::Data(part) => match find(&self.buf, &self.close) {
                    Some(i) => {
                        part.sink.push(&self.buf[..i]);
                        self.buf.drain(..i + self.close.len());
                        if let MpState::Data(part) = std::mem::replace(&mut self.state, MpState::Delimiter) {
                            self.parts.push(part);
                        }
                    }
                    None => {
                        let keep = self.close.len() - 1;
                        if self.buf.len() > keep {
                            let upto = self.buf.len() - keep;
                            part.sink.push(&self.buf[..upto]);
                            self.buf.drain(..upto);
                        }
                        return Some(());
                    }
                },
                MpState::Done => {
                    self.buf.clear();
                    return Some(());
                }
            }
        }
    }

    /// The parts, once the closing delimiter came.
    fn finish(self) -> Option<Vec<Part>> {
        matches!(self.state, MpState::Done).then_some(self.parts)
    }
}

/// Ends the connection the way a network failure would: the task serving it unwinds (without
/// the panic hook, so nothing is printed) and the socket is dropped mid-request.
fn cut_connection() -> ! {
    std::panic::resume_unwind(Box::new("the fake cut the upload"))
}

/// Wings' `POST /upload/file?token=...&directory=...` with `multipart/form-data` parts named
/// `files`. The body is read as it streams in (never held whole): large files are kept as
/// generated content when they are, or as a size.
pub(crate) async fn upload_file(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    if let Some(r) = crate::apply_faults(&shared, req.uri().path()).await {
        return r;
    }
    let content_type =
        req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // As Wings: the token first, then the form.
    let (t, idx, directory, limit_mb, cut) = {
        let mut st = shared.lock();
        let query = log_wings(&mut st, &req);
        let (t, idx) = match consume_token(&mut st, &query_value(&query, "token"), Endpoint::Upload) {
            Ok(v) => v,
            Err(r) => return refusal(&mut st, r),
        };
        (t, idx, query_value(&query, "directory"), st.files.upload_limit_mb, st.files.cut_after)
    };
    let bad_form = |shared: &Shared| {
        wings_json(&mut shared.lock(), 400, Some("Failed to get multipart form data from request."))
    };
    let Some(mut form) = Multipart::new(&content_type) else { return bad_form(&shared) };
    let mut body = req.into_body();
    let mut received: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return bad_form(&shared) };
        let Ok(data) = frame.into_data() else { continue };
        received += data.len() as u64;
        if cut.is_some_and(|c| received >= c) {
            cut_connection();
        }
        if form.push(&data).is_none() {
            return bad_form(&shared);
        }
    }
    let Some(parts) = form.finish() else { return bad_form(&shared) };
    let mut st = shared.lock();
    let files: Vec<Part> = parts.into_iter().filter(|p| p.name == "files" && p.filename.is_some()).collect();
    if files.is_empty() {
        return wings_json(&mut st, 400, Some("No files were found on the request body."));
    }
    for f in &files {
        if f.sink.len > limit_mb * 1024 * 1024 {
            let name = f.filename.clone().unwrap_or_default();
            let message =
                format!("File {name} is larger than the maximum file upload size of {limit_mb} MB.");
            return wings_json(&mut st, 400, Some(&message));
        }
    }
    let server_id = st.servers[idx].id;
    let now = unix_now();
    for f in files {
        // Go's multipart keeps only the base name of `filename`.
        let raw = f.filename.unwrap_or_default();
        let name = raw.rsplit(['/', '\\']).next().unwrap_or("").to_string();
        let Some(path) = join(&directory, &name) else { return wings_json(&mut st, 404, Some(NOT_FOUND)) };
        if let Err(e) = st.files.tree(server_id).write_kind(&path, f.sink.into_kind(), now) {
            let (status, message) = match e {
                FsError::IsDirectory => (400, IS_DIRECTORY),
                FsError::NotFound => (404, NOT_FOUND),
                _ => (500, UNEXPECTED),
            };
            return wings_json(&mut st, status, Some(message));
        }
        let dir = clean(&directory).map(|d| format!("/{d}")).unwrap_or_else(|| "/".into());
        st.record_activity(
            server_id,
            t.user_id,
            "server:file.uploaded",
            json!({ "file": name, "directory": dir }),
            false,
        );
    }
    drop(st);
    Response::new(Body::empty())
}

// ---------------------------------------------------------------------------------------------
// Controls (`FakePanel` methods and `/__fake/*`) for large files and Wings' settings.

/// What the fake holds at a path (`FakePanel::file_info`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    /// The size in bytes.
    pub size: u64,
    /// `"bytes"` (held byte for byte), `"generated"` (generated content of `seed`),
    /// `"opaque"` (a large upload of other content: only its size was kept) or `"directory"`.
    pub kind: &'static str,
    /// The seed when the content is generated content ([`fill_generated`]), whether it is held
    /// byte for byte or not.
    pub seed: Option<u64>,
}

pub(crate) fn file_info(st: &mut State, server: &str, path: &str) -> Option<FileInfo> {
    let server_id = st.servers[st.bind_server(server)?].id;
    let entry = st.files.tree(server_id).get(&clean(path)?)?.clone();
    let (kind, seed) = match &entry.kind {
        Kind::File(data) => {
            let mut sink = Sink::new();
            sink.kept = None;
            sink.push(data);
            (
                "bytes",
                match sink.into_kind() {
                    Kind::Generated { seed, .. } => Some(seed),
                    _ => None,
                },
            )
        }
        Kind::Directory => ("directory", None),
        Kind::Generated { seed, .. } => ("generated", Some(*seed)),
        Kind::Opaque { .. } => ("opaque", None),
    };
    Some(FileInfo { size: entry.kind.len(), kind, seed })
}

/// Puts `size` bytes of generated content (see [`fill_generated`]) at `path`; `false` when the
/// server is unknown or the path cannot be written.
pub(crate) fn add_generated(st: &mut State, server: &str, path: &str, size: u64, seed: u64) -> bool {
    let Some(idx) = st.bind_server(server) else { return false };
    let server_id = st.servers[idx].id;
    let Some(path) = clean(path).filter(|p| !p.is_empty()) else { return false };
    st.files.tree(server_id).write_kind(&path, Kind::Generated { len: size, seed }, unix_now()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tar_gzip_round_trip() {
        let entries = vec![
            ("dir".to_string(), Entry::directory(1)),
            ("dir/a.txt".to_string(), Entry::file(b"hello".to_vec(), 0o600, 1)),
            ("b.bin".to_string(), Entry::file(vec![0xff; 70_000], 0o644, 1)),
        ];
        let gz = gzip_stored(&tar(&entries), 1);
        let members = untar(&gunzip_stored(&gz).expect("gunzip")).expect("untar");
        let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["dir", "dir/a.txt", "b.bin"]);
        match &members[1].1 {
            Member::File(d, mode) => assert_eq!((d.as_slice(), *mode), (b"hello".as_slice(), 0o600)),
            Member::Directory(_) => panic!("a file"),
        }
    }

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn copy_names_follow_wings() {
        let mut tree = Tree::default();
        tree.entries.insert("a.txt".into(), Entry::file(vec![], 0o644, 0));
        assert_eq!(copy_name(&tree, "", "a.txt"), "a copy.txt");
        tree.entries.insert("a copy.txt".into(), Entry::file(vec![], 0o644, 0));
        assert_eq!(copy_name(&tree, "", "a.txt"), "a copy 1.txt");
        assert_eq!(copy_name(&tree, "", "b.tar.gz"), "b copy.tar.gz");
        assert_eq!(copy_name(&tree, "", "README"), "README copy");
    }

    #[test]
    fn paths_are_cleaned_and_escapes_refused() {
        assert_eq!(clean("/logs//./latest.log").as_deref(), Some("logs/latest.log"));
        assert_eq!(join("/world", "../eula.txt").as_deref(), Some("eula.txt"));
        assert_eq!(clean("../etc/passwd"), None);
        assert_eq!(mode_string(true, 0o755), "drwxr-xr-x");
        assert_eq!(mode_string(false, 0o644), "-rw-r--r--");
    }

    fn parse(body: &[u8], piece: usize) -> Option<Vec<Part>> {
        let mut form = Multipart::new("multipart/form-data; boundary=XyZ")?;
        for chunk in body.chunks(piece) {
            form.push(chunk)?;
        }
        form.finish()
    }

    #[test]
    fn multipart_parts_are_split_however_the_bytes_arrive() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\n--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--XyZ--\r\n";
        for piece in [1, 2, 3, 7, body.len()] {
            let parts = parse(body, piece).expect("parts");
            assert_eq!(parts.len(), 2);
            assert_eq!(parts[0].filename.as_deref(), Some("a.txt"));
            assert!(matches!(&parts[0].sink.kept, Some(d) if d == b"hi\r\n--X"), "piece {piece}");
            assert_eq!(parts[1].name, "other");
        }
        assert!(parse(&body[..body.len() - 10], 5).is_none(), "no closing delimiter");
    }

    #[test]
    fn generated_content_is_recognised_in_an_upload() {
        let mut data = vec![0; 100_003];
        fill_generated(42, 0, &mut data);
        let mut piecewise = vec![0; 100_003 - 5];
        fill_generated(42, 5, &mut piecewise);
        assert_eq!(&data[5..], &piecewise[..], "any offset");
        let mut sink = Sink::new();
        sink.kept = None; // as for a file over the keep limit
        for chunk in data.chunks(4097) {
            sink.push(chunk);
        }
        assert!(matches!(sink.into_kind(), Kind::Generated { len: 100_003, seed: 42 }));
        data[70_000] ^= 1;
        let mut sink = Sink::new();
        sink.kept = None;
        sink.push(&data);
        assert!(matches!(sink.into_kind(), Kind::Opaque { len: 100_003 }));
    }
}
