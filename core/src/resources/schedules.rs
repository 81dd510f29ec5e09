//! `server.schedules.*` and `server.schedules.tasks.*`.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::models::{PowerSignal, Schedule, Task, TaskAction};

/// `server.schedules.*`.
#[derive(Clone, Debug)]
pub struct Schedules<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<'c, C: Caller> Schedules<'c, C> {
    /// The server's schedules with their tasks (`server.schedules.list`).
    pub fn list(&self) -> C::Out<Vec<Schedule>> {
        self.server.client.typed("server.schedules.list", self.server.params())
    }

    /// Makes a schedule (`server.schedules.create`). An invalid cron expression is a 400;
    /// a cron field that is not a string a 422.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::{PowerSignal, ScheduleParams, TaskParams};
    /// let schedules = client.server("d3aac109").schedules();
    /// let nightly = schedules.create(&ScheduleParams::new("Nightly restart", "0", "4", "*", "*", "*"))?;
    /// schedules.tasks().create(nightly.id, &TaskParams::power(PowerSignal::Restart))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn create(&self, params: &ScheduleParams) -> C::Out<Schedule> {
        self.server.client.typed("server.schedules.create", self.server.with_params(params))
    }

    /// One schedule with its tasks (`server.schedules.get`).
    pub fn get(&self, schedule: u64) -> C::Out<Schedule> {
        let p = self.server.with(json!({ "schedule": schedule }));
        self.server.client.typed("server.schedules.get", p)
    }

    /// Replaces the schedule's settings (`server.schedules.update`). The panel replaces the
    /// whole schedule: a field left out would be reset (`is_active` and `only_when_online` to
    /// false), which is why [`ScheduleParams`] always carries every field. To change one field,
    /// start from [`Schedule::to_params`]:
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let schedules = client.server("d3aac109").schedules();
    /// schedules.update(4, &schedules.get(4)?.to_params().only_when_online(true))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn update(&self, schedule: u64, params: &ScheduleParams) -> C::Out<Schedule> {
        let p = self.server.with_params_and(params, json!({ "schedule": schedule }));
        self.server.client.typed("server.schedules.update", p)
    }

    /// Runs the schedule now (`server.schedules.execute`); a schedule without tasks is a 400.
    pub fn execute(&self, schedule: u64) -> C::Out<()> {
        let p = self.server.with(json!({ "schedule": schedule }));
        self.server.client.unit("server.schedules.execute", p)
    }

    /// Deletes the schedule and its tasks (`server.schedules.delete`).
    pub fn delete(&self, schedule: u64) -> C::Out<()> {
        let p = self.server.with(json!({ "schedule": schedule }));
        self.server.client.unit("server.schedules.delete", p)
    }

    /// The tasks of the server's schedules.
    pub fn tasks(&self) -> Tasks<'c, C> {
        Tasks { server: self.server.clone() }
    }
}

/// `server.schedules.tasks.*`.
#[derive(Clone, Debug)]
pub struct Tasks<'c, C = Client> {
    server: ServerHandle<'c, C>,
}

impl<C: Caller> Tasks<'_, C> {
    /// Adds a task to a schedule (`server.schedules.tasks.create`). More than the panel's task
    /// limit (10 by default) is a 400; a backup task on a server that may have no backups a 403.
    pub fn create(&self, schedule: u64, params: &TaskParams) -> C::Out<Task> {
        let p = self.server.with_params_and(params, json!({ "schedule": schedule }));
        self.server.client.typed("server.schedules.tasks.create", p)
    }

    /// Replaces a task's settings (`server.schedules.tasks.update`); start from
    /// [`Task::to_params`] to change one field.
    pub fn update(&self, schedule: u64, task: u64, params: &TaskParams) -> C::Out<Task> {
        let p = self.server.with_params_and(params, json!({ "schedule": schedule, "task": task }));
        self.server.client.typed("server.schedules.tasks.update", p)
    }

    /// Removes a task (`server.schedules.tasks.delete`).
    pub fn delete(&self, schedule: u64, task: u64) -> C::Out<()> {
        let p = self.server.with(json!({ "schedule": schedule, "task": task }));
        self.server.client.unit("server.schedules.tasks.delete", p)
    }
}

