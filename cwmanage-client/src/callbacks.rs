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
use hmac::{Hmac, KeyInit, Mac};
use msp_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::client::{Client, VENDOR};
use crate::models::Extra;

/// The name of the signature header.
pub const SIGNATURE_HEADER: &str = "x-content-signature";

/// The HMAC-SHA256 of `body` under Manage's key derivation: the MAC key is the
/// SHA-256 of the signing key.
fn mac(signing_key: &[u8], body: &[u8]) -> [u8; 32] {
    let key = Sha256::digest(signing_key);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The signature Manage would send for `body` under `signing_key`:
/// `base64(HMAC-SHA256(key = SHA-256(signing_key), body))`.
///
/// The signing key is usually the text Manage serves (`&str`); any bytes are accepted.
pub fn sign(signing_key: impl AsRef<[u8]>, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac(signing_key.as_ref(), body))
}

/// Whether `signature` (the header value, base64) is the signature of `body` under
/// `signing_key`, compared in constant time. Garbage signatures are simply `false`.
pub fn verify_signature(signing_key: impl AsRef<[u8]>, body: &[u8], signature: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let expected = mac(signing_key.as_ref(), body);
    // `ct_eq` on slices of different lengths is simply false (the length is public).
    bool::from(expected.as_slice().ct_eq(given.as_slice()))
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
    #[serde(rename = "ID", default, deserialize_with = "crate::models::opt_id")]
    pub id: Option<u64>,
    /// The Manage company id.
    #[serde(rename = "CompanyId", default)]
    pub company_id: Option<String>,
    /// The member who made the change.
    #[serde(
        rename = "MemberId",
        default,
        deserialize_with = "crate::models::opt_id"
    )]
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

    /// The base64 of a hex MAC, as `sign` answers it.
    fn b64(hex: &str) -> String {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// RFC 4231 test cases 6 and 7 use a 131-byte key, longer than SHA-256's 64-byte
    /// block, which HMAC itself first replaces by its SHA-256: exactly Manage's key
    /// derivation. So `sign` must reproduce these vectors as published.
    #[test]
    fn rfc4231_vectors_through_sign_and_verify() {
        let key = [0xaa_u8; 131];
        let cases: [(&[u8], &str); 2] = [
            (
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (message, hex) in cases {
            assert_eq!(sign(key, message), b64(hex));
            assert!(verify_signature(key, message, &b64(hex)));
            assert!(!verify_signature(&key[1..], message, &b64(hex)));
        }
    }

    #[test]
    fn garbage_and_truncated_signatures_are_refused() {
        let good = sign("k", b"x");
        assert!(verify_signature("k", b"x", &good));
        assert!(verify_signature("k", b"x", &format!("  {good}\n")));
        assert!(!verify_signature("k", b"x", "not base64 !!"));
        assert!(!verify_signature("k", b"x", ""));
        let short = base64::engine::general_purpose::STANDARD.encode(&mac(b"k", b"x")[..31]);
        assert!(!verify_signature("k", b"x", &short));
    }
}
