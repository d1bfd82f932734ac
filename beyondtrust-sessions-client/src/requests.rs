//! Access requests: `POST Requests`, `GET Requests`, `PUT Requests/{id}/Checkin`, the
//! approval wait, and the check-in guard.
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client) -> beyondtrust_sessions_client::Result<()> {
//! use std::time::Duration;
//! use beyondtrust_sessions_client::{AccessType, ConflictOption};
//!
//! let account = client.managed_accounts().find("web01.example.local", "svc-web").await?;
//! let guard = client
//!     .requests()
//!     .create(AccessType::View, account.system_id, account.account_id)
//!     .duration_minutes(30)
//!     .reason("Deploy hotfix")
//!     .conflict_option(ConflictOption::Reuse)
//!     .send_guarded()
//!     .await?;
//! client
//!     .requests()
//!     .wait_for_approval(guard.id())
//!     .timeout(Duration::from_secs(600))
//!     .await_approval()
//!     .await?;
//! let password = client.credentials().get(guard.id()).send().await?;
//! # let _ = password;
//! guard.checkin("done").await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use msp_common::{Error, Request, Result};
use serde::Serialize;

use crate::client::Client;
use crate::error::{ApprovalError, ValidationError};
use crate::models::{AccessRequest, AccessType, AccountId, ConflictOption, RequestId, SystemId};

/// The shortest duration a request may ask for, in minutes.
pub const MIN_DURATION_MINUTES: u32 = 1;
/// The longest duration a request may ask for, in minutes (one year).
pub const MAX_DURATION_MINUTES: u32 = 525_600;

/// Calls on access requests; from [`Client::requests`].
#[derive(Debug, Clone)]
pub struct RequestsHandler {
    client: Client,
}

impl RequestsHandler {
    pub(crate) fn new(client: Client) -> Self {
        RequestsHandler { client }
    }

    /// Starts a new request for an account (`POST Requests`). Set at least
    /// [`CreateRequest::duration_minutes`].
    pub fn create(
        &self,
        access_type: AccessType,
        system_id: impl Into<SystemId>,
        account_id: impl Into<AccountId>,
    ) -> CreateRequest {
        CreateRequest {
            client: self.client.clone(),
            body: NewRequest {
                access_type,
                system_id: system_id.into(),
                account_id: account_id.into(),
                application_id: None,
                duration_minutes: None,
                reason: None,
                access_policy_schedule_id: None,
                conflict_option: None,
                ticket_system_id: None,
                ticket_number: None,
                rotate_on_checkin: None,
            },
        }
    }

    /// Lists the caller's requests (`GET Requests`).
    pub fn list(&self) -> ListRequests {
        ListRequests {
            client: self.client.clone(),
            status: None,
        }
    }

    /// Checks a request in (`PUT Requests/{id}/Checkin`), releasing the account. Never
    /// retried.
    pub fn checkin(&self, id: RequestId) -> Checkin {
        Checkin {
            client: self.client.clone(),
            id,
            reason: None,
        }
    }

    /// Waits until a request is approved, denied, or a time limit passes.
    pub fn wait_for_approval(&self, id: RequestId) -> WaitForApproval {
        WaitForApproval {
            client: self.client.clone(),
            id,
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(15 * 60),
        }
    }

    /// A guard that reminds (with a warning) when `id` is dropped without check-in.
    pub fn guard(&self, id: RequestId) -> CheckinGuard {
        CheckinGuard {
            client: self.client.clone(),
            id,
            armed: true,
        }
    }
}

/// The body of `POST Requests`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct NewRequest {
    access_type: AccessType,
    #[serde(rename = "SystemID")]
    system_id: SystemId,
    #[serde(rename = "AccountID")]
    account_id: AccountId,
    #[serde(rename = "ApplicationID", skip_serializing_if = "Option::is_none")]
    application_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(
        rename = "AccessPolicyScheduleID",
        skip_serializing_if = "Option::is_none"
    )]
    access_policy_schedule_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict_option: Option<ConflictOption>,
    #[serde(rename = "TicketSystemID", skip_serializing_if = "Option::is_none")]
    ticket_system_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotate_on_checkin: Option<bool>,
}

/// A new access request; from [`RequestsHandler::create`].
#[derive(Debug)]
#[must_use = "a request is sent only by `send` or `send_guarded`"]
pub struct CreateRequest {
    client: Client,
    body: NewRequest,
}

