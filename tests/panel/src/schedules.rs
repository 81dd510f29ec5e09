//! `/servers/{server}/schedules/*` and their tasks (`ScheduleController`,
//! `ScheduleTaskController`, `ProcessScheduleService`, `RunTaskJob`).
//!
//! `next_run_at` is computed from the cron fields with a small cron evaluator (numbers, `*`,
//! `?`, ranges, lists, steps, month and weekday names; day-of-month and day-of-week are ORed
//! when both are restricted). Executing a schedule runs all its tasks at once, in sequence
//! order, ignoring `time_offset`.

use crate::api::{display_exception, fail, model_not_found, require, validate, Ctx, Fail, Outcome, Reply};
use crate::files::wings_error;
use crate::model::{Item, List};
use crate::state::{PowerState, State};
use crate::util::{atom, unix_from_civil, unix_now};
use serde::Serialize;
use serde_json::{json, Value};
use std::time::Instant;

/// `PTERODACTYL_PER_SCHEDULE_TASK_LIMIT`.
pub const TASK_LIMIT: usize = 10;

#[derive(Clone, Debug)]
pub struct Schedule {
    pub id: u32,
    pub server_id: u32,
    pub name: String,
    pub minute: String,
    pub hour: String,
    pub day_of_month: String,
    pub month: String,
    pub day_of_week: String,
    pub is_active: bool,
    pub is_processing: bool,
    pub only_when_online: bool,
    pub last_run_at: Option<i64>,
    pub next_run_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: u32,
    pub schedule_id: u32,
    pub sequence_id: i64,
    pub action: String,
    pub payload: String,
    pub time_offset: i64,
    pub is_queued: bool,
    pub continue_on_failure: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every schedule and task of the panel (ids are global, as database ids are).
#[derive(Clone, Debug, Default)]
pub struct Schedules {
    pub schedules: Vec<Schedule>,
    pub tasks: Vec<Task>,
    pub next_schedule_id: u32,
    pub next_task_id: u32,
}

impl Schedules {
    /// Schedule 1 (one task) on `d3aac109`; schedule 2 (one task) on the stranger's server 6.
    pub fn seeded() -> Schedules {
        let at = |d: i64, h: i64, m: i64, s: i64| unix_from_civil(2024, 10, d, h, m, s);
        let schedule =
            |id: u32, server_id: u32, name: &str, minute: &str, hour: &str, active: bool| Schedule {
                id,
                server_id,
                name: name.into(),
                minute: minute.into(),
                hour: hour.into(),
                day_of_month: "*".into(),
                month: "*".into(),
                day_of_week: "*".into(),
                is_active: active,
                is_processing: false,
                only_when_online: true,
                last_run_at: Some(at(21, 4, 0, 0)),
                next_run_at: Some(at(22, 4, 0, 0)),
                created_at: at(10, 12, 0, 0),
                updated_at: at(10, 12, 0, 0),
            };
        let task = |id: u32, schedule_id: u32, action: &str, payload: &str| Task {
            id,
            schedule_id,
            sequence_id: 1,
            action: action.into(),
            payload: payload.into(),
            time_offset: 0,
            is_queued: false,
            continue_on_failure: false,
            created_at: at(10, 12, 1, 0),
            updated_at: at(10, 12, 1, 0),
        };
        Schedules {
            schedules: vec![
                schedule(1, 1, "Nightly restart", "0", "4", true),
                schedule(2, 6, "Stranger's backup", "30", "3", false),
            ],
            tasks: vec![task(1, 1, "command", "say Restarting in 5 minutes"), task(2, 2, "backup", "")],
            next_schedule_id: 3,
            next_task_id: 3,
        }
    }

