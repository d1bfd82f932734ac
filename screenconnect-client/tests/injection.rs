//! Injection round trips for every builder of the crate, with msp-common's
//! [`hostile_strings`] (both quotes, backslash, `)`, ` or `, `%`, `&`, `#`, `+`, CR/LF,
//! NUL, unicode, very long values):
//!
//! - `filter`: session filters ([`Field`] comparisons, alone and combined). The
//!   expression is taken from the exact request body the call sends (its preview: the
//!   JSON array `[filter]`), parsed back with the crate's own parser, and must be the
//!   same tree, each value one literal equal to the input. A share of the cases is sent
//!   to the simulator, which evaluates the filter: it must find exactly the sessions
//!   holding the value.
//! - `installer-url`: installer URLs. The query of the URL as text is parsed back by an
//!   independent `application/x-www-form-urlencoded` parser and by
//!   [`InstallerParams::from_url`]: exactly the expected keys, in order, each value one
//!   literal equal to the input. A share is "installed" on the simulator, which reads
//!   the query as its server received it.
//! - `method-name`: the one path segment the crate builds (`call_raw`'s method name):
//!   either refused before sending or exactly one segment equal to the input.
//! - `json-body`: session ids and texts in the positional JSON bodies of writes: the
//!   body parses back to exactly the arguments given.
//!
//! Each prints `injection <builder>: N cases, E escapes` and fails on any escape. The
//! default is 10,000 cases per builder; `MSP_SUITE_SCALE` multiplies it:
//!
//! ```text
//! MSP_SUITE_SCALE=10 cargo test -p screenconnect-client --all-features --test injection -- --nocapture
//! ```
#![cfg(feature = "sim")]

use msp_common::sim::hostile::hostile_strings;
use msp_common::sim::suite::scale;
use screenconnect_client::filter::{Field, Filter, Op, Value};
use screenconnect_client::installer::{InstallerParams, InstallerUrl, Platform};
use screenconnect_client::models::{CustomProperties, Session, SessionType};
use screenconnect_client::sessions::NewSession;
use screenconnect_client::sim::Simulator;
use screenconnect_client::{Client, Error};
use serde_json::{Value as Json, json};
use url::Url;

const CASES: u64 = 10_000;
/// One case in this many is also sent to the simulator.
const SENT_EVERY: u64 = 10;

fn report(builder: &str, cases: u64, escapes: &[String]) {
    println!(
        "injection {builder}: {cases} cases, {} escapes",
        escapes.len()
    );
    assert!(
        escapes.is_empty(),
        "{builder}: {} escapes, first: {}",
        escapes.len(),
        escapes[0]
    );
}

fn offline_client() -> Client {
    Client::builder()
        .base_url("https://acme.screenconnect.com")
        .secret("s3cret")
        .build()
        .unwrap()
}

/// The filter text exactly as `GetSessionsByFilter` sends it: the one string of the
/// JSON array body.
fn filter_on_the_wire(client: &Client, filter: &Filter) -> Result<String, String> {
    let preview = client
        .sessions()
        .by_filter(filter)
        .preview()
        .map_err(|e| format!("refused: {e}"))?;
    let body: Json = serde_json::from_str(preview.body.as_deref().unwrap_or(""))
        .map_err(|e| format!("the body is not JSON: {e}"))?;
    match body.as_array().map(Vec::as_slice) {
        Some([Json::String(text)]) => Ok(text.clone()),
        _ => Err(format!("the body is not [filter]: {body}")),
    }
}

/// The filter of case `n`, built from hostile values, and the values it holds.
fn filter_case(n: u64) -> (Filter, Vec<String>) {
    let v = hostile_strings(0xF1, n);
    let w = hostile_strings(0xF2, n);
    match n % 5 {
        0 => (Field::custom_property(1).eq(v.as_str()), vec![v]),
        1 => (Field::NAME.like(v.as_str()), vec![v]),
        2 => (
            Field::GUEST_MACHINE_NAME
                .ne(v.as_str())
                .and(Field::SESSION_TYPE.eq(SessionType::Access)),
            vec![v],
        ),
        3 => (
            Field::HOST
                .eq(v.as_str())
                .or(Field::custom_property(8).ge(w.as_str()))
                .not(),
            vec![v, w],
        ),
        _ => (
            Field::new("GuestPrivateNetworkAddress")
                .unwrap()
                .lt(v.as_str())
                .and(Field::CODE.eq(w.as_str()).or(Field::IS_PUBLIC.eq(true))),
            vec![v, w],
        ),
    }
}

