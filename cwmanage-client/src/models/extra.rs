//! Unknown fields and `_info`, kept as the JSON text they arrived in.
//!
//! Every Manage record carries more fields than its model names, and `_info` objects
//! (links and metadata) on the record and on every reference in it. The models keep
//! all of it — nothing a server sends is dropped — but they do not decode it while a
//! page is read: [`Extra`] holds the JSON text of those entries, copied out of the
//! response in one pass, and parses it into a [`serde_json::Map`] only when it is first
//! read (it dereferences to that map: `ticket.extra.get("severity")`,
//! `ticket.info.as_ref().and_then(|i| i.get("lastUpdated"))`).
//!
//! Why: serde's `#[serde(flatten)]`, the usual way to keep unknown fields, makes serde
//! buffer every unknown entry into its private `Content` tree and decode it again into
//! `serde_json::Value`s, and a `_info: Value` builds a `BTreeMap` with its strings for
//! every reference. On a page of realistic tickets that made typed decoding three times
//! the cost of a plain struct with the same fields; copying the text costs a few percent
//! (see `BENCHMARKS.md`).
//!
//! How: the record's derived `Deserialize` runs through [`Capture`], a deserializer
//! wrapper. The derived visitor matches the keys as usual; where it would skip the value
//! of a key it does not know, the wrapper appends that value's raw JSON to a buffer
//! instead — through `serde_json`'s raw-value handshake, so a borrowed slice of the
//! response is copied and nothing is parsed twice. [`keep_unknown_fields!`] wires a model
//! to it.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The token serde_json uses to hand a value's raw text to a deserializer.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON object kept as its text and read on first access: the unknown fields of a
/// record (`extra`) and `_info` objects (`info`).
///
/// Nothing a server sends is dropped, but none of it is decoded while a page is read:
/// the entries' JSON text is copied out of the response in the same pass that decodes
/// the record's named fields. Keeping them as `serde_json::Value`s (what
/// `#[serde(flatten)]` into a map does, after buffering every entry once more) made a
/// page of realistic tickets take three times as long to decode as a plain struct with
/// the same fields; copying the text costs a few percent (see `BENCHMARKS.md`).
///
/// It dereferences to a [`serde_json::Map`] (parsed once, on first access), so reading
/// works as on a map — `get`, `contains_key`, `iter`, `len`, indexing — and so does
/// editing (`insert`, `remove`, through `DerefMut`). It serializes back as the same
/// entries; an edited one as its map.
///
/// ```
/// use cwmanage_client::models::Ticket;
///
/// let t: Ticket = serde_json::from_str(
///     r#"{"id": 7, "severity": "Medium", "_info": {"lastUpdated": "2025-04-01T10:00:00Z"}}"#,
/// )?;
/// assert_eq!(t.extra.get("severity").and_then(|v| v.as_str()), Some("Medium"));
/// assert_eq!(t.extra.raw_json(), Some(r#"{"severity":"Medium"}"#));
/// let info = t.info.as_ref().unwrap();
/// assert_eq!(info["lastUpdated"], "2025-04-01T10:00:00Z");
///
/// let mut t = t;
/// t.extra.insert("impact".into(), "Low".into());
/// let back = serde_json::to_value(&t)?;
/// assert_eq!(back["severity"], "Medium");
/// assert_eq!(back["impact"], "Low");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Extra {
    /// The JSON text as received (`{"k":v,…}`, or whatever value an `_info` held), or
    /// empty: then `map` is the content (none when unset).
    raw: Box<str>,
    /// The entries: parsed from `raw` on first access, or the content after an edit
    /// (boxed: an `Extra` is two words and a flag, as every model holds several).
    map: OnceLock<Box<Map<String, Value>>>,
}

impl Extra {
    /// No entries.
    pub fn new() -> Self {
        Extra::default()
    }

    /// Whether there are no entries (a `_info` that was not an object has none; the
    /// text `{}` is read without building a map).
    pub fn is_empty(&self) -> bool {
        if self.raw.is_empty() {
            return self.map.get().is_none_or(|map| map.is_empty());
        }
        let t = self.raw.trim();
        t == "{}" || !is_object_text(t) || self.as_map().is_empty()
    }

