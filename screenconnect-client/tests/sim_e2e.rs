//! End to end against the crate's simulator (feature `sim`).
#![cfg(feature = "sim")]

use std::sync::Arc;

use msp_common::retry::{FixedJitter, ManualClock};
use screenconnect_client::filter::Field;
use screenconnect_client::installer::Platform;
use screenconnect_client::models::{EventType, PropertyNames, SessionId, SessionType};
use screenconnect_client::msp_common::sim::{Chaos, Fault as CommonFault};
use screenconnect_client::sessions::NewSession;
use screenconnect_client::sim::{Fault as SimFault, SECRET, Simulator, method_of};
use screenconnect_client::{Client, Error, ErrorExt, Fault, RetryPolicy, WriteMode};
use serde_json::json;

/// A client of `sim` whose retries wait on a manual clock, with fixed jitter.
fn on_a_manual_clock(sim: &Simulator, jitter: f64, attempts: u32) -> (Client, ManualClock) {
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(jitter)))
        .retry_policy(RetryPolicy::default().with_max_attempts(attempts))
        .build()
        .unwrap();
    (client, clock)
}

#[tokio::test]
async fn install_find_retag_command_and_see_the_event() {
    let sim = Simulator::start().await;
    let names = PropertyNames::company_site_tag();
    let client = sim
        .client_builder()
        .property_names(names.clone())
        .build()
        .unwrap();

    let url = client
        .installer(Platform::Msi)
        .name("ACME-PC01")
        .property_named(&names, "Company", "Acme & Sons")
        .unwrap()
        .property_named(&names, "Site", "HQ #2")
        .unwrap()
        .property_named(&names, "Tag", "Onboarding")
        .unwrap()
        .build()
        .unwrap();
    assert!(
        url.as_str()
            .contains("t=ACME-PC01&c=Acme%20%26%20Sons&c=HQ%20%232&c=Onboarding&c=&c=&c=&c=&c=")
    );
    let installed = sim.install(url.as_str()).await.unwrap();
    // The download went to the instance's Bin/ path.
    let received = sim.received();
    let download = received.last().unwrap();
    assert_eq!(download.path, "/Bin/ScreenConnect.ClientSetup.msi");
    assert_eq!(download.query_param("t"), Some("ACME-PC01"));
    assert_eq!(method_of(download), None);

    let found = client.sessions().by_name("ACME-PC01").await.unwrap();
    assert_eq!(found.len(), 1);
    let session = &found[0];
    assert_eq!(session.session_id, installed.session_id);
    assert_eq!(session.session_type, SessionType::Access);
    assert!(session.is_online());
    assert_eq!(
        session.custom_property_named(client.property_names(), "Company"),
        Some("Acme & Sons")
    );
    assert_eq!(session.custom_property_named(&names, "Site"), Some("HQ #2"));
    assert_eq!(session.machine_name(), Some("ACME-PC01"));

    // Re-tag.
    let mut props = session.custom_property_values.clone();
    props.set_named(&names, "Tag", "Patched").unwrap();
    client
        .sessions()
        .update_custom_properties(&session.session_id, props)
        .await
        .unwrap();
    let tagged = client
        .sessions()
        .by_filter(
            Field::custom_property(3)
                .eq("Patched")
                .and(Field::GUEST_MACHINE_NAME.eq("ACME-PC01")),
        )
        .await
        .unwrap();
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        tagged[0].custom_property(1),
        Some("Acme & Sons"),
        "other slots kept"
    );

    // Command, then see it among the session's events.
    let command = "#!ps\nGet-Service Spooler | Restart-Service";
    client
        .sessions()
        .send_command(&session.session_id, command)
        .await
        .unwrap();
    let details = client
        .sessions()
        .details(&session.session_id)
        .await
        .unwrap();
    let queued: Vec<_> = details
        .all_events()
        .filter(|e| e.event_type == EventType::QueuedCommand)
        .collect();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].data.as_deref(), Some(command));
    assert!(queued[0].time.is_some());
    assert_eq!(
        sim.events(&session.session_id)
            .last()
            .unwrap()
            .data
            .as_deref(),
        Some(command)
    );

    // Read-only: the write is refused and nothing reaches the instance.
    let before = sim.received().len();
    let read_only = client.with_write_mode(WriteMode::ReadOnly);
    let err = read_only
        .sessions()
        .send_command(&session.session_id, "shutdown /s")
        .await
        .unwrap_err();
    assert!(err.is_read_only_refusal());
    assert_eq!(sim.received().len(), before);
    assert_eq!(sim.events(&session.session_id).len(), details.events.len());

    // A method missing on the instance.
    sim.set_missing_methods(["GetSessionsByFilter"]);
    let err = client.sessions().by_filter("Name = 'x'").await.unwrap_err();
    assert_eq!(err.missing_method(), Some("GetSessionsByFilter"));
    let err = client
        .call_raw("GetAllSessions", json!([]))
        .write(false)
        .await
        .unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::MethodNotAvailable {
            method: "GetAllSessions".into()
        })
    );
}

