//! Delivered callbacks (webhooks): parsing the payload and verifying its signature.
//!
//! Manage posts `{Action, Type, ID, CompanyId, MemberId, FromUrl, Entity, Metadata:{key_url}}`
//! where `Entity` is the changed record *as a JSON string*. The `x-content-signature`
//! header is `base64(HMAC-SHA256(key = SHA-256(signing_key), raw body))`, and the signing
//! key is served as JSON at `Metadata.key_url`. That URL comes from the (untrusted)
//! payload, so [`CallbackVerifier`] fetches it only from hosts the caller allows, over
//! https (plain http only for loopback test servers), without the Manage credentials, and
//! compares signatures in constant time.
//!
//! ```
//! use cwmanage_client::callbacks::{sign, verify_signature};
//!
//! let body = br#"{"Action":"updated","Type":"ticket","ID":42,"Entity":"{\"id\":42}"}"#;
//! let signature = sign("the-signing-key", body);
//! assert!(verify_signature("the-signing-key", body, &signature));
//! assert!(!verify_signature("the-signing-key", b"tampered", &signature));
//! ```

use std::collections::HashSet;

use base64::Engine as _;
use msp_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::{Client, VENDOR};
use crate::models::Extra;

/// The name of the signature header.
pub const SIGNATURE_HEADER: &str = "x-content-signature";

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
///
/// ```
/// // RFC 4231, test case 2.
/// let mac = cwmanage_client::callbacks::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(
///     mac.iter().map(|b| format!("{b:02x}")).collect::<String>(),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer.finalize());
    out
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signature Manage would send for `body` under `signing_key`:
/// `base64(HMAC-SHA256(SHA-256(signing_key), body))`.
pub fn sign(signing_key: &str, body: &[u8]) -> String {
    let key = Sha256::digest(signing_key.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(&key, body))
}

/// Whether `signature` (the header value, base64) is the signature of `body` under
/// `signing_key`. Garbage signatures are simply `false`.
pub fn verify_signature(signing_key: &str, body: &[u8], signature: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let key = Sha256::digest(signing_key.as_bytes());
    constant_time_eq(&given, &hmac_sha256(&key, body))
}

/// `Metadata` of a delivered callback.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackMetadata {
    /// Where the signing key is served.
    #[serde(default)]
    pub key_url: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A delivered callback payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackPayload {
    /// `added`, `updated`, `deleted`.
    #[serde(rename = "Action", default)]
    pub action: Option<String>,
    /// The record type (`ticket`, `company`, …).
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// The record id.
    #[serde(rename = "ID", default)]
    pub id: Option<u64>,
    /// The Manage company id.
    #[serde(rename = "CompanyId", default)]
    pub company_id: Option<String>,
    /// The member who made the change.
    #[serde(rename = "MemberId", default)]
    pub member_id: Option<u64>,
    /// The site that sent it.
    #[serde(rename = "FromUrl", default)]
    pub from_url: Option<String>,
    /// The record, as a JSON string.
    #[serde(rename = "Entity", default)]
    pub entity: Option<String>,
    /// Metadata (the signing-key URL).
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<CallbackMetadata>,
    /// Other fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CallbackPayload {
    /// Parses a delivered body.
    pub fn parse(body: &[u8]) -> Result<CallbackPayload> {
        msp_common::http::decode_json(
            VENDOR,
            msp_common::StatusCode::OK,
            &msp_common::header::HeaderMap::new(),
            body,
        )
        .map_err(Error::from)
    }

    /// Decodes `Entity` (a JSON string) into the typed record (`models::Ticket`, say).
    pub fn entity<T: DeserializeOwned>(&self) -> Result<T> {
        let text = self
            .entity
            .as_deref()
            .ok_or_else(|| Error::protocol("the callback payload has no Entity"))?;
        msp_common::http::decode_json(
            VENDOR,
            msp_common::StatusCode::OK,
            &msp_common::header::HeaderMap::new(),
            text.as_bytes(),
        )
        .map_err(Error::from)
    }
}

