//! Simulator fidelity (issue 14): what the vendor documents and the vendor's own client
//! libraries rely on — `AccessType` is optional on `POST Requests` (default View),
//! `GET ManagedAccounts` takes `systemName`, `accountName` and `type` as independent
//! filters, credentials have the shapes real ones have (and a getter each), every URL
//! the simulator answers is its own, and non-addressing scalars decode in every type a
//! .NET server sends them in.

#![cfg(feature = "sim")]

use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::sim::{
    DEFAULT_API_KEY, DEFAULT_OAUTH_CLIENT_ID, DEFAULT_OAUTH_CLIENT_SECRET, Simulator,
};
use beyondtrust_sessions_client::{
    AccessRequest, AccessType, CredentialType, Listing, ManagedAccount, ManagedAccountType,
    NewRequest, OAuthClient, Raw, Session, SessionProtocol, SessionStatus, SessionType,
};
use msp_common::Request;
use serde_json::{Value, json};

#[tokio::test]
async fn a_request_without_access_type_is_for_view_access() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    // Through the client: NewRequest::for_account sends no AccessType at all.
    let new = NewRequest::for_account(1, 10)
        .duration_minutes(5)
        .reason("get_secret");
    let preview = client.requests().create(new.clone()).preview().unwrap();
    let body: Value = serde_json::from_str(preview.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"SystemID": 1, "AccountID": 10, "DurationMinutes": 5, "Reason": "get_secret"})
    );
    let id = client.requests().create(new).await.unwrap();
    let sent = sim.received().pop().unwrap();
    assert!(
        !sent.body_text().contains("AccessType"),
        "{}",
        sent.body_text()
    );
    // The simulator made it a View request: the password can be retrieved.
    let request = sim
        .access_requests()
        .into_iter()
        .find(|r| r.request_id == id)
        .unwrap();
    assert_eq!(request.access_type, Some(AccessType::View));
    let password = client
        .credentials()
        .get(id, CredentialType::Password)
        .await
        .unwrap();
    assert_eq!(password.expose_secret(), sim.account_password(10).unwrap());
    client.requests().checkin(id, "").await.unwrap();

    // Exactly the body the vendor's library sends (SystemID, AccountID, DurationMinutes).
    let raw: u64 = client
        .post(
            "Requests",
            &json!({"SystemID": 3, "AccountID": 30, "DurationMinutes": 10}),
        )
        .await
        .unwrap();
    let raw = sim
        .access_requests()
        .into_iter()
        .find(|r| r.request_id.get() == raw)
        .unwrap();
    assert_eq!(raw.access_type, Some(AccessType::View));
    // An access type that is given must still be one the server knows.
    let err = client
        .post::<Value, _>(
            "Requests",
            &json!({"AccessType": "Telnet", "SystemID": 1, "AccountID": 10, "DurationMinutes": 5}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 400);
    // And App access still needs its application.
    let err = client
        .requests()
        .create(
            NewRequest::for_account(1, 10)
                .access_type(AccessType::App)
                .duration_minutes(5),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ApplicationID"), "{err}");
}

fn names(accounts: &[ManagedAccount]) -> Vec<String> {
    accounts
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                a.system_name.as_deref().unwrap_or_default(),
                a.account_name.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test]
async fn managed_account_filters_are_independent() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    let raw = |query: &'static [(&'static str, &'static str)]| {
        client.get::<Value>("ManagedAccounts", query)
    };
    // Only systemName: every requestable account of that system, as a list.
    let by_system = raw(&[("systemName", "web01.example.local")]).await.unwrap();
    assert_eq!(by_system.as_array().unwrap().len(), 2, "{by_system}");
    // Only accountName: every account with that name, on any system, as a list.
    let by_account = raw(&[("accountName", "sa")]).await.unwrap();
    assert_eq!(by_account.as_array().unwrap().len(), 1, "{by_account}");
    assert_eq!(by_account[0]["SystemName"], "db01.example.local");
    // Both: the one account, as an object.
    let both = raw(&[
        ("systemName", "web01.example.local"),
        ("accountName", "svc-web"),
    ])
    .await
    .unwrap();
    assert_eq!(both["AccountId"], 10, "{both}");
    let err = raw(&[
        ("systemName", "web01.example.local"),
        ("accountName", "nobody"),
    ])
    .await
    .unwrap_err();
    assert!(err.is_not_found());
    // type beside them, or alone.
    let databases = raw(&[("type", "database")]).await.unwrap();
    assert_eq!(databases.as_array().unwrap().len(), 1, "{databases}");
    let none = raw(&[("type", "database"), ("systemName", "web01.example.local")])
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let err = raw(&[("type", "mainframe")]).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 400);

    // The same through the client's listing.
    let listing =
        |system: Option<&str>, account: Option<&str>, kind: Option<ManagedAccountType>| {
            let mut list = client.managed_accounts().list();
            if let Some(system) = system {
                list = list.system_name(system);
            }
            if let Some(account) = account {
                list = list.account_name(account);
            }
            if let Some(kind) = kind {
                list = list.account_type(kind);
            }
            list.collect()
        };
    assert_eq!(
        names(&listing(None, None, None).await.unwrap()),
        [
            "web01.example.local/svc-web",
            "web01.example.local/Administrator",
            "db01.example.local/sa",
            "linux01.example.local/root"
        ]
    );
    assert_eq!(
        names(
            &listing(Some("linux01.example.local"), None, None)
                .await
                .unwrap()
        ),
        ["linux01.example.local/root"]
    );
    assert_eq!(
        names(&listing(None, Some("administrator"), None).await.unwrap()),
        ["web01.example.local/Administrator"]
    );
    assert_eq!(
        names(
            &listing(Some("web01.example.local"), Some("svc-web"), None)
                .await
                .unwrap()
        ),
        ["web01.example.local/svc-web"],
        "the single-object answer is read as a list of one"
    );
    assert_eq!(
        names(
            &listing(None, None, Some(ManagedAccountType::Database))
                .await
                .unwrap()
        ),
        ["db01.example.local/sa"]
    );
    // `recent`: the accounts the user has requested.
    assert!(
        listing(None, None, Some(ManagedAccountType::Recent))
            .await
            .unwrap()
            .is_empty()
    );
    client
        .requests()
        .create(NewRequest::for_account(3, 30).duration_minutes(5))
        .await
        .unwrap();
    assert_eq!(
        names(
            &listing(None, None, Some(ManagedAccountType::Recent))
                .await
                .unwrap()
        ),
        ["linux01.example.local/root"]
    );
    // What went on the wire: only the filters asked for.
    let queries: Vec<Option<String>> = sim
        .received()
        .into_iter()
        .filter(|r| r.path.ends_with("/ManagedAccounts"))
        .map(|r| r.raw_query)
        .collect();
    assert!(queries.contains(&Some("accountName=administrator".to_owned())));
    assert!(queries.contains(&Some("type=database".to_owned())));
    assert!(queries.contains(&None));
    // An empty filter or an unknown type is refused before sending.
    assert!(listing(Some(" "), None, None).await.is_err());
    assert!(
        listing(None, None, Some(ManagedAccountType::from_wire("mainframe")))
            .await
            .unwrap_err()
            .to_string()
            .contains("mainframe")
    );
}

