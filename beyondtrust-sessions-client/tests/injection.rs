//! Injection suite (issue 12): for every place this crate writes a caller's value into
//! something a server parses, adversarial values from
//! [`hostile_strings`](msp_common::sim::hostile::hostile_strings) (both quotes,
//! backslash, `)`, ` or `, `%`, `&`, `#`, `+`, CR/LF, NUL, unicode, very long) are built
//! into a request, what would go on the wire is parsed back — with the simulator's own
//! parsers ([`parse_ps_auth`], [`parse_form`]), the URL parser the simulator reads
//! queries and paths with, and the JSON parser it reads bodies with — and the value must
//! still be one literal equal to the input (or be refused before sending, with a typed
//! error). A sample of each builder is also sent to the simulator and checked in what it
//! received or stored.
//!
//! The builders: the `ManagedAccounts` query (`find` and the list filters), the `PS-Auth`
//! header (key, runas user, password), the OAuth token form (client id and secret), the
//! JSON bodies of access requests, check-ins and admin sessions, and the ids in paths.
//! (Password Safe has no query language: there is no expression builder to nest.)
//!
//! Default: 10,000 cases per builder; `MSP_SUITE_SCALE` multiplies it (≥ 100,000 at 10):
//!
//! ```text
//! cargo test -p beyondtrust-sessions-client --all-features --test injection -- --nocapture
//! MSP_SUITE_SCALE=10 cargo test -p beyondtrust-sessions-client --all-features --test injection -- --nocapture
//! ```

#![cfg(feature = "sim")]

use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::sim::{Simulator, parse_form, parse_ps_auth};
use beyondtrust_sessions_client::{
    AdminSession, Client, Listing, NewRequest, OAuthClient, PsAuth, RequestId, SessionId,
    SessionStatus, SessionType,
};
use msp_common::sim::hostile::hostile_strings;
use msp_common::sim::suite::scale;

fn cases() -> u64 {
    10_000 * scale()
}

/// Tallies one builder's cases.
#[derive(Default)]
struct Tally {
    cases: u64,
    refused: u64,
    escapes: Vec<String>,
}

impl Tally {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.cases += 1;
        if !ok {
            self.escapes.push(what());
        }
    }

    fn report(self, builder: &str) {
        for escape in self.escapes.iter().take(10) {
            println!("  escape: {escape}");
        }
        println!(
            "injection {builder}: {} cases, {} escapes ({} refused before sending)",
            self.cases,
            self.escapes.len(),
            self.refused
        );
        assert!(
            self.escapes.is_empty(),
            "{builder}: {} escapes, first: {:?}",
            self.escapes.len(),
            self.escapes.first()
        );
    }
}

fn offline_client() -> Client {
    Client::builder()
        .host("https://pam.example.com")
        .credentials(PsAuth::new("0123456789abcdef"))
        .build()
        .unwrap()
}

/// One HTTP client for every client the suite builds (building one per case would
/// spend the run loading TLS roots).
fn http() -> beyondtrust_sessions_client::reqwest::Client {
    use std::sync::OnceLock;
    static HTTP: OnceLock<beyondtrust_sessions_client::reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        beyondtrust_sessions_client::reqwest::Client::builder()
            .redirect(beyondtrust_sessions_client::reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    })
    .clone()
}

