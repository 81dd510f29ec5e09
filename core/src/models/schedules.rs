//! Schedules and their tasks.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::resources::{ScheduleParams, TaskParams};

model! {
    /// A schedule of a server (`ScheduleTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Schedule {
        /// Schedule id, used in the schedule routes.
        pub id: u64,
        /// Name.
        pub name: String,
        /// When it runs.
        pub cron: Cron,
        /// Whether it runs at all.
        pub is_active: bool,
        /// Whether a run is in progress.
        pub is_processing: bool,
        /// Whether it is skipped while the server is offline.
        pub only_when_online: bool,
        /// When it last ran (ISO-8601), if ever.
        #[serde(default)]
        pub last_run_at: Option<String>,
        /// When it runs next (ISO-8601), if it is active.
        #[serde(default)]
        pub next_run_at: Option<String>,
        /// When it was made.
        pub created_at: String,
        /// When it was last changed.
        pub updated_at: String,
        /// Included relationships (`tasks` is included by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relationships: Option<ScheduleRelationships>,
    }
}

impl Schedule {
    /// The schedule's tasks (empty when they were not included).
    pub fn tasks(&self) -> &[Task] {
        self.relationships.as_ref().and_then(|r| r.tasks.as_deref()).unwrap_or_default()
    }

    /// The parameters that describe this schedule as it is, for `server.schedules.update`,
    /// which replaces every field. Change one field and send it back:
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let schedules = client.server("d3aac109").schedules();
    /// schedules.update(4, &schedules.get(4)?.to_params().active(false))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn to_params(&self) -> ScheduleParams {
        ScheduleParams {
            name: self.name.clone(),
            minute: self.cron.minute.clone(),
            hour: self.cron.hour.clone(),
            day_of_month: self.cron.day_of_month.clone(),
            month: self.cron.month.clone(),
            day_of_week: self.cron.day_of_week.clone(),
            is_active: self.is_active,
            only_when_online: self.only_when_online,
        }
    }
}

model! {
    /// The five cron fields of a schedule, as the panel keeps them (strings such as `*/5`).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    #[non_exhaustive]
    pub struct Cron {
        /// Day of the week (`0`–`6`, Sunday is 0, or `*`).
        pub day_of_week: String,
        /// Day of the month.
        pub day_of_month: String,
        /// Month.
        pub month: String,
        /// Hour.
        pub hour: String,
        /// Minute.
        pub minute: String,
    }
}

model! {
    /// Relationships of a schedule.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ScheduleRelationships {
        /// The tasks, in the panel's order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tasks: Option<Vec<Task>>,
    }
}

model! {
    /// A task of a schedule (`TaskTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Task {
        /// Task id, used in the task routes.
        pub id: u64,
        /// Position in the schedule, from 1.
        pub sequence_id: u64,
        /// What the task does.
        pub action: TaskAction,
        /// The command, the power signal, or the backup's ignore list (newline-separated).
        pub payload: String,
        /// Seconds to wait after the previous task.
        pub time_offset: u64,
        /// Whether it is queued to run.
        pub is_queued: bool,
        /// Whether the schedule goes on when this task fails.
        #[serde(default)]
        pub continue_on_failure: bool,
        /// When it was made.
        pub created_at: String,
        /// When it was last changed.
        pub updated_at: String,
    }
}

impl Task {
    /// The parameters that describe this task as it is, for `server.schedules.tasks.update`.
    /// The position (`sequence_id`) is left out, so the task keeps whatever position it has
    /// when the update arrives, even if other tasks moved since it was fetched.
    pub fn to_params(&self) -> TaskParams {
        TaskParams {
            action: self.action.clone(),
            payload: Some(self.payload.clone()),
            time_offset: self.time_offset,
            sequence_id: None,
            continue_on_failure: self.continue_on_failure,
        }
    }
}

/// What a task does. Sent and received as the panel's string (`"command"`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskAction {
    /// Send the payload to the console.
    Command,
    /// Send the payload as a power signal (`start`, `stop`, `restart`, `kill`).
    Power,
    /// Make a backup, ignoring the payload's patterns.
    Backup,
    /// An action this crate does not know (Pelican's `delete_files`, ...), as the panel spells
    /// it.
    Other(String),
}

impl TaskAction {
    /// The action as the panel spells it.
    pub fn as_str(&self) -> &str {
        match self {
            TaskAction::Command => "command",
            TaskAction::Power => "power",
            TaskAction::Backup => "backup",
            TaskAction::Other(s) => s,
        }
    }

    /// Reads the panel's spelling; anything unknown is kept in [`TaskAction::Other`].
    pub fn from_wire(s: &str) -> TaskAction {
        match s {
            "command" => TaskAction::Command,
            "power" => TaskAction::Power,
            "backup" => TaskAction::Backup,
            other => TaskAction::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for TaskAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TaskAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskAction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(TaskAction::from_wire(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::round_trip;
    use serde_json::json;

    fn task(id: u64, action: &str, payload: &str) -> serde_json::Value {
        json!({
            "id": id, "sequence_id": id, "action": action, "payload": payload, "time_offset": 0,
            "is_queued": false, "continue_on_failure": false,
            "created_at": "2024-10-24T12:04:30+00:00", "updated_at": "2024-10-24T12:04:30+00:00"
        })
    }

    #[test]
    fn schedule_with_tasks_decodes_and_round_trips() {
        let s: Schedule = round_trip(json!({
            "id": 4, "name": "Nightly restart",
            "cron": {"day_of_week": "*", "day_of_month": "*", "month": "*", "hour": "4", "minute": "0"},
            "is_active": true, "is_processing": false, "only_when_online": true,
            "last_run_at": null, "next_run_at": "2024-10-25T04:00:00+00:00",
            "created_at": "2024-10-24T12:04:30+00:00", "updated_at": "2024-10-24T12:04:30+00:00",
            "relationships": {"tasks": [task(1, "command", "say Restarting"), task(2, "power", "restart")]},
            "new_field": "kept"
        }));
        assert_eq!((s.cron.hour.as_str(), s.cron.minute.as_str()), ("4", "0"));
        assert_eq!(s.tasks().len(), 2);
        assert_eq!(s.tasks()[1].action, TaskAction::Power);
        assert_eq!(s.extra["new_field"], "kept");
        let p = s.to_params();
        assert_eq!((p.minute.as_str(), p.hour.as_str(), p.day_of_week.as_str()), ("0", "4", "*"));
        assert!(p.is_active && p.only_when_online);
    }

    #[test]
    fn schedule_without_relationships_has_no_tasks() {
        let s: Schedule = round_trip(json!({
            "id": 1, "name": "x",
            "cron": {"day_of_week": "1-5", "day_of_month": "*", "month": "*", "hour": "*/2", "minute": "30"},
            "is_active": false, "is_processing": false, "only_when_online": false,
            "last_run_at": "2024-10-24T12:00:00+00:00", "next_run_at": null,
            "created_at": "2024-10-24T12:04:30+00:00", "updated_at": "2024-10-24T12:04:30+00:00"
        }));
        assert!(s.tasks().is_empty());
        assert_eq!(s.next_run_at, None);
    }

    #[test]
    fn unknown_task_action_is_kept_as_spelled() {
        let t: Task = round_trip(task(3, "delete_files", "logs/"));
        assert_eq!(t.action, TaskAction::Other("delete_files".into()));
        let b: Task = round_trip(task(4, "backup", ""));
        assert_eq!(b.action, TaskAction::Backup);
        assert_eq!(b.to_params().action, TaskAction::Backup);
    }
}
