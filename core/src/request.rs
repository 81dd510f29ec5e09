//! Turns an operation and its flat parameter object into a URL and a body.
//!
//! This is where a parameter's place is decided, once for every surface: path parameters by the
//! names in the path template, then the query string or the body according to the operation's
//! [`Body`]. A path parameter is always exactly one path segment: anything that could change the
//! route (`/`, `?`, `#`, `..`, `%`, spaces, ...) is refused before a request is made.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::ops::{Body, Operation};

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
    Raw(String),
}

/// Builds the URL (`base` ends with `/api/client`) and body of one call.
pub(crate) fn prepare(base: &str, op: &Operation, mut params: Map<String, Value>) -> Result<Prepared> {
    let mut url = String::with_capacity(base.len() + op.path.len() + 32);
    url.push_str(base);
    for (i, piece) in op.path.split('/').enumerate() {
        if i == 0 {
            continue; // the template starts with '/'
        }
        url.push('/');
        if let Some(name) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            let value = params.remove(name).ok_or_else(|| {
                Error::invalid(format!("operation `{}` needs the path parameter `{name}`", op.id))
            })?;
            push_segment(&mut url, op.id, name, &value)?;
        } else {
            url.push_str(piece);
        }
    }
    if op.path == "/" {
        url.pop(); // `/api/client` itself, not `/api/client/`
    }

    let body = match op.body {
        Body::Query => {
            push_query(&mut url, params.iter())?;
            None
        }
        Body::None => {
            if let Some(extra) = params.keys().next() {
                return Err(Error::invalid(format!(
                    "operation `{}` takes no parameter `{extra}` (it sends no body)",
                    op.id
                )));
            }
            None
        }
        Body::Json => {
            let bytes = serde_json::to_vec(&Value::Object(params))
                .map_err(|e| Error::invalid(format!("could not encode the request body: {e}")))?;
            Some(PreparedBody::Json(bytes))
        }
        Body::Raw { query } => {
            let content = match params.remove("content") {
                Some(Value::String(s)) => s,
                Some(Value::Null) | None => String::new(),
                Some(_) => {
                    return Err(Error::invalid(format!(
                        "operation `{}`: parameter `content` must be a string",
                        op.id
                    )))
                }
            };
            if let Some(extra) = params.keys().find(|k| !query.contains(&k.as_str())) {
                return Err(Error::invalid(format!("operation `{}` takes no parameter `{extra}`", op.id)));
            }
            push_query(&mut url, params.iter())?;
            Some(PreparedBody::Raw(content))
        }
    };
    Ok(Prepared { url, body })
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

fn push_query<'a>(url: &mut String, params: impl Iterator<Item = (&'a String, &'a Value)>) -> Result<()> {
    let mut first = true;
    let mut pair = |url: &mut String, key: &str, value: &str| {
        url.push(if first { '?' } else { '&' });
        first = false;
        url.extend(utf8_percent_encode(key, QUERY));
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY));
    };
    for (key, value) in params {
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
        prepare("http://p/api/client", ops::find(id).unwrap(), map).map(|p| p.url)
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
}