#[tokio::test]
async fn every_method_works_against_the_sim() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    let s = client.sessions();
    assert_eq!(
        s.by_name("").await.unwrap().len(),
        1,
        "the blank-named unattended session"
    );
    let acme = s
        .by_filter(Field::custom_property(1).eq("acme"))
        .await
        .unwrap();
    assert_eq!(acme.len(), 2);
    let online = s
        .by_filter("SessionType = 'Access' AND GuestConnectedCount > 0")
        .await
        .unwrap();
    let names: Vec<&str> = online.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ACME-DC01", "GLOBEX-WS12"]);
    let id = acme[1].session_id.clone();
    assert_eq!(s.get(&id).await.unwrap().unwrap().name, "ACME-LT07");
    assert_eq!(
        s.get("00000000-0000-0000-0000-000000000000").await.unwrap(),
        None
    );

    let created = s
        .create(
            NewSession::new(SessionType::Support, "Printer help 2")
                .public(true)
                .code("4711"),
        )
        .await
        .unwrap();
    assert_eq!(created.session_type, SessionType::Support);
    assert!(created.is_public);
    s.update_name(&created.session_id, "Printer fixed")
        .await
        .unwrap();
    s.send_message(&created.session_id, "Hello").await.unwrap();
    s.add_note(&created.session_id, "Fixed the tray")
        .await
        .unwrap();
    s.send_toolbox_item(&created.session_id, "Cleanup.ps1")
        .await
        .unwrap();
    let details = s.details(&created.session_id).await.unwrap();
    assert_eq!(details.session.name, "Printer fixed");
    let kinds: Vec<EventType> = details
        .events
        .iter()
        .map(|e| e.event_type.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            EventType::CreatedSession,
            EventType::ModifiedSession,
            EventType::QueuedMessage,
            EventType::AddedNote,
            EventType::QueuedTool
        ]
    );
    let received = sim.received();
    let last = received.last().unwrap();
    assert_eq!(method_of(last), Some("GetSessionDetailsBySessionID"));
    assert_eq!(last.json(), Some(json!([created.session_id.as_str()])));
    assert_eq!(last.header("ctrlauthheader"), Some(SECRET));
    let methods: Vec<&str> = received.iter().filter_map(method_of).collect();
    assert_eq!(
        methods[methods.len() - 6..],
        [
            "CreateSession",
            "UpdateSessionName",
            "SendMessageToSession",
            "AddNoteToSession",
            "SendToolboxItemToSession",
            "GetSessionDetailsBySessionID"
        ]
    );
}

