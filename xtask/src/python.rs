//! `python/pterodactyl/_api.py`: every typed Python method.
//!
//! The methods sit on two mixins, `_ClientOps` (what hangs off the client) and `_ServerOps`
//! (what hangs off a server handle), and on one class per group of the id (`Files`, `Tasks`,
//! named like the Rust handles), reached through properties (`srv.files`). Path parameters after
//! the server and required parameters come first, positionally; optional ones are keywords.
//! Every method only gathers its arguments into the flat parameter dict of its operation: the
//! checks, retries and shaping happen once, in the Rust core.
//!
//! Every class also has an async twin, made from the same description (`AsyncFiles`,
//! `_AsyncServerOps`, ...): the same names and parameters, `async def` methods that await the
//! native async calls, and `iter` answering an async iterator. `AsyncClient` and
//! `AsyncServerHandle` (in `_async_client`) build on the async mixins.

use std::collections::BTreeMap;
use std::fmt::Write;

use pterodactyl_client::ops::{Kind, Operation, Param, Place, Presence, Returns};

use crate::c::wrap;
use crate::{banner, is_server, rust_parts};

/// Groups that also carry hand-written methods (the transfers of `srv.files`, ...): the generated
/// class inherits `<Class>Extras` from `python/pterodactyl/_extras.py`.
const EXTENDED: &[&str] = &["Files", "Backups"];

/// Which twin a class is generated as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Blocking,
    Async,
}

impl Flavor {
    /// The generated class's name: `Files` or `AsyncFiles`, `_ServerOps` or `_AsyncServerOps`.
    fn name(self, class: &str) -> String {
        match (self, class.strip_prefix('_')) {
            (Flavor::Blocking, _) => class.to_owned(),
            (Flavor::Async, Some(mixin)) => format!("_Async{mixin}"),
            (Flavor::Async, None) => format!("Async{class}"),
        }
    }

    /// `def` or `async def`.
    fn def(self) -> &'static str {
        match self {
            Flavor::Blocking => "def",
            Flavor::Async => "async def",
        }
    }

    /// What a call through the owner is prefixed with.
    fn wait(self) -> &'static str {
        match self {
            Flavor::Blocking => "",
            Flavor::Async => "await ",
        }
    }
}

/// A class of the generated module: its methods and the groups it leads to.
#[derive(Default)]
struct Class<'a> {
    methods: Vec<&'a Operation>,
    /// attribute name → class name
    groups: BTreeMap<String, String>,
}

