//! Installer URLs for access agents, and the commands that install them silently.
//!
//! A ScreenConnect instance serves a pre-keyed access agent installer for every
//! platform at
//! `{instance}/Bin/ScreenConnect.ClientSetup.{ext}?e=Access&y=Guest&t={name}&c={cp1}…&c={cp8}`.
//! Installing it creates (or re-attaches) an unattended access session named `t`, with
//! the eight `c=` values as its custom properties. [`InstallerUrl`] builds such URLs:
//! always exactly eight positional `c=` slots (blank ones keep their place), optional
//! `h`/`p`/`k` relay overrides for on-premise instances, and every value
//! percent-encoded (names hold spaces, `&`, `#`, `+` and non-ASCII).
//! [`InstallerParams::from_url`] reads such a URL back.
//!
//! ```
//! use screenconnect_client::installer::{InstallerUrl, Platform};
//! use screenconnect_client::models::PropertyNames;
//!
//! let url = InstallerUrl::new("https://acme.screenconnect.com", Platform::Msi)
//!     .name("ACME-PC01")
//!     .property_named(&PropertyNames::company_site_tag(), "Company", "Acme & Sons")?
//!     .custom_property(2, "HQ")?
//!     .build()?;
//! assert_eq!(
//!     url.as_str(),
//!     "https://acme.screenconnect.com/Bin/ScreenConnect.ClientSetup.msi\
//!      ?e=Access&y=Guest&t=ACME-PC01&c=Acme%20%26%20Sons&c=HQ&c=&c=&c=&c=&c=&c="
//! );
//! assert_eq!(
//!     Platform::Msi.silent_install_command("C:\\Temp\\ScreenConnect.ClientSetup.msi"),
//!     r#"msiexec /i "C:\Temp\ScreenConnect.ClientSetup.msi" /qn /norestart"#
//! );
//! # Ok::<(), screenconnect_client::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use msp_common::{Error, Result, Url};

use crate::models::{CustomProperties, PropertyNames};

/// The platform an installer is built for, named by its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// Windows Installer package (`.msi`).
    Msi,
    /// Windows executable (`.exe`).
    Exe,
    /// macOS package (`.pkg`).
    Pkg,
    /// Debian / Ubuntu package (`.deb`).
    Deb,
    /// Red Hat / SUSE package (`.rpm`).
    Rpm,
    /// Linux shell installer (`.sh`).
    Sh,
}

impl Platform {
    /// Every platform.
    pub const ALL: [Platform; 6] = [
        Platform::Msi,
        Platform::Exe,
        Platform::Pkg,
        Platform::Deb,
        Platform::Rpm,
        Platform::Sh,
    ];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Platform::Msi => "msi",
            Platform::Exe => "exe",
            Platform::Pkg => "pkg",
            Platform::Deb => "deb",
            Platform::Rpm => "rpm",
            Platform::Sh => "sh",
        }
    }

    /// The installer's file name: `ScreenConnect.ClientSetup.{ext}`.
    pub fn file_name(self) -> String {
        format!("ScreenConnect.ClientSetup.{}", self.extension())
    }

    /// The command that installs the downloaded file at `path` without any prompt, with
    /// the path quoted for the platform's shell (`cmd.exe` on Windows, POSIX `sh`
    /// elsewhere). The Unix commands use `sudo`; drop it when already root.
    ///
    /// | platform | command |
    /// |---|---|
    /// | msi | `msiexec /i "<file>" /qn /norestart` |
    /// | exe | `"<file>"` (the exe bootstrapper installs without prompting; UNVERIFIED — prefer the msi) |
    /// | pkg | `sudo installer -pkg '<file>' -target /` |
    /// | deb | `sudo dpkg -i '<file>'` |
    /// | rpm | `sudo rpm -Uvh '<file>'` |
    /// | sh  | `sudo sh '<file>'` |
    pub fn silent_install_command(self, path: &str) -> String {
        match self {
            Platform::Msi => format!("msiexec /i {} /qn /norestart", cmd_quote(path)),
            Platform::Exe => cmd_quote(path),
            Platform::Pkg => format!("sudo installer -pkg {} -target /", sh_quote(path)),
            Platform::Deb => format!("sudo dpkg -i {}", sh_quote(path)),
            Platform::Rpm => format!("sudo rpm -Uvh {}", sh_quote(path)),
            Platform::Sh => format!("sudo sh {}", sh_quote(path)),
        }
    }
}

/// Quotes for `cmd.exe`: double quotes; a `"` cannot occur in a Windows path and is
/// dropped.
fn cmd_quote(path: &str) -> String {
    format!("\"{}\"", path.replace('"', ""))
}

/// Quotes for POSIX `sh`: single quotes, with `'` written as `'\''`.
fn sh_quote(path: &str) -> String {
    format!("'{}'", path.replace('\'', r"'\''"))
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Platform {
    type Err = Error;

    /// Parses an extension (`"msi"`, `".deb"`, case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        let ext = s.trim().trim_start_matches('.');
        Platform::ALL
            .into_iter()
            .find(|p| p.extension().eq_ignore_ascii_case(ext))
            .ok_or_else(|| {
                Error::config(format!(
                    "`{s}` is not an installer platform; use one of msi, exe, pkg, deb, rpm, sh"
                ))
            })
    }
}

