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

use std::borrow::Cow;

use serde_json::Value;

mod direct;

pub use direct::{decode, decode_value, to_text};

/// Unwraps a whole response document (see the module docs). The same rules as [`build`],
/// applied to a document already decoded.
pub fn normalize(doc: Value) -> Value {
    match build(doc.to_string().as_bytes(), &mut ValueBuilder) {
        Ok(v) => v,
        Err(_) => unreachable!("a Value always prints as valid JSON"),
    }
}

/// Receives the one JSON shape while the panel's bytes are decoded, so that a front can build
/// its own objects (Python dicts and lists) in one pass, with no intermediate [`Value`]. The
/// unwrapping rules are [`build`]'s, the same as [`normalize`]'s.
pub trait Builder {
    /// What a JSON value becomes.
    type Value;
    /// What an object key becomes.
    type Key;
    /// What building can fail with.
    type Error: std::fmt::Display;
    /// `null`.
    fn null(&mut self) -> Result<Self::Value, Self::Error>;
    /// `true` or `false`.
    fn boolean(&mut self, v: bool) -> Result<Self::Value, Self::Error>;
    /// A negative integer.
    fn int(&mut self, v: i64) -> Result<Self::Value, Self::Error>;
    /// A non-negative integer.
    fn uint(&mut self, v: u64) -> Result<Self::Value, Self::Error>;
    /// A number with a fraction or exponent.
    fn float(&mut self, v: f64) -> Result<Self::Value, Self::Error>;
    /// A string.
    fn string(&mut self, v: &str) -> Result<Self::Value, Self::Error>;
    /// An object key.
    fn key(&mut self, k: &str) -> Result<Self::Key, Self::Error>;
    /// An array of built values.
    fn array(&mut self, items: Vec<Self::Value>) -> Result<Self::Value, Self::Error>;
    /// An object of built entries, in document order.
    fn object(&mut self, entries: Vec<(Self::Key, Self::Value)>) -> Result<Self::Value, Self::Error>;
    /// Adds an entry to a value made by [`Builder::object`] (an item's top-level `meta`); does
    /// nothing to any other value.
    fn insert(
        &mut self,
        object: &mut Self::Value,
        key: Self::Key,
        value: Self::Value,
    ) -> Result<(), Self::Error>;
    /// Whether a value was made by [`Builder::object`].
    fn is_object(&self, v: &Self::Value) -> bool;
}

/// Decodes a whole response document straight into `builder`, unwrapping it as [`normalize`]
/// does. Fails with the decoder's message when the bytes are not JSON.
pub fn build<B: Builder>(json: &[u8], builder: &mut B) -> Result<B::Value, String> {
    // UTF-8 checked once for the whole document rather than string by string (the error, if
    // any, is then the decoder's own, with its position).
    let out = match std::str::from_utf8(json) {
        Ok(text) => build_from(serde_json::Deserializer::from_str(text), builder),
        Err(_) => build_from(serde_json::Deserializer::from_slice(json), builder),
    };
    match out.map_err(|e| e.to_string())? {
        Out::Value(v) => Ok(v),
        Out::Name(_) => unreachable!("only an `object` key's value is kept as a name"),
    }
}

fn build_from<'de, R: serde_json::de::Read<'de>, B: Builder>(
    mut de: serde_json::Deserializer<R>,
    builder: &mut B,
) -> serde_json::Result<Out<'de, B::Value>> {
    use serde::de::DeserializeSeed;
    let out = Seed { ctx: Ctx::Doc, b: builder }.deserialize(&mut de)?;
    de.end()?;
    Ok(out)
}

/// [`build`]'s builder of [`Value`]s, used by [`Client::call`](crate::Client::call).
#[derive(Debug, Default)]
pub struct ValueBuilder;

