//! Signing in: the `PS-Auth` header, OAuth client credentials, and the cookie session.
//!
//! Password Safe keeps its session in a cookie set by `POST Auth/SignAppin`. A
//! [`Client`](crate::Client) signs in with its [`Credentials`] on first use (or when
//! [`Client::sign_in`](crate::Client::sign_in) is called), keeps the cookie as a secret,
//! and sends it with every call. When a call is refused with HTTP 401 because the session
//! expired, the client signs in again **once** and resends the call — even a write: a 401
//! means the server refused it before acting. Concurrent calls that hit the same expiry
//! share that one sign-in. This happens inside the one retry loop of
//! [`msp_common::Transport::execute`], through the client's [`msp_common::Service`]
//! hooks; the sign-in, token and sign-out requests carry their own credentials and are
//! sent as [`anonymous`](msp_common::Request::anonymous) calls.
//!
//! ```
//! use beyondtrust_sessions_client::auth::{OAuthClient, PsAuth};
//! use beyondtrust_sessions_client::secret::ExposeSecret;
//!
//! let auth = PsAuth::new("c479a66f").runas(r"doe-main\johndoe").password("un1qu3");
//! assert_eq!(
//!     auth.header_value(None).expose_secret(),
//!     r"PS-Auth key=c479a66f; runas=doe-main\johndoe; pwd=[un1qu3];"
//! );
//! assert_eq!(PsAuth::new("c479a66f").header_value(None).expose_secret(), "PS-Auth key=c479a66f;");
//! assert!(!format!("{auth:?}").contains("un1qu3"));
//!
//! let oauth = OAuthClient::new("my-client-id", "my-client-secret");
//! assert!(!format!("{oauth:?}").contains("my-client-secret"));
//! ```

use std::fmt;
use std::sync::Arc;

use msp_common::header::{HeaderValue, SET_COOKIE};
use msp_common::secret::{ExposeSecret, REDACTED, SecretString};
use msp_common::{Call, Error, Request, Response, Result, Service, StatusCode, Transport};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::client::COOKIE;
use crate::error::{AuthError, AuthFailure, ErrorBody};
use crate::models::SignInUser;

/// API-key sign-in: `Authorization: PS-Auth key={key}; runas={user}; pwd=[{password}];`.
///
/// `runas` is optional for API registrations that do not impersonate a user; the
/// password is sent only when set (registrations that require the user's password).
#[derive(Clone)]
#[must_use]
pub struct PsAuth {
    key: SecretString,
    runas: Option<String>,
    password: Option<SecretString>,
}

impl PsAuth {
    /// API-key credentials.
    pub fn new(key: impl Into<SecretString>) -> Self {
        PsAuth {
            key: key.into(),
            runas: None,
            password: None,
        }
    }

    /// The user to act as (`DOMAIN\user` or a local user name).
    pub fn runas(mut self, user: impl Into<String>) -> Self {
        self.runas = Some(user.into());
        self
    }

