//! Sessions: `GET Sessions`, `GET Sessions/{id}`, `POST Requests/{id}/Sessions`,
//! `POST Sessions/Admin`, `POST Sessions/{id}/lock`, `POST Sessions/{id}/terminate`.
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client, request_id: beyondtrust_sessions_client::RequestId) -> beyondtrust_sessions_client::Result<()> {
//! use beyondtrust_sessions_client::{Listing, SessionStatus, SessionType};
//!
//! let file = client
//!     .sessions()
//!     .create(request_id, SessionType::RdpFile)
//!     .await?
//!     .into_file()?;
//! std::fs::write(file.file_name().unwrap_or("session.rdp"), file.bytes()).ok();
//!
//! let live = client
//!     .sessions()
//!     .list()
//!     .status(SessionStatus::InProgress)
//!     .collect()
//!     .await?;
//! for session in live {
//!     client.sessions().lock(session.session_id).await?;
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::fmt;

use msp_common::paginate::{ListOptions, Paginator};
use msp_common::secret::{ExposeSecret, SecretString};
use msp_common::{Call, Error, Listing, Request, Response, Result};
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

    /// Lists sessions (`GET Sessions`; the server answers at most 100,000 at once),
    /// through the shared [`Listing`] surface.
    pub fn list(&self) -> ListSessions {
        ListSessions {
            client: self.client.clone(),
            statuses: BTreeSet::new(),
            user_id: None,
            options: ListOptions::default(),
        }
    }

    /// Gets one session (`GET Sessions/{id}`).
    pub fn get(&self, id: SessionId) -> Call<Session> {
        let request = Request::get("Sessions")
            .segments([id.to_string()])
            .operation("get_session");
        self.client
            .call(Ok(request), false, |response| response.json())
    }

    /// Creates a session for an approved request (`POST Requests/{id}/Sessions`). A
    /// write, sent once. `session` is a [`SessionType`], or a [`NewSession`] with
    /// options. `rdpfile` and `appfile` answer with [`SessionCreated::File`], the others
    /// with [`SessionCreated::Ticket`]. Fails with 4034 while the request waits for
    /// approval.
    pub fn create(
        &self,
        request_id: RequestId,
        session: impl Into<NewSession>,
    ) -> Call<SessionCreated> {
        let session = session.into();
        let request = session.validate().and_then(|()| {
            Request::post("Requests")
                .segments([request_id.to_string().as_str(), "Sessions"])
                .operation("create_session")
                .json(&session)
        });
        self.client
            .call(request, true, |response| session_created(&response))
    }

    /// Creates an admin session (`POST Sessions/Admin`), for a host that is not a managed
    /// system, with credentials the caller provides. A write, sent once. The fields are
    /// checked first: when they fail, awaiting the call gives the [`ValidationError`]
    /// and nothing is sent. The password is redacted from previews and error bodies.
    pub fn admin(&self, session: AdminSession) -> Call<SessionCreated> {
        let request = session.validate().and_then(|()| {
            Request::post("Sessions/Admin")
                .operation("create_admin_session")
                .redact(session.password.clone())
                .json(&session.body())
        });
        self.client
            .call(request, true, |response| session_created(&response))
    }

    /// Locks a session (`POST Sessions/{id}/lock`). A write, sent once.
    pub fn lock(&self, id: SessionId) -> Call<()> {
        self.post_action(id, "lock", "lock_session")
    }

    /// Terminates a session (`POST Sessions/{id}/terminate`). A write, sent once.
    pub fn terminate(&self, id: SessionId) -> Call<()> {
        self.post_action(id, "terminate", "terminate_session")
    }

    fn post_action(&self, id: SessionId, action: &str, operation: &'static str) -> Call<()> {
        let request = Request::post("Sessions")
            .segments([id.to_string().as_str(), action])
            .operation(operation);
        self.client.call(Ok(request), true, |_| Ok(()))
    }
}

/// Lists sessions (`GET Sessions`); from [`SessionsHandler::list`]. Consumed through
/// [`Listing`]: `stream()`, `pages()`, `collect()`, with `limit(n)` applied to the one
/// answer (the server does not page this list, so `page_size`, `look_ahead` and
/// `pages_in_flight` change nothing).
#[derive(Debug)]
#[must_use = "nothing is sent until the listing is streamed or collected"]
pub struct ListSessions {
    client: Client,
    statuses: BTreeSet<SessionStatus>,
    user_id: Option<UserId>,
    options: ListOptions,
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
}