impl CreateRequest {
    /// How long the access lasts, in minutes (1–525600). Required.
    pub fn duration_minutes(mut self, minutes: u32) -> Self {
        self.body.duration_minutes = Some(minutes);
        self
    }

    /// Why access is needed.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.body.reason = Some(reason.into());
        self
    }

    /// The application, for [`AccessType::App`] (required there).
    pub fn application_id(mut self, id: u64) -> Self {
        self.body.application_id = Some(id);
        self
    }

    /// The access policy schedule to request under.
    pub fn access_policy_schedule_id(mut self, id: u64) -> Self {
        self.body.access_policy_schedule_id = Some(id);
        self
    }

    /// What to do when the caller already has a request for the account; without it
    /// such a request fails with 4091 (see
    /// [`ErrorExt::is_conflicting_request`](crate::ErrorExt::is_conflicting_request)).
    pub fn conflict_option(mut self, option: ConflictOption) -> Self {
        self.body.conflict_option = Some(option);
        self
    }

    /// The ticket system and ticket number justifying the request.
    pub fn ticket(mut self, ticket_system_id: u64, ticket_number: impl Into<String>) -> Self {
        self.body.ticket_system_id = Some(ticket_system_id);
        self.body.ticket_number = Some(ticket_number.into());
        self
    }

    /// Whether the password is rotated when the request is checked in.
    pub fn rotate_on_checkin(mut self, rotate: bool) -> Self {
        self.body.rotate_on_checkin = Some(rotate);
        self
    }

    fn validate(&self) -> Result<()> {
        let body = &self.body;
        match body.duration_minutes {
            None => {
                return Err(
                    ValidationError::new("DurationMinutes", "a duration is required").into_error(),
                );
            }
            Some(minutes) if !(MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&minutes) => {
                return Err(ValidationError::new(
                    "DurationMinutes",
                    format!(
                        "must be between {MIN_DURATION_MINUTES} and {MAX_DURATION_MINUTES} minutes, got {minutes}"
                    ),
                )
                .into_error());
            }
            Some(_) => {}
        }
        if body.access_type == AccessType::App && body.application_id.is_none() {
            return Err(ValidationError::new(
                "ApplicationID",
                "App access needs an application id",
            )
            .into_error());
        }
        if let AccessType::Unknown(other) = &body.access_type {
            return Err(ValidationError::new(
                "AccessType",
                format!("`{other}` is not one of View, RDP, SSH, App"),
            )
            .into_error());
        }
        Ok(())
    }

    /// Sends the request (once: it is never retried) and returns its id.
    pub async fn send(self) -> Result<RequestId> {
        self.validate()?;
        let body = self.body;
        let response = self
            .client
            .execute(|| {
                Request::post("Requests")
                    .operation("create_request")
                    .json(&body)
            })
            .await?;
        response.json::<RequestId>()
    }

    /// Sends the request and wraps its id in a [`CheckinGuard`].
    pub async fn send_guarded(self) -> Result<CheckinGuard> {
        let client = self.client.clone();
        let id = self.send().await?;
        Ok(client.requests().guard(id))
    }
}

/// Which requests `GET Requests` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestListStatus {
    /// All requests.
    All,
    /// Approved, usable requests.
    Active,
    /// Requests waiting for approval.
    Pending,
}

impl RequestListStatus {
    fn as_str(self) -> &'static str {
        match self {
            RequestListStatus::All => "all",
            RequestListStatus::Active => "active",
            RequestListStatus::Pending => "pending",
        }
    }
}

/// Lists requests; from [`RequestsHandler::list`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct ListRequests {
    client: Client,
    status: Option<RequestListStatus>,
}

impl ListRequests {
    /// Only requests in this state.
    pub fn status(mut self, status: RequestListStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sends the listing.
    pub async fn send(self) -> Result<Vec<AccessRequest>> {
        let status = self.status;
        self.client
            .execute(|| {
                Ok(Request::get("Requests")
                    .operation("list_requests")
                    .query_opt("status", status.map(RequestListStatus::as_str)))
            })
            .await?
            .json()
    }
}

/// Checks a request in; from [`RequestsHandler::checkin`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Checkin {
    client: Client,
    id: RequestId,
    reason: Option<String>,
}

