//! Shared plumbing of the msp-sdk examples: connecting to each vendor from the
//! environment — or, only when asked (`--sim` or `MSP_SIM=1`), to that vendor's built-in
//! simulator — and printing results. Without the simulator, a missing variable is a
//! usage error naming it ([`SetupError::Missing`]); there is never a silent switch to
//! fake data.
//!
//! | vendor | variables |
//! |---|---|
//! | ScreenConnect | `SCREENCONNECT_URL`, `SCREENCONNECT_SECRET`, optional `SCREENCONNECT_ORIGIN` |
//! | ConnectWise Manage | `CWM_URL` (API base with codebase and `/apis/3.0`), `CWM_COMPANY`, `CWM_PUBLIC_KEY`, `CWM_PRIVATE_KEY`, `CWM_CLIENT_ID` |
//! | Kaseya VSA | `KASEYA_URL` (server root), `KASEYA_USERNAME`, and `KASEYA_PASSWORD` or `KASEYA_PAT` |
//! | BeyondTrust | `BT_URL` (ending in `/BeyondTrust/api/public/v3`), `BT_API_KEY`, `BT_RUNAS`, optional `BT_PASSWORD` |
//!
//! `MSP_ALLOW_HTTP=1` allows plain-http URLs (loopback test servers); otherwise they
//! are refused. `MSP_CA_CERT` names a PEM file of certificate authorities to trust besides
//! the platform's (a private CA, or `sim-server --tls`'s). `MSP_SIM=1` (or `--sim` on the
//! command line, see [`simulate`]) uses the simulators instead of the variables.
//!
//! [`workflow`] holds what the cross-vendor workflow examples share; [`one_line`] puts an
//! error and its causes on one line, as the examples and the `msp` CLI print them.

use std::fmt;

pub mod workflow;

pub use beyondtrust_sessions_client as bt;
pub use cwmanage_client as cw;
pub use kaseya_vsa_client as vsa;
pub use screenconnect_client as sc;

