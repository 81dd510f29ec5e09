//! The JSON parameter objects of the two typed list functions, read into the core's builders.
//!
//! The keys are the flat parameter names of [`Client::call`](pterodactyl_client::Client::call),
//! so a C caller passes the same object to `ptero_servers_list` and to
//! `ptero_call("servers.list", ...)`. Unknown keys and wrong types are refused by name.

use pterodactyl_client::{Error, ListActivity, ListServers};
use serde::Deserialize;
use serde_json::Value;

/// `"egg, subusers"` → `["egg", "subusers"]`.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn read<T: for<'de> Deserialize<'de> + Default>(params: Value, op: &str) -> Result<T, Error> {
    if params.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(params).map_err(|e| Error::InvalidInput(format!("`params_json` of {op}: {e}")))
}

/// `servers.list` parameters.
pub(crate) fn list_servers(params: Value) -> Result<ListServers, Error> {
    read(params, "servers.list")
}

/// `server.activity.list` parameters (without `server`, which is its own argument).
pub(crate) fn list_activity(params: Value) -> Result<ListActivity, Error> {
    read(params, "server.activity.list")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pterodactyl_client::ServerListType;
    use serde_json::json;

    #[test]
    fn servers_params_map_onto_the_builder() {
        let p = list_servers(json!({"filter": {"name": "Sur"}, "include": "egg, subusers", "type": "admin-all", "page": 2, "per_page": 5})).unwrap();
        let expected = ListServers::new()
            .filter("name", "Sur")
            .include("egg")
            .include("subusers")
            .kind(ServerListType::AdminAll)
            .page(2)
            .per_page(5);
        assert_eq!(p, expected);
        assert_eq!(list_servers(Value::Null).unwrap(), ListServers::new());
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused_by_name() {
        let err = list_servers(json!({"pages": 2})).unwrap_err().to_string();
        assert!(err.contains("unknown field `pages`"), "{err}");
        let err = list_servers(json!({"page": "two"})).unwrap_err().to_string();
        assert!(err.contains("invalid type"), "{err}");
        let err = list_servers(json!({"type": "everyone"})).unwrap_err().to_string();
        assert!(err.contains("`everyone`"), "{err}");
        let err = list_activity(json!({"include": 3})).unwrap_err().to_string();
        assert!(err.contains("comma-separated"), "{err}");
    }
}
