//! [`Client`] and its builder, and the client as the request lifecycle sees it (the
//! [`Service`] hooks: the cookie session, re-sign-in on 401, typed session errors).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use msp_common::call::Authorization;
use msp_common::paginate::{Fetched, ListOptions, Paginator};
use msp_common::retry::Clock;
use msp_common::secret::Redactor;
use msp_common::{
    Call, ClientOptions, Error, Raw, Request, Result, Service, StatusCode, Transport, WriteMode,
};
use serde::de::DeserializeOwned;

use crate::auth::{Auth, Credentials};
use crate::credentials::{CredentialsHandler, ManagedAccountsHandler};
use crate::error::{AuthError, AuthFailure, VENDOR, parse_error_redacting};
use crate::models::SignInUser;
use crate::requests::RequestsHandler;
use crate::sessions::SessionsHandler;

/// The path of the public API under a Password Safe host: a base URL is
/// `https://{host}/BeyondTrust/api/public/v3`.
pub const API_PATH: &str = "BeyondTrust/api/public/v3/";

/// A Password Safe v3 client: one cookie session, shared by every clone.
///
/// Cloning is cheap (an `Arc`). Every call is a [`Call`]: nothing is sent until it is
/// awaited, and [`Call::preview`] shows what it would send. The client signs in on first
/// use; call [`Client::sign_out`] when done. A client dropped while signed in does
/// **not** sign out (dropping cannot wait for the network): the server ends the session
/// when its idle timeout passes, and a `debug` event is logged.
///
/// ```no_run
/// # async fn run() -> beyondtrust_sessions_client::Result<()> {
/// use beyondtrust_sessions_client::{Client, PsAuth, WriteMode};
///
/// let client = Client::builder()
///     .host("https://pam.example.com")
///     .credentials(PsAuth::new("c479a66f…").runas(r"doe-main\johndoe"))
///     .write_mode(WriteMode::ReadOnly) // writes are refused before anything is sent
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

/// The client's state as the request lifecycle sees it: its transport, its write mode
/// and the session it shares with every copy made by [`Client::with_write_mode`].
pub(crate) struct Inner {
    transport: Transport,
    auth: Arc<Auth>,
    reauthenticate: bool,
    write_mode: WriteMode,
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Service for Inner {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn write_mode(&self) -> WriteMode {
        self.write_mode
    }

    /// Sends the session cookie, signing in first when there is no session.
    fn authorize<'a>(&'a self, _: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        Box::pin(async move {
            let session = self.auth.session().await?;
            Authorization::new(session.generation).sensitive_header(COOKIE, &session.cookie)
        })
    }

    /// Signs in again after the session of `generation` was refused, unless another
    /// call already did (then its session is used); nothing when re-authentication is
    /// off.
    fn renew(&self, generation: u64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            if !self.reauthenticate {
                return Ok(false);
            }
            self.auth.renew(generation).await?;
            Ok(true)
        })
    }

    fn preview_credentials(&self, request: Request) -> Result<Request> {
        request.redacted_header(COOKIE)
    }

    /// A 401 that survived the re-sign-in (or came with re-authentication off) is an
    /// expired session.
    fn map_error(&self, _operation: &str, err: Error) -> Error {
        match err {
            Error::Api(api) if api.status() == StatusCode::UNAUTHORIZED => {
                AuthError::into_error(AuthFailure::SessionExpired, Some(*api))
            }
            other => other,
        }
    }
}

/// The header the session travels in.
pub(crate) const COOKIE: &str = "Cookie";

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base_url().as_str())
            .field("credentials", self.inner.auth.credentials())
            .field("reauthenticate", &self.inner.reauthenticate)
            .field("write_mode", &self.inner.write_mode)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
///
/// The shared setters (`base_url`, `user_agent`, `timeout`, `no_timeout`,
/// `connect_timeout`, `max_response_bytes`, `allow_http`, `danger_accept_invalid_certs`,
/// `retry_policy`, `http_client`, `write_mode`, `clock`, `jitter`) mean the same in every
/// msp-sdk crate (see [`msp_common::options`]). `base_url` is the API base, ending in
/// `/BeyondTrust/api/public/v3`; [`ClientBuilder::host`] builds it from the host. On top
/// come the Password Safe settings: [`ClientBuilder::credentials`] and
/// [`ClientBuilder::reauthenticate`].
#[must_use]
pub struct ClientBuilder {
    options: ClientOptions,
    credentials: Option<Credentials>,
    reauthenticate: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("options", &self.options)
            .field("credentials", &self.credentials)
            .field("reauthenticate", &self.reauthenticate)
            .finish()
    }
}

impl ClientBuilder {
    msp_common::client_builder_setters!(options);

    /// The Password Safe host (`https://pam.example.com`): sets the
    /// [`base_url`](Self::base_url) to `{host}/BeyondTrust/api/public/v3/`.
    pub fn host(mut self, host: impl AsRef<str>) -> Self {
        let host = host.as_ref().trim_end_matches('/');
        self.options.base_url = Some(format!("{host}/{API_PATH}"));
        self
    }