/// Whether the simulators were asked for: `--sim` among `args`, or `MSP_SIM=1` in the
/// environment.
pub fn simulate<S: AsRef<str>>(args: &[S]) -> bool {
    args.iter().any(|a| a.as_ref() == "--sim")
        || var("MSP_SIM").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Why a vendor could not be set up from the environment.
#[derive(Debug)]
pub enum SetupError {
    /// A variable the vendor needs is not set.
    Missing(&'static str),
    /// A variable holds something unusable.
    Invalid(&'static str, String),
    /// The client refused its configuration.
    Client(msp_common::Error),
}

impl SetupError {
    /// Whether this is the caller's fault (a missing or unusable variable), to be
    /// reported as a usage error (exit code 2), rather than a failure of the client.
    pub fn is_usage(&self) -> bool {
        matches!(self, SetupError::Missing(_) | SetupError::Invalid(..))
    }
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Missing(var) => write!(
                f,
                "{var} is not set (set the vendor's variables, or pass --sim / MSP_SIM=1 to use its simulator)"
            ),
            SetupError::Invalid(var, why) => write!(f, "{var} is not usable: {why}"),
            SetupError::Client(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SetupError::Client(err) => Some(err),
            _ => None,
        }
    }
}

impl From<msp_common::Error> for SetupError {
    fn from(err: msp_common::Error) -> Self {
        SetupError::Client(err)
    }
}

/// A connected client and, when the simulators were asked for, the simulator it talks
/// to (kept alive as long as this value).
pub struct Connected<C, S> {
    /// The client.
    pub client: C,
    /// The simulator, when one was started.
    pub sim: Option<S>,
}

impl<C, S> Connected<C, S> {
    /// Whether the client talks to a built-in simulator.
    pub fn simulated(&self) -> bool {
        self.sim.is_some()
    }
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &'static str) -> Result<String, SetupError> {
    var(name).ok_or(SetupError::Missing(name))
}

/// A vendor URL from `name`, refused when it is plain http and `MSP_ALLOW_HTTP=1` is not
/// set (credentials would travel unencrypted).
fn url_var(name: &'static str) -> Result<Option<String>, SetupError> {
    let Some(url) = var(name) else {
        return Ok(None);
    };
    if url.trim_start().to_ascii_lowercase().starts_with("http://") && !allow_http() {
        return Err(SetupError::Invalid(
            name,
            "a plain-http URL would send credentials unencrypted; use https, or set MSP_ALLOW_HTTP=1 for a loopback test server".into(),
        ));
    }
    Ok(Some(url))
}

/// The certificate authorities of the PEM file named by `MSP_CA_CERT`, one PEM block
/// each (none when it is not set), for the clients' `root_certificate` setter.
pub fn ca_certificates() -> Result<Vec<String>, SetupError> {
    let Some(path) = var("MSP_CA_CERT") else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| SetupError::Invalid("MSP_CA_CERT", format!("cannot read {path}: {e}")))?;
    const END: &str = "-----END CERTIFICATE-----";
    let certs: Vec<String> = text
        .split_inclusive(END)
        .filter(|block| block.contains(END))
        .map(|block| block.trim().to_owned())
        .collect();
    if certs.is_empty() {
        return Err(SetupError::Invalid(
            "MSP_CA_CERT",
            format!("{path} holds no PEM certificate"),
        ));
    }
    Ok(certs)
}

/// Whether `MSP_ALLOW_HTTP=1` is set.
pub fn allow_http() -> bool {
    var("MSP_ALLOW_HTTP").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn announce(vendor: &str, url: &str) {
    eprintln!("msp: using the built-in {vendor} simulator at {url}");
}

/// ScreenConnect from `SCREENCONNECT_*`, or its simulator when `sim`.
pub async fn screenconnect(
    sim: bool,
) -> Result<Connected<sc::Client, sc::sim::Simulator>, SetupError> {
    let names = sc::models::PropertyNames::company_site_tag();
    match (sim, url_var("SCREENCONNECT_URL")?) {
        (false, None) => Err(SetupError::Missing("SCREENCONNECT_URL")),
        (false, Some(url)) => {
            let secret = required("SCREENCONNECT_SECRET")?;
            let mut builder = sc::Client::builder()
                .base_url(url)
                .secret(secret)
                .allow_http(allow_http())
                .property_names(names);
            for pem in ca_certificates()? {
                builder = builder.root_certificate(pem);
            }
            if let Some(origin) = var("SCREENCONNECT_ORIGIN") {
                builder = builder.origin(origin);
            }
            Ok(Connected {
                client: builder.build()?,
                sim: None,
            })
        }
        (true, _) => {
            let sim = sc::sim::Simulator::start().await;
            announce("ScreenConnect", &sim.url());
            let client = sim.client_builder().property_names(names).build()?;
            Ok(Connected {
                client,
                sim: Some(sim),
            })
        }
    }
}

/// ConnectWise Manage from `CWM_*`, or its simulator when `sim`.
pub async fn cwmanage(sim: bool) -> Result<Connected<cw::Client, cw::sim::Simulator>, SetupError> {
    cwmanage_with(sim, cw::sim::Simulator::builder()).await
}

/// ConnectWise Manage from `CWM_*`, or, when `sim`, a simulator started from `config`.
pub async fn cwmanage_with(
    sim: bool,
    config: cw::sim::SimulatorBuilder,
) -> Result<Connected<cw::Client, cw::sim::Simulator>, SetupError> {
    match (sim, url_var("CWM_URL")?) {
        (false, None) => Err(SetupError::Missing("CWM_URL")),
        (false, Some(url)) => {
            let credentials = cw::auth::Credentials::new(
                required("CWM_COMPANY")?,
                required("CWM_PUBLIC_KEY")?,
                required("CWM_PRIVATE_KEY")?,
            );
            let mut builder = cw::Client::builder()
                .base_url(url)
                .credentials(credentials)
                .client_id(required("CWM_CLIENT_ID")?)
                .allow_http(allow_http());
            for pem in ca_certificates()? {
                builder = builder.root_certificate(pem);
            }
            let client = builder.build()?;
            Ok(Connected { client, sim: None })
        }
        (true, _) => {
            let sim = config.start().await;
            announce(
                "ConnectWise Manage",
                &format!("{}/v4_6_release/apis/3.0", sim.url()),
            );
            let client = sim.client()?;
            Ok(Connected {
                client,
                sim: Some(sim),
            })
        }
    }
}

/// Kaseya VSA from `KASEYA_*`, or its simulator when `sim`.
pub async fn kaseya(sim: bool) -> Result<Connected<vsa::Client, vsa::sim::Simulator>, SetupError> {
    kaseya_with(sim, vsa::sim::Simulator::builder()).await
}

/// Kaseya VSA from `KASEYA_*`, or, when `sim`, a simulator started with `options`.
pub async fn kaseya_with(
    sim: bool,
    options: vsa::sim::SimulatorBuilder,
) -> Result<Connected<vsa::Client, vsa::sim::Simulator>, SetupError> {
    match (sim, url_var("KASEYA_URL")?) {
        (false, None) => Err(SetupError::Missing("KASEYA_URL")),
        (false, Some(url)) => {
            let username = required("KASEYA_USERNAME")?;
            let credentials = match (var("KASEYA_PASSWORD"), var("KASEYA_PAT")) {
                (Some(password), _) => vsa::auth::Credentials::password(username, password),
                (None, Some(pat)) => vsa::auth::Credentials::personal_access_token(username, pat),
                (None, None) => return Err(SetupError::Missing("KASEYA_PASSWORD (or KASEYA_PAT)")),
            };
            let mut builder = vsa::Client::builder()
                .base_url(url)
                .credentials(credentials)
                .allow_http(allow_http());
            for pem in ca_certificates()? {
                builder = builder.root_certificate(pem);
            }
            let client = builder.build()?;
            Ok(Connected { client, sim: None })
        }
        (true, _) => {
            let sim = options.start().await;
            announce("Kaseya VSA", &sim.url());
            Ok(Connected {
                client: sim.client()?,
                sim: Some(sim),
            })
        }
    }
}

/// BeyondTrust Password Safe from `BT_*`, or its simulator when `sim`.
pub async fn beyondtrust(
    sim: bool,
) -> Result<Connected<bt::Client, bt::sim::Simulator>, SetupError> {
    match (sim, url_var("BT_URL")?) {
        (false, None) => Err(SetupError::Missing("BT_URL")),
        (false, Some(url)) => {
            let mut auth =
                bt::auth::PsAuth::new(required("BT_API_KEY")?).runas(required("BT_RUNAS")?);
            if let Some(password) = var("BT_PASSWORD") {
                auth = auth.password(password);
            }
            let mut builder = bt::Client::builder()
                .base_url(url)
                .credentials(auth)
                .allow_http(allow_http());
            for pem in ca_certificates()? {
                builder = builder.root_certificate(pem);
            }
            let client = builder.build()?;
            Ok(Connected { client, sim: None })
        }
        (true, _) => {
            let sim = bt::sim::Simulator::start().await;
            announce("BeyondTrust Password Safe", &sim.api_url());
            Ok(Connected {
                client: sim.client()?,
                sim: Some(sim),
            })
        }
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("msp: could not print the result as JSON: {err}"),
    }
}

/// An error and its sources on one line, each cause said once (a cause whose text the
/// line already holds is left out): `… failed: connection refused`.
pub fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text = format!("{text}: {message}");
        }
        source = cause.source();
    }
    collapse_whitespace(&text)
}

/// `text` with every run of whitespace (newlines included) made one space, and none at
/// either end.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_says_each_cause_once_on_one_line() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "request\n failed")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let cause = || std::io::Error::other("connection refused");
        assert_eq!(
            one_line(&Outer(cause())),
            "request failed: connection refused"
        );
        let repeated = SetupError::Invalid("CWM_URL", "no host".into());
        assert_eq!(one_line(&repeated), "CWM_URL is not usable: no host");
    }
}
