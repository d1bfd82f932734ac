//! Agent procedures: `/automation/agentprocs`, the quick launch list and the user portal.
//!
//! The schedule parts shared by every schedule body of the guide — [`RecurrenceOptions`],
//! [`DistributionWindow`], [`StartOptions`] and [`ExclusionWindow`] — are models
//! ([`crate::models`]), re-exported here; the audit ([`crate::audit::AuditSchedule`]) and
//! patch ([`crate::patch::PatchSchedule`]) bodies use them too.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use kaseya_vsa_client::agent_procedures::{
//!     DistributionWindow, ProcedureSchedule, RecurrenceOptions, Repeat, ScriptPrompt, StartOptions,
//! };
//!
//! let body = ProcedureSchedule::new()
//!     .skip_if_off_line(true)
//!     .script_prompt(ScriptPrompt::new("Path", r"C:\Temp"))
//!     .recurrence(RecurrenceOptions::new(Repeat::Weeks).times(1).days_of_week("Monday"))
//!     .distribution(DistributionWindow::new("Minutes", 30))
//!     .start(StartOptions::new().start_on(Utc.with_ymd_and_hms(2024, 5, 6, 0, 0, 0).unwrap()).start_at("T0200"));
//! let json = serde_json::to_value(&body).unwrap();
//! assert_eq!(json["Recurrence"]["Repeat"], "Weeks");
//! assert_eq!(json["ScriptPrompts"][0]["Value"], r"C:\Temp");
//! assert_eq!(json["Start"]["StartOn"], "2024-05-06T00:00:00Z");
//! assert!(json.get("Exclusion").is_none(), "unset parts are left out");
//! ```

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, AgentProcedureId};
use msp_common::{Call, Request};

pub use crate::models::{
    AgentProcedure, DistributionWindow, ExclusionWindow, ProcedureHistory, ProcedureSchedule,
    RecurrenceOptions, Repeat, ScheduledProcedure, ScheduledRecurrence, ScriptPrompt, StartOptions,
};

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
