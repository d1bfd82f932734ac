//! Credentials and the `/auth` payload.
//!
//! VSA 9 authenticates `GET /api/v1.0/auth` with `Authorization: Basic {payload}`, where
//! the payload is computed from the user name, the password and a random number by the
//! guide's "Auth Payload Algorithm":
//!
//! ```text
//! user={u},pass2={sha256(sha256(p+u)+r)},pass1={sha1(sha1(p+u)+r)},rpass2={sha256(p)},rpass1={sha1(p)},rand2={r}
//! ```
//!
//! with lowercase hex digests, then Base64. The functions here are pure: the random value
//! is an argument ([`AuthPayload::compute`]), and [`random_number`] draws one from a
//! cryptographically secure generator for real use.
//!
//! # Non-ASCII passwords
//!
//! The vendor's C# sample hashes `ASCIIEncoding.ASCII` bytes — every non-ASCII character
//! becomes `?` — while the vendor's PowerShell module hashes UTF-8. Both agree for ASCII.
//! This crate hashes **UTF-8** by default ([`PasswordEncoding::Utf8`]): it keeps distinct
//! passwords distinct and matches the newer vendor tooling. A server that was set up
//! through the C# path can be matched with [`PasswordEncoding::AsciiLossy`], which
//! reproduces .NET's `?` substitution exactly.
//!
//! A personal access token (VSA 9.5.x and later) skips all of this:
//! `Basic base64("{user}:{token}")` to the same `/auth`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use msp_common::secret::{ExposeSecret, SecretString};
use rand::RngExt as _;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// How password and user name are turned into bytes before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PasswordEncoding {
    /// UTF-8 bytes (the default; the vendor's PowerShell module).
    #[default]
    Utf8,
    /// .NET `ASCIIEncoding`: every character above U+007F becomes `?` (the C# sample).
    AsciiLossy,
}

impl PasswordEncoding {
    fn bytes(self, text: &str) -> Vec<u8> {
        match self {
            PasswordEncoding::Utf8 => text.as_bytes().to_vec(),
            PasswordEncoding::AsciiLossy => text
                .chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
                .collect(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Lowercase hex SHA-256 of `text` in `encoding`.
pub fn sha256_hex(text: &str, encoding: PasswordEncoding) -> String {
    hex(&Sha256::digest(encoding.bytes(text)))
}

/// Lowercase hex SHA-1 of `text` in `encoding`.
pub fn sha1_hex(text: &str, encoding: PasswordEncoding) -> String {
    hex(&Sha1::digest(encoding.bytes(text)))
}

/// The fields of the `/auth` payload. Its `Debug` shows only the user and the random
/// value: the digests are password-equivalent.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthPayload {
    /// `user`
    pub user: String,
    /// `pass2`: `sha256(sha256(password + user) + rand)`
    pub pass2: String,
    /// `pass1`: `sha1(sha1(password + user) + rand)`
    pub pass1: String,
    /// `rpass2`: `sha256(password)`
    pub rpass2: String,
    /// `rpass1`: `sha1(password)`
    pub rpass1: String,
    /// `rand2`: the random number
    pub rand: String,
}

impl fmt::Debug for AuthPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthPayload")
            .field("user", &self.user)
            .field("rand", &self.rand)
            .finish_non_exhaustive()
    }
}

impl AuthPayload {
    /// Computes the payload for `user`, `password` and the random value `rand`.
    ///
    /// ```
    /// use kaseya_vsa_client::auth::{AuthPayload, PasswordEncoding};
    ///
    /// let p = AuthPayload::compute("apiuser", "S3cret!", "12345678", PasswordEncoding::Utf8);
    /// assert_eq!(p.pass1, "35485b0835676f7a3d630e04f5d123e7b8f07eda");
    /// assert_eq!(p.rpass1, "9fc2acd46b30469730c0391a8e14c109d3426638");
    /// ```
    pub fn compute(user: &str, password: &str, rand: &str, encoding: PasswordEncoding) -> Self {
        let covered256 = sha256_hex(&format!("{password}{user}"), encoding);
        let covered1 = sha1_hex(&format!("{password}{user}"), encoding);
        AuthPayload {
            user: user.to_owned(),
            pass2: sha256_hex(&format!("{covered256}{rand}"), encoding),
            pass1: sha1_hex(&format!("{covered1}{rand}"), encoding),
            rpass2: sha256_hex(password, encoding),
            rpass1: sha1_hex(password, encoding),
            rand: rand.to_owned(),
        }
    }

    /// The comma-separated string, in the guide's field order.
    pub fn to_plain(&self) -> SecretString {
        SecretString::from(format!(
            "user={},pass2={},pass1={},rpass2={},rpass1={},rand2={}",
            self.user, self.pass2, self.pass1, self.rpass2, self.rpass1, self.rand
        ))
    }