pub fn generate(ops: &[Operation]) -> String {
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    for op in ops {
        let root = if op.on_server() { "_ServerOps" } else { "_ClientOps" };
        let chain: Vec<&str> = op.method_path().split('.').collect();
        let (group_type, _) = rust_parts(op);
        let mut owner = root.to_owned();
        for (i, attr) in chain[..chain.len() - 1].iter().enumerate() {
            // The last group is the Rust handle's type; the ones above it are named the same way.
            let known = classes.get(&owner).and_then(|c| c.groups.get(*attr)).cloned();
            let class = known.unwrap_or_else(|| {
                if i == chain.len() - 2 {
                    group_type.to_owned()
                } else {
                    crate::camel(attr)
                }
            });
            classes.entry(owner.clone()).or_default().groups.insert((*attr).to_owned(), class.clone());
            owner = class;
        }
        classes.entry(owner).or_default().methods.push(op);
    }

    let mut out = banner("#");
    out.push_str(
        "\"\"\"The typed methods of every operation, derived from the core's operations table.\n\n\
         Each method gathers its arguments into the operation's flat parameter dict (by the panel's\n\
         names) and hands it to the native generic call: checks, retries and shaping happen once, in\n\
         the Rust core. ``Client`` and ``ServerHandle`` (in ``_client``) build on the two mixins.\n\
         \"\"\"\n\n\
         from __future__ import annotations\n\n\
         import builtins\n\
         from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping, Sequence\n\
         from typing import Any, Literal, Protocol\n\n\
         from . import types as t\n\
         from ._extras import BackupsExtras, FilesExtras\n\
         from ._util import include_list, str_list, text_of\n\n\n\
         class _Owner(Protocol):\n\
         \x20   \"\"\"What a group calls through: the client, or a server handle (which adds ``server``).\"\"\"\n\n\
         \x20   def _call(self, op_id: str, params: dict[str, Any]) -> Any: ...\n\
         \x20   def _iter(self, op_id: str, params: dict[str, Any]) -> Iterator[Any]: ...\n\
         \x20   def _call_bytes(self, op_id: str, params: dict[str, Any]) -> bytes: ...\n\
         \x20   def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Any: ...\n\n\n\
         class _AsyncOwner(Protocol):\n\
         \x20   \"\"\"What an async group calls through: the async client, or an async server handle.\"\"\"\n\n\
         \x20   def _call(self, op_id: str, params: dict[str, Any]) -> Awaitable[Any]: ...\n\
         \x20   def _iter(self, op_id: str, params: dict[str, Any]) -> AsyncIterator[Any]: ...\n\
         \x20   def _call_bytes(self, op_id: str, params: dict[str, Any]) -> Awaitable[bytes]: ...\n\
         \x20   def _call_content(self, op_id: str, params: dict[str, Any], content: bytes | str) -> Awaitable[Any]: ...\n\n\n\
         class _Group:\n\
         \x20   \"\"\"One group of operations (``srv.files``): holds what it calls through.\"\"\"\n\n\
         \x20   __slots__ = (\"_owner\",)\n\n\
         \x20   def __init__(self, owner: _Owner) -> None:\n\
         \x20       self._owner = owner\n\n\
         \x20   def __repr__(self) -> str:\n\
         \x20       return f\"<pterodactyl.{type(self).__name__} of {self._owner!r}>\"\n\n\n\
         class _AsyncGroup:\n\
         \x20   \"\"\"One group of async operations (``srv.files`` of an ``AsyncServerHandle``).\"\"\"\n\n\
         \x20   __slots__ = (\"_owner\",)\n\n\
         \x20   def __init__(self, owner: _AsyncOwner) -> None:\n\
         \x20       self._owner = owner\n\n\
         \x20   def __repr__(self) -> str:\n\
         \x20       return f\"<pterodactyl.{type(self).__name__} of {self._owner!r}>\"\n",
    );
    // Groups first (so that the mixins' annotations read top-down), then the two mixins.
    let mut names: Vec<&String> = classes.keys().filter(|k| !k.starts_with('_')).collect();
    names.sort();
    for flavor in [Flavor::Blocking, Flavor::Async] {
        for name in &names {
            class(&mut out, name, &classes[*name], false, flavor);
        }
        for mixin in ["_ClientOps", "_ServerOps"] {
            if let Some(c) = classes.get(mixin) {
                class(&mut out, mixin, c, true, flavor);
            }
        }
    }
    let mut exported: Vec<String> =
        names.iter().flat_map(|name| [Flavor::Blocking.name(name), Flavor::Async.name(name)]).collect();
    exported.sort_unstable();
    out.push_str("\n\n__all__ = [\n");
    for name in exported {
        let _ = writeln!(out, "    \"{name}\",");
    }
    out.push_str("]\n");
    out
}

fn class(out: &mut String, name: &str, c: &Class, mixin: bool, flavor: Flavor) {
    out.push_str("\n\n");
    let class_name = flavor.name(name);
    if mixin {
        let what = match (name, flavor) {
            ("_ClientOps", Flavor::Blocking) => "the client",
            ("_ClientOps", Flavor::Async) => "the async client",
            (_, Flavor::Blocking) => "a server handle",
            (_, Flavor::Async) => "an async server handle",
        };
        let _ = writeln!(out, "class {class_name}:");
        let _ = writeln!(out, "    \"\"\"The operations that hang off {what}.\"\"\"\n");
        out.push_str("    __slots__ = ()\n");
        // What the groups call through: `Client` and `ServerHandle` (and their async twins)
        // define these.
        let owner_calls = match flavor {
            Flavor::Blocking => [
                ("_call", "params: dict[str, Any]", "Any"),
                ("_iter", "params: dict[str, Any]", "Iterator[Any]"),
                ("_call_bytes", "params: dict[str, Any]", "bytes"),
                ("_call_content", "params: dict[str, Any], content: bytes | str", "Any"),
            ],
            Flavor::Async => [
                ("_call", "params: dict[str, Any]", "Awaitable[Any]"),
                ("_iter", "params: dict[str, Any]", "AsyncIterator[Any]"),
                ("_call_bytes", "params: dict[str, Any]", "Awaitable[bytes]"),
                ("_call_content", "params: dict[str, Any], content: bytes | str", "Awaitable[Any]"),
            ],
        };
        for (name, params, ret) in owner_calls {
            let _ = writeln!(
                out,
                "\n    def {name}(self, op_id: str, {params}) -> {ret}:\n        raise NotImplementedError"
            );
        }
    } else {
        let ids: Vec<String> = c.methods.iter().map(|o| format!("``{}``", o.id)).collect();
        // The hand-written extras (transfers) are blocking only.
        match flavor {
            Flavor::Blocking if EXTENDED.contains(&name) => {
                let _ = writeln!(out, "class {name}(_Group, {name}Extras):");
            }
            Flavor::Blocking => {
                let _ = writeln!(out, "class {name}(_Group):");
            }
            Flavor::Async => {
                let _ = writeln!(out, "class {class_name}(_AsyncGroup):");
            }
        }
        let summary = match (ids.is_empty(), flavor) {
            (true, _) => format!(
                "The groups of operations under ``{}``.",
                c.groups.keys().cloned().collect::<Vec<_>>().join("``, ``")
            ),
            (false, Flavor::Blocking) => format!("Operations {}.", ids.join(", ")),
            (false, Flavor::Async) => format!("Operations {}, awaited.", ids.join(", ")),
        };
        let lines = wrap(&summary, 100);
        for (i, line) in lines.iter().enumerate() {
            let open = if i == 0 { "\"\"\"" } else { "" };
            let close = if lines.len() == 1 { "\"\"\"" } else { "" };
            let _ = writeln!(out, "    {open}{line}{close}");
        }
        if lines.len() > 1 {
            out.push_str("    \"\"\"\n");
        }
        out.push_str("\n    __slots__ = ()\n");
    }
    let owner = if mixin { "self" } else { "self._owner" };
    for (attr, class) in &c.groups {
        let class = flavor.name(class);
        let _ = writeln!(out, "\n    @property\n    def {attr}(self) -> {class}:");
        let _ = writeln!(out, "        \"\"\"{}.\"\"\"", group_doc(&class));
        let _ = writeln!(out, "        return {class}({owner})");
    }
    for op in &c.methods {
        method(out, op, owner, false, flavor);
        if op.paginated {
            method(out, op, owner, true, flavor);
        }
        if op.returns == Returns::Bytes {
            text_method(out, op, flavor);
        }
    }
}

