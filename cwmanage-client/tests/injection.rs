//! Injection round trips (issue 12) for every builder of the crate that puts data on the
//! wire, with msp-common's [`hostile_strings`] (both quotes, backslash, `)`, ` or `, `%`,
//! `&`, `#`, `+`, CR/LF, NUL, unicode, very long values):
//!
//! - `conditions`: conditions built from hostile values (every operator, `and`/`or`
//!   groups, `in` lists), set as `conditions`, `childConditions` or
//!   `customFieldConditions`. The URL is the one the transport sends (the call's
//!   preview), its query decoded the way the simulator's server decodes it, and the
//!   parameter parsed back with the crate's own parser: it must be the same condition,
//!   each value one literal equal to the input. One case in ten is also sent to the
//!   simulator: a company named with the value is created, and the simulator, which
//!   parses what it received and evaluates it, must answer exactly the companies so
//!   named — the value matched as one literal, nothing more.
//! - `search-body`: the same conditions in the JSON body of `POST service/tickets/search`
//!   (one case in ten, sent to the simulator): the body it received parses back to the
//!   same condition, and the simulator answers 200.
//! - `company-id`: the one path segment built from data (`/login/companyinfo/{company}`):
//!   either refused before sending (control characters, dot-segments) or exactly one
//!   segment whose decoding is the input; one case in ten is sent to the simulator,
//!   which must receive that same segment.
//!
//! A value holding both kinds of quote cannot be written in Manage's conditions (there
//! is no documented escape): the builder refuses it by design, and such a case counts as
//! refused, not as an escape. Each builder prints `injection <builder>: N cases, E
//! escapes` and fails on any escape. The default is 10,000 cases per builder;
//! `MSP_SUITE_SCALE` multiplies it:
//!
//! ```text
//! MSP_SUITE_SCALE=10 cargo test -p cwmanage-client --all-features --test injection -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::collections::BTreeSet;

use cwmanage_client::conditions::{Condition, ConditionError, Expr, Value};
use cwmanage_client::models::Company;
use cwmanage_client::query::ListQuery;
use cwmanage_client::sim::Simulator;
use cwmanage_client::{Client, Credentials, Error, Listing, Raw, reqwest};
use msp_common::sim::hostile::hostile_strings;
use msp_common::sim::suite::scale;

const CASES: u64 = 10_000;
/// One case in this many is also sent to the simulator.
const SENT_EVERY: u64 = 10;

fn report(builder: &str, cases: u64, refused: u64, sent: u64, escapes: &[String]) {
    println!(
        "injection {builder}: {cases} cases, {} escapes ({refused} refused before sending, {sent} sent to the simulator)",
        escapes.len()
    );
    assert!(
        escapes.is_empty(),
        "{builder}: {} escapes, first: {}",
        escapes.len(),
        escapes[0]
    );
}

fn offline(http: &reqwest::Client, company: &str) -> Result<Client, Error> {
    Client::builder()
        .base_url("https://cw.example.com")
        .credentials(Credentials::new(
            company,
            "pK7wQ2mZ9xR4tL6v",
            "sN3bV8cJ5hY1fD0a",
        ))
        .client_id("6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
        .http_client(http.clone())
        .build()
}

/// The string literals of a condition, in order.
fn strings(expr: &Expr, out: &mut Vec<String>) {
    let mut push = |v: &Value| {
        if let Value::Str(s) = v {
            out.push(s.clone());
        }
    };
    match expr {
        Expr::Cmp { value, .. } => push(value),
        Expr::In { values, .. } => values.iter().for_each(push),
        Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| strings(t, out)),
        other => panic!("unexpected {other:?}"),
    }
}

/// Case `n`: a condition on ticket fields built from two hostile values, and the string
/// literals it holds, in order.
fn case(n: u64) -> (Condition, Vec<String>) {
    let v = hostile_strings(0xC0D1, n);
    let w = hostile_strings(0xC0D2, n);
    let f = Condition::field;
    match n % 6 {
        0 => (f("summary").eq(v.as_str()), vec![v]),
        1 => (
            f("company/name")
                .contains(v.as_str())
                .and(f("closedFlag").eq(false)),
            vec![v],
        ),
        2 => (
            f("summary")
                .like(v.as_str())
                .or(f("summary").not_like(w.as_str())),
            vec![v, w],
        ),
        3 => (
            f("summary").is_in([v.as_str(), w.as_str(), "x"]),
            vec![v, w, "x".to_owned()],
        ),
        4 => (
            f("board/name")
                .ne(v.as_str())
                .and(f("contact/name").eq(w.as_str()).or(f("id").gt(5))),
            vec![v, w],
        ),
        _ => (
            f("status/name")
                .not_contains(v.as_str())
                .or(f("summary").ge(w.as_str()).and(f("closedFlag").eq(true))),
            vec![v, w],
        ),
    }
}

