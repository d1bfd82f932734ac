//! Injection round trips (issue 12) for every builder of the crate that puts data on the
//! wire, with msp-common's [`hostile_strings`] (both quotes, backslash, `)`, ` or `, `%`,
//! `&`, `#`, `+`, CR/LF, NUL, unicode, very long values):
//!
//! - `odata-filter`: `$filter` expressions built from hostile values (every comparison,
//!   `substringof` / `startswith` / `endswith`, `and` / `or` groups, `not`), set on the
//!   main list call (`agents().list()`). The URL is the one the transport sends (a
//!   preview of the same query), its query decoded the way a server decodes it, and the
//!   `$filter` parsed back with the crate's own parser ([`parse_filter`]): it must be the
//!   expression that was built, each value one string literal equal to the input. One
//!   case in ten is also sent to the simulator, which parses what it received with the
//!   same grammar and evaluates it: `AgentName eq <value> or ComputerName eq 'O''Brien''s
//!   PC'` must find exactly the one agent named `O'Brien's PC` — the value matched as one
//!   literal, nothing more — and the `$filter` it received must be the one rendered.
//! - `odata-field`: hostile field names through [`Field::new`]: refused, or a name the
//!   parser reads back as that one field.
//! - `path-segments`: every Kaseya call that takes a name or an id from data as a path
//!   segment — `custom_fields().delete / rename / set_value`, `agents().rename`,
//!   `documents().rename / move_file`, `get_files().download` (a [`RepoPath`], one segment
//!   per name) and the ids themselves ([`AgentId::new`]). Each call is either refused
//!   before sending (with `Error::Config`, exactly when the value holds a control
//!   character, is empty, or has a part made only of dots — the spellings that would
//!   change the path here or on IIS) or its URL has exactly the route's segments, each
//!   data segment percent-decoding to the input. One case in forty is also sent to the
//!   simulator, which must receive that same path.
//!
//! Each builder prints `injection <builder>: N cases, E escapes` and fails on any escape.
//! The default is 10,000 cases per builder; `MSP_SUITE_SCALE` multiplies it:
//!
//! ```text
//! cargo test -p kaseya-vsa-client --all-features --test injection -- --nocapture
//! MSP_SUITE_SCALE=10 cargo test -p kaseya-vsa-client --all-features --test injection -- --nocapture
//! ```
#![cfg(feature = "sim")]

use kaseya_vsa_client::files::RepoPath;
use kaseya_vsa_client::ids::AgentId;
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::odata::{Expr, Field, Filter, Function, Literal, Operator, parse_filter};
use kaseya_vsa_client::sim::Simulator;
use kaseya_vsa_client::{Call, Client, Error, Listing, Raw};
use msp_common::Url;
use msp_common::sim::hostile::hostile_strings;
use msp_common::sim::suite::scale;
use percent_encoding::percent_decode_str;

const CASES: u64 = 10_000;

fn report(builder: &str, cases: u64, detail: &str, escapes: &[String]) {
    println!(
        "injection {builder}: {cases} cases, {} escapes ({detail})",
        escapes.len()
    );
    assert!(
        escapes.is_empty(),
        "{builder}: {} escapes, first: {:#?}",
        escapes.len(),
        &escapes[..escapes.len().min(8)]
    );
}

fn string(v: &str) -> Literal {
    Literal::String(v.to_owned())
}

fn compare(field: &str, op: Operator, v: &str) -> Expr {
    Expr::Compare {
        field: field.to_owned(),
        op,
        value: string(v),
    }
}

fn function(function: Function, field: &str, v: &str) -> Expr {
    Expr::Function {
        function,
        field: field.to_owned(),
        text: v.to_owned(),
    }
}

fn and(a: Expr, b: Expr) -> Expr {
    Expr::And(Box::new(a), Box::new(b))
}

fn or(a: Expr, b: Expr) -> Expr {
    Expr::Or(Box::new(a), Box::new(b))
}

fn not(a: Expr) -> Expr {
    Expr::Not(Box::new(a))
}

