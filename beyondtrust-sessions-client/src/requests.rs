//! Access requests: `POST Requests`, `GET Requests`, `PUT Requests/{id}/Checkin`, the
//! approval wait, and the check-in guard.
//!
//! Single requests are [`Call`]s; two helpers are **composites** of several calls:
//! [`RequestsHandler::create_guarded`] (create, then hold the id in a [`CheckinGuard`])
//! and [`RequestsHandler::wait_for_approval`] (poll `GET Requests` with backoff).
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client) -> beyondtrust_sessions_client::Result<()> {
//! use std::time::Duration;
//! use beyondtrust_sessions_client::requests::{ApprovalWait, NewRequest};
//! use beyondtrust_sessions_client::{AccessType, ConflictOption};
//!
//! let account = client.managed_accounts().find("web01.example.local", "svc-web").await?;
//! let new = NewRequest::new(AccessType::View, account.system_id, account.account_id)
//!     .duration_minutes(30)
//!     .reason("Deploy hotfix")
//!     .conflict_option(ConflictOption::Reuse);
//! // What would be sent, without sending it:
//! println!("{:?}", client.requests().create(new.clone()).preview()?);
//!
//! let guard = client.requests().create_guarded(new).await?;
//! client
//!     .requests()
//!     .wait_for_approval(guard.id(), ApprovalWait::new().timeout(Duration::from_secs(600)))
//!     .await?;
//! let password = client.credentials().get(guard.id(), None).await?;
//! # let _ = password;
//! guard.checkin("done").await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::time::Duration;

use msp_common::paginate::{ListOptions, Paginator};
use msp_common::{Call, Error, Listing, Request, Result};
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

    /// Starts a new request for an account (`POST Requests`), answering its id. A write,
    /// sent once. The request is checked first (a duration in 1–525600 minutes, an
    /// application id for [`AccessType::App`]): when it fails, awaiting the call gives
    /// the [`ValidationError`] and nothing is sent.
    pub fn create(&self, request: NewRequest) -> Call<RequestId> {
        let built = request.validate().and_then(|()| {
            Request::post("Requests")
                .operation("create_request")
                .json(&request)
        });
        self.client.call(built, true, |response| response.json())
    }

    /// A composite: creates the request ([`RequestsHandler::create`]) and wraps its id
    /// in a [`CheckinGuard`].
    pub fn create_guarded(
        &self,
        request: NewRequest,
    ) -> impl Future<Output = Result<CheckinGuard>> + Send + 'static {
        let client = self.client.clone();
        let create = self.create(request);
        async move {
            let id = create.await?;
            Ok(client.requests().guard(id))
        }
    }

    /// Lists the caller's requests (`GET Requests`), through the shared [`Listing`]
    /// surface. The server answers them all at once.
    pub fn list(&self) -> ListRequests {
        ListRequests {
            client: self.client.clone(),
            status: None,
            options: ListOptions::default(),
        }
    }

    /// Checks a request in (`PUT Requests/{id}/Checkin` with `{"Reason": …}`), releasing
    /// the account. A write, sent once. An empty `reason` is left out (the body is `{}`).
    pub fn checkin(&self, id: RequestId, reason: impl Into<String>) -> Call<()> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body {
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<String>,
        }
        let reason = reason.into();
        let body = Body {
            reason: (!reason.trim().is_empty()).then_some(reason),
        };
        let request = Request::put("Requests")
            .segments([id.to_string().as_str(), "Checkin"])
            .operation("checkin_request")
            .json(&body);
        self.client.call(request, true, |_| Ok(()))
    }

    /// A composite: polls `GET Requests` until request `id` is approved (answering it),
    /// or fails with an [`ApprovalError`] — denied, ended, not found, timed out — read
    /// through [`ErrorExt::approval_error`](crate::ErrorExt::approval_error). The
    /// intervals and the time limit come from `wait`; waits run on the client's clock,
    /// so tests can inject a manual one.
    pub fn wait_for_approval(
        &self,
        id: RequestId,
        wait: ApprovalWait,
    ) -> impl Future<Output = Result<AccessRequest>> + Send + 'static {
        let client = self.client.clone();
        async move {
            let clock = client.clock().clone();
            let started = clock.now();
            let mut interval = wait.initial_interval.max(Duration::from_millis(1));
            let fail = |e: ApprovalError| Err(Error::vendor(crate::error::VENDOR, e));
            loop {
                let requests = client.requests().list().collect().await?;
                let Some(request) = requests.into_iter().find(|r| r.request_id == id) else {
                    return fail(ApprovalError::NotFound { request_id: id });
                };
                if request.status.is_approved() {
                    return Ok(request);
                }
                if request.status == crate::models::RequestStatus::Denied {
                    return fail(ApprovalError::Denied { request_id: id });
                }
                if request.status.is_final() {
                    return fail(ApprovalError::Ended {
                        request_id: id,
                        status: request.status,
                    });
                }
                let waited = clock.now().duration_since(started).unwrap_or_default();
                if waited >= wait.timeout {
                    return fail(ApprovalError::TimedOut {
                        request_id: id,
                        waited,
                    });
                }
                let sleep = interval.min(wait.timeout - waited);
                tracing::debug!(request_id = %id, status = %request.status, wait_ms = sleep.as_millis() as u64, "waiting for approval");
                clock.sleep(sleep).await;
                interval = interval
                    .saturating_mul(2)
                    .min(wait.max_interval.max(Duration::from_millis(1)));
            }
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

/// A new access request, the body of `POST Requests`; pass it to
/// [`RequestsHandler::create`].
///
/// ```
/// use beyondtrust_sessions_client::AccessType;
/// use beyondtrust_sessions_client::requests::NewRequest;
///
/// let new = NewRequest::new(AccessType::Rdp, 1, 11).duration_minutes(60).reason("Patch Tuesday");
/// assert_eq!(
///     serde_json::to_string(&new).unwrap(),
///     r#"{"AccessType":"RDP","SystemID":1,"AccountID":11,"DurationMinutes":60,"Reason":"Patch Tuesday"}"#
/// );
///
/// // Without an access type the server's default applies (View: retrieve the password).
/// let view = NewRequest::for_account(1, 10).duration_minutes(5);
/// assert_eq!(
///     serde_json::to_string(&view).unwrap(),
///     r#"{"SystemID":1,"AccountID":10,"DurationMinutes":5}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[must_use]
pub struct NewRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_type: Option<AccessType>,
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

impl NewRequest {
    /// A request for `access_type` to an account. Set at least
    /// [`NewRequest::duration_minutes`].
    pub fn new(
        access_type: AccessType,
        system_id: impl Into<SystemId>,
        account_id: impl Into<AccountId>,
    ) -> Self {
        NewRequest::for_account(system_id, account_id).access_type(access_type)
    }

    /// A request to an account **without** `AccessType`: the server applies its
    /// default, [`AccessType::View`] (retrieving the password), as the vendor documents
    /// it. Set at least [`NewRequest::duration_minutes`]; set the type later with
    /// [`NewRequest::access_type`].
    pub fn for_account(system_id: impl Into<SystemId>, account_id: impl Into<AccountId>) -> Self {
        NewRequest {
            access_type: None,
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
        }
    }

    /// How the account is to be used (`AccessType`); without it the server's default,
    /// [`AccessType::View`], applies.
    pub fn access_type(mut self, access_type: AccessType) -> Self {
        self.access_type = Some(access_type);
        self
    }

    /// How long the access lasts, in minutes (1–525600). Required.
    pub fn duration_minutes(mut self, minutes: u32) -> Self {
        self.duration_minutes = Some(minutes);
        self
    }

    /// Why access is needed.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The application, for [`AccessType::App`] (required there).
    pub fn application_id(mut self, id: u64) -> Self {
        self.application_id = Some(id);
        self
    }

    /// The access policy schedule to request under.
    pub fn access_policy_schedule_id(mut self, id: u64) -> Self {
        self.access_policy_schedule_id = Some(id);
        self
    }

    /// What to do when the caller already has a request for the account; without it
    /// such a request fails with 4091 (see
    /// [`ErrorExt::is_conflicting_request`](crate::ErrorExt::is_conflicting_request)).
    pub fn conflict_option(mut self, option: ConflictOption) -> Self {
        self.conflict_option = Some(option);
        self
    }

    /// The ticket system and ticket number justifying the request.
    pub fn ticket(mut self, ticket_system_id: u64, ticket_number: impl Into<String>) -> Self {
        self.ticket_system_id = Some(ticket_system_id);
        self.ticket_number = Some(ticket_number.into());
        self
    }

    /// Whether the password is rotated when the request is checked in.
    pub fn rotate_on_checkin(mut self, rotate: bool) -> Self {
        self.rotate_on_checkin = Some(rotate);
        self
    }

    fn validate(&self) -> Result<()> {
        match self.duration_minutes {
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
        if self.access_type == Some(AccessType::App) && self.application_id.is_none() {
            return Err(ValidationError::new(
                "ApplicationID",
                "App access needs an application id",
            )
            .into_error());
        }
        if let Some(AccessType::Unknown(other)) = &self.access_type {
            return Err(ValidationError::new(
                "AccessType",
                format!("`{other}` is not one of View, RDP, SSH, App"),
            )
            .into_error());
        }
        Ok(())
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

/// Lists requests (`GET Requests`); from [`RequestsHandler::list`]. Consumed through
/// [`Listing`]: `stream()`, `pages()`, `collect()`, with `limit(n)` applied to the one
/// answer (the server does not page this list, so `page_size`, `look_ahead` and
/// `pages_in_flight` change nothing).
#[derive(Debug)]
#[must_use = "nothing is sent until the listing is streamed or collected"]
pub struct ListRequests {
    client: Client,
    status: Option<RequestListStatus>,
    options: ListOptions,
}

impl ListRequests {
    /// Only requests in this state (`?status=`).
    pub fn status(mut self, status: RequestListStatus) -> Self {
        self.status = Some(status);
        self
    }
}

impl Listing for ListRequests {
    type Item = AccessRequest;
    type Token = ();

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    fn paginator(self) -> Result<Paginator<AccessRequest, ()>> {
        let request = Request::get("Requests")
            .operation("list_requests")
            .query_opt("status", self.status.map(RequestListStatus::as_str));
        Ok(self.client.single_page(request, &self.options))
    }
}

/// How [`RequestsHandler::wait_for_approval`] polls: the interval starts at
/// `initial_interval` (default 2 s) and doubles up to `max_interval` (default 30 s); the
/// wait gives up after `timeout` (default 15 minutes).
///
/// ```
/// use std::time::Duration;
/// use beyondtrust_sessions_client::requests::ApprovalWait;
///
/// let wait = ApprovalWait::new().initial_interval(Duration::from_secs(5)).timeout(Duration::from_secs(3600));
/// # let _ = wait;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ApprovalWait {
    initial_interval: Duration,
    max_interval: Duration,
    timeout: Duration,
}

impl Default for ApprovalWait {
    fn default() -> Self {
        ApprovalWait {
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(15 * 60),
        }
    }
}

impl ApprovalWait {
    /// The defaults: 2 s doubling up to 30 s, for at most 15 minutes.
    pub fn new() -> Self {
        Self::default()
    }

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
}

/// Makes sure a request is checked in when the work is done.
///
/// Await [`CheckinGuard::checkin`] when done. A guard dropped without it cannot check in
/// (dropping cannot wait for the network): it logs a `tracing` **warning** naming the
/// request, which then stays checked out until its duration ends. Use
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

    /// The check-in of the request with a reason ([`RequestsHandler::checkin`]). The
    /// guard is spent by building the call, whether or not the call succeeds (the error
    /// says why; retry with [`RequestsHandler::checkin`]).
    pub fn checkin(mut self, reason: impl Into<String>) -> Call<()> {
        self.armed = false;
        self.client.requests().checkin(self.id, reason)
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