impl Builder for ValueBuilder {
    type Value = Value;
    type Key = String;
    type Error = std::convert::Infallible;
    fn null(&mut self) -> Result<Value, Self::Error> {
        Ok(Value::Null)
    }
    fn boolean(&mut self, v: bool) -> Result<Value, Self::Error> {
        Ok(Value::Bool(v))
    }
    fn int(&mut self, v: i64) -> Result<Value, Self::Error> {
        Ok(Value::from(v))
    }
    fn uint(&mut self, v: u64) -> Result<Value, Self::Error> {
        Ok(Value::from(v))
    }
    fn float(&mut self, v: f64) -> Result<Value, Self::Error> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn string(&mut self, v: &str) -> Result<Value, Self::Error> {
        Ok(Value::String(v.to_owned()))
    }
    fn key(&mut self, k: &str) -> Result<String, Self::Error> {
        Ok(k.to_owned())
    }
    fn array(&mut self, items: Vec<Value>) -> Result<Value, Self::Error> {
        Ok(Value::Array(items))
    }
    fn object(&mut self, entries: Vec<(String, Value)>) -> Result<Value, Self::Error> {
        Ok(Value::Object(entries.into_iter().collect()))
    }
    fn insert(&mut self, object: &mut Value, key: String, value: Value) -> Result<(), Self::Error> {
        if let Value::Object(map) = object {
            map.insert(key, value);
        }
        Ok(())
    }
    fn is_object(&self, v: &Value) -> bool {
        v.is_object()
    }
}

/// Where a value sits, which decides how it is unwrapped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The whole document.
    Doc,
    /// A list entry or a relationship: maybe an envelope.
    Nested,
    /// An item's attributes: `relationships` holds envelopes.
    Attrs,
    /// The `relationships` object.
    Rels,
    /// A list's `data`: an array of envelopes.
    Data,
    /// The value of an `object` key: kept as text when it is a string.
    ObjectName,
    /// Anything else: taken as it is.
    Plain,
}

enum Out<'de, V> {
    Value(V),
    /// The text of an `object` key: the envelope's name, built as a string only if the object
    /// turns out not to be an envelope.
    Name(Cow<'de, str>),
}

struct Seed<'b, B> {
    ctx: Ctx,
    b: &'b mut B,
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Hands an object key to a model's key seed as the map reads it (no [`Key`] in between), and
/// gives the key back too (borrowed when it has no escapes) for the caller's own look at it.
pub(crate) struct KeySeed<K>(pub(crate) K);

impl<'de, K: serde::de::DeserializeSeed<'de>> serde::de::DeserializeSeed<'de> for KeySeed<K> {
    type Value = (K::Value, Cow<'de, str>);
    #[inline(always)]
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: serde::de::DeserializeSeed<'de>> serde::de::Visitor<'de> for KeySeed<K> {
    type Value = (K::Value, Cow<'de, str>);
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }
    #[inline(always)]
    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        let de = serde::de::value::BorrowedStrDeserializer::new(key);
        Ok((self.0.deserialize(de)?, Cow::Borrowed(key)))
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        use serde::de::IntoDeserializer;
        Ok((self.0.deserialize(key.into_deserializer())?, Cow::Owned(key.to_owned())))
    }
    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Self::Value, E> {
        use serde::de::IntoDeserializer;
        Ok((self.0.deserialize(key.as_str().into_deserializer())?, Cow::Owned(key)))
    }
}

fn fail<B: Builder, E: serde::de::Error>(e: B::Error) -> E {
    E::custom(e)
}

impl<'de, B: Builder> serde::de::DeserializeSeed<'de> for Seed<'_, B> {
    type Value = Out<'de, B::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: Builder> serde::de::Visitor<'de> for Seed<'_, B> {
    type Value = Out<'de, B::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.b.null().map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.b.boolean(v).map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.b.int(v).map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.b.uint(v).map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.b.float(v).map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        if self.ctx == Ctx::ObjectName {
            return Ok(Out::Name(Cow::Borrowed(v)));
        }
        self.b.string(v).map(Out::Value).map_err(fail::<B, E>)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if self.ctx == Ctx::ObjectName {
            return Ok(Out::Name(Cow::Owned(v.to_owned())));
        }
        self.b.string(v).map(Out::Value).map_err(fail::<B, E>)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let item_ctx = if self.ctx == Ctx::Data { Ctx::Nested } else { Ctx::Plain };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(out) = seq.next_element_seed(Seed { ctx: item_ctx, b: &mut *self.b })? {
            items.push(value(self.b, out)?);
        }
        self.b.array(items).map(Out::Value).map_err(fail::<B, A::Error>)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if matches!(self.ctx, Ctx::Doc | Ctx::Nested) {
            return self.envelope(map);
        }
        let mut entries: Vec<(B::Key, B::Value)> = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let ctx = match (self.ctx, key.as_ref()) {
                (Ctx::Attrs, "relationships") => Ctx::Rels,
                (Ctx::Rels, _) => Ctx::Nested,
                _ => Ctx::Plain,
            };
            let k = self.b.key(&key).map_err(fail::<B, A::Error>)?;
            let out = map.next_value_seed(Seed { ctx, b: &mut *self.b })?;
            entries.push((k, value(self.b, out)?));
        }
        self.b.object(entries).map(Out::Value).map_err(fail::<B, A::Error>)
    }
}

