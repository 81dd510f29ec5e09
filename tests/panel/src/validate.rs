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

    /// Validates `field` against pipe-delimited `rules`.
    pub fn rules(&mut self, field: &str, rules: &str) -> &mut Self {
        let list: Vec<&str> = split_rules(rules);
        self.check(field, &list);
        self
    }

    /// Validates `field` against rules given one by one (for rules that contain `|`).
    pub fn rule_list(&mut self, field: &str, rules: &[&str]) -> &mut Self {
        self.check(field, rules);
        self
    }

    pub fn passes(&self) -> bool {
        self.errors.is_empty()
    }

    fn check(&mut self, field: &str, rules: &[&str]) {
        let present = self.input.contains_key(field);
        let value = self.input.get(field).unwrap_or(&Value::Null);
        let names: Vec<&str> = rules.iter().map(|r| rule_name(r)).collect();
        let nullable = names.contains(&"nullable");
        let numeric = names.iter().any(|n| matches!(*n, "numeric" | "integer"));

        for rule in rules {
            let (name, param) = match rule.split_once(':') {
                Some((n, p)) => (n, p),
                None => (*rule, ""),
            };
            let implicit = IMPLICIT.contains(&name);
            // Laravel: non-implicit rules only run on present attributes, and not at all on
            // a null attribute marked `nullable`.
            if !implicit && (!present || (nullable && value.is_null())) {
                continue;
            }
            let failed = match name {
                "required" => is_empty(value),
                "present" => !present,
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

/// `Validator::getSize`.
fn size_of(value: &Value, numeric: bool) -> f64 {
    match value {
        Value::Number(n) if numeric => n.as_f64().unwrap_or(0.0),
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
    let kind = if numeric && value.is_number() {
        "numeric"
    } else if value.is_array() || value.is_object() {
        "array"
    } else {
        "string"
    };
    match (rule, kind) {
        ("required", _) => format!("The {a} field is required."),
        ("present", _) => format!("The {a} field must be present."),
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