/// Every setting of a schedule, for `server.schedules.create` and `server.schedules.update`.
///
/// Every field is always sent, because an update replaces the whole schedule. The cron fields
/// are strings (`"*/5"`, `"1-5"`), in crontab order in [`ScheduleParams::new`].
///
/// ```
/// use pterodactyl_client::ScheduleParams;
/// // Every weekday at 04:30, only while the server is up.
/// let params = ScheduleParams::new("Weekday restart", "30", "4", "*", "*", "1-5").only_when_online(true);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScheduleParams {
    /// Name (at most 191 characters).
    pub name: String,
    /// Minute.
    pub minute: String,
    /// Hour.
    pub hour: String,
    /// Day of the month.
    pub day_of_month: String,
    /// Month.
    pub month: String,
    /// Day of the week (`0`–`6`, Sunday is 0).
    pub day_of_week: String,
    /// Whether the schedule runs at all.
    pub is_active: bool,
    /// Whether it is skipped while the server is offline.
    pub only_when_online: bool,
}

impl ScheduleParams {
    /// An active schedule that runs whether or not the server is online, at the times of the
    /// five cron fields, in crontab order.
    pub fn new(
        name: &str,
        minute: &str,
        hour: &str,
        day_of_month: &str,
        month: &str,
        day_of_week: &str,
    ) -> Self {
        ScheduleParams {
            name: name.to_owned(),
            minute: minute.to_owned(),
            hour: hour.to_owned(),
            day_of_month: day_of_month.to_owned(),
            month: month.to_owned(),
            day_of_week: day_of_week.to_owned(),
            is_active: true,
            only_when_online: false,
        }
    }
    /// Sets the name.
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }
    /// Sets the five cron fields, in crontab order.
    pub fn cron(
        mut self,
        minute: &str,
        hour: &str,
        day_of_month: &str,
        month: &str,
        day_of_week: &str,
    ) -> Self {
        self.minute = minute.to_owned();
        self.hour = hour.to_owned();
        self.day_of_month = day_of_month.to_owned();
        self.month = month.to_owned();
        self.day_of_week = day_of_week.to_owned();
        self
    }
    /// Turns the schedule on or off.
    pub fn active(mut self, yes: bool) -> Self {
        self.is_active = yes;
        self
    }
    /// Skips runs while the server is offline (or not).
    pub fn only_when_online(mut self, yes: bool) -> Self {
        self.only_when_online = yes;
        self
    }
}

/// The settings of a task, for `server.schedules.tasks.create` and `.update`.
///
/// ```
/// use pterodactyl_client::{PowerSignal, TaskParams};
/// let warn = TaskParams::command("say Restarting in one minute");
/// let restart = TaskParams::power(PowerSignal::Restart).time_offset(60);
/// let backup = TaskParams::backup(&["*.log", "cache/"]).continue_on_failure(true);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TaskParams {
    /// What the task does.
    pub action: TaskAction,
    /// The command, the power signal, or the backup's ignore list (newline-separated; may be
    /// `None` for a backup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Seconds to wait after the previous task (0 to 900).
    #[serde(default)]
    pub time_offset: u64,
    /// Position in the schedule, from 1 (`None`: after the last task on create, unchanged on
    /// update). Inserting shifts the other tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<u64>,
    /// Whether the schedule goes on when this task fails.
    #[serde(default)]
    pub continue_on_failure: bool,
}

impl TaskParams {
    /// A task of any action with its payload.
    pub fn new(action: TaskAction, payload: Option<&str>) -> Self {
        TaskParams {
            action,
            payload: payload.map(str::to_owned),
            time_offset: 0,
            sequence_id: None,
            continue_on_failure: false,
        }
    }
    /// Sends `command` to the console.
    pub fn command(command: &str) -> Self {
        Self::new(TaskAction::Command, Some(command))
    }
    /// Sends a power signal.
    pub fn power(signal: PowerSignal) -> Self {
        Self::new(TaskAction::Power, Some(signal.as_str()))
    }
    /// Makes a backup that leaves out the files matching `ignored` (may be empty).
    pub fn backup(ignored: &[&str]) -> Self {
        let payload = ignored.join("\n");
        Self::new(TaskAction::Backup, (!payload.is_empty()).then_some(payload.as_str()))
    }
    /// Waits this many seconds after the previous task.
    pub fn time_offset(mut self, seconds: u64) -> Self {
        self.time_offset = seconds;
        self
    }
    /// Puts the task at this position (from 1).
    pub fn sequence_id(mut self, position: u64) -> Self {
        self.sequence_id = Some(position);
        self
    }
    /// Lets the schedule go on when this task fails.
    pub fn continue_on_failure(mut self, yes: bool) -> Self {
        self.continue_on_failure = yes;
        self
    }
}