/// Case `n`: a filter built from two hostile values, and the expression it must parse
/// back to.
fn filter_case(n: u64) -> (Filter, Expr) {
    let v = hostile_strings(0x0DA7A, n);
    let w = hostile_strings(0x0DA7B, n);
    let (v, w) = (v.as_str(), w.as_str());
    match n % 8 {
        0 => (
            agents::AGENT_NAME.eq(v),
            compare("AgentName", Operator::Eq, v),
        ),
        1 => (
            agents::COMPUTER_NAME.ne(v),
            compare("ComputerName", Operator::Ne, v),
        ),
        2 => (
            agents::AGENT_NAME.substringof(v),
            function(Function::SubstringOf, "AgentName", v),
        ),
        3 => (
            agents::OS_TYPE
                .startswith(v)
                .or(agents::OS_INFO.endswith(w)),
            or(
                function(Function::StartsWith, "OSType", v),
                function(Function::EndsWith, "OSInfo", w),
            ),
        ),
        4 => (
            agents::AGENT_NAME
                .eq(v)
                .and(agents::CONTACT.gt(w).or(agents::COUNTRY.le(v))),
            and(
                compare("AgentName", Operator::Eq, v),
                or(
                    compare("Contact", Operator::Gt, w),
                    compare("Country", Operator::Le, v),
                ),
            ),
        ),
        5 => (
            !agents::CURRENT_USER.ge(v),
            not(compare("CurrentUser", Operator::Ge, v)),
        ),
        6 => (
            agents::AGENT_NAME
                .lt(v)
                .or(agents::AGENT_NAME.eq(w))
                .and(!agents::TIME_ZONE.substringof(w)),
            and(
                or(
                    compare("AgentName", Operator::Lt, v),
                    compare("AgentName", Operator::Eq, w),
                ),
                not(function(Function::SubstringOf, "TimeZone", w)),
            ),
        ),
        _ => (
            Filter::any([
                agents::AGENT_NAME.eq(v),
                agents::COMPUTER_NAME.eq(w),
                agents::IP_ADDRESS.endswith(v),
            ])
            .unwrap(),
            or(
                or(
                    compare("AgentName", Operator::Eq, v),
                    compare("ComputerName", Operator::Eq, w),
                ),
                function(Function::EndsWith, "IPAddress", v),
            ),
        ),
    }
}

/// The `$filter` of a URL, decoded as a server decodes its query; `Err` when the query
/// does not hold exactly one.
fn filter_of(url: &str) -> Result<String, String> {
    let url = Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    let filters: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| k == "$filter")
        .map(|(_, v)| v.into_owned())
        .collect();
    match filters.as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!("the query holds {} `$filter`s", other.len())),
    }
}

