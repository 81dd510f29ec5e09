//! `/servers/{server}/users...` (spec §1.7): list, create, view, update and delete subusers.
//!
//! `{user}` is the subuser's user uuid and must be a subuser of the server (404 otherwise).
//! `SubuserRequest::authorize` runs after the permission check: nobody may view, edit or delete
//! their own subuser entry (403), and a subuser may only grant permissions it holds itself.

use crate::account::{create_user, display_as, user_attributes};
use crate::api::{
    fail, model_not_found, permissions, require, unauthorized, validate, Ctx, Fail, Outcome, Reply,
};
use crate::model::{Item, List, SubuserAttributes};
use crate::state::{State, Subuser};
use serde_json::{json, Value};

/// `SubstituteClientBindings` for `{user}`: the position in the server's subuser list.
fn bind(st: &State, idx: usize, uuid: &str) -> Result<usize, Fail> {
    st.servers[idx]
        .subusers
        .iter()
        .position(|su| st.user(su.user_id).uuid == uuid)
        .ok_or_else(model_not_found)
}

fn item(st: &State, su: &Subuser) -> SubuserAttributes {
    SubuserAttributes { user: user_attributes(st, su.user_id), permissions: su.permissions.clone() }
}

/// `SubuserController::getDefaultPermissions`: known keys only, deduplicated, plus
/// `websocket.connect`.
fn default_permissions(input: Option<&Value>) -> Vec<String> {
    let known: Vec<String> = permissions()
        .attributes
        .permissions
        .iter()
        .flat_map(|(group, g)| g.keys.keys().map(move |key| format!("{group}.{key}")))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let requested = match input {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::Object(items)) => items.values().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for p in requested.into_iter().chain(["websocket.connect"]) {
        if known.iter().any(|k| k == p) && !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    }
    out
}

/// `SubuserRequest::validatePermissionsCanBeAssigned` (POST with `permissions` only): the owner
/// may grant anything, a subuser only what it holds (unknown keys count as not held).
fn check_assignable(st: &State, idx: usize, ctx: &Ctx) -> Result<(), Fail> {
    if st.servers[idx].owner_id == ctx.user {
        return Ok(());
    }
    let requested: Vec<String> = match ctx.input.get("permissions") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => return Ok(()),
    };
    let held = st.user_permissions(idx, ctx.user);
    if requested.iter().any(|p| !held.contains(p)) {
        return Err(fail(
            403,
            "HttpForbiddenException",
            "Cannot assign permissions to a subuser that your account does not actively possess.",
        ));
    }
    Ok(())
}

pub(crate) fn handle(st: &mut State, op: &str, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let server_id = st.servers[idx].id;
    let bound = match ctx.params.get("user") {
        Some(uuid) => Some(bind(st, idx, uuid)?),
        None => None,
    };
    // `SubuserRequest::authorize`: nobody may act on their own subuser entry.
    let not_self = |st: &State| match bound {
        Some(pos) if st.servers[idx].subusers[pos].user_id == user => Err(unauthorized()),
        _ => Ok(()),
    };
    match op {
        "server.users.list" => {
            require(st, idx, user, "user.read")?;
            let list: Vec<SubuserAttributes> =
                st.servers[idx].subusers.iter().map(|su| item(st, su)).collect();
            Ok(Reply::json(200, &List::of("server_subuser", list)))
        }
        "server.users.create" => {
            require(st, idx, user, "user.create")?;
            check_assignable(st, idx, ctx)?;
            validate(input, |v| {
                v.rules("email", "required|email|between:1,191")
                    .rules("permissions", "required|array")
                    .rules("permissions.*", "string");
            })?;
            let email = input.str("email").unwrap_or_default().to_string();
            let existing = st.users.iter().find(|u| u.email.eq_ignore_ascii_case(&email)).map(|u| u.id);
            let target = match existing {
                Some(id) if id == st.servers[idx].owner_id => {
                    return Err(display_as(
                        "UserIsServerOwnerException",
                        "You cannot add the server owner as a subuser for this server.",
                    ))
                }
                Some(id) if st.servers[idx].subusers.iter().any(|su| su.user_id == id) => {
                    return Err(display_as(
                        "ServerSubuserExistsException",
                        "A user with that email address is already assigned as a subuser for this server.",
                    ))
                }
                Some(id) => id,
                None => create_user(st, &email),
            };
            let permissions = default_permissions(input.get("permissions"));
            let subuser = Subuser { user_id: target, permissions: permissions.clone() };
            let attrs = item(st, &subuser);
            st.servers[idx].subusers.push(subuser);
            st.log_activity(
                server_id,
                user,
                "server:subuser.create",
                json!({"email": email, "permissions": permissions}),
            );
            Ok(Reply::json(200, &Item::new("server_subuser", attrs)))
        }
        "server.users.get" => {
            let pos = bound.expect("bound subuser");
            require(st, idx, user, "user.read")?;
            not_self(st)?;
            Ok(Reply::json(200, &Item::new("server_subuser", item(st, &st.servers[idx].subusers[pos]))))
        }
        "server.users.update" => {
            let pos = bound.expect("bound subuser");
            require(st, idx, user, "user.update")?;
            not_self(st)?;
            check_assignable(st, idx, ctx)?;
            validate(input, |v| {
                v.rules("permissions", "required|array").rules("permissions.*", "string");
            })?;
            let permissions = default_permissions(input.get("permissions"));
            let su = &st.servers[idx].subusers[pos];
            let (mut old, mut new) = (su.permissions.clone(), permissions.clone());
            old.sort();
            new.sort();
            if old != new {
                let email = st.user(su.user_id).email.to_string();
                st.servers[idx].subusers[pos].permissions = permissions;
                st.log_activity(
                    server_id,
                    user,
                    "server:subuser.update",
                    json!({"email": email, "old": old, "new": new, "revoked": true}),
                );
            }
            Ok(Reply::json(200, &Item::new("server_subuser", item(st, &st.servers[idx].subusers[pos]))))
        }
        "server.users.delete" => {
            let pos = bound.expect("bound subuser");
            require(st, idx, user, "user.delete")?;
            not_self(st)?;
            let su = st.servers[idx].subusers.remove(pos);
            let email = st.user(su.user_id).email.to_string();
            st.log_activity(
                server_id,
                user,
                "server:subuser.delete",
                json!({"email": email, "revoked": true}),
            );
            Ok(Reply::empty(204))
        }
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}
