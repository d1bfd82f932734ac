//! Agent procedures: `/automation/agentprocs`.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, AgentProcedureId};
use msp_common::Request;

/// An agent procedure (`GET /automation/agentprocs`).
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
        self.client.list("automation/agentprocs")
    }

    /// `PUT /automation/agentprocs/{agentId}/{agentProcId}/runnow`: runs a procedure on
    /// an agent now. A write: never retried.
    pub async fn run_now(&self, agent_id: &AgentId, procedure_id: &AgentProcedureId) -> Result<()> {
        let request = Request::put("automation/agentprocs")
            .segments([agent_id.as_str(), procedure_id.as_str(), "runnow"])
            .operation("run_agent_procedure");
        self.client.send(request).await.map(drop)
    }

    /// `GET /automation/agentprocs/{agentId}/history`: the runs of procedures on an agent;
    /// filterable and sortable.
    pub fn history(&self, agent_id: &AgentId) -> ListRequest<ProcedureHistory> {
        self.client.list_request(
            Request::get("automation/agentprocs").segments([agent_id.as_str(), "history"]),
        )
    }
}
