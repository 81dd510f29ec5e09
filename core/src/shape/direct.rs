//! The one shape straight from the panel's bytes, with no tree in between: a typed model
//! ([`decode`]) or the one shape's JSON text ([`to_text`], what the C surface hands out).
//!
//! Both read the document once, unwrapping the Fractal envelopes as they go, by the rules of
//! [`normalize`](super::normalize):
//!
//! * A typed model is decoded through a serde `Deserializer` that presents the unwrapped shape to
//!   the model's `Deserialize` (so serde_path_to_error names a failing field by its path in the
//!   one shape). Values inside an item that are not envelopes go to the model untouched.
//! * The text is written by seeds that copy every value that is not an envelope as it came
//!   (serde_json's `RawValue`: scanned, not decoded), so the panel's strings and numbers are
//!   passed on byte for byte.
//!
//! Streaming needs the envelope's keys in the order the panel writes them (`object` first, then
//! `attributes` or `data`). A list document (`{"object":"list",...`, the large answers) is
//! streamed whole, and so is an item document without `meta`; any other document is first split
//! into its top-level entries (cheap: they are small), which lets an item's `meta`, written after
//! its attributes, be merged into them.
//! Whatever does not fit (a key order no panel writes, `object` that is not a string) sets
//! [`State::unusual`] and the caller takes the next way, down to the tree-walking one, so the
//! answer is always the same as [`normalize`](super::normalize)'s.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{Key, KeySeed, ValueBuilder};
use crate::error::{Error, Result};

/// Decodes a whole response document into `T`, unwrapping it as
/// [`normalize`](super::normalize) does, straight from the bytes. On failure the error names
/// the field by its path in the one shape (`data[3].limits.memory`).
///
/// ```
/// # use pterodactyl_client::{shape, Stats};
/// let doc = br#"{"object":"stats","attributes":{"current_state":"running","is_suspended":false,
///     "resources":{"memory_bytes":1,"cpu_absolute":0.5,"disk_bytes":2,"network_rx_bytes":3,
///     "network_tx_bytes":4,"uptime":5}}}"#;
/// let stats: Stats = shape::decode(doc)?;
/// assert_eq!(stats.current_state, "running");
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
pub fn decode<T: DeserializeOwned>(json: &[u8]) -> Result<T> {
    // UTF-8 checked once for the whole document, rather than string by string.
    let Ok(json) = std::str::from_utf8(json) else {
        took(Way::Tree);
        return decode_tree(json);
    };
    let st = State::default();
    let mut mode = Mode::of(json);
    loop {
        st.unusual.set(false);
        took(if mode == Mode::Split { Way::Split } else { Way::Stream });
        let doc = Doc { json, st: &st, mode };
        match T::deserialize(doc) {
            Ok(model) => return Ok(model),
            Err(_) if st.unusual.get() && mode != Mode::Split => mode = Mode::Split,
            // Unusual, or it does not fit: the tree-walking way decides, and names the field
            // (with path tracking, which costs more than the decoding itself, so it only runs
            // once something failed). A field that does not fit may also come from a guess about
            // the layout that was not checked yet when the model stopped.
            Err(_) => {
                took(Way::Tree);
                return decode_tree(json.as_bytes());
            }
        }
    }
}

/// [`decode`] into a `Value`, the generic call's answer. A list document is streamed like the
/// others (a `Value` takes anything, so whether the list becomes an array or, with `meta`, an
/// object is decided at its end rather than asked of the model at its start).
pub fn decode_value(json: &[u8]) -> Result<Value> {
    if let Ok(text) = std::str::from_utf8(json) {
        if Mode::of(text) == Mode::List {
            let st = State::default();
            took(Way::Stream);
            match whole(text, |de| de.deserialize_map(ListValue(&st))) {
                Ok(value) => return Ok(value),
                Err(_) if st.unusual.get() => {}
                Err(_) => {
                    took(Way::Tree);
                    return decode_tree(json);
                }
            }
        }
    }
    decode(json)
}

/// A whole list document as a `Value`.
struct ListValue<'s>(&'s State);

impl<'de> Visitor<'de> for ListValue<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let st = self.0;
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "object" => {}
            _ => return Err(st.unusual()),
        }
        if map.next_value_seed(NameSeed(st))? != "list" {
            return Err(st.unusual());
        }
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "data" => {}
            _ => return Err(st.unusual()),
        }
        let data = map.next_value_seed(ShapedSeed { seed: PhantomData::<Value>, ctx: Ctx::Data, st })?;
        Ok(match list_meta::<_, Value>(&mut map, st)? {
            None => data,
            Some(meta) => Value::Object(serde_json::Map::from_iter([
                (String::from("data"), data),
                (String::from("meta"), meta),
            ])),
        })
    }
}

/// Writes a whole response document as the one shape's JSON text, unwrapping it as
/// [`normalize`](super::normalize) does, straight from the bytes: values that are not
/// envelopes are copied as they came. Keys keep the panel's order.
///
/// ```
/// # use pterodactyl_client::shape;
/// let doc = br#"{"object":"list","data":[{"object":"allocation","attributes":{"id":1}}]}"#;
/// assert_eq!(shape::to_text(doc)?, r#"[{"id":1}]"#);
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
pub fn to_text(json: &[u8]) -> Result<String> {
    let Ok(json) = std::str::from_utf8(json) else {
        took(Way::Tree);
        return super::build(json, &mut ValueBuilder).map(|tree| tree.to_string()).map_err(not_json);
    };
    let st = State::default();
    let mut out = String::with_capacity(json.len());
    let mut mode = Mode::of(json);
    loop {
        st.unusual.set(false);
        took(if mode == Mode::Split { Way::Split } else { Way::Stream });
        out.clear();
        let written = match mode {
            Mode::List => write_stream(json, &mut out, Ctx::DocList, &st),
            Mode::Item => write_stream(json, &mut out, Ctx::DocItem, &st),
            Mode::Split => write_split(json, &mut out, &st),
        };
        match written {
            Ok(()) => return Ok(out),
            Err(_) if st.unusual.get() && mode != Mode::Split => mode = Mode::Split,
            // Unusual, or not JSON: the tree-walking way decides (and words the error).
            Err(_) => {
                took(Way::Tree);
                let tree = super::build(json.as_bytes(), &mut ValueBuilder).map_err(not_json)?;
                return Ok(tree.to_string());
            }
        }
    }
}

/// Which way a document went: streamed, split at the top, or the tree-walking way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    Stream,
    Split,
    Tree,
}

#[cfg(test)]
thread_local! {
    static LAST_WAY: Cell<Option<Way>> = const { Cell::new(None) };
}

/// Notes the way taken, for the tests that check the panel's layouts never need the tree.
fn took(way: Way) {
    #[cfg(test)]
    LAST_WAY.with(|w| w.set(Some(way)));
    #[cfg(not(test))]
    let _ = way;
}

/// The tree-walking way: build the one shape as a `Value`, then decode `T` from it.
fn decode_tree<T: DeserializeOwned>(json: &[u8]) -> Result<T> {
    // The same error as `Raw::build`'s when the answer is not JSON at all.
    let tree = || super::build(json, &mut ValueBuilder).map_err(not_json);
    match serde_json::from_value(tree()?) {
        Ok(model) => Ok(model),
        Err(plain) => Err(match serde_path_to_error::deserialize::<_, T>(tree()?) {
            Err(e) => Error::Decode { path: e.path().to_string(), message: bare(e.inner()) },
            Ok(_) => Error::Decode { path: String::from("$"), message: bare(&plain) },
        }),
    }
}

fn not_json(e: impl fmt::Display) -> Error {
    Error::Decode { path: String::from("$"), message: format!("the answer is not valid JSON: {e}") }
}

/// serde_json's message without its ` at line L column C`: the position is that of a piece of
/// the document when it was split; the path names the place instead.
fn bare(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(head) => head.to_owned(),
        None => text,
    }
}

/// How a document is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Streamed whole as a list (`{"object":"list",...`).
    List,
    /// Streamed whole as an item (`{"object":"name",...` with no `meta` to merge).
    Item,
    /// Split into its top-level entries first.
    Split,
}

