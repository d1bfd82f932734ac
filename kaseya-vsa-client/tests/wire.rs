//! What goes over the wire, against wiremock on loopback.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kaseya_vsa_client::auth::{AuthPayload, Credentials, PasswordEncoding};
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId};
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::{Client, Error};
use kaseya_vsa_client::{Listing, Raw};
use msp_common::StatusCode;
use msp_common::retry::{FixedJitter, ManualClock};
use rand::{RngExt as _, SeedableRng};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VECTOR_HEADER_PLAIN: &str = "user=apiuser,pass2=6ccb616424d417cab7fa788ff2d2fbddb77980145a08146ccb1a0f48406d8e64,pass1=35485b0835676f7a3d630e04f5d123e7b8f07eda,rpass2=88d3ff09991bae39cb844746c78ab09d4c62050857d336751e37c4b1d84a1d44,rpass1=9fc2acd46b30469730c0391a8e14c109d3426638,rand2=12345678";

fn auth_ok(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Result": {"TenantId": "1", "Token": token, "UserName": "apiuser", "RoleId": 2, "ScopeId": "2",
                   "AdminId": 55957651, "SessionExpiration": "2999-03-21T11:33:04.833", "OffSetInMinutes": 420,
                   "ApiToken": "api-secret"},
        "ResponseCode": 0, "Status": "OK", "Error": "None"
    }))
}

