//! Agent procedures: `/automation/agentprocs`, the quick launch list and the user portal.
//!
//! The schedule parts shared by every schedule body of the guide — [`RecurrenceOptions`],
//! [`DistributionWindow`], [`StartOptions`] and [`ExclusionWindow`] — live here; the audit
//! ([`crate::audit::AuditSchedule`]) and patch ([`crate::patch::PatchSchedule`]) bodies use
//! them too.
//!
//! ```
//! use kaseya_vsa_client::agent_procedures::{
//!     DistributionWindow, ProcedureSchedule, RecurrenceOptions, Repeat, ScriptPrompt, StartOptions,
//! };
//!
//! let body = ProcedureSchedule::new()
//!     .skip_if_off_line(true)
//!     .script_prompt(ScriptPrompt::new("Path", r"C:\Temp"))
//!     .recurrence(RecurrenceOptions::new(Repeat::Weeks).times(1).days_of_week("Monday"))
//!     .distribution(DistributionWindow::new("Minutes", 30))
//!     .start(StartOptions::new().start_on("2024-05-06T00:00:00Z").start_at("T0200"));
//! let json = serde_json::to_value(&body).unwrap();
//! assert_eq!(json["Recurrence"]["Repeat"], "Weeks");
//! assert_eq!(json["ScriptPrompts"][0]["Value"], r"C:\Temp");
//! assert!(json.get("Exclusion").is_none(), "unset parts are left out");
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, AgentProcedureId};
use msp_common::Call;
use msp_common::Request;

/// Builder setters for `Option` fields of request bodies: `fn field(self, impl Into<T>)`.
macro_rules! setters {
    ($ty:ident { $( $(#[$doc:meta])* $field:ident : $t:ty ),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<$t>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}
pub(crate) use setters;

/// An agent procedure (`GET /automation/agentprocs`, the quick launch list and the user
/// portal list).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AgentProcedure {
    /// `AgentProcedureId`
    pub agent_procedure_id: AgentProcedureId,
    /// `AgentProcedureName`
    #[serde(default)]
    pub agent_procedure_name: Option<String>,
    /// `Path`
    #[serde(default)]
    pub path: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// One run of a procedure on an agent (`GET /automation/agentprocs/{agentId}/history`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ProcedureHistory {
    /// `ScriptName`
    #[serde(default)]
    pub script_name: Option<String>,
    /// `LastExecutionTime`
    #[serde(default)]
    pub last_execution_time: Option<String>,
    /// `Status`
    #[serde(default)]
    pub status: Option<String>,
    /// `Admin`
    #[serde(default)]
    pub admin: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// How often a schedule repeats (`Recurrence.Repeat`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Repeat {
    /// `Never`: runs once.
    Never,
    /// `Minutes`
    Minutes,
    /// `Hours`
    Hours,
    /// `Days`
    Days,
    /// `Weeks`
    Weeks,
    /// `Months`
    Months,
    /// `Years`
    Years,
    /// A value this crate does not know, kept as the server wrote it.
    Other(String),
}

impl Repeat {
    /// The value as the server spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Never => "Never",
            Self::Minutes => "Minutes",
            Self::Hours => "Hours",
            Self::Days => "Days",
            Self::Weeks => "Weeks",
            Self::Months => "Months",
            Self::Years => "Years",
            Self::Other(s) => s,
        }
    }

    fn from_wire(s: &str) -> Self {
        match s.trim() {
            "Never" => Self::Never,
            "Minutes" => Self::Minutes,
            "Hours" => Self::Hours,
            "Days" => Self::Days,
            "Weeks" => Self::Weeks,
            "Months" => Self::Months,
            "Years" => Self::Years,
            _ => Self::Other(s.to_owned()),
        }
    }
}

impl fmt::Display for Repeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Repeat {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Repeat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::from_wire(&s))
    }
}

