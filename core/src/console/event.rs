//! What a [`Console`](super::Console) hands out: Wings' events, decoded, and the console's own
//! reports about the connection.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::models::Extra;

/// Resource usage as Wings sends it in a `stats` event (`args[0]`, a JSON string).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsoleStats {
    /// Memory in use, in bytes.
    #[serde(default)]
    pub memory_bytes: u64,
    /// The container's memory limit, in bytes.
    #[serde(default)]
    pub memory_limit_bytes: u64,
    /// CPU use in percent of one core (200.0 is two cores busy).
    #[serde(default)]
    pub cpu_absolute: f64,
    /// Bytes received and sent.
    #[serde(default)]
    pub network: ConsoleNetwork,
    /// Milliseconds since the process started (0 when offline).
    #[serde(default)]
    pub uptime: i64,
    /// `offline`, `starting`, `running` or `stopping`.
    #[serde(default)]
    pub state: String,
    /// Disk in use, in bytes.
    #[serde(default)]
    pub disk_bytes: i64,
    /// Fields a newer Wings may add.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Network counters of [`ConsoleStats`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsoleNetwork {
    /// Bytes received.
    #[serde(default)]
    pub rx_bytes: u64,
    /// Bytes sent.
    #[serde(default)]
    pub tx_bytes: u64,
}

/// The result of a backup, from a `backup completed:<uuid>` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BackupCompletion {
    /// The backup's UUID.
    #[serde(default)]
    pub uuid: String,
    /// Whether the backup succeeded.
    #[serde(default)]
    pub is_successful: bool,
    /// The archive's checksum (empty when it failed).
    #[serde(default)]
    pub checksum: String,
    /// The checksum's algorithm (`sha1`).
    #[serde(default)]
    pub checksum_type: String,
    /// The archive's size in bytes.
    #[serde(default)]
    pub file_size: u64,
    /// Fields a newer Wings may add.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Why a [`Event::Gap`] was reported: output between the previous event and the gap may be
/// missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GapCause {
    /// The connection was lost and made again.
    Reconnect,
    /// The token expired before a fresh one was in place, and Wings withheld events meanwhile.
    Token,
    /// The caller did not take events as fast as they came, and the console's queue
    /// ([`ConsoleOptions::max_queued_events`](super::ConsoleOptions::max_queued_events)) was full.
    Overflow,
}

impl GapCause {
    /// `"reconnect"`, `"token"` or `"overflow"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            GapCause::Reconnect => "reconnect",
            GapCause::Token => "token",
            GapCause::Overflow => "overflow",
        }
    }
}

/// One event of the console: an event of Wings (the name is Wings' event name), or one of the
/// console's own reports about the connection ([`Event::Disconnected`], [`Event::Gap`]).
///
/// An event Wings sends that this version does not know comes as [`Event::Other`], never as an
/// error. [`Event::name`] and [`Event::args`] give every event in Wings' own form.
///
/// ```no_run
/// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
/// use pterodactyl_client::Event;
/// let console = client.server("d3aac109").console()?;
/// for event in &console {
///     match event? {
///         Event::Output(line) => println!("{line}"),
///         Event::Status(state) => println!("-- {state} --"),
///         Event::Gap { .. } => println!("-- output may be missing here --"),
///         _ => {}
///     }
/// }
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `console output`: one line of the server's console.
    Output(String),
    /// `status`: the server's power state (`offline`, `starting`, `running`, `stopping`).
    Status(String),
    /// `stats`: resource usage (about every second while the server runs).
    Stats(Box<ConsoleStats>),
    /// `install output`: one line of the installer (needs `admin.websocket.install`).
    InstallOutput(String),
    /// `install started`.
    InstallStarted,
    /// `install completed`.
    InstallCompleted,
    /// `backup completed:<uuid>`: a backup finished (needs `backup.read`).
    BackupCompleted {
        /// The backup's UUID, from the event's name.
        uuid: String,
        /// What Wings reported.
        backup: Box<BackupCompletion>,
    },
    /// `backup restore completed`.
    BackupRestoreCompleted,
    /// `daemon message`: a message of Wings for the console (e.g. during a power action).
    DaemonMessage(String),
    /// `daemon error`: Wings could not do what was asked (`Error Event [<id>]: <message>`).
    DaemonError(String),
    /// `transfer logs`: one line of a server transfer (needs `admin.websocket.transfer`).
    TransferLogs(String),
    /// `transfer status`: `starting`, `success`, `failure`, ...
    TransferStatus(String),
    /// `deleted`: the server was deleted. The console ends after it.
    Deleted,
    /// `throttled`: Wings dropped messages of this socket for going too fast; the argument
    /// is `global` or the name of the event that was throttled (newer Wings and Pelican).
    Throttled(String),
    /// The connection to Wings was lost; the console is reconnecting. A [`Event::Gap`] follows
    /// once it is back.
    Disconnected {
        /// What happened, for people.
        reason: String,
        /// The close code Wings sent, if it sent one.
        code: Option<u16>,
    },
    /// The console is live again after a stretch in which events may have been lost: events
    /// between the previous event and this one may be missing. Outside a gap, every event
    /// Wings sent arrives, exactly once and in order.
    Gap {
        /// Why.
        cause: GapCause,
        /// How long the console was not receiving (about).
        duration: Duration,
        /// How many events are known to be missing, when that is known (Wings' `jwt error`s
        /// during a token lapse, events dropped from a full queue).
        missed: Option<u64>,
    },
    /// Any other event, as Wings sent it.
    Other {
        /// The event's name.
        name: String,
        /// Its arguments.
        args: Vec<String>,
    },
}