impl Mode {
    /// Chosen from how the document starts: `{"object":"<name>"` (whitespace allowed) is a list
    /// or an item. An item is only streamed when `"meta"` appears nowhere in it, since its `meta`
    /// comes after the attributes it is merged into (a `"meta"` anywhere else only costs the
    /// split).
    fn of(json: &str) -> Mode {
        let mut rest = json.as_bytes();
        for token in [&b"{"[..], b"\"object\"", b":", b"\""] {
            rest = rest.trim_ascii_start();
            match rest.strip_prefix(token) {
                Some(tail) => rest = tail,
                None => return Mode::Split,
            }
        }
        match rest.iter().position(|&b| b == b'"' || b == b'\\') {
            Some(4) if rest.starts_with(b"list\"") => Mode::List,
            Some(end) if rest[end] == b'"' && !json.contains("\"meta\"") => Mode::Item,
            _ => Mode::Split,
        }
    }
}

/// Set when the document is laid out in a way streaming does not follow; the error raised with
/// it sends the caller to the next way.
#[derive(Default)]
struct State {
    unusual: Cell<bool>,
}

impl State {
    fn unusual<E: de::Error>(&self) -> E {
        self.unusual.set(true);
        E::custom("the answer is not laid out as the panel lays it out")
    }
}

/// Where a value sits, which decides how it is unwrapped (see the module docs of
/// [`shape`](super)).
#[derive(Clone, Copy)]
enum Ctx<'de> {
    /// Taken as it is.
    Plain,
    /// A whole list document, streamed.
    DocList,
    /// A whole item document without `meta`, streamed.
    DocItem,
    /// A list entry or a relationship: maybe an envelope.
    Nested,
    /// A list's `data`: an array of envelopes.
    Data,
    /// An item's attributes (`relationships` holds envelopes), with the document's `meta` to add
    /// at the end when there is one.
    Attrs(Option<&'de RawValue>),
    /// The `relationships` object.
    Rels,
}

// ---------------------------------------------------------------------------------------------
// The document's top level, split into its entries (every document but a list).

/// What the top level of a document that is not streamed becomes.
enum Top<'de> {
    /// One value, unwrapped as its place says.
    One(&'de str, Ctx<'de>),
    /// An object of these entries, in this order.
    Map(Vec<(Cow<'de, str>, &'de str, Ctx<'de>)>),
}

/// A document's top-level entries, in order, their values scanned but not decoded.
type TopEntries<'de> = Vec<(Cow<'de, str>, &'de RawValue)>;

/// The document's top-level entries; `None` when it is not an object.
fn split(json: &str) -> serde_json::Result<Option<TopEntries<'_>>> {
    struct Entries<'de>(TopEntries<'de>);
    impl<'de> Deserialize<'de> for Entries<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entries<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> std::result::Result<Self::Value, A::Error> {
                    let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
                    while let Some(Key(key)) = map.next_key()? {
                        entries.push((key, map.next_value::<&'de RawValue>()?));
                    }
                    Ok(Entries(entries))
                }
            }
            d.deserialize_map(V)
        }
    }
    if !json.trim_ascii_start().starts_with('{') {
        return Ok(None);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let Entries(entries) = Entries::deserialize(&mut de)?;
    de.end()?;
    Ok(Some(entries))
}

/// The top-level rules of [`normalize`](super::normalize), on a split document.
fn top<'de>(entries: TopEntries<'de>) -> Top<'de> {
    // As in a decoded tree, the last of a repeated key counts.
    let mut map: TopEntries<'de> = Vec::with_capacity(entries.len());
    for (key, raw) in entries {
        match map.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = raw,
            None => map.push((key, raw)),
        }
    }
    let get = |name: &str| map.iter().find(|(k, _)| k == name).map(|(_, raw)| *raw);
    let meta = get("meta");
    let name = get("object").and_then(name_of);
    let bytes = |raw: &'de RawValue| raw.get();
    match (name.as_deref(), get("attributes")) {
        (Some("list"), _) => {
            let data = get("data").map_or("null", bytes);
            match meta {
                None => Top::One(data, Ctx::Data),
                Some(meta) => Top::Map(vec![
                    (Cow::Borrowed("data"), data, Ctx::Data),
                    (Cow::Borrowed("meta"), bytes(meta), Ctx::Plain),
                ]),
            }
        }
        (Some("null_resource"), Some(_)) => Top::One("null", Ctx::Plain),
        (Some(_), Some(attrs)) => Top::One(bytes(attrs), Ctx::Attrs(meta.filter(|_| is_object(attrs)))),
        _ if meta.is_none() && map.len() == 1 && map[0].0 == "data" && is_object(map[0].1) => {
            Top::One(bytes(map[0].1), Ctx::Plain)
        }
        _ => Top::Map(
            map.into_iter()
                .map(|(k, raw)| {
                    let ctx = in_envelope(&k);
                    (k, bytes(raw), ctx)
                })
                .collect(),
        ),
    }
}

/// How a value is read in an object that stands where an envelope could but is not one: as the
/// builders of [`build`](super::build) read it, since they cannot know yet when they meet it.
fn in_envelope<'de>(key: &str) -> Ctx<'de> {
    match key {
        "data" => Ctx::Data,
        "attributes" => Ctx::Attrs(None),
        _ => Ctx::Plain,
    }
}

/// The text of a JSON string value; `None` for any other value.
fn name_of(raw: &RawValue) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(text) => Some(Cow::Borrowed(text)),
        Err(_) => serde_json::from_str::<String>(raw.get()).ok().map(Cow::Owned),
    }
}

fn is_object(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

// ---------------------------------------------------------------------------------------------
// Typed models: a Deserializer that presents the one shape.

/// How the model asked for its value, to ask the same of what stands for it.
#[derive(Clone, Copy)]
enum Call {
    Any,
    Option,
    Seq,
    Map,
    Struct(&'static str, &'static [&'static str]),
    Newtype(&'static str),
    Enum(&'static str, &'static [&'static str]),
    Ignored,
}

fn call<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    d: D,
    how: Call,
    v: V,
) -> std::result::Result<V::Value, D::Error> {
    match how {
        Call::Any => d.deserialize_any(v),
        Call::Option => d.deserialize_option(v),
        Call::Seq => d.deserialize_seq(v),
        Call::Map => d.deserialize_map(v),
        Call::Struct(name, fields) => d.deserialize_struct(name, fields, v),
        Call::Newtype(name) => d.deserialize_newtype_struct(name, v),
        Call::Enum(name, variants) => d.deserialize_enum(name, variants, v),
        Call::Ignored => d.deserialize_ignored_any(v),
    }
}

/// The `Deserializer` methods of a type with `fn go(self, Call, V)`.
macro_rules! route {
    () => {
        #[inline(always)]
        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Any, v)
        }
        #[inline(always)]
        fn deserialize_option<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Option, v)
        }
        #[inline(always)]
        fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Seq, v)
        }
        #[inline(always)]
        fn deserialize_map<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Map, v)
        }
        #[inline(always)]
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            v: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Struct(name, fields), v)
        }
        #[inline(always)]
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            v: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Newtype(name), v)
        }
        #[inline(always)]
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            v: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Enum(name, variants), v)
        }
        #[inline(always)]
        fn deserialize_ignored_any<V: Visitor<'de>>(
            self,
            v: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            self.go(Call::Ignored, v)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct tuple tuple_struct identifier
        }
    };
}

/// The whole document, for a model.
struct Doc<'s, 'de> {
    json: &'de str,
    st: &'s State,
    mode: Mode,
}

impl<'de> Doc<'_, 'de> {
    fn go<V: Visitor<'de>>(self, how: Call, v: V) -> serde_json::Result<V::Value> {
        let st = self.st;
        match self.mode {
            Mode::List => return whole(self.json, |de| Shaped { de, ctx: Ctx::DocList, st }.go(how, v)),
            Mode::Item => return whole(self.json, |de| Shaped { de, ctx: Ctx::DocItem, st }.go(how, v)),
            Mode::Split => {}
        }
        let Some(entries) = split(self.json)? else {
            return whole(self.json, |de| call(de, how, v));
        };
        match top(entries) {
            Top::One(json, ctx) => whole(json, |de| Shaped { de, ctx, st }.go(how, v)),
            Top::Map(entries) => {
                let map = Entries { entries: entries.into_iter(), value: None, st };
                match how {
                    Call::Option => v.visit_some(MapAccessDeserializer::new(map)),
                    _ => v.visit_map(map),
                }
            }
        }
    }
}

impl<'de> Deserializer<'de> for Doc<'_, 'de> {
    type Error = serde_json::Error;
    route!();
}