    /// The `Authorization` header value: `Basic {base64(plain)}`.
    pub fn header_value(&self) -> SecretString {
        SecretString::from(format!(
            "Basic {}",
            STANDARD.encode(self.to_plain().expose_secret())
        ))
    }

    /// Parses a decoded payload (`user=…,pass2=…,…`), in any field order and with
    /// unknown fields (such as `twofapass`) ignored; `None` when a field is missing.
    /// The simulator uses this to check what clients send.
    pub fn parse_plain(plain: &str) -> Option<Self> {
        let mut fields = std::collections::HashMap::new();
        for part in plain.split(',') {
            let (k, v) = part.split_once('=')?;
            fields.insert(k, v);
        }
        let get = |k: &str| fields.get(k).map(|v| (*v).to_owned());
        Some(AuthPayload {
            user: get("user")?,
            pass2: get("pass2")?,
            pass1: get("pass1")?,
            rpass2: get("rpass2")?,
            rpass1: get("rpass1")?,
            rand: get("rand2")?,
        })
    }

    /// Whether this payload was computed from `password` (as a server checks it).
    pub fn verify(&self, password: &str, encoding: PasswordEncoding) -> bool {
        let expected = AuthPayload::compute(&self.user, password, &self.rand, encoding);
        constant_time_eq(expected.pass2.as_bytes(), self.pass2.as_bytes())
            && constant_time_eq(expected.pass1.as_bytes(), self.pass1.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An 8-digit random number (digits 1–9, as the C# sample produces) from the
/// thread-local cryptographically secure generator.
pub fn random_number() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from(b'0' + rng.random_range(1..=9u8)))
        .collect()
}

/// How the client authenticates to `/auth`.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// User name and password, sent as the hashed payload.
    Password {
        /// The VSA user name.
        username: String,
        /// The password.
        password: SecretString,
        /// How the password is encoded before hashing.
        encoding: PasswordEncoding,
    },
    /// User name and personal access token: `Basic base64(user:token)`.
    PersonalAccessToken {
        /// The VSA user name.
        username: String,
        /// The token.
        token: SecretString,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password {
                username, encoding, ..
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"[REDACTED]")
                .field("encoding", encoding)
                .finish(),
            Credentials::PersonalAccessToken { username, .. } => f
                .debug_struct("PersonalAccessToken")
                .field("username", username)
                .field("token", &"[REDACTED]")
                .finish(),
        }
    }
}

impl Credentials {
    /// Password credentials, hashed as UTF-8.
    pub fn password(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
            encoding: PasswordEncoding::Utf8,
        }
    }