/// Builds an installer URL. See the [module docs](self).
#[derive(Debug, Clone)]
#[must_use]
pub struct InstallerUrl {
    instance: String,
    platform: Platform,
    name: String,
    properties: CustomProperties,
    relay_host: Option<String>,
    relay_port: Option<u16>,
    public_key: Option<String>,
}

impl InstallerUrl {
    /// An installer for `platform` served by the instance at `base_url` (the instance
    /// URL, as given to [`ClientBuilder::base_url`](crate::ClientBuilder::base_url)).
    pub fn new(base_url: impl Into<String>, platform: Platform) -> Self {
        InstallerUrl {
            instance: base_url.into(),
            platform,
            name: String::new(),
            properties: CustomProperties::new(),
            relay_host: None,
            relay_port: None,
            public_key: None,
        }
    }

    /// The session name (`t=`). Set it to the machine name so that
    /// `GetSessionsByName` finds the machine.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets custom property `index` (1–8).
    pub fn custom_property(mut self, index: usize, value: impl Into<String>) -> Result<Self> {
        self.properties.try_set(index, value)?;
        Ok(self)
    }

    /// Sets all eight custom properties.
    pub fn custom_properties(mut self, properties: CustomProperties) -> Self {
        self.properties = properties;
        self
    }

    /// Sets the custom property `names` calls `name`.
    pub fn property_named(
        mut self,
        names: &PropertyNames,
        name: &str,
        value: impl Into<String>,
    ) -> Result<Self> {
        self.properties.set_named(names, name, value)?;
        Ok(self)
    }

    /// The relay host the agent connects to (`h=`), for on-premise instances.
    pub fn relay_host(mut self, host: impl Into<String>) -> Self {
        self.relay_host = Some(host.into());
        self
    }

    /// The relay port (`p=`), for on-premise instances.
    pub fn relay_port(mut self, port: u16) -> Self {
        self.relay_port = Some(port);
        self
    }

    /// The instance's public key (`k=`), for on-premise instances.
    pub fn public_key(mut self, key: impl Into<String>) -> Self {
        self.public_key = Some(key.into());
        self
    }

    /// Builds the URL. Fails when the instance URL is not an absolute `http(s)` URL
    /// without query or fragment.
    pub fn build(&self) -> Result<Url> {
        let mut url = instance_base(&self.instance)?;
        url.set_path(&format!("{}Bin/{}", url.path(), self.platform.file_name()));
        let mut pairs: Vec<(&str, String)> = vec![
            ("e", "Access".to_owned()),
            ("y", "Guest".to_owned()),
            ("t", self.name.clone()),
        ];
        pairs.extend(self.properties.as_slice().iter().map(|v| ("c", v.clone())));
        if let Some(h) = &self.relay_host {
            pairs.push(("h", h.clone()));
        }
        if let Some(p) = self.relay_port {
            pairs.push(("p", p.to_string()));
        }
        if let Some(k) = &self.public_key {
            pairs.push(("k", k.clone()));
        }
        url.set_query(Some(&msp_common::http::encode_query(pairs)));
        Ok(url)
    }
}