/// Runs `f` on a deserializer of the whole of `json`, which must hold nothing after the value.
fn whole<'de, T>(
    json: &'de str,
    f: impl FnOnce(&mut serde_json::Deserializer<serde_json::de::StrRead<'de>>) -> serde_json::Result<T>,
) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(json);
    let out = f(&mut de)?;
    de.end()?;
    Ok(out)
}

/// The entries of a split top level, presented as a map.
struct Entries<'s, 'de> {
    entries: std::vec::IntoIter<(Cow<'de, str>, &'de str, Ctx<'de>)>,
    value: Option<(&'de str, Ctx<'de>)>,
    st: &'s State,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = serde_json::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> serde_json::Result<Option<K::Value>> {
        let Some((key, json, ctx)) = self.entries.next() else { return Ok(None) };
        self.value = Some((json, ctx));
        seed.deserialize(KeyDe::new(key)).map(Some)
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> serde_json::Result<S::Value> {
        let Some((json, ctx)) = self.value.take() else {
            return Err(de::Error::custom("a value was asked for before its key"));
        };
        let st = self.st;
        whole(json, |de| seed.deserialize(Shaped { de, ctx, st }))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A deserializer whose value sits in context `ctx`.
struct Shaped<'s, 'de, D> {
    de: D,
    ctx: Ctx<'de>,
    st: &'s State,
}

impl<'s, 'de, D: Deserializer<'de>> Shaped<'s, 'de, D> {
    #[inline(always)]
    fn go<V: Visitor<'de>>(self, how: Call, v: V) -> std::result::Result<V::Value, D::Error> {
        let (ctx, st) = (self.ctx, self.st);
        match (ctx, how) {
            (Ctx::Plain, _) => call(self.de, how, v),
            (_, Call::Ignored) => self.de.deserialize_ignored_any(v),
            (_, Call::Newtype(_)) => v.visit_newtype_struct(self),
            // No envelope is ever an enum's value.
            (_, Call::Enum(name, variants)) => self.de.deserialize_enum(name, variants, v),
            // What stands here for a model that asks for an object is an object, or nothing
            // fits: serde_json's `deserialize_map` (one token, a smaller copy per model) in
            // place of its `deserialize_any`.
            (
                Ctx::Nested | Ctx::Attrs(_) | Ctx::Rels | Ctx::DocList | Ctx::DocItem,
                Call::Map | Call::Struct(..),
            ) => self.de.deserialize_map(Env { ctx, how, v, st }),
            _ => self.de.deserialize_any(Env { ctx, how, v, st }),
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Shaped<'_, 'de, D> {
    type Error = D::Error;
    route!();
}

/// Deserializes the value in context `ctx` for the model's `seed`.
struct ShapedSeed<'s, 'de, S> {
    seed: S,
    ctx: Ctx<'de>,
    st: &'s State,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ShapedSeed<'_, 'de, S> {
    type Value = S::Value;
    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> std::result::Result<S::Value, D::Error> {
        self.seed.deserialize(Shaped { de, ctx: self.ctx, st: self.st })
    }
}

/// A model's visitor, waiting for the value in context `ctx` that stands for what it asked.
struct Pending<'s, 'de, V> {
    v: V,
    how: Call,
    ctx: Ctx<'de>,
    st: &'s State,
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Pending<'_, 'de, V> {
    type Value = V::Value;
    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> std::result::Result<V::Value, D::Error> {
        Shaped { de, ctx: self.ctx, st: self.st }.go(self.how, self.v)
    }
}

/// The model's visitor, seeing the value of context `ctx` through the unwrapping.
struct Env<'s, 'de, V> {
    v: V,
    how: Call,
    ctx: Ctx<'de>,
    st: &'s State,
}

impl<'de, V: Visitor<'de>> Env<'_, 'de, V> {
    fn optional(&self) -> bool {
        matches!(self.how, Call::Option)
    }

    fn scalar<E, D>(
        self,
        de: D,
        plain: impl FnOnce(V) -> std::result::Result<V::Value, E>,
    ) -> std::result::Result<V::Value, E>
    where
        E: de::Error,
        D: Deserializer<'de, Error = E>,
    {
        if self.optional() {
            self.v.visit_some(de)
        } else {
            plain(self.v)
        }
    }

    #[inline(always)]
    fn seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<V::Value, A::Error> {
        if self.optional() {
            self.v.visit_some(SeqAccessDeserializer::new(seq))
        } else {
            self.v.visit_seq(seq)
        }
    }

    #[inline(always)]
    fn map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<V::Value, A::Error> {
        if self.optional() {
            self.v.visit_some(MapAccessDeserializer::new(map))
        } else {
            self.v.visit_map(map)
        }
    }

    /// A list entry or a relationship: an envelope to unwrap, or an object to keep.
    #[inline(always)]
    fn nested<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        match head(&mut map, st)? {
            Head::Plain(first) => self.map(Replay { first, map, value: Ctx::Plain, st }),
            Head::NullResource if self.optional() => self.v.visit_none(),
            Head::NullResource => self.v.visit_unit(),
            Head::List => self.inner(map, "data", Ctx::Data),
            Head::Item => self.inner(map, "attributes", Ctx::Attrs(None)),
        }
    }

    /// The envelope's `key` (just read) is what stands for it: its value, then the rest.
    #[inline(always)]
    fn inner<A: MapAccess<'de>>(
        self,
        mut map: A,
        key: &str,
        ctx: Ctx<'de>,
    ) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        // An `Option` is asked of the inner value, which says `None` for a `null` there.
        let out = map.next_value_seed(Pending { v: self.v, how: self.how, ctx, st })?;
        rest(&mut map, st, &["object", key])?;
        Ok(out)
    }

    /// A whole item document without `meta`: `{"object":"name","attributes":{..}}`.
    fn doc_item<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "object" => {}
            _ => return Err(st.unusual()),
        }
        if matches!(&*map.next_value_seed(NameSeed(st))?, "list" | "null_resource") {
            return Err(st.unusual());
        }
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "attributes" => {}
            _ => return Err(st.unusual()),
        }
        let out = map.next_value_seed(Pending { v: self.v, how: self.how, ctx: Ctx::Attrs(None), st })?;
        // A `meta` would have to be merged into the attributes already handed out.
        rest(&mut map, st, &["object", "attributes", "meta"])?;
        Ok(out)
    }

    /// A whole list document: `{"object":"list","data":[..]}`, and `meta` after `data` or not.
    fn doc_list<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "object" => {}
            _ => return Err(st.unusual()),
        }
        if map.next_value_seed(NameSeed(st))? != "list" {
            return Err(st.unusual());
        }
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "data" => {}
            _ => return Err(st.unusual()),
        }
        match self.how {
            // An array, so there must be no `meta` (else the shape is an object).
            Call::Seq => {
                let out = map.next_value_seed(Pending { v: self.v, how: Call::Seq, ctx: Ctx::Data, st })?;
                rest(&mut map, st, &["object", "data", "meta"])?;
                Ok(out)
            }
            // An object, so there must be a `meta`.
            Call::Map | Call::Struct(..) => self.v.visit_map(DocList { map, stage: 0, meta: false, st }),
            _ => Err(st.unusual()),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Env<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<V::Value, E> {
        if self.optional() {
            self.v.visit_none()
        } else {
            self.v.visit_unit()
        }
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<V::Value, E> {
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<V::Value, E> {
        self.scalar(b.into_deserializer(), |v| v.visit_bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<V::Value, E> {
        self.scalar(n.into_deserializer(), |v| v.visit_i64(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<V::Value, E> {
        self.scalar(n.into_deserializer(), |v| v.visit_u64(n))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<V::Value, E> {
        self.scalar(n.into_deserializer(), |v| v.visit_f64(n))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<V::Value, E> {
        self.scalar(s.into_deserializer(), |v| v.visit_str(s))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> std::result::Result<V::Value, E> {
        self.scalar(BorrowedStrDeserializer::new(s), |v| v.visit_borrowed_str(s))
    }
    fn visit_string<E: de::Error>(self, s: String) -> std::result::Result<V::Value, E> {
        if self.optional() {
            self.v.visit_some(s.into_deserializer())
        } else {
            self.v.visit_string(s)
        }
    }
    #[inline(always)]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        match self.ctx {
            Ctx::Data => self.seq(Items { seq, st }),
            Ctx::DocList | Ctx::DocItem => Err(st.unusual()),
            _ => self.seq(seq),
        }
    }
    #[inline(always)]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<V::Value, A::Error> {
        let st = self.st;
        match self.ctx {
            Ctx::Attrs(meta) => {
                self.map(Attrs { map, meta, relationships: false, tail: None, done: false, st })
            }
            Ctx::Rels => self.map(Rels { map, st }),
            Ctx::Nested => self.nested(map),
            Ctx::DocList => self.doc_list(map),
            Ctx::DocItem => self.doc_item(map),
            Ctx::Data | Ctx::Plain => self.map(map),
        }
    }
}

/// A list's entries, each in context [`Ctx::Nested`].
struct Items<'s, A> {
    seq: A,
    st: &'s State,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'_, A> {
    type Error = A::Error;
    #[inline(always)]
    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> std::result::Result<Option<S::Value>, A::Error> {
        self.seq.next_element_seed(ShapedSeed { seed, ctx: Ctx::Nested, st: self.st })
    }
    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// An item's attributes: `relationships` in context [`Ctx::Rels`], the document's `meta` (if
/// any) added at the end in place of one of their own.
struct Attrs<'s, 'de, A> {
    map: A,
    meta: Option<&'de RawValue>,
    /// The value to read next is `relationships`.
    relationships: bool,
    /// The value to read next is the document's `meta`.
    tail: Option<&'de RawValue>,
    done: bool,
    st: &'s State,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Attrs<'_, 'de, A> {
    type Error = A::Error;
    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        if self.meta.is_none() {
            // Nothing to add at the end (every item of a list): each key goes to the model as
            // serde_json hands it over.
            return match self.map.next_key_seed(KeySeed(seed))? {
                None => Ok(None),
                Some((field, key)) => {
                    self.relationships = key == "relationships";
                    Ok(Some(field))
                }
            };
        }
        while !self.done {
            let Some(Key(key)) = self.map.next_key::<Key<'de>>()? else {
                self.done = true;
                break;
            };
            if key == "meta" {
                self.map.next_value::<IgnoredAny>()?;
                continue;
            }
            self.relationships = key == "relationships";
            return seed.deserialize(KeyDe::new(key)).map(Some);
        }
        match self.meta.take() {
            Some(meta) => {
                self.tail = Some(meta);
                seed.deserialize(KeyDe::new(Cow::Borrowed("meta"))).map(Some)
            }
            None => Ok(None),
        }
    }
    #[inline(always)]
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> std::result::Result<S::Value, A::Error> {
        if let Some(meta) = self.tail.take() {
            let mut de = serde_json::Deserializer::from_str(meta.get());
            return seed.deserialize(&mut de).map_err(|e| de::Error::custom(bare(&e)));
        }
        if std::mem::take(&mut self.relationships) {
            return self.map.next_value_seed(ShapedSeed { seed, ctx: Ctx::Rels, st: self.st });
        }
        self.map.next_value_seed(seed)
    }
}

/// The `relationships` object: every value in context [`Ctx::Nested`].
struct Rels<'s, A> {
    map: A,
    st: &'s State,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Rels<'_, A> {
    type Error = A::Error;
    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(seed)
    }
    #[inline(always)]
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> std::result::Result<S::Value, A::Error> {
        self.map.next_value_seed(ShapedSeed { seed, ctx: Ctx::Nested, st: self.st })
    }
}

/// An object that stands where an envelope could but does not start with `object`, whose first
/// key was already read. An `object` key further on means it may be an envelope after all, in
/// an order not streamed.
struct Replay<'s, 'de, A> {
    first: Option<Cow<'de, str>>,
    map: A,
    /// How the next value is read ([`in_envelope`]).
    value: Ctx<'de>,
    st: &'s State,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'_, 'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        let key = match self.first.take() {
            Some(first) => first,
            None => match self.map.next_key::<Key<'de>>()? {
                None => return Ok(None),
                Some(Key(k)) if k == "object" => return Err(self.st.unusual()),
                Some(Key(k)) => k,
            },
        };
        self.value = in_envelope(&key);
        seed.deserialize(KeyDe::new(key)).map(Some)
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> std::result::Result<S::Value, A::Error> {
        match self.value {
            Ctx::Plain => self.map.next_value_seed(seed),
            ctx => self.map.next_value_seed(ShapedSeed { seed, ctx, st: self.st }),
        }
    }
}

/// A streamed list document seen as `{"data": [..], "meta": {..}}`.
struct DocList<'s, A> {
    map: A,
    /// 0: `data` not handed out yet; 1: its value is next; 2: past it.
    stage: u8,
    meta: bool,
    st: &'s State,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for DocList<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        if self.stage == 0 {
            self.stage = 1;
            return seed.deserialize(KeyDe::new(Cow::Borrowed("data"))).map(Some);
        }
        self.stage = 2;
        loop {
            match self.map.next_key::<Key<'de>>()? {
                None if self.meta => return Ok(None),
                // Without `meta` the shape is an array.
                None => return Err(self.st.unusual()),
                Some(Key(k)) if k == "meta" => {
                    if std::mem::replace(&mut self.meta, true) {
                        return Err(self.st.unusual());
                    }
                    return seed.deserialize(KeyDe::new(k)).map(Some);
                }
                Some(Key(k)) if k == "object" || k == "data" => return Err(self.st.unusual()),
                Some(_) => {
                    self.map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> std::result::Result<S::Value, A::Error> {
        if self.stage == 1 {
            return self.map.next_value_seed(ShapedSeed { seed, ctx: Ctx::Data, st: self.st });
        }
        self.map.next_value_seed(seed)
    }
}

/// An object key handed to the model, borrowed when it can be.
struct KeyDe<'de, E> {
    key: Cow<'de, str>,
    error: PhantomData<E>,
}

impl<'de, E> KeyDe<'de, E> {
    fn new(key: Cow<'de, str>) -> Self {
        KeyDe { key, error: PhantomData }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for KeyDe<'de, E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, E> {
        match self.key {
            Cow::Borrowed(key) => v.visit_borrowed_str(key),
            Cow::Owned(key) => v.visit_string(key),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The value of an envelope's `object` key: a string, or the layout is unusual.
struct NameSeed<'s>(&'s State);

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Cow<'de, str>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameSeed<'_> {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of an object")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Err(self.0.unusual())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Err(self.0.unusual())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Err(self.0.unusual())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Err(self.0.unusual())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Err(self.0.unusual())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<Self::Value, A::Error> {
        Err(self.0.unusual())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> std::result::Result<Self::Value, A::Error> {
        Err(self.0.unusual())
    }
}

/// What an object that stands where an envelope may is, once its head is read.
enum Head<'de> {
    /// Not an envelope; its first key (if any) was read.
    Plain(Option<Cow<'de, str>>),
    /// A `null_resource`, read to its end.
    NullResource,
    /// A list; its `data` key was read.
    List,
    /// An item; its `attributes` key was read.
    Item,
}

/// Reads the head of an object that stands where an envelope may: `object` and the key that
/// stands for the envelope. Kept out of line: it is the same for every model (generic only in
/// the map), so one copy serves them all instead of one inlined into each model's decoding.
#[inline(never)]
fn head<'de, A: MapAccess<'de>>(map: &mut A, st: &State) -> std::result::Result<Head<'de>, A::Error> {
    let name = match map.next_key::<Key<'de>>()? {
        None => return Ok(Head::Plain(None)),
        Some(Key(first)) if first != "object" => return Ok(Head::Plain(Some(first))),
        Some(_) => map.next_value_seed(NameSeed(st))?,
    };
    let (head, key) = match &*name {
        "null_resource" => {
            rest(map, st, &["object"])?;
            return Ok(Head::NullResource);
        }
        "list" => (Head::List, "data"),
        _ => (Head::Item, "attributes"),
    };
    match map.next_key::<Key<'de>>()? {
        Some(Key(k)) if k == key => Ok(head),
        _ => Err(st.unusual()),
    }
}

/// Reads the rest of a list document after its `data`, keeping its `meta` (if any) as `M`. A
/// second `meta`, or `object` or `data` again, is unusual (see [`rest`]).
fn list_meta<'de, A: MapAccess<'de>, M: Deserialize<'de>>(
    map: &mut A,
    st: &State,
) -> std::result::Result<Option<M>, A::Error> {
    let mut meta = None;
    while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
        if k == "object" || k == "data" {
            return Err(st.unusual());
        } else if k != "meta" {
            map.next_value::<IgnoredAny>()?;
        } else if meta.replace(map.next_value::<M>()?).is_some() {
            return Err(st.unusual());
        }
    }
    Ok(meta)
}