/// Verifies delivered callbacks: fetches the signing key from the payload's `key_url`
/// (only from allowed hosts, only over https unless the client allows http) and checks
/// the signature.
///
/// ```no_run
/// # async fn run(client: cwmanage_client::Client, body: Vec<u8>, header: String) -> cwmanage_client::Result<()> {
/// use cwmanage_client::callbacks::CallbackVerifier;
/// use cwmanage_client::models::Ticket;
///
/// let verifier = CallbackVerifier::new(client).allow_host("api-na.myconnectwise.net");
/// let payload = verifier.verify(&body, &header).await?;
/// let ticket: Ticket = payload.entity()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct CallbackVerifier {
    client: Client,
    hosts: HashSet<String>,
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature does not match the body.
    #[error("the callback signature does not match its body")]
    BadSignature,
    /// The payload has no `Metadata.key_url`.
    #[error("the callback payload has no Metadata.key_url")]
    NoKeyUrl,
    /// The key URL points to a host that is not allowed.
    #[error("the callback's key_url host `{0}` is not in the allowed hosts; refusing to fetch it")]
    HostNotAllowed(String),
    /// The key URL is not a valid URL.
    #[error("the callback's key_url is not a valid URL")]
    BadKeyUrl,
    /// The key document has no signing key.
    #[error("the signing-key document holds no signing key")]
    NoSigningKey,
}

impl CallbackVerifier {
    /// A verifier that fetches keys with `client`'s HTTP connection pool. The Manage
    /// credentials are **not** sent to the key URL.
    pub fn new(client: Client) -> Self {
        CallbackVerifier {
            client,
            hosts: HashSet::new(),
        }
    }

    /// Allows fetching signing keys from this host (exact, case-insensitive match).
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.hosts.insert(host.into().to_ascii_lowercase());
        self
    }

    /// Parses `body`, fetches its signing key from an allowed host, and checks
    /// `signature` (the `x-content-signature` header). Returns the payload when valid.
    ///
    /// A composite: the key is fetched by one read [`Call`](msp_common::Call)
    /// (`fetch_callback_signing_key`, sent in every write mode), then checked here.
    pub async fn verify(&self, body: &[u8], signature: &str) -> Result<CallbackPayload> {
        let payload = CallbackPayload::parse(body)?;
        let key_url = payload
            .metadata
            .as_ref()
            .and_then(|m| m.key_url.as_deref())
            .ok_or_else(|| Error::vendor(VENDOR, CallbackError::NoKeyUrl))?;
        let url = url::Url::parse(key_url)
            .map_err(|_| Error::vendor(VENDOR, CallbackError::BadKeyUrl))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        if !self.hosts.contains(&host) {
            return Err(Error::vendor(VENDOR, CallbackError::HostNotAllowed(host)));
        }
        let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]" | "::1");
        if url.scheme() != "https" && !loopback {
            return Err(Error::vendor(VENDOR, CallbackError::BadKeyUrl));
        }
        // The Manage credentials are not sent to the key URL (no default headers, no
        // session hooks); the transport's size cap, timeouts, retries and error handling
        // still apply. Not a Manage document: no envelope check either.
        let request = msp_common::Request::absolute(msp_common::Method::GET, url)
            .without_default_headers()
            .anonymous()
            .unchecked()
            .operation("fetch_callback_signing_key");
        let doc: serde_json::Value =
            msp_common::Call::read_json(self.client.service(), Ok(request)).await?;
        let key = match &doc {
            serde_json::Value::String(s) => Some(s.as_str()),
            serde_json::Value::Object(m) => ["signing_key", "signingKey", "SigningKey", "key"]
                .iter()
                .find_map(|k| m.get(*k)?.as_str()),
            _ => None,
        }
        .ok_or_else(|| Error::vendor(VENDOR, CallbackError::NoSigningKey))?;
        if verify_signature(key, body, signature) {
            Ok(payload)
        } else {
            Err(Error::vendor(VENDOR, CallbackError::BadSignature))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc4231_vectors() {
        // Test case 1.
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!verify_signature("k", b"x", "not base64 !!"));
    }
}
