//! Turns an operation and its flat parameter object into a URL and a body.
//!
//! This is where every call is checked against its operation's declaration, once for every
//! surface, typed or generic: an unknown parameter is refused with the closest names, a missing
//! required one is named, types and enums are checked, and nothing is sent until all of that
//! passes. Then each parameter goes where its declaration says: the path, the query string, the
//! JSON body or the raw body. A path parameter is always exactly one path segment: anything that
//! could change the route (`/`, `?`, `#`, `..`, `%`, spaces, ...) is refused before a request is
//! made.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::ops::{self, Kind, Operation, Param, Place, Presence};

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The longest path parameter accepted (uuids are 36, `serv_` identifiers about 40).
const MAX_SEGMENT: usize = 191;

/// What to send.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub url: String,
    pub body: Option<PreparedBody>,
}

#[derive(Debug)]
pub(crate) enum PreparedBody {
    Json(Vec<u8>),
    Raw(Vec<u8>),
}

/// Checks `params` against the operation's declaration and builds the URL (`base` ends with
/// `/api/client`) and body of one call. `content`, when given, is the raw body of an operation
/// that declares one (`server.files.write`) and replaces its `content` parameter.
pub(crate) fn prepare(
    base: &str,
    op: &Operation,
    mut params: Map<String, Value>,
    content: Option<Vec<u8>>,
) -> Result<Prepared> {
    check(op, &mut params, content.is_some())?;

    let mut url = String::with_capacity(base.len() + op.path.len() + 32);
    url.push_str(base);
    for (i, piece) in op.path.split('/').enumerate() {
        if i == 0 {
            continue; // the template starts with '/'
        }
        url.push('/');
        if let Some(name) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            let value = params.remove(name).unwrap_or(Value::Null);
            push_segment(&mut url, op.id, name, &value)?;
        } else {
            url.push_str(piece);
        }
    }
    if op.path == "/" {
        url.pop(); // `/api/client` itself, not `/api/client/`
    }

    let mut first_query = true;
    let mut json_body = op.has_json_body().then(Map::new);
    let mut raw_body = content;
    for p in op.params {
        let Some(value) = params.remove(p.name) else { continue };
        match p.place {
            Place::Path => {}
            Place::Query => push_query(&mut url, &mut first_query, p.name, &value)?,
            Place::Body => {
                if let Some(body) = json_body.as_mut() {
                    body.insert(p.name.to_owned(), value);
                }
            }
            Place::Content => {
                if let Value::String(text) = value {
                    raw_body = Some(text.into_bytes());
                }
            }
        }
    }
    let body = match (raw_body, json_body) {
        (Some(bytes), _) => Some(PreparedBody::Raw(bytes)),
        (None, Some(fields)) => Some(PreparedBody::Json(
            serde_json::to_vec(&Value::Object(fields))
                .map_err(|e| Error::invalid(format!("could not encode the request body: {e}")))?,
        )),
        (None, None) if op.params.iter().any(|p| p.place == Place::Content) => {
            Some(PreparedBody::Raw(Vec::new()))
        }
        (None, None) => None,
    };
    Ok(Prepared { url, body })
}

/// Checks the parameters against the declaration: no unknown names, every required one given,
/// every value of its declared type. Fills in what the declaration fills in (`null` for a
/// nullable field left out, `password_confirmation` from `password`) and drops `null` optional
/// values (they mean "not sent").
fn check(op: &Operation, params: &mut Map<String, Value>, has_content: bool) -> Result<()> {
    if let Some(unknown) = params.keys().find(|k| op.param(k).is_none()) {
        return Err(Error::invalid(unknown_parameter(op, unknown)));
    }
    for p in op.params {
        let given = params.get(p.name).filter(|v| !v.is_null());
        match (given, p.presence) {
            (Some(value), _) => {
                if p.place == Place::Content && has_content {
                    return Err(Error::invalid(format!(
                        "operation `{}`: give the content either as the `{}` parameter or as bytes, not both",
                        op.id, p.name
                    )));
                }
                check_value(op, p, value)?;
            }
            (None, _) if p.place == Place::Content && has_content => {}
            (None, _) if p.is_required() => {
                return Err(Error::invalid(format!(
                    "operation `{}` needs the parameter `{}` ({})",
                    op.id,
                    p.name,
                    first_sentence(p.doc)
                )))
            }
            (None, Presence::Nullable) => {
                params.insert(p.name.to_owned(), Value::Null);
            }
            (None, Presence::DefaultsTo(other)) => {
                if let Some(v) = params.get(other).cloned() {
                    params.insert(p.name.to_owned(), v);
                }
            }
            (None, _) => {
                params.remove(p.name);
            }
        }
    }
    Ok(())
}

