//! Credentials: the company id, the API member's public and private keys.
//!
//! Manage authenticates every request with
//! `Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")` plus the
//! integration's `clientId` header. The private key is held in a
//! [`SecretString`]: it never appears in `Debug` output, errors or traces.
//!
//! ```
//! use cwmanage_client::auth::Credentials;
//!
//! let creds = Credentials::new("myco", "pub", "priv");
//! assert!(!format!("{creds:?}").contains("priv\""));
//! ```

use std::fmt;

use base64::Engine as _;
use msp_common::secret::{ExposeSecret, SecretString};

/// The API member keys of one Manage company.
#[derive(Clone)]
pub struct Credentials {
    company_id: String,
    public_key: String,
    private_key: SecretString,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("company_id", &self.company_id)
            .field("public_key", &self.public_key)
            .field("private_key", &msp_common::secret::REDACTED)
            .finish()
    }
}

impl Credentials {
    /// Credentials from the company id (the one typed at login), the public key and the
    /// private key of an API member.
    pub fn new(
        company_id: impl Into<String>,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Self {
        Credentials {
            company_id: company_id.into(),
            public_key: public_key.into(),
            private_key: SecretString::from(private_key.into()),
        }
    }

    /// The company id.
    pub fn company_id(&self) -> &str {
        &self.company_id
    }

    /// The public key.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The private key (kept secret; expose it explicitly).
    pub fn private_key(&self) -> &SecretString {
        &self.private_key
    }

    /// The value of the `Authorization` header.
    ///
    /// ```
    /// use cwmanage_client::auth::Credentials;
    /// use msp_common::secret::ExposeSecret;
    ///
    /// let value = Credentials::new("myco", "pub", "priv").authorization();
    /// assert_eq!(value.expose_secret(), "Basic bXljbytwdWI6cHJpdg==");
    /// ```
    pub fn authorization(&self) -> SecretString {
        let raw = format!(
            "{}+{}:{}",
            self.company_id,
            self.public_key,
            self.private_key.expose_secret()
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw.as_bytes());
        SecretString::from(format!("Basic {encoded}"))
    }
}
