//! Python objects ⇄ `serde_json::Value`, directly, without a JSON text round trip.

use pterodactyl_client::{Error, Raw};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Deeper parameter objects are refused: no operation takes more than two levels, and the limit
/// keeps a self-containing list from recursing without end.
const MAX_DEPTH: usize = 32;

/// Converts the parameters of a call into JSON. `None`, `bool`, `int`, finite `float`, `str`,
/// `dict` with `str` keys, `list` and `tuple` are accepted; anything else (sets, bytes, objects,
/// NaN) is refused with a message naming where it sits (`filter.name`).
pub fn to_value(obj: &Bound<'_, PyAny>) -> Result<Value, String> {
    let mut path = String::new();
    convert(obj, &mut path, 0)
}

fn convert(obj: &Bound<'_, PyAny>, path: &mut String, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("{} nests deeper than {MAX_DEPTH} levels", shown(path)));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // `bool` before `int`: in Python a bool is an int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(format!("{} is an integer too large for JSON", shown(path)));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract().map_err(|e| format!("{}: {e}", shown(path)))?;
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{} is {f}, which JSON cannot carry", shown(path)));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow().map_err(|_| format!("{} is not valid UTF-8 text", shown(path)))?;
        return Ok(Value::String(text.into_owned()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(format!(
                    "{} has a key of type {}; only str keys are allowed",
                    shown(path),
                    type_name(&key)
                ));
            };
            let key = key
                .to_cow()
                .map_err(|_| format!("{} has a key that is not valid UTF-8", shown(path)))?
                .into_owned();
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            let v = convert(&value, path, depth + 1)?;
            path.truncate(len);
            map.insert(key, v);
        }
        return Ok(Value::Object(map));
    }
    let items = if let Ok(list) = obj.cast::<PyList>() {
        Some(list.iter().collect::<Vec<_>>())
    } else {
        obj.cast::<PyTuple>().ok().map(|t| t.iter().collect())
    };
    if let Some(items) = items {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            out.push(convert(item, path, depth + 1)?);
            path.truncate(len);
        }
        return Ok(Value::Array(out));
    }
    Err(format!(
        "{} is of type {}, which is not JSON (use None, bool, int, float, str, list, tuple or dict)",
        shown(path),
        type_name(obj)
    ))
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "the value".to_owned()
    } else {
        format!("parameter `{path}`")
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned())
}

/// Converts a result of the core into plain Python objects: `dict`, `list`, `str`, `int`,
/// `float`, `bool` and `None`.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(PyString::new(py, k), to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Builds a call's answer as Python objects (see [`PyBuilder`]) with the cyclic garbage
/// collector paused. A large answer makes thousands of dicts and lists, and each counts towards
/// the next collection, which would walk the ones made so far although none can be garbage yet:
/// about 8% of the CPU of a 100-server list went there. The collector is switched back on as
/// soon as the answer is built (an error or a panic included), and only if it was on; the GIL is
/// held throughout and no Python code runs in between, so no other thread sees it off.
pub fn build_answer<'py>(py: Python<'py>, raw: &Raw) -> Result<Bound<'py, PyAny>, Error> {
    let _paused = GcPause::new(py);
    raw.build(&mut PyBuilder::new(py))
}

/// The items of one page of a paginated list (see `pterodactyl_client::RawPages`), built as
/// [`build_answer`] builds an answer: the page's `data`, in order.
pub fn page_items(py: Python<'_>, raw: &Raw) -> Result<Vec<Py<PyAny>>, Error> {
    let page = build_answer(py, raw)?;
    let data = page.cast::<PyDict>().ok().and_then(|page| page.get_item("data").ok().flatten());
    match data.as_ref().map(|data| data.cast::<PyList>()) {
        Some(Ok(items)) => Ok(items.iter().map(Bound::unbind).collect()),
        _ => Err(Error::Decode { path: "data".into(), message: "expected an array".into() }),
    }
}

/// The collector switched off until this is dropped (if it was on; nothing if `gc` fails).
struct GcPause<'py> {
    enable: Option<Bound<'py, PyAny>>,
}

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> Self {
        static ISENABLED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        static DISABLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        static ENABLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let pause = || -> PyResult<Option<Bound<'py, PyAny>>> {
            let enable = ENABLE.import(py, "gc", "enable")?.clone();
            if !ISENABLED.import(py, "gc", "isenabled")?.call0()?.is_truthy()? {
                return Ok(None);
            }
            DISABLE.import(py, "gc", "disable")?.call0()?;
            Ok(Some(enable))
        };
        GcPause { enable: pause().ok().flatten() }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(enable) = self.enable.take() {
            let _ = enable.call0();
        }
    }
}