#[tokio::test]
async fn the_sim_is_as_strict_as_the_vendor() {
    let sim = Simulator::start().await;
    let bogus = SessionId::new("11111111-1111-1111-1111-111111111111");

    // A `Basic` prefix, a wrong secret: 401, typed.
    let basic = sim
        .client_builder()
        .secret(format!("Basic {SECRET}"))
        .build()
        .unwrap();
    let err = basic.sessions().by_name("x").await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::SecretRefused { basic_prefix: true })
    );
    let wrong = sim.client_builder().secret("nope-nope").build().unwrap();
    assert!(wrong.sessions().by_name("x").await.unwrap_err().is_auth());

    // A wrong Origin: 403; the configured allowed origin works.
    let other = sim
        .client_builder()
        .origin("https://evil.example")
        .build()
        .unwrap();
    let err = other.sessions().by_name("x").await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::OriginRefused {
            origin: "https://evil.example".into()
        })
    );
    sim.set_allowed_origin("https://tools.example");
    let tools = sim
        .client_builder()
        .origin("https://tools.example")
        .build()
        .unwrap();
    tools.sessions().by_name("x").await.unwrap();
    assert!(
        sim.client()
            .unwrap()
            .sessions()
            .by_name("x")
            .await
            .unwrap_err()
            .is_auth()
    );
    sim.set_allowed_origin(sim.url());
    let client = sim.client().unwrap();

    // Unknown ids and wrong shapes fault the same way.
    for err in [
        client
            .sessions()
            .send_command(&bogus, "dir")
            .await
            .unwrap_err(),
        client.sessions().details(&bogus).await.unwrap_err(),
        client
            .call_raw(
                "SendCommandToSession",
                json!({"sessionID": "x", "command": "dir"}),
            )
            .await
            .unwrap_err(),
        client
            .call_raw("UpdateSessionName", json!(["only-one-arg"]))
            .await
            .unwrap_err(),
        client
            .call_raw(
                "UpdateSessionCustomProperties",
                json!([
                    bogus.as_str(),
                    ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                ]),
            )
            .await
            .unwrap_err(),
        client.sessions().by_filter("Name = ").await.unwrap_err(),
        client
            .sessions()
            .by_filter("NoSuchField = 'x'")
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(err.fault(), Some(Fault::ServerFault { .. })),
            "{err}"
        );
    }
    // Reads take a named object; an unknown name is typed.
    let named = client
        .call_raw("GetSessionsByName", json!({"sessionName": "ACME-DC01"}))
        .write(false)
        .await
        .unwrap();
    assert_eq!(named.as_array().unwrap().len(), 1);
    let err = client
        .call_raw("GetSessionsByName", json!({"name": "ACME-DC01"}))
        .write(false)
        .await
        .unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::UnknownParameter {
            method: "GetSessionsByName".into(),
            parameter: "name".into()
        })
    );
    // Installer URLs of another instance, or malformed ones, are refused.
    assert!(
        sim.install("https://other.example/Bin/ScreenConnect.ClientSetup.msi?e=Access&y=Guest&t=x")
            .await
            .is_err()
    );
    assert!(
        sim.install(&format!(
            "{}/Bin/ScreenConnect.ClientSetup.msi?e=Support&y=Host&t=x",
            sim.url()
        ))
        .await
        .is_err()
    );
    assert!(sim.install("not a url").await.is_err());
}

