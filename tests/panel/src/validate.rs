//! A small reproduction of Laravel's validator for the rules the fake needs, with the
//! panel's own messages (`resources/lang/en/validation.php`) and its 422 error shape.

use crate::model::{ErrorItem, ErrorMeta};
use serde_json::{Map, Value};

/// Rules after which Laravel stops validating an attribute when they fail.
const IMPLICIT: [&str; 2] = ["required", "present"];

pub struct Validator<'a> {
    input: &'a Map<String, Value>,
    pub errors: Vec<ErrorItem>,
}

impl<'a> Validator<'a> {
    pub fn new(input: &'a Map<String, Value>) -> Self {
        Validator { input, errors: Vec::new() }
    }

    /// Validates `field` against pipe-delimited `rules`. A `*` segment (`files.*.from`) is
    /// expanded against the input, as Laravel does; dotted fields look into arrays and objects.
    pub fn rules(&mut self, field: &str, rules: &str) -> &mut Self {
        let list: Vec<&str> = split_rules(rules);
        if field.contains('*') {
            for concrete in expand(self.input, field) {
                self.check(&concrete, &list);
            }
        } else {
            self.check(field, &list);
        }
        self
    }

    /// Validates `field` against rules given one by one (for rules that contain `|`).
    pub fn rule_list(&mut self, field: &str, rules: &[&str]) -> &mut Self {
        self.check(field, rules);
        self
    }

    /// Adds an error from an `after` hook (the panel's `$validator->errors()->add(...)`), whose
    /// `meta.rule` is null because no rule failed.
    pub fn after_error(&mut self, field: &str, detail: impl Into<String>) -> &mut Self {
        self.errors.push(ErrorItem {
            code: "ValidationException".into(),
            status: "422".into(),
            detail: detail.into(),
            meta: Some(ErrorMeta { source_field: field.to_string(), rule: None }),
        });
        self
    }

    /// Adds a failed rule with a custom message (`messages()` in a form request).
    pub fn rule_error(&mut self, field: &str, rule: &str, detail: impl Into<String>) -> &mut Self {
        self.errors.push(ErrorItem {
            code: "ValidationException".into(),
            status: "422".into(),
            detail: detail.into(),
            meta: Some(ErrorMeta { source_field: field.to_string(), rule: Some(rule.to_string()) }),
        });
        self
    }

    pub fn passes(&self) -> bool {
        self.errors.is_empty()
    }

    fn check(&mut self, field: &str, rules: &[&str]) {
        let found = lookup(self.input, field);
        let present = found.is_some();
        let value = found.unwrap_or(&Value::Null);
        let names: Vec<&str> = rules.iter().map(|r| rule_name(r)).collect();
        let nullable = names.contains(&"nullable");
        let numeric = names.iter().any(|n| matches!(*n, "numeric" | "integer"));
        // `sometimes`: no rule runs on an absent attribute.
        if names.contains(&"sometimes") && !present {
            return;
        }

        for rule in rules {
            let (name, param) = match rule.split_once(':') {
                Some((n, p)) => (n, p),
                None => (*rule, ""),
            };
            // `required_unless:other,values...` and `filled` are implicit like `required`.
            let implicit = IMPLICIT.contains(&name) || matches!(name, "required_unless" | "filled");
            // Laravel: non-implicit rules only run on present attributes, and not at all on
            // a null attribute marked `nullable`.
            if !implicit && (!present || (nullable && value.is_null())) {
                continue;
            }
            let failed = match name {
                "required" => is_empty(value),
                "present" => !present,
                "required_unless" => {
                    let mut params = param.split(',');
                    let other = params.next().unwrap_or("");
                    let other_value = lookup(self.input, other).and_then(scalar_string);
                    let exempt = other_value.is_some_and(|o| params.any(|p| p == o));
                    !exempt && is_empty(value)
                }
                "filled" => present && is_empty(value),
                "boolean" => {
                    !matches!(value, Value::Bool(_))
                        && !matches!(value.as_i64(), Some(0 | 1))
                        && !matches!(value.as_str(), Some("0" | "1"))
                }
                "numeric" => !is_numeric(value),
                "array" => !(value.is_array() || value.is_object()),
                "url" => !value.as_str().is_some_and(is_url),
                "size" => size_of(value, numeric) != param.parse::<f64>().unwrap_or(0.0),
                "between" => {
                    let (lo, hi) = param.split_once(',').unwrap_or((param, param));
                    let size = size_of(value, numeric);
                    size < lo.parse().unwrap_or(0.0) || size > hi.parse().unwrap_or(0.0)
                }
                "email" => !value.as_str().is_some_and(is_email),
                "alpha_dash" => !is_alpha_dash(value),
                "confirmed" => {
                    let other = lookup(self.input, &format!("{field}_confirmation"));
                    other != Some(value)
                }
                "nullable" | "sometimes" | "bail" => false,
                "string" => !value.is_string(),
                "min" | "max" => {
                    let limit: f64 = param.parse().unwrap_or(0.0);
                    let size = size_of(value, numeric);
                    if name == "min" {
                        size < limit
                    } else {
                        size > limit
                    }
                }
                "in" => match scalar_string(value) {
                    Some(s) => !param.split(',').any(|p| p == s),
                    None => true,
                },
                "regex" => match scalar_string(value) {
                    Some(s) => !regex_matches(param, &s),
                    None => true,
                },
                _ => false,
            };
            if failed {
                let message = message(name, param, field, value, numeric);
                self.errors.push(ErrorItem {
                    code: "ValidationException".into(),
                    status: "422".into(),
                    detail: message,
                    meta: Some(ErrorMeta { source_field: field.to_string(), rule: Some(name.to_string()) }),
                });
                if implicit {
                    break;
                }
            }
        }
    }
}