#[test]
fn filters_keep_every_value_one_literal() {
    let client = offline_client();
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    for n in 0..cases {
        let (filter, values) = filter_case(n);
        let wire = match filter_on_the_wire(&client, &filter) {
            Ok(wire) => wire,
            Err(e) => {
                escapes.push(format!("case {n}: {e}"));
                continue;
            }
        };
        let parsed: Filter = match wire.parse() {
            Ok(parsed) => parsed,
            Err(e) => {
                escapes.push(format!("case {n}: {wire:?} does not parse: {e}"));
                continue;
            }
        };
        if parsed != filter || parsed.comparisons() != filter.comparisons() {
            escapes.push(format!("case {n}: {wire:?} parses to another filter"));
            continue;
        }
        // Every value is still exactly one string literal.
        let expected_literals: usize = values.len();
        let literals = count_literals(&wire);
        let holds = values
            .iter()
            .all(|v| wire.contains(&format!("'{}'", v.replace('\'', "''"))));
        if !holds || literals < expected_literals {
            escapes.push(format!("case {n}: a value is not one literal in {wire:?}"));
        }
        if n % 5 == 0 {
            let single = parsed.comparison();
            let expected = Value::Str(values[0].clone());
            if single != Some((&Field::custom_property(1), Op::Eq, &expected)) {
                escapes.push(format!("case {n}: {wire:?} is not one comparison"));
            }
        }
    }
    report("filter", cases, &escapes);
}

/// The quoted literals of an expression, counted the way the tokenizer reads them.
fn count_literals(wire: &str) -> usize {
    let mut count = 0;
    let mut chars = wire.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            count += 1;
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                    }
                    Some('\'') | None => break,
                    Some(_) => {}
                }
            }
        }
    }
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_finds_exactly_the_session_holding_each_hostile_value() {
    let cases = CASES * scale() / SENT_EVERY;
    let mut escapes = Vec::new();
    let batch = 250;
    let mut n = 0;
    while n < cases {
        let sim = Simulator::builder().sample_sessions(false).start().await;
        let client = sim.client().unwrap();
        let values: Vec<String> = (n..(n + batch).min(cases))
            .map(|i| hostile_strings(0x51, i))
            .collect();
        for (i, value) in values.iter().enumerate() {
            let mut session =
                Session::new(format!("s-{n}-{i}"), SessionType::Access, &format!("PC{i}"));
            session.custom_property_values = CustomProperties::new().with(1, value.as_str());
            sim.add_session(session);
        }
        for value in &values {
            let filter = Field::custom_property(1).eq(value.as_str());
            match client.sessions().by_filter(&filter).await {
                Ok(found) => {
                    let want: Vec<&String> = values
                        .iter()
                        .filter(|v| v.to_lowercase() == value.to_lowercase())
                        .collect();
                    let exact = found.len() == want.len()
                        && found.iter().all(|s| {
                            s.custom_property(1).unwrap_or("").to_lowercase()
                                == value.to_lowercase()
                        });
                    if !exact {
                        escapes.push(format!(
                            "{value:?}: the simulator found {} sessions, not {}",
                            found.len(),
                            want.len()
                        ));
                    }
                }
                Err(e) => escapes.push(format!("{value:?}: {e}")),
            }
            // What the simulator received is the filter as built.
            let received = sim.received();
            let body = received.last().and_then(|r| r.json());
            if body != Some(json!([filter.to_string()])) {
                escapes.push(format!("{value:?}: the simulator received {body:?}"));
            }
        }
        n += batch;
    }
    report("filter (sent to the simulator)", cases, &escapes);
}