/// Reads the rest of an envelope without keeping it. One of the keys that decided how it was
/// unwrapped (`decided`) coming again is unusual: in a tree the last of a repeated key counts,
/// which streaming has already passed (the fuzz target `answer` found a second `data`). Out of
/// line, as [`head`] is.
#[inline(never)]
fn rest<'de, A: MapAccess<'de>>(
    map: &mut A,
    st: &State,
    decided: &[&str],
) -> std::result::Result<(), A::Error> {
    while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
        if decided.contains(&&*k) {
            return Err(st.unusual());
        }
        map.next_value::<IgnoredAny>()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The one shape's text: seeds that write as they read.

fn write_stream(json: &str, out: &mut String, ctx: Ctx<'_>, st: &State) -> serde_json::Result<()> {
    whole(json, |de| Write { out, ctx, st }.deserialize(de))
}

fn write_split(json: &str, out: &mut String, st: &State) -> serde_json::Result<()> {
    let Some(entries) = split(json)? else {
        let raw: &RawValue = serde_json::from_str(json)?;
        out.push_str(raw.get());
        return Ok(());
    };
    match top(entries) {
        Top::One(json, ctx) => whole(json, |de| Write { out, ctx, st }.deserialize(de)),
        Top::Map(entries) => {
            out.push('{');
            for (i, (key, json, ctx)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, &key);
                out.push(':');
                whole(json, |de| Write { out: &mut *out, ctx, st }.deserialize(de))?;
            }
            out.push('}');
            Ok(())
        }
    }
}