/// The query pairs of a preview URL, decoded as the simulator decodes them.
fn query_of(url: &str) -> (url::Url, Vec<(String, String)>) {
    let url = url::Url::parse(url).unwrap();
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (url, pairs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_account_queries_keep_every_value_one_literal() {
    let client = offline_client();
    let sim = Simulator::start().await;
    let live = sim.client().unwrap();
    let mut find = Tally::default();
    let mut list = Tally::default();
    for n in 0..cases() {
        let system = hostile_strings(11, n);
        let account = hostile_strings(12, n);
        let call = client.managed_accounts().find(&system, &account);
        match call.preview() {
            Err(err) => {
                // A preview reports a build error as a configuration error.
                assert!(
                    matches!(err, beyondtrust_sessions_client::Error::Config { .. }),
                    "{err}"
                );
                assert!(system.trim().is_empty() || account.trim().is_empty());
                find.refused += 1;
                find.cases += 1;
            }
            Ok(preview) => {
                let (url, pairs) = query_of(&preview.url);
                find.check(
                    url.path() == "/BeyondTrust/api/public/v3/ManagedAccounts"
                        && pairs
                            == [
                                ("systemName".to_owned(), system.clone()),
                                ("accountName".to_owned(), account.clone()),
                            ],
                    || format!("{system:?} / {account:?} -> {}", preview.url),
                );
            }
        }
        // The list filters, one at a time and together.
        let listing = client
            .managed_accounts()
            .list()
            .account_name(account.clone())
            .system_name(system.clone());
        match listing.paginator() {
            Err(_) => {
                list.refused += 1;
                list.cases += 1;
            }
            Ok(_) => {
                // The listing builds the same request as `find` but for the operation:
                // check it through the simulator for a sample (below), and the query
                // here through the raw request the list sends.
                let request = msp_common::Request::get("ManagedAccounts")
                    .query("systemName", system.clone())
                    .query("accountName", account.clone());
                let url = client.transport().url_for(&request).unwrap();
                let (_, pairs) = query_of(url.as_str());
                list.check(
                    pairs
                        == [
                            ("systemName".to_owned(), system.clone()),
                            ("accountName".to_owned(), account.clone()),
                        ],
                    || format!("{system:?} / {account:?}"),
                );
            }
        }
        // A sample goes to the simulator: what it received decodes to the input.
        if n % 200 == 0 && !system.trim().is_empty() && !account.trim().is_empty() {
            let before = sim.received().len();
            let err = live
                .managed_accounts()
                .find(&system, &account)
                .await
                .unwrap_err();
            assert!(err.is_not_found(), "{err}");
            let received = sim.received();
            let sent = received[before..]
                .iter()
                .rfind(|r| r.path.ends_with("/ManagedAccounts"))
                .unwrap();
            find.check(
                sent.query_param("systemName") == Some(system.as_str())
                    && sent.query_param("accountName") == Some(account.as_str())
                    && sent.query.len() == 2,
                || format!("simulator received {:?}", sent.query),
            );
            let only_account = live
                .managed_accounts()
                .list()
                .account_name(account.clone())
                .collect()
                .await
                .unwrap();
            assert!(only_account.is_empty());
            let sent = sim.received().pop().unwrap();
            list.check(
                sent.query == [("accountName".to_owned(), account.clone())],
                || format!("simulator received {:?}", sent.query),
            );
        }
    }
    find.report("managed_accounts().find (systemName/accountName query)");
    list.report("managed_accounts().list() filters (query)");
}

#[test]
fn the_ps_auth_header_keeps_key_runas_and_password_apart() {
    let mut tally = Tally::default();
    // The header is ASCII: the raw strings (mostly refused: non-ASCII, control
    // characters) and their printable-ASCII projections (`;`, `]`, `=`, quotes, spaces
    // and backslashes kept) both go through.
    let ascii = |s: String| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    'x'
                }
            })
            .collect()
    };
    for m in 0..cases() * 2 {
        let n = m / 2;
        let project = |s: String| if m % 2 == 1 { ascii(s) } else { s };
        let key = project(hostile_strings(21, n));
        let runas = project(hostile_strings(22, n));
        let password = project(hostile_strings(23, n));
        // Realistic keys are hex: vary one part at a time so each is exercised.
        let (key, runas, password) = match n % 3 {
            0 => (key, "doe-main\\johndoe".to_owned(), password),
            1 => ("0123456789abcdef".to_owned(), runas, password),
            _ => (
                "0123456789abcdef".to_owned(),
                runas,
                "pw".to_owned() + &password,
            ),
        };
        let auth = PsAuth::new(key.clone())
            .runas(runas.clone())
            .password(password.clone());
        let built = Client::builder()
            .host("https://pam.example.com")
            .http_client(http())
            .credentials(auth.clone())
            .build();
        if let Err(err) = built {
            assert!(
                matches!(err, beyondtrust_sessions_client::Error::Config { .. }),
                "{err}"
            );
            tally.refused += 1;
            tally.cases += 1;
            continue;
        }
        let header = auth.header_value(None);
        let parsed = parse_ps_auth(header.expose_secret());
        tally.check(
            parsed.as_ref().is_some_and(|p| {
                p.key.as_deref() == Some(key.as_str())
                    && p.runas.as_deref() == Some(runas.as_str())
                    && p.pwd.as_deref() == Some(password.as_str())
                    && p.challenge.is_none()
            }),
            || format!("{key:?} / {runas:?} / {password:?} -> {parsed:?}"),
        );
    }
    tally.report("PS-Auth header (key, runas, pwd)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oauth_form_keeps_the_client_id_and_secret_apart() {
    let mut tally = Tally::default();
    let mut sent = 0;
    for n in 0..cases() {
        let id = hostile_strings(31, n);
        let secret = hostile_strings(32, n);
        let oauth = OAuthClient::new(id.clone(), secret.clone());
        let built = Client::builder()
            .host("https://pam.example.com")
            .http_client(http())
            .credentials(oauth.clone())
            .build();
        if built.is_err() {
            assert!(id.trim().is_empty() || secret.is_empty());
            tally.refused += 1;
            tally.cases += 1;
            continue;
        }
        let body = oauth.token_request_body();
        let pairs = parse_form(body.expose_secret().as_bytes());
        let expected = [
            ("client_id".to_owned(), id.clone()),
            ("client_secret".to_owned(), secret.clone()),
            ("grant_type".to_owned(), "client_credentials".to_owned()),
        ];
        tally.check(pairs == expected, || {
            format!("{id:?} / {secret:?} -> {pairs:?}")
        });
        // A sample signs in at a simulator that knows exactly this id and secret.
        if n % 500 == 0 {
            let sim = Simulator::builder()
                .oauth_client(id.clone(), secret.clone())
                .start()
                .await;
            let client = sim.client_builder().credentials(oauth).build().unwrap();
            let signed_in = client.sign_in().await;
            tally.check(signed_in.is_ok(), || {
                format!("the simulator refused {id:?} / {secret:?}: {signed_in:?}")
            });
            sent += 1;
        }
    }
    println!(
        "injection OAuth form: {sent} sign-ins at a simulator holding the hostile id and secret"
    );
    tally.report("OAuth token form (client_id, client_secret)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_keep_every_value_one_literal() {
    let client = offline_client();
    let sim = Simulator::start().await;
    let live = sim.client().unwrap();
    let mut tally = Tally::default();
    for n in 0..cases() {
        let reason = hostile_strings(41, n);
        let ticket = hostile_strings(42, n);
        let host = hostile_strings(43, n);
        let new = NewRequest::for_account(1, 10)
            .duration_minutes(5)
            .reason(reason.clone())
            .ticket(3, ticket.clone());
        let preview = client.requests().create(new.clone()).preview().unwrap();
        let body: serde_json::Value =
            serde_json::from_str(preview.body.as_deref().unwrap()).unwrap();
        tally.check(
            body["Reason"] == reason.as_str()
                && body["TicketNumber"] == ticket.as_str()
                && body.as_object().unwrap().len() == 6,
            || format!("{reason:?} / {ticket:?} -> {body}"),
        );
        let checkin = client
            .requests()
            .checkin(RequestId::from(n), reason.clone())
            .preview()
            .unwrap();
        let body: serde_json::Value =
            serde_json::from_str(checkin.body.as_deref().unwrap()).unwrap();
        let expected = if reason.trim().is_empty() {
            serde_json::json!({})
        } else {
            serde_json::json!({ "Reason": reason })
        };
        tally.check(body == expected, || {
            format!("check-in {reason:?} -> {body}")
        });
        let admin = AdminSession::new(SessionType::Rdp, host.clone(), reason.clone(), "pw")
            .domain_name(ticket.clone());
        match client.sessions().admin(admin).preview() {
            Err(err) => {
                assert!(
                    matches!(err, beyondtrust_sessions_client::Error::Config { .. }),
                    "{err}"
                );
                tally.refused += 1;
            }
            Ok(preview) => {
                let body: serde_json::Value =
                    serde_json::from_str(preview.body.as_deref().unwrap()).unwrap();
                tally.check(
                    body["HostName"] == host.as_str()
                        && body["UserName"] == reason.as_str()
                        && body["DomainName"] == ticket.as_str(),
                    || format!("admin {host:?} -> {body}"),
                );
            }
        }
        // A sample is created at the simulator: it stores the reason as sent.
        if n % 200 == 0 {
            let id = live
                .requests()
                .create(
                    NewRequest::for_account(2, 20)
                        .duration_minutes(5)
                        .reason(reason.clone())
                        .conflict_option(beyondtrust_sessions_client::ConflictOption::Renew),
                )
                .await
                .unwrap();
            let stored = sim
                .access_requests()
                .into_iter()
                .find(|r| r.request_id == id)
                .unwrap();
            tally.check(stored.reason.as_deref() == Some(reason.as_str()), || {
                format!("the simulator stored {:?} for {reason:?}", stored.reason)
            });
        }
    }
    tally.report("JSON bodies (request, check-in, admin session)");
}

#[test]
fn ids_in_paths_are_one_segment() {
    let client = offline_client();
    let mut tally = Tally::default();
    let mut prng = msp_common::sim::Prng::new(51);
    for n in 0..cases() {
        let id = match n % 4 {
            0 => u64::MAX - n,
            1 => n,
            _ => prng.next_u64(),
        };
        for (preview, suffix) in [
            (
                client
                    .sessions()
                    .get(SessionId::from(id))
                    .preview()
                    .unwrap(),
                "",
            ),
            (
                client
                    .sessions()
                    .lock(SessionId::from(id))
                    .preview()
                    .unwrap(),
                "/lock",
            ),
            (
                client
                    .requests()
                    .checkin(RequestId::from(id), "")
                    .preview()
                    .unwrap(),
                "/Checkin",
            ),
            (
                client
                    .credentials()
                    .get(RequestId::from(id), None)
                    .preview()
                    .unwrap(),
                "",
            ),
        ] {
            let url = url::Url::parse(&preview.url).unwrap();
            tally.check(
                url.path().ends_with(&format!("/{id}{suffix}")) && url.query().is_none(),
                || format!("{id} -> {}", preview.url),
            );
        }
    }
    tally.report("ids in paths (Sessions/{id}, Requests/{id}/Checkin, Credentials/{id})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_only_collection_builder_stays_flat_and_drops_on_a_worker() {
    // Password Safe has no expression language; the one collection a builder holds is
    // the session status filter. 100,000 statuses build, render and drop on a tokio
    // worker (2 MiB stack) without trouble.
    let client = offline_client();
    let done = tokio::spawn(async move {
        let listing = client
            .sessions()
            .list()
            .statuses((0..100_000).map(SessionStatus::from_code));
        let paginator = listing.paginator().unwrap();
        drop(paginator);
        true
    });
    assert!(done.await.unwrap());
}