/// When a schedule repeats (`Recurrence`, the guide's `RecurrenceOptions`). Unset fields
/// are left out of the body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct RecurrenceOptions {
    /// `Repeat`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
    /// `Times`: every how many `Repeat` units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub times: Option<i64>,
    /// `DaysOfWeek`: `Sunday` … `Saturday`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_of_week: Option<String>,
    /// `DayOfMonth`: `FirstSunday` … `LastSaturday`, `FirstWeekDay` … `LastWeekDay`,
    /// `FirstWeekendDay` … `LastWeekendDay`, `FirstDay` … `LastDay`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<String>,
    /// `SpecificDayOfMonth`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specific_day_of_month: Option<i64>,
    /// `MonthOfYear`: `January` … `December`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_of_year: Option<String>,
    /// `EndAt`: `T0000` to `T2345` in steps of 15 minutes (`T1345` is 1:45 PM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_at: Option<String>,
    /// `EndOn`: a date and time (`2017-04-27T15:59:59.809Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_on: Option<String>,
    /// `EndAfterIntervalTimes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_after_interval_times: Option<i64>,
}

impl RecurrenceOptions {
    /// Repeats every [`Repeat`] unit (refine with the setters).
    pub fn new(repeat: Repeat) -> Self {
        Self {
            repeat: Some(repeat),
            ..Self::default()
        }
    }

    /// Runs once (`Repeat: Never`).
    pub fn once() -> Self {
        Self::new(Repeat::Never)
    }
}

setters!(RecurrenceOptions {
    /// Sets `Repeat`.
    repeat: Repeat,
    /// Sets `Times`.
    times: i64,
    /// Sets `DaysOfWeek`.
    days_of_week: String,
    /// Sets `DayOfMonth`.
    day_of_month: String,
    /// Sets `SpecificDayOfMonth`.
    specific_day_of_month: i64,
    /// Sets `MonthOfYear`.
    month_of_year: String,
    /// Sets `EndAt` (`T0000` to `T2345`).
    end_at: String,
    /// Sets `EndOn`.
    end_on: String,
    /// Sets `EndAfterIntervalTimes`.
    end_after_interval_times: i64,
});

/// How runs are spread over time (`Distribution`, the guide's `DistributionWindow`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DistributionWindow {
    /// `Interval`: the unit (`Minutes`, `Hours`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// `Magnitude`: how many units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub magnitude: Option<i64>,
}

impl DistributionWindow {
    /// Spreads runs randomly over `magnitude` `interval`s (`("Minutes", 30)`).
    pub fn new(interval: impl Into<String>, magnitude: i64) -> Self {
        Self {
            interval: Some(interval.into()),
            magnitude: Some(magnitude),
        }
    }
}

/// When a schedule starts (`Start`, the guide's `StartOptions`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct StartOptions {
    /// `StartOn`: a date and time (`2016-02-05T21:02:56.650Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_on: Option<String>,
    /// `StartAt`: `T0000` to `T2345`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
}

impl StartOptions {
    /// Empty start options (set them with [`StartOptions::start_on`] and
    /// [`StartOptions::start_at`]).
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(StartOptions {
    /// Sets `StartOn`.
    start_on: String,
    /// Sets `StartAt`.
    start_at: String,
});

/// A daily window in which the schedule does not run (`Exclusion`, the guide's
/// `ExclusionWindow`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ExclusionWindow {
    /// `From`: `T0000` to `T2345`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `To`: `T0000` to `T2345`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl ExclusionWindow {
    /// No runs between `from` and `to` (`"T0800"`, `"T1800"`).
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }
}

/// An answer to one of a procedure's prompts (`ScriptPrompts`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ScriptPrompt {
    /// `Caption`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// `Name`: the prompt's variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Value`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl ScriptPrompt {
    /// Answers the prompt `name` with `value`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            caption: None,
            name: Some(name.into()),
            value: Some(value.into()),
        }
    }
}

setters!(ScriptPrompt {
    /// Sets `Caption`.
    caption: String,
});

/// The body of `PUT /automation/agentprocs/{agentId}/{agentProcId}/schedule`. Unset fields
/// are left out.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ProcedureSchedule {
    /// `ServerTimeZone`: the times are the server's, not the agent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_up_if_off_line: Option<bool>,
    /// `ScriptPrompts`
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub script_prompts: Vec<ScriptPrompt>,
    /// `Recurrence`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceOptions>,
    /// `Distribution`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionWindow>,
    /// `Start`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<StartOptions>,
    /// `Exclusion`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<ExclusionWindow>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl ProcedureSchedule {
    /// An empty schedule body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an answer to `ScriptPrompts`.
    #[must_use]
    pub fn script_prompt(mut self, prompt: ScriptPrompt) -> Self {
        self.script_prompts.push(prompt);
        self
    }
}

