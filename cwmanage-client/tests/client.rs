//! Client construction, the headers on the wire, error parsing and the retry rule.

mod support;

use cwmanage_client::Raw;
use cwmanage_client::models::{Company, SystemInfo, Ticket, TicketId};
use cwmanage_client::{Client, Credentials, ErrorExt, Region};
use msp_common::{Error, Request};
use support::{AUTH, BASE, CLIENT_ID, client, fixture, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn every_request_carries_basic_auth_client_id_and_versioned_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/1042")))
        .and(header("authorization", AUTH))
        .and(header("clientid", CLIENT_ID))
        .respond_with(json(&fixture("ticket.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let ticket: Ticket = client.tickets().get(1042).await.unwrap();
    assert_eq!(ticket.id, Some(TicketId(1042)));
    assert_eq!(
        ticket.board.as_ref().unwrap().name.as_deref(),
        Some("Help Desk")
    );
    assert_eq!(
        ticket.custom_fields[0].value,
        Some(serde_json::json!("West"))
    );
    assert!(
        ticket.extra.contains_key("severity"),
        "unknown fields are kept"
    );

    let req = &server.received_requests().await.unwrap()[0];
    let h = |n: &str| req.headers.get(n).unwrap().to_str().unwrap().to_owned();
    assert_eq!(h("authorization"), "Basic bXljbytwdWI6cHJpdg==");
    assert_eq!(h("clientid"), CLIENT_ID);
    assert_eq!(
        h("accept"),
        "application/vnd.connectwise.com+json; version=2025.1"
    );
    assert!(h("user-agent").starts_with("cwmanage-client/"));
}

#[tokio::test]
async fn without_a_version_accept_is_plain_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/system/info")))
        .respond_with(json(&fixture("system_info.json")))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .client_id(CLIENT_ID)
        .build()
        .unwrap();
    let info: SystemInfo = client.system_info().await.unwrap();
    assert_eq!(info.is_cloud, Some(true));
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(req.headers.get("accept").unwrap(), "application/json");
}

#[test]
fn build_refuses_a_missing_client_id_and_says_why() {
    let err = Client::builder()
        .region(Region::NorthAmerica)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    let text = err.to_string();
    assert!(text.contains("clientId"), "{text}");
    assert!(text.contains("since 2019"), "{text}");
    let err = Client::builder()
        .region(Region::NorthAmerica)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .client_id("  ")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("clientId"));
    let err = Client::builder()
        .client_id(CLIENT_ID)
        .region(Region::Europe)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("credentials"));
    let err = Client::builder()
        .client_id(CLIENT_ID)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("base URL is required"), "{err}");
    assert!(err.to_string().contains(".region("), "{err}");
    // Plain http to a real host is refused.
    let err = Client::builder()
        .base_url("http://cw.example.com")
        .client_id(CLIENT_ID)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("plain-http"));
}

fn build(builder: cwmanage_client::ClientBuilder) -> cwmanage_client::Result<Client> {
    builder
        .credentials(Credentials::new("myco", "pub", "priv"))
        .client_id(CLIENT_ID)
        .build()
}

#[test]
fn regions_and_codebases_make_the_base_url() {
    let c = build(
        Client::builder()
            .region(Region::Europe)
            .codebase("v2025_1/"),
    )
    .unwrap();
    assert_eq!(
        c.base_url(),
        "https://api-eu.myconnectwise.net/v2025_1/apis/3.0/"
    );
    let c = build(Client::builder().region(Region::NorthAmerica)).unwrap();
    assert_eq!(
        c.base_url(),
        "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/"
    );
    // The last of region and base_url wins: they set the same thing.
    let c = build(
        Client::builder()
            .region(Region::Australia)
            .base_url("https://cw.example.com"),
    )
    .unwrap();
    assert_eq!(
        c.base_url(),
        "https://cw.example.com/v4_6_release/apis/3.0/"
    );
}

