//! The [`Client`] and its builder.

use std::fmt;
use std::sync::Arc;

use msp_common::secret::{ExposeSecret, Redactor, SecretString};
use msp_common::{
    Call, ClientOptions, Error, Raw, Request, Response, Result, Service, Transport, Url, WriteMode,
};
use serde_json::Value;

use crate::error::{Fault, VENDOR, classify_500};
use crate::installer::{InstallerUrl, Platform, instance_base};
use crate::models::PropertyNames;
use crate::sessions::Sessions;

/// The RESTful API Manager's extension GUID, the same on every install.
pub const DEFAULT_EXTENSION_GUID: &str = "2d558935-686a-4bd0-9991-07539f5fe749";

/// The header carrying the extension's secret.
pub const AUTH_HEADER: &str = "CTRLAuthHeader";

/// A client of one ScreenConnect instance's RESTful API Manager extension.
///
/// Cheap to clone (an `Arc`). Every call is a `POST` to
/// `{instance}/App_Extensions/{guid}/Service.ashx/{Method}` with the secret in
/// `CTRLAuthHeader` (raw, marked sensitive), the configured `Origin`, and a positional
/// JSON array body. Every call is a [`Call`]: reads are retried on transient failures,
/// writes are sent once and obey the client's [`WriteMode`].
///
/// For methods this crate does not model there are [`Client::call_raw`] (a method name
/// and its arguments) and the shared escape hatch [`Raw`] (`client.post(method, &args)`:
/// paths are method names under the extension's `Service.ashx/`).
///
/// ```no_run
/// # async fn run() -> screenconnect_client::Result<()> {
/// use screenconnect_client::Client;
///
/// let client = Client::builder()
///     .base_url("https://acme.screenconnect.com")
///     .secret(std::env::var("SC_SECRET").unwrap_or_default())
///     .build()?;
/// for session in client.sessions().by_name("ACME-PC01").await? {
///     println!("{} online={}", session.session_id, session.is_online());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// The client's state; the request lifecycle sees it as a [`Service`].
pub(crate) struct Inner {
    pub(crate) transport: Transport,
    instance: Url,
    origin: String,
    extension_guid: String,
    write_mode: WriteMode,
    property_names: PropertyNames,
    basic_prefix: bool,
    /// The secret in every form, for what this crate reads out of error bodies.
    redactor: Redactor,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("instance", &i.instance.as_str())
            .field("origin", &i.origin)
            .field("extension_guid", &i.extension_guid)
            .field("write_mode", &i.write_mode)
            .field("transport", &i.transport)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The session calls.
    pub fn sessions(&self) -> Sessions {
        Sessions::new(self.clone())
    }

    /// Calls any method of the extension with positional `args` (a JSON array, or an
    /// object of named arguments for reads), for methods this crate does not model.
    ///
    /// The call is treated as a **write** — sent once, refused in read-only mode,
    /// previewed in dry-run mode — unless marked as a read with
    /// [`Call::write`]`(false)`. It answers the decoded JSON body (`null` for an empty
    /// one); [`Call::and_then`] decodes it further. Its errors carry the same typed
    /// [`Fault`]s as the modelled calls, naming `method`. A `method` that is not a
    /// method name (letters, digits and `_`) fails with [`Error::Config`] when the call
    /// is previewed or sent; nothing is sent.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use screenconnect_client::{Client, Error, WriteMode};
    ///
    /// let client = Client::builder()
    ///     .base_url("https://acme.screenconnect.com")
    ///     .secret("s3cret")
    ///     .write_mode(WriteMode::ReadOnly)
    ///     .build()?;
    /// let call = client.call_raw("EndSession", serde_json::json!(["6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11"]));
    /// assert!(call.preview()?.url.ends_with("/Service.ashx/EndSession"));
    /// let err = call.await.unwrap_err(); // a write, refused: nothing was sent
    /// assert!(matches!(err, Error::ReadOnly { .. }));
    /// assert!(err.to_string().contains("EndSession"));
    /// # Ok::<(), screenconnect_client::Error>(()) }).unwrap();
    /// ```
    pub fn call_raw(&self, method: impl Into<String>, args: Value) -> Call<Value> {
        let method = method.into();
        let request = self.request(&method, &args);
        Call::new(self.lifecycle(), request, true, decode_value)
    }