impl Listing for ListSessions {
    type Item = Session;
    type Token = ();

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    fn paginator(self) -> Result<Paginator<Session, ()>> {
        let status = (!self.statuses.is_empty()).then(|| {
            self.statuses
                .iter()
                .map(|s| s.code().to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        let request = Request::get("Sessions")
            .operation("list_sessions")
            .query_opt("status", status)
            .query_opt("userID", self.user_id.map(|u| u.to_string()));
        Ok(self.client.single_page(request, &self.options))
    }
}

/// A session to create for a request, the body of `POST Requests/{id}/Sessions`; pass it
/// (or just a [`SessionType`]) to [`SessionsHandler::create`].
///
/// ```
/// use beyondtrust_sessions_client::SessionType;
/// use beyondtrust_sessions_client::sessions::NewSession;
///
/// let new = NewSession::new(SessionType::RdpFile).node_id("node-2");
/// assert_eq!(serde_json::to_string(&new).unwrap(), r#"{"SessionType":"rdpfile","NodeID":"node-2"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[must_use]
pub struct NewSession {
    session_type: SessionType,
    #[serde(rename = "NodeID", skip_serializing_if = "Option::is_none")]
    node_id: Option<String>,
}

impl NewSession {
    /// A session of this type, through the local node.
    pub fn new(session_type: SessionType) -> Self {
        NewSession {
            session_type,
            node_id: None,
        }
    }

    /// The node to establish the session through (default: the local node).
    pub fn node_id(mut self, node_id: impl Into<String>) -> Self {
        self.node_id = Some(node_id.into());
        self
    }

    fn validate(&self) -> Result<()> {
        if let SessionType::Unknown(other) = &self.session_type {
            return Err(ValidationError::new(
                "SessionType",
                format!("`{other}` is not a session type Password Safe knows"),
            )
            .into_error());
        }
        Ok(())
    }
}

impl From<SessionType> for NewSession {
    fn from(session_type: SessionType) -> Self {
        NewSession::new(session_type)
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
                // serde's message can quote a value, and the body holds the ticket: only
                // the kind of failure and its position are told.
                let kind = match e.classify() {
                    serde_json::error::Category::Io => "I/O error",
                    serde_json::error::Category::Syntax => "not JSON",
                    serde_json::error::Category::Data => "missing or mistyped fields",
                    serde_json::error::Category::Eof => "cut short",
                };
                Error::protocol(format!(
                    "the new session's details could not be decoded (HTTP {}, {} bytes): {kind} at line {} column {}",
                    response.status(),
                    response.bytes().len(),
                    e.line(),
                    e.column()
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

/// An admin session, the body of `POST Sessions/Admin`; pass it to
/// [`SessionsHandler::admin`].
///
/// Field lengths are checked before anything is sent: `HostName` ≤ 128, `DomainName`
/// ≤ 50, `UserName` ≤ 200, `Resolution` ≤ 50 characters. `Debug` never shows the
/// password.
///
/// ```
/// use beyondtrust_sessions_client::SessionType;
/// use beyondtrust_sessions_client::sessions::AdminSession;
///
/// let admin = AdminSession::new(SessionType::Rdp, "jump01.example.local", "helpdesk", "pw-1234")
///     .domain_name("EXAMPLE")
///     .port(3389);
/// assert!(!format!("{admin:?}").contains("pw-1234"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct AdminSession {
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

impl fmt::Debug for AdminSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminSession")
            .field("session_type", &self.session_type)
            .field("host_name", &self.host_name)
            .field("port", &self.port)
            .field("domain_name", &self.domain_name)
            .field("user_name", &self.user_name)
            .field("password", &msp_common::secret::REDACTED)
            .finish_non_exhaustive()
    }
}

impl AdminSession {
    /// An admin session of `session_type` (SSH, sshticket, RDP, rdpticket or rdpfile) to
    /// `host_name` as `user_name` with `password`.
    pub fn new(
        session_type: SessionType,
        host_name: impl Into<String>,
        user_name: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        AdminSession {
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

    fn body(&self) -> AdminBody<'_> {
        AdminBody {
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
        }
    }
}