#[tokio::test]
async fn injected_faults() {
    let sim = Simulator::start().await;
    let (client, clock) = on_a_manual_clock(&sim, 0.0, 3);
    let id = sim.sessions()[0].session_id.clone();

    // A 429 with Retry-After on a read: waited out (on the manual clock) and retried.
    sim.inject(SimFault::too_many_requests(7), 1).await;
    assert_eq!(
        client.sessions().by_name("ACME-DC01").await.unwrap().len(),
        1
    );
    assert_eq!(clock.sleeps(), [std::time::Duration::from_secs(7)]);

    // The same on a write: a 429 means the server refused it before acting, so it is
    // replayed once after the wait, and applied once.
    let events = sim.events(&id).len();
    let before = sim.received().len();
    sim.inject(SimFault::too_many_requests(7), 1).await;
    client.sessions().send_command(&id, "dir").await.unwrap();
    assert_eq!(sim.received().len() - before, 2);
    assert_eq!(clock.sleeps().len(), 2);
    assert_eq!(
        clock.sleeps().last(),
        Some(&std::time::Duration::from_secs(7))
    );
    assert_eq!(sim.events(&id).len(), events + 1);

    // A 503 on a write may have reached the server: returned, not replayed.
    let events = sim.events(&id).len();
    sim.inject(SimFault::status(503), 1).await;
    let err = client
        .sessions()
        .send_command(&id, "dir")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert_eq!(sim.events(&id).len(), events);

    // A proxy's HTML page, a body that is not JSON, a dropped connection, a delay.
    sim.inject(CommonFault::Html { status: 502 }, 3).await;
    let err = client.sessions().by_name("x").await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.api().unwrap().message(), Some("502 Error"));
    sim.inject(SimFault::NotJson, 1).await;
    assert!(
        client
            .sessions()
            .by_name("x")
            .await
            .unwrap_err()
            .decode_error()
            .is_some()
    );
    let events = sim.events(&id).len();
    let before = sim.received().len();
    sim.inject(CommonFault::Reset, 1).await;
    let err = client.sessions().add_note(&id, "n").await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(
        sim.received().len() - before,
        1,
        "the reset request is recorded"
    );
    assert_eq!(sim.events(&id).len(), events);
    sim.inject(CommonFault::Delay(std::time::Duration::from_millis(20)), 1)
        .await;
    let started = std::time::Instant::now();
    assert_eq!(
        client.sessions().by_name("ACME-DC01").await.unwrap().len(),
        1
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(20));
    sim.inject(SimFault::MethodMissing, 1).await;
    assert!(
        client
            .sessions()
            .by_name("x")
            .await
            .unwrap_err()
            .is_method_not_available()
    );
    // And then it is healthy again.
    client.sessions().by_name("x").await.unwrap();
}

#[tokio::test]
async fn dry_run_against_the_sim_changes_nothing() {
    let sim = Simulator::start().await;
    let client: Client = sim
        .client_builder()
        .write_mode(WriteMode::DryRun)
        .build()
        .unwrap();
    let id = sim.sessions()[0].session_id.clone();
    let before = sim.events(&id).len();
    let err = client
        .sessions()
        .add_note(&id, "would note")
        .await
        .unwrap_err();
    let preview = err.dry_run_preview().unwrap();
    assert!(preview.url.ends_with("/Service.ashx/AddNoteToSession"));
    assert_eq!(sim.events(&id).len(), before);
    assert!(sim.received().is_empty(), "nothing was sent");
    // Reads are sent.
    assert_eq!(
        client.sessions().by_name("ACME-DC01").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn chaos_failures_are_retried_on_reads_and_writes_are_not_replayed() {
    let sim = Simulator::builder().access_sessions(20).start().await;
    let (client, clock) = on_a_manual_clock(&sim, 0.5, 6);
    sim.set_chaos(Chaos::new(std::time::Duration::ZERO, 0.3).seed(3));
    for i in 1..=20 {
        let found = client
            .sessions()
            .by_name(format!("HOST-{i:04}"))
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
    }
    assert!(clock.sleeps().contains(&std::time::Duration::from_secs(1)));
    sim.set_chaos(Chaos::new(std::time::Duration::ZERO, 1.0));
    let id = client.sessions().by_name("HOST-0001").await.unwrap_err();
    assert_eq!(
        id.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
    let session = sim
        .sessions()
        .into_iter()
        .find(|s| s.name == "HOST-0002")
        .unwrap();
    let events = sim.events(&session.session_id).len();
    let before = sim.received().len();
    let err = client
        .sessions()
        .send_command(&session.session_id, "hostname")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(sim.received().len() - before, 1, "sent once, not replayed");
    assert_eq!(
        sim.events(&session.session_id).len(),
        events,
        "the failed call never reached the method"
    );
}

#[tokio::test]
async fn the_builder_seeds_deterministic_sessions_on_a_loopback_address() {
    let names = |sim: &Simulator| -> Vec<(String, Vec<String>, bool)> {
        sim.sessions()
            .into_iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.custom_property_values.as_slice().to_vec(),
                    s.is_online(),
                )
            })
            .collect()
    };
    let a = Simulator::builder()
        .sample_sessions(false)
        .access_sessions(30)
        .seed(11)
        .start_on("127.0.0.2".parse().unwrap())
        .await
        .unwrap();
    assert!(a.url().starts_with("http://127.0.0.2:"), "{}", a.url());
    let b = Simulator::builder()
        .sample_sessions(false)
        .access_sessions(30)
        .seed(11)
        .start()
        .await;
    let c = Simulator::builder()
        .sample_sessions(false)
        .access_sessions(30)
        .seed(12)
        .start()
        .await;
    assert_eq!(names(&a), names(&b), "one seed, one data set");
    assert_ne!(names(&a), names(&c), "another seed, other data");
    assert_eq!(names(&a).len(), 30);
    assert_eq!(names(&a)[29].0, "HOST-0030");
    let online = names(&a).iter().filter(|(_, _, on)| *on).count();
    assert!((3..=20).contains(&online), "about a third online: {online}");

    // The generated sessions are found through the filter grammar like any other.
    let client = a.client().unwrap();
    let generated = client
        .sessions()
        .by_filter(Field::custom_property(3).eq("Generated"))
        .await
        .unwrap();
    assert_eq!(generated.len(), 30);

    // Simulators listen on loopback only.
    let err = Simulator::builder()
        .start_on("0.0.0.0".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);

    // The default: the sample sessions only.
    let sim = Simulator::start().await;
    assert_eq!(sim.sessions().len(), 5);
}