fn group_doc(class: &str) -> String {
    format!("The ``{class}`` operations")
}

/// A parameter's annotation.
fn py_type(p: &Param) -> String {
    let base = match p.kind {
        Kind::Str => "str".to_owned(),
        Kind::Int => "int".to_owned(),
        Kind::Bool => "bool".to_owned(),
        Kind::Enum(values) => {
            format!("Literal[{}]", values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", "))
        }
        Kind::List => "str | Sequence[str]".to_owned(),
        Kind::Include => "str | Sequence[str]".to_owned(),
        Kind::Filter(_) => "Mapping[str, str]".to_owned(),
        Kind::Objects => "Sequence[Mapping[str, Any]]".to_owned(),
        Kind::Bytes => "bytes | str".to_owned(),
    };
    if p.is_required() {
        base
    } else {
        format!("{base} | None")
    }
}

/// The expression that turns the argument into what the native call takes.
fn py_value(p: &Param) -> String {
    let n = p.name;
    match p.kind {
        Kind::List => format!("str_list({n})"),
        Kind::Include => format!("include_list({n})"),
        Kind::Filter(_) => format!("None if {n} is None else dict({n})"),
        Kind::Objects => format!("None if {n} is None else [dict(o) for o in {n}]"),
        _ => n.to_owned(),
    }
}

fn returns(op: &Operation, iter: bool, flavor: Flavor) -> String {
    match op.returns {
        Returns::Item(m) => format!("t.{m}"),
        Returns::List(m) => format!("builtins.list[t.{m}]"),
        Returns::Page(m) if iter && flavor == Flavor::Async => format!("AsyncIterator[t.{m}]"),
        Returns::Page(m) if iter => format!("Iterator[t.{m}]"),
        Returns::Page(m) => format!("t.{m}Page"),
        Returns::Nothing => "None".to_owned(),
        Returns::Bytes => "bytes".to_owned(),
    }
}