    /// The schedule's tasks, by id (the order of `$schedule->tasks`).
    fn tasks_of(&self, schedule_id: u32) -> Vec<&Task> {
        let mut list: Vec<&Task> = self.tasks.iter().filter(|t| t.schedule_id == schedule_id).collect();
        list.sort_by_key(|t| t.id);
        list
    }
}

/// `ScheduleTransformer`.
#[derive(Serialize, Debug)]
pub struct ScheduleAttributes {
    pub id: u32,
    pub name: String,
    pub cron: CronAttributes,
    pub is_active: bool,
    pub is_processing: bool,
    pub only_when_online: bool,
    pub last_run_at: Option<String>,
    pub next_run_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub relationships: ScheduleRelationships,
}

#[derive(Serialize, Debug)]
pub struct CronAttributes {
    pub day_of_week: String,
    pub day_of_month: String,
    pub month: String,
    pub hour: String,
    pub minute: String,
}

#[derive(Serialize, Debug)]
pub struct ScheduleRelationships {
    pub tasks: List<TaskAttributes>,
}

/// `TaskTransformer`.
#[derive(Serialize, Debug)]
pub struct TaskAttributes {
    pub id: u32,
    pub sequence_id: i64,
    pub action: String,
    pub payload: String,
    pub time_offset: i64,
    pub is_queued: bool,
    pub continue_on_failure: bool,
    pub created_at: String,
    pub updated_at: String,
}

fn task_attributes(t: &Task) -> TaskAttributes {
    TaskAttributes {
        id: t.id,
        sequence_id: t.sequence_id,
        action: t.action.clone(),
        payload: t.payload.clone(),
        time_offset: t.time_offset,
        is_queued: t.is_queued,
        continue_on_failure: t.continue_on_failure,
        created_at: atom(t.created_at),
        updated_at: atom(t.updated_at),
    }
}

fn schedule_attributes(st: &State, s: &Schedule) -> ScheduleAttributes {
    ScheduleAttributes {
        id: s.id,
        name: s.name.clone(),
        cron: CronAttributes {
            day_of_week: s.day_of_week.clone(),
            day_of_month: s.day_of_month.clone(),
            month: s.month.clone(),
            hour: s.hour.clone(),
            minute: s.minute.clone(),
        },
        is_active: s.is_active,
        is_processing: s.is_processing,
        only_when_online: s.only_when_online,
        last_run_at: s.last_run_at.map(atom),
        next_run_at: s.next_run_at.map(atom),
        created_at: atom(s.created_at),
        updated_at: atom(s.updated_at),
        relationships: ScheduleRelationships {
            tasks: List::of(
                "schedule_task",
                st.schedules.tasks_of(s.id).into_iter().map(task_attributes).collect(),
            ),
        },
    }
}

fn schedule_item(st: &State, pos: usize) -> Reply {
    Reply::json(200, &Item::new("server_schedule", schedule_attributes(st, &st.schedules.schedules[pos])))
}

fn not_for_this_server() -> Fail {
    fail(404, "NotFoundHttpException", "The requested resource was not found for this server.")
}

/// `{schedule}` (and `{task}`): integer ids; unknown ids are a missing model, ids of another
/// server or schedule fail `ResourceBelongsToServer`. Returns positions in the vectors.
fn bind(st: &State, idx: usize, ctx: &Ctx) -> Result<(usize, Option<usize>), Fail> {
    let find_schedule = |raw: &String| {
        let id: u32 = raw.parse().map_err(|_| model_not_found())?;
        st.schedules.schedules.iter().position(|s| s.id == id).ok_or_else(model_not_found)
    };
    let find_task = |raw: &String| {
        let id: u32 = raw.parse().map_err(|_| model_not_found())?;
        st.schedules.tasks.iter().position(|t| t.id == id).ok_or_else(model_not_found)
    };
    let schedule = ctx.params.get("schedule").map(find_schedule).transpose()?.ok_or_else(model_not_found)?;
    let task = ctx.params.get("task").map(find_task).transpose()?;
    let s = &st.schedules.schedules[schedule];
    if s.server_id != st.servers[idx].id {
        return Err(not_for_this_server());
    }
    if let Some(t) = task {
        if st.schedules.tasks[t].schedule_id != s.id {
            return Err(not_for_this_server());
        }
    }
    Ok((schedule, task))
}

/// PHP's `(bool)`.
fn php_bool(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !(s.is_empty() || s == "0"),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `$request->boolean()` (`FILTER_VALIDATE_BOOLEAN`).
fn request_boolean(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() == Some(1.0),
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes"),
        _ => false,
    }
}

/// PHP's `intval()` of a value that passed `numeric`.
fn intval(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f.trunc() as i64),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

/// The validated schedule body, with `month` still raw (it is not validated).
struct ScheduleInput {
    name: String,
    minute: String,
    hour: String,
    day_of_month: String,
    day_of_week: String,
    month: String,
    is_active: bool,
    only_when_online: bool,
    next_run_at: i64,
}

/// `StoreScheduleRequest` + `getNextRunAt()` + the model's own validation of `cron_month`.
fn schedule_input(ctx: &Ctx, model_key: Option<u32>) -> Result<ScheduleInput, Fail> {
    let input = ctx.input;
    validate(input, |v| {
        v.rules("name", "required|string|max:191")
            .rules("is_active", "filled|boolean")
            .rules("minute", "required|string")
            .rules("hour", "required|string")
            .rules("day_of_month", "required|string")
            .rules("day_of_week", "required|string");
    })?;
    let s = |k: &str| input.str(k).unwrap_or_default().to_string();
    // `getScheduleNextRunDate(string ...$month)`: null, a missing key or an array is a
    // TypeError (500); scalars are coerced to strings.
    let (month, month_is_string) = match input.get("month") {
        Some(Value::String(m)) => (m.clone(), true),
        Some(Value::Number(n)) => (n.to_string(), false),
        Some(Value::Bool(b)) => ((if *b { "1" } else { "" }).to_string(), false),
        _ => {
            return Err(fail(
                500,
                "TypeError",
                "An unexpected error was encountered while processing this request, please try again.",
            ))
        }
    };
    let expression = [s("minute"), s("hour"), s("day_of_month"), month.clone(), s("day_of_week")].join(" ");
    let Some(next_run_at) = next_run(&expression, unix_now()) else {
        return Err(display_exception("The cron data provided does not evaluate to a valid expression."));
    };
    if !month_is_string {
        let key = model_key.map(|k| k.to_string()).unwrap_or_default();
        return Err(fail(
            500,
            "DataValidationException",
            format!(
                r#"Could not save Pterodactyl\Models\Schedule[{key}]: failed to validate data: {{"cron_month":["The cron month must be a string."]}}"#
            ),
        ));
    }
    Ok(ScheduleInput {
        name: s("name"),
        minute: s("minute"),
        hour: s("hour"),
        day_of_month: s("day_of_month"),
        day_of_week: s("day_of_week"),
        month,
        is_active: php_bool(input.get("is_active")),
        only_when_online: php_bool(input.get("only_when_online")),
        next_run_at,
    })
}

fn validate_task(ctx: &Ctx) -> Result<(), Fail> {
    validate(ctx.input, |v| {
        v.rules("action", "required|in:command,power,backup")
            .rules("payload", "required_unless:action,backup|string|nullable")
            .rules("time_offset", "required|numeric|min:0|max:900")
            .rules("sequence_id", "sometimes|required|numeric|min:1")
            .rules("continue_on_failure", "sometimes|required|boolean");
    })
}

fn backup_task_forbidden(st: &State, idx: usize, ctx: &Ctx) -> Result<(), Fail> {
    if st.servers[idx].feature_limits.backups == Some(0) && ctx.input.str("action") == Some("backup") {
        return Err(fail(
            403,
            "HttpForbiddenException",
            "A backup task cannot be created when the server's backup limit is set to 0.",
        ));
    }
    Ok(())
}

pub(crate) fn handle(st: &mut State, op: &str, idx: usize, ctx: &Ctx) -> Outcome {
    let (user, input) = (ctx.user, ctx.input);
    let server_id = st.servers[idx].id;
    let now = unix_now();
    match op {
        "server.schedules.list" => {
            require(st, idx, user, "schedule.read")?;
            let mut list: Vec<&Schedule> =
                st.schedules.schedules.iter().filter(|s| s.server_id == server_id).collect();
            list.sort_by_key(|s| s.id);
            let data = list.into_iter().map(|s| schedule_attributes(st, s)).collect();
            Ok(Reply::json(200, &List::of("server_schedule", data)))
        }
        "server.schedules.create" => {
            require(st, idx, user, "schedule.create")?;
            let s = schedule_input(ctx, None)?;
            let id = st.schedules.next_schedule_id;
            st.schedules.next_schedule_id += 1;
            st.schedules.schedules.push(Schedule {
                id,
                server_id,
                name: s.name.clone(),
                minute: s.minute,
                hour: s.hour,
                day_of_month: s.day_of_month,
                month: s.month,
                day_of_week: s.day_of_week,
                is_active: s.is_active,
                is_processing: false,
                only_when_online: s.only_when_online,
                last_run_at: None,
                next_run_at: Some(s.next_run_at),
                created_at: now,
                updated_at: now,
            });
            st.log_activity(server_id, user, "server:schedule.create", json!({ "name": s.name }));
            Ok(schedule_item(st, st.schedules.schedules.len() - 1))
        }
        "server.schedules.get" => {
            let (pos, _) = bind(st, idx, ctx)?;
            require(st, idx, user, "schedule.read")?;
            Ok(schedule_item(st, pos))
        }
        "server.schedules.update" => {
            let (pos, _) = bind(st, idx, ctx)?;
            require(st, idx, user, "schedule.update")?;
            let id = st.schedules.schedules[pos].id;
            let s = schedule_input(ctx, Some(id))?;
            let schedule = &mut st.schedules.schedules[pos];
            let old_name = std::mem::replace(&mut schedule.name, s.name);
            if schedule.is_active != s.is_active {
                schedule.is_processing = false;
            }
            schedule.minute = s.minute;
            schedule.hour = s.hour;
            schedule.day_of_month = s.day_of_month;
            schedule.month = s.month;
            schedule.day_of_week = s.day_of_week;
            schedule.is_active = s.is_active;
            schedule.only_when_online = s.only_when_online;
            schedule.next_run_at = Some(s.next_run_at);
            schedule.updated_at = now;
            st.log_activity(
                server_id,
                user,
                "server:schedule.update",
                json!({ "name": old_name, "active": s.is_active }),
            );
            Ok(schedule_item(st, pos))
        }
        "server.schedules.execute" => {
            let (pos, _) = bind(st, idx, ctx)?;
            require(st, idx, user, "schedule.update")?;
            execute(st, idx, pos)?;
            let name = st.schedules.schedules[pos].name.clone();
            st.log_activity(server_id, user, "server:schedule.execute", json!({ "name": name }));
            Ok(Reply::json(202, &Vec::<Value>::new()))
        }
        "server.schedules.delete" => {
            let (pos, _) = bind(st, idx, ctx)?;
            require(st, idx, user, "schedule.delete")?;
            let removed = st.schedules.schedules.remove(pos);
            st.schedules.tasks.retain(|t| t.schedule_id != removed.id);
            st.log_activity(server_id, user, "server:schedule.delete", json!({ "name": removed.name }));
            Ok(Reply::empty(204))
        }
        "server.schedules.tasks.create" => {
            let (pos, _) = bind(st, idx, ctx)?;
            require(st, idx, user, "schedule.update")?;
            validate_task(ctx)?;
            let schedule = st.schedules.schedules[pos].clone();
            let existing = st.schedules.tasks_of(schedule.id);
            if existing.len() >= TASK_LIMIT {
                return Err(Fail {
                    redirects: true,
                    ..fail(
                        400,
                        "ServiceLimitExceededException",
                        format!("Schedules may not have more than {TASK_LIMIT} tasks associated with them. Creating this task would put this schedule over the limit."),
                    )
                });
            }
            backup_task_forbidden(st, idx, ctx)?;
            let next = existing.iter().map(|t| t.sequence_id).max().unwrap_or(0) + 1;
            let requested = intval(input.get("sequence_id")).unwrap_or(next).max(1);
            let sequence_id = if requested < next {
                for t in st.schedules.tasks.iter_mut() {
                    if t.schedule_id == schedule.id && t.sequence_id >= requested {
                        t.sequence_id += 1;
                    }
                }
                requested
            } else {
                next
            };
            let id = st.schedules.next_task_id;
            st.schedules.next_task_id += 1;
            let task = Task {
                id,
                schedule_id: schedule.id,
                sequence_id,
                action: input.str("action").unwrap_or_default().to_string(),
                payload: input.str("payload").unwrap_or_default().to_string(),
                time_offset: intval(input.get("time_offset")).unwrap_or(0),
                is_queued: false,
                continue_on_failure: request_boolean(input.get("continue_on_failure")),
                created_at: now,
                updated_at: now,
            };
            let attributes = task_attributes(&task);
            st.log_activity(
                server_id,
                user,
                "server:task.create",
                json!({ "name": schedule.name, "action": task.action, "payload": task.payload }),
            );
            st.schedules.tasks.push(task);
            Ok(Reply::json(200, &Item::new("schedule_task", attributes)))
        }
        "server.schedules.tasks.update" => {
            let (pos, task_pos) = bind(st, idx, ctx)?;
            let task_pos = task_pos.expect("the route has {task}");
            require(st, idx, user, "schedule.update")?;
            validate_task(ctx)?;
            backup_task_forbidden(st, idx, ctx)?;
            let schedule = st.schedules.schedules[pos].clone();
            let current = st.schedules.tasks[task_pos].sequence_id;
            let task_id = st.schedules.tasks[task_pos].id;
            let wanted = intval(input.get("sequence_id")).unwrap_or(current).max(1);
            for t in st.schedules.tasks.iter_mut().filter(|t| t.schedule_id == schedule.id && t.id != task_id)
            {
                if wanted < current && t.sequence_id >= wanted && t.sequence_id < current {
                    t.sequence_id += 1;
                } else if wanted > current && t.sequence_id > current && t.sequence_id <= wanted {
                    t.sequence_id -= 1;
                }
            }
            let task = &mut st.schedules.tasks[task_pos];
            task.sequence_id = wanted;
            task.action = input.str("action").unwrap_or_default().to_string();
            task.payload = input.str("payload").unwrap_or_default().to_string();
            task.time_offset = intval(input.get("time_offset")).unwrap_or(0);
            task.continue_on_failure = request_boolean(input.get("continue_on_failure"));
            task.updated_at = now;
            let attributes = task_attributes(task);
            st.log_activity(
                server_id,
                user,
                "server:task.update",
                json!({ "name": schedule.name, "action": attributes.action, "payload": attributes.payload }),
            );
            Ok(Reply::json(200, &Item::new("schedule_task", attributes)))
        }
        "server.schedules.tasks.delete" => {
            let (pos, task_pos) = bind(st, idx, ctx)?;
            let task_pos = task_pos.expect("the route has {task}");
            // Checked by hand in the controller, hence a different exception.
            if !st.can(idx, user, "schedule.update") {
                return Err(fail(
                    403,
                    "HttpForbiddenException",
                    "You do not have permission to perform this action.",
                ));
            }
            let schedule = st.schedules.schedules[pos].clone();
            let removed = st.schedules.tasks.remove(task_pos);
            for t in st.schedules.tasks.iter_mut() {
                if t.schedule_id == schedule.id && t.sequence_id > removed.sequence_id {
                    t.sequence_id -= 1;
                }
            }
            st.log_activity(server_id, user, "server:task.delete", json!({ "name": schedule.name }));
            Ok(Reply::empty(204))
        }
        other => Err(fail(501, "NotImplemented", format!("The fake panel does not implement {other}."))),
    }
}

/// `ProcessScheduleService::handle($schedule, true)` with every task run at once.
///
/// The first task runs inside the request (`dispatchNow`): when it fails without
/// `continue_on_failure`, the request fails with Wings' error. Later failures only stop the
/// chain. Backup tasks succeed without creating a backup.
fn execute(st: &mut State, idx: usize, pos: usize) -> Result<(), Fail> {
    let schedule_id = st.schedules.schedules[pos].id;
    let mut order: Vec<(i64, u32)> =
        st.schedules.tasks_of(schedule_id).iter().map(|t| (t.sequence_id, t.id)).collect();
    if order.is_empty() {
        return Err(display_exception(
            "Cannot process schedule for task execution: no tasks are registered.",
        ));
    }
    order.sort();
    let now = Instant::now();
    let expression = {
        let s = &st.schedules.schedules[pos];
        [&s.minute, &s.hour, &s.day_of_month, &s.month, &s.day_of_week].map(String::as_str).join(" ")
    };
    st.schedules.schedules[pos].next_run_at = next_run(&expression, unix_now());
    let only_when_online = st.schedules.schedules[pos].only_when_online;
    let skip = only_when_online
        && matches!(st.servers[idx].power.at(now), PowerState::Offline | PowerState::Stopping);
    if !skip {
        for (i, (_, task_id)) in order.iter().enumerate() {
            let task = st.schedules.tasks.iter().find(|t| t.id == *task_id).cloned().expect("listed task");
            if let Err(e) = run_task(st, idx, &task, now) {
                if !task.continue_on_failure {
                    complete(st, pos);
                    if i == 0 {
                        return Err(e);
                    }
                    return Ok(());
                }
            }
        }
    }
    complete(st, pos);
    Ok(())
}

fn complete(st: &mut State, pos: usize) {
    let s = &mut st.schedules.schedules[pos];
    s.is_processing = false;
    s.last_run_at = Some(unix_now());
    let id = s.id;
    for t in st.schedules.tasks.iter_mut().filter(|t| t.schedule_id == id) {
        t.is_queued = false;
    }
}

/// `RunTaskJob`: what Wings does with one task.
fn run_task(st: &mut State, idx: usize, task: &Task, now: Instant) -> Result<(), Fail> {
    match task.action.as_str() {
        "command" => {
            if st.servers[idx].power.at(now) == PowerState::Offline {
                return Err(wings_error(st, 502, None));
            }
            st.console_line(idx, format!("> {}", task.payload));
        }
        "power" => {
            let power = &mut st.servers[idx].power;
            match task.payload.as_str() {
                "start" => power.start(now),
                "stop" => power.stop(now),
                "restart" => power.restart(now),
                "kill" => power.kill(now),
                _ => {
                    return Err(wings_error(
                        st,
                        422,
                        Some(
                            r#"The power action provided was not valid, should be one of "stop", "start", "restart", "kill""#,
                        ),
                    ))
                }
            }
        }
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cron (a reduction of dragonmantank/cron-expression, as `Utilities::getScheduleNextRunDate`).

struct Cron {
    minute: Vec<bool>,
    hour: Vec<bool>,
    day_of_month: Vec<bool>,
    month: Vec<bool>,
    day_of_week: Vec<bool>,
    dom_restricted: bool,
    dow_restricted: bool,
}

const MONTHS: [&str; 12] =
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One field: `*`, `?` (where allowed), `n`, `a-b`, `*/s`, `a-b/s`, `a/s`, comma lists, and
/// names (`names[0]` is `lo`). Values outside `lo..=hi` are invalid.
fn parse_field(spec: &str, lo: u32, hi: u32, names: &[&str], question: bool) -> Option<Vec<bool>> {
    let value = |s: &str| -> Option<u32> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Some(lo + i as u32);
        }
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u32>().ok().filter(|v| (lo..=hi).contains(v))
    };
    let mut set = vec![false; hi as usize + 1];
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (start, end) = if range == "*" || (question && range == "?") {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return None;
            }
            (a, b)
        } else {
            let a = value(range)?;
            (a, if part.contains('/') { hi } else { a })
        };
        let mut v = start;
        while v <= end {
            set[v as usize] = true;
            v += step;
        }
    }
    Some(set)
}