/// Whether rendering was refused because a value holds both kinds of quote.
fn both_quotes(err: &Error, condition: &Condition) -> bool {
    matches!(condition.render(), Err(ConditionError::BothQuotes { .. }))
        && matches!(err, Error::Config { .. })
}

/// Checks that `text`, as received, is `built` with the `expected` literals.
fn same(text: &str, built: &Condition, expected: &[String]) -> Result<(), String> {
    let parsed = Condition::parse(text).map_err(|e| format!("{text:?} does not parse: {e}"))?;
    if &parsed != built {
        return Err(format!("{text:?} parses to {parsed:?}, not {built:?}"));
    }
    let mut literals = Vec::new();
    strings(parsed.expr(), &mut literals);
    if literals != expected {
        return Err(format!("{text:?}: literals {literals:?}, not {expected:?}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditions_keep_every_value_one_literal() {
    let http = reqwest::Client::new();
    let client = offline(&http, "myco").unwrap();
    let sim = Simulator::builder().tickets(50).start().await;
    let live = sim
        .client_builder()
        .http_client(http.clone())
        .build()
        .unwrap();
    let cases = CASES * scale();
    // The companies by lower-case name, kept here rather than read back each time.
    let mut companies: Vec<(u64, String)> = sim
        .records("company/companies")
        .iter()
        .map(|c| {
            (
                c["id"].as_u64().unwrap(),
                c["name"].as_str().unwrap().to_lowercase(),
            )
        })
        .collect();
    let (mut refused, mut sent, mut searched) = (0u64, 0u64, 0u64);
    let mut escapes = Vec::new();
    let mut search_escapes = Vec::new();
    for n in 0..cases {
        let (built, expected) = case(n);
        let param = ["conditions", "childConditions", "customFieldConditions"][(n % 3) as usize];
        let query = match param {
            "conditions" => ListQuery::new().conditions(&built),
            "childConditions" => ListQuery::new().child_conditions(&built),
            _ => ListQuery::new().custom_field_conditions(&built),
        };
        let pairs = match query.to_pairs() {
            Ok(pairs) => pairs,
            Err(err) if both_quotes(&err, &built) => {
                refused += 1;
                continue;
            }
            Err(err) => {
                escapes.push(format!("case {n}: refused for another reason: {err}"));
                continue;
            }
        };
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The URL exactly as the transport sends it, decoded as the server decodes it.
        let preview = client
            .get::<serde_json::Value>("service/tickets", &pairs)
            .preview()
            .unwrap();
        let url = url::Url::parse(&preview.url).unwrap();
        let received: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if received.len() != 1 || received[0].0 != param {
            escapes.push(format!("case {n}: the query became {received:?}"));
            continue;
        }
        if let Err(e) = same(&received[0].1, &built, &expected) {
            escapes.push(format!("case {n} ({param}): {e}"));
        }
        // `/count` sends the same text.
        if param == "conditions" {
            let count = client.tickets().count(&built).preview().unwrap();
            let url = url::Url::parse(&count.url).unwrap();
            let text = url
                .query_pairs()
                .find(|(k, _)| k == "conditions")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if let Err(e) = same(&text, &built, &expected) {
                escapes.push(format!("case {n} (count): {e}"));
            }
        }

        if n % SENT_EVERY != 0 {
            continue;
        }
        // On the simulator: a company named with the value, found by exactly that name.
        let v = expected[0].clone();
        let by_name = Condition::field("name").eq(v.as_str());
        if by_name.render().is_ok() && !v.trim().is_empty() {
            sent += 1;
            let identifier = format!("Inj{n}");
            let id = client_create(&live, &identifier, &v).await;
            companies.push((id, v.to_lowercase()));
            sim.clear_received();
            let found = live.companies().list().conditions(&by_name).collect().await;
            let want: BTreeSet<u64> = companies
                .iter()
                .filter(|(_, name)| *name == v.to_lowercase())
                .map(|(id, _)| *id)
                .collect();
            match found {
                Ok(found) => {
                    let got: BTreeSet<u64> =
                        found.iter().filter_map(|c| c.id).map(|i| i.get()).collect();
                    if got != want || want.is_empty() {
                        escapes.push(format!(
                            "case {n}: the simulator found {got:?} for {v:?}, not {want:?}"
                        ));
                    }
                }
                Err(err) => escapes.push(format!("case {n}: the simulator refused {v:?}: {err}")),
            }
            let last = sim
                .received()
                .into_iter()
                .rev()
                .find(|r| r.method == "GET" && r.path.ends_with("/company/companies"))
                .unwrap();
            if let Err(e) = same(
                last.query_param("conditions").unwrap_or_default(),
                &by_name,
                std::slice::from_ref(&v),
            ) {
                escapes.push(format!("case {n} (received): {e}"));
            }
        }
        // A search, its conditions in the body.
        searched += 1;
        sim.clear_received();
        match live.tickets().search(&built).collect().await {
            Ok(found) => {
                if n % 6 == 0
                    && found.iter().any(|t| {
                        t.summary.as_deref().map(str::to_lowercase) != Some(v.to_lowercase())
                    })
                {
                    search_escapes.push(format!(
                        "case {n}: the search for {v:?} found other tickets"
                    ));
                }
                let last = sim
                    .received()
                    .into_iter()
                    .rev()
                    .find(|r| r.method == "POST" && r.path.ends_with("/service/tickets/search"))
                    .unwrap();
                let body = last.json().unwrap_or_default();
                let text = body["conditions"].as_str().unwrap_or_default();
                if let Err(e) = same(text, &built, &expected) {
                    search_escapes.push(format!("case {n} (search body): {e}"));
                }
            }
            Err(err) => search_escapes.push(format!("case {n}: the search failed: {err}")),
        }
    }
    report("conditions", cases, refused, sent, &escapes);
    // Cases the builder refused never reach a search: they count above.
    report("search-body", searched, 0, searched, &search_escapes);
}

async fn client_create(client: &Client, identifier: &str, name: &str) -> u64 {
    client
        .companies()
        .create(&Company::new(identifier, name))
        .await
        .unwrap_or_else(|e| panic!("creating {name:?}: {e}"))
        .id
        .unwrap()
        .get()
}

/// The one segment after `/login/companyinfo/` of a path, decoded.
fn company_segment(path: &str) -> Result<String, String> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["login", "companyinfo", one] => percent_encoding::percent_decode_str(one)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|e| format!("{one} is not UTF-8: {e}")),
        _ => Err(format!("the path is {path:?}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_company_id_stays_one_path_segment() {
    let http = reqwest::Client::new();
    let sim = Simulator::builder().tickets(0).start().await;
    let cases = CASES * scale();
    let (mut refused, mut sent) = (0u64, 0u64);
    let mut escapes = Vec::new();
    for n in 0..cases {
        let company = hostile_strings(0x5E6, n);
        let client = match offline(&http, &company) {
            Ok(client) => client,
            Err(err) => {
                escapes.push(format!("case {n}: {company:?} refused by build: {err}"));
                continue;
            }
        };
        let preview = match client.company_info().preview() {
            Ok(preview) => preview,
            Err(Error::Config { .. })
                if company.chars().any(char::is_control)
                    || matches!(
                        company.to_ascii_lowercase().replace("%2e", ".").as_str(),
                        "." | ".."
                    ) =>
            {
                refused += 1;
                continue;
            }
            Err(err) => {
                escapes.push(format!("case {n}: {company:?} refused: {err}"));
                continue;
            }
        };
        let url = url::Url::parse(&preview.url).unwrap();
        if url.scheme() != "https"
            || url.host_str() != Some("cw.example.com")
            || url.query().is_some()
            || url.fragment().is_some()
        {
            escapes.push(format!("case {n}: {company:?} became {url}"));
            continue;
        }
        match company_segment(url.path()) {
            Ok(decoded) if decoded == company => {}
            Ok(decoded) => escapes.push(format!("case {n}: {company:?} became {decoded:?}")),
            Err(e) => escapes.push(format!("case {n}: {company:?}: {e}")),
        }
        if n % SENT_EVERY == 0 {
            sent += 1;
            sim.clear_received();
            let live = sim
                .client_builder()
                .credentials(Credentials::new(company.as_str(), "p", "k"))
                .http_client(http.clone())
                .build()
                .unwrap();
            if let Err(err) = live.company_info().await {
                escapes.push(format!("case {n}: {company:?} was not answered: {err}"));
            }
            let last = sim.received().pop().unwrap();
            match company_segment(&last.path) {
                Ok(decoded) if decoded == company => {}
                Ok(decoded) => escapes.push(format!(
                    "case {n}: the simulator received {decoded:?}, not {company:?}"
                )),
                Err(e) => escapes.push(format!("case {n}: the simulator received {e}")),
            }
        }
    }
    report("company-id", cases, refused, sent, &escapes);
}