#[tokio::test]
async fn credentials_have_real_shapes_and_a_getter_each() {
    let sim = Simulator::builder()
        .require_password("Sim-Runas-Pw-01")
        .two_factor("246810")
        .start()
        .await;
    // The API key: 128 hexadecimal digits.
    assert_eq!(sim.api_key(), DEFAULT_API_KEY);
    assert!(sim.api_key().len() >= 128);
    assert!(sim.api_key().chars().all(|c| c.is_ascii_hexdigit()));
    // The OAuth client id: a GUID (36 characters, within the 36-40 real ids have).
    let id = sim.oauth_client_id();
    assert_eq!(id, DEFAULT_OAUTH_CLIENT_ID);
    assert!((36..=40).contains(&id.len()));
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12]);
    assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    // The OAuth secret: 36+ characters.
    assert_eq!(sim.oauth_client_secret(), DEFAULT_OAUTH_CLIENT_SECRET);
    assert!(sim.oauth_client_secret().len() >= 36);
    // Every credential the simulator accepts has a getter.
    assert_eq!(sim.runas(), r"doe-main\johndoe");
    assert_eq!(sim.password(), Some("Sim-Runas-Pw-01"));
    assert_eq!(sim.two_factor_code(), Some("246810"));
    // And they work: OAuth with the printed id and secret.
    let oauth = sim
        .client_builder()
        .credentials(OAuthClient::new(
            sim.oauth_client_id(),
            sim.oauth_client_secret(),
        ))
        .build()
        .unwrap();
    assert_eq!(oauth.sign_in().await.unwrap().user_id.get(), 12);
    // PS-Auth with key, runas and password, then the two-factor code.
    let client = sim.client().unwrap();
    assert!(client.sign_in().await.is_err());
    let me = client
        .sign_in_challenge(&format!(" {} ", sim.two_factor_code().unwrap()))
        .await
        .unwrap();
    assert_eq!(me.user_id.get(), 7);
}