fn same(text: &str, expected: &Expr) -> Result<(), String> {
    let parsed = parse_filter(text).map_err(|e| format!("{text:?} does not parse: {e}"))?;
    if &parsed == expected {
        Ok(())
    } else {
        Err(format!("{text:?} parses to {parsed:?}, not {expected:?}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odata_filters_keep_every_value_one_literal() {
    let sim = Simulator::builder().agents(20).start().await;
    let vsa = sim.client().unwrap();
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    let mut sent = 0u64;
    for n in 0..cases {
        let (filter, expected) = filter_case(n);
        // The query the main list call sends, through the transport's own encoding.
        let pairs = vsa.agents().list().filter(filter.clone()).query();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let preview = vsa
            .get::<serde_json::Value>("assetmgmt/agents", &pairs)
            .preview()
            .unwrap();
        match filter_of(&preview.url).and_then(|text| same(&text, &expected)) {
            Ok(()) => {}
            Err(e) => escapes.push(format!("case {n}: {e}")),
        }

        if n % 10 != 0 {
            continue;
        }
        // On the simulator: the value is one literal, so it matches no agent name, and
        // only O'Brien's PC is found.
        sent += 1;
        let v = hostile_strings(0x0DA7A, n);
        let probe = agents::AGENT_NAME
            .eq(v.as_str())
            .or(agents::COMPUTER_NAME.eq("O'Brien's PC"));
        let rendered = probe.to_string();
        sim.clear_received();
        match vsa.agents().list().filter(probe).collect().await {
            Ok(found)
                if found.len() == 1
                    && found[0].computer_name.as_deref() == Some("O'Brien's PC") => {}
            Ok(found) => escapes.push(format!(
                "case {n}: {v:?} found {} agents on the simulator",
                found.len()
            )),
            Err(e) => escapes.push(format!("case {n}: {v:?} failed on the simulator: {e}")),
        }
        let got = sim
            .received()
            .iter()
            .rev()
            .find(|r| r.path.ends_with("/assetmgmt/agents"))
            .and_then(|r| r.query_param("$filter").map(str::to_owned));
        if got.as_deref() != Some(rendered.as_str()) {
            escapes.push(format!(
                "case {n}: the simulator received {got:?}, not {rendered:?}"
            ));
        }
    }
    report(
        "odata-filter",
        cases,
        &format!("{sent} also sent to the simulator"),
        &escapes,
    );
}

#[test]
fn odata_field_names_are_refused_or_read_back_as_one_field() {
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    let mut accepted = 0;
    for n in 0..cases {
        let v = hostile_strings(0xF1E1D, n);
        let Ok(field) = Field::new(v.as_str()) else {
            continue;
        };
        accepted += 1;
        let text = field.eq("x").to_string();
        if let Err(e) = same(&text, &compare(&v, Operator::Eq, "x")) {
            escapes.push(format!("case {n}: {e}"));
        }
    }
    report(
        "odata-field",
        cases,
        &format!("{accepted} accepted as field names, the rest refused"),
        &escapes,
    );
}

/// Whether a data segment must be refused before sending: a control character (the URL
/// parser would strip or keep it, changing the path), empty, or a part made only of dots
/// and spaces (a dot-segment here, or on IIS once `%2F` / `%5C` are decoded).
fn must_refuse(value: &str) -> bool {
    let dots = |part: &str| part.contains('.') && part.chars().all(|c| c == '.' || c == ' ');
    let spelled = value.to_ascii_lowercase().replace("%2e", ".");
    value.chars().any(char::is_control)
        || value.is_empty()
        || value.split(['/', '\\']).any(dots)
        || spelled == "."
        || spelled == ".."
}

/// The calls that put data into path segments: a name, the call for given values, and
/// the markers standing for those values in a benign template.
type Build = fn(&Client, &[&str]) -> Option<Call<()>>;

fn calls() -> Vec<(&'static str, usize, Build)> {
    fn agent() -> AgentId {
        AgentId::from(121_747_357_971_679u64)
    }
    vec![
        ("custom_fields.delete", 1, |c, v| {
            Some(c.custom_fields().delete(v[0]))
        }),
        ("custom_fields.rename", 1, |c, v| {
            Some(c.custom_fields().rename(v[0], "New name"))
        }),
        ("custom_fields.set_value", 1, |c, v| {
            Some(c.custom_fields().set_value(&agent(), v[0], "value"))
        }),
        ("agents.rename", 1, |c, v| {
            Some(c.agents().rename(&agent(), v[0]))
        }),
        ("documents.rename", 2, |c, v| {
            Some(c.documents().rename(&agent(), v[0], v[1]))
        }),
        ("documents.move_file", 2, |c, v| {
            Some(c.documents().move_file(&agent(), v[0], v[1]).map(drop))
        }),
        ("agents.get (id)", 1, |c, v| {
            let id = AgentId::new(v[0]).ok()?;
            Some(c.agents().get(&id).map(drop))
        }),
    ]
}

/// The decoded path segments of a URL.
fn decoded_segments(url: &str) -> Result<Vec<String>, String> {
    let url = Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    url.path_segments()
        .ok_or("no path")?
        .map(|s| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|d| d.into_owned())
                .map_err(|e| format!("segment {s:?} is not UTF-8: {e}"))
        })
        .collect()
}

/// The segments a call with `values` must have: its template (built with markers) with
/// each marker replaced by its value.
fn expected(template: &[String], markers: &[&str], values: &[&str]) -> Vec<String> {
    template
        .iter()
        .map(|s| match markers.iter().position(|m| m == s) {
            Some(i) => values[i].to_owned(),
            None => s.clone(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_segments_never_change_the_path() {
    let sim = Simulator::builder().agents(5).start().await;
    let vsa = sim.client().unwrap();
    let cases = CASES * scale();
    let markers = ["MARKER-ONE", "MARKER-TWO"];
    let calls = calls();
    let templates: Vec<Vec<String>> = calls
        .iter()
        .map(|(name, _, build)| {
            let call = match *name {
                "agents.get (id)" => build(&vsa, &["123"]).unwrap(),
                _ => build(&vsa, &markers).unwrap(),
            };
            decoded_segments(&call.preview().unwrap().url).unwrap()
        })
        .collect();
    let mut escapes = Vec::new();
    let (mut refused, mut checked, mut sent) = (0u64, 0u64, 0u64);
    for n in 0..cases {
        let v = hostile_strings(0x5E6, n);
        let w = hostile_strings(0x5E7, n);
        let values = [v.as_str(), w.as_str()];
        for ((name, arity, build), template) in calls.iter().zip(&templates) {
            let values = &values[..*arity];
            let Some(call) = build(&vsa, values) else {
                // Not an id: refused when it is made.
                refused += 1;
                continue;
            };
            checked += 1;
            let should_refuse = values.iter().any(|v| must_refuse(v));
            let url = match call.preview() {
                Err(Error::Config { .. }) if should_refuse => {
                    refused += 1;
                    continue;
                }
                Err(e) => {
                    escapes.push(format!("{name} {values:?}: refused with {e}"));
                    continue;
                }
                Ok(_) if should_refuse => {
                    escapes.push(format!("{name} {values:?}: not refused"));
                    continue;
                }
                Ok(preview) => preview.url,
            };
            let want = match *name {
                "agents.get (id)" => expected(
                    template,
                    &["123"],
                    &[AgentId::new(v.as_str()).unwrap().as_str()],
                ),
                _ => expected(template, &markers, values),
            };
            match decoded_segments(&url) {
                Ok(got) if got == want => {}
                Ok(got) => escapes.push(format!(
                    "{name} {values:?}: the path became {got:?}, not {want:?}"
                )),
                Err(e) => escapes.push(format!("{name} {values:?}: {e}")),
            }
            if n % 40 == 0 {
                // Sent: the simulator receives that very path.
                sent += 1;
                let sent_path = Url::parse(&url).unwrap().path().to_owned();
                sim.clear_received();
                let _ = call.await;
                let received = sim.received();
                if !received.iter().any(|r| r.path == sent_path) {
                    escapes.push(format!(
                        "{name} {values:?}: the simulator did not receive {sent_path:?} (got {:?})",
                        received.iter().map(|r| &r.path).collect::<Vec<_>>()
                    ));
                }
            }
        }
        // A repository path: one segment per name.
        checked += 1;
        match RepoPath::new(&v) {
            Err(Error::Config { .. }) => refused += 1,
            Err(e) => escapes.push(format!("RepoPath {v:?}: refused with {e}")),
            Ok(path) => {
                let parts: Vec<&str> = path.parts().iter().map(String::as_str).collect();
                let call = vsa.get_files().download(&AgentId::from(7u64), &path);
                match call.preview() {
                    // The top level is not a file; names that must not be sent.
                    Err(Error::Config { .. })
                        if path.is_root() || parts.iter().any(|p| must_refuse(p)) =>
                    {
                        refused += 1;
                    }
                    Err(e) => escapes.push(format!("RepoPath {v:?}: refused with {e}")),
                    Ok(preview) => {
                        let got = decoded_segments(&preview.url).unwrap_or_default();
                        if parts.iter().any(|p| must_refuse(p))
                            || !got.ends_with(
                                &parts.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>(),
                            )
                            || got.len() != 6 + parts.len()
                        {
                            escapes.push(format!(
                                "RepoPath {v:?} ({parts:?}): the path became {got:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    report(
        "path-segments",
        cases,
        &format!(
            "{} calls × {cases} values + repository paths: {checked} built, {refused} refused before sending, {sent} sent to the simulator",
            calls.len()
        ),
        &escapes,
    );
    // The issue's own case: `custom_fields().delete(".\t.")` once sent
    // `DELETE /api/v1.0/assetmgmt/assets/`.
    sim.clear_received();
    for name in [
        ".\t.", "..\n", ".\r.", "\t", "", "..", ".", "a/../..", "..\\x", "%2e%2E",
    ] {
        let err = vsa.custom_fields().delete(name).await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{name:?}: {err}");
    }
    assert_eq!(sim.received_count(), 0, "nothing was sent");
}