/// The installer URL of case `n` on `instance` and the query pairs it must carry.
fn installer_case(n: u64, instance: &str) -> (InstallerUrl, Vec<(String, String)>) {
    let h = |salt: u64| hostile_strings(0x1A ^ salt, n);
    let platform = Platform::ALL[(n % 6) as usize];
    let name = h(1);
    let values: Vec<String> = (0..8)
        .map(|i| {
            if (n + i).is_multiple_of(3) {
                String::new()
            } else {
                h(10 + i)
            }
        })
        .collect();
    let mut builder = InstallerUrl::new(instance, platform)
        .name(name.clone())
        .custom_properties(CustomProperties::from_values(values.clone()));
    let mut pairs = vec![
        ("e".to_owned(), "Access".to_owned()),
        ("y".to_owned(), "Guest".to_owned()),
        ("t".to_owned(), name),
    ];
    pairs.extend(values.into_iter().map(|v| ("c".to_owned(), v)));
    if n.is_multiple_of(4) {
        let (host, key) = (h(2), h(3));
        let port = (n % 65_536) as u16;
        builder = builder
            .relay_host(host.clone())
            .relay_port(port)
            .public_key(key.clone());
        pairs.push(("h".to_owned(), host));
        pairs.push(("p".to_owned(), port.to_string()));
        pairs.push(("k".to_owned(), key));
    }
    (builder, pairs)
}

/// Checks one installer URL as text against the pairs it must carry.
fn installer_escape(n: u64, text: &str, pairs: &[(String, String)]) -> Option<String> {
    let url = match Url::parse(text) {
        Ok(url) => url,
        Err(e) => return Some(format!("case {n}: {text:?} is not a URL: {e}")),
    };
    if url.fragment().is_some() {
        return Some(format!("case {n}: {text:?} has a fragment"));
    }
    if !url.path().ends_with(&format!(
        "/Bin/ScreenConnect.ClientSetup.{}",
        Platform::ALL[(n % 6) as usize].extension()
    )) {
        return Some(format!("case {n}: {text:?} has another path"));
    }
    // An independent parser of the query as text.
    let query = url.query().unwrap_or("");
    let decoded: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if decoded != pairs {
        return Some(format!(
            "case {n}: the query {query:?} reads back as {decoded:?}"
        ));
    }
    // Every value is one percent-encoded literal: no raw separator in the text.
    if query.split('&').count() != pairs.len()
        || query.split('&').any(|p| p.matches('=').count() != 1)
    {
        return Some(format!(
            "case {n}: the query {query:?} has stray separators"
        ));
    }
    // The crate's own reader.
    let params = match InstallerParams::from_url(&url) {
        Ok(params) => params,
        Err(e) => return Some(format!("case {n}: {e}")),
    };
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let values: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "c")
        .map(|(_, v)| v.clone())
        .collect();
    let same = params.name == get("t").unwrap_or_default()
        && params.custom_properties.as_slice() == values.as_slice()
        && params.relay_host == get("h")
        && params.public_key == get("k")
        && params.relay_port.map(|p| p.to_string()) == get("p");
    (!same).then(|| format!("case {n}: InstallerParams reads {params:?}"))
}