async fn server_with_auth() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
        .respond_with(auth_ok("90151280"))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "S3cret!"))
        .random_source(|| "12345678".to_owned())
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn auth_sends_the_hashed_payload_then_bearer_tokens() {
    let server = MockServer::start().await;
    let expected = format!("Basic {}", STANDARD.encode(VECTOR_HEADER_PLAIN));
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
        .and(header("authorization", expected.as_str()))
        .respond_with(auth_ok("90151280"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/assetmgmt/agents/121747357971679"))
        .and(header("authorization", "Bearer 90151280"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"Result":{"AgentId":121747357971679,"AgentName":"pc.root.acme","OrgId":72135976418143160123456789},"ResponseCode":0,"Status":"OK","Error":"None"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let agent = vsa
        .agents()
        .get(&AgentId::new("121747357971679").unwrap())
        .await
        .unwrap();
    assert_eq!(agent.org_id.unwrap().as_str(), "72135976418143160123456789");
    let ua = &server.received_requests().await.unwrap()[0].headers["user-agent"];
    assert!(ua.to_str().unwrap().starts_with("kaseya-vsa-client/"));
}

#[tokio::test]
async fn a_personal_access_token_is_basic_user_colon_token() {
    let server = MockServer::start().await;
    let expected = format!("Basic {}", STANDARD.encode("apiuser:pat-123"));
    Mock::given(path("/api/v1.0/auth"))
        .and(header("authorization", expected.as_str()))
        .respond_with(auth_ok("t"))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = Client::builder()
        .base_url(format!("{}/", server.uri()))
        .allow_http(true)
        .credentials(Credentials::personal_access_token("apiuser", "pat-123"))
        .build()
        .unwrap();
    let info = vsa.authenticate().await.unwrap();
    assert_eq!(info.tenant_id.as_deref(), Some("1"));
}

#[tokio::test]
async fn list_queries_are_encoded_and_paged_with_skip_and_top() {
    let server = server_with_auth().await;
    let filter = agents::AGENT_NAME.eq("O'Brien & Sons + Co #1");
    for skip in [0, 100] {
        let ids: Vec<serde_json::Value> = (skip..(skip + 100).min(150))
            .map(|i| json!({"AgentId": 1000 + i}))
            .collect();
        Mock::given(path("/api/v1.0/assetmgmt/agents"))
            .and(query_param(
                "$filter",
                "AgentName eq 'O''Brien & Sons + Co #1'",
            ))
            .and(query_param("$orderby", "AgentName desc"))
            .and(query_param("$top", "100"))
            .and(query_param("$skip", skip.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"Result": ids, "TotalRecords": 150, "ResponseCode": 0})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let vsa = client(&server);
    let all = vsa
        .agents()
        .list()
        .filter(filter)
        .order_by(agents::AGENT_NAME.desc())
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 150);
    let raw = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.url.query().map(str::to_owned))
        .find(|q| q.contains("filter"))
        .unwrap();
    assert!(
        raw.starts_with(
            "$filter=AgentName%20eq%20%27O%27%27Brien%20%26%20Sons%20%2B%20Co%20%231%27"
        ),
        "{raw}"
    );

    let err = vsa
        .agents()
        .list()
        .page_size(500)
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
}

#[tokio::test]
async fn an_error_inside_http_200_is_a_typed_api_error() {
    let server = server_with_auth().await;
    Mock::given(path("/api/v1.0/system/orgs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": null, "ResponseCode": 403, "Status": "Forbidden", "Error": "User lacks access to the scope"
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .get::<serde_json::Value>("system/orgs", &[])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    assert!(err.is_auth());
    assert_eq!(err.api().unwrap().code(), Some("403"));
    assert!(
        err.to_string().contains("User lacks access to the scope"),
        "{err}"
    );
}

#[tokio::test]
async fn no_content_and_bare_maps_decode() {
    let server = server_with_auth().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1.0/automation/agentprocs/1/1001/runnow"))
        .and(header("authorization", "Bearer 90151280"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/kcb/servers"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"srv-1": {"Status": "OK"}, "srv-2": {"Status": "Failed"}})),
        )
        .mount(&server)
        .await;
    let vsa = client(&server);
    vsa.agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(1001u64))
        .await
        .unwrap();
    let map = vsa.cloud_backup_servers().await.unwrap();
    assert_eq!(map.len(), 2);
    // The escape hatch decodes a 204 as `()`.
    vsa.put::<(), _>("automation/agentprocs/1/1001/runnow", &json!({}))
        .await
        .unwrap();
}

#[tokio::test]
async fn writes_are_never_replayed() {
    let server = server_with_auth().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let vsa = client(&server);
    let err = vsa
        .agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(2u64))
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    let puts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "PUT")
        .count();
    assert_eq!(puts, 1);
}

#[tokio::test]
async fn redirects_keep_authorization_on_the_same_origin_and_stop_elsewhere() {
    let server = server_with_auth().await;
    Mock::given(path("/api/v1.0/system/orgs"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("Location", "/api/v1.0/system/orgs/"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/orgs/"))
        .and(header("authorization", "Bearer 90151280"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Result": [{"OrgId": 5}], "ResponseCode": 0})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/users"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "https://elsewhere.example/steal"),
        )
        .mount(&server)
        .await;
    let vsa = client(&server);
    let orgs: Vec<serde_json::Value> = vsa.get("system/orgs", &[]).await.unwrap();
    assert_eq!(orgs.len(), 1);
    let err = vsa
        .get::<serde_json::Value>("system/users", &[])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another origin"), "{err}");
}

#[tokio::test]
async fn html_pages_and_broken_bodies_are_typed_errors_and_secrets_stay_hidden() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1.0/auth"))
        .respond_with(auth_ok("TOKEN-MARKER-1"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/orgs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><title>Login</title>Bearer TOKEN-MARKER-1</html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/users"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw("password was PW-MARKER-2", "text/plain"),
        )
        .mount(&server)
        .await;
    let vsa = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "PW-MARKER-2"))
        .build()
        .unwrap();
    let e1 = vsa
        .get::<serde_json::Value>("system/orgs", &[])
        .await
        .unwrap_err();
    assert!(e1.decode_error().is_some(), "{e1:?}");
    let e2 = vsa
        .get::<serde_json::Value>("system/users", &[])
        .await
        .unwrap_err();
    assert_eq!(e2.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    for text in [
        e1.to_string(),
        format!("{e1:?}"),
        e2.to_string(),
        format!("{e2:?}"),
        format!("{vsa:?}"),
    ] {
        assert!(!text.contains("MARKER"), "leaked: {text}");
    }
}

/// Property: the payload agrees with an independent recomputation for any user name,
/// password and random value (seeded generator, 500 cases).
#[test]
fn payload_agrees_with_an_independent_recomputation() {
    use sha1::Digest as _;
    fn hex256(data: &[u8]) -> String {
        sha2::Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
    fn hex1(data: &[u8]) -> String {
        sha1::Sha1::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let alphabet: Vec<char> = "abcXYZ019 !@#$%^&*()_+-=,.;'\"\\/é€😀".chars().collect();
    for _ in 0..500 {
        let word = |rng: &mut rand::rngs::StdRng, max: usize| -> String {
            let n = rng.random_range(0..max);
            (0..n)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect()
        };
        let user = word(&mut rng, 12);
        let password = word(&mut rng, 24);
        let rand_value = rng.random_range(10_000_000u32..99_999_999).to_string();
        let p = AuthPayload::compute(&user, &password, &rand_value, PasswordEncoding::Utf8);
        let mut pw_user = password.clone().into_bytes();
        pw_user.extend_from_slice(user.as_bytes());
        assert_eq!(p.rpass2, hex256(password.as_bytes()));
        assert_eq!(p.rpass1, hex1(password.as_bytes()));
        assert_eq!(
            p.pass2,
            hex256(format!("{}{rand_value}", hex256(&pw_user)).as_bytes())
        );
        assert_eq!(
            p.pass1,
            hex1(format!("{}{rand_value}", hex1(&pw_user)).as_bytes())
        );
        let header = Credentials::Password {
            username: user.clone(),
            password: password.clone().into(),
            encoding: PasswordEncoding::Utf8,
        }
        .auth_header(&rand_value);
        use msp_common::secret::ExposeSecret as _;
        let decoded = String::from_utf8(
            STANDARD
                .decode(header.expose_secret().strip_prefix("Basic ").unwrap())
                .unwrap(),
        )
        .unwrap();
        let parsed = AuthPayload::parse_plain(&decoded);
        if !user.contains(',') && !user.contains('=') {
            assert_eq!(parsed.unwrap(), p);
        }
    }
}

#[tokio::test]
async fn a_downloaded_json_file_is_bytes_even_if_it_looks_like_an_error_envelope() {
    use kaseya_vsa_client::files::RepoPath;
    let server = server_with_auth().await;
    let file = br#"{"ResponseCode":500,"Error":"this is just a file's content"}"#;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/assetmgmt/getfiles/1/file/logs/report.json"))
        .and(header("authorization", "Bearer 90151280"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(file.to_vec(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let bytes = client(&server)
        .get_files()
        .download(
            &AgentId::from(1u64),
            &RepoPath::new("logs/report.json").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(bytes, file.to_vec());
}

#[tokio::test]
async fn an_unreadable_auth_answer_does_not_put_the_new_tokens_in_the_error() {
    // The answer carries a fresh session token and API token, and a field this client
    // cannot read (a counter that is not a number would be read as absent: the user name
    // as a list is not): the decode error must not show them.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"TenantId": "1", "Token": "tok-SECRET-5e1f", "ApiToken": "apitok-SECRET-77c2",
                       "UserName": ["four hundred"], "OffSetInMinutes": "four hundred"},
            "ResponseCode": 0, "Status": "OK", "Error": "None"
        })))
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err:?}");
    assert!(err.to_string().contains("four hundred"), "{err}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("SECRET"), "a token leaked into: {text}");
    }
}

#[tokio::test]
async fn a_small_limit_asks_for_no_more_records_than_it_keeps() {
    let server = server_with_auth().await;
    Mock::given(path("/api/v1.0/assetmgmt/agents"))
        .and(query_param("$top", "5"))
        .and(query_param("$skip", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": (1..=5).map(|i| json!({"AgentId": i})).collect::<Vec<_>>(),
            "TotalRecords": 400, "ResponseCode": 0
        })))
        .expect(1)
        .mount(&server)
        .await;
    let agents = client(&server)
        .agents()
        .list()
        .limit(5)
        .collect()
        .await
        .unwrap();
    assert_eq!(agents.len(), 5);
}

#[tokio::test]
async fn a_retryable_code_inside_http_200_is_retried_on_reads_only() {
    let server = server_with_auth().await;
    let busy = || {
        ResponseTemplate::new(200).set_body_json(json!({
            "Result": null, "ResponseCode": 503, "Status": "Busy", "Error": "Server busy, retry"
        }))
    };
    Mock::given(method("GET"))
        .and(path("/api/v1.0/system/orgs"))
        .respond_with(busy())
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/system/orgs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"Result": [{"OrgId": 1}], "TotalRecords": 1, "ResponseCode": 0}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(busy())
        .mount(&server)
        .await;
    let vsa = client(&server);
    let orgs: Vec<serde_json::Value> = vsa.get("system/orgs", &[]).await.unwrap();
    assert_eq!(orgs.len(), 1);
    let gets = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/api/v1.0/system/orgs")
        .count();
    assert_eq!(gets, 3, "two busy answers, then the records");

    let err = vsa
        .agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(2u64))
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    let puts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "PUT")
        .count();
    assert_eq!(puts, 1, "a write is never replayed");
}

#[tokio::test]
async fn an_envelope_error_with_odd_field_types_is_still_an_error() {
    let server = server_with_auth().await;
    Mock::given(path("/api/v1.0/system/orgs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": [], "ResponseCode": "404", "Status": 404,
            "Error": {"Message": "Organization scope not found"}
        })))
        .mount(&server)
        .await;
    let err = client(&server).orgs().list().collect().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        err.to_string().contains("Organization scope not found"),
        "{err}"
    );
}