fn unknown_parameter(op: &Operation, name: &str) -> String {
    let names: Vec<&str> = op.params.iter().map(|p| p.name).collect();
    let takes = if names.is_empty() {
        String::from("it takes none")
    } else {
        format!("it takes {}", ops::quoted(&names))
    };
    match ops::closest(name, names.iter().copied()).first() {
        Some(near) => {
            format!("operation `{}` has no parameter {name:?}; did you mean {near:?}? ({takes})", op.id)
        }
        None => format!("operation `{}` has no parameter {name:?} ({takes})", op.id),
    }
}

/// A parameter's doc without its closing period, for "needs the parameter" messages.
fn first_sentence(doc: &str) -> &str {
    doc.trim_end_matches('.')
}

/// Checks one given (non-null) value against its declared kind.
fn check_value(op: &Operation, p: &Param, value: &Value) -> Result<()> {
    let wrong = |expected: &str| {
        Err(Error::invalid(format!(
            "operation `{}`: parameter `{}` must be {expected}, got {}",
            op.id,
            p.name,
            type_name(value)
        )))
    };
    let strings = |v: &Value| v.as_array().is_some_and(|items| items.iter().all(Value::is_string));
    match (p.kind, value) {
        // Path parameters are checked as segments when the URL is built.
        _ if p.place == Place::Path => Ok(()),
        (Kind::Str | Kind::Bytes, Value::String(_)) => Ok(()),
        (Kind::Str, _) => wrong("a string"),
        (Kind::Bytes, _) => wrong("a string (the content)"),
        (Kind::Int, Value::Number(n)) if n.is_u64() => Ok(()),
        (Kind::Int, _) => wrong("a non-negative integer"),
        (Kind::Bool, Value::Bool(_)) => Ok(()),
        (Kind::Bool, _) => wrong("true or false"),
        (Kind::Enum(allowed), Value::String(s)) => {
            if allowed.contains(&s.as_str()) {
                Ok(())
            } else {
                let near = ops::closest(s, allowed.iter().copied());
                let hint = near.first().map(|n| format!(" (did you mean {n:?}?)")).unwrap_or_default();
                Err(Error::invalid(format!(
                    "operation `{}`: parameter `{}` must be one of {}; got {s:?}{hint}",
                    op.id,
                    p.name,
                    ops::quoted(allowed)
                )))
            }
        }
        (Kind::Enum(allowed), _) => wrong(&format!("one of {}", ops::quoted(allowed))),
        (Kind::List, v) if strings(v) => Ok(()),
        (Kind::List, _) => wrong("a list of strings"),
        (Kind::Include, Value::String(_)) => Ok(()),
        (Kind::Include, v) if strings(v) => Ok(()),
        (Kind::Include, _) => wrong("a list of names or a comma-separated string"),
        (Kind::Filter(allowed), Value::Object(filters)) => {
            for (name, v) in filters {
                if !allowed.contains(&name.as_str()) {
                    let near = ops::closest(name, allowed.iter().copied());
                    let hint = near.first().map(|n| format!("; did you mean {n:?}?")).unwrap_or_default();
                    return Err(Error::invalid(format!(
                        "operation `{}`: the panel has no filter {name:?}{hint} (it filters on {})",
                        op.id,
                        ops::quoted(allowed)
                    )));
                }
                if !(v.is_string() || v.is_number() || v.is_null()) {
                    return Err(Error::invalid(format!(
                        "operation `{}`: filter `{name}` must be a string, got {}",
                        op.id,
                        type_name(v)
                    )));
                }
            }
            Ok(())
        }
        (Kind::Filter(_), _) => wrong("an object of `name: value` filters"),
        (Kind::Objects, Value::Array(items)) if items.iter().all(Value::is_object) => Ok(()),
        (Kind::Objects, _) => wrong("a list of objects"),
    }
}

