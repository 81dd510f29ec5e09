//! One function for each operation the core implements as a typed method, named from the
//! operation's id (`server.allocations.set_primary` → `ptero_server_allocations_set_primary`).
//!
//! Each calls the core's typed method and serializes its model: the result is the same JSON that
//! `ptero_call` returns for that operation. Operations that answer with no content write `null`.
//! The rules of `ptero_call` apply to every function here: `client` and `out_json` may not be
//! NULL, the caller frees `*out_json` with `ptero_string_free` whatever the status, and on
//! failure `*out_json` is the error object.

use std::ffi::c_char;

use pterodactyl_client::{Client, PowerSignal};
use serde_json::Value;

use crate::boundary::{answer, arg, out_slot, to_json};
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
        to_json(&client.servers().list(&params::list_servers(params)?)?)
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
        to_json(&client.permissions()?)
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
        let handle = client.server(server);
        match include.map(params::split_list) {
            Some(rels) if !rels.is_empty() => {
                let rels: Vec<&str> = rels.iter().map(String::as_str).collect();
                to_json(&handle.details_with(&rels)?)
            }
            _ => to_json(&handle.details()?),
        }
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
        to_json(&client.server(server).websocket()?)
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
        to_json(&client.server(server).resources()?)
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
        to_json(&client.server(server).activity().list(&params::list_activity(params)?)?)
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
        to_json(&client.server(server).command(command)?)
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
        to_json(&client.server(server).power(signal)?)
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
        to_json(&client.server(server).startup().get()?)
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
        to_json(&client.server(server).startup().set_variable(key, value)?)
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
        to_json(&client.server(server).settings().rename(name, description)?)
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
        to_json(&client.server(server).settings().reinstall()?)
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
        to_json(&client.server(server).settings().set_docker_image(image)?)
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
        to_json(&client.server(server).allocations().list()?)
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
        to_json(&client.server(server).allocations().assign()?)
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
        to_json(&client.server(server).allocations().set_notes(allocation, notes)?)
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
        to_json(&client.server(server).allocations().set_primary(allocation)?)
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
        to_json(&client.server(server).allocations().delete(allocation)?)
    })
}