    /// The JSON text as received, while it has not been edited (`None` after an edit
    /// through `DerefMut`, or for an `Extra` built from a map).
    pub fn raw_json(&self) -> Option<&str> {
        (!self.raw.is_empty()).then_some(&*self.raw)
    }

    /// The entries as a map (parsed on first call; also what `*extra` gives). A `_info`
    /// that was not a JSON object reads as an empty map; its text stays in
    /// [`raw_json`](Self::raw_json) and is written back as it came.
    pub fn as_map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| Box::new(parse_object(&self.raw)))
    }

    /// The entries as an owned map.
    pub fn into_map(mut self) -> Map<String, Value> {
        self.as_map();
        self.map.take().map(|map| *map).unwrap_or_default()
    }

    /// The text of entries collected by [`Capture`] (`{"k":v,…` without its `}`).
    pub(crate) fn from_captured(mut raw: String) -> Self {
        if !raw.is_empty() {
            raw.push('}');
        }
        Extra {
            raw: raw.into_boxed_str(),
            map: OnceLock::new(),
        }
    }

    /// The entries of the text, borrowed from it, when it is an object.
    fn raw_entries(&self) -> Option<Vec<(KeyText<'_>, &RawValue)>> {
        if !is_object_text(&self.raw) {
            return None;
        }
        let mut de = serde_json::Deserializer::from_str(&self.raw);
        de.deserialize_map(EntriesVisitor).ok()
    }
}

/// Whether JSON text is an object (its first character is `{`).
fn is_object_text(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

fn parse_object(raw: &str) -> Map<String, Value> {
    if !is_object_text(raw) {
        return Map::new();
    }
    serde_json::from_str(raw).unwrap_or_default()
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        self.as_map()
    }
}

/// Editing parses the text first (once); from then on the map is the content.
impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.as_map();
        self.raw = Box::default();
        self.map.get_mut().expect("the map was just set")
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra {
            raw: Box::default(),
            map: OnceLock::from(Box::new(map)),
        }
    }
}

/// An object's entries; any other value is kept as its text (read as an empty map).
impl From<Value> for Extra {
    fn from(value: Value) -> Self {
        match value {
            Value::Object(map) => Extra::from(map),
            Value::Null => Extra::default(),
            other => Extra {
                raw: other.to_string().into_boxed_str(),
                map: OnceLock::new(),
            },
        }
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Extra::from(iter.into_iter().collect::<Map<String, Value>>())
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        if !self.raw.is_empty() && self.raw == other.raw {
            return true;
        }
        let odd = |e: &Extra| !e.raw.is_empty() && !is_object_text(&e.raw);
        if odd(self) || odd(other) {
            return self.raw == other.raw;
        }
        self.as_map() == other.as_map()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.raw.is_empty() && !is_object_text(&self.raw) {
            return f.write_str(&self.raw);
        }
        fmt::Debug::fmt(self.as_map(), f)
    }
}

/// The JSON text.
impl fmt::Display for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.raw.is_empty() {
            return f.write_str(&self.raw);
        }
        let text = serde_json::to_string(self.as_map()).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// As a map of the same entries (their values written as they came), so a model with
/// `#[serde(flatten)] extra` writes them beside its own fields.
impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.raw.is_empty() {
            return match self.map.get() {
                Some(map) => map.as_ref().serialize(serializer),
                None => serializer.serialize_map(Some(0))?.end(),
            };
        }
        match self.raw_entries() {
            Some(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in &entries {
                    map.serialize_entry(key.as_str(), value)?;
                }
                map.end()
            }
            // Not an object (an odd `_info`): the value as it came.
            None => match serde_json::from_str::<&RawValue>(&self.raw) {
                Ok(value) => value.serialize(serializer),
                Err(_) => self.as_map().serialize(serializer),
            },
        }
    }
}