setters!(ProcedureSchedule {
    /// Sets `ServerTimeZone`.
    server_time_zone: bool,
    /// Sets `SkipIfOffLine`.
    skip_if_off_line: bool,
    /// Sets `PowerUpIfOffLine`.
    power_up_if_off_line: bool,
    /// Sets `Recurrence`.
    recurrence: RecurrenceOptions,
    /// Sets `Distribution`.
    distribution: DistributionWindow,
    /// Sets `Start`.
    start: StartOptions,
    /// Sets `Exclusion`.
    exclusion: ExclusionWindow,
    /// Sets `Attributes`.
    attributes: serde_json::Value,
});

/// The `Recurrence` of a [`ScheduledProcedure`]: servers answer a text, the guide's schema
/// an object.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ScheduledRecurrence {
    /// A description (`Every 1 week(s) on Thursday`, `Pending`).
    Text(String),
    /// The schedule's options.
    Options(RecurrenceOptions),
}

/// A procedure scheduled on an agent (`GET /automation/agentprocs/{agentId}/scheduledprocs`).
///
/// The guide's schema lists the schedule's parts (`Recurrence` as [`RecurrenceOptions`],
/// `Distribution`, `Start`, `Exclusion`, `ScriptPrompts`); its sample answer lists
/// `AgentProcedureName`, `NextExecTime`, `Status`, `Admin` and `Recurrence` as a text. This
/// model reads both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ScheduledProcedure {
    /// `AgentProcedureId`
    pub agent_procedure_id: AgentProcedureId,
    /// `AgentProcedureName`
    #[serde(default)]
    pub agent_procedure_name: Option<String>,
    /// `AgentId`
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    /// `NextExecTime`
    #[serde(default)]
    pub next_exec_time: Option<String>,
    /// `Status`
    #[serde(default)]
    pub status: Option<String>,
    /// `Admin`
    #[serde(default)]
    pub admin: Option<String>,
    /// `Recurrence`: a text (`Every 1 day(s)`) or the schedule's options
    #[serde(default)]
    pub recurrence: Option<ScheduledRecurrence>,
    /// `ServerTimeZone`
    #[serde(default)]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(default)]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(default)]
    pub power_up_if_off_line: Option<bool>,
    /// `ScriptPrompts`
    #[serde(default)]
    pub script_prompts: Option<Vec<ScriptPrompt>>,
    /// `Distribution`
    #[serde(default)]
    pub distribution: Option<DistributionWindow>,
    /// `Start`
    #[serde(default)]
    pub start: Option<StartOptions>,
    /// `Exclusion`
    #[serde(default)]
    pub exclusion: Option<ExclusionWindow>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// Agent procedure calls; from [`Client::agent_procedures`].
#[derive(Debug, Clone)]
pub struct AgentProcedures {
    client: Client,
}

impl Client {
    /// Agent procedure calls.
    pub fn agent_procedures(&self) -> AgentProcedures {
        AgentProcedures {
            client: self.clone(),
        }
    }
}

impl AgentProcedures {
    /// `GET /automation/agentprocs`: every procedure in scope; filterable and sortable
    /// (see [`crate::odata::fields::agent_procedures`]).
    pub fn list(&self) -> ListRequest<AgentProcedure> {
        self.client
            .list_named("automation/agentprocs", "list_agent_procedures")
    }

    /// `GET /automation/agentprocs/{agentId}/scheduledprocs`: the procedures scheduled on
    /// an agent; filterable and sortable (see
    /// [`crate::odata::fields::scheduled_procedures`]).
    pub fn scheduled(&self, agent_id: &AgentId) -> ListRequest<ScheduledProcedure> {
        self.client.list_request(
            Request::get("automation/agentprocs")
                .segments([agent_id.as_str(), "scheduledprocs"])
                .operation("list_scheduled_agent_procedures"),
        )
    }

    /// `PUT /automation/agentprocs/{agentId}/{agentProcId}/runnow`: runs a procedure on
    /// an agent now. A write.
    pub fn run_now(&self, agent_id: &AgentId, procedure_id: &AgentProcedureId) -> Call<()> {
        let request = Request::put("automation/agentprocs")
            .segments([agent_id.as_str(), procedure_id.as_str(), "runnow"])
            .operation("run_agent_procedure");
        self.client.write_unit(request)
    }

