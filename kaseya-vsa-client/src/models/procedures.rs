//! Agent procedures, their history and schedules, and the schedule parts every schedule
//! body of the guide shares ([`RecurrenceOptions`], [`DistributionWindow`],
//! [`StartOptions`], [`ExclusionWindow`]).

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::de;
use crate::ids::{AgentId, AgentProcedureId};

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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ProcedureHistory {
    /// `ScriptName`
    pub script_name: Option<String>,
    /// `LastExecutionTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_execution_time: Option<DateTime<Utc>>,
    /// `Status`
    pub status: Option<String>,
    /// `Admin`
    pub admin: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

text_enum! {
    /// How often a schedule repeats (`Recurrence.Repeat`).
    pub enum Repeat {
        /// `Never`: runs once.
        Never = "Never",
        /// `Minutes`
        Minutes = "Minutes",
        /// `Hours`
        Hours = "Hours",
        /// `Days`
        Days = "Days",
        /// `Weeks`
        Weeks = "Weeks",
        /// `Months`
        Months = "Months",
        /// `Years`
        Years = "Years",
    }
}

/// When a schedule repeats (`Recurrence`, the guide's `RecurrenceOptions`). Unset fields
/// are left out of the body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct RecurrenceOptions {
    /// `Repeat`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::text_enum"
    )]
    pub repeat: Option<Repeat>,
    /// `Times`: every how many `Repeat` units.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub times: Option<i64>,
    /// `DaysOfWeek`: `Sunday` … `Saturday`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_of_week: Option<String>,
    /// `DayOfMonth`: `FirstSunday` … `LastSaturday`, `FirstWeekDay` … `LastWeekDay`,
    /// `FirstWeekendDay` … `LastWeekendDay`, `FirstDay` … `LastDay`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<String>,
    /// `SpecificDayOfMonth`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub specific_day_of_month: Option<i64>,
    /// `MonthOfYear`: `January` … `December`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_of_year: Option<String>,
    /// `EndAt`: `T0000` to `T2345` in steps of 15 minutes (`T1345` is 1:45 PM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_at: Option<String>,
    /// `EndOn`: a date and time (`2017-04-27T15:59:59.809Z`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_datetime"
    )]
    pub end_on: Option<DateTime<Utc>>,
    /// `EndAfterIntervalTimes`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
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
    end_on: DateTime<Utc>,
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_datetime"
    )]
    pub start_on: Option<DateTime<Utc>>,
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
    start_on: DateTime<Utc>,
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
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
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub next_exec_time: Option<DateTime<Utc>>,
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
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
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