    /// How to sign in. Required.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// Whether a call refused with 401 signs in again once and is resent (default:
    /// yes). Concurrent calls refused together share that one sign-in. Off, the 401 is
    /// reported as [`AuthFailure::SessionExpired`].
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
        let ClientOptions {
            base_url,
            transport,
            write_mode,
            ..
        } = self.options;
        let base_url = base_url.ok_or_else(|| {
            Error::config("a Password Safe base URL (…/BeyondTrust/api/public/v3) is required")
        })?;
        let redactor = Redactor::new(credentials.secrets());
        let mut builder = Transport::builder(
            VENDOR,
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        )
        .base_url(base_url)
        .options(transport)
        .error_parser(move |status, headers: &_, body: &[u8]| {
            parse_error_redacting(&redactor, status, headers, body)
        });
        for secret in credentials.secrets() {
            builder = builder.redact(secret);
        }
        let transport = builder.build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                auth: Arc::new(Auth::new(credentials, &transport)),
                transport,
                reauthenticate: self.reauthenticate,
                write_mode,
            }),
        })
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            options: ClientOptions::default(),
            credentials: None,
            reauthenticate: true,
        }
    }

    /// The transport (base URL, HTTP client, settings).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// What the client does with writes (see [`ClientBuilder::write_mode`]).
    pub fn write_mode(&self) -> WriteMode {
        self.inner.write_mode
    }

    /// A copy of this client with another write mode, sharing its connection pool and
    /// its session (signing in on one signs in the other).
    ///
    /// ```
    /// # fn main() -> beyondtrust_sessions_client::Result<()> {
    /// use beyondtrust_sessions_client::{Client, PsAuth, WriteMode};
    ///
    /// let client = Client::builder()
    ///     .host("https://pam.example.com")
    ///     .credentials(PsAuth::new("c479a66f"))
    ///     .build()?;
    /// let dry = client.with_write_mode(WriteMode::DryRun);
    /// assert_eq!(dry.write_mode(), WriteMode::DryRun);
    /// assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    /// # Ok(()) }
    /// ```
    pub fn with_write_mode(&self, mode: WriteMode) -> Client {
        Client {
            inner: Arc::new(Inner {
                transport: self.inner.transport.clone(),
                auth: self.inner.auth.clone(),
                reauthenticate: self.inner.reauthenticate,
                write_mode: mode,
            }),
        }
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        self.inner.transport.clock()
    }

    /// The client as the request lifecycle sees it, for building calls.
    pub(crate) fn call_service(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }

    /// A call decoded by `decode`; `write` says whether it changes state.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        request: Result<Request>,
        write: bool,
        decode: impl FnOnce(msp_common::Response) -> Result<T> + Send + 'static,
    ) -> Call<T> {
        Call::new(self.call_service(), request, write, decode)
    }

    /// A listing answered in one page (Password Safe v3 does not page these lists): the
    /// engine still applies the shared list settings (the limit cuts the answer).
    pub(crate) fn single_page<T>(&self, request: Request, options: &ListOptions) -> Paginator<T, ()>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.single_page_with(request, options, |response| response.json())
    }

    /// [`Client::single_page`] with its own decoding of the answer.
    pub(crate) fn single_page_with<T>(
        &self,
        request: Request,
        options: &ListOptions,
        decode: fn(msp_common::Response) -> Result<Vec<T>>,
    ) -> Paginator<T, ()>
    where
        T: Send + 'static,
    {
        let service = self.call_service();
        let paginator = Paginator::new((), move |()| {
            let call: Call<Vec<T>> = Call::new(service.clone(), Ok(request.clone()), false, decode);
            async move { Ok(Fetched::new(call.await?)) }
        });
        options.apply(paginator, false)
    }

    /// Signs in (`POST Auth/SignAppin`), replacing any current session, and returns the
    /// signed-in user. Calls sign in by themselves when needed; this is for checking the
    /// credentials up front, or for starting a two-factor sign-in, which fails with
    /// [`AuthFailure::TwoFactorRequired`] until [`Client::sign_in_challenge`] is called.
    ///
    /// A composite: with OAuth credentials it first asks `Auth/connect/token` for a
    /// bearer token. Signing in is not a write: it is sent in every
    /// [`WriteMode`], once (never replayed).
    pub async fn sign_in(&self) -> Result<SignInUser> {
        self.inner.auth.sign_in().await
    }

    /// Completes a two-factor sign-in with the code (`challenge={code};`), in the session
    /// the first step opened. Whitespace around the code is dropped; a code that is
    /// empty or holds anything but printable ASCII without `;` (which the `PS-Auth`
    /// header cannot carry) is refused before anything is sent.
    pub async fn sign_in_challenge(&self, code: &str) -> Result<SignInUser> {
        let code = code.trim();
        if code.is_empty() || code.contains(';') || !code.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::config(
                "the two-factor code is empty or holds `;`, whitespace or characters other than printable ASCII",
            ));
        }
        self.inner.auth.challenge(code).await
    }

    /// The user of the current session, if signed in. Sends nothing.
    pub async fn signed_in_user(&self) -> Option<SignInUser> {
        self.inner.auth.user().await
    }

    /// Ends the session (`POST Auth/Signout`); the server refuses its cookie from then on.
    /// A later call signs in again. Does nothing when not signed in.
    ///
    /// Like signing in, signing out is session management, not a write: it is sent in
    /// every [`WriteMode`], so a read-only or dry-run client leaves no session open.
    pub async fn sign_out(&self) -> Result<()> {
        self.inner.auth.sign_out().await
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
}

/// The escape hatch, for endpoints this crate does not model: `get`, `post`, `put`,
/// `patch`, `delete` and `send`, each a [`Call`] with the session cookie, the write mode
/// (`POST`, `PUT`, `PATCH` and `DELETE` are writes) and the re-sign-in of every call.
///
/// ```no_run
/// # async fn run(client: beyondtrust_sessions_client::Client) -> beyondtrust_sessions_client::Result<()> {
/// use beyondtrust_sessions_client::Raw;
///
/// let systems: serde_json::Value = client.get("ManagedSystems", &[("limit", "10")]).await?;
/// println!("{systems}");
/// # Ok(()) }
/// ```
impl Raw for Client {
    fn service(&self) -> Arc<dyn Service> {
        self.call_service()
    }
}