    /// `PUT /automation/agentprocs/{agentId}/{agentProcId}/schedule`: schedules a
    /// procedure on an agent. A write.
    pub fn schedule(
        &self,
        agent_id: &AgentId,
        procedure_id: &AgentProcedureId,
        schedule: &ProcedureSchedule,
    ) -> Call<()> {
        let request = Request::put("automation/agentprocs")
            .segments([agent_id.as_str(), procedure_id.as_str(), "schedule"])
            .operation("schedule_agent_procedure")
            .json(schedule);
        self.client.write_unit(request)
    }

    /// `GET /automation/agentprocs/{agentId}/history`: the runs of procedures on an agent;
    /// filterable and sortable (see [`crate::odata::fields::procedure_history`]).
    pub fn history(&self, agent_id: &AgentId) -> ListRequest<ProcedureHistory> {
        self.client.list_request(
            Request::get("automation/agentprocs")
                .segments([agent_id.as_str(), "history"])
                .operation("list_agent_procedure_history"),
        )
    }

    /// `DELETE /automation/agentprocs/{agentId}/{agentProcId}`: cancels a procedure
    /// scheduled on an agent. A write.
    pub fn cancel(&self, agent_id: &AgentId, procedure_id: &AgentProcedureId) -> Call<()> {
        let request = Request::delete("automation/agentprocs")
            .segments([agent_id.as_str(), procedure_id.as_str()])
            .operation("cancel_agent_procedure");
        self.client.write_unit(request)
    }

    /// `GET /automation/agentprocs/quicklaunch`: the procedures that can be quick-launched
    /// from the Quick View window; filterable and sortable (see
    /// [`crate::odata::fields::agent_procedures`]).
    pub fn quick_launch(&self) -> ListRequest<AgentProcedure> {
        self.client.list_named(
            "automation/agentprocs/quicklaunch",
            "list_quick_launch_procedures",
        )
    }

    /// `PUT /automation/agentProcs/quicklaunch/{agentProcedureId}`: updates a quick launch
    /// procedure (the guide sends no body). A write.
    pub fn update_quick_launch(&self, procedure_id: &AgentProcedureId) -> Call<()> {
        let request = Request::put("automation/agentProcs/quicklaunch")
            .segments([procedure_id.as_str()])
            .operation("update_quick_launch_procedure");
        self.client.write_unit(request)
    }

    /// `DELETE /automation/agentProcs/quicklaunch/{agentProcId}`: removes a procedure from
    /// quick launch. A write.
    pub fn delete_quick_launch(&self, procedure_id: &AgentProcedureId) -> Call<()> {
        let request = Request::delete("automation/agentProcs/quicklaunch")
            .segments([procedure_id.as_str()])
            .operation("delete_quick_launch_procedure");
        self.client.write_unit(request)
    }

    /// `GET /automation/agentprocs/quicklaunch/askbeforeexecuting`: the calling user's
    /// "Ask before executing" setting for quick launch procedures.
    pub fn ask_before_executing(&self) -> Call<bool> {
        let request = Request::get("automation/agentprocs/quicklaunch/askbeforeexecuting")
            .operation("get_ask_before_executing");
        self.client.read(request)
    }

    /// `PUT /automation/agentprocs/quicklaunch/askbeforeexecuting`: sets the calling
    /// user's "Ask before executing" setting. A write.
    ///
    /// The guide lists `flag: true|false` among the headers, while the server's Web API
    /// binds a simple parameter from the query string; the value is sent both ways
    /// (`flag` header and `?flag=`).
    pub fn set_ask_before_executing(&self, flag: bool) -> Call<()> {
        let value = if flag { "true" } else { "false" };
        let request = Request::put("automation/agentprocs/quicklaunch/askbeforeexecuting")
            .query("flag", value)
            .operation("set_ask_before_executing")
            .header("flag", value);
        self.client.write_unit(request)
    }

    /// `GET /automation/agentprocsportal`: the procedures shown on the user portal;
    /// filterable and sortable (see [`crate::odata::fields::agent_procedures`]).
    pub fn user_portal(&self) -> ListRequest<AgentProcedure> {
        self.client
            .list_named("automation/agentprocsportal", "list_user_portal_procedures")
    }
}