    /// An installer URL builder for this instance.
    ///
    /// ```
    /// use screenconnect_client::{Client, installer::Platform};
    ///
    /// let client = Client::builder().base_url("https://acme.screenconnect.com").secret("s3cret").build()?;
    /// let url = client.installer(Platform::Pkg).name("ACME-MAC").build()?;
    /// assert!(url.as_str().starts_with("https://acme.screenconnect.com/Bin/ScreenConnect.ClientSetup.pkg?e=Access&y=Guest&t=ACME-MAC&c="));
    /// # Ok::<(), screenconnect_client::Error>(())
    /// ```
    pub fn installer(&self, platform: Platform) -> InstallerUrl {
        InstallerUrl::new(self.inner.instance.as_str(), platform)
    }

    /// The instance URL the client was built with ([`ClientBuilder::base_url`]), its
    /// path ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.inner.instance
    }

    /// The `Origin` sent with every call.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The extension GUID calls go to.
    pub fn extension_guid(&self) -> &str {
        &self.inner.extension_guid
    }

    /// What the client does with writes.
    pub fn write_mode(&self) -> WriteMode {
        self.inner.write_mode
    }

    /// The configured custom property names.
    pub fn property_names(&self) -> &PropertyNames {
        &self.inner.property_names
    }

    /// A client sharing this one's connection pool and settings with another write mode
    /// (hand a read-only copy to code that must not change anything).
    ///
    /// ```
    /// use screenconnect_client::{Client, WriteMode};
    ///
    /// let client = Client::builder().base_url("https://acme.screenconnect.com").secret("s3cret").build()?;
    /// let careful = client.with_write_mode(WriteMode::DryRun);
    /// assert_eq!(careful.write_mode(), WriteMode::DryRun);
    /// assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    /// # Ok::<(), screenconnect_client::Error>(())
    /// ```
    pub fn with_write_mode(&self, mode: WriteMode) -> Client {
        let i = &self.inner;
        Client {
            inner: Arc::new(Inner {
                transport: i.transport.clone(),
                instance: i.instance.clone(),
                origin: i.origin.clone(),
                extension_guid: i.extension_guid.clone(),
                write_mode: mode,
                property_names: i.property_names.clone(),
                basic_prefix: i.basic_prefix,
                redactor: i.redactor.clone(),
            }),
        }
    }

    /// The client as the request lifecycle sees it (named apart from [`Raw::service`],
    /// which callers outside the crate reach).
    pub(crate) fn lifecycle(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }

    /// The request for `method` with `args`, named after the method.
    pub(crate) fn request(&self, method: &str, args: &Value) -> Result<Request> {
        if !is_method_name(method) {
            return Err(Error::config(format!(
                "`{method}` is not a method name (letters, digits and `_` only)"
            )));
        }
        Ok(Request::post("")
            .segments([method])
            .json(args)?
            .operation(method.to_owned()))
    }
}

/// The escape hatch: `get/post/put/patch/delete/send` with paths relative to the
/// extension's `Service.ashx/`, i.e. method names (`client.post::<Value, _>("GetSessionsByName",
/// &json!(["x"]))`). Every ScreenConnect method is a `POST`; a `POST` is taken for a
/// write, so mark a read with [`Call::write`]`(false)`. These calls are named by
/// their verb (`"post"`), and so are their [`Fault`]s; name the method with
/// [`Raw::send`] and [`Request::operation`], or use [`Client::call_raw`], to have faults
/// name it.
///
/// ```
/// use screenconnect_client::{Client, Raw};
/// use serde_json::{Value, json};
///
/// let client = Client::builder().base_url("https://acme.screenconnect.com").secret("s3cret").build()?;
/// let call = client.post::<Value, _>("GetSessionsByName", &json!(["ACME-PC01"])).write(false);
/// let preview = call.preview()?;
/// assert_eq!(
///     preview.url,
///     "https://acme.screenconnect.com/App_Extensions/2d558935-686a-4bd0-9991-07539f5fe749/Service.ashx/GetSessionsByName"
/// );
/// assert_eq!(preview.body.as_deref(), Some(r#"["ACME-PC01"]"#));
/// # Ok::<(), screenconnect_client::Error>(())
/// ```
impl Raw for Client {
    fn service(&self) -> Arc<dyn Service> {
        self.lifecycle()
    }
}

/// The JSON body, `null` when empty.
pub(crate) fn decode_value(response: Response) -> Result<Value> {
    if response.is_empty() {
        Ok(Value::Null)
    } else {
        response.json()
    }
}

impl Service for Inner {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn write_mode(&self) -> WriteMode {
        self.write_mode
    }