fn method(out: &mut String, op: &Operation, owner: &str, iter: bool, flavor: Flavor) {
    let leaf = op.method_path().rsplit('.').next().unwrap_or(op.id);
    let name = if iter { "iter" } else { leaf };
    // Required (and path) parameters first, positionally; nullable ones may follow positionally
    // with a default of None; the rest are keyword-only.
    let given: Vec<&Param> = op.params.iter().filter(|p| !is_server(p)).collect();
    let required: Vec<&&Param> = given.iter().filter(|p| p.is_required()).collect();
    let nullable: Vec<&&Param> =
        given.iter().filter(|p| !p.is_required() && p.presence == Presence::Nullable).collect();
    let keywords: Vec<&&Param> =
        given.iter().filter(|p| !p.is_required() && p.presence != Presence::Nullable).collect();
    let mut sig = vec!["self".to_owned()];
    sig.extend(required.iter().map(|p| format!("{}: {}", p.name, py_type(p))));
    sig.extend(nullable.iter().map(|p| format!("{}: {} = None", p.name, py_type(p))));
    if !keywords.is_empty() {
        sig.push("*".to_owned());
        sig.extend(keywords.iter().map(|p| format!("{}: {} = None", p.name, py_type(p))));
    }
    let ret = returns(op, iter, flavor);
    // `iter` hands out the (async) iterator itself: it is never awaited.
    let def = if iter { "def" } else { flavor.def() };
    let head = format!("    {def} {name}({}) -> {ret}:", sig.join(", "));
    out.push('\n');
    if head.len() <= 110 {
        let _ = writeln!(out, "{head}");
    } else {
        let _ = writeln!(out, "    {def} {name}(");
        for s in &sig {
            let _ = writeln!(out, "        {s},");
        }
        let _ = writeln!(out, "    ) -> {ret}:");
    }
    // Docstring.
    let summary = if iter {
        format!(
            "Every item of ``{}`` on every page, fetched lazily, with the same parameters on every page (``page`` sets the first one).",
            op.id
        )
    } else {
        format!("{} (``{}``).", op.summary.trim_end_matches('.').replace('`', "``"), op.id)
    };
    let mut doc: Vec<String> = wrap(&summary, 96);
    let documented: Vec<&&Param> = required.iter().chain(&nullable).chain(&keywords).copied().collect();
    if !documented.is_empty() {
        doc.push(String::new());
        for p in documented {
            let text = format!(":param {}: {}", p.name, p.doc.replace('`', "``"));
            for (i, line) in wrap(&text, 96).iter().enumerate() {
                doc.push(if i == 0 { line.clone() } else { format!("    {line}") });
            }
        }
    }
    let _ = writeln!(out, "        \"\"\"{}", doc[0]);
    for line in &doc[1..] {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "        {line}");
        }
    }
    if doc.len() > 1 {
        out.push_str("        \"\"\"\n");
    } else {
        // Close on the same line.
        out.pop();
        out.push_str("\"\"\"\n");
    }
    // Body.
    let content = op.params.iter().find(|p| p.place == Place::Content);
    let entries: Vec<String> = given
        .iter()
        .filter(|p| p.place != Place::Content)
        .map(|p| format!("\"{}\": {}", p.name, py_value(p)))
        .collect();
    let params = format!("{{{}}}", entries.join(", "));
    let (func, mut args) = if iter {
        ("_iter", vec![format!("\"{}\"", op.id), params])
    } else if let Some(c) = content {
        ("_call_content", vec![format!("\"{}\"", op.id), params, c.name.to_owned()])
    } else if op.returns == Returns::Bytes {
        ("_call_bytes", vec![format!("\"{}\"", op.id), params])
    } else {
        ("_call", vec![format!("\"{}\"", op.id), params])
    };
    let wait = if iter { "" } else { flavor.wait() };
    let lead = if op.returns == Returns::Nothing && !iter {
        wait.to_owned()
    } else if ret == "bytes" || ret.starts_with("Iterator") || ret.starts_with("AsyncIterator") {
        format!("return {wait}")
    } else {
        // The native call is typed `Any`; the annotation says what the panel answers.
        format!("result: {ret} = {wait}")
    };
    let one_line = format!("        {lead}{owner}.{func}({})", args.join(", "));
    if one_line.len() <= 110 {
        let _ = writeln!(out, "{one_line}");
    } else {
        let _ = writeln!(out, "        {lead}{owner}.{func}(");
        if args[1].len() + 12 > 110 {
            args[1] = format!(
                "{{\n{}            }}",
                entries.iter().map(|e| format!("                {e},\n")).collect::<String>()
            );
        }
        for a in &args {
            let _ = writeln!(out, "            {a},");
        }
        out.push_str("        )\n");
    }
    if lead.starts_with("result") {
        out.push_str("        return result\n");
    }
}

/// `contents_text`: the bytes of a raw answer as UTF-8 text.
fn text_method(out: &mut String, op: &Operation, flavor: Flavor) {
    let leaf = op.method_path().rsplit('.').next().unwrap_or(op.id);
    let path: Vec<&Param> = op.params.iter().filter(|p| !is_server(p) && p.is_required()).collect();
    let sig: Vec<String> = path.iter().map(|p| format!("{}: {}", p.name, py_type(p))).collect();
    let args: Vec<&str> = path.iter().map(|p| p.name).collect();
    let _ = writeln!(
        out,
        "\n    {} {leaf}_text(self, {}) -> str:\n        \"\"\"Like :meth:`{leaf}`, decoded as UTF-8 text (:class:`DecodeError` when it is not).\"\"\"\n        return text_of({}self.{leaf}({}))",
        flavor.def(),
        sig.join(", "),
        flavor.wait(),
        args.join(", ")
    );
}
