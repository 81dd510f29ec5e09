//! `/servers/{server}/backups...` (spec §1.8): list, create, view, download, lock, restore
//! and delete.
//!
//! Wings is not involved: a new backup is reported as started (not yet successful) by the
//! create response, as the panel does, and is complete for every later request. Deleted
//! backups are kept (soft-deleted) because the panel's backup throttle counts them. Only the
//! archive's download goes through the fake Wings (`files::download_backup`).

use crate::account::{display_as, random_uuid};
use crate::api::{fail, model_not_found, paginate, require, validate, Ctx, Fail, Outcome, Reply};
use crate::model::{Item, List, Pagination};
use crate::state::State;
use crate::util::{atom, sha1_hex, unix_from_civil, unix_now};
use serde::Serialize;
use serde_json::{json, Value};

/// `config('backups.throttles')`: at most this many backups ...
const THROTTLE_LIMIT: usize = 2;
/// ... within this many seconds.
const THROTTLE_PERIOD: i64 = 600;

#[derive(Clone, Debug)]
pub struct Backup {
    pub id: u32,
    pub server_id: u32,
    pub uuid: String,
    pub name: String,
    pub ignored_files: Vec<String>,
    pub is_successful: bool,
    pub is_locked: bool,
    pub checksum: Option<String>,
    pub bytes: u64,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

impl Backup {
    /// `BackupRepository::getNonFailedBackups`: in progress or successful.
    fn non_failed(&self) -> bool {
        self.completed_at.is_none() || self.is_successful
    }
}

#[derive(Clone, Debug)]
pub struct Backups {
    pub rows: Vec<Backup>,
    pub next_id: u32,
}

impl Backups {
    pub fn seeded() -> Backups {
        let backup = |id, server_id, uuid: &str, name: &str| Backup {
            id,
            server_id,
            uuid: uuid.into(),
            name: name.into(),
            ignored_files: Vec::new(),
            is_successful: false,
            is_locked: false,
            checksum: None,
            bytes: 0,
            created_at: 0,
            completed_at: None,
            deleted_at: None,
        };
        Backups {
            rows: vec![
                // d3aac109: a locked, successful backup ...
                Backup {
                    is_successful: true,
                    is_locked: true,
                    checksum: Some("sha1:9a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b".into()),
                    bytes: 52_428_800,
                    created_at: unix_from_civil(2024, 10, 20, 3, 0, 0),
                    completed_at: Some(unix_from_civil(2024, 10, 20, 3, 1, 12)),
                    ..backup(1, 1, "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e", "Weekly backup")
                },
                // ... and a failed one, which does not count against the limit of 2.
                Backup {
                    ignored_files: vec!["*.log".into(), "cache/".into()],
                    created_at: unix_from_civil(2024, 10, 21, 3, 0, 0),
                    completed_at: Some(unix_from_civil(2024, 10, 21, 3, 0, 5)),
                    ..backup(2, 1, "c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f", "Failed backup")
                },
                // 7c4d2e11: a backup Wings never finishes (it cannot be restored).
                Backup {
                    created_at: unix_from_civil(2024, 10, 22, 2, 0, 0),
                    ..backup(3, 4, "d6e9a3f4-7b5c-4dae-9f20-3b4c5d6e7f80", "Nightly backup")
                },
            ],
            next_id: 4,
        }
    }
}

/// `BackupTransformer`.
#[derive(Serialize, Debug)]
struct BackupAttributes {
    uuid: String,
    is_successful: bool,
    is_locked: bool,
    name: String,
    ignored_files: Vec<String>,
    checksum: Option<String>,
    bytes: u64,
    created_at: String,
    completed_at: Option<String>,
}

fn attributes(b: &Backup) -> BackupAttributes {
    BackupAttributes {
        uuid: b.uuid.clone(),
        is_successful: b.is_successful,
        is_locked: b.is_locked,
        name: b.name.clone(),
        ignored_files: b.ignored_files.clone(),
        checksum: b.checksum.clone(),
        bytes: b.bytes,
        created_at: atom(b.created_at),
        completed_at: b.completed_at.map(atom),
    }
}

fn item(b: &Backup) -> Reply {
    Reply::json(200, &Item::new("backup", attributes(b)))
}

#[derive(Serialize, Debug)]
struct BackupListMeta {
    backup_count: usize,
    pagination: Pagination,
}

#[derive(Serialize, Debug)]
struct SignedUrl {
    url: String,
}

/// `{backup}`: a backup uuid of this server (scoped binding), not deleted.
fn bind(st: &State, idx: usize, uuid: &str) -> Result<usize, Fail> {
    let server_id = st.servers[idx].id;
    st.backups
        .rows
        .iter()
        .position(|b| b.server_id == server_id && b.uuid == uuid && b.deleted_at.is_none())
        .ok_or_else(model_not_found)
}

/// PHP's `(bool)` of an input value.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty() && s != "0",
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

pub(crate) fn handle(st: &mut State, op: &str, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let server_id = st.servers[idx].id;
    let bound = match ctx.params.get("backup") {
        Some(uuid) => Some(bind(st, idx, uuid)?),
        None => None,
    };
    let now = unix_now();
    match op {
        "server.backups.list" => {
            require(st, idx, user, "backup.read")?;
            let mut rows: Vec<&Backup> = st
                .backups
                .rows
                .iter()
                .filter(|b| b.server_id == server_id && b.deleted_at.is_none())
                .collect();
            rows.sort_by_key(|b| b.id);
            let backup_count = rows.iter().filter(|b| b.non_failed()).count();
            let (page, mut pagination) = paginate(rows, input, 20, 50, &ctx.path);
            // No `appends()` in `BackupController::index`: the links carry `page` alone.
            let current = pagination.current_page;
            let links = &mut pagination.links;
            links.previous = links.previous.as_ref().map(|_| format!("{}?page={}", ctx.path, current - 1));
            links.next = links.next.as_ref().map(|_| format!("{}?page={}", ctx.path, current + 1));
            let data: Vec<BackupAttributes> = page.into_iter().map(attributes).collect();
            Ok(Reply::json(
                200,
                &crate::model::WithMeta {
                    body: List::of("backup", data),
                    meta: BackupListMeta { backup_count, pagination },
                },
            ))
        }
        "server.backups.create" => {
            require(st, idx, user, "backup.create")?;
            validate(input, |v| {
                v.rules("name", "nullable|string|max:191")
                    .rules("is_locked", "nullable|boolean")
                    .rules("ignored", "nullable|string");
            })?;
            // `InitiateBackupService::handle`: the throttle (deleted backups included) first ...
            let recent: Vec<&Backup> = st
                .backups
                .rows
                .iter()
                .filter(|b| {
                    b.server_id == server_id && b.non_failed() && b.created_at >= now - THROTTLE_PERIOD
                })
                .collect();
            if recent.len() >= THROTTLE_LIMIT {
                let last = recent.last().map_or(now, |b| b.created_at);
                let retry_after = (last + THROTTLE_PERIOD - now).max(1);
                let detail = format!(
                    "Only {THROTTLE_LIMIT} backups may be generated within a {THROTTLE_PERIOD} second span of time."
                );
                return Ok(fail(429, "TooManyRequestsHttpException", detail)
                    .into_reply()
                    .with_header("retry-after", retry_after.to_string()));
            }
            // ... then the server's limit (null and 0 both mean none may be made).
            let count = st
                .backups
                .rows
                .iter()
                .filter(|b| b.server_id == server_id && b.deleted_at.is_none() && b.non_failed())
                .count() as u32;
            let limit = st.servers[idx].feature_limits.backups;
            if limit.is_none_or(|l| l == 0 || count >= l) {
                return Err(display_as(
                    "TooManyBackupsException",
                    &format!(
                        "Cannot create a new backup, this server has reached its limit of {} backups.",
                        limit.unwrap_or(0)
                    ),
                ));
            }
            let is_locked = st.can(idx, user, "backup.delete") && truthy(input.get("is_locked"));
            let stamp = atom(now);
            let name = input
                .str("name")
                .map(String::from)
                .unwrap_or_else(|| format!("Backup at {} {}", &stamp[..10], &stamp[11..19]));
            let ignored_files: Vec<String> = input
                .str("ignored")
                .unwrap_or("")
                .split('\n')
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect();
            let uuid = random_uuid(st, "backup");
            let id = st.backups.next_id;
            st.backups.next_id += 1;
            let started = Backup {
                id,
                server_id,
                uuid: uuid.clone(),
                name: name.clone(),
                ignored_files,
                is_successful: false,
                is_locked,
                checksum: None,
                bytes: 0,
                created_at: now,
                completed_at: None,
                deleted_at: None,
            };
            let reply = item(&started);
            // Wings finishes at once: every later read sees a completed backup.
            st.backups.rows.push(Backup {
                is_successful: true,
                checksum: Some(format!("sha1:{}", sha1_hex(uuid.as_bytes()))),
                bytes: 10_485_760 + u64::from(id) * 4096,
                completed_at: Some(now),
                ..started
            });
            st.log_activity(
                server_id,
                user,
                "server:backup.start",
                json!({"name": name, "locked": truthy(input.get("is_locked"))}),
            );
            Ok(reply)
        }
        "server.backups.get" => {
            let pos = bound.expect("bound backup");
            require(st, idx, user, "backup.read")?;
            Ok(item(&st.backups.rows[pos]))
        }
        "server.backups.download" => {
            let pos = bound.expect("bound backup");
            require(st, idx, user, "backup.download")?;
            let (uuid, name) = (st.backups.rows[pos].uuid.clone(), st.backups.rows[pos].name.clone());
            // A single-use token that the fake's Wings honours (`files::download_backup`).
            let token =
                crate::files::issue_token(st, idx, user, crate::files::Grant::Backup { backup_uuid: uuid });
            let url = format!("{}/download/backup?token={token}", crate::files::wings_base(st));
            st.log_activity(server_id, user, "server:backup.download", json!({ "name": name }));
            Ok(Reply::json(200, &Item::new("signed_url", SignedUrl { url })))
        }
        "server.backups.toggle_lock" => {
            let pos = bound.expect("bound backup");
            require(st, idx, user, "backup.delete")?;
            let b = &mut st.backups.rows[pos];
            b.is_locked = !b.is_locked;
            let event = if b.is_locked { "server:backup.lock" } else { "server:backup.unlock" };
            let name = b.name.clone();
            st.log_activity(server_id, user, event, json!({ "name": name }));
            Ok(item(&st.backups.rows[pos]))
        }
        "server.backups.restore" => {
            let pos = bound.expect("bound backup");
            require(st, idx, user, "backup.restore")?;
            validate(input, |v| {
                v.rules("truncate", "required|boolean");
            })?;
            if st.servers[idx].status.is_some() {
                return Err(fail(
                    400,
                    "BadRequestHttpException",
                    "This server is not currently in a state that allows for a backup to be restored.",
                ));
            }
            let b = &st.backups.rows[pos];
            if !b.is_successful && b.completed_at.is_none() {
                return Err(fail(
                    400,
                    "BadRequestHttpException",
                    "This backup cannot be restored at this time: not completed or failed.",
                ));
            }
            // Wings restores at once, so the server never stays in `restoring_backup`.
            let name = b.name.clone();
            let truncate = input.get("truncate").cloned().unwrap_or(Value::Null);
            st.log_activity(
                server_id,
                user,
                "server:backup.restore",
                json!({"name": name, "truncate": truncate}),
            );
            Ok(Reply::empty(204))
        }
        "server.backups.delete" => {
            let pos = bound.expect("bound backup");
            require(st, idx, user, "backup.delete")?;
            let b = &mut st.backups.rows[pos];
            if b.is_locked && b.is_successful && b.completed_at.is_some() {
                return Err(display_as(
                    "BackupLockedException",
                    "Cannot delete a backup that is marked as locked.",
                ));
            }
            b.deleted_at = Some(now);
            let (name, failed) = (b.name.clone(), !b.is_successful);
            st.log_activity(server_id, user, "server:backup.delete", json!({"name": name, "failed": failed}));
            Ok(Reply::empty(204))
        }
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}
