//! `ffi/src/generated.rs`: one `extern "C"` function per operation.
//!
//! Arguments, in the declaration's order: `client`, then each parameter as its C type
//! (required strings `const char *`, optional or nullable ones NULL for "not sent"/`null`,
//! integers `uint64_t`, optional integers `int64_t` with a negative value for "not sent",
//! booleans `bool`, optional booleans `int` with -1 for "not sent", lists and objects as JSON
//! text `*_json`, raw content as a pointer and a length). A paginated operation takes its query
//! parameters as one `params_json` object, as `ptero_call` does. Last, the out-parameters.

use std::fmt::Write;

use pterodactyl_client::ops::{Kind, Operation, Param, Presence, Returns};

use crate::{banner, grouped_query, kind_doc};

pub fn generate(ops: &[Operation]) -> String {
    let mut out = banner("//!");
    out.push_str(
        "//!\n\
         //! One C function per operation of the Client API, named from its id\n\
         //! (`server.allocations.set_primary` → `ptero_server_allocations_set_primary`). Each reads its\n\
         //! arguments into the operation's flat parameters (by the panel's names) and runs the core's\n\
         //! generic call, so its result is byte for byte what `ptero_call` returns for the same\n\
         //! parameters, and every check of the core (required parameters, enums, path segments)\n\
         //! applies. The rules of `ptero_call` hold for all of them: `client` and `out_json` may not\n\
         //! be NULL, the caller frees `*out_json` with `ptero_string_free` whatever the status, and\n\
         //! on failure `*out_json` is the error object.\n\n\
         #![allow(clippy::too_many_arguments)]\n\n\
         use std::ffi::{c_char, c_int};\n\n\
         use pterodactyl_client::Client;\n\
         use serde_json::{Map, Value};\n\n\
         use crate::boundary::{answer, arg, out_slot};\n\
         use crate::typed::{bytes_answer, call, call_with_content, content_arg, insert_json, params_object};\n\
         use crate::{PteroClient, PteroStatus};\n",
    );
    for op in ops {
        out.push('\n');
        function(&mut out, op);
    }
    out
}

/// The C argument(s) one parameter becomes, as Rust declarations.
fn c_args(p: &Param) -> Vec<String> {
    let optional = !p.is_required();
    match p.kind {
        Kind::Int if optional => vec![format!("{}: i64", p.name)],
        Kind::Int => vec![format!("{}: u64", p.name)],
        Kind::Bool if optional => vec![format!("{}: c_int", p.name)],
        Kind::Bool => vec![format!("{}: bool", p.name)],
        Kind::List | Kind::Objects | Kind::Filter(_) => vec![format!("{}_json: *const c_char", p.name)],
        Kind::Bytes => vec![format!("{}: *const u8", p.name), format!("{}_len: usize", p.name)],
        Kind::Str | Kind::Enum(_) | Kind::Include => vec![format!("{}: *const c_char", p.name)],
    }
}

/// How the C argument is documented.
fn c_arg_doc(p: &Param) -> String {
    let optional = !p.is_required();
    let how = match (p.kind, p.presence) {
        (Kind::Int, _) if optional => " A negative value leaves it out.".to_owned(),
        (Kind::Bool, _) if optional => " -1 leaves it out, 0 is false, 1 is true.".to_owned(),
        (Kind::List | Kind::Objects | Kind::Filter(_), _) => {
            format!(" As JSON text{}.", if optional { "; NULL leaves it out" } else { "" })
        }
        (Kind::Bytes, _) => format!(" `{0}_len` bytes at `{0}` (NULL only when the length is 0).", p.name),
        (_, Presence::Nullable) => " NULL sends `null`.".to_owned(),
        (Kind::Include, _) => " Comma-separated; NULL for none.".to_owned(),
        _ if optional => " NULL leaves it out.".to_owned(),
        _ => String::new(),
    };
    let kind = match p.kind {
        Kind::Enum(_) => format!(" ({})", kind_doc(p.kind)),
        _ => String::new(),
    };
    let name = match p.kind {
        Kind::List | Kind::Objects | Kind::Filter(_) => format!("{}_json", p.name),
        _ => p.name.to_owned(),
    };
    format!("`{name}`: {}{kind}{how}", p.doc)
}

/// The statement that puts one argument into the parameter object `p`.
fn read_arg(p: &Param) -> String {
    let n = p.name;
    let optional = !p.is_required();
    match (p.kind, p.presence) {
        (Kind::Int, _) if optional => format!("if {n} >= 0 {{\n            p.insert(\"{n}\".into(), Value::from({n}));\n        }}"),
        (Kind::Int, _) => format!("p.insert(\"{n}\".into(), Value::from({n}));"),
        (Kind::Bool, _) if optional => {
            format!("if {n} >= 0 {{\n            p.insert(\"{n}\".into(), Value::Bool({n} != 0));\n        }}")
        }
        (Kind::Bool, _) => format!("p.insert(\"{n}\".into(), Value::Bool({n}));"),
        (Kind::List | Kind::Objects | Kind::Filter(_), _) => {
            format!("let {n}_json: Value = arg!({n}_json);\n        insert_json(&mut p, \"{n}\", {n}_json);")
        }
        (Kind::Bytes, _) => String::new(),
        (_, Presence::Nullable) => {
            format!("let {n}: Option<&str> = arg!({n});\n        p.insert(\"{n}\".into(), {n}.map_or(Value::Null, Value::from));")
        }
        _ if optional => format!(
            "let {n}: Option<&str> = arg!({n});\n        if let Some(v) = {n} {{\n            p.insert(\"{n}\".into(), Value::from(v));\n        }}"
        ),
        _ => format!("let {n}: &str = arg!({n});\n        p.insert(\"{n}\".into(), Value::from({n}));"),
    }
}