/// Every `http(s)://` URL in a text.
fn urls_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for scheme in ["http://", "https://"] {
        let mut rest = text;
        while let Some(at) = rest.find(scheme) {
            let url: String = rest[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '<' | '>'))
                .collect();
            rest = &rest[at + scheme.len()..];
            out.push(url);
        }
    }
    out
}

#[tokio::test]
async fn every_url_the_simulator_answers_is_its_own() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    let id = client
        .requests()
        .create(NewRequest::new(AccessType::Rdp, 1, 10).duration_minutes(5))
        .await
        .unwrap();
    let ssh = client
        .requests()
        .create(NewRequest::new(AccessType::Ssh, 3, 30).duration_minutes(5))
        .await
        .unwrap();
    let mut answers = Vec::new();
    for request in [
        Request::get("ManagedAccounts"),
        Request::get("Requests"),
        Request::get("Sessions"),
        Request::get("Sessions/501"),
        Request::get("Nowhere"),
    ] {
        match client.send(request).await {
            Ok(response) => answers.push((
                format!("{:?}", response.headers()),
                response.text().into_owned(),
            )),
            Err(err) => answers.push((String::new(), format!("{err:?}"))),
        }
    }
    for (request_id, kind) in [(id, SessionType::RdpFile), (ssh, SessionType::Ssh)] {
        let created = client
            .send(
                Request::post("Requests")
                    .segments([request_id.to_string().as_str(), "Sessions"])
                    .json(&json!({"SessionType": kind.as_str()}))
                    .unwrap(),
            )
            .await
            .unwrap();
        answers.push((
            format!("{:?}", created.headers()),
            created.text().into_owned(),
        ));
    }
    let own = sim.url();
    let mut seen = 0;
    for (headers, body) in &answers {
        assert!(
            !headers.to_ascii_lowercase().contains("location"),
            "{headers}"
        );
        for url in urls_in(headers).into_iter().chain(urls_in(body)) {
            seen += 1;
            assert!(
                url.starts_with(&own),
                "{url} is not the simulator's own ({own})"
            );
        }
    }
    // The connection links of session tickets are not HTTP URLs (rdp://, ssh://).
    assert_eq!(seen, 0, "the simulator answers no HTTP URL today");
}

