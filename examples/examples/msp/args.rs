//! Hand-written argument parsing: positionals, `--option VALUE` (or `--option=VALUE`),
//! the flags `--yes`, `--internal` and `--help`, and `--` to end the options.
//!
//! A command takes what it needs — [`Args::positional`], [`Args::option`],
//! [`Args::flag`] — then calls [`Args::finish`], which refuses anything left over.

use std::collections::VecDeque;
use std::fmt::Display;
use std::str::FromStr;

use crate::output::Failure;

/// Options that take no value.
const FLAGS: [&str; 4] = ["yes", "internal", "help", "sim"];

/// The arguments after `<vendor> <command>`.
#[derive(Debug)]
pub(crate) struct Args {
    positionals: VecDeque<String>,
    /// `(name, value)`; flags have no value.
    options: Vec<(String, Option<String>)>,
    /// `--sim` or `MSP_SIM=1`: use the built-in simulators.
    sim: bool,
}

impl Args {
    /// Splits the arguments into positionals and options.
    pub(crate) fn parse(raw: impl IntoIterator<Item = String>) -> Result<Args, Failure> {
        let mut args = Args {
            positionals: VecDeque::new(),
            options: Vec::new(),
            sim: false,
        };
        let mut raw = raw.into_iter();
        while let Some(arg) = raw.next() {
            if arg == "--" {
                args.positionals.extend(raw.by_ref());
                break;
            }
            let Some(option) = arg.strip_prefix("--") else {
                args.positionals.push_back(arg);
                continue;
            };
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                None if FLAGS.contains(&option) => (option.to_owned(), None),
                None => {
                    let value = raw
                        .next()
                        .ok_or_else(|| Failure::usage(format!("--{option} needs a value")))?;
                    (option.to_owned(), Some(value))
                }
            };
            if FLAGS.contains(&name.as_str()) && value.is_some() {
                return Err(Failure::usage(format!("--{name} takes no value")));
            }
            args.options.push((name, value));
        }
        if args.options.iter().any(|(name, _)| name == "help") {
            return Err(Failure::Help);
        }
        let sim = args.flag("sim");
        args.sim = sim || msp_examples::simulate::<&str>(&[]);
        Ok(args)
    }

    /// The next positional argument, called `name` in the usage text.
    pub(crate) fn positional(&mut self, name: &str) -> Result<String, Failure> {
        self.positionals
            .pop_front()
            .ok_or_else(|| Failure::usage(format!("missing {name}")))
    }

    /// The next positional argument, parsed.
    pub(crate) fn positional_as<T: FromStr>(&mut self, name: &str) -> Result<T, Failure>
    where
        T::Err: Display,
    {
        let text = self.positional(name)?;
        text.parse()
            .map_err(|e| Failure::usage(format!("{name} `{text}` is not valid: {e}")))
    }

    /// Removes every occurrence of option `name` and returns their values.
    fn take(&mut self, name: &str) -> Vec<Option<String>> {
        let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.options)
            .into_iter()
            .partition(|(n, _)| n == name);
        self.options = kept;
        taken.into_iter().map(|(_, v)| v).collect()
    }

    /// Every value of a repeatable option (`--cp 1=A --cp 2=B`).
    pub(crate) fn options(&mut self, name: &str) -> Vec<String> {
        self.take(name).into_iter().flatten().collect()
    }

    /// The value of an option given at most once.
    pub(crate) fn option(&mut self, name: &str) -> Result<Option<String>, Failure> {
        let mut values = self.options(name);
        if values.len() > 1 {
            return Err(Failure::usage(format!("--{name} is given more than once")));
        }
        Ok(values.pop())
    }

    /// The value of an option, parsed.
    pub(crate) fn option_as<T: FromStr>(&mut self, name: &str) -> Result<Option<T>, Failure>
    where
        T::Err: Display,
    {
        match self.option(name)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e| Failure::usage(format!("--{name} `{text}` is not valid: {e}"))),
        }
    }

    /// A required option.
    pub(crate) fn required(&mut self, name: &str) -> Result<String, Failure> {
        self.option(name)?
            .ok_or_else(|| Failure::usage(format!("--{name} is required")))
    }

    /// A required option, parsed.
    pub(crate) fn required_as<T: FromStr>(&mut self, name: &str) -> Result<T, Failure>
    where
        T::Err: Display,
    {
        self.option_as(name)?
            .ok_or_else(|| Failure::usage(format!("--{name} is required")))
    }

    /// Whether a flag (`--yes`, `--internal`) is present.
    pub(crate) fn flag(&mut self, name: &str) -> bool {
        !self.take(name).is_empty()
    }

    /// `--yes`: send a state-changing request instead of printing it.
    pub(crate) fn yes(&mut self) -> bool {
        self.flag("yes")
    }

    /// `--limit N`: stop a listing after N records.
    pub(crate) fn limit(&mut self) -> Result<Option<usize>, Failure> {
        self.option_as("limit")
    }

    /// `--sim` (or `MSP_SIM=1`): use the vendor's built-in simulator instead of the
    /// environment's variables.
    pub(crate) fn sim(&self) -> bool {
        self.sim
    }

    /// Refuses any argument no one asked for.
    pub(crate) fn finish(&self) -> Result<(), Failure> {
        if let Some((name, _)) = self.options.first() {
            return Err(Failure::usage(format!(
                "unknown option --{name} for this command"
            )));
        }
        if let Some(extra) = self.positionals.front() {
            return Err(Failure::usage(format!("unexpected argument `{extra}`")));
        }
        Ok(())
    }
}

/// Splits `KEY=VALUE`.
pub(crate) fn key_value(option: &str, text: &str) -> Result<(String, String), Failure> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| Failure::usage(format!("--{option} `{text}` is not KEY=VALUE")))
}

/// Parses a JSON argument.
pub(crate) fn json(name: &str, text: &str) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::usage(format!("{name} is not valid JSON: {e}")))
}

/// Parses an HTTP method for `raw` commands: GET, POST, PUT, PATCH or DELETE.
pub(crate) fn method(text: &str) -> Result<msp_common::Method, Failure> {
    let upper = text.to_ascii_uppercase();
    match upper.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" => {
            Ok(upper.parse().expect("a known method name always parses"))
        }
        _ => Err(Failure::usage(format!(
            "METHOD `{text}` is not one of GET, POST, PUT, PATCH, DELETE"
        ))),
    }
}

/// Splits `path?k=v&…` into the path and its decoded query pairs.
pub(crate) fn path_and_query(text: &str) -> Result<(String, Vec<(String, String)>), Failure> {
    let (path, query) = text.split_once('?').unwrap_or((text, ""));
    let pairs = if query.is_empty() {
        Vec::new()
    } else {
        let url = msp_common::Url::parse(&format!("http://x/?{query}"))
            .map_err(|e| Failure::usage(format!("PATH `{text}` has a bad query: {e}")))?;
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    Ok((path.trim_start_matches('/').to_owned(), pairs))
}