/// Appends one path parameter after checking that it is a single, plain segment.
fn push_segment(url: &mut String, op: &str, name: &str, value: &Value) -> Result<()> {
    match value {
        Value::Number(n) if n.is_u64() => {
            url.push_str(&n.to_string());
            Ok(())
        }
        Value::String(s) => {
            // The value itself is not echoed: a key pasted into the wrong argument must not end
            // up in an error message or a log.
            let bad = s.chars().find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')));
            let problem = match bad {
                _ if s.is_empty() => Some("it is empty".to_owned()),
                _ if s == "." || s == ".." => Some(format!("it is {s:?}")),
                _ if s.len() > MAX_SEGMENT => Some(format!("it is {} characters long", s.len())),
                Some(c) => Some(format!("it contains {c:?}")),
                None => None,
            };
            if let Some(problem) = problem {
                return Err(Error::invalid(format!(
                    "operation `{op}`: path parameter `{name}` must be one path segment of letters, \
                     digits, '-', '_', '.' or '~' (at most {MAX_SEGMENT} characters), but {problem}"
                )));
            }
            url.push_str(s);
            Ok(())
        }
        other => Err(Error::invalid(format!(
            "operation `{op}`: path parameter `{name}` must be a string or a non-negative integer, got {}",
            type_name(other)
        ))),
    }
}

fn push_query(url: &mut String, first: &mut bool, key: &str, value: &Value) -> Result<()> {
    let mut pair = |url: &mut String, key: &str, value: &str| {
        url.push(if *first { '?' } else { '&' });
        *first = false;
        url.extend(utf8_percent_encode(key, QUERY));
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY));
    };
    match value {
        Value::Null => {}
        Value::Object(sub) => {
            // `filter: {"name": "x"}` becomes `filter[name]=x`.
            for (sub_key, sub_value) in sub {
                if let Some(text) = scalar_text(key, sub_value)? {
                    pair(url, &format!("{key}[{sub_key}]"), &text);
                }
            }
        }
        other => {
            if let Some(text) = scalar_text(key, other)? {
                pair(url, key, &text);
            }
        }
    }
    Ok(())
}