/// Parses an instance URL and makes its path end in `/`.
pub(crate) fn instance_base(raw: &str) -> Result<Url> {
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        Error::config(format!(
            "the base URL (instance URL) `{raw}` is not a valid absolute URL: {e}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::config(format!(
            "the base URL (instance URL) `{raw}` must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL (instance URL) `{raw}` must not carry a query or fragment"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The parameters of an installer URL, as an installed agent reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InstallerParams {
    /// The instance's base URL (path ending in `/`).
    pub instance: Url,
    /// The platform, from the file name.
    pub platform: Platform,
    /// The session type (`e=`), `Access` for access agents.
    pub session_type: String,
    /// The role (`y=`), `Guest` for installed agents.
    pub role: String,
    /// The session name (`t=`).
    pub name: String,
    /// The custom properties (`c=`, positional).
    pub custom_properties: CustomProperties,
    /// The relay host (`h=`).
    pub relay_host: Option<String>,
    /// The relay port (`p=`).
    pub relay_port: Option<u16>,
    /// The public key (`k=`).
    pub public_key: Option<String>,
}

impl InstallerParams {
    /// Reads an installer URL. Fails when the path is not
    /// `…/Bin/ScreenConnect.ClientSetup.{ext}`, a parameter is repeated (other than `c`),
    /// there are more than eight `c=` values, or the port is not a number.
    ///
    /// ```
    /// use screenconnect_client::installer::{InstallerParams, InstallerUrl, Platform};
    ///
    /// let url = InstallerUrl::new("https://sc.example/", Platform::Deb)
    ///     .name("Büro #3 & Co")
    ///     .custom_property(8, "last")?
    ///     .relay_host("relay.example")
    ///     .relay_port(8041)
    ///     .build()?;
    /// let params = InstallerParams::from_url(&url)?;
    /// assert_eq!(params.name, "Büro #3 & Co");
    /// assert_eq!(params.custom_properties.get(8), Some("last"));
    /// assert_eq!(params.relay_port, Some(8041));
    /// # Ok::<(), screenconnect_client::Error>(())
    /// ```
    pub fn from_url(url: &Url) -> Result<Self> {
        let bad = |why: &str| Error::config(format!("not a ScreenConnect installer URL: {why}"));
        let path = url.path();
        let (dir, file) = path.rsplit_once('/').ok_or_else(|| bad("no file name"))?;
        let ext = file
            .strip_prefix("ScreenConnect.ClientSetup.")
            .ok_or_else(|| bad("the file is not ScreenConnect.ClientSetup.*"))?;
        let platform: Platform = ext.parse()?;
        let base = dir
            .strip_suffix("/Bin")
            .ok_or_else(|| bad("the file is not under /Bin/"))?;
        let mut instance = url.clone();
        instance.set_query(None);
        instance.set_fragment(None);
        instance.set_path(&format!("{base}/"));

        let mut session_type = None;
        let mut role = None;
        let mut name = None;
        let mut values = Vec::new();
        let mut relay_host = None;
        let mut relay_port = None;
        let mut public_key = None;
        for (key, value) in url.query_pairs() {
            let value = value.into_owned();
            let slot = match key.as_ref() {
                "c" => {
                    values.push(value);
                    continue;
                }
                "e" => &mut session_type,
                "y" => &mut role,
                "t" => &mut name,
                "h" => &mut relay_host,
                "k" => &mut public_key,
                "p" => {
                    let port = value
                        .parse::<u16>()
                        .map_err(|_| bad(&format!("the port `{value}` is not a number")))?;
                    if relay_port.replace(port).is_some() {
                        return Err(bad("`p` is repeated"));
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(bad(&format!("`{key}` is repeated")));
            }
        }
        if values.len() > CustomProperties::SLOTS {
            return Err(bad("more than eight `c=` values"));
        }
        Ok(InstallerParams {
            instance,
            platform,
            session_type: session_type.unwrap_or_default(),
            role: role.unwrap_or_default(),
            name: name.unwrap_or_default(),
            custom_properties: CustomProperties::from_values(values),
            relay_host,
            relay_port,
            public_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_url_and_command() {
        for p in Platform::ALL {
            let url = InstallerUrl::new("https://sc.example/sub", p)
                .build()
                .unwrap();
            assert_eq!(
                url.as_str(),
                format!(
                    "https://sc.example/sub/Bin/ScreenConnect.ClientSetup.{}?e=Access&y=Guest&t=&c=&c=&c=&c=&c=&c=&c=&c=",
                    p.extension()
                )
            );
            assert_eq!(p.extension().parse::<Platform>().unwrap(), p);
            assert!(p.silent_install_command("/tmp/x").contains("x"));
        }
        assert_eq!(
            Platform::Deb.silent_install_command("/tmp/it's"),
            r"sudo dpkg -i '/tmp/it'\''s'"
        );
        assert_eq!(
            Platform::Pkg.silent_install_command("/tmp/a b.pkg"),
            "sudo installer -pkg '/tmp/a b.pkg' -target /"
        );
        assert!("zip".parse::<Platform>().is_err());
    }

    #[test]
    fn relay_overrides_and_encoding() {
        let url = InstallerUrl::new("https://sc.example", Platform::Exe)
            .name("a+b c")
            .relay_host("relay.example")
            .relay_port(8041)
            .public_key("BgIAAACkAABSU0Ex+/=")
            .build()
            .unwrap();
        assert_eq!(
            url.query().unwrap(),
            "e=Access&y=Guest&t=a%2Bb%20c&c=&c=&c=&c=&c=&c=&c=&c=&h=relay.example&p=8041&k=BgIAAACkAABSU0Ex%2B%2F%3D"
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        for bad in ["", "not a url", "ftp://x/", "https://x/?q=1", "mailto:a@b"] {
            assert!(
                InstallerUrl::new(bad, Platform::Msi).build().is_err(),
                "{bad}"
            );
        }
        assert!(
            InstallerUrl::new("https://x", Platform::Msi)
                .custom_property(9, "x")
                .is_err()
        );
        for bad in [
            "https://x/ScreenConnect.ClientSetup.msi",
            "https://x/Bin/Setup.msi",
            "https://x/Bin/ScreenConnect.ClientSetup.zip",
            "https://x/Bin/ScreenConnect.ClientSetup.msi?t=a&t=b",
            "https://x/Bin/ScreenConnect.ClientSetup.msi?p=http",
            "https://x/Bin/ScreenConnect.ClientSetup.msi?c=1&c=2&c=3&c=4&c=5&c=6&c=7&c=8&c=9",
        ] {
            assert!(
                InstallerParams::from_url(&Url::parse(bad).unwrap()).is_err(),
                "{bad}"
            );
        }
    }
}