fn result_doc(op: &Operation) -> String {
    match op.returns {
        Returns::Item(model) => format!("Result: the `{model}` object."),
        Returns::List(model) => format!("Result: an array of `{model}` objects."),
        Returns::Page(model) => format!(
            "Result: `{{\"data\": [{model}, ...], \"meta\": {{\"pagination\": {{...}}}}}}`; for every page at once use \
             `ptero_call_all_pages(client, \"{}\", params_json, &out)`.",
            op.id
        ),
        Returns::Nothing => "Result: `null`.".to_owned(),
        Returns::Bytes => "Result: the bytes in `*out_bytes` (`*out_len` of them; an empty file is a \
                           non-NULL pointer and 0), freed with `ptero_bytes_free`; `*out_json` is `null` on success. \
                           On failure `*out_bytes` is NULL, `*out_len` 0 and `*out_json` the error object."
            .to_owned(),
    }
}

fn function(out: &mut String, op: &Operation) {
    let name = op.c_name();
    let mut doc = vec![format!("{} (`{}`).", op.summary.trim_end_matches('.'), op.id), String::new()];
    let mut args = vec!["client: *const PteroClient".to_owned()];
    let mut reads = Vec::new();
    let mut grouped = Vec::new();
    let mut content: Option<&str> = None;
    for p in op.params {
        if grouped_query(op, p) {
            grouped.push(p);
            continue;
        }
        args.extend(c_args(p));
        doc.push(format!("- {}", c_arg_doc(p)));
        if p.kind == Kind::Bytes {
            content = Some(p.name);
        }
        reads.push(read_arg(p));
    }
    if !grouped.is_empty() {
        args.push("params_json: *const c_char".to_owned());
        let keys: Vec<String> =
            grouped.iter().map(|p| format!("`{}` ({})", p.name, kind_doc(p.kind))).collect();
        doc.push(format!(
            "- `params_json`: NULL or a JSON object of the query parameters, every key optional: {}.",
            keys.join(", ")
        ));
    }
    doc.push(String::new());
    doc.push(result_doc(op));
    if op.long_running {
        doc.push(String::new());
        doc.push("The panel may take minutes: the call waits up to 15 minutes unless the client's timeout is longer.".to_owned());
    }
    if let Some(permission) = op.permission {
        doc.push(String::new());
        doc.push(format!("A subuser needs `{permission}`."));
    }
    let bytes_out = op.returns == Returns::Bytes;
    if bytes_out {
        args.push("out_bytes: *mut *mut u8".to_owned());
        args.push("out_len: *mut usize".to_owned());
    }
    args.push("out_json: *mut *mut c_char".to_owned());

    for line in &doc {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            for (i, wrapped) in wrap(line, 94).iter().enumerate() {
                let indent = if i > 0 && line.starts_with("- ") { "  " } else { "" };
                let _ = writeln!(out, "/// {indent}{wrapped}");
            }
        }
    }
    out.push_str(
        "///\n/// # Safety\n/// As for `ptero_call`; byte pointers are NULL or valid for their length.\n",
    );
    let _ = writeln!(out, "#[no_mangle]\npub unsafe extern \"C\" fn {name}(");
    for a in &args {
        let _ = writeln!(out, "    {a},");
    }
    out.push_str(") -> PteroStatus {\n");
    out.push_str("    // SAFETY: `out_json` is NULL or writable (the caller's promise).\n");
    out.push_str("    let out = unsafe { out_slot(out_json) };\n");
    if bytes_out {
        out.push_str("    // SAFETY: as `out_json`.\n    let bytes_slot = unsafe { (out_slot(out_bytes), out_len.as_mut()) };\n");
        out.push_str("    bytes_answer(out, bytes_slot, || {\n");
    } else {
        out.push_str("    answer(out, || {\n");
    }
    out.push_str("        let client: &Client = arg!(client);\n");
    let mutable = if reads.iter().any(|r| !r.is_empty()) { "mut " } else { "" };
    if grouped.is_empty() {
        let _ = writeln!(out, "        let {mutable}p = Map::new();");
    } else {
        out.push_str("        let params_json: Value = arg!(params_json);\n");
        let _ = writeln!(out, "        let {mutable}p = params_object(params_json)?;");
    }
    for r in reads.iter().filter(|r| !r.is_empty()) {
        let _ = writeln!(out, "        {r}");
    }
    match (content, bytes_out) {
        (Some(c), _) => {
            let _ = writeln!(
                out,
                "        // SAFETY: `{c}` is NULL or valid for `{c}_len` bytes (the caller's promise)."
            );
            let _ = writeln!(out, "        let {c} = unsafe {{ content_arg({c}, {c}_len, \"{c}\") }}?;");
            let _ = writeln!(out, "        call_with_content(client, \"{}\", p, {c})", op.id);
        }
        (None, true) => {
            let _ =
                writeln!(out, "        Ok(client.call_raw(\"{}\", Value::Object(p))?.into_bytes())", op.id);
        }
        (None, false) => {
            let _ = writeln!(out, "        call(client, \"{}\", Value::Object(p))", op.id);
        }
    }
    out.push_str("    })\n}\n");
}

/// Splits a doc line into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}