#[test]
fn non_addressing_scalars_decode_in_any_type_a_dotnet_server_sends() {
    // Counters and codes as strings, flags as 0/1 or strings, empty strings for absent.
    let session: Session = serde_json::from_value(json!({
        "SessionID": 501, "UserID": "7", "NodeID": "node-1", "Status": "1",
        "ArchiveStatus": "0", "Protocol": "1", "Duration": "2530",
        "StartTime": "2025-01-06T09:00:00", "EndTime": "", "AssetName": 12345,
        "ManagedSystemID": "", "ManagedAccountID": null, "RecordKey": "", "Token": 42,
    }))
    .unwrap();
    assert_eq!(session.status, SessionStatus::InProgress);
    assert_eq!(session.archive_status, Some(0));
    assert_eq!(session.protocol, Some(SessionProtocol::Ssh));
    assert_eq!(session.duration, Some(2530));
    assert_eq!(session.end_time, None);
    assert_eq!(session.asset_name.as_deref(), Some("12345"));
    assert_eq!(session.token.as_deref(), Some("42"));
    let odd: Session = serde_json::from_value(json!({
        "SessionID": "502", "Status": 2, "ArchiveStatus": "", "Protocol": "", "Duration": "n/a",
    }))
    .unwrap();
    assert_eq!(
        (odd.archive_status, odd.protocol, odd.duration),
        (None, None, None)
    );

    let account: ManagedAccount = serde_json::from_value(json!({
        "PlatformID": "1", "SystemId": 1, "SystemName": "web01", "AccountId": "10",
        "AccountName": "svc-web", "DefaultReleaseDuration": "120",
        "MaximumReleaseDuration": 525600.0, "IsChanging": 0, "IsISAAccess": "1",
        "InstanceName": "", "LastChangeDate": "",
    }))
    .unwrap();
    assert_eq!(account.platform_id, Some(1));
    assert_eq!(account.default_release_duration, Some(120));
    assert_eq!(account.maximum_release_duration, Some(525_600));
    assert_eq!(account.is_changing, Some(false));
    assert_eq!(account.is_isa_access, Some(true));
    assert_eq!(account.instance_name.as_deref(), Some(""));
    assert_eq!(account.last_change_date, None);
    let flags: ManagedAccount = serde_json::from_value(json!({
        "SystemId": 1, "AccountId": 10, "IsChanging": "", "IsISAAccess": "maybe",
        "DefaultReleaseDuration": -5, "PlatformID": "",
    }))
    .unwrap();
    assert_eq!(
        (
            flags.is_changing,
            flags.is_isa_access,
            flags.default_release_duration,
            flags.platform_id
        ),
        (None, None, None, None)
    );

    let request: AccessRequest = serde_json::from_value(json!({
        "RequestID": "100", "SystemID": 1, "AccountID": 10, "ApplicationID": "",
        "Status": "Active", "AccessType": "View", "Reason": " ", "DurationMinutes": "60",
    }))
    .unwrap();
    assert_eq!(request.application_id, None);
    assert_eq!(
        request.reason.as_deref(),
        Some(" "),
        "free text is kept as sent"
    );
}

#[tokio::test]
async fn tolerant_records_decode_through_a_whole_call() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/BeyondTrust/api/public/v3/Auth/SignAppin"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"UserId":"7"}"#, "application/json")
                .append_header("Set-Cookie", "ASP.NET_SessionId=abc"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/BeyondTrust/api/public/v3/Sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"[{"SessionID":"1","Status":"1","Duration":"60","ArchiveStatus":"","Protocol":"0"},
                {"SessionID":2,"Status":2,"Duration":"","ArchiveStatus":1,"Protocol":1}]"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = beyondtrust_sessions_client::Client::builder()
        .base_url(format!("{}/BeyondTrust/api/public/v3", server.uri()))
        .allow_http(true)
        .credentials(beyondtrust_sessions_client::PsAuth::new("0123456789abcdef"))
        .build()
        .unwrap();
    let sessions = client.sessions().list().collect().await.unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].duration, Some(60));
    assert_eq!(sessions[1].duration, None);
}
