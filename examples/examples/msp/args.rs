//! Arguments shared by several commands (`--yes`, `--limit`) and the value parsers clap
//! runs on the command line's text: `KEY=VALUE`, JSON, HTTP methods, `path?query`.
//!
//! A parser's error is the reason only; clap names the argument and the text refused
//! (`invalid value '[x' for '<JSON_ARGS>': not valid JSON: …`) and exits with 2.

use std::fmt::Display;
use std::str::FromStr;

use clap::Args;

// `--yes` of a state-changing command. (No doc comment: on a flattened struct it would
// become the command's description.)
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct Confirm {
    /// Send the request; without --yes it is printed (credentials redacted) and nothing is sent
    #[arg(long)]
    pub(crate) yes: bool,
}

// `--limit N` of a listing.
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct Limit {
    /// Stop after N records
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
}

/// Any type with a `FromStr` whose error can be shown (the SDK's ids, platforms).
pub(crate) fn parsed<T: FromStr>(text: &str) -> Result<T, String>
where
    T::Err: Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}

/// Splits `KEY=VALUE`.
pub(crate) fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected KEY=VALUE".to_owned())
}

/// Parses a JSON argument.
pub(crate) fn json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
}

/// Parses an HTTP method for `raw` commands: GET, POST, PUT, PATCH or DELETE, in any case.
pub(crate) fn method(text: &str) -> Result<msp_common::Method, String> {
    let upper = text.to_ascii_uppercase();
    match upper.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" => {
            Ok(upper.parse().expect("a known method name always parses"))
        }
        _ => Err("not one of GET, POST, PUT, PATCH, DELETE".to_owned()),
    }
}

/// A `raw` command's PATH: the path relative to the API base, and its decoded query pairs.
pub(crate) type PathAndQuery = (String, Vec<(String, String)>);

/// Splits `path?k=v&…` into the path and its decoded query pairs.
pub(crate) fn path_and_query(text: &str) -> Result<PathAndQuery, String> {
    let (path, query) = text.split_once('?').unwrap_or((text, ""));
    let pairs = if query.is_empty() {
        Vec::new()
    } else {
        let url = msp_common::Url::parse(&format!("http://x/?{query}"))
            .map_err(|e| format!("a bad query: {e}"))?;
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    Ok((path.trim_start_matches('/').to_owned(), pairs))
}