impl Event {
    /// The event's name: Wings' name (`console output`, `status`, `backup completed:<uuid>`,
    /// ...), or `disconnected` / `gap` for the console's own reports.
    pub fn name(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow::Borrowed;
        match self {
            Event::Output(_) => Borrowed("console output"),
            Event::Status(_) => Borrowed("status"),
            Event::Stats(_) => Borrowed("stats"),
            Event::InstallOutput(_) => Borrowed("install output"),
            Event::InstallStarted => Borrowed("install started"),
            Event::InstallCompleted => Borrowed("install completed"),
            Event::BackupCompleted { uuid, .. } => format!("backup completed:{uuid}").into(),
            Event::BackupRestoreCompleted => Borrowed("backup restore completed"),
            Event::DaemonMessage(_) => Borrowed("daemon message"),
            Event::DaemonError(_) => Borrowed("daemon error"),
            Event::TransferLogs(_) => Borrowed("transfer logs"),
            Event::TransferStatus(_) => Borrowed("transfer status"),
            Event::Deleted => Borrowed("deleted"),
            Event::Throttled(_) => Borrowed("throttled"),
            Event::Disconnected { .. } => Borrowed("disconnected"),
            Event::Gap { .. } => Borrowed("gap"),
            Event::Other { name, .. } => Borrowed(name),
        }
    }

    /// The event's arguments as Wings sent them (`stats` and `backup completed` hold a JSON
    /// string, re-encoded here); empty for the console's own reports.
    pub fn args(&self) -> Vec<String> {
        match self {
            Event::Output(s)
            | Event::Status(s)
            | Event::InstallOutput(s)
            | Event::DaemonMessage(s)
            | Event::DaemonError(s)
            | Event::TransferLogs(s)
            | Event::TransferStatus(s)
            | Event::Throttled(s) => vec![s.clone()],
            Event::Stats(stats) => vec![serde_json::to_string(stats).unwrap_or_default()],
            Event::BackupCompleted { backup, .. } => vec![serde_json::to_string(backup).unwrap_or_default()],
            Event::InstallStarted | Event::InstallCompleted | Event::BackupRestoreCompleted => {
                vec![String::new()]
            }
            Event::Deleted => vec!["null".to_owned()],
            Event::Disconnected { .. } | Event::Gap { .. } => Vec::new(),
            Event::Other { args, .. } => args.clone(),
        }
    }

    /// The line of `console output`, `install output` and `transfer logs`.
    pub fn line(&self) -> Option<&str> {
        match self {
            Event::Output(s) | Event::InstallOutput(s) | Event::TransferLogs(s) => Some(s),
            _ => None,
        }
    }