impl<B: Builder> Seed<'_, B> {
    /// An object where an envelope may stand (the document, a list entry, a relationship).
    /// Its entries are kept with their keys' text, and the keys are built only if it turns out
    /// not to be an envelope: an envelope's own keys (`object`, `attributes`, about half the
    /// keys of a list) never reach the result.
    fn envelope<'de, A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Out<'de, B::Value>, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, B::Value)> = Vec::with_capacity(map.size_hint().unwrap_or(4));
        // The envelope's name, and where its entry stands.
        let mut name = None::<(Cow<'de, str>, usize)>;
        let (mut attributes, mut data, mut meta) = (None::<usize>, None::<usize>, None::<usize>);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let (ctx, slot) = match key.as_ref() {
                "object" => (Ctx::ObjectName, None),
                "attributes" => (Ctx::Attrs, Some(&mut attributes)),
                "data" => (Ctx::Data, Some(&mut data)),
                "meta" => (Ctx::Plain, Some(&mut meta)),
                _ => (Ctx::Plain, None),
            };
            if let Some(slot) = slot {
                *slot = Some(entries.len());
            }
            match map.next_value_seed(Seed { ctx, b: &mut *self.b })? {
                Out::Name(text) => {
                    // Built only if this turns out not to be an envelope.
                    name = Some((text, entries.len()));
                    let placeholder = self.b.null().map_err(fail::<B, A::Error>)?;
                    entries.push((key, placeholder));
                }
                Out::Value(v) => entries.push((key, v)),
            }
        }
        let result = match name.as_ref().map(|(text, _)| text.as_ref()) {
            Some("null_resource") if attributes.is_some() || self.ctx == Ctx::Nested => self.b.null(),
            Some("list") => {
                let data = match data {
                    Some(i) => swap_out(self.b, &mut entries, i)?,
                    None => self.b.null().map_err(fail::<B, A::Error>)?,
                };
                match meta {
                    Some(i) if self.ctx == Ctx::Doc => {
                        let meta = swap_out(self.b, &mut entries, i)?;
                        let (kd, km) = (self.b.key("data"), self.b.key("meta"));
                        let (kd, km) = (kd.map_err(fail::<B, A::Error>)?, km.map_err(fail::<B, A::Error>)?);
                        self.b.object(vec![(kd, data), (km, meta)])
                    }
                    _ => Ok(data),
                }
            }
            Some(_) if attributes.is_some() => {
                let mut item = swap_out(self.b, &mut entries, attributes.unwrap_or_default())?;
                if let (Ctx::Doc, Some(i)) = (self.ctx, meta) {
                    if self.b.is_object(&item) {
                        let meta = swap_out(self.b, &mut entries, i)?;
                        let km = self.b.key("meta").map_err(fail::<B, A::Error>)?;
                        self.b.insert(&mut item, km, meta).map_err(fail::<B, A::Error>)?;
                    }
                }
                Ok(item)
            }
            None if self.ctx == Ctx::Doc
                && meta.is_none()
                && entries.len() == 1
                && data.is_some()
                && self.b.is_object(&entries[0].1) =>
            {
                Ok(entries.pop().map(|(_, v)| v).unwrap_or_else(|| unreachable!()))
            }
            _ => {
                // Not an envelope: a plain object after all, its keys built now.
                if let Some((text, at)) = &name {
                    entries[*at].1 = self.b.string(text).map_err(fail::<B, A::Error>)?;
                }
                let mut built = Vec::with_capacity(entries.len());
                for (key, v) in entries {
                    built.push((self.b.key(&key).map_err(fail::<B, A::Error>)?, v));
                }
                self.b.object(built)
            }
        };
        result.map(Out::Value).map_err(fail::<B, A::Error>)
    }
}