#[test]
fn base_url_takes_the_full_api_base_or_the_site_root() {
    let cases = [
        // The full API base, with or without the trailing slash.
        (
            "https://cw.example.com/v4_6_release/apis/3.0",
            None,
            "https://cw.example.com/v4_6_release/apis/3.0/",
        ),
        (
            "https://cw.example.com/v2025_1/apis/3.0/",
            None,
            "https://cw.example.com/v2025_1/apis/3.0/",
        ),
        // …with a port, and a matching codebase(..).
        (
            "https://cw.example.com:8443/v2025_1/apis/3.0",
            Some("v2025_1"),
            "https://cw.example.com:8443/v2025_1/apis/3.0/",
        ),
        // The site root, with or without a slash; the codebase from codebase(..) or the
        // default.
        (
            "https://cw.example.com",
            None,
            "https://cw.example.com/v4_6_release/apis/3.0/",
        ),
        (
            "https://cw.example.com/",
            Some("/v2025_1/"),
            "https://cw.example.com/v2025_1/apis/3.0/",
        ),
        // A bare host: https assumed.
        (
            "cw.example.com",
            None,
            "https://cw.example.com/v4_6_release/apis/3.0/",
        ),
        (
            "cw.example.com/v2024_2/apis/3.0",
            None,
            "https://cw.example.com/v2024_2/apis/3.0/",
        ),
        // `apis` in any case (IIS does not mind).
        (
            "https://cw.example.com/v2025_1/APIs/3.0",
            None,
            "https://cw.example.com/v2025_1/apis/3.0/",
        ),
        // The scheme and host in any case; the default port dropped.
        (
            "HTTPS://CW.Example.com:443",
            None,
            "https://cw.example.com/v4_6_release/apis/3.0/",
        ),
    ];
    for (url, codebase, expected) in cases {
        let mut builder = Client::builder().base_url(url);
        if let Some(codebase) = codebase {
            builder = builder.codebase(codebase);
        }
        let client = build(builder).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(client.base_url(), expected, "{url}");
    }
    // Plain http with allow_http (a loopback server), either form.
    for url in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/v4_6_release/apis/3.0",
    ] {
        let client = build(Client::builder().base_url(url).allow_http(true)).unwrap();
        assert_eq!(
            client.base_url(),
            "http://127.0.0.1:8080/v4_6_release/apis/3.0/"
        );
    }
}

#[test]
fn any_other_base_url_is_a_config_error_naming_the_accepted_forms() {
    let refused = [
        "https://cw.example.com/v4_6_release",
        "https://cw.example.com/v4_6_release/apis",
        "https://cw.example.com/v4_6_release/apis/3.0/service/tickets",
        "https://cw.example.com/apis/3.0",
        "https://cw.example.com/v4_6_release/apis/2.0",
        "https://cw.example.com/cw/v4_6_release/apis/3.0",
        "https://cw.example.com/login",
        "https://cw.example.com/?codebase=v2025_1",
        "https://cw.example.com/#x",
        "https://user:secret@cw.example.com",
        "https://cw.example.com/v%20x/apis/3.0",
    ];
    for url in refused {
        let err = build(Client::builder().base_url(url)).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err}");
        let text = err.to_string();
        assert!(
            text.contains("https://cw.example.com/v4_6_release/apis/3.0")
                && text.contains("site root"),
            "{url}: the error names the accepted forms: {text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
    for url in ["", "ftp://cw.example.com", "https://"] {
        let err = build(Client::builder().base_url(url)).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url:?}: {err}");
    }
    // A full API base and codebase(..) that disagree.
    let err = build(
        Client::builder()
            .base_url("https://cw.example.com/v2025_1/apis/3.0")
            .codebase("v4_6_release"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("v2025_1"), "{err}");
    assert!(err.to_string().contains("v4_6_release"), "{err}");
    // A codebase that is not one path segment.
    for codebase in ["", "a/b", "v1?x"] {
        let err = build(
            Client::builder()
                .base_url("https://cw.example.com")
                .codebase(codebase),
        )
        .unwrap_err();
        assert!(err.to_string().contains("codebase"), "{codebase:?}: {err}");
    }
}

#[tokio::test]
async fn a_full_api_base_is_used_as_given_and_ignores_discovery() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2025_1/apis/3.0/system/info"))
        .respond_with(json(&fixture("system_info.json")))
        .expect(1)
        .mount(&server)
        .await;
    let client = build(
        Client::builder()
            .base_url(format!("{}/v2025_1/apis/3.0", server.uri()))
            .allow_http(true)
            .discover_codebase(),
    )
    .unwrap();
    let info: SystemInfo = client.system_info().await.unwrap();
    assert_eq!(info.is_cloud, Some(true));
    // No company-info request: the codebase was given.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_private_key_never_shows() {
    const MARKER: &str = "PRIVATE-KEY-MARKER-93f1";
    let server = MockServer::start().await;
    // A server that echoes the key back in its error page.
    // It also echoes the bare base64 token of the Authorization header.
    let token = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("myco+pub:{MARKER}"))
    };
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            format!(r#"{{"code":"Unauthorized","message":"bad key {MARKER}, token {token}"}}"#),
            "application/json",
        ))
        .mount(&server)
        .await;
    let creds = Credentials::new("myco", "pub", MARKER);
    assert!(!format!("{creds:?}").contains(MARKER));
    let builder = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(creds)
        .client_id(CLIENT_ID);
    assert!(!format!("{builder:?}").contains(MARKER));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(MARKER));
    let err = client.tickets().get(1).await.unwrap_err();
    assert!(err.is_auth());
    assert!(!err.to_string().contains(MARKER), "{err}");
    assert!(!format!("{err:?}").contains(MARKER));
    assert!(!err.api().unwrap().body().contains(MARKER));
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(&token), "the bare token leaked: {text}");
    }
}