fn parse_cron(expression: &str) -> Option<Cron> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() < 5 {
        return None;
    }
    let mut day_of_week = parse_field(fields[4], 0, 7, &WEEKDAYS, true)?;
    if day_of_week[7] {
        day_of_week[0] = true;
    }
    day_of_week.truncate(7);
    let any = |f: &str| f == "*" || f == "?";
    Some(Cron {
        minute: parse_field(fields[0], 0, 59, &[], false)?,
        hour: parse_field(fields[1], 0, 23, &[], false)?,
        day_of_month: parse_field(fields[2], 1, 31, &[], true)?,
        month: parse_field(fields[3], 1, 12, &MONTHS, false)?,
        day_of_week,
        dom_restricted: !any(fields[2]),
        dow_restricted: !any(fields[4]),
    })
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The first minute strictly after `after` (unix seconds, UTC) matching `expression`, or
/// `None` when the expression is invalid or never matches within eight years.
pub fn next_run(expression: &str, after: i64) -> Option<i64> {
    let cron = parse_cron(expression)?;
    let start = (after.div_euclid(60) + 1) * 60;
    let first_day = start.div_euclid(86_400);
    for day in first_day..first_day + 366 * 8 {
        let (_, m, d) = civil(day);
        let weekday = (day + 4).rem_euclid(7) as usize;
        let dom = cron.day_of_month[d as usize];
        let dow = cron.day_of_week[weekday];
        let day_matches = match (cron.dom_restricted, cron.dow_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        };
        if !cron.month[m as usize] || !day_matches {
            continue;
        }
        for hour in 0..24i64 {
            if !cron.hour[hour as usize] {
                continue;
            }
            for minute in 0..60i64 {
                let at = day * 86_400 + hour * 3600 + minute * 60;
                if cron.minute[minute as usize] && at >= start {
                    return Some(at);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_run_follows_cron() {
        let base = unix_from_civil(2024, 10, 24, 12, 4, 30); // a Thursday
        assert_eq!(next_run("0 4 * * *", base).map(atom).as_deref(), Some("2024-10-25T04:00:00+00:00"));
        assert_eq!(next_run("*/15 * * * *", base).map(atom).as_deref(), Some("2024-10-24T12:15:00+00:00"));
        assert_eq!(next_run("* * * * *", base).map(atom).as_deref(), Some("2024-10-24T12:05:00+00:00"));
        assert_eq!(next_run("30 2 * * MON", base).map(atom).as_deref(), Some("2024-10-28T02:30:00+00:00"));
        assert_eq!(next_run("0 0 1 JAN *", base).map(atom).as_deref(), Some("2025-01-01T00:00:00+00:00"));
        assert_eq!(next_run("0 0 29 2 *", base).map(atom).as_deref(), Some("2028-02-29T00:00:00+00:00"));
        // Both day fields restricted: either matches (the 1st, or any Sunday).
        assert_eq!(next_run("0 0 1 * 0", base).map(atom).as_deref(), Some("2024-10-27T00:00:00+00:00"));
    }

    #[test]
    fn invalid_cron_is_refused() {
        for bad in [
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 8",
            "a * * * *",
            "* * *",
            "5-1 * * * *",
            "*/0 * * * *",
            "0 0 31 2 *",
        ] {
            assert_eq!(next_run(bad, 0), None, "{bad}");
        }
    }
}