fn split_rules(rules: &str) -> Vec<&str> {
    // A `regex:` rule swallows the rest, as long as it is the last one (true for the seed).
    let mut out = Vec::new();
    let mut rest = rules;
    while !rest.is_empty() {
        if rest.starts_with("regex:") {
            out.push(rest);
            break;
        }
        match rest.split_once('|') {
            Some((head, tail)) => {
                out.push(head);
                rest = tail;
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

fn rule_name(rule: &str) -> &str {
    rule.split_once(':').map(|(n, _)| n).unwrap_or(rule)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// PHP's `(string) $value` for scalars; arrays have no string form.
fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some("1".into()),
        Value::Bool(false) => Some(String::new()),
        _ => None,
    }
}

/// A value at a dotted path (`files.0.from`): array indices and object keys.
fn lookup<'v>(input: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
    if let Some(v) = input.get(field) {
        return Some(v);
    }
    let mut parts = field.split('.');
    let mut current = input.get(parts.next()?)?;
    for part in parts {
        current = match current {
            Value::Object(o) => o.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Laravel's wildcard expansion: `files.*.from` → `files.0.from`, `files.1.from`, ... for every
/// element that exists (an absent or scalar parent expands to nothing).
fn expand(input: &Map<String, Value>, pattern: &str) -> Vec<String> {
    let Some((head, tail)) = pattern.split_once(".*") else { return vec![pattern.to_string()] };
    let keys: Vec<String> = match lookup(input, head) {
        Some(Value::Array(a)) => (0..a.len()).map(|i| i.to_string()).collect(),
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    };
    keys.into_iter().flat_map(|k| expand(input, &format!("{head}.{k}{tail}"))).collect()
}

/// PHP's `is_numeric`: numbers and numeric strings (surrounding whitespace allowed).
fn is_numeric(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(s) => {
            let t = s.trim();
            !t.is_empty()
                && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
                && t.parse::<f64>().is_ok_and(f64::is_finite)
        }
        _ => false,
    }
}

/// Laravel's `url` rule, reduced: `scheme://host[...]` without whitespace.
fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && !host.is_empty() && !s.chars().any(char::is_whitespace)
}

/// `Validator::getSize`.
fn size_of(value: &Value, numeric: bool) -> f64 {
    match value {
        Value::Number(n) if numeric => n.as_f64().unwrap_or(0.0),
        Value::String(s) if numeric && is_numeric(value) => s.trim().parse().unwrap_or(0.0),
        Value::Array(a) => a.len() as f64,
        Value::Object(o) => o.len() as f64,
        other => scalar_string(other).map(|s| s.chars().count() as f64).unwrap_or(0.0),
    }
}

/// `Validator::getDisplayableAttribute`: underscores become spaces.
fn display(field: &str) -> String {
    field.replace('_', " ")
}

fn message(rule: &str, param: &str, field: &str, value: &Value, numeric: bool) -> String {
    let a = display(field);
    let kind = if numeric && is_numeric(value) {
        "numeric"
    } else if value.is_array() || value.is_object() {
        "array"
    } else {
        "string"
    };
    match (rule, kind) {
        ("required", _) => format!("The {a} field is required."),
        ("present", _) => format!("The {a} field must be present."),
        ("filled", _) => format!("The {a} field is required."),
        ("required_unless", _) => {
            let mut params = param.split(',');
            let other = display(params.next().unwrap_or(""));
            let values: Vec<&str> = params.collect();
            format!("The {a} field is required unless {other} is in {}.", values.join(", "))
        }
        ("boolean", _) => format!("The {a} field must be true or false."),
        ("numeric", _) => format!("The {a} must be a number."),
        ("array", _) => format!("The {a} must be an array."),
        ("url", _) => format!("The {a} format is invalid."),
        ("size", "numeric") => format!("The {a} must be {param}."),
        ("size", "array") => format!("The {a} must contain {param} items."),
        ("size", _) => format!("The {a} must be {param} characters."),
        ("between", _) => {
            let (lo, hi) = param.split_once(',').unwrap_or((param, param));
            match kind {
                "numeric" => format!("The {a} must be between {lo} and {hi}."),
                "array" => format!("The {a} must have between {lo} and {hi} items."),
                _ => format!("The {a} must be between {lo} and {hi} characters."),
            }
        }
        ("email", _) => format!("The {a} must be a valid email address."),
        ("alpha_dash", _) => format!("The {a} may only contain letters, numbers, and dashes."),
        ("confirmed", _) => format!("The {a} confirmation does not match."),
        ("string", _) => format!("The {a} must be a string."),
        ("in", _) => format!("The selected {a} is invalid."),
        ("regex", _) => format!("The {a} format is invalid."),
        ("min", "numeric") => format!("The {a} must be at least {param}."),
        ("min", "array") => format!("The {a} must have at least {param} items."),
        ("min", _) => format!("The {a} must be at least {param} characters."),
        ("max", "numeric") => format!("The {a} may not be greater than {param}."),
        ("max", "array") => format!("The {a} may not have more than {param} items."),
        ("max", _) => format!("The {a} may not be greater than {param} characters."),
        _ => format!("The {a} is invalid."),
    }
}

/// The fake has no regex engine; it knows the patterns it seeds. Unknown patterns pass.
fn regex_matches(pattern: &str, value: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match pattern {
        // SERVER_JARFILE: /^([\w\d._-]+)(\.jar)$/
        r"/^([\w\d._-]+)(\.jar)$/" => match value.strip_suffix(".jar") {
            Some(stem) => !stem.is_empty() && stem.chars().all(|c| word(c) || c == '.' || c == '-'),
            None => false,
        },
        // SetDockerImageRequest: /^[\w#\.\/\- ]*\|?~?[\w\.\/\-:@ ]*$/
        // Database `remote`: /^[\w\-\/.%:]+$/
        DATABASE_REMOTE_REGEX => {
            !value.is_empty() && value.chars().all(|c| word(c) || matches!(c, '-' | '/' | '.' | '%' | ':'))
        }
        DOCKER_IMAGE_REGEX => {
            let head = |c: char| word(c) || matches!(c, '#' | '.' | '/' | '-' | ' ');
            let tail = |c: char| word(c) || matches!(c, '.' | '/' | '-' | ':' | '@' | ' ');
            let rest = value.trim_start_matches(head);
            let rest = rest.strip_prefix('|').unwrap_or(rest);
            let rest = rest.strip_prefix('~').unwrap_or(rest);
            rest.chars().all(tail)
        }
        _ => true,
    }
}

pub const DATABASE_REMOTE_REGEX: &str = r"/^[\w\-\/.%:]+$/";

/// Laravel's `email` rule (RFC validation), reduced: `local@domain` without whitespace, a
/// dot-atom local part and a domain of letters, digits, dashes and dots (or an `[ip]` literal).
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let atom = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty() && local.split('.').all(|p| !p.is_empty() && p.chars().all(atom));
    let domain_ok = if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        ip.trim_start_matches("IPv6:").parse::<std::net::IpAddr>().is_ok()
    } else {
        !domain.is_empty()
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
    };
    local_ok && domain_ok
}

/// `alpha_dash`: a string or number of letters, digits, `_` and `-` (`/\A[\pL\pM\pN_-]+\z/u`).
fn is_alpha_dash(value: &Value) -> bool {
    let s = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return false,
    };
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

pub const DOCKER_IMAGE_REGEX: &str = r"/^[\w#\.\/\- ]*\|?~?[\w\.\/\-:@ ]*$/";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(input: Value, field: &str, rules: &str) -> Vec<(String, String)> {
        let map = input.as_object().unwrap().clone();
        let mut v = Validator::new(&map);
        v.rules(field, rules);
        v.errors.iter().map(|e| (e.detail.clone(), e.meta.as_ref().unwrap().rule.clone().unwrap())).collect()
    }

    #[test]
    fn required_stops_further_rules() {
        let errs = run(json!({}), "command", "required|string|min:1");
        assert_eq!(errs, vec![("The command field is required.".into(), "required".into())]);
    }

    #[test]
    fn nullable_skips_type_rules_for_null() {
        assert!(run(json!({"notes": null}), "notes", "nullable|string|max:256|present").is_empty());
        let errs = run(json!({}), "notes", "nullable|string|max:256|present");
        assert_eq!(errs[0].1, "present");
    }

    #[test]
    fn jar_regex_is_reproduced() {
        let rules = r"required|regex:/^([\w\d._-]+)(\.jar)$/";
        assert!(run(json!({"value": "paper-1.20.jar"}), "value", rules).is_empty());
        assert_eq!(run(json!({"value": "paper.zip"}), "value", rules)[0].1, "regex");
        assert_eq!(run(json!({"value": ".jar"}), "value", rules)[0].1, "regex");
    }

    #[test]
    fn max_counts_characters() {
        let errs = run(json!({"value": "x".repeat(21)}), "value", "nullable|string|max:20");
        assert_eq!(errs[0].0, "The value may not be greater than 20 characters.");
    }
}
