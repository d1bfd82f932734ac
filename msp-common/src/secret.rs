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

use std::sync::{Arc, OnceLock};

pub use secrecy::{ExposeSecret, SecretBox, SecretString};

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Replaces known secret values in text that is about to be stored in an error or a log
/// (a server that echoes a request header back in its error page, for example).
///
/// A secret is caught in every form it can travel in: as is, base64-encoded (standard
/// and URL-safe alphabets, with and without padding), JSON-escaped, percent-encoded
/// (upper- and lower-case hex) and form-encoded.
///
/// ```
/// use msp_common::secret::{Redactor, SecretString};
///
/// let r = Redactor::new([SecretString::from("p@ss \"word\"/+")]);
/// for echoed in [
///     r#"p@ss "word"/+"#,            // plain
///     r#"p@ss \"word\"\/+"#,          // JSON-escaped (with an escaped slash)
///     "p%40ss%20%22word%22%2F%2B",   // percent-encoded
///     "p%40ss+%22word%22%2F%2B",     // form-encoded
///     "cEBzcyAid29yZCIvKw==",        // base64
/// ] {
///     assert_eq!(r.redact(&format!("echo: {echoed}!")), "echo: [REDACTED]!", "{echoed}");
/// }
/// ```
///
/// The encoded forms are worked out the first time a redactor is used, not when it is
/// made: a redactor is made for every request and used only when something is about to
/// be kept (an error body, a header echo).
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<Vec<SecretString>>,
    forms: Arc<OnceLock<Vec<SecretString>>>,
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
        let secrets: Vec<SecretString> = secrets
            .into_iter()
            .filter(|s| s.expose_secret().len() >= 4)
            .collect();
        Redactor {
            secrets: Arc::new(secrets),
            forms: Arc::default(),
        }
    }

    /// Every form of every secret, longest first, so a form containing another is
    /// replaced whole.
    fn forms(&self) -> &[SecretString] {
        self.forms.get_or_init(|| {
            let mut forms: Vec<String> = self
                .secrets
                .iter()
                .flat_map(|s| encoded_forms(s.expose_secret()))
                .collect();
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            forms.dedup();
            forms.into_iter().map(SecretString::from).collect()
        })
    }

    /// A redactor holding this one's secrets and `more`.
    pub fn with<'a>(&self, more: impl IntoIterator<Item = &'a SecretString>) -> Self {
        let mut more = more.into_iter().peekable();
        if more.peek().is_none() {
            return self.clone();
        }
        Redactor::new(self.secrets.iter().cloned().chain(more.cloned()))
    }

    /// `text` with every known secret, in every form it can travel in, replaced by
    /// [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for form in self.forms() {
            let value = form.expose_secret();
            if out.contains(value) {
                out = out.replace(value, REDACTED);
            }
        }
        out
    }

    /// Whether `text` holds a known secret in any of its forms.
    pub fn finds(&self, text: &str) -> bool {
        self.forms()
            .iter()
            .any(|f| text.contains(f.expose_secret()))
    }
}

/// The forms a secret can travel in: plain, base64 (standard and URL-safe, padded or
/// not), JSON-escaped (serde's and .NET's), percent-encoded (unreserved characters kept
/// or not, both hex cases) and form-encoded (both conventions). Forms shorter than 4
/// characters are left out.
fn encoded_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    const FORM: &AsciiSet = &UNRESERVED.remove(b' ');
    let percent = utf8_percent_encode(secret, UNRESERVED).to_string();
    let lower_hex = lower_percent_hex(&percent);
    let form = utf8_percent_encode(secret, FORM)
        .to_string()
        .replace(' ', "+");
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or(&json)
        .to_owned();
    let json_slash = json.replace('/', "\\/");
    let mut forms = vec![
        secret.to_owned(),
        STANDARD.encode(secret),
        STANDARD_NO_PAD.encode(secret),
        URL_SAFE.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        json,
        json_slash,
        percent,
        lower_hex,
        form,
    ];
    // Percent-encoding of every byte but letters and digits, and the WHATWG
    // `application/x-www-form-urlencoded` serializer (`~` as `%7E`, `*` kept).
    let every = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    forms.push(lower_percent_hex(&every));
    forms.push(every);
    forms.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
    // JSON as .NET writes it: `<`, `>`, `&`, `'` (and, by System.Text.Json, `"`, `+`,
    // `` ` `` and every non-ASCII character) as `\uXXXX`, in either hex case.
    for upper in [false, true] {
        forms.push(json_unicode_escaped(secret, "<>&'", upper));
        forms.push(json_unicode_escaped(secret, "<>&'\"+`", upper));
    }
    forms.retain(|f| f.len() >= 4);
    forms
}

/// A JSON string body (no quotes) with the characters in `escaped`, controls and (when
/// `"` is among them, as System.Text.Json does) every non-ASCII character written as
/// `\uXXXX`; `"` and `\` otherwise escaped with a backslash.
fn json_unicode_escaped(secret: &str, escaped: &str, upper: bool) -> String {
    let all_non_ascii = escaped.contains('"');
    let mut out = String::with_capacity(secret.len() * 2);
    for c in secret.chars() {
        if escaped.contains(c) || c.is_control() || (all_non_ascii && !c.is_ascii()) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                if upper {
                    out.push_str(&format!("\\u{unit:04X}"));
                } else {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        } else if c == '"' || c == '\\' {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// `%2F` spelled `%2f`.
fn lower_percent_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
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
        assert!(r.finds("x czNjcjN0LXRva2Vu y"), "base64 found");
        let r2 = r.with(&[SecretString::from("other-secret")]);
        assert_eq!(
            r2.redact("other-secret s3cr3t-token"),
            "[REDACTED] [REDACTED]"
        );
    }
}