/// Writes a JSON string.
fn push_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        match serde_json::to_string(s) {
            Ok(quoted) => out.push_str(&quoted),
            Err(_) => unreachable!("a str always serializes"),
        }
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Writes the value in context `ctx` to `out`.
struct Write<'o, 's, 'de> {
    out: &'o mut String,
    ctx: Ctx<'de>,
    st: &'s State,
}

impl<'de> DeserializeSeed<'de> for Write<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        if let Ctx::Plain = self.ctx {
            // Scanned, not decoded, and copied as it came.
            let raw = <&'de RawValue>::deserialize(d)?;
            self.out.push_str(raw.get());
            return Ok(());
        }
        d.deserialize_any(self)
    }
}

impl<'de> Write<'_, '_, 'de> {
    fn sub(&mut self, ctx: Ctx<'de>) -> Write<'_, '_, 'de> {
        Write { out: &mut *self.out, ctx, st: self.st }
    }

    /// `{"k":v,...}` with each value in context `each(k)`; `first` is a key already read. With
    /// `guard`, an `object` key means the layout is unusual.
    fn object<A: MapAccess<'de>>(
        mut self,
        mut map: A,
        first: Option<Cow<'de, str>>,
        each: fn(&str) -> Ctx<'de>,
        guard: bool,
    ) -> std::result::Result<(), A::Error> {
        self.out.push('{');
        let mut next = first;
        let mut any = false;
        loop {
            let key = match next.take() {
                Some(key) => key,
                None => match map.next_key::<Key<'de>>()? {
                    Some(Key(k)) if guard && k == "object" => return Err(self.st.unusual()),
                    Some(Key(k)) => k,
                    None => break,
                },
            };
            if std::mem::replace(&mut any, true) {
                self.out.push(',');
            }
            push_str(self.out, &key);
            self.out.push(':');
            map.next_value_seed(self.sub(each(&key)))?;
        }
        self.out.push('}');
        Ok(())
    }

    fn attrs<A: MapAccess<'de>>(
        mut self,
        mut map: A,
        meta: Option<&'de RawValue>,
    ) -> std::result::Result<(), A::Error> {
        self.out.push('{');
        let mut any = false;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if meta.is_some() && key == "meta" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if std::mem::replace(&mut any, true) {
                self.out.push(',');
            }
            push_str(self.out, &key);
            self.out.push(':');
            let ctx = if key == "relationships" { Ctx::Rels } else { Ctx::Plain };
            map.next_value_seed(self.sub(ctx))?;
        }
        if let Some(meta) = meta {
            if any {
                self.out.push(',');
            }
            self.out.push_str("\"meta\":");
            self.out.push_str(meta.get());
        }
        self.out.push('}');
        Ok(())
    }

    fn nested<A: MapAccess<'de>>(mut self, mut map: A) -> std::result::Result<(), A::Error> {
        let st = self.st;
        let name = match map.next_key::<Key<'de>>()? {
            None => {
                self.out.push_str("{}");
                return Ok(());
            }
            Some(Key(first)) if first != "object" => return self.object(map, Some(first), in_envelope, true),
            Some(_) => map.next_value_seed(NameSeed(st))?,
        };
        let (key, ctx) = match &*name {
            "null_resource" => {
                rest(&mut map, st, &["object"])?;
                self.out.push_str("null");
                return Ok(());
            }
            "list" => ("data", Ctx::Data),
            _ => ("attributes", Ctx::Attrs(None)),
        };
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == key => {}
            _ => return Err(st.unusual()),
        }
        map.next_value_seed(self.sub(ctx))?;
        rest(&mut map, st, &["object", key])
    }

    fn doc_item<A: MapAccess<'de>>(mut self, mut map: A) -> std::result::Result<(), A::Error> {
        let st = self.st;
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "object" => {}
            _ => return Err(st.unusual()),
        }
        if matches!(&*map.next_value_seed(NameSeed(st))?, "list" | "null_resource") {
            return Err(st.unusual());
        }
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "attributes" => {}
            _ => return Err(st.unusual()),
        }
        map.next_value_seed(self.sub(Ctx::Attrs(None)))?;
        rest(&mut map, st, &["object", "attributes", "meta"])
    }

    fn doc_list<A: MapAccess<'de>>(mut self, mut map: A) -> std::result::Result<(), A::Error> {
        let st = self.st;
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "object" => {}
            _ => return Err(st.unusual()),
        }
        if map.next_value_seed(NameSeed(st))? != "list" {
            return Err(st.unusual());
        }
        match map.next_key::<Key<'de>>()? {
            Some(Key(k)) if k == "data" => {}
            _ => return Err(st.unusual()),
        }
        let start = self.out.len();
        map.next_value_seed(self.sub(Ctx::Data))?;
        let meta = list_meta::<_, &'de RawValue>(&mut map, st)?;
        // With `meta` the shape is `{"data": [..], "meta": {..}}`, which is only known now.
        if let Some(meta) = meta {
            self.out.insert_str(start, "{\"data\":");
            self.out.push_str(",\"meta\":");
            self.out.push_str(meta.get());
            self.out.push('}');
        }
        Ok(())
    }

    fn number(self, n: impl fmt::Display) {
        use fmt::Write as _;
        let _ = write!(self.out, "{n}");
    }
}

