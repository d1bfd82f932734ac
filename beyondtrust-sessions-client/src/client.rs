//! [`Client`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use msp_common::retry::{Clock, Jitter};
use msp_common::secret::{Redactor, SecretString};
use msp_common::{
    ApiError, Error, Method, Request, Response, Result, RetryPolicy, StatusCode, Transport,
    TransportOptions,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{Auth, Credentials};
use crate::credentials::{CredentialsHandler, ManagedAccountsHandler};
use crate::error::{AuthError, AuthFailure, VENDOR, parse_error};
use crate::models::SignInUser;
use crate::requests::RequestsHandler;
use crate::sessions::SessionsHandler;

/// The path of the public API under a Password Safe host.
pub const API_PATH: &str = "BeyondTrust/api/public/v3/";

/// A Password Safe v3 client: one cookie session, shared by every clone.
///
/// Cloning is cheap (an `Arc`). The client signs in on first use; call
/// [`Client::sign_out`] when done. A client dropped while signed in does **not** sign
/// out (dropping cannot wait for the network): the server ends the session when its
/// idle timeout passes, and a `debug` event is logged.
///
/// ```no_run
/// # async fn run() -> beyondtrust_sessions_client::Result<()> {
/// use beyondtrust_sessions_client::{Client, PsAuth};
///
/// let client = Client::builder()
///     .host("https://pam.example.com")
///     .credentials(PsAuth::new("c479a66f…").runas(r"doe-main\johndoe"))
///     .build()?;
/// let me = client.sign_in().await?;
/// println!("signed in as {:?}", me.user_name);
/// client.sign_out().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) auth: Auth,
    pub(crate) clock: Arc<dyn Clock>,
    reauthenticate: bool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.auth.is_signed_in_now() == Some(true) {
            tracing::debug!(
                "Password Safe client dropped while signed in; the server session ends at its idle timeout (call sign_out to end it now)"
            );
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base_url().as_str())
            .field("credentials", self.inner.auth.credentials())
            .field("reauthenticate", &self.inner.reauthenticate)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    transport: TransportOptions,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Option<Option<Duration>>,
    reauthenticate: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("transport", &self.transport)
            .field("reauthenticate", &self.reauthenticate)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The full API base URL, ending in `/BeyondTrust/api/public/v3`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The Password Safe host (`https://pam.example.com`); the API path
    /// `/BeyondTrust/api/public/v3/` is appended.
    pub fn host(mut self, host: impl AsRef<str>) -> Self {
        let host = host.as_ref().trim_end_matches('/');
        self.base_url = Some(format!("{host}/{API_PATH}"));
        self
    }

    /// How to sign in. Required.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// The timeout of one attempt, body included (default 60 s; `None` for none).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = Some(timeout);
        self
    }

    /// An application name appended to the user agent.
    pub fn user_agent(mut self, app: impl Into<String>) -> Self {
        self.transport.app_user_agent = Some(app.into());
        self
    }

    /// The retry policy of reads. Writes (requests, check-ins, sessions, lock,
    /// terminate, sign-in) are never retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport.retry_policy = Some(policy);
        self
    }

    /// Uses this `reqwest::Client` (its pool, TLS and proxy settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport.http_client = Some(client);
        self
    }

    /// Allows plain `http://` (for loopback test servers such as the simulator).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.transport.allow_http = allow;
        self
    }

    /// Turns TLS certificate verification off (lab servers only).
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.transport.danger_accept_invalid_certs = accept;
        self
    }

    /// The largest response body accepted (default 16 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.transport.max_response_bytes = Some(bytes);
        self
    }

    /// The clock for retry waits and the approval wait (tests inject
    /// [`msp_common::retry::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.transport.clock = Some(clock);
        self
    }

    /// The randomness of retry jitter.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.transport.jitter = Some(jitter);
        self
    }

    /// Whether a call refused with 401 signs in again once and is repeated (default: yes).
    pub fn reauthenticate(mut self, on: bool) -> Self {
        self.reauthenticate = on;
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    ///
    /// Fails with [`Error::Config`] when the base URL or credentials are missing or
    /// unusable.
    pub fn build(self) -> Result<Client> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::config("Password Safe credentials are required"))?;
        credentials.validate()?;
        let base_url = self.base_url.ok_or_else(|| {
            Error::config("a Password Safe base URL (…/BeyondTrust/api/public/v3) is required")
        })?;
        let mut builder = Transport::builder(
            VENDOR,
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        )
        .base_url(base_url)
        .options(self.transport)
        .error_parser(parse_error);
        for secret in credentials.secrets() {
            builder = builder.redact(secret);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        let transport = builder.build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                clock: transport.clock().clone(),
                transport,
                auth: Auth::new(credentials),
                reauthenticate: self.reauthenticate,
            }),
        })
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            transport: TransportOptions::default(),
            base_url: None,
            credentials: None,
            timeout: None,
            reauthenticate: true,
        }
    }

    /// The transport (base URL, HTTP client, settings).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Signs in (`POST Auth/SignAppin`), replacing any current session, and returns the
    /// signed-in user. Calls sign in by themselves when needed; this is for checking the
    /// credentials up front, or for starting a two-factor sign-in, which fails with
    /// [`AuthFailure::TwoFactorRequired`] until [`Client::sign_in_challenge`] is called.
    pub async fn sign_in(&self) -> Result<SignInUser> {
        self.inner.auth.sign_in(&self.inner.transport).await
    }

    /// Completes a two-factor sign-in with the code (`challenge={code};`), in the session
    /// the first step opened.
    pub async fn sign_in_challenge(&self, code: &str) -> Result<SignInUser> {
        if code.trim().is_empty() || code.contains(';') || code.chars().any(char::is_control) {
            return Err(Error::config("the two-factor code is empty or holds `;`"));
        }
        self.inner.auth.challenge(&self.inner.transport, code).await
    }

    /// The user of the current session, if signed in.
    pub async fn signed_in_user(&self) -> Option<SignInUser> {
        self.inner.auth.user().await
    }

    /// Ends the session (`POST Auth/Signout`); the server refuses its cookie from then on.
    /// A later call signs in again. Does nothing when not signed in.
    pub async fn sign_out(&self) -> Result<()> {
        self.inner.auth.sign_out(&self.inner.transport).await
    }

    /// Access requests: create, list, check in, wait for approval.
    pub fn requests(&self) -> RequestsHandler {
        RequestsHandler::new(self.clone())
    }

    /// Retrieving the credentials of an approved request.
    pub fn credentials(&self) -> CredentialsHandler {
        CredentialsHandler::new(self.clone())
    }

    /// Managed accounts the user may request.
    pub fn managed_accounts(&self) -> ManagedAccountsHandler {
        ManagedAccountsHandler::new(self.clone())
    }

    /// Sessions: list, get, create, admin sessions, lock, terminate.
    pub fn sessions(&self) -> SessionsHandler {
        SessionsHandler::new(self.clone())
    }

    /// Sends a request built by `build` with the session cookie, signing in first when
    /// needed, and — when the server answers 401 — signing in again once and sending a
    /// fresh copy. A 401 means the server refused the call before acting on it, so the
    /// repeat is safe even for writes.
    pub(crate) async fn execute<F>(&self, build: F) -> Result<Response>
    where
        F: Fn() -> Result<Request>,
    {
        let inner = &self.inner;
        let session = inner.auth.session(&inner.transport).await?;
        let request = build()?.sensitive_header("Cookie", &session.cookie)?;
        match inner.transport.send(request).await {
            Err(err) if err.status() == Some(StatusCode::UNAUTHORIZED) => {
                let Error::Api(api) = err else {
                    return Err(err);
                };
                if !inner.reauthenticate {
                    return Err(AuthError::into_error(
                        AuthFailure::SessionExpired,
                        Some(*api),
                    ));
                }
                let session = inner
                    .auth
                    .renew(&inner.transport, session.generation)
                    .await?;
                let request = build()?.sensitive_header("Cookie", &session.cookie)?;
                inner
                    .transport
                    .send(request)
                    .await
                    .map_err(|err| match err {
                        Error::Api(api) if api.status() == StatusCode::UNAUTHORIZED => {
                            AuthError::into_error(AuthFailure::SessionExpired, Some(*api))
                        }
                        other => other,
                    })
            }
            other => other,
        }
    }

    /// Like [`Client::execute`], and redacts `secrets` (values sent in the body) from an
    /// error body that echoes them.
    pub(crate) async fn execute_redacted<F>(
        &self,
        secrets: &[SecretString],
        build: F,
    ) -> Result<Response>
    where
        F: Fn() -> Result<Request>,
    {
        self.execute(build)
            .await
            .map_err(|err| redact_error(err, secrets))
    }

    /// Escape hatch: `GET path` (relative to the base URL) with query parameters, decoded
    /// as JSON into `T`. Retried like every read.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        self.send_raw(Method::GET, path, query, None::<&()>)
            .await?
            .json()
    }

    /// Escape hatch: `POST path` with an optional JSON body, decoded as JSON into `T`.
    /// Never retried.
    pub async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.send_raw(Method::POST, path, &[], body).await?.json()
    }

    /// Escape hatch: `PUT path` with an optional JSON body, decoded as JSON into `T`.
    /// Never retried.
    pub async fn put<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.send_raw(Method::PUT, path, &[], body).await?.json()
    }

    /// Escape hatch: `DELETE path`. Never retried.
    pub async fn delete(&self, path: &str) -> Result<Response> {
        self.send_raw(Method::DELETE, path, &[], None::<&()>).await
    }

    /// Escape hatch: any method, path, query and optional JSON body, with the session
    /// cookie; the raw success response (status, headers, bytes) is returned.
    ///
    /// ```no_run
    /// # async fn run(client: beyondtrust_sessions_client::Client) -> beyondtrust_sessions_client::Result<()> {
    /// use beyondtrust_sessions_client::Method;
    ///
    /// let response = client
    ///     .send_raw(Method::GET, "ManagedSystems", &[("limit", "10")], None::<&()>)
    ///     .await?;
    /// println!("{}", response.text());
    /// # Ok(()) }
    /// ```
    pub async fn send_raw<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<Response> {
        let body = body
            .map(|b| {
                serde_json::to_vec(b).map_err(|e| {
                    Error::config(format!("the request body cannot be encoded as JSON: {e}"))
                })
            })
            .transpose()?;
        self.execute(|| {
            let mut request = Request::new(method.clone(), path)
                .operation("raw")
                .query_pairs(query.iter().copied());
            if let Some(body) = &body {
                request = request.body(body.clone(), "application/json");
            }
            Ok(request)
        })
        .await
    }
}

/// Rebuilds an API error whose body or message echoes one of `secrets`, without them.
fn redact_error(err: Error, secrets: &[SecretString]) -> Error {
    let Error::Api(api) = err else { return err };
    let redactor = Redactor::new(secrets.iter().cloned());
    let body = redactor.redact(api.body());
    let message = api.message().map(|m| redactor.redact(m));
    if body == api.body() && message.as_deref() == api.message() {
        return Error::Api(api);
    }
    let parsed = parse_error(api.status(), &Default::default(), body.as_bytes());
    let mut rebuilt = ApiError::new(api.vendor(), api.status())
        .with_body(body.as_bytes())
        .with_parsed(parsed)
        .with_retry_after(api.retry_after())
        .with_headers(api.headers())
        .with_attempts(api.attempts());
    if let Some(message) = message {
        rebuilt = rebuilt.with_message(message);
    }
    if let Some(id) = api.request_id() {
        rebuilt = rebuilt.with_request_id(id);
    }
    Error::Api(Box::new(rebuilt))
}