    /// The event in the one JSON shape shared by the C and Python fronts:
    /// `{"event": <name>, "args": [...]}` plus its typed fields: `line` (output, install
    /// output, transfer logs), `state` (status), `stats` (an object), `uuid` and `backup`
    /// (backup completed), `message` (daemon message and error), `status` (transfer status),
    /// `scope` (throttled), `reason` and `code` (disconnected), `cause`, `gap_ms` and `missed`
    /// (gap).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("event".into(), Value::String(self.name().into_owned()));
        m.insert("args".into(), Value::Array(self.args().into_iter().map(Value::String).collect()));
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        match self {
            Event::Output(s) | Event::InstallOutput(s) | Event::TransferLogs(s) => put("line", json!(s)),
            Event::Status(s) => put("state", json!(s)),
            Event::Stats(stats) => put("stats", serde_json::to_value(stats).unwrap_or_default()),
            Event::BackupCompleted { uuid, backup } => {
                put("uuid", json!(uuid));
                put("backup", serde_json::to_value(backup).unwrap_or_default());
            }
            Event::DaemonMessage(s) | Event::DaemonError(s) => put("message", json!(s)),
            Event::TransferStatus(s) => put("status", json!(s)),
            Event::Throttled(s) => put("scope", json!(s)),
            Event::Disconnected { reason, code } => {
                put("reason", json!(reason));
                put("code", json!(code));
            }
            Event::Gap { cause, duration, missed } => {
                put("cause", json!(cause.as_str()));
                put("gap_ms", json!(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)));
                put("missed", json!(missed));
            }
            _ => {}
        }
        Value::Object(m)
    }

    /// [`Event::to_json`] as text. Console lines, the bulk of a console's traffic, are written
    /// without building a JSON tree.
    pub fn to_json_string(&self) -> String {
        match self {
            Event::Output(line) => {
                let quoted = serde_json::to_string(line).unwrap_or_default();
                let mut out = String::with_capacity(2 * quoted.len() + 48);
                out.push_str(r#"{"event":"console output","args":["#);
                out.push_str(&quoted);
                out.push_str(r#"],"line":"#);
                out.push_str(&quoted);
                out.push('}');
                out
            }
            other => other.to_json().to_string(),
        }
    }

    /// Decodes one of Wings' events. Nothing fails: what does not fit is [`Event::Other`].
    pub(crate) fn from_wings(name: String, mut args: Vec<String>) -> Event {
        let first =
            |args: &mut Vec<String>| if args.is_empty() { String::new() } else { args.swap_remove(0) };
        match name.as_str() {
            "console output" => Event::Output(first(&mut args)),
            "status" => Event::Status(first(&mut args)),
            "stats" => match args.first().map(|a| serde_json::from_str::<ConsoleStats>(a)) {
                Some(Ok(stats)) => Event::Stats(Box::new(stats)),
                _ => Event::Other { name, args },
            },
            "install output" => Event::InstallOutput(first(&mut args)),
            "install started" => Event::InstallStarted,
            "install completed" => Event::InstallCompleted,
            "backup restore completed" => Event::BackupRestoreCompleted,
            "daemon message" => Event::DaemonMessage(first(&mut args)),
            "daemon error" => Event::DaemonError(first(&mut args)),
            "transfer logs" => Event::TransferLogs(first(&mut args)),
            "transfer status" => Event::TransferStatus(first(&mut args)),
            "deleted" => Event::Deleted,
            "throttled" => Event::Throttled(first(&mut args)),
            _ => match name.strip_prefix("backup completed:") {
                Some(uuid) => match args.first().map(|a| serde_json::from_str::<BackupCompletion>(a)) {
                    Some(Ok(backup)) => {
                        Event::BackupCompleted { uuid: uuid.to_owned(), backup: Box::new(backup) }
                    }
                    _ => Event::Other { name, args },
                },
                None => Event::Other { name, args },
            },
        }
    }
}

/// One frame of the socket: `{"event": ..., "args": [...]}`. Wings joins `args` on input and
/// may send `null`s in them; both are tolerated.
#[derive(Deserialize)]
pub(crate) struct Frame {
    #[serde(default)]
    pub event: String,
    #[serde(default, deserialize_with = "lenient_args")]
    pub args: Vec<String>,
}

fn lenient_args<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let raw: Option<Vec<Lenient>> = Option::deserialize(d)?;
    Ok(raw.unwrap_or_default().into_iter().map(|l| l.0).collect())
}