    // The secret is a default header of the transport (marked sensitive), so previews
    // already show it as `[REDACTED]`: no `preview_credentials` needed. There is no
    // sign-in either: a 401 means the secret is wrong, and is typed below.

    fn map_error(&self, operation: &str, err: Error) -> Error {
        self.type_error(operation, err)
    }
}

impl Inner {
    /// Attaches a [`Fault`] and a message naming the likely cause to error answers.
    fn type_error(&self, method: &str, err: Error) -> Error {
        let Error::Api(api) = err else { return err };
        let api = *api;
        let typed = match api.status().as_u16() {
            401 => {
                let basic = self.basic_prefix;
                let message = if basic {
                    "the CTRLAuthHeader secret was refused: it starts with `Basic `, but the \
                     RESTful API Manager wants the raw secret with no prefix"
                } else {
                    "the CTRLAuthHeader secret was refused: check it is the RESTful API \
                     Manager's current secret, sent raw (no `Basic` prefix)"
                };
                api.with_message(message).with_detail(Fault::SecretRefused {
                    basic_prefix: basic,
                })
            }
            403 => {
                let origin = self.origin.clone();
                api.with_message(format!(
                    "the request was forbidden, most likely because the Origin `{origin}` is not \
                     allowed: use the instance's own origin or the RESTfulAllowedOrigin set in \
                     the extension's settings"
                ))
                .with_detail(Fault::OriginRefused { origin })
            }
            500 => {
                // The body was redacted as it arrived, but reading it unescapes JSON: a
                // secret echoed in a form the body-level pass could not see (`\u0041`
                // escapes, say) would come out plain. What is read is redacted again.
                let fault = redact_fault(classify_500(method, api.body()), &self.redactor);
                let message = match &fault {
                    Fault::MethodNotAvailable { method } => format!(
                        "the method `{method}` is not available on this instance (Web method \
                         does not exist); the installed RESTful API Manager does not offer it"
                    ),
                    Fault::UnknownParameter { method, parameter } => {
                        format!("`{method}` does not take the parameter `{parameter}`")
                    }
                    Fault::ServerFault {
                        method, message, ..
                    } => format!(
                        "`{method}` faulted (bad arguments or an unknown session id): {message}"
                    ),
                    _ => String::new(),
                };
                api.with_message(message).with_detail(fault)
            }
            _ => api,
        };
        typed.into()
    }
}

/// `fault` with every secret in its texts redacted.
fn redact_fault(fault: Fault, redactor: &Redactor) -> Fault {
    match fault {
        Fault::UnknownParameter { method, parameter } => Fault::UnknownParameter {
            method,
            parameter: redactor.redact(&parameter),
        },
        Fault::ServerFault {
            method,
            message,
            exception_type,
        } => Fault::ServerFault {
            method,
            message: redactor.redact(&message),
            exception_type: exception_type.map(|t| redactor.redact(&t)),
        },
        other => other,
    }
}

