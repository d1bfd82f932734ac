//! The secret type every credential in the workspace is held in.
//!
//! Keys, passwords, tokens and cookies are [`SecretString`]s: their `Debug` prints
//! `[REDACTED]`, they are zeroed on drop, and reading one takes an explicit
//! [`ExposeSecret::expose_secret`] call that is easy to audit.
//!
//! ```
//! use msp_common::secret::{ExposeSecret, SecretString};
//!
//! let key = SecretString::from("marker-secret");
//! assert!(!format!("{key:?}").contains("marker-secret"));
//! assert_eq!(key.expose_secret(), "marker-secret");
//! ```

use std::sync::Arc;

pub use secrecy::{ExposeSecret, SecretBox, SecretString};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Replaces known secret values in text that is about to be stored in an error or a log
/// (a server that echoes a request header back in its error page, for example).
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<Vec<SecretString>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor for these secrets. Values shorter than 4 characters are ignored: they
    /// would turn ordinary text into noise and are not worth hiding anyway.
    pub fn new(secrets: impl IntoIterator<Item = SecretString>) -> Self {
        let secrets = secrets
            .into_iter()
            .filter(|s| s.expose_secret().len() >= 4)
            .collect();
        Redactor {
            secrets: Arc::new(secrets),
        }
    }

    /// A redactor holding this one's secrets and `more`.
    pub fn with(&self, more: &[SecretString]) -> Self {
        if more.is_empty() {
            return self.clone();
        }
        Redactor::new(self.secrets.iter().chain(more).cloned())
    }

    /// `text` with every known secret replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            let value = secret.expose_secret();
            if out.contains(value) {
                out = out.replace(value, REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_known_values_only() {
        let r = Redactor::new([SecretString::from("s3cr3t-token"), SecretString::from("ab")]);
        assert_eq!(
            r.redact("bearer s3cr3t-token and ab"),
            "bearer [REDACTED] and ab"
        );
        assert!(!format!("{r:?}").contains("s3cr3t"));
        let r2 = r.with(&[SecretString::from("other-secret")]);
        assert_eq!(
            r2.redact("other-secret s3cr3t-token"),
            "[REDACTED] [REDACTED]"
        );
    }
}
