//! The one JSON shape every front hands out.
//!
//! The panel wraps everything in Fractal envelopes. [`normalize`] removes them, once, for every
//! surface:
//!
//! * an item `{"object":"server","attributes":{..}}` becomes its attributes object;
//! * a list `{"object":"list","data":[..]}` becomes an array of unwrapped items, or
//!   `{"data":[..],"meta":{..}}` when the panel sent `meta` (pagination, startup command, ...);
//! * an item's top-level `meta` is kept as a `"meta"` key of the unwrapped object;
//! * relationships stay under `"relationships"`, unwrapped the same way; a `null_resource`
//!   becomes `null`;
//! * a bare `{"data":{..}}` (websocket credentials, 2FA setup) becomes the inner object.
//!
//! The typed models' `Serialize` output is exactly this shape, so a C caller, a Python caller and
//! a Rust caller see the same data.

use serde_json::{Map, Value};

/// Unwraps a whole response document (see the module docs).
pub fn normalize(doc: Value) -> Value {
    let Value::Object(mut map) = doc else { return doc };
    let meta = map.remove("meta");
    match map.get("object").and_then(Value::as_str) {
        Some("list") => {
            let data = unwrap_list(map.remove("data").unwrap_or(Value::Null));
            match meta {
                None => data,
                Some(meta) => {
                    let mut out = Map::with_capacity(2);
                    out.insert("data".into(), data);
                    out.insert("meta".into(), meta);
                    Value::Object(out)
                }
            }
        }
        Some(_) if map.contains_key("attributes") => {
            let mut item = unwrap_item(map);
            if let (Some(meta), Value::Object(obj)) = (meta, &mut item) {
                obj.insert("meta".into(), meta);
            }
            item
        }
        _ => {
            if meta.is_none() && map.len() == 1 && map.get("data").is_some_and(Value::is_object) {
                return map.remove("data").unwrap_or(Value::Null);
            }
            if let Some(meta) = meta {
                map.insert("meta".into(), meta);
            }
            Value::Object(map)
        }
    }
}

fn unwrap_list(data: Value) -> Value {
    match data {
        Value::Array(items) => Value::Array(items.into_iter().map(unwrap_nested).collect()),
        other => other,
    }
}

/// Unwraps an envelope found inside a document (a list entry or a relationship).
fn unwrap_nested(v: Value) -> Value {
    let Value::Object(map) = v else { return v };
    match map.get("object").and_then(Value::as_str) {
        Some("null_resource") => Value::Null,
        Some("list") => {
            let mut map = map;
            unwrap_list(map.remove("data").unwrap_or(Value::Null))
        }
        Some(_) if map.contains_key("attributes") => unwrap_item(map),
        _ => Value::Object(map),
    }
}

fn unwrap_item(mut map: Map<String, Value>) -> Value {
    if map.get("object").and_then(Value::as_str) == Some("null_resource") {
        return Value::Null;
    }
    let mut attrs = map.remove("attributes").unwrap_or(Value::Null);
    if let Some(Value::Object(rels)) = attrs.get_mut("relationships") {
        for value in rels.values_mut() {
            *value = unwrap_nested(value.take());
        }
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_with_relationships_and_meta_is_flattened() {
        let doc = json!({
            "object": "server",
            "attributes": {
                "name": "x",
                "relationships": {
                    "allocations": {"object": "list", "data": [{"object": "allocation", "attributes": {"id": 1}}]},
                    "variables": {"object": "null_resource", "attributes": null},
                    "egg": {"object": "egg", "attributes": {"name": "Paper"}}
                }
            },
            "meta": {"is_server_owner": true}
        });
        assert_eq!(
            normalize(doc),
            json!({
                "name": "x",
                "relationships": {"allocations": [{"id": 1}], "variables": null, "egg": {"name": "Paper"}},
                "meta": {"is_server_owner": true}
            })
        );
    }

    #[test]
    fn list_without_meta_is_an_array_and_with_meta_an_object() {
        let list = json!({"object": "list", "data": [{"object": "allocation", "attributes": {"id": 1}}]});
        assert_eq!(normalize(list.clone()), json!([{"id": 1}]));
        let mut paged = list;
        paged["meta"] = json!({"pagination": {"total": 1}});
        assert_eq!(normalize(paged), json!({"data": [{"id": 1}], "meta": {"pagination": {"total": 1}}}));
    }

    #[test]
    fn bare_data_object_is_unwrapped() {
        let doc = json!({"data": {"token": "t", "socket": "wss://x"}});
        assert_eq!(normalize(doc), json!({"token": "t", "socket": "wss://x"}));
    }
}