/// One argument: a string as it is, `null` as empty, anything else as its JSON text. Decoded
/// without an intermediate `Value`: console lines are the bulk of the traffic.
struct Lenient(String);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Lenient;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
                Ok(Lenient(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
                Ok(Lenient(v))
            }
            fn visit_unit<E>(self) -> Result<Lenient, E> {
                Ok(Lenient(String::new()))
            }
            fn visit_none<E>(self) -> Result<Lenient, E> {
                Ok(Lenient(String::new()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Lenient, E> {
                Ok(Lenient(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Lenient, E> {
                Ok(Lenient(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Lenient, E> {
                Ok(Lenient(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Lenient, E> {
                Ok(Lenient(Value::from(v).to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Lenient, A::Error> {
                let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Lenient(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Lenient, A::Error> {
                let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Lenient(v.to_string()))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// An outgoing frame.
pub(crate) fn frame(event: &str, arg: Option<&str>) -> String {
    match arg {
        Some(a) => json!({ "event": event, "args": [a] }).to_string(),
        None => json!({ "event": event, "args": [] }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> Event {
        let f: Frame = serde_json::from_str(text).unwrap();
        Event::from_wings(f.event, f.args)
    }

    #[test]
    fn backup_completed_takes_the_uuid_from_the_name() {
        let e = decode(
            r#"{"event":"backup completed:0e8b3a44-1111-4222-8333-444455556666","args":["{\"uuid\":\"0e8b3a44-1111-4222-8333-444455556666\",\"is_successful\":true,\"checksum\":\"abc\",\"checksum_type\":\"sha1\",\"file_size\":42}"]}"#,
        );
        let Event::BackupCompleted { uuid, backup } = &e else { panic!("{e:?}") };
        assert_eq!(uuid, "0e8b3a44-1111-4222-8333-444455556666");
        assert!(backup.is_successful);
        assert_eq!(backup.file_size, 42);
        assert_eq!(e.name(), "backup completed:0e8b3a44-1111-4222-8333-444455556666");
        assert_eq!(e.to_json()["uuid"], "0e8b3a44-1111-4222-8333-444455556666");
    }

    #[test]
    fn unknown_and_malformed_events_are_other_never_errors() {
        assert_eq!(
            decode(r#"{"event":"feature match","args":["eula"]}"#),
            Event::Other { name: "feature match".into(), args: vec!["eula".into()] }
        );
        assert_eq!(
            decode(r#"{"event":"stats","args":["not json"]}"#),
            Event::Other { name: "stats".into(), args: vec!["not json".into()] }
        );
        assert_eq!(decode(r#"{"event":"status","args":[null]}"#), Event::Status(String::new()));
        assert_eq!(decode(r#"{"event":"install started"}"#), Event::InstallStarted);
        assert_eq!(
            decode(r#"{"event":"x","args":[1,true,{"a":[2]},"s",null]}"#),
            Event::Other {
                name: "x".into(),
                args: vec!["1".into(), "true".into(), r#"{"a":[2]}"#.into(), "s".into(), String::new()]
            }
        );
    }

    #[test]
    fn stats_are_decoded_and_keep_unknown_fields() {
        let e = decode(
            r#"{"event":"stats","args":["{\"memory_bytes\":1,\"memory_limit_bytes\":2,\"cpu_absolute\":1.5,\"network\":{\"rx_bytes\":3,\"tx_bytes\":4},\"uptime\":5,\"state\":\"running\",\"disk_bytes\":6,\"new\":true}"]}"#,
        );
        let Event::Stats(stats) = &e else { panic!("{e:?}") };
        assert_eq!(stats.state, "running");
        assert_eq!(stats.network.tx_bytes, 4);
        let json = e.to_json();
        assert_eq!(json["stats"]["new"], true);
        assert_eq!(json["event"], "stats");
    }

    #[test]
    fn the_json_shape_carries_name_args_and_typed_fields() {
        let json = Event::Output("hello".into()).to_json();
        assert_eq!(json, json!({"event": "console output", "args": ["hello"], "line": "hello"}));
        let quoted = Event::Output("say \"hi\"\n".into());
        assert_eq!(serde_json::from_str::<Value>(&quoted.to_json_string()).unwrap(), quoted.to_json());
        let gap =
            Event::Gap { cause: GapCause::Token, duration: Duration::from_millis(1500), missed: Some(3) };
        assert_eq!(
            gap.to_json(),
            json!({"event": "gap", "args": [], "cause": "token", "gap_ms": 1500, "missed": 3})
        );
    }
}