impl<'de> Visitor<'de> for Write<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<(), E> {
        self.out.push_str(if b { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<(), E> {
        self.number(n);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<(), E> {
        self.number(n);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<(), E> {
        match serde_json::to_string(&n) {
            Ok(text) => self.out.push_str(&text),
            Err(e) => return Err(E::custom(e)),
        }
        Ok(())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<(), E> {
        push_str(self.out, s);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> std::result::Result<(), A::Error> {
        let item = match self.ctx {
            Ctx::Data => Ctx::Nested,
            Ctx::DocList | Ctx::DocItem => return Err(self.st.unusual()),
            _ => Ctx::Plain,
        };
        self.out.push('[');
        let mut any = false;
        loop {
            let at = self.out.len();
            if any {
                self.out.push(',');
            }
            if seq.next_element_seed(self.sub(item))?.is_none() {
                self.out.truncate(at);
                break;
            }
            any = true;
        }
        self.out.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<(), A::Error> {
        match self.ctx {
            Ctx::Attrs(meta) => self.attrs(map, meta),
            Ctx::Rels => self.object(map, None, |_| Ctx::Nested, false),
            Ctx::Nested => self.nested(map),
            Ctx::DocList => self.doc_list(map),
            Ctx::DocItem => self.doc_item(map),
            Ctx::Data | Ctx::Plain => self.object(map, None, |_| Ctx::Plain, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    use super::super::oracle;
    use super::*;
    use crate::models::*;

    fn last_way() -> Option<Way> {
        LAST_WAY.with(Cell::get)
    }

    fn tree(text: &str) -> Value {
        oracle::normalize(serde_json::from_str(text).expect("test documents are JSON"))
    }

    /// Checks both direct ways against the oracle and the tree-walking decode, and that the
    /// document took `way`; hands back the model.
    #[track_caller]
    fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(text: &str, way: Way) -> T {
        let want: T = serde_json::from_value(tree(text)).expect("the oracle's shape decodes");
        let got: T = decode(text.as_bytes()).expect("direct decode");
        assert_eq!(got, want);
        assert_eq!(last_way(), Some(way), "decode of {text}");
        let written = to_text(text.as_bytes()).expect("direct text");
        assert_eq!(serde_json::from_str::<Value>(&written).expect("the text is JSON"), tree(text));
        assert_eq!(last_way(), Some(way), "text of {text}");
        got
    }

    fn server_attrs(i: u32) -> String {
        format!(
            r#"{{"server_owner":true,"identifier":"1a7ce99{i}","internal_id":{i},"uuid":"1a7ce997-0000-4000-8000-00000000000{i}","name":"Survival {i}","node":"node-1","is_node_under_maintenance":false,"sftp_details":{{"ip":"node1.example.com","port":2022}},"description":"Community \"number\" {i}\u00e9","limits":{{"memory":4096,"swap":-1,"disk":20480,"io":500,"cpu":200,"threads":null,"oom_disabled":true}},"invocation":"java -jar server.jar","docker_image":"ghcr.io/pterodactyl/yolks:java_17","egg_features":["eula"],"feature_limits":{{"databases":2,"allocations":3,"backups":null}},"status":null,"is_suspended":false,"is_installing":false,"is_transferring":false,"brand_new_field":{{"object":"list","data":[1,2.50,1e3]}},"relationships":{{"allocations":{{"object":"list","data":[{{"object":"allocation","attributes":{{"id":{i},"ip":"10.0.0.10","ip_alias":null,"port":25565,"notes":null,"is_default":true}}}}]}},"variables":{{"object":"list","data":[{{"object":"egg_variable","attributes":{{"name":"Jar","description":"The jar.","env_variable":"SERVER_JARFILE","default_value":"server.jar","server_value":"server.jar","is_editable":true,"rules":"required|string"}}}}]}},"egg":{{"object":"egg","attributes":{{"uuid":"e","name":"Paper"}}}},"subusers":{{"object":"null_resource","attributes":null}}}}}}"#
        )
    }

    const PAGINATION: &str =
        r#"{"pagination":{"total":2,"count":2,"per_page":50,"current_page":1,"total_pages":1,"links":{}}}"#;

    fn server_list() -> String {
        format!(
            r#"{{"object":"list","data":[{{"object":"server","attributes":{}}},{{"object":"server","attributes":{}}}],"meta":{PAGINATION}}}"#,
            server_attrs(1),
            server_attrs(2)
        )
    }

    #[test]
    fn server_list_streams_to_the_same_models_and_text() {
        let page: Page<Server> = same(&server_list(), Way::Stream);
        assert_eq!(page.data.len(), 2);
        let first = &page.data[0];
        assert_eq!(first.description.as_deref(), Some("Community \"number\" 1é"));
        assert_eq!(first.extra["brand_new_field"], json!({"object": "list", "data": [1, 2.5, 1000.0]}));
        let rels = first.relationships.as_ref().expect("relationships");
        assert_eq!(rels.allocations.as_ref().map(Vec::len), Some(1));
        assert_eq!(rels.egg.as_ref().and_then(Option::as_ref).map(|e| e.name.as_str()), Some("Paper"));
        assert_eq!(rels.subusers, Some(None), "a null_resource is a relationship the key may not see");
    }

    /// An attribute's key written with escapes is decoded, not borrowed, and still goes to its
    /// field, to `extra`, or (as `relationships`) to the unwrapping of the relationships.
    #[test]
    fn escaped_attribute_keys_stream_to_the_same_models() {
        let list = server_list()
            .replace(r#""name":"Survival 1""#, r#""n\u0061me":"Survival 1""#)
            .replace(r#""brand_new_field""#, r#""brand_new_fi\u0065ld""#)
            .replacen(r#""relationships""#, r#""relationship\u0073""#, 1);
        let page: Page<Server> = same(&list, Way::Stream);
        let first = &page.data[0];
        assert_eq!(first.name, "Survival 1");
        assert!(first.extra.contains_key("brand_new_field"), "{:?}", first.extra);
        let rels = first.relationships.as_ref().expect("relationships");
        assert_eq!(rels.allocations.as_ref().map(|a| a[0].port), Some(25565));
    }

    #[test]
    fn server_list_text_keeps_the_panels_bytes_and_order() {
        let text = to_text(server_list().as_bytes()).unwrap();
        assert!(text.starts_with(r#"{"data":[{"server_owner":true,"identifier":"1a7ce991""#), "{text}");
        assert!(text.contains(r#""description":"Community \"number\" 1\u00e9""#), "{text}");
        assert!(text.contains(r#""brand_new_field":{"object":"list","data":[1,2.50,1e3]}"#), "{text}");
        assert!(text.contains(r#""relationships":{"allocations":[{"id":1,"#), "{text}");
        assert!(text.ends_with(&format!(r#"],"meta":{PAGINATION}}}"#)), "{text}");
    }

    #[test]
    fn items_lists_and_bare_data_of_every_kind_agree_with_the_oracle() {
        let stats = r#"{"object":"stats","attributes":{"current_state":"running","is_suspended":false,"resources":{"memory_bytes":1,"cpu_absolute":0.5,"disk_bytes":2,"network_rx_bytes":3,"network_tx_bytes":4,"uptime":5}}}"#;
        assert_eq!(same::<Stats>(stats, Way::Stream).current_state, "running");

        let details = format!(
            r#"{{"object":"server","attributes":{},"meta":{{"is_server_owner":true,"user_permissions":["*"]}}}}"#,
            server_attrs(3)
        );
        let details: ServerDetails = same(&details, Way::Split);
        assert_eq!((details.name.as_str(), details.meta.is_server_owner), ("Survival 3", true));

        let files = r#"{"object":"list","data":[{"object":"file_object","attributes":{"name":"a","mode":"-rw","mode_bits":"644","size":1,"is_file":true,"is_symlink":false,"mimetype":"text/plain","created_at":"x","modified_at":"y"}}]}"#;
        assert_eq!(same::<Vec<FileObject>>(files, Way::Stream).len(), 1);

        let startup = r#"{"object":"list","data":[{"object":"egg_variable","attributes":{"name":"Jar","description":"","env_variable":"JAR","default_value":"a","server_value":null,"is_editable":true,"rules":"string"}}],"meta":{"startup_command":"java","docker_images":{"Java":"j"},"raw_startup_command":"java {{JAR}}"}}"#;
        assert_eq!(same::<Startup>(startup, Way::Stream).meta.startup_command, "java");

        let variable = r#"{"object":"egg_variable","attributes":{"name":"Jar","description":"","env_variable":"JAR","default_value":"a","server_value":"b","is_editable":true,"rules":"string","meta":"theirs"},"meta":{"startup_command":"java b","raw_startup_command":"java {{JAR}}"}}"#;
        assert_eq!(same::<UpdatedVariable>(variable, Way::Split).meta.startup_command, "java b");

        let socket = r#"{"data":{"token":"t","socket":"wss://x"}}"#;
        assert_eq!(same::<WebsocketCredentials>(socket, Way::Split).socket, "wss://x");

        let activity = r#"{"object":"list","data":[{"object":"activity_log","attributes":{"id":"a","batch":null,"event":"server:power.start","is_api":true,"ip":"127.0.0.1","description":null,"properties":{"object":"list","data":[{"object":"x","attributes":{}}]},"has_additional_metadata":false,"timestamp":"t","relationships":{"actor":{"object":"user","attributes":{"uuid":"u","username":"owner","email":"o@x","image":"i","2fa_enabled":false,"created_at":"c"}}}}}],"meta":{"pagination":{"total":1,"count":1,"per_page":25,"current_page":1,"total_pages":1,"links":{}}}}"#;
        let logs: Page<ActivityLog> = same(activity, Way::Stream);
        assert_eq!(logs.data[0].properties["object"], "list", "properties are kept as they came");

        let backups = r#"{"object":"list","data":[{"object":"backup","attributes":{"uuid":"b","is_successful":true,"is_locked":false,"name":"n","ignored_files":[],"checksum":null,"bytes":5,"created_at":"c","completed_at":null}}],"meta":{"pagination":{"total":1,"count":1,"per_page":20,"current_page":1,"total_pages":1,"links":{}},"backup_count":1}}"#;
        assert_eq!(same::<Page<Backup>>(backups, Way::Stream).meta.backup_count(), Some(1));

        let schedule = r#"{"object":"server_schedule","attributes":{"id":4,"name":"Nightly","cron":{"day_of_week":"*","day_of_month":"*","month":"*","hour":"4","minute":"0"},"is_active":true,"is_processing":false,"only_when_online":true,"last_run_at":null,"next_run_at":null,"created_at":"c","updated_at":"u","relationships":{"tasks":{"object":"list","data":[{"object":"schedule_task","attributes":{"id":1,"sequence_id":1,"action":"command","payload":"say hi","time_offset":0,"is_queued":false,"continue_on_failure":false,"created_at":"c","updated_at":"u"}}]}}}}"#;
        assert_eq!(same::<Schedule>(schedule, Way::Stream).tasks().len(), 1);

        let database = r#"{"object":"server_database","attributes":{"id":"d","host":{"address":"db","port":3306},"name":"s1_db","username":"u","connections_from":"%","max_connections":0,"relationships":{"password":{"object":"database_password","attributes":{"password":"p"}}}}}"#;
        assert_eq!(same::<Database>(database, Way::Stream).password(), Some("p"));

        let empty_list = r#"{"object":"list","data":[]}"#;
        assert!(same::<Vec<Allocation>>(empty_list, Way::Stream).is_empty());
    }

    #[test]
    fn layouts_no_panel_writes_fall_back_and_still_agree() {
        // Keys sorted (as a `Value` prints them): `attributes` and `data` before `object`.
        let sorted = serde_json::from_str::<Value>(&server_list()).unwrap().to_string();
        let page: Page<Server> = same(&sorted, Way::Tree);
        assert_eq!(page.data.len(), 2);
        // `meta` before `data`: split at the top, no tree needed.
        let meta_first = format!(r#"{{"object":"list","meta":{PAGINATION},"data":[]}}"#);
        assert!(same::<Page<Server>>(&meta_first, Way::Split).data.is_empty());
        // A list with `meta` asked for as an array: the same error as the tree's.
        let listed = format!(r#"{{"object":"list","data":[],"meta":{PAGINATION}}}"#);
        let err = decode::<Vec<Server>>(listed.as_bytes()).unwrap_err();
        let tree_err = decode_tree::<Vec<Server>>(listed.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), tree_err.to_string());
    }

    #[test]
    fn failing_field_is_named_by_its_path_in_the_one_shape() {
        let bad_port = server_list().replacen(r#""port":25565"#, r#""port":"x""#, 2);
        let bad_port = bad_port.replacen(r#""port":"x""#, r#""port":25565"#, 1);
        let err = decode::<Page<Server>>(bad_port.as_bytes()).unwrap_err();
        match &err {
            Error::Decode { path, message } => {
                assert_eq!(path, "data[1].relationships.allocations[0].port");
                assert!(message.starts_with("invalid type: string \"x\", expected u16"), "{message}");
                assert!(!message.contains("line"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            decode_tree::<Page<Server>>(bad_port.as_bytes()).unwrap_err().to_string()
        );

        let stats = r#"{"object":"stats","attributes":{"current_state":"running","is_suspended":false,"resources":{"memory_bytes":-1,"cpu_absolute":0.5,"disk_bytes":2,"network_rx_bytes":3,"network_tx_bytes":4,"uptime":5}}}"#;
        match decode::<Stats>(stats.as_bytes()).unwrap_err() {
            Error::Decode { path, .. } => assert_eq!(path, "resources.memory_bytes"),
            other => panic!("{other:?}"),
        }
        let details = format!(
            r#"{{"object":"server","attributes":{},"meta":{{"is_server_owner":"yes","user_permissions":[]}}}}"#,
            server_attrs(1)
        );
        let err = decode::<ServerDetails>(details.as_bytes()).unwrap_err();
        let tree_err = decode_tree::<ServerDetails>(details.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), tree_err.to_string());
        assert!(err.to_string().contains("meta.is_server_owner"), "{err}");
    }

    #[test]
    fn what_is_not_json_is_said_so_whatever_the_model() {
        for bad in [
            &b"<html>"[..],
            b"{\"object\":\"list\",\"data\":[1,",
            b"{\"a\":1} trailing",
            b"",
            b"{\"a\":\"\xff\"}",
        ] {
            for err in [decode::<Stats>(bad).unwrap_err(), to_text(bad).unwrap_err()] {
                match err {
                    Error::Decode { path, message } => {
                        assert_eq!(path, "$");
                        assert!(message.starts_with("the answer is not valid JSON"), "{message}");
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        // Invalid JSON further on than a field that does not fit: still not JSON.
        let doc = br#"{"object":"stats","attributes":{"current_state":5,"is_suspended":false}"#;
        assert!(decode::<Stats>(doc).unwrap_err().to_string().contains("not valid JSON"));
    }

    // -----------------------------------------------------------------------------------------
    // Generated documents: every layout the rules know, in the panel's order or shuffled.

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len() as u64) as usize]
        }
    }

    struct Gen {
        r: Rng,
        /// Percent of objects written in a shuffled order.
        shuffle: u64,
    }

    impl Gen {
        /// An object of these entries (the first of a repeated key only: what a repeated key
        /// means is up to whoever reads it, and the panel repeats none).
        fn object(&mut self, entries: Vec<(String, String)>) -> String {
            let mut seen = std::collections::BTreeSet::new();
            let mut entries: Vec<(String, String)> =
                entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
            if self.r.chance(self.shuffle) {
                for i in (1..entries.len()).rev() {
                    let j = self.r.below(i as u64 + 1) as usize;
                    entries.swap(i, j);
                }
            }
            let sep = if self.r.chance(10) { ", " } else { "," };
            let colon = if self.r.chance(10) { " : " } else { ":" };
            let body: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}{colon}{v}", serde_json::to_string(&k).unwrap()))
                .collect();
            format!("{{{}}}", body.join(sep))
        }

        fn array(&mut self, items: Vec<String>) -> String {
            let sep = if self.r.chance(10) { " , " } else { "," };
            format!("[{}]", items.join(sep))
        }

        fn scalar(&mut self) -> String {
            let choices = [
                "null",
                "true",
                "false",
                "0",
                "-7",
                "2.50",
                "1e3",
                "-0",
                "123456789012345678901234",
                "18446744073709551615",
                r#""plain""#,
                r#""with \"quotes\" and \\ and \n""#,
                r#""\u00e9t\u00e9 \ud83d\ude00""#,
                r#""été""#,
                r#""""#,
                r#""list""#,
                r#""null_resource""#,
            ];
            self.r.pick(&choices).to_owned()
        }

        fn key(&mut self) -> String {
            // In the panel's layouts an `object` key only ever comes first, naming an envelope.
            let keys = ["name", "id", "data", "meta", "attributes", "a\"b", "ünï", "links", "x", "object"];
            let n = if self.shuffle == 0 { keys.len() - 1 } else { keys.len() };
            self.r.pick(&keys[..n]).to_owned()
        }

        fn plain(&mut self, depth: u32) -> String {
            match self.r.below(if depth > 3 { 1 } else { 5 }) {
                0 | 1 => self.scalar(),
                2 => {
                    let n = self.r.below(4);
                    let items = (0..n).map(|_| self.plain(depth + 1)).collect();
                    self.array(items)
                }
                3 => {
                    let n = self.r.below(4);
                    let entries = (0..n).map(|_| (self.key(), self.plain(depth + 1))).collect();
                    self.object(entries)
                }
                // Looks like an envelope, but sits where values are taken as they are.
                _ => {
                    let data = self.nested(depth + 1);
                    self.object(vec![
                        ("object".into(), r#""list""#.into()),
                        ("data".into(), format!("[{data}]")),
                    ])
                }
            }
        }

        fn attrs(&mut self, depth: u32) -> String {
            if self.r.chance(4) {
                return self.scalar();
            }
            if self.r.chance(4) {
                return "null".into();
            }
            let mut entries: Vec<(String, String)> =
                (0..self.r.below(4)).map(|_| (self.key(), self.plain(depth + 1))).collect();
            if self.r.chance(60) && depth < 4 {
                let rels = if self.r.chance(5) {
                    self.scalar()
                } else {
                    let n = self.r.below(4);
                    let names = ["allocations", "variables", "egg", "subusers", "tasks"];
                    let entries =
                        (0..n).map(|_| (self.r.pick(&names).to_owned(), self.nested(depth + 1))).collect();
                    self.object(entries)
                };
                entries.push(("relationships".into(), rels));
            }
            self.object(entries)
        }

        fn item(&mut self, depth: u32, doc: bool) -> String {
            let names = ["server", "allocation", "egg", "stats", "user"];
            let mut entries = if self.r.chance(10) {
                vec![("object".into(), r#""null_resource""#.into()), ("attributes".into(), "null".into())]
            } else {
                let name = self.r.pick(&names);
                vec![("object".into(), format!("\"{name}\"")), ("attributes".into(), self.attrs(depth))]
            };
            if self.r.chance(if doc { 50 } else { 10 }) {
                let meta = self.plain(depth + 1);
                entries.push(("meta".into(), meta));
            }
            if self.r.chance(5) {
                let extra = self.plain(depth + 1);
                entries.push(("links".into(), extra));
            }
            self.object(entries)
        }

        fn list(&mut self, depth: u32, doc: bool) -> String {
            let data = if self.r.chance(5) {
                self.scalar()
            } else {
                let n = self.r.below(if depth > 2 { 2 } else { 4 });
                let items = (0..n).map(|_| self.nested(depth + 1)).collect();
                self.array(items)
            };
            let mut entries = vec![("object".into(), r#""list""#.into()), ("data".into(), data)];
            if self.r.chance(if doc { 50 } else { 15 }) {
                let meta = self.plain(depth + 1);
                entries.push(("meta".into(), meta));
            }
            if self.r.chance(5) {
                let extra = self.plain(depth + 1);
                entries.push(("links".into(), extra));
            }
            self.object(entries)
        }

        fn nested(&mut self, depth: u32) -> String {
            match self.r.below(if depth > 4 { 2 } else { 10 }) {
                0 | 1 => self.plain(depth),
                2 => "{}".into(),
                3 | 4 => self.list(depth, false),
                _ => self.item(depth, false),
            }
        }

        fn doc(&mut self) -> String {
            match self.r.below(12) {
                0..=3 => self.list(0, true),
                4..=8 => self.item(0, true),
                9 => {
                    let inner = self.plain(1);
                    self.object(vec![("data".into(), inner)])
                }
                10 => {
                    let n = self.r.below(3);
                    let mut entries: Vec<(String, String)> =
                        (0..n).map(|_| (self.key(), self.plain(1))).collect();
                    entries.push(("data".into(), self.attrs(1)));
                    self.object(entries)
                }
                _ => self.plain(0),
            }
        }
    }

    /// Equal, but for the last bits of a float: a number that stood where an envelope could
    /// (`"attributes": 1.5`) is printed again, and serde_json's reading of a printed float may
    /// differ in its last bit (as for the tree's printed text).
    fn close(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) if x != y => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= x.abs().max(y.abs()) * 1e-15,
                _ => false,
            },
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
            }
            _ => a == b,
        }
    }

    /// A model shaped like the typed ones: optional relationships, everything else kept.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct ItemLike {
        #[serde(default)]
        relationships: Option<BTreeMap<String, Option<Value>>>,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct PageLike<T> {
        data: Vec<T>,
        meta: Value,
    }

    /// The direct decode and the tree-walking one agree: the same model or the same error.
    #[track_caller]
    fn agree<T: DeserializeOwned + PartialEq + fmt::Debug>(doc: &str) {
        let direct = decode::<T>(doc.as_bytes());
        let tree = decode_tree::<T>(doc.as_bytes());
        match (direct, tree) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{doc}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{doc}"),
            (a, b) => panic!("direct {a:?} but tree {b:?} for {doc}"),
        }
    }

    #[test]
    fn generated_documents_agree_with_the_oracle_every_way() {
        let mut ways: BTreeMap<String, usize> = BTreeMap::new();
        for (seed, shuffle) in
            [(0x9e37_79b9_7f4a_7c15_u64, 0), (0x2545_f491_4f6c_dd1d, 15), (0xdead_beef_cafe_f00d, 50)]
        {
            let mut g = Gen { r: Rng(seed), shuffle };
            for _ in 0..1000 {
                let doc = g.doc();
                let want = tree(&doc);
                let built = super::super::build(doc.as_bytes(), &mut ValueBuilder).unwrap();
                assert_eq!(built, want, "the one-pass builder on {doc}");
                let text = to_text(doc.as_bytes()).unwrap_or_else(|e| panic!("{e} for {doc}"));
                *ways.entry(format!("{:?} shuffle {shuffle}", last_way().unwrap())).or_default() += 1;
                let written = serde_json::from_str::<Value>(&text).unwrap();
                assert!(close(&written, &want), "text of {doc}: {text}");
                assert_eq!(decode::<Value>(doc.as_bytes()).unwrap(), want, "decode of {doc}");
                assert_eq!(decode_value(doc.as_bytes()).unwrap(), want, "decode_value of {doc}");
                agree::<Option<Value>>(&doc);
                agree::<Vec<Value>>(&doc);
                agree::<Vec<ItemLike>>(&doc);
                agree::<Vec<Option<ItemLike>>>(&doc);
                agree::<ItemLike>(&doc);
                agree::<PageLike<ItemLike>>(&doc);
                agree::<PageLike<Value>>(&doc);
            }
        }
        // In the panel's layouts, nothing needs the tree.
        assert!(!ways.contains_key("Tree shuffle 0"), "{ways:?}");
        assert!(ways.get("Stream shuffle 0").is_some_and(|n| *n > 300), "{ways:?}");
        assert!(ways.get("Split shuffle 0").is_some_and(|n| *n > 300), "{ways:?}");
    }

    /// A key that decides how an envelope is unwrapped, repeated: the last one counts, as in a
    /// tree, on every way (streaming has passed the first by then, and hands over).
    #[test]
    fn a_repeated_envelope_key_counts_as_in_a_tree() {
        let item = r#"{"object":"allocation","attributes":{"id":1}}"#;
        let docs = [
            // The fuzz target `answer` found this one: `meta` mistyped as a second `data`.
            format!(r#"{{"object":"list","data":[{item}],"data":{{"pagination":{{}}}}}}"#),
            format!(r#"{{"object":"list","data":[{item}],"meta":{{}},"data":[]}}"#),
            format!(r#"{{"object":"list","data":[{item}],"object":"server"}}"#),
            r#"{"object":"server","attributes":{"id":1},"attributes":{"id":2}}"#.to_owned(),
            r#"{"object":"server","attributes":{"id":1},"object":"null_resource"}"#.to_owned(),
            r#"{"object":"list","data":[{"object":"a","attributes":{"id":1},"attributes":{"id":2}}]}"#
                .to_owned(),
            r#"{"object":"list","data":[{"object":"null_resource","object":"a","attributes":{"id":3}}]}"#
                .to_owned(),
            r#"{"object":"list","data":[{"object":"list","data":[],"object":"a","attributes":{}}]}"#
                .to_owned(),
        ];
        for doc in &docs {
            let want = tree(doc);
            let written: Value = serde_json::from_str(&to_text(doc.as_bytes()).unwrap()).unwrap();
            assert_eq!(written, want, "text of {doc}");
            assert_eq!(decode::<Value>(doc.as_bytes()).unwrap(), want, "decode of {doc}");
            assert_eq!(decode_value(doc.as_bytes()).unwrap(), want, "decode_value of {doc}");
            assert_eq!(
                super::super::build(doc.as_bytes(), &mut ValueBuilder).unwrap(),
                want,
                "build of {doc}"
            );
            agree::<Option<Value>>(doc);
            agree::<Vec<Value>>(doc);
            agree::<Vec<Option<ItemLike>>>(doc);
            agree::<ItemLike>(doc);
            agree::<PageLike<Value>>(doc);
        }
    }
}