#[tokio::test]
async fn vendor_error_bodies_are_parsed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/company/companies")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(fixture("invalid_company.json"), "application/json")
                .insert_header("x-cw-request-id", "req-77"),
        )
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let mut company = Company::new("Acme", "Acme Dental");
    company.year_established = Some(1800);
    let err = client.companies().create(&company).await.unwrap_err();
    assert_eq!(err.status(), Some(msp_common::StatusCode::BAD_REQUEST));
    assert_eq!(err.request_id(), Some("req-77"));
    let api = err.api().unwrap();
    assert_eq!(api.code(), Some("InvalidObject"));
    let body = err.manage_error().unwrap();
    assert_eq!(body.errors[0].field.as_deref(), Some("yearEstablished"));
    assert_eq!(body.errors[0].code.as_deref(), Some("OutOfRange"));
    let text = err.to_string();
    assert!(text.contains("company object is invalid"), "{text}");
    assert!(
        text.contains("yearEstablished: The field yearEstablished must be between 1900 and 9999."),
        "{text}"
    );
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"identifier": "Acme", "name": "Acme Dental", "yearEstablished": 1800})
    );
}

#[tokio::test]
async fn statuses_are_distinguishable_and_odd_bodies_tolerated() {
    let server = MockServer::start().await;
    let cases: &[(u16, &str, &str)] = &[
        (
            401,
            r#"{"code":"Unauthorized","message":"nope"}"#,
            "application/json",
        ),
        (
            403,
            r#"{"code":"Forbidden","message":"You do not have the security role"}"#,
            "application/json",
        ),
        (
            404,
            r#"{"code":"NotFound","message":"Ticket recId: 9 not found"}"#,
            "application/json",
        ),
        (
            409,
            r#"{"code":"Conflict","message":"in use"}"#,
            "application/json",
        ),
        (
            500,
            "<html><head><title>Runtime Error</title></head></html>",
            "text/html",
        ),
        (415, "", "text/plain"),
    ];
    for (i, (status, body, ct)) in cases.iter().enumerate() {
        Mock::given(method("DELETE"))
            .and(path(format!("{BASE}/service/tickets/{i}")))
            .respond_with(ResponseTemplate::new(*status).set_body_raw(*body, ct))
            .mount(&server)
            .await;
    }
    let (client, _) = client(&server.uri());
    let errs: Vec<Error> = {
        let mut v = Vec::new();
        for i in 0..cases.len() as u64 {
            v.push(client.tickets().delete(i).await.unwrap_err());
        }
        v
    };
    assert!(errs[0].is_auth() && errs[0].status().unwrap() == 401);
    assert!(errs[1].is_auth() && errs[1].status().unwrap() == 403);
    assert!(errs[2].is_not_found());
    assert!(errs[3].is_conflict());
    assert_eq!(errs[4].api().unwrap().message(), Some("Runtime Error"));
    assert_eq!(errs[5].status().unwrap(), 415);
    // Each write was sent once.
    assert_eq!(server.received_requests().await.unwrap().len(), cases.len());
}