    /// Personal-access-token credentials.
    pub fn personal_access_token(
        username: impl Into<String>,
        token: impl Into<SecretString>,
    ) -> Self {
        Credentials::PersonalAccessToken {
            username: username.into(),
            token: token.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        match self {
            Credentials::Password { username, .. }
            | Credentials::PersonalAccessToken { username, .. } => username,
        }
    }

    /// The `Authorization` header for `/auth`, using `rand` for password credentials.
    pub fn auth_header(&self, rand: &str) -> SecretString {
        match self {
            Credentials::Password {
                username,
                password,
                encoding,
            } => AuthPayload::compute(username, password.expose_secret(), rand, *encoding)
                .header_value(),
            Credentials::PersonalAccessToken { username, token } => SecretString::from(format!(
                "Basic {}",
                STANDARD.encode(format!("{username}:{}", token.expose_secret()))
            )),
        }
    }

    /// The `Authorization` header for `/auth` and everything it carries that a server
    /// might echo back on its own: the bare Base64 token, the decoded payload and, for
    /// password credentials, each digest (`rpass1`/`rpass2` are unsalted hashes of the
    /// password). All of them are redacted from whatever that request's errors show.
    pub(crate) fn auth_secrets(&self, rand: &str) -> (SecretString, Vec<SecretString>) {
        let (plain, mut secrets) = match self {
            Credentials::Password {
                username,
                password,
                encoding,
            } => {
                let payload =
                    AuthPayload::compute(username, password.expose_secret(), rand, *encoding);
                let digests = [
                    &payload.pass2,
                    &payload.pass1,
                    &payload.rpass2,
                    &payload.rpass1,
                ]
                .map(|d| SecretString::from(d.as_str()));
                (payload.to_plain(), digests.to_vec())
            }
            Credentials::PersonalAccessToken { username, token } => (
                SecretString::from(format!("{username}:{}", token.expose_secret())),
                Vec::new(),
            ),
        };
        let bare = SecretString::from(STANDARD.encode(plain.expose_secret()));
        let header = SecretString::from(format!("Basic {}", bare.expose_secret()));
        secrets.push(plain);
        secrets.push(bare);
        (header, secrets)
    }

    /// The secrets to redact from error bodies.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        match self {
            Credentials::Password { password, .. } => vec![password.clone()],
            Credentials::PersonalAccessToken { token, .. } => vec![token.clone()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_vector() {
        let p = AuthPayload::compute("apiuser", "S3cret!", "12345678", PasswordEncoding::Utf8);
        assert_eq!(
            p.pass2,
            "6ccb616424d417cab7fa788ff2d2fbddb77980145a08146ccb1a0f48406d8e64"
        );
        assert_eq!(p.pass1, "35485b0835676f7a3d630e04f5d123e7b8f07eda");
        assert_eq!(
            p.rpass2,
            "88d3ff09991bae39cb844746c78ab09d4c62050857d336751e37c4b1d84a1d44"
        );
        assert_eq!(p.rpass1, "9fc2acd46b30469730c0391a8e14c109d3426638");
        assert_eq!(
            p.to_plain().expose_secret(),
            "user=apiuser,pass2=6ccb616424d417cab7fa788ff2d2fbddb77980145a08146ccb1a0f48406d8e64,pass1=35485b0835676f7a3d630e04f5d123e7b8f07eda,rpass2=88d3ff09991bae39cb844746c78ab09d4c62050857d336751e37c4b1d84a1d44,rpass1=9fc2acd46b30469730c0391a8e14c109d3426638,rand2=12345678"
        );
        assert!(p.verify("S3cret!", PasswordEncoding::Utf8));
        assert!(!p.verify("S3cret?", PasswordEncoding::Utf8));
        assert!(!format!("{p:?}").contains(&p.pass2));
    }

    #[test]
    fn the_guide_sample_header_decodes_and_parses() {
        // The guide's own sample: a different field order and an extra twofapass field.
        let b64 = "dXNlcj1rYWRtaW4scGFzczI9ZjE5ZWFmYzY3ZWY5MzJjMjBkMTlmZGQ1ZmIyZTY1NjBkY2U5YTk1YWFhYjEwNjczMjQ5YTU3YTkzODY2ZTQxZCxwYXNzMT0wZGMwZmY5YzBkNGVkMDRlODJiYzZmYTk0ZTY3NTQzMjFhMDgyMzc1LHJhbmQyPTk5NDY1NixycGFzczI9ZjE5ZWFmYzY3ZWY5MzJjMjBkMTlmZGQ1ZmIyZTY1NjBkY2U5YTk1YWFhYjEwNjczMjQ5YTU3YTkzODY2ZTQxZCxycGFzczE9MGRjMGZmOWMwZDRlZDA0ZTgyYmM2ZmE5NGU2NzU0MzIxYTA4MjM3NSx0d29mYXBhc3M9OnVuZGVmaW5lZA==";
        let plain = String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap();
        let p = AuthPayload::parse_plain(&plain).unwrap();
        assert_eq!(p.user, "kadmin");
        assert_eq!(p.rand, "994656");
        assert!(AuthPayload::parse_plain("user=x,pass2=y").is_none());
    }

    #[test]
    fn encodings_agree_on_ascii_and_differ_beyond() {
        let a = AuthPayload::compute("u", "pässwörd", "1", PasswordEncoding::Utf8);
        let b = AuthPayload::compute("u", "pässwörd", "1", PasswordEncoding::AsciiLossy);
        let c = AuthPayload::compute("u", "p?ssw?rd", "1", PasswordEncoding::Utf8);
        assert_ne!(a, b);
        assert_eq!(
            b.pass2, c.pass2,
            ".NET ASCIIEncoding turns non-ASCII into '?'"
        );
        let d = AuthPayload::compute("u", "plain", "1", PasswordEncoding::AsciiLossy);
        let e = AuthPayload::compute("u", "plain", "1", PasswordEncoding::Utf8);
        assert_eq!(d, e);
    }

    #[test]
    fn random_numbers_are_eight_nonzero_digits() {
        let r = random_number();
        assert_eq!(r.len(), 8);
        assert!(r.bytes().all(|b| (b'1'..=b'9').contains(&b)));
        assert_ne!(random_number(), random_number());
    }

    #[test]
    fn pat_header_and_debug() {
        let c = Credentials::personal_access_token("apiuser", "tok-SECRET");
        assert_eq!(
            c.auth_header("ignored").expose_secret(),
            format!("Basic {}", STANDARD.encode("apiuser:tok-SECRET"))
        );
        assert!(!format!("{c:?}").contains("tok-SECRET"));
        let c = Credentials::password("apiuser", "pw-SECRET");
        assert!(!format!("{c:?}").contains("pw-SECRET"));
    }
}
