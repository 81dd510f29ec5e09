//! Typed models of the panel's answers, in the crate's one JSON shape (see
//! [`shape`](crate::shape)).
//!
//! Every model keeps the fields it does not know in `extra`, so a newer panel or Pelican never
//! breaks decoding, and serializes back to exactly the shape the C and Python fronts hand out.
//!
//! The models live in one file per area and are all re-exported here (and at the crate root).

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares a model that keeps the fields it does not name in `pub extra: Extra` (added last,
/// flattened when serialized), with a `Deserialize` that fills `extra` as it reads.
///
/// `#[serde(flatten)]` would do the same on its own, but serde then buffers the whole object
/// in a tree of its own before decoding the struct from it: for a page of 100 servers that was
/// a third of the typed decode (`ptero-bench decode`). Here serde's derive decodes a twin of the
/// struct without `extra` (the same fields, types and field attributes, so the same rules and
/// error messages), and [`with_extra`] keeps the values of the keys the twin skips.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
            /// Fields the panel sent that this model does not name, as they came.
            #[serde(flatten)]
            pub extra: $crate::models::Extra,
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // The twin, named like the model for serde's messages ("struct Server").
                #[derive(serde::Deserialize)]
                struct $name {
                    $( $(#[$field_meta])* $field: $ty, )*
                }
                let ($name { $($field),* }, extra) = $crate::models::with_extra::<$name, D>(d)?;
                Ok(Self { $($field,)* extra })
            }
        }
    };
}

mod account;
mod activity;
mod backups;
mod databases;
mod files;
mod schedules;
mod server;
mod users;

pub use account::*;
pub use activity::*;
pub use backups::*;
pub use databases::*;
pub use files::*;
pub use schedules::*;
pub use server::*;
pub use users::*;

/// Fields a model does not name, kept as they came.
pub type Extra = Map<String, Value>;

// `Option<Option<T>>` tells "not included" (outer None) from "included as null_resource".
pub(crate) fn is_absent<T>(v: &Option<Option<T>>) -> bool {
    v.is_none()
}

// A key that is present (even as `null`) is `Some(..)`; `default` covers the absent key.
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Decodes `T` (a struct with serde's derived `Deserialize`) from `d`, and hands back apart the
/// entries whose keys `T` does not name: what `flatten` would have put in `extra` (see
/// [`model!`]). The object is read once, in order; only the unnamed values become `Value`s.
pub(crate) fn with_extra<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<(T, Extra), D::Error> {
    let mut extra = Extra::new();
    let named = T::deserialize(Split { inner: d, extra: &mut extra })?;
    Ok((named, extra))
}

/// The deserializer [`with_extra`] gives the twin: its `deserialize_struct` (the only thing a
/// derived struct asks) reads the object as a map, as `flatten` does (so the value may also be
/// the remaining entries of an outer struct that flattens this one).
struct Split<'e, D> {
    inner: D,
    extra: &'e mut Extra,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Split<'_, D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(Named { inner: visitor, extra: self.extra, key: None })
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The twin's visitor (wrapping serde's) and then the object's entries (wrapping the map). Every
/// key goes to the twin's own field matching; a key it does not name is one whose value it skips
/// (`deserialize_ignored_any`, which is how a derived struct skips an unknown field), and
/// [`Unnamed`] decodes that value into `extra` instead. No key is matched twice.
struct Named<'e, 'de, T> {
    inner: T,
    extra: &'e mut Extra,
    /// The key whose value comes next.
    key: Option<Cow<'de, str>>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Named<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Named { inner: map, extra: self.extra, key: None })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Named<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some((field, key)) = self.inner.next_key_seed(crate::shape::KeySeed(seed))? else {
            return Ok(None);
        };
        self.key = Some(key);
        Ok(Some(field))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let key = self.key.take();
        self.inner.next_value_seed(Unnamed { inner: seed, key, extra: self.extra })
    }
}