/// Takes an entry's value out of the list, leaving a `null` in its place.
fn swap_out<B: Builder, K, E: serde::de::Error>(
    b: &mut B,
    entries: &mut [(K, B::Value)],
    at: usize,
) -> Result<B::Value, E> {
    let placeholder = b.null().map_err(fail::<B, E>)?;
    Ok(std::mem::replace(&mut entries[at].1, placeholder))
}

fn value<B: Builder, E: serde::de::Error>(b: &mut B, out: Out<'_, B::Value>) -> Result<B::Value, E> {
    match out {
        Out::Value(v) => Ok(v),
        Out::Name(text) => b.string(&text).map_err(fail::<B, E>),
    }
}

#[cfg(test)]
mod oracle {
    //! The rules written once more as a walk over a decoded `Value`, to check [`super::build`].
    use serde_json::{Map, Value};

    pub(super) fn normalize(doc: Value) -> Value {
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
                not_an_envelope(map)
            }
        }
    }

    /// An object where an envelope could stand that is not one: its `data` and `attributes` are
    /// still read as a list's entries and an item's attributes (a one-pass builder meets them
    /// before it can know that the object is no envelope).
    fn not_an_envelope(mut map: Map<String, Value>) -> Value {
        if let Some(data) = map.get_mut("data") {
            *data = unwrap_list(data.take());
        }
        if let Some(attrs) = map.get_mut("attributes") {
            *attrs = unwrap_attrs(attrs.take());
        }
        Value::Object(map)
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
            _ => not_an_envelope(map),
        }
    }

    fn unwrap_item(mut map: Map<String, Value>) -> Value {
        if map.get("object").and_then(Value::as_str) == Some("null_resource") {
            return Value::Null;
        }
        unwrap_attrs(map.remove("attributes").unwrap_or(Value::Null))
    }

    fn unwrap_attrs(mut attrs: Value) -> Value {
        if let Some(Value::Object(rels)) = attrs.get_mut("relationships") {
            for value in rels.values_mut() {
                *value = unwrap_nested(value.take());
            }
        }
        attrs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn build_agrees_with_the_tree_walking_oracle() {
        let item = |name: &str, attrs: Value| json!({"object": name, "attributes": attrs});
        let docs = [
            json!({"object": "list", "data": [item("server", json!({"name": "a", "relationships": {
                "allocations": {"object": "list", "data": [item("allocation", json!({"id": 1}))]},
                "variables": {"object": "null_resource", "attributes": null},
                "egg": item("egg", json!({"name": "Paper"})),
                "subusers": {"object": "list", "data": []}
            }}))], "meta": {"pagination": {"total": 1, "links": {}}}}),
            item("stats", json!({"current_state": "running", "resources": {"cpu_absolute": 1.5}})),
            json!({"object": "server", "attributes": {"name": "x"}, "meta": {"is_server_owner": true}}),
            json!({"object": "list", "data": [item("egg_variable", json!({"env_variable": "A"}))],
                   "meta": {"startup_command": "java", "docker_images": {"J": "j"}}}),
            json!({"data": {"token": "t", "socket": "wss://x"}}),
            json!({"data": {"token": "t"}, "other": 1}),
            json!({"object": "null_resource", "attributes": null}),
            json!({"object": "signed_url", "attributes": {"url": "https://x"}}),
            json!({"object": "weird", "value": [1, {"object": "list"}]}),
            json!({"object": 5, "attributes": {"a": 1}}),
            json!([]),
            json!([{"object": "x", "attributes": {}}]),
            json!("text"),
            json!(null),
            json!({"object": "activity_log", "attributes": {"properties": {"object": "list", "data": [1]},
                   "relationships": {"actor": item("user", json!({"username": "o"}))}}}),
        ];
        for doc in docs {
            let built = build(doc.to_string().as_bytes(), &mut ValueBuilder).unwrap();
            assert_eq!(built, oracle::normalize(doc.clone()), "{doc}");
        }
    }

    #[test]
    fn build_refuses_what_is_not_json() {
        assert!(build(b"<html>", &mut ValueBuilder).is_err());
        assert!(build(b"{\"a\": 1} trailing", &mut ValueBuilder).is_err());
    }

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