impl Checkin {
    /// Why (or that) the work is done.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sends the check-in (once: never retried).
    pub async fn send(self) -> Result<()> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'a str>,
        }
        let id = self.id.to_string();
        let body = Body {
            reason: self.reason.as_deref(),
        };
        self.client
            .execute(|| {
                Request::put("Requests")
                    .segments([id.as_str(), "Checkin"])
                    .operation("checkin_request")
                    .json(&body)
            })
            .await?;
        Ok(())
    }
}

/// Polls `GET Requests` until a request is approved; from
/// [`RequestsHandler::wait_for_approval`].
///
/// The interval starts at 2 s and doubles up to 30 s; the wait gives up after 15
/// minutes. Waits run on the client's clock, so tests can inject a manual one.
#[derive(Debug)]
#[must_use = "nothing happens until `await_approval` is awaited"]
pub struct WaitForApproval {
    client: Client,
    id: RequestId,
    initial_interval: Duration,
    max_interval: Duration,
    timeout: Duration,
}

impl WaitForApproval {
    /// The first wait between polls (default 2 s).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest wait between polls (default 30 s).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How long to wait in all (default 15 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Polls until the request is approved (returning it), or fails with an
    /// [`ApprovalError`] (denied, ended, not found, timed out) read through
    /// [`ErrorExt::approval_error`](crate::ErrorExt::approval_error).
    pub async fn await_approval(self) -> Result<AccessRequest> {
        let clock = self.client.clock().clone();
        let started = clock.now();
        let mut interval = self.initial_interval.max(Duration::from_millis(1));
        let fail = |e: ApprovalError| Err(Error::vendor(crate::error::VENDOR, e));
        loop {
            let requests = self.client.requests().list().send().await?;
            let Some(request) = requests.into_iter().find(|r| r.request_id == self.id) else {
                return fail(ApprovalError::NotFound {
                    request_id: self.id,
                });
            };
            if request.status.is_approved() {
                return Ok(request);
            }
            if request.status == crate::models::RequestStatus::Denied {
                return fail(ApprovalError::Denied {
                    request_id: self.id,
                });
            }
            if request.status.is_final() {
                return fail(ApprovalError::Ended {
                    request_id: self.id,
                    status: request.status,
                });
            }
            let waited = clock.now().duration_since(started).unwrap_or_default();
            if waited >= self.timeout {
                return fail(ApprovalError::TimedOut {
                    request_id: self.id,
                    waited,
                });
            }
            let sleep = interval.min(self.timeout - waited);
            tracing::debug!(request_id = %self.id, status = %request.status, wait_ms = sleep.as_millis() as u64, "waiting for approval");
            clock.sleep(sleep).await;
            interval = interval
                .saturating_mul(2)
                .min(self.max_interval.max(Duration::from_millis(1)));
        }
    }
}

/// Makes sure a request is checked in when the work is done.
///
/// Call [`CheckinGuard::checkin`] (async) when done. A guard dropped without it cannot
/// check in (dropping cannot wait for the network): it logs a `tracing` **warning** naming
/// the request, which then stays checked out until its duration ends. Use
/// [`CheckinGuard::into_id`] to keep a request checked out on purpose.
#[must_use = "a request left checked out keeps the account released; call `checkin`"]
pub struct CheckinGuard {
    client: Client,
    id: RequestId,
    armed: bool,
}

impl fmt::Debug for CheckinGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckinGuard")
            .field("id", &self.id)
            .field("armed", &self.armed)
            .finish()
    }
}

impl CheckinGuard {
    /// The request id.
    pub fn id(&self) -> RequestId {
        self.id
    }

    /// Checks the request in with a reason (`PUT Requests/{id}/Checkin`). The guard is
    /// spent even when the call fails (the error says why; retry with
    /// [`RequestsHandler::checkin`]).
    pub async fn checkin(mut self, reason: impl Into<String>) -> Result<()> {
        self.armed = false;
        self.client
            .requests()
            .checkin(self.id)
            .reason(reason)
            .send()
            .await
    }

    /// Gives up the guard without checking in, keeping the request checked out.
    pub fn into_id(mut self) -> RequestId {
        self.armed = false;
        self.id
    }
}

impl Drop for CheckinGuard {
    fn drop(&mut self) {
        if self.armed {
            tracing::warn!(
                request_id = %self.id,
                "Password Safe request dropped without check-in; it stays checked out until its duration ends"
            );
        }
    }
}
