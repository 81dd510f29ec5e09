//! `/servers/{server}/databases...` (spec §1.3): list, create, rotate the password, delete.
//!
//! The fake has one database host (`db1.example.com:3306`). `{database}` is the hashid the
//! panel returns as `id`; a plain numeric id binds as well.

use crate::account::{display_as, random, ALNUM};
use crate::api::{fail, model_not_found, require, validate, Ctx, Fail, Outcome, Reply};
use crate::model::{Item, List, NullResource, OrNull};
use crate::state::State;
use crate::util::sha1_raw;
use crate::validate::DATABASE_REMOTE_REGEX;
use serde::Serialize;
use serde_json::json;

const HOST_ADDRESS: &str = "db1.example.com";
const HOST_PORT: u16 = 3306;
/// `config('hashids.alphabet')`.
const HASHID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890";

#[derive(Clone, Debug)]
pub struct Database {
    pub id: u32,
    pub server_id: u32,
    /// The full name, `s{server_id}_...`.
    pub database: String,
    pub username: String,
    pub password: String,
    pub remote: String,
    /// The column defaults to 0; only the create response shows null (the model is not refreshed).
    pub max_connections: i64,
}

#[derive(Clone, Debug)]
pub struct Databases {
    pub rows: Vec<Database>,
    pub next_id: u32,
}

impl Databases {
    pub fn seeded() -> Databases {
        Databases {
            rows: vec![Database {
                id: 1,
                server_id: 1,
                database: "s1_survival".into(),
                username: "u1_Jd8sK2nQ4x".into(),
                password: "Hq7=Lm2pXv9.Rt4+Wz6^Kb1!".into(),
                remote: "%".into(),
                max_connections: 0,
            }],
            next_id: 2,
        }
    }
}

/// A stand-in for `Hashids::encode($id)` (salted, 8 characters): deterministic per id.
pub(crate) fn hashid(id: u32) -> String {
    sha1_raw(format!("fake-panel-hashid:{id}").as_bytes())
        .iter()
        .take(8)
        .map(|b| HASHID_ALPHABET[*b as usize % HASHID_ALPHABET.len()] as char)
        .collect()
}

/// `DatabaseManagementService::generateUniqueDatabaseName`.
fn full_name(name: &str, server_id: u32) -> String {
    let prefix = format!("s{server_id}_");
    let keep = 48usize.saturating_sub(prefix.len());
    format!("{prefix}{}", name.chars().take(keep).collect::<String>())
}

/// `Utilities::randomStringWithSpecialCharacters(24)`: 24 alphanumerics, a few of them then
/// replaced by `! @ = . + ^`.
fn database_password(st: &mut State) -> String {
    let mut chars: Vec<char> = random(st, "database-password", ALNUM, 24).chars().collect();
    let picks = random(st, "database-password-specials", ALNUM, 6);
    let specials = ['!', '@', '=', '.', '+', '^'];
    for pair in picks.as_bytes().chunks(2) {
        let at = pair[0] as usize % chars.len();
        chars[at] = specials[pair[1] as usize % specials.len()];
    }
    chars.into_iter().collect()
}

/// `DatabaseTransformer`.
#[derive(Serialize, Debug)]
struct DatabaseAttributes {
    id: String,
    host: DatabaseHost,
    name: String,
    username: String,
    connections_from: String,
    max_connections: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationships: Option<DatabaseRelationships>,
}

#[derive(Serialize, Debug)]
struct DatabaseHost {
    address: &'static str,
    port: u16,
}

#[derive(Serialize, Debug)]
struct DatabaseRelationships {
    password: OrNull<Item<DatabasePassword>>,
}

#[derive(Serialize, Debug)]
struct DatabasePassword {
    password: String,
}

/// `include=password` shows the password only with `database.view_password`.
fn attributes(st: &State, idx: usize, user: u32, db: &Database, with_password: bool) -> DatabaseAttributes {
    let relationships = with_password.then(|| DatabaseRelationships {
        password: if st.can(idx, user, "database.view_password") {
            OrNull::Value(Item::new("database_password", DatabasePassword { password: db.password.clone() }))
        } else {
            OrNull::Null(NullResource::new())
        },
    });
    DatabaseAttributes {
        id: hashid(db.id),
        host: DatabaseHost { address: HOST_ADDRESS, port: HOST_PORT },
        name: db.database.clone(),
        username: db.username.clone(),
        connections_from: db.remote.clone(),
        max_connections: Some(db.max_connections),
        relationships,
    }
}

