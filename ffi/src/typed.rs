//! One function for each operation the core implements as a typed method, named from the
//! operation's id (`server.allocations.set_primary` → `ptero_server_allocations_set_primary`).
//!
//! Each translates its C arguments into the operation's flat parameters (by the panel's names)
//! and runs the core's generic call, so the result is byte for byte what `ptero_call` returns,
//! without decoding into the typed models and printing them again (which would double the cost
//! of a large list). Operations that answer with no content write `null`.
//! The rules of `ptero_call` apply to every function here: `client` and `out_json` may not be
//! NULL, the caller frees `*out_json` with `ptero_string_free` whatever the status, and on
//! failure `*out_json` is the error object.

use std::ffi::c_char;

use pterodactyl_client::{Client, Error, PowerSignal};
use serde_json::{json, Value};

use crate::boundary::{answer, arg, out_slot};
use crate::params;
use crate::{PteroClient, PteroStatus};

/// One page of the servers the key can see (`servers.list`).
///
/// `params_json` may be NULL or `{"filter": {"name": "Survival"}, "include": ["egg"],
/// "type": "owner", "page": 1, "per_page": 50}` (every key optional; `filter` keys: `uuid`,
/// `name`, `description`, `external_id`, `*`; `type`: `owner`, `admin`, `admin-all`).
/// Result: `{"data": [server, ...], "meta": {"pagination": {...}}}`. For every page at once use
/// `ptero_call_all_pages(client, "servers.list", params_json, &out)`.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated; `out_json` is NULL or
/// writable. The same holds for every function of this header.
#[no_mangle]
pub unsafe extern "C" fn ptero_servers_list(
    client: *const PteroClient,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let params: Value = arg!(params_json);
        call(client, "servers.list", to_value(params::list_servers(params)?)?)
    })
}

/// Every permission key the panel knows (`permissions.get`).
/// Result: `{"permissions": {"control": {"description": ..., "keys": {"console": ...}}, ...}}`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_permissions_get(
    client: *const PteroClient,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        call(client, "permissions.get", Value::Null)
    })
}

/// One server and what the key may do on it (`server.get`). `server` is its short identifier
/// (`"d3aac109"`) or UUID. `include` may be NULL or a comma-separated list of relationships
/// (`"egg"`, `"egg,subusers"`). Result: the server object with `"meta": {"is_server_owner",
/// "user_permissions"}` and `"relationships"`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_get(
    client: *const PteroClient,
    server: *const c_char,
    include: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let include: Option<&str> = arg!(include);
        let mut p = json!({ "server": server });
        if let Some(rels) = include.map(params::split_list).filter(|r| !r.is_empty()) {
            p["include"] = Value::from(rels);
        }
        call(client, "server.get", p)
    })
}

/// A websocket token and the socket address of the server's node (`server.websocket`).
/// Result: `{"token": "...", "socket": "wss://..."}`. The token is a credential: do not log it.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_websocket(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.websocket", json!({ "server": server }))
    })
}

/// Live state and resource usage (`server.resources`).
/// Result: `{"current_state": "running", "is_suspended": false, "resources": {"memory_bytes",
/// "cpu_absolute", "disk_bytes", "network_rx_bytes", "network_tx_bytes", "uptime"}}`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_resources(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.resources", json!({ "server": server }))
    })
}

/// One page of the server's activity log (`server.activity.list`).
///
/// `params_json` may be NULL or `{"filter": {"event": "power"}, "sort": "-timestamp",
/// "include": ["actor"], "page": 1, "per_page": 25}` (every key optional).
/// Result: `{"data": [entry, ...], "meta": {"pagination": {...}}}`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_activity_list(
    client: *const PteroClient,
    server: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let params: Value = arg!(params_json);
        let mut p = to_value(params::list_activity(params)?)?;
        p["server"] = Value::from(server);
        call(client, "server.activity.list", p)
    })
}

/// Sends a console command (`server.command`). The server must be running (the panel answers
/// 502 otherwise). Never retried once it may have reached the panel. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_command(
    client: *const PteroClient,
    server: *const c_char,
    command: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let command: &str = arg!(command);
        call(client, "server.command", json!({ "server": server, "command": command }))
    })
}