/// From any JSON value: its text is copied (from serde_json; other deserializers go
/// through a `serde_json::Value`).
impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_TOKEN, ExtraVisitor)
    }
}

struct ExtraVisitor;

impl<'de> Visitor<'de> for ExtraVisitor {
    type Value = Extra;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
        let Some(first) = map.next_key::<KeyText<'de>>()? else {
            return Ok(Extra::from(Map::new()));
        };
        if first.as_str() == RAW_TOKEN {
            // serde_json's raw-value handshake: one entry whose value is the raw text.
            let mut raw = String::new();
            map.next_value_seed(TextSeed(&mut raw))?;
            return Ok(if raw.trim() == "null" {
                Extra::default()
            } else {
                Extra {
                    raw: raw.into_boxed_str(),
                    map: OnceLock::new(),
                }
            });
        }
        // A map from a deserializer without raw values.
        let mut out = Map::new();
        out.insert(first.into_string(), map.next_value()?);
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            out.insert(k, v);
        }
        Ok(Extra::from(out))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Extra, D::Error> {
        Value::deserialize(d).map(Extra::from)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Extra, E> {
        Ok(Extra::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Extra, E> {
        Ok(Extra::default())
    }
}

/// A key as the deserializer gave it: borrowed from the input when it can be.
enum KeyText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl KeyText<'_> {
    fn as_str(&self) -> &str {
        match self {
            KeyText::Borrowed(s) => s,
            KeyText::Owned(s) => s,
        }
    }

    fn into_string(self) -> String {
        match self {
            KeyText::Borrowed(s) => s.to_owned(),
            KeyText::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyText::Owned(v))
            }
            fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                std::str::from_utf8(v)
                    .map(KeyText::Borrowed)
                    .map_err(|_| E::custom("a field name is not UTF-8"))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                String::from_utf8(v.to_vec())
                    .map(KeyText::Owned)
                    .map_err(|_| E::custom("a field name is not UTF-8"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(KeyText::Owned(v.to_string()))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// The entries of an object's text, borrowed from it.
struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Vec<(KeyText<'de>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<KeyText<'de>>()? {
            entries.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(entries)
    }
}

/// Appends the raw text a deserializer hands over (borrowed or owned) to a string.
struct TextSeed<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw JSON text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v);
        Ok(())
    }
}

/// The first allocation of a record's unknown fields.
const FIRST_CAPACITY: usize = 512;

/// Appends `"key":raw` to the entries collected so far (opening the object first).
fn push_entry(out: &mut String, key: &KeyText<'_>, raw: &str) {
    if out.is_empty() {
        // Room for a typical record's unknown fields at once (trimmed when done).
        out.reserve(FIRST_CAPACITY.max(key.as_str().len() + raw.len() + 8));
        out.push('{');
    } else {
        out.push(',');
    }
    // A key borrowed from the input had no escape in it, so needs none.
    let key = match key {
        KeyText::Borrowed(k) => {
            out.push('"');
            out.push_str(k);
            out.push('"');
            None
        }
        KeyText::Owned(k) => Some(k.as_str()),
    };
    if let Some(key) = key {
        push_key(out, key);
    }
    out.push(':');
    out.push_str(raw.trim());
}

fn push_key(out: &mut String, key: &str) {
    if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(key);
        out.push('"');
    } else {
        // Keys arrive unescaped: escape them again.
        out.push_str(&Value::from(key).to_string());
    }
}

/// Deserializes one unknown entry's value as raw text, appended under its key.
struct AppendEntry<'a, 'k> {
    out: &'a mut String,
    key: &'a KeyText<'k>,
}

impl<'de> DeserializeSeed<'de> for AppendEntry<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, self)
    }
}

impl<'de> Visitor<'de> for AppendEntry<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // serde_json's raw-value handshake: one entry whose value is the raw text.
        let _token: Option<IgnoredAny> = map.next_key()?;
        map.next_value_seed(AppendText(self))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // A deserializer without raw values (serde's buffered content): via a Value.
        let value = Value::deserialize(d)?;
        push_entry(self.out, self.key, &value.to_string());
        Ok(())
    }
}