/// A query value as text: arrays (`include: ["egg", "subusers"]`) are comma-joined.
fn scalar_text(key: &str, value: &Value) -> Result<Option<String>> {
    Ok(match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        Value::Array(items) => {
            let parts = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(Error::invalid(format!(
                        "query parameter `{key}` may only list strings or numbers, got {}",
                        type_name(other)
                    ))),
                })
                .collect::<Result<Vec<_>>>()?;
            Some(parts.join(","))
        }
        Value::Object(_) => {
            return Err(Error::invalid(format!("query parameter `{key}` nests objects too deeply")))
        }
    })
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops;
    use serde_json::json;

    fn url(id: &str, params: Value) -> Result<String> {
        let Value::Object(map) = params else { panic!() };
        prepare("http://p/api/client", ops::find(id).unwrap(), map, None).map(|p| p.url)
    }

    #[test]
    fn filters_and_includes_become_query_parameters() {
        let u = url(
            "servers.list",
            json!({"filter": {"name": "Sur vival"}, "include": ["egg", "subusers"], "page": 2, "per_page": 10}),
        )
        .unwrap();
        assert_eq!(
            u,
            "http://p/api/client?filter%5Bname%5D=Sur%20vival&include=egg%2Csubusers&page=2&per_page=10"
        );
    }

    #[test]
    fn path_parameters_fill_the_template() {
        let u =
            url("server.allocations.set_primary", json!({"server": "d3aac109", "allocation": 16})).unwrap();
        assert_eq!(u, "http://p/api/client/servers/d3aac109/network/allocations/16/primary");
    }

    #[test]
    fn path_injection_is_refused() {
        for bad in ["../account", "a/b", "x?y", "x#y", "..", ".", "", "a b", "%2e%2e", "a\\b"] {
            let err = url("server.get", json!({ "server": bad })).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?} was not refused");
        }
        assert!(matches!(url("server.get", json!({"server": true})), Err(Error::InvalidInput(_))));
        assert!(matches!(
            url("server.allocations.delete", json!({"server": "a", "allocation": -1})),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn a_refused_path_parameter_is_named_but_not_echoed() {
        let err = url("server.get", json!({ "server": "ptlc_secret/value" })).unwrap_err().to_string();
        assert!(!err.contains("ptlc_secret"), "{err}");
        assert!(err.contains("`server`") && err.contains("'/'"), "{err}");
    }

    #[test]
    fn missing_path_parameter_is_invalid_input() {
        let err = url("server.get", json!({})).unwrap_err();
        assert!(err.to_string().contains("`server`"), "{err}");
    }

    #[test]
    fn body_less_operations_refuse_extra_parameters() {
        let err = url("server.allocations.assign", json!({"server": "d3aac109", "notes": "x"})).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
    }

    fn body(id: &str, params: Value) -> Result<Value> {
        let Value::Object(map) = params else { panic!() };
        match prepare("http://p/api/client", ops::find(id).unwrap(), map, None)?.body {
            Some(PreparedBody::Json(bytes)) => Ok(serde_json::from_slice(&bytes).unwrap()),
            Some(PreparedBody::Raw(bytes)) => Ok(Value::String(String::from_utf8(bytes).unwrap())),
            None => Ok(Value::Null),
        }
    }

    #[test]
    fn a_misspelt_parameter_is_refused_with_the_closest_name() {
        let err = body("server.allocations.set_notes", json!({"server": "a", "allocation": 1, "note": "x"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no parameter \"note\"") && err.contains("did you mean \"notes\"?"), "{err}");
    }

    #[test]
    fn an_unknown_power_signal_is_refused_before_sending() {
        let err = body("server.power", json!({"server": "a", "signal": "explode"})).unwrap_err().to_string();
        assert!(err.contains("\"start\", \"stop\", \"restart\", \"kill\""), "{err}");
        let err = body("server.power", json!({"server": "a", "signal": "stp"})).unwrap_err().to_string();
        assert!(err.contains("did you mean \"stop\"?"), "{err}");
    }

    #[test]
    fn a_missing_required_parameter_is_named() {
        let err = body("server.command", json!({"server": "a"})).unwrap_err().to_string();
        assert!(err.contains("needs the parameter `command`"), "{err}");
        let err = body(
            "server.schedules.update",
            json!({"server": "a", "schedule": 1, "name": "n", "minute": "*",
            "hour": "*", "day_of_month": "*", "month": "*", "day_of_week": "*", "is_active": true}),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`only_when_online`"), "a full replacement needs every field: {err}");
    }

    #[test]
    fn types_are_checked_before_sending() {
        let cron = json!({"server": "a", "name": "n", "minute": 5, "hour": "*", "day_of_month": "*",
            "month": "*", "day_of_week": "*"});
        let err = body("server.schedules.create", cron).unwrap_err().to_string();
        assert!(err.contains("`minute` must be a string, got a number"), "{err}");
        let err = body("server.backups.restore", json!({"server": "a", "backup": "b", "truncate": "yes"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`truncate` must be true or false"), "{err}");
        let err = url("servers.list", json!({"filter": {"nmae": "x"}})).unwrap_err().to_string();
        assert!(err.contains("no filter \"nmae\"") && err.contains("\"name\""), "{err}");
    }

    #[test]
    fn the_declaration_fills_in_what_it_declares() {
        // `notes` is `present|nullable`: left out, it is sent as null.
        let sent = body("server.allocations.set_notes", json!({"server": "a", "allocation": 1})).unwrap();
        assert_eq!(sent, json!({"notes": null}));
        // `password_confirmation` defaults to `password`.
        let sent =
            body("account.password.update", json!({"current_password": "old", "password": "new-password"}))
                .unwrap();
        assert_eq!(sent["password_confirmation"], "new-password");
        // An optional parameter given as null is not sent at all.
        let sent =
            body("server.settings.rename", json!({"server": "a", "name": "n", "description": null})).unwrap();
        assert_eq!(sent, json!({"name": "n"}));
    }

    #[test]
    fn raw_content_goes_in_the_body_and_the_rest_in_the_query() {
        let Value::Object(map) = json!({"server": "a", "file": "/a b.txt", "content": "hello"}) else {
            panic!()
        };
        let prepared =
            prepare("http://p/api/client", ops::find("server.files.write").unwrap(), map, None).unwrap();
        assert_eq!(prepared.url, "http://p/api/client/servers/a/files/write?file=%2Fa%20b.txt");
        assert!(matches!(prepared.body, Some(PreparedBody::Raw(ref b)) if b == b"hello"));
        let Value::Object(both) = json!({"server": "a", "file": "f", "content": "x"}) else { panic!() };
        let err =
            prepare("http://p", ops::find("server.files.write").unwrap(), both, Some(vec![1])).unwrap_err();
        assert!(err.to_string().contains("not both"), "{err}");
    }
}