fn is_method_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Builds a [`Client`]. Obtained from [`Client::builder`]; `base_url` (the instance URL)
/// and `secret` are required.
///
/// The shared setters of every msp-sdk builder (`base_url`, `user_agent`, `timeout`,
/// `no_timeout`, `connect_timeout`, `max_response_bytes`, `allow_http`,
/// `danger_accept_invalid_certs`, `retry_policy`, `http_client`, `write_mode`, `clock`,
/// `jitter`; see [`msp_common::options`]) come with ScreenConnect's own: [`secret`](
/// Self::secret), [`origin`](Self::origin), [`extension_guid`](Self::extension_guid) and
/// [`property_names`](Self::property_names).
///
/// `base_url` is the instance URL as a browser opens it: `https://acme.screenconnect.com`
/// for a cloud instance, or an on-premise one with its port and path,
/// `https://sc.acme.example:8040/control`. The client adds
/// `App_Extensions/{guid}/Service.ashx/{Method}` to it for calls and `Bin/…` for
/// installer URLs.
///
/// ```
/// use std::time::Duration;
/// use screenconnect_client::{Client, WriteMode};
/// use screenconnect_client::models::PropertyNames;
///
/// let client = Client::builder()
///     .base_url("https://acme.screenconnect.com")
///     .secret("s3cret")
///     .origin("https://tools.acme.example") // the extension's RESTfulAllowedOrigin
///     .timeout(Duration::from_secs(30))
///     .property_names(PropertyNames::company_site_tag())
///     .write_mode(WriteMode::ReadOnly)
///     .build()?;
/// assert_eq!(client.origin(), "https://tools.acme.example");
/// assert!(Client::builder().secret("s3cret").build().is_err()); // no base URL
/// # Ok::<(), screenconnect_client::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    options: ClientOptions,
    secret: Option<SecretString>,
    origin: Option<String>,
    extension_guid: String,
    property_names: PropertyNames,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            options: ClientOptions::default(),
            secret: None,
            origin: None,
            extension_guid: DEFAULT_EXTENSION_GUID.to_owned(),
            property_names: PropertyNames::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.options.base_url)
            .field(
                "secret",
                &self.secret.as_ref().map(|_| msp_common::secret::REDACTED),
            )
            .field("origin", &self.origin)
            .field("extension_guid", &self.extension_guid)
            .field("transport", &self.options.transport)
            .field("write_mode", &self.options.write_mode)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    msp_common::client_builder_setters!(options);

    /// The RESTful API Manager's secret, sent raw in `CTRLAuthHeader`. Required.
    pub fn secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The `Origin` header (default: the instance URL's origin). Set it when the
    /// extension's `RESTfulAllowedOrigin` names another origin.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// The extension's GUID (default [`DEFAULT_EXTENSION_GUID`]).
    pub fn extension_guid(mut self, guid: impl Into<String>) -> Self {
        self.extension_guid = guid.into();
        self
    }

    /// What this instance's custom property slots mean (e.g.
    /// [`PropertyNames::company_site_tag`]).
    pub fn property_names(mut self, names: PropertyNames) -> Self {
        self.property_names = names;
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when the base URL or secret is
    /// missing or unusable, the GUID is not a GUID, or the origin is not a valid header
    /// value. Nothing is sent.
    pub fn build(self) -> Result<Client> {
        let raw = self.options.base_url.as_deref().ok_or_else(|| {
            Error::config("ScreenConnect: the base URL (the instance URL) is required")
        })?;
        let instance = instance_base(raw)?;
        let secret = self.secret.ok_or_else(|| {
            Error::config("ScreenConnect: the RESTful API Manager secret is required")
        })?;
        if secret.expose_secret().trim().is_empty() {
            return Err(Error::config("ScreenConnect: the secret is empty"));
        }
        let basic_prefix = secret
            .expose_secret()
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("basic "));
        if !is_guid(&self.extension_guid) {
            return Err(Error::config(format!(
                "ScreenConnect: the extension GUID `{}` is not a GUID",
                self.extension_guid
            )));
        }
        let origin = match self.origin {
            Some(origin) => origin,
            None => instance.origin().ascii_serialization(),
        };
        let base = format!(
            "{}App_Extensions/{}/Service.ashx/",
            instance, self.extension_guid
        );
        let redactor = Redactor::new([secret.clone()]);
        let transport = Transport::builder(
            VENDOR,
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        )
        .base_url(base)
        .options(self.options.transport)
        .sensitive_header(AUTH_HEADER, secret)?
        .header("Origin", &origin)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport: transport.build()?,
                instance,
                origin,
                extension_guid: self.extension_guid,
                write_mode: self.options.write_mode,
                property_names: self.property_names,
                basic_prefix,
                redactor,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_validates_without_panicking() {
        let ok = || {
            Client::builder()
                .base_url("https://sc.example")
                .secret("marker-secret-123")
        };
        let client = ok().build().unwrap();
        assert_eq!(client.origin(), "https://sc.example");
        assert_eq!(client.extension_guid(), DEFAULT_EXTENSION_GUID);
        let debug = format!("{client:?} {:?}", ok());
        assert!(!debug.contains("marker-secret-123"), "{debug}");
        assert!(ok().extension_guid("not-a-guid").build().is_err());
        assert!(ok().origin("bad\norigin").build().is_err());
        assert!(ok().base_url("http://sc.example").build().is_err());
        assert!(
            ok().base_url("http://127.0.0.1:9")
                .allow_http(true)
                .build()
                .is_ok()
        );
        assert!(ok().secret("").build().is_err());
        let err = ok().secret("line\nbreak").build().unwrap_err();
        assert!(!err.to_string().contains("line"), "{err}");
        assert!(
            Client::builder()
                .base_url("https://sc.example")
                .build()
                .is_err()
        );
        let on_prem = ok()
            .base_url("https://sc.example:8040/control")
            .build()
            .unwrap();
        assert_eq!(on_prem.origin(), "https://sc.example:8040");
        assert_eq!(
            on_prem.base_url().as_str(),
            "https://sc.example:8040/control/"
        );
    }
}