/// Builds the one JSON shape straight from the panel's bytes as Python objects (see
/// `pterodactyl_client::shape::build`): no intermediate `serde_json::Value`, and each distinct
/// object key becomes one interned `str` shared by every dict of the answer.
pub struct PyBuilder<'py> {
    py: Python<'py>,
    keys: KeyCache<'py>,
}

impl<'py> PyBuilder<'py> {
    pub fn new(py: Python<'py>) -> Self {
        PyBuilder { py, keys: KeyCache::new() }
    }
}

/// The `str` made for each key. A key hashes to a slot and is looked for there and in the next
/// few; when they all hold other keys, it takes its own slot's place. A lookup is one cheap hash
/// and at most [`KeyCache::PROBES`] comparisons whatever the panel sends (the table never grows,
/// and a hostile panel's colliding keys only evict each other), and an answer's few dozen
/// distinct keys all find a place.
struct KeyCache<'py> {
    slots: Vec<Option<(Box<str>, Bound<'py, PyString>)>>,
}

impl<'py> KeyCache<'py> {
    const SLOTS: usize = 256;
    const PROBES: usize = 4;

    fn new() -> Self {
        KeyCache { slots: (0..Self::SLOTS).map(|_| None).collect() }
    }

    fn get(&mut self, py: Python<'py>, key: &str) -> Bound<'py, PyString> {
        let home = Self::slot_of(key);
        let mut free = None;
        for probe in 0..Self::PROBES {
            let at = (home + probe) % Self::SLOTS;
            match &self.slots[at] {
                Some((text, made)) if **text == *key => return made.clone(),
                Some(_) => {}
                None => {
                    free = Some(at);
                    break;
                }
            }
        }
        let made = PyString::intern(py, key);
        self.slots[free.unwrap_or(home)] = Some((key.into(), made.clone()));
        made
    }

    /// A multiply-rotate hash of the key's length and its first and last (up to) 8 bytes, read
    /// in place: enough to tell an answer's keys apart, and no copy of the key to hash it.
    fn slot_of(key: &str) -> usize {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let bytes = key.as_bytes();
        let len = bytes.len();
        let word8 = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
        let word4 =
            |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()));
        let (head, tail) = match len {
            8.. => (word8(0), word8(len - 8)),
            4.. => (word4(0), word4(len - 4)),
            1.. => {
                (u64::from(bytes[0]) << 16 | u64::from(bytes[len / 2]) << 8 | u64::from(bytes[len - 1]), 0)
            }
            0 => (0, 0),
        };
        let hash = ((len as u64 ^ head).wrapping_mul(K).rotate_left(26) ^ tail).wrapping_mul(K);
        (hash >> 32) as usize % Self::SLOTS
    }
}

impl<'py> pterodactyl_client::shape::Builder for PyBuilder<'py> {
    type Value = Bound<'py, PyAny>;
    type Key = Bound<'py, PyString>;
    type Error = PyErr;

    fn null(&mut self) -> PyResult<Self::Value> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn boolean(&mut self, v: bool) -> PyResult<Self::Value> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn int(&mut self, v: i64) -> PyResult<Self::Value> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }
    fn uint(&mut self, v: u64) -> PyResult<Self::Value> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }
    fn float(&mut self, v: f64) -> PyResult<Self::Value> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn string(&mut self, v: &str) -> PyResult<Self::Value> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn key(&mut self, k: &str) -> PyResult<Self::Key> {
        Ok(self.keys.get(self.py, k))
    }
    fn array(&mut self, items: Vec<Self::Value>) -> PyResult<Self::Value> {
        Ok(PyList::new(self.py, items)?.into_any())
    }
    fn object(&mut self, entries: Vec<(Self::Key, Self::Value)>) -> PyResult<Self::Value> {
        let dict = PyDict::new(self.py);
        for (k, v) in entries {
            dict.set_item(k, v)?;
        }
        Ok(dict.into_any())
    }
    fn insert(&mut self, object: &mut Self::Value, key: Self::Key, value: Self::Value) -> PyResult<()> {
        match object.cast::<PyDict>() {
            Ok(dict) => dict.set_item(key, value),
            Err(_) => Ok(()),
        }
    }
    fn is_object(&self, v: &Self::Value) -> bool {
        v.is_instance_of::<PyDict>()
    }
}
