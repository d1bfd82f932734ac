//! What the CLI writes: JSON results on stdout, messages and progress on stderr, and the
//! [`Failure`] that decides the exit code.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use futures_util::{Stream, StreamExt};
use msp_common::RequestPreview;
use msp_examples::{collapse_whitespace, one_line};
use serde::Serialize;
use serde_json::{Map, Value};

/// Why a command did not succeed. (Command-line errors never get here: clap reports them
/// and exits with 2 before anything runs.)
#[derive(Debug)]
pub(crate) enum Failure {
    /// The environment is unusable (a missing or invalid variable): exit 2 with one line.
    Usage(String),
    /// The API, the credentials or the network failed: exit 1 with one line.
    Failed(String),
}

impl Failure {
    /// A failure that is not the command line's fault.
    pub(crate) fn failed(message: impl Display) -> Failure {
        Failure::Failed(collapse_whitespace(&message.to_string()))
    }
}

impl From<msp_common::Error> for Failure {
    fn from(err: msp_common::Error) -> Self {
        Failure::Failed(one_line(&err))
    }
}

impl From<msp_examples::SetupError> for Failure {
    /// A missing or unusable variable is a usage error (exit 2); a client that refuses
    /// its configuration is a failure (exit 1).
    fn from(err: msp_examples::SetupError) -> Self {
        if err.is_usage() {
            Failure::Usage(one_line(&err))
        } else {
            Failure::Failed(one_line(&err))
        }
    }
}

/// Prints a value as pretty JSON on stdout. A closed pipe (`| head`) is not an error.
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::failed(format!("the result cannot be written as JSON: {e}")))?;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Prints a server's JSON answer exactly as it came (`null` for an empty body), so that
/// nothing is lost in decoding — Kaseya's 26-digit ids do not fit a JSON number parser.
pub(crate) fn print_raw(response: &msp_common::Response) -> Result<(), Failure> {
    if response.is_empty() {
        return print_json(&Value::Null);
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(response.bytes()).map_err(|e| {
        Failure::failed(format!(
            "the answer (HTTP {}) is not JSON: {e}",
            response.status()
        ))
    })?;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", response.text().trim()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Prints the first `limit` records of a list as one JSON array.
pub(crate) fn print_list<T: Serialize>(
    mut items: Vec<T>,
    limit: Option<usize>,
) -> Result<(), Failure> {
    if let Some(limit) = limit {
        items.truncate(limit);
    }
    print_json(&items)
}

/// The dry run of a state-changing command: prints the request it would send (method,
/// URL, headers with secrets shown as `[REDACTED]`, body as JSON when it is JSON) and
/// sends nothing.
pub(crate) fn print_dry_run(preview: &RequestPreview) -> Result<(), Failure> {
    #[derive(Serialize)]
    struct DryRun<'a> {
        dry_run: bool,
        method: &'a str,
        url: &'a str,
        headers: Map<String, Value>,
        body: Value,
    }
    let body = match &preview.body {
        None => Value::Null,
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
    };
    let shown = DryRun {
        dry_run: true,
        method: preview.method.as_str(),
        url: &preview.url,
        headers: preview
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect(),
        body,
    };
    eprintln!("msp: dry run, nothing was sent; add --yes to send this request");
    print_json(&shown)
}

/// A state-changing call: without `--yes` its own preview (what the SDK would send,
/// credentials `[REDACTED]`) is printed and nothing is sent; with `--yes` it is sent and
/// its answer returned.
pub(crate) async fn write_or_preview<T: Send + 'static>(
    call: msp_common::Call<T>,
    yes: bool,
) -> Result<Option<T>, Failure> {
    if !yes {
        print_dry_run(&call.preview()?)?;
        return Ok(None);
    }
    Ok(Some(call.await?))
}

/// Collects a stream of records, stopping after `limit`, with a running count on stderr
/// when stderr is a terminal.
pub(crate) async fn collect<T, S>(
    stream: S,
    limit: Option<usize>,
    what: &str,
) -> Result<Vec<T>, Failure>
where
    S: Stream<Item = msp_common::Result<T>>,
{
    let mut progress = Progress::new(what);
    let mut items = Vec::new();
    let mut stream = std::pin::pin!(stream.take(limit.unwrap_or(usize::MAX)));
    while let Some(item) = stream.next().await {
        let item = item.inspect_err(|_| progress.done())?;
        items.push(item);
        progress.tick(items.len());
    }
    progress.done();
    Ok(items)
}

/// A record count on stderr, redrawn in place; silent when stderr is not a terminal.
pub(crate) struct Progress {
    what: String,
    shown: bool,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(what: &str) -> Progress {
        Progress {
            what: what.to_owned(),
            shown: false,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self, count: usize) {
        if self.enabled && (count == 1 || count.is_multiple_of(50)) {
            eprint!("\rmsp: {count} {}…", self.what);
            self.shown = true;
        }
    }

    fn done(&mut self) {
        if std::mem::take(&mut self.shown) {
            eprint!("\r\x1b[2K");
        }
    }
}