/// Sends a power signal (`server.power`): `"start"`, `"stop"`, `"restart"` or `"kill"`; any
/// other is refused with `PTERO_STATUS_INVALID_ARGUMENT` before a request is made. Never retried
/// once it may have reached the panel. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_power(
    client: *const PteroClient,
    server: *const c_char,
    signal: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let signal: &str = arg!(signal);
        let signal: PowerSignal = signal.parse()?;
        call(client, "server.power", json!({ "server": server, "signal": signal.as_str() }))
    })
}

/// The startup variables, startup command and Docker images (`server.startup.get`).
/// Result: `{"data": [variable, ...], "meta": {"startup_command", "docker_images",
/// "raw_startup_command"}}`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_startup_get(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.startup.get", json!({ "server": server }))
    })
}

/// Sets a startup variable by its environment name (`server.startup.set_variable`); the panel
/// checks `value` against the variable's rules (422 naming the field). Result: the variable as
/// saved, with `"meta": {"startup_command", "raw_startup_command"}`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_startup_set_variable(
    client: *const PteroClient,
    server: *const c_char,
    key: *const c_char,
    value: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let key: &str = arg!(key);
        let value: &str = arg!(value);
        call(client, "server.startup.set_variable", json!({ "server": server, "key": key, "value": value }))
    })
}

/// Renames the server (`server.settings.rename`). `description` may be NULL to leave it as it
/// is. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_settings_rename(
    client: *const PteroClient,
    server: *const c_char,
    name: *const c_char,
    description: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let name: &str = arg!(name);
        let description: Option<&str> = arg!(description);
        let mut p = json!({ "server": server, "name": name });
        if let Some(d) = description {
            p["description"] = Value::from(d);
        }
        call(client, "server.settings.rename", p)
    })
}

/// Reinstalls the server (`server.settings.reinstall`); it is installing afterwards and most
/// calls on it answer 409 until that is done. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_settings_reinstall(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.settings.reinstall", json!({ "server": server }))
    })
}

/// Switches to one of the egg's Docker images (`server.settings.docker_image`); the images
/// allowed are the values of `meta.docker_images` of `ptero_server_startup_get`. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_settings_docker_image(
    client: *const PteroClient,
    server: *const c_char,
    image: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let image: &str = arg!(image);
        call(client, "server.settings.docker_image", json!({ "server": server, "docker_image": image }))
    })
}

/// Every allocation of the server (`server.allocations.list`).
/// Result: `[{"id", "ip", "ip_alias", "port", "notes", "is_default"}, ...]`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_allocations_list(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.allocations.list", json!({ "server": server }))
    })
}

/// Assigns a free allocation automatically (`server.allocations.assign`). The panel answers
/// 400 when auto-allocation is off or the server's limit is reached. Result: the new
/// allocation.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_allocations_assign(
    client: *const PteroClient,
    server: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.allocations.assign", json!({ "server": server }))
    })
}

/// Sets an allocation's notes, or clears them when `notes` is NULL
/// (`server.allocations.set_notes`). Result: the allocation.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_allocations_set_notes(
    client: *const PteroClient,
    server: *const c_char,
    allocation: u64,
    notes: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let notes: Option<&str> = arg!(notes);
        call(
            client,
            "server.allocations.set_notes",
            json!({ "server": server, "allocation": allocation, "notes": notes }),
        )
    })
}

/// Makes an allocation the server's primary one (`server.allocations.set_primary`).
/// Result: the allocation.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_allocations_set_primary(
    client: *const PteroClient,
    server: *const c_char,
    allocation: u64,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.allocations.set_primary", json!({ "server": server, "allocation": allocation }))
    })
}

/// Removes an allocation from the server (`server.allocations.delete`); the primary one cannot
/// be removed. Result: `null`.
///
/// # Safety
/// As for `ptero_servers_list`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_allocations_delete(
    client: *const PteroClient,
    server: *const c_char,
    allocation: u64,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        call(client, "server.allocations.delete", json!({ "server": server, "allocation": allocation }))
    })
}

/// Runs one operation through the core's generic call and prints its result.
pub(crate) fn call(client: &Client, op: &str, params: Value) -> Result<String, Error> {
    client.call(op, params).map(|v| v.to_string())
}

/// A parameter struct of the core as the flat JSON object of its operation.
fn to_value<T: serde::Serialize>(params: T) -> Result<Value, Error> {
    serde_json::to_value(params)
        .map_err(|e| Error::InvalidInput(format!("could not encode the parameters: {e}")))
}