struct AppendText<'a, 'k>(AppendEntry<'a, 'k>);

impl<'de> DeserializeSeed<'de> for AppendText<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for AppendText<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw JSON text")
    }

    fn visit_str<E: de::Error>(self, raw: &str) -> Result<(), E> {
        push_entry(self.0.out, self.0.key, raw);
        Ok(())
    }
}

/// A deserializer wrapper that keeps a model's unknown fields. The derived visitor
/// matches every key itself; for a key it does not know it asks to ignore the value
/// (`next_value::<IgnoredAny>()`), and there — only there — the wrapper copies the
/// value's raw JSON under the key it saw last into `out` instead.
pub(crate) struct Capture<'a, D> {
    de: D,
    out: &'a mut String,
}

impl<'a, D> Capture<'a, D> {
    pub(crate) fn new(de: D, out: &'a mut String) -> Self {
        Capture { de, out }
    }
}

/// Forwards the `deserialize_*` methods of a wrapper to its inner deserializer.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*))*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.de.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, D> {
    type Error = D::Error;

    /// Read as a map, as `#[serde(flatten)]` had the models read (and so a model
    /// flattened into another type still sees every entry left to it).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de.deserialize_map(CaptureVisitor {
            visitor,
            out: self.out,
        })
    }

    forward! {
        deserialize_any()
        deserialize_bool()
        deserialize_i8()
        deserialize_i16()
        deserialize_i32()
        deserialize_i64()
        deserialize_i128()
        deserialize_u8()
        deserialize_u16()
        deserialize_u32()
        deserialize_u64()
        deserialize_u128()
        deserialize_f32()
        deserialize_f64()
        deserialize_char()
        deserialize_str()
        deserialize_string()
        deserialize_bytes()
        deserialize_byte_buf()
        deserialize_option()
        deserialize_unit()
        deserialize_unit_struct(name: &'static str)
        deserialize_newtype_struct(name: &'static str)
        deserialize_seq()
        deserialize_tuple(len: usize)
        deserialize_tuple_struct(name: &'static str, len: usize)
        deserialize_map()
        deserialize_enum(name: &'static str, variants: &'static [&'static str])
        deserialize_identifier()
        deserialize_ignored_any()
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

struct CaptureVisitor<'a, V> {
    visitor: V,
    out: &'a mut String,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CaptureVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(CaptureMap {
            map,
            out: self.out,
            key: KeyText::Borrowed(""),
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
}

struct CaptureMap<'a, 'de, A> {
    map: A,
    out: &'a mut String,
    /// The key just read (borrowed from the input when it can be).
    key: KeyText<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CaptureMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(KeyTee {
            seed,
            key: &mut self.key,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(ValueTee {
            seed,
            out: self.out,
            key: &self.key,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Hands a key to the derived field matcher, noting it on the way.
struct KeyTee<'k, 'de, K> {
    seed: K,
    key: &'k mut KeyText<'de>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeyTee<'_, 'de, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            de: d,
            key: self.key,
        })
    }
}

struct KeyDeserializer<'k, 'de, D> {
    de: D,
    key: &'k mut KeyText<'de>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, 'de, D> {
    type Error = D::Error;

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_identifier(KeyVisitorTee {
            visitor,
            key: self.key,
        })
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_str(KeyVisitorTee {
            visitor,
            key: self.key,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_any(KeyVisitorTee {
            visitor,
            key: self.key,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        ignored_any
    }
}

/// Notes the key's text, then lets the field matcher see it.
struct KeyVisitorTee<'k, 'de, V> {
    visitor: V,
    key: &'k mut KeyText<'de>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitorTee<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        *self.key = KeyText::Borrowed(v);
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        *self.key = KeyText::Owned(v.to_owned());
        self.visitor.visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        *self.key = KeyText::Owned(v.clone());
        self.visitor.visit_string(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        *self.key = KeyText::Owned(String::from_utf8_lossy(v).into_owned());
        self.visitor.visit_borrowed_bytes(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        *self.key = KeyText::Owned(String::from_utf8_lossy(v).into_owned());
        self.visitor.visit_bytes(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        *self.key = KeyText::Owned(v.to_string());
        self.visitor.visit_u64(v)
    }
}

/// Hands a field's value to the derived code; when that code ignores it (an unknown
/// key), the value's raw JSON is kept under the key instead.
struct ValueTee<'a, 'k, S> {
    seed: S,
    out: &'a mut String,
    key: &'a KeyText<'k>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ValueTee<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(ValueDeserializer {
            de: d,
            out: self.out,
            key: self.key,
        })
    }
}

struct ValueDeserializer<'a, 'k, D> {
    de: D,
    out: &'a mut String,
    key: &'a KeyText<'k>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ValueDeserializer<'_, '_, D> {
    type Error = D::Error;

    /// What the derived code asks for an unknown key: the value is kept, not skipped.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_newtype_struct(
            RAW_TOKEN,
            AppendEntry {
                out: self.out,
                key: self.key,
            },
        )?;
        visitor.visit_unit()
    }

    forward! {
        deserialize_any()
        deserialize_bool()
        deserialize_i8()
        deserialize_i16()
        deserialize_i32()
        deserialize_i64()
        deserialize_i128()
        deserialize_u8()
        deserialize_u16()
        deserialize_u32()
        deserialize_u64()
        deserialize_u128()
        deserialize_f32()
        deserialize_f64()
        deserialize_char()
        deserialize_str()
        deserialize_string()
        deserialize_bytes()
        deserialize_byte_buf()
        deserialize_option()
        deserialize_unit()
        deserialize_unit_struct(name: &'static str)
        deserialize_newtype_struct(name: &'static str)
        deserialize_seq()
        deserialize_tuple(len: usize)
        deserialize_tuple_struct(name: &'static str, len: usize)
        deserialize_map()
        deserialize_struct(name: &'static str, fields: &'static [&'static str])
        deserialize_enum(name: &'static str, variants: &'static [&'static str])
        deserialize_identifier()
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Makes a model keep its unknown fields in `extra` without `#[serde(flatten)]`'s
/// buffering: wrap the struct in it, derive `Serialize` but not `Deserialize`, and mark
/// the field `#[serde(flatten, skip_deserializing)] pub extra: Extra`. The struct's own
/// attributes apply unchanged (a private twin derives the field decoding with
/// `#[serde(remote)]`); the `Deserialize` impl runs it through [`Capture`].
macro_rules! keep_unknown_fields {
    ($(#[$attr:meta])* $vis:vis struct $name:ident { $($body:tt)* }) => {
        $(#[$attr])*
        $vis struct $name { $($body)* }

        const _: () = {
            type Remote = $name;

            #[derive(serde::Deserialize)]
            #[serde(remote = "Remote")]
            $(#[$attr])*
            #[allow(dead_code, unreachable_pub, missing_docs)]
            struct Fields { $($body)* }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let mut raw = String::new();
                    let mut value =
                        Fields::deserialize($crate::models::extra::Capture::new(d, &mut raw))?;
                    value.extra = $crate::models::Extra::from_captured(raw);
                    Ok(value)
                }
            }
        };
    };
}

pub(crate) use keep_unknown_fields;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_info_values_are_kept_as_text() {
        let e: Extra = serde_json::from_str(r#""just text""#).unwrap();
        assert!(e.as_map().is_empty());
        assert_eq!(e.to_string(), r#""just text""#);
        assert_eq!(serde_json::to_string(&e).unwrap(), r#""just text""#);
        let e: Extra = serde_json::from_str(r#"{"a": [1, {"b": null}]}"#).unwrap();
        assert_eq!(e["a"][1]["b"], Value::Null);
        let from_value: Extra =
            serde_json::from_value(serde_json::json!({"a": [1, {"b": null}]})).unwrap();
        assert_eq!(e, from_value);
    }
}