    /// The user's password, for registrations that require it.
    pub fn password(mut self, password: impl Into<SecretString>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The runas user, if set.
    pub fn runas_user(&self) -> Option<&str> {
        self.runas.as_deref()
    }

    /// The value of the `Authorization` header, with `challenge={code};` appended for the
    /// second step of a two-factor sign-in.
    pub fn header_value(&self, challenge: Option<&str>) -> SecretString {
        let mut value = format!("PS-Auth key={};", self.key.expose_secret());
        if let Some(runas) = &self.runas {
            value.push_str(&format!(" runas={runas};"));
        }
        if let Some(password) = &self.password {
            value.push_str(&format!(" pwd=[{}];", password.expose_secret()));
        }
        if let Some(code) = challenge {
            value.push_str(&format!(" challenge={code};"));
        }
        SecretString::from(value)
    }

    fn validate(&self) -> Result<()> {
        let key = self.key.expose_secret();
        // The PS-Auth header is plain ASCII: refuse what it cannot carry now, at build
        // time, rather than at the first call.
        let ascii = |s: &str| s.is_ascii();
        if !ascii(key)
            || self.runas.as_deref().is_some_and(|r| !ascii(r))
            || self
                .password
                .as_ref()
                .is_some_and(|p| !ascii(p.expose_secret()))
        {
            return Err(Error::config(
                "the API key, runas user and password must be ASCII: the PS-Auth header cannot carry other characters",
            ));
        }
        if key.trim().is_empty() {
            return Err(Error::config("the Password Safe API key is empty"));
        }
        // A key is a run of letters and digits; whitespace would be trimmed by the
        // server's header parser, so a key holding it could never match.
        if key.contains(';') || key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Error::config(
                "the Password Safe API key holds `;`, whitespace or control characters",
            ));
        }
        if let Some(runas) = &self.runas
            && (runas.trim().is_empty()
                || runas.trim() != runas
                || runas.contains(';')
                || runas.chars().any(char::is_control))
        {
            return Err(Error::config(
                "the runas user is empty, starts or ends with whitespace, or holds `;` or control characters",
            ));
        }
        if let Some(password) = &self.password
            && (password.expose_secret().trim().is_empty()
                || password.expose_secret().contains("];")
                || password.expose_secret().chars().any(char::is_control))
        {
            return Err(Error::config(
                "the password is empty or holds `];` or control characters, which the PS-Auth header cannot carry",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for PsAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PsAuth")
            .field("key", &REDACTED)
            .field("runas", &self.runas)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// OAuth client credentials (Password Safe 23.1+): `POST Auth/connect/token`, then
/// `Auth/SignAppin` with the bearer token.
#[derive(Clone)]
#[must_use]
pub struct OAuthClient {
    client_id: String,
    client_secret: SecretString,
}

impl OAuthClient {
    /// An OAuth client id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        OAuthClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The form body of the token request (`POST Auth/connect/token`), exactly as sent:
    /// `client_id`, `client_secret` and `grant_type=client_credentials`, each value
    /// percent-encoded so that no character of the id or secret can end a field.
    ///
    /// ```
    /// use beyondtrust_sessions_client::OAuthClient;
    /// use beyondtrust_sessions_client::secret::ExposeSecret;
    ///
    /// let body = OAuthClient::new("id-1", "s&x=y").token_request_body();
    /// assert_eq!(
    ///     body.expose_secret(),
    ///     "client_id=id-1&client_secret=s%26x%3Dy&grant_type=client_credentials"
    /// );
    /// ```
    pub fn token_request_body(&self) -> SecretString {
        SecretString::from(msp_common::http::encode_query([
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("grant_type", "client_credentials"),
        ]))
    }

    fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() || self.client_secret.expose_secret().is_empty() {
            return Err(Error::config(
                "the OAuth client id and secret must not be empty",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .finish()
    }
}

/// How a client signs in.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An API key, optionally with a runas user and password.
    PsAuth(PsAuth),
    /// OAuth client credentials.
    OAuth(OAuthClient),
}

impl From<PsAuth> for Credentials {
    fn from(auth: PsAuth) -> Self {
        Credentials::PsAuth(auth)
    }
}

impl From<OAuthClient> for Credentials {
    fn from(client: OAuthClient) -> Self {
        Credentials::OAuth(client)
    }
}

impl Credentials {
    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Credentials::PsAuth(auth) => auth.validate(),
            Credentials::OAuth(client) => client.validate(),
        }
    }

    /// Every secret, so the transport can redact them from error bodies.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        match self {
            Credentials::PsAuth(auth) => {
                let mut secrets = vec![auth.key.clone()];
                secrets.extend(auth.password.clone());
                secrets
            }
            Credentials::OAuth(client) => vec![client.client_secret.clone()],
        }
    }
}

/// The `name=value` pairs of `Set-Cookie` headers merged over an existing `Cookie`
/// value (same names replaced), as the value of a `Cookie` header.
pub(crate) fn cookies_from<'a>(
    set_cookies: impl Iterator<Item = &'a HeaderValue>,
    existing: Option<&SecretString>,
) -> Option<SecretString> {
    let mut pairs: Vec<(String, String)> = existing
        .map(|c| {
            c.expose_secret()
                .split(';')
                .filter_map(|p| {
                    let (n, v) = p.trim().split_once('=')?;
                    Some((n.to_owned(), v.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    for header in set_cookies {
        let Ok(text) = header.to_str() else { continue };
        let first = text.split(';').next().unwrap_or_default().trim();
        let Some((name, value)) = first.split_once('=') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            continue;
        }
        // A cookie set with a date in the past (or an empty value) is being deleted.
        let deleted = value.is_empty()
            || text.to_ascii_lowercase().contains("max-age=0")
            || text.contains("1970 ");
        pairs.retain(|(n, _)| n != name);
        if !deleted {
            pairs.push((name.to_owned(), value.to_owned()));
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let joined = pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    Some(SecretString::from(joined))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
}

/// The session state of a client, behind one async mutex: whoever holds it may sign in,
/// so concurrent calls that find the session gone share a single sign-in. Shared by
/// every copy of a client ([`Client::with_write_mode`](crate::Client::with_write_mode)).
pub(crate) struct Auth {
    credentials: Credentials,
    /// The bare transport, for the calls that carry their own credentials (sign-in,
    /// token, sign-out): they are anonymous to the session hooks.
    plain: Arc<dyn Service>,
    state: Mutex<State>,
}

impl Drop for Auth {
    fn drop(&mut self) {
        if self.state.get_mut().cookie.is_some() {
            tracing::debug!(
                "Password Safe client dropped while signed in; the server session ends at its idle timeout (call sign_out to end it now)"
            );
        }
    }
}

#[derive(Default)]
struct State {
    cookie: Option<SecretString>,
    /// Bumped by every sign-in and sign-out; a call that saw generation `g` fail with 401
    /// signs in again only if nobody has since.
    generation: u64,
    user: Option<SignInUser>,
    /// The cookie of a two-factor sign-in's first step, waiting for the code.
    pending: Option<SecretString>,
}

/// A session cookie and the generation it belongs to.
pub(crate) struct SessionCookie {
    pub(crate) cookie: SecretString,
    pub(crate) generation: u64,
}

impl Auth {
    pub(crate) fn new(credentials: Credentials, transport: &Transport) -> Self {
        Auth {
            credentials,
            plain: Arc::new(transport.clone()),
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The current session, signing in first when there is none.
    pub(crate) async fn session(&self) -> Result<SessionCookie> {
        let mut state = self.state.lock().await;
        if let Some(cookie) = &state.cookie {
            return Ok(SessionCookie {
                cookie: cookie.clone(),
                generation: state.generation,
            });
        }
        self.sign_in_locked(&mut state, None).await?;
        Ok(current(&state))
    }

    /// A new session after a call made with generation `seen` was refused; when another
    /// call has signed in since, its session is used instead (single flight).
    pub(crate) async fn renew(&self, seen: u64) -> Result<()> {
        let mut state = self.state.lock().await;
        if state.generation != seen && state.cookie.is_some() {
            return Ok(());
        }
        tracing::debug!("the Password Safe session was refused; signing in again");
        state.cookie = None;
        self.sign_in_locked(&mut state, None).await?;
        Ok(())
    }

    /// Signs in anew (explicit `sign_in`).
    pub(crate) async fn sign_in(&self) -> Result<SignInUser> {
        let mut state = self.state.lock().await;
        state.pending = None;
        self.sign_in_locked(&mut state, None).await
    }

    /// The second step of a two-factor sign-in.
    pub(crate) async fn challenge(&self, code: &str) -> Result<SignInUser> {
        let mut state = self.state.lock().await;
        if state.pending.is_none() {
            return Err(Error::config(
                "no two-factor sign-in is waiting for a code: call sign_in first",
            ));
        }
        self.sign_in_locked(&mut state, Some(code)).await
    }

    /// The user of the current session.
    pub(crate) async fn user(&self) -> Option<SignInUser> {
        self.state.lock().await.user.clone()
    }

    /// Ends the session on the server (`POST Auth/Signout`) and forgets it.
    pub(crate) async fn sign_out(&self) -> Result<()> {
        let mut state = self.state.lock().await;
        state.pending = None;
        let Some(cookie) = state.cookie.take() else {
            return Ok(());
        };
        state.generation += 1;
        state.user = None;
        let request = Request::post("Auth/Signout")
            .operation("sign_out")
            .anonymous()
            .sensitive_header(COOKIE, &cookie);
        // Ending a session twice is harmless: the call may be replayed.
        let call = Call::raw(self.plain.clone(), request, false).idempotent(true);
        match call.await {
            Ok(_) => Ok(()),
            // The session had already ended: signing out has nothing left to do.
            Err(err) if err.status() == Some(StatusCode::UNAUTHORIZED) => Ok(()),
            Err(err) => Err(err),
        }
    }

    async fn sign_in_locked(
        &self,
        state: &mut State,
        challenge: Option<&str>,
    ) -> Result<SignInUser> {
        let authorization = match &self.credentials {
            Credentials::PsAuth(auth) => auth.header_value(challenge),
            Credentials::OAuth(client) => oauth_token(&self.plain, client).await?,
        };
        let prior = if challenge.is_some() {
            state.pending.clone()
        } else {
            None
        };
        let request = Request::post("Auth/SignAppin")
            .operation(if challenge.is_some() {
                "sign_in_challenge"
            } else {
                "sign_in"
            })
            .anonymous()
            .sensitive_header("Authorization", &authorization)
            .and_then(|request| match &prior {
                Some(cookie) => request.sensitive_header(COOKIE, cookie),
                None => Ok(request),
            });
        // Sent once: a replayed sign-in could open a second session or spend a code.
        let call = Call::raw(self.plain.clone(), request, false).idempotent(false);
        let response = match call.await {
            Ok(response) => response,
            Err(err) => return Err(self.sign_in_error(err, state)),
        };
        state.pending = None;
        let cookie = cookies_from(
            response.headers().get_all(SET_COOKIE).iter(),
            prior.as_ref(),
        )
        .ok_or_else(|| AuthError::into_error(AuthFailure::NoSessionCookie, None))?;
        let user: SignInUser = response.json()?;
        state.cookie = Some(cookie);
        state.generation += 1;
        state.user = Some(user.clone());
        tracing::debug!(user_id = %user.user_id, "signed in to Password Safe");
        Ok(user)
    }

    fn sign_in_error(&self, err: Error, state: &mut State) -> Error {
        let unauthorized = matches!(
            err.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        );
        let Error::Api(api) = err else { return err };
        if !unauthorized {
            return Error::Api(api);
        }
        if let Some(body) = api.detail::<ErrorBody>()
            && let Some(prompt) = &body.two_factor_prompt
        {
            state.pending = body.pending_cookie().cloned();
            let prompt = prompt.clone();
            return AuthError::into_error(AuthFailure::TwoFactorRequired { prompt }, Some(*api));
        }
        state.pending = None;
        AuthError::into_error(AuthFailure::SignInRefused, Some(*api))
    }
}

fn current(state: &State) -> SessionCookie {
    SessionCookie {
        cookie: state
            .cookie
            .clone()
            .unwrap_or_else(|| SecretString::from("")),
        generation: state.generation,
    }
}

/// `POST Auth/connect/token` with the client credentials (a form body, so the secret is
/// registered for redaction), answering the `Authorization` value of the sign-in.
async fn oauth_token(plain: &Arc<dyn Service>, client: &OAuthClient) -> Result<SecretString> {
    let form = client.token_request_body();
    let request = Request::post("Auth/connect/token")
        .operation("oauth_token")
        .anonymous()
        .redact(client.client_secret.clone())
        .redact(form.clone())
        .body(
            form.expose_secret().to_owned(),
            "application/x-www-form-urlencoded",
        );
    // Sent once, like the sign-in it is part of.
    let call = Call::raw(plain.clone(), Ok(request), false).idempotent(false);
    let response: Response = match call.await {
        Ok(response) => response,
        Err(Error::Api(api))
            if matches!(
                api.status(),
                StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ) =>
        {
            return Err(AuthError::into_error(
                AuthFailure::SignInRefused,
                Some(*api),
            ));
        }
        Err(err) => return Err(err),
    };
    // Decoded by hand: a decode error would quote the body, which holds the token.
    let token: TokenResponse = serde_json::from_slice(response.bytes()).map_err(|e| {
        Error::protocol(format!(
            "the OAuth token endpoint answered a body without an access token ({})",
            e.classify_name()
        ))
    })?;
    // The server's value is not quoted: a server echoing the request could put the
    // client secret there.
    if let Some(kind) = &token.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(Error::protocol(format!(
            "the OAuth token endpoint answered a token of another type than Bearer ({} characters)",
            kind.chars().count()
        )));
    }
    if token.access_token.is_empty() || token.access_token.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(Error::protocol(
            "the OAuth token endpoint answered an access token that cannot travel in a header",
        ));
    }
    Ok(SecretString::from(format!("Bearer {}", token.access_token)))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "missing or mistyped fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        let with_all = PsAuth::new("KEY").runas(r"DOM\user").password("p w");
        assert_eq!(
            with_all.header_value(Some("123456")).expose_secret(),
            r"PS-Auth key=KEY; runas=DOM\user; pwd=[p w]; challenge=123456;"
        );
        assert_eq!(
            PsAuth::new("KEY")
                .runas("u")
                .header_value(None)
                .expose_secret(),
            "PS-Auth key=KEY; runas=u;"
        );
        assert!(PsAuth::new("").validate().is_err());
        assert!(PsAuth::new("a;b").validate().is_err());
        assert!(PsAuth::new("k").runas("x;y").validate().is_err());
        assert!(PsAuth::new("k").password("a];b").validate().is_err());
        assert!(OAuthClient::new("", "s").validate().is_err());
        // What the server's header parser would trim or misread is refused up front.
        assert!(PsAuth::new("ab cd").validate().is_err());
        assert!(PsAuth::new(" abcd").validate().is_err());
        assert!(PsAuth::new("k").runas(" user").validate().is_err());
        assert!(PsAuth::new("k").runas("user ").validate().is_err());
        assert!(PsAuth::new("k").runas(r"DOM\John Doe").validate().is_ok());
        assert!(PsAuth::new("k").password(" ").validate().is_err());
        assert!(PsAuth::new("k").password("").validate().is_err());
        assert!(PsAuth::new("k").password(" p w ]").validate().is_ok());
    }

    #[test]
    fn cookies_merge_and_delete() {
        let set = [
            HeaderValue::from_static("ASP.NET_SessionId=abc; path=/; HttpOnly"),
            HeaderValue::from_static("XSRF=1; path=/"),
        ];
        let jar = cookies_from(set.iter(), None).unwrap();
        assert_eq!(jar.expose_secret(), "ASP.NET_SessionId=abc; XSRF=1");
        let update = [
            HeaderValue::from_static("XSRF=; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            HeaderValue::from_static("ASP.NET_SessionId=def"),
        ];
        let jar = cookies_from(update.iter(), Some(&jar)).unwrap();
        assert_eq!(jar.expose_secret(), "ASP.NET_SessionId=def");
        assert!(cookies_from([HeaderValue::from_static("junk")].iter(), None).is_none());
    }
}