#[tokio::test]
async fn a_non_json_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let err = client.tickets().get(1).await.unwrap_err();
    let decode = err.decode_error().expect("a decode error");
    assert!(decode.message().contains("markup"), "{}", decode.message());
    // A wrong field type names the field.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(r#"{"id": 1, "board": {"id": "one"}}"#))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let err = client.tickets().get(1).await.unwrap_err();
    assert_eq!(err.decode_error().unwrap().path(), "board.id");
}

#[tokio::test]
async fn writes_are_never_retried_but_reads_are() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/5")))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/5")))
        .respond_with(json(r#"{"id":5}"#))
        .mount(&server)
        .await;
    for verb in ["POST", "PUT", "PATCH", "DELETE"] {
        Mock::given(method(verb))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
            .mount(&server)
            .await;
    }
    let (client, clock) = client(&server.uri());
    let t = client.tickets().get(5).await.unwrap();
    assert_eq!(t.id, Some(TicketId(5)));
    assert_eq!(clock.sleeps(), vec![std::time::Duration::from_secs(3)]);

    let tickets = client.tickets();
    assert!(
        tickets
            .create(&Ticket::new("x", 1))
            .await
            .unwrap_err()
            .is_retryable()
    );
    assert!(tickets.update(5, &Ticket::new("x", 1)).await.is_err());
    assert!(
        tickets
            .patch(5, &[cwmanage_client::patch::PatchOp::remove("contact")])
            .await
            .is_err()
    );
    assert!(tickets.delete(5).await.is_err());
    let received = server.received_requests().await.unwrap();
    for verb in ["POST", "PUT", "PATCH", "DELETE"] {
        let n = received
            .iter()
            .filter(|r| r.method.as_str() == verb)
            .count();
        assert_eq!(n, 1, "{verb} must be sent exactly once");
    }
    assert_eq!(clock.sleeps().len(), 1, "no waits for writes");
}

#[tokio::test]
async fn escape_hatch_sends_any_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/company/companies/19/sites")))
        .respond_with(json(r#"[{"id":30,"name":"Main"}]"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/procurement/products")))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r#"{"id":9}"#, "application/json"))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let sites: Vec<serde_json::Value> = client
        .get("company/companies/19/sites", &[("fields", "id,name")])
        .await
        .unwrap();
    assert_eq!(sites[0]["name"], "Main");
    let created: serde_json::Value = client
        .post(
            "procurement/products",
            &serde_json::json!({"catalogItem": {"id": 1}}),
        )
        .await
        .unwrap();
    assert_eq!(created["id"], 9);
    let raw = client
        .send(Request::get("company/companies/19/sites"))
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.query(), Some("fields=id%2Cname"));
}

#[tokio::test]
async fn codebase_is_discovered_and_rediscovered_once_after_a_move() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/login/companyinfo/myco"))
        .respond_with(json(
            r#"{"Codebase":"v2024_1/","CompanyID":"myco","IsCloud":true}"#,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/login/companyinfo/myco"))
        .respond_with(json(&fixture("company_info.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2024_1/apis/3.0/system/info"))
        .respond_with(json(&fixture("system_info.json")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2024_1/apis/3.0/system/info"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("<html>gone</html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025_1/apis/3.0/system/info"))
        .respond_with(json(&fixture("system_info.json")))
        .mount(&server)
        .await;
    let clock = msp_common::retry::ManualClock::new();
    let client = support::builder(&server.uri(), &clock)
        .discover_codebase()
        .build()
        .unwrap();
    client.system_info().await.unwrap();
    assert!(client.base_url().ends_with("/v2024_1/apis/3.0/"));
    // The instance moved: a 404 from the working base triggers one re-discovery.
    client.system_info().await.unwrap();
    assert!(
        client.base_url().ends_with("/v2025_1/apis/3.0/"),
        "{}",
        client.base_url()
    );
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/login/companyinfo/myco",
            "/v2024_1/apis/3.0/system/info",
            "/v2024_1/apis/3.0/system/info",
            "/login/companyinfo/myco",
            "/v2025_1/apis/3.0/system/info"
        ]
    );
}

#[tokio::test]
async fn a_404_that_is_not_a_manage_answer_says_what_may_be_wrong() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/9")))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"code":"NotFound","message":"Ticket recId: 9 not found"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            "<html><head><title>404 - File or directory not found.</title></head></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    // Manage's own "not found" is left as it is.
    let err = client.tickets().get(9).await.unwrap_err();
    assert_eq!(
        err.api().unwrap().message(),
        Some("Ticket recId: 9 not found")
    );
    assert_eq!(
        err.manage_error().unwrap().code.as_deref(),
        Some("NotFound")
    );
    // A page from the web server in front of it names the likely cause.
    let err = client
        .get::<serde_json::Value>("no/such/thing", &[])
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    let text = err.to_string();
    assert!(text.contains("File or directory not found"), "{text}");
    assert!(text.contains("codebase"), "{text}");
    assert!(text.contains("v4_6_release"), "{text}");
}

#[tokio::test]
async fn calls_are_values_with_previews_and_overrides() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/5")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (client, clock) = client(&server.uri());
    let get = client.tickets().get(5);
    assert_eq!(get.operation(), "get_ticket");
    assert!(!get.is_write());
    let preview = get.preview().unwrap();
    assert_eq!(preview.method, "GET");
    assert_eq!(
        preview.url,
        format!("{}{BASE}/service/tickets/5", server.uri())
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // One attempt only, by the call's own policy.
    let err = get
        .retry(msp_common::RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(clock.sleeps().is_empty());
    // A condition that cannot be sent fails the call before anything is sent.
    let count = client
        .tickets()
        .count(cwmanage_client::conditions::Condition::field("name").eq(r#"a"b'c"#));
    assert!(count.preview().is_err());
    assert!(count.await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_discovered_codebase_must_be_one_path_segment() {
    for codebase in [
        "../evil/",
        "v1?x=1",
        "a/b/",
        "@evil.example/",
        "v1#f",
        "v 1",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/login/companyinfo/myco"))
            .respond_with(json(
                &serde_json::json!({ "Codebase": codebase, "CompanyID": "myco" }).to_string(),
            ))
            .mount(&server)
            .await;
        let client = support::builder(&server.uri(), &Default::default())
            .discover_codebase()
            .build()
            .unwrap();
        let err = client.tickets().get(1).await.unwrap_err();
        assert!(matches!(err, Error::Protocol { .. }), "{codebase}: {err}");
        // Only the company-info request was sent.
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{codebase}"
        );
    }
}

#[tokio::test]
async fn a_company_id_that_would_change_the_path_is_refused_before_sending() {
    for company in ["..", ".%2E", "a\tb", "line\nbreak"] {
        let client = Client::builder()
            .base_url("https://cw.example.com")
            .credentials(Credentials::new(company, "pub", "priv"))
            .client_id(CLIENT_ID)
            .build()
            .unwrap();
        let err = client.company_info().preview().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{company:?}: {err}");
    }
    for (company, encoded) in [
        ("javascript:x", "javascript:x"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
    ] {
        let client = Client::builder()
            .base_url("https://cw.example.com")
            .credentials(Credentials::new(company, "pub", "priv"))
            .client_id(CLIENT_ID)
            .build()
            .unwrap();
        assert_eq!(
            client.company_info().preview().unwrap().url,
            format!("https://cw.example.com/login/companyinfo/{encoded}")
        );
    }
}