/// `{database}`: a hashid or a numeric id (404 when unknown), then `ResourceBelongsToServer`.
fn bind(st: &State, idx: usize, raw: &str) -> Result<usize, Fail> {
    let pos = if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        st.databases.rows.iter().position(|d| d.id.to_string() == raw)
    } else {
        st.databases.rows.iter().position(|d| hashid(d.id) == raw)
    };
    let pos = pos.ok_or_else(model_not_found)?;
    if st.databases.rows[pos].server_id != st.servers[idx].id {
        return Err(fail(
            404,
            "NotFoundHttpException",
            "The requested resource was not found for this server.",
        ));
    }
    Ok(pos)
}

pub(crate) fn handle(st: &mut State, op: &str, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let server_id = st.servers[idx].id;
    let bound = match ctx.params.get("database") {
        Some(raw) => Some(bind(st, idx, raw)?),
        None => None,
    };
    match op {
        "server.databases.list" => {
            require(st, idx, user, "database.read")?;
            let with_password = input.includes().iter().any(|i| i == "password");
            let list: Vec<DatabaseAttributes> = st
                .databases
                .rows
                .iter()
                .filter(|d| d.server_id == server_id)
                .map(|d| attributes(st, idx, user, d, with_password))
                .collect();
            Ok(Reply::json(200, &List::of("server_database", list)))
        }
        "server.databases.create" => {
            require(st, idx, user, "database.create")?;
            let requested = match input.get("database") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let taken = requested.as_deref().is_some_and(|name| {
                let full = full_name(name, server_id);
                st.databases.rows.iter().any(|d| d.server_id == server_id && d.database == full)
            });
            let remote_regex = format!("regex:{DATABASE_REMOTE_REGEX}");
            validate(input, |v| {
                v.rules("database", "required|alpha_dash|min:3|max:48");
                if taken {
                    v.rule_error(
                        "database",
                        "unique",
                        "The database name you have selected is already in use by this server.",
                    );
                }
                v.rule_list("remote", &["required", "string", &remote_regex]);
            })?;
            let count = st.databases.rows.iter().filter(|d| d.server_id == server_id).count() as u32;
            if st.servers[idx].feature_limits.databases.is_some_and(|limit| count >= limit) {
                return Err(display_as(
                    "TooManyDatabasesException",
                    "Operation aborted: creating a new database would put this server over the defined limit.",
                ));
            }
            let id = st.databases.next_id;
            st.databases.next_id += 1;
            let username = format!("u{server_id}_{}", random(st, "database-username", ALNUM, 10));
            let password = database_password(st);
            let db = Database {
                id,
                server_id,
                database: full_name(requested.as_deref().unwrap_or_default(), server_id),
                username,
                password,
                remote: input.str("remote").unwrap_or_default().to_string(),
                max_connections: 0,
            };
            let mut attrs = attributes(st, idx, user, &db, true);
            attrs.max_connections = None;
            st.log_activity(server_id, user, "server:database.create", json!({ "name": db.database }));
            st.databases.rows.push(db);
            Ok(Reply::json(200, &Item::new("server_database", attrs)))
        }
        "server.databases.rotate_password" => {
            let pos = bound.expect("bound database");
            require(st, idx, user, "database.update")?;
            let password = database_password(st);
            st.databases.rows[pos].password = password;
            let name = st.databases.rows[pos].database.clone();
            st.log_activity(server_id, user, "server:database.rotate-password", json!({ "name": name }));
            let attrs = attributes(st, idx, user, &st.databases.rows[pos], true);
            Ok(Reply::json(200, &Item::new("server_database", attrs)))
        }
        "server.databases.delete" => {
            let pos = bound.expect("bound database");
            require(st, idx, user, "database.delete")?;
            let db = st.databases.rows.remove(pos);
            st.log_activity(server_id, user, "server:database.delete", json!({ "name": db.database }));
            Ok(Reply::empty(204))
        }
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}