#[test]
fn installer_urls_keep_every_value_one_literal() {
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    for n in 0..cases {
        let instance = if n % 2 == 0 {
            "https://acme.screenconnect.com"
        } else {
            "https://sc.acme.example:8040/control"
        };
        let (builder, pairs) = installer_case(n, instance);
        match builder.build() {
            Ok(url) => escapes.extend(installer_escape(n, url.as_str(), &pairs)),
            Err(e) => escapes.push(format!("case {n}: refused: {e}")),
        }
    }
    report("installer-url", cases, &escapes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_installs_each_hostile_installer_url_as_built() {
    let cases = CASES * scale() / SENT_EVERY;
    let mut escapes = Vec::new();
    let mut sim = Simulator::builder().sample_sessions(false).start().await;
    for n in 0..cases {
        if n > 0 && n % 250 == 0 {
            // A fresh instance now and then keeps its record of requests short.
            sim = Simulator::builder().sample_sessions(false).start().await;
        }
        let (builder, pairs) = installer_case(n, &sim.url());
        let url = builder.build().unwrap();
        let values: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k == "c")
            .map(|(_, v)| v.clone())
            .collect();
        match sim.install(url.as_str()).await {
            Ok(session) => {
                if session.name != pairs[2].1
                    || session.custom_property_values.as_slice() != values.as_slice()
                {
                    escapes.push(format!("case {n}: installed as {session:?}"));
                }
            }
            Err(e) => escapes.push(format!("case {n}: {e}")),
        }
        let received = sim.received();
        let download = received.last().unwrap();
        if download.query != pairs {
            escapes.push(format!(
                "case {n}: the simulator received {:?}",
                download.query
            ));
        }
    }
    report(
        "installer-url (installed on the simulator)",
        cases,
        &escapes,
    );
}

#[test]
fn method_names_are_one_segment_or_refused() {
    let client = offline_client();
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    let mut refused = 0;
    for n in 0..cases {
        // Mostly hostile, sometimes a plain name with a hostile tail or head.
        let value = match n % 3 {
            0 => hostile_strings(0x3E, n),
            1 => format!("GetSessions{}", hostile_strings(0x3E, n)),
            _ => format!("{}GetSessions", hostile_strings(0x3E, n)),
        };
        let call = client.call_raw(value.as_str(), json!([])).write(false);
        match call.preview() {
            Err(Error::Config { .. }) => refused += 1,
            Err(other) => escapes.push(format!("{value:?}: {other}")),
            Ok(preview) => {
                let url = Url::parse(&preview.url).unwrap();
                let segments: Vec<&str> = url.path_segments().unwrap().collect();
                let ok = segments.len() == 4
                    && segments[2] == "Service.ashx"
                    && segments[3] == value
                    && url.query().is_none()
                    && url.fragment().is_none();
                if !ok {
                    escapes.push(format!("{value:?} went to {}", preview.url));
                }
            }
        }
    }
    assert!(refused > cases / 2, "hostile names are refused: {refused}");
    report("method-name", cases, &escapes);
}

#[test]
fn json_bodies_carry_exactly_the_arguments() {
    let client = offline_client();
    let cases = CASES * scale();
    let mut escapes = Vec::new();
    for n in 0..cases {
        let (id, text, other) = (
            hostile_strings(0xB0, n),
            hostile_strings(0xB1, n),
            hostile_strings(0xB2, n),
        );
        let (preview, expected) = match n % 4 {
            0 => (
                client
                    .sessions()
                    .send_command(id.as_str(), text.as_str())
                    .preview(),
                json!([id, text]),
            ),
            1 => (
                client.sessions().by_name(text.as_str()).preview(),
                json!([text]),
            ),
            2 => (
                client
                    .sessions()
                    .update_custom_properties(
                        id.as_str(),
                        CustomProperties::new()
                            .with(1, text.as_str())
                            .with(8, other.as_str()),
                    )
                    .preview(),
                json!([id, [text, "", "", "", "", "", "", other]]),
            ),
            _ => (
                client
                    .sessions()
                    .create(
                        NewSession::new(SessionType::Support, text.as_str())
                            .code(other.as_str())
                            .custom_properties(CustomProperties::new().with(2, id.as_str())),
                    )
                    .preview(),
                json!([0, text, false, other, ["", id, "", "", "", "", "", ""]]),
            ),
        };
        match preview {
            // An id that is blank is refused before sending.
            Err(Error::Config { .. }) if id.trim().is_empty() => {}
            Err(e) => escapes.push(format!("case {n}: {e}")),
            Ok(preview) => {
                let body: Option<Json> = preview
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_str(b).ok());
                if body.as_ref() != Some(&expected) {
                    escapes.push(format!("case {n}: sent {:?}", preview.body));
                }
            }
        }
    }
    report("json-body", cases, &escapes);
}