#[tokio::test]
async fn dropping_the_simulator_stops_its_server() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    client.sessions().by_name("ACME-DC01").await.unwrap();
    drop(sim);
    let err = client
        .sessions()
        .by_name("ACME-DC01")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

/// Issue 14: every URL the simulator hands out or checks is built from the address it
/// actually listens on, and its credentials look like real ones, each with a getter.
#[tokio::test]
async fn urls_come_from_the_listening_address_and_credentials_look_real() {
    let sim = Simulator::builder()
        .start_on("127.0.0.3".parse().unwrap())
        .await
        .unwrap();
    let url = sim.url();
    let port: u16 = url
        .strip_prefix("http://127.0.0.3:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{url}"));
    assert!(std::net::TcpStream::connect(("127.0.0.3", port)).is_ok());
    // The Origin it accepts is its own.
    assert_eq!(sim.origin(), url);

    // The secret is shaped like an administrator's RESTfulAuthenticationSecret (a GUID),
    // and every credential the instance checks has a getter: a client built from the
    // getters alone works.
    use screenconnect_client::msp_common::secret::ExposeSecret;
    let secret = sim.secret();
    let secret = secret.expose_secret();
    assert_eq!(secret, SECRET);
    let groups: Vec<usize> = secret.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{secret}");
    assert!(secret.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    assert_eq!(
        sim.extension_guid(),
        screenconnect_client::client::DEFAULT_EXTENSION_GUID
    );
    let client = Client::builder()
        .base_url(sim.url())
        .secret(sim.secret())
        .origin(sim.origin())
        .extension_guid(sim.extension_guid())
        .allow_http(true)
        .build()
        .unwrap();
    assert_eq!(
        client.sessions().by_name("ACME-DC01").await.unwrap().len(),
        1
    );

    // Installer URLs of a client of the simulator point at that address, and install.
    let installer = client
        .installer(screenconnect_client::installer::Platform::Deb)
        .name("NEW-PC")
        .build()
        .unwrap();
    assert!(
        installer
            .as_str()
            .starts_with(&format!("{url}/Bin/ScreenConnect.ClientSetup.deb?")),
        "{installer}"
    );
    sim.install(installer.as_str()).await.unwrap();
    assert_eq!(client.sessions().by_name("NEW-PC").await.unwrap().len(), 1);
    // An installer URL of another address is refused, not fetched.
    let elsewhere = installer.as_str().replace("127.0.0.3", "127.0.0.1");
    assert!(sim.install(&elsewhere).await.is_err());
}
