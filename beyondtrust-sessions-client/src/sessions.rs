//! Sessions: `GET Sessions`, `GET Sessions/{id}`, `POST Requests/{id}/Sessions`,
//! `POST Sessions/Admin`, `POST Sessions/{id}/lock`, `POST Sessions/{id}/terminate`.
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client, request_id: beyondtrust_sessions_client::RequestId) -> beyondtrust_sessions_client::Result<()> {
//! use beyondtrust_sessions_client::{SessionStatus, SessionType};
//!
//! let file = client
//!     .sessions()
//!     .create(request_id, SessionType::RdpFile)
//!     .send()
//!     .await?
//!     .into_file()?;
//! std::fs::write(file.file_name().unwrap_or("session.rdp"), file.bytes()).ok();
//!
//! let live = client
//!     .sessions()
//!     .list()
//!     .status(SessionStatus::InProgress)
//!     .send()
//!     .await?;
//! for session in live {
//!     client.sessions().lock(session.session_id).await?;
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::fmt;

use msp_common::secret::{ExposeSecret, SecretString};
use msp_common::{Error, Request, Response, Result};
use serde::Serialize;

use crate::client::Client;
use crate::error::{ValidationError, check_len, check_required};
use crate::models::{
    RequestId, Session, SessionCreated, SessionFile, SessionId, SessionStatus, SessionTicket,
    SessionType, UserId, content_disposition_file_name,
};

/// The longest `HostName` of an admin session.
pub const MAX_HOST_NAME: usize = 128;
/// The longest `DomainName` of an admin session.
pub const MAX_DOMAIN_NAME: usize = 50;
/// The longest `UserName` of an admin session.
pub const MAX_USER_NAME: usize = 200;
/// The longest `Resolution` of an admin session.
pub const MAX_RESOLUTION: usize = 50;

/// Calls on sessions; from [`Client::sessions`].
#[derive(Debug, Clone)]
pub struct SessionsHandler {
    client: Client,
}

impl SessionsHandler {
    pub(crate) fn new(client: Client) -> Self {
        SessionsHandler { client }
    }

    /// Lists sessions (`GET Sessions`; the server returns at most 100,000).
    pub fn list(&self) -> ListSessions {
        ListSessions {
            client: self.client.clone(),
            statuses: BTreeSet::new(),
            user_id: None,
        }
    }

    /// Gets one session (`GET Sessions/{id}`).
    pub async fn get(&self, id: SessionId) -> Result<Session> {
        let id = id.to_string();
        self.client
            .execute(|| {
                Ok(Request::get("Sessions")
                    .segments([id.as_str()])
                    .operation("get_session"))
            })
            .await?
            .json()
    }

    /// Creates a session for an approved request (`POST Requests/{id}/Sessions`).
    pub fn create(&self, request_id: RequestId, session_type: SessionType) -> CreateSession {
        CreateSession {
            client: self.client.clone(),
            request_id,
            session_type,
            node_id: None,
        }
    }

    /// Creates an admin session (`POST Sessions/Admin`), for a host that is not a managed
    /// system, with credentials the caller provides.
    pub fn admin(
        &self,
        session_type: SessionType,
        host_name: impl Into<String>,
        user_name: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CreateAdminSession {
        CreateAdminSession {
            client: self.client.clone(),
            session_type,
            host_name: host_name.into(),
            port: None,
            domain_name: None,
            user_name: user_name.into(),
            password: password.into(),
            reason: None,
            resolution: None,
            rdp_admin_switch: None,
            smart_sizing: None,
            node_id: None,
        }
    }

    /// Locks a session (`POST Sessions/{id}/lock`). Never retried.
    pub async fn lock(&self, id: SessionId) -> Result<()> {
        self.post_action(id, "lock").await
    }

    /// Terminates a session (`POST Sessions/{id}/terminate`). Never retried.
    pub async fn terminate(&self, id: SessionId) -> Result<()> {
        self.post_action(id, "terminate").await
    }

    async fn post_action(&self, id: SessionId, action: &'static str) -> Result<()> {
        let id = id.to_string();
        self.client
            .execute(|| {
                Ok(Request::post("Sessions")
                    .segments([id.as_str(), action])
                    .operation(if action == "lock" {
                        "lock_session"
                    } else {
                        "terminate_session"
                    }))
            })
            .await?;
        Ok(())
    }
}

/// Lists sessions; from [`SessionsHandler::list`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct ListSessions {
    client: Client,
    statuses: BTreeSet<SessionStatus>,
    user_id: Option<UserId>,
}

impl ListSessions {
    /// Adds a status to the filter (`?status=1,2`); sessions in any of the added statuses
    /// are listed.
    pub fn status(mut self, status: SessionStatus) -> Self {
        self.statuses.insert(status);
        self
    }

    /// Adds several statuses to the filter.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = SessionStatus>) -> Self {
        self.statuses.extend(statuses);
        self
    }

    /// Only sessions requested by this user (`?userID=`).
    pub fn user_id(mut self, user_id: impl Into<UserId>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sends the listing.
    pub async fn send(self) -> Result<Vec<Session>> {
        let status = (!self.statuses.is_empty()).then(|| {
            self.statuses
                .iter()
                .map(|s| s.code().to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        let user_id = self.user_id.map(|u| u.to_string());
        self.client
            .execute(|| {
                Ok(Request::get("Sessions")
                    .operation("list_sessions")
                    .query_opt("status", status.clone())
                    .query_opt("userID", user_id.clone()))
            })
            .await?
            .json()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NewSession<'a> {
    session_type: &'a SessionType,
    #[serde(rename = "NodeID", skip_serializing_if = "Option::is_none")]
    node_id: Option<&'a str>,
}

/// Creates a session for a request; from [`SessionsHandler::create`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct CreateSession {
    client: Client,
    request_id: RequestId,
    session_type: SessionType,
    node_id: Option<String>,
}

impl CreateSession {
    /// The node to establish the session through (default: the local node).
    pub fn node_id(mut self, node_id: impl Into<String>) -> Self {
        self.node_id = Some(node_id.into());
        self
    }

    /// Creates the session (once: never retried). `rdpfile` and `appfile` answer with
    /// [`SessionCreated::File`], the others with [`SessionCreated::Ticket`]. Fails with
    /// 4034 while the request waits for approval.
    pub async fn send(self) -> Result<SessionCreated> {
        if let SessionType::Unknown(other) = &self.session_type {
            return Err(ValidationError::new(
                "SessionType",
                format!("`{other}` is not a session type Password Safe knows"),
            )
            .into_error());
        }
        let id = self.request_id.to_string();
        let body = NewSession {
            session_type: &self.session_type,
            node_id: self.node_id.as_deref(),
        };
        let response = self
            .client
            .execute(|| {
                Request::post("Requests")
                    .segments([id.as_str(), "Sessions"])
                    .operation("create_session")
                    .json(&body)
            })
            .await?;
        session_created(&response)
    }
}

/// Reads a session-creation answer: JSON details, or a file attachment.
fn session_created(response: &Response) -> Result<SessionCreated> {
    let content_type = response.header("content-type").map(str::to_owned);
    let disposition = response.header("content-disposition");
    let is_json = content_type
        .as_deref()
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let is_attachment = disposition.is_some_and(|d| {
        let d = d.trim_start().to_ascii_lowercase();
        d.starts_with("attachment") || d.contains("filename")
    });
    if is_json && !is_attachment {
        // Decoded by hand: a decode error would quote the body, which holds the ticket.
        return serde_json::from_slice::<SessionTicket>(response.bytes())
            .map(SessionCreated::Ticket)
            .map_err(|e| {
                Error::protocol(format!(
                    "the new session's details could not be decoded (HTTP {}, {} bytes): {}",
                    response.status(),
                    response.bytes().len(),
                    e.to_string().split(" at line").next().unwrap_or_default()
                ))
            });
    }
    if response.is_empty() {
        return Err(Error::protocol(format!(
            "the new session answered HTTP {} with an empty body",
            response.status()
        )));
    }
    let file_name = disposition.and_then(content_disposition_file_name);
    Ok(SessionCreated::File(SessionFile::new(
        file_name,
        content_type,
        response.bytes().clone(),
    )))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AdminBody<'a> {
    session_type: &'a SessionType,
    host_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_name: Option<&'a str>,
    user_name: &'a str,
    password: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<&'a str>,
    #[serde(rename = "RDPAdminSwitch", skip_serializing_if = "Option::is_none")]
    rdp_admin_switch: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smart_sizing: Option<bool>,
    #[serde(rename = "NodeID", skip_serializing_if = "Option::is_none")]
    node_id: Option<&'a str>,
}

/// Creates an admin session; from [`SessionsHandler::admin`].
///
/// Field lengths are checked before anything is sent: `HostName` ≤ 128, `DomainName`
/// ≤ 50, `UserName` ≤ 200, `Resolution` ≤ 50 characters.
#[must_use = "nothing is sent until `send` is awaited"]
pub struct CreateAdminSession {
    client: Client,
    session_type: SessionType,
    host_name: String,
    port: Option<u16>,
    domain_name: Option<String>,
    user_name: String,
    password: SecretString,
    reason: Option<String>,
    resolution: Option<String>,
    rdp_admin_switch: Option<bool>,
    smart_sizing: Option<bool>,
    node_id: Option<String>,
}

impl fmt::Debug for CreateAdminSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAdminSession")
            .field("session_type", &self.session_type)
            .field("host_name", &self.host_name)
            .field("port", &self.port)
            .field("domain_name", &self.domain_name)
            .field("user_name", &self.user_name)
            .field("password", &msp_common::secret::REDACTED)
            .finish_non_exhaustive()
    }
}

impl CreateAdminSession {
    /// The port (default: the configured port of the protocol).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The user's domain (at most 50 characters).
    pub fn domain_name(mut self, domain: impl Into<String>) -> Self {
        self.domain_name = Some(domain.into());
        self
    }

    /// Why the session is opened.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// RDP only: the resolution (`1024x768`, `Maximized`; at most 50 characters).
    pub fn resolution(mut self, resolution: impl Into<String>) -> Self {
        self.resolution = Some(resolution.into());
        self
    }

    /// RDP only: use the `/admin` switch.
    pub fn rdp_admin_switch(mut self, on: bool) -> Self {
        self.rdp_admin_switch = Some(on);
        self
    }

    /// RDP only: use smart sizing (applies to `rdpfile`).
    pub fn smart_sizing(mut self, on: bool) -> Self {
        self.smart_sizing = Some(on);
        self
    }

    /// The node to establish the session through.
    pub fn node_id(mut self, node_id: impl Into<String>) -> Self {
        self.node_id = Some(node_id.into());
        self
    }

    fn validate(&self) -> Result<()> {
        if !self.session_type.allowed_for_admin() {
            return Err(ValidationError::new(
                "SessionType",
                format!(
                    "admin sessions are SSH, sshticket, RDP, rdpticket or rdpfile, not `{}`",
                    self.session_type
                ),
            )
            .into_error());
        }
        check_required("HostName", &self.host_name)?;
        check_len("HostName", &self.host_name, MAX_HOST_NAME)?;
        check_required("UserName", &self.user_name)?;
        check_len("UserName", &self.user_name, MAX_USER_NAME)?;
        if self.password.expose_secret().is_empty() {
            return Err(ValidationError::new("Password", "a value is required").into_error());
        }
        if let Some(domain) = &self.domain_name {
            check_len("DomainName", domain, MAX_DOMAIN_NAME)?;
        }
        if let Some(resolution) = &self.resolution {
            check_len("Resolution", resolution, MAX_RESOLUTION)?;
        }
        Ok(())
    }

    /// Creates the session (once: never retried).
    pub async fn send(self) -> Result<SessionCreated> {
        self.validate()?;
        let body = AdminBody {
            session_type: &self.session_type,
            host_name: &self.host_name,
            port: self.port,
            domain_name: self.domain_name.as_deref(),
            user_name: &self.user_name,
            password: self.password.expose_secret(),
            reason: self.reason.as_deref(),
            resolution: self.resolution.as_deref(),
            rdp_admin_switch: self.rdp_admin_switch,
            smart_sizing: self.smart_sizing,
            node_id: self.node_id.as_deref(),
        };
        let response = self
            .client
            .execute_redacted(std::slice::from_ref(&self.password), || {
                Request::post("Sessions/Admin")
                    .operation("create_admin_session")
                    .json(&body)
            })
            .await?;
        session_created(&response)
    }
}