/// An entry's value, as the twin asks for it: passed on untouched, unless the twin skips it.
/// It wraps the twin's seed, and then (once the map hands over the value's deserializer) that
/// deserializer.
struct Unnamed<'e, 'de, S> {
    inner: S,
    key: Option<Cow<'de, str>>,
    extra: &'e mut Extra,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Unnamed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Unnamed { inner: d, key: self.key, extra: self.extra })
    }
}

/// Forwards a `Deserializer` method to the wrapped one.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Unnamed<'_, 'de, D> {
    type Error = D::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let value = Value::deserialize(self.inner)?;
        if let Some(key) = self.key {
            // As `flatten` does: the last of a repeated key counts.
            self.extra.insert(key.into_owned(), value);
        }
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }

    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_option();
        deserialize_unit(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq();
        deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }
}

/// One page of a paginated list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The entries of this page.
    pub data: Vec<T>,
    /// Pagination and any other `meta` the panel sent.
    pub meta: PageMeta,
}

impl<T> Page<T> {
    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.meta.pagination.current_page < self.meta.pagination.total_pages
    }
}

model! {
    /// `meta` of a paginated list: the pagination, and any other `meta` the panel sent in
    /// `extra` (`backup_count`, ...).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct PageMeta {
        /// Where this page sits.
        pub pagination: Pagination,
    }
}

impl PageMeta {
    /// `meta.backup_count` of `server.backups.list`: the server's backups that did not fail
    /// (all pages), which is what counts against its backup limit.
    pub fn backup_count(&self) -> Option<u64> {
        self.extra.get("backup_count").and_then(Value::as_u64)
    }
}

model! {
    /// `meta.pagination` (its `links` are in `extra`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Pagination {
        /// Entries in all pages.
        pub total: u64,
        /// Entries in this page.
        pub count: u64,
        /// Page size.
        pub per_page: u64,
        /// This page's number, from 1.
        pub current_page: u64,
        /// Number of pages.
        pub total_pages: u64,
    }
}

/// Test support: decodes a sample of the one JSON shape into `T`, checks that it serializes back
/// to exactly the sample, and hands the model back for field checks.
#[cfg(test)]
#[track_caller]
pub(crate) fn round_trip<T>(sample: Value) -> T
where
    T: serde::de::DeserializeOwned + Serialize,
{
    let model: T = match crate::client::decode(sample.clone()) {
        Ok(model) => model,
        Err(e) => panic!("the sample does not decode: {e}"),
    };
    assert_eq!(serde_json::to_value(&model).unwrap(), sample, "serializing changed the shape");
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unknown keys reach `extra` and known ones their field, however the key is written (an
    /// escaped key is decoded, not borrowed) and whichever way the object is read: straight from
    /// the bytes, or from a `Value`.
    #[test]
    fn keys_go_to_their_field_or_to_extra() {
        let text = r#"{"total":5,"c\u006funt":2,"per_page":2,"current_page":1,"total_pages":3,
            "links":{"next":"?page=2"},"ne\u0077_key":[1],"links":"last wins"}"#;
        let from_bytes: Pagination = serde_json::from_str(text).unwrap();
        let from_value: Pagination =
            serde_json::from_value(serde_json::from_str::<Value>(text).unwrap()).unwrap();
        for p in [from_bytes, from_value] {
            assert_eq!((p.total, p.count, p.per_page, p.total_pages), (5, 2, 2, 3));
            assert_eq!(p.extra.len(), 2, "{:?}", p.extra);
            assert_eq!(p.extra["new_key"], serde_json::json!([1]));
            assert_eq!(p.extra["links"], "last wins");
        }
    }

    /// A field the model names keeps its own errors: the wrong type is not taken into `extra`.
    #[test]
    fn a_named_field_of_the_wrong_type_fails() {
        let e = serde_json::from_str::<Pagination>(
            r#"{"total":"5","count":2,"per_page":2,"current_page":1,"total_pages":3}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("invalid type: string \"5\", expected u64"), "{e}");
    }
}
