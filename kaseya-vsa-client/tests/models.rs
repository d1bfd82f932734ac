//! The typed models: unknown enum values, tolerant scalars (issue 14), timestamps in
//! both forms, typed `create()` answers, JSON round trips, and the simulator's data.

use chrono::{DateTime, TimeZone, Utc};
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::{AgentId, DepartmentId, OrgId};
use kaseya_vsa_client::models::{
    Agent, AgentStatus, Alarm, AlarmStatus, AssetSummary, AuditSummary, CustomField,
    CustomFieldType, Department, DiskVolume, DriveType, EventLogEntry, EventType, MissingPatch,
    Organization, OsType, Package, PackageAgentType, PatchStatus, RecurrenceOptions, Repeat,
    SecurityProduct, SecurityProductType, SessionInfo,
};
use kaseya_vsa_client::{Client, Listing};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A wiremock VSA whose `/auth` answers `SessionExpiration` as given.
async fn vsa_expiring(expiration: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
        .respond_with(ok(json!({
            "Token": "90151280", "TenantId": 1, "UserName": "apiuser", "RoleId": "2",
            "ScopeId": 2, "AdminId": "", "SessionExpiration": expiration,
            "OffSetInMinutes": "-420", "CultureInfo": "en-US"
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::personal_access_token("apiuser", "pat"))
        .build()
        .unwrap();
    (server, client)
}

async fn vsa() -> (MockServer, Client) {
    vsa_expiring("2999-12-01T04:16:58Z").await
}

fn ok(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"}),
    )
}

async fn answer(server: &MockServer, verb: &str, at: &str, result: Value) {
    Mock::given(method(verb))
        .and(path(format!("/api/v1.0/{at}")))
        .respond_with(ok(result))
        .mount(server)
        .await;
}

fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Serialized and read back, the model is the same.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(model: &T) {
    let text = serde_json::to_string(model).unwrap();
    let again: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&again, model, "{text}");
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + chrono::Duration::milliseconds(ms.into())
}

#[test]
fn unknown_enum_values_decode_to_unknown_and_are_written_back_as_they_came() {
    let agent: Agent = decode(json!({"AgentId": 1, "Online": 42, "OSType": "Solaris"}));
    assert_eq!(agent.online, Some(AgentStatus::Unknown(42)));
    assert_eq!(agent.os_type, Some(OsType::Unknown("Solaris".into())));
    assert!(!agent.is_online());
    let alarm: Alarm = decode(json!({"AlarmId": 7, "Status": "Snoozed"}));
    assert_eq!(alarm.status, Some(AlarmStatus::Unknown("Snoozed".into())));
    assert!(alarm.is_open());
    let volume: DiskVolume = decode(json!({"Type": "Tape"}));
    assert_eq!(volume.kind, Some(DriveType::Unknown("Tape".into())));
    let event: EventLogEntry = decode(json!({"Type": "Notice", "EventId": "4624"}));
    assert_eq!(event.kind, Some(EventType::Unknown("Notice".into())));
    assert_eq!(event.event_id, Some(4624));
    let product: SecurityProduct = decode(json!({"ProductType": "EDR"}));
    assert_eq!(
        product.product_type,
        Some(SecurityProductType::Unknown("EDR".into()))
    );
    let field: CustomField = decode(json!({"FieldName": "Rack", "FieldType": "money"}));
    assert_eq!(
        field.field_type,
        Some(CustomFieldType::Unknown("money".into()))
    );
    let package: Package = decode(json!({"PackageId": 3, "AgentType": "solaris"}));
    assert_eq!(
        package.agent_type,
        Some(PackageAgentType::Unknown("solaris".into()))
    );
    let recurrence: RecurrenceOptions = decode(json!({"Repeat": "Fortnights"}));
    assert_eq!(
        recurrence.repeat,
        Some(Repeat::Unknown("Fortnights".into()))
    );

    // Unknown values are written back exactly as they came.
    let written = serde_json::to_value(&agent).unwrap();
    assert_eq!(
        (&written["Online"], &written["OSType"]),
        (&json!(42), &json!("Solaris"))
    );
    assert_eq!(
        serde_json::to_value(&recurrence).unwrap()["Repeat"],
        "Fortnights"
    );
    round_trips(&agent);
    round_trips(&alarm);
    round_trips(&event);
}

#[test]
fn known_enum_values_are_read_ignoring_case_and_written_as_the_vendor_spells_them() {
    let agent: Agent = decode(json!({"AgentId": 1, "Online": "11", "OSType": "WINDOWS"}));
    assert_eq!(agent.online, Some(AgentStatus::UserActive));
    assert_eq!(agent.os_type, Some(OsType::Windows));
    assert!(agent.is_online());
    // The guide's sample writes `Win`.
    let sample: Agent = decode(json!({"AgentId": 1, "OSType": "Win"}));
    assert_eq!(sample.os_type, Some(OsType::Windows));
    let mac: Agent = decode(json!({"AgentId": 1, "OSType": "Mac OS X"}));
    assert_eq!(mac.os_type, Some(OsType::MacOs));
    let alarm: Alarm = decode(json!({"AlarmId": 7, "Status": "closed"}));
    assert_eq!(alarm.status, Some(AlarmStatus::Closed));
    assert!(!alarm.is_open());
    let event: EventLogEntry = decode(json!({"Type": "audit success"}));
    assert_eq!(event.kind, Some(EventType::AuditSuccess));
    let volume: DiskVolume = decode(json!({"Type": "CD-ROM"}));
    assert_eq!(volume.kind, Some(DriveType::CdRom));
    assert_eq!(
        serde_json::to_value(&agent).unwrap()["OSType"],
        json!("Windows")
    );
    assert_eq!(serde_json::to_value(&alarm).unwrap()["Status"], "Closed");
    // Absent, null and "" are None, not `Unknown("")`.
    let bare: Agent = decode(json!({"AgentId": 1, "Online": null, "OSType": ""}));
    assert_eq!((bare.online, bare.os_type), (None, None));
    let odd: Agent = decode(json!({"AgentId": 1, "Online": "offline"}));
    assert_eq!(odd.online, None, "a code that is not a number is absent");
}

/// Issue 14, item 3: counters, flags and timestamps that arrive as strings, `0`/`1` or
/// `""` never fail a call.
#[tokio::test]
async fn a_record_whose_counters_flags_and_timestamps_arrive_as_text_decodes() {
    let (server, vsa) = vsa().await;
    let agent = "72135976418143160123456789";
    answer(
        &server,
        "GET",
        &format!("assetmgmt/agents/{agent}"),
        json!({
            "AgentId": agent, "AgentName": "pc.root.acme", "Online": "1", "OSType": "Linux",
            "RamMBytes": "16384", "CpuCount": "", "CpuSpeed": "2400.0", "AgentVersion": 9050000.0,
            "AgentFlags": null, "ShowToolTip": "1",
            "LastCheckInTime": "", "LastRebootTime": "2019-03-21T11:33:04.8330000",
            "FirstCheckIn": "not a date", "CurrentUser": ""
        }),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/assetmgmt/assets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": [{
                "AssetId": 10, "IsComputerAgent": 1, "IsMobileAgent": "false",
                "IsMonitoring": "1", "IsPatching": 0, "IsAuditing": "", "IsBackingUp": "yes",
                "IsSecurity": "2", "TicketCount": "3", "AlarmCount": "", "IsSNMPActive": "0",
                "LastSeenDate": "2024-05-20 03:00:00", "OSType": "linux"
            }],
            "TotalRecords": "1", "ResponseCode": 0
        })))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        &format!("assetmgmt/patch/{agent}/status"),
        json!({
            "AgentType": "0", "LastPatchScan": "2016-03-15T15:50:11.871Z", "RunCount": "3",
            "NextRunTime": "", "NewPatchAlert": "1", "Reset": "", "RebootTime": "03:00"
        }),
    )
    .await;

    let id = AgentId::new(agent).unwrap();
    let a = vsa.agents().get(&id).await.unwrap();
    assert_eq!(a.online, Some(AgentStatus::OnlineNoUser));
    assert_eq!(a.os_type, Some(OsType::Linux));
    assert_eq!(
        (a.ram_mbytes, a.cpu_count, a.cpu_speed, a.agent_version),
        (Some(16384), None, Some(2400), Some(9_050_000))
    );
    assert_eq!((a.agent_flags, a.show_tool_tip), (None, Some(1)));
    assert_eq!(a.last_check_in_time, None);
    assert_eq!(
        a.last_reboot_time,
        Some(utc(2019, 3, 21, 11, 33, 4, 833)),
        "seven fraction digits, no zone: UTC"
    );
    assert_eq!(a.first_check_in, None, "unreadable: absent, not an error");
    assert_eq!(
        a.current_user.as_deref(),
        Some(""),
        "free text is kept as sent"
    );

    let assets: Vec<AssetSummary> = vsa.assets().list().collect().await.unwrap();
    let s = &assets[0];
    assert_eq!(
        (s.is_computer_agent, s.is_mobile_agent, s.is_snmp_active),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(
        (
            s.is_monitoring,
            s.is_patching,
            s.is_auditing,
            s.is_backing_up,
            s.is_security
        ),
        (Some(true), Some(false), None, Some(true), None)
    );
    assert_eq!((s.ticket_count, s.alarm_count), (Some(3), None));
    assert_eq!(s.last_seen_date, Some(utc(2024, 5, 20, 3, 0, 0, 0)));
    assert_eq!(s.os_type, Some(OsType::Linux));

    let status: PatchStatus = vsa.patch_management().status(&id).await.unwrap();
    assert_eq!(
        (
            status.agent_type,
            status.run_count,
            status.new_patch_alert,
            status.reset
        ),
        (Some(0), Some(3), Some(1), None)
    );
    assert_eq!(
        status.last_patch_scan,
        Some(utc(2016, 3, 15, 15, 50, 11, 871))
    );
    assert_eq!(status.next_run_time, None);
    assert_eq!(
        status.reboot_time.as_deref(),
        Some("03:00"),
        "a time of day"
    );

    let patch: MissingPatch = decode(json!({
        "PatchDataId": "190", "IsSuperseded": 0, "Ignore": "1", "ReleaseDate": "2024-05-14",
        "manualUpdateFlag": "1"
    }));
    assert_eq!(
        (patch.patch_data_id, patch.is_superseded, patch.ignore),
        (Some(190), Some(false), Some(1))
    );
    assert_eq!(patch.release_date, Some(utc(2024, 5, 14, 0, 0, 0, 0)));
    assert_eq!(patch.manual_update_flag, Some(1));
    round_trips(&a);
    round_trips(&patch);
}

/// Issue 14, item 6: `SessionExpiration` in the guide's 2019 form and in the form
/// current servers send.
#[tokio::test]
async fn the_session_expiration_is_read_in_both_forms() {
    for (sent, expected) in [
        ("2999-12-01T04:16:58.628", utc(2999, 12, 1, 4, 16, 58, 628)),
        ("2999-12-01T04:16:58Z", utc(2999, 12, 1, 4, 16, 58, 0)),
    ] {
        let (_server, vsa) = vsa_expiring(sent).await;
        let session: SessionInfo = vsa.authenticate().await.unwrap();
        assert_eq!(session.session_expiration, Some(expected), "{sent}");
        assert_eq!(session.offset_in_minutes, Some(-420));
        assert_eq!(session.tenant_id.as_deref(), Some("1"));
        assert_eq!(session.role_id.map(|r| r.to_string()).as_deref(), Some("2"));
        assert_eq!(
            session.scope_id.map(|s| s.to_string()).as_deref(),
            Some("2")
        );
        assert_eq!(
            session.admin_id, None,
            "an empty id is absent, not an error"
        );
        round_trips(&vsa.session_info().await.unwrap());
    }
    // An unreadable expiration falls back to the configured token lifetime: the
    // sign-in still succeeds.
    let (_server, vsa) = vsa_expiring("tomorrow").await;
    assert_eq!(vsa.authenticate().await.unwrap().session_expiration, None);
}

#[tokio::test]
async fn create_returns_the_record_as_created() {
    let (server, vsa) = vsa().await;
    // The record as the server stored it.
    answer(
        &server,
        "POST",
        "system/orgs",
        json!({"OrgId": "72135976418143160123456789", "OrgName": "Globex", "OrgRef": "globex",
               "NoOfEmployees": "250", "AnnualRevenue": "1250000.50"}),
    )
    .await;
    let org = vsa
        .orgs()
        .create(&Organization::new("Globex", "globex"))
        .await
        .unwrap();
    assert_eq!(
        org.org_id,
        Some(OrgId::new("72135976418143160123456789").unwrap())
    );
    assert_eq!(org.no_of_employees, Some(250));
    assert_eq!(org.annual_revenue, Some(1_250_000.5));

    // Only the new id (26 digits, exactly): the record sent, with it.
    let org_id = OrgId::from(42u64);
    Mock::given(method("POST"))
        .and(path("/api/v1.0/system/orgs/42/departments"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"Result": 12345678901234567890123456, "ResponseCode": 0, "Status": "OK"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let dept: Department = vsa
        .departments()
        .in_org(&org_id)
        .create(&Department::new("Sales"))
        .await
        .unwrap();
    assert_eq!(
        dept.department_id,
        Some(DepartmentId::new("12345678901234567890123456").unwrap())
    );
    assert_eq!(dept.department_name.as_deref(), Some("Sales"));

    // No id at all (`true`): the record sent, unchanged.
    answer(&server, "POST", "system/orgs/42/machinegroups", json!(true)).await;
    let group = vsa
        .machine_groups()
        .in_org(&org_id)
        .create(&kaseya_vsa_client::models::MachineGroup::new("laptops"))
        .await
        .unwrap();
    assert_eq!(group.machine_group_id, None);
    assert_eq!(group.machine_group_name.as_deref(), Some("laptops"));

    // The record wrapped in a one-element array.
    answer(
        &server,
        "POST",
        "system/roles",
        json!([{"RoleId": 9, "RoleName": "Auditors", "RoleTypeIds": ["4"]}]),
    )
    .await;
    let role = vsa
        .roles()
        .create(&kaseya_vsa_client::models::Role::new("Auditors", vec![]))
        .await
        .unwrap();
    assert_eq!(role.role_id.map(|r| r.to_string()).as_deref(), Some("9"));
    assert_eq!(role.role_type_ids.len(), 1);

    // Each create is a named write.
    let call = vsa
        .departments()
        .in_org(&org_id)
        .create(&Department::new("Ops"));
    assert_eq!(call.operation(), "create_department");
    assert!(call.is_write());
    let list = vsa.departments().in_org(&org_id).list();
    assert!(format!("{list:?}").contains("list_org_departments"));
}

#[test]
fn the_guide_samples_round_trip_through_json() {
    let summary: AuditSummary = serde_json::from_str::<Value>(include_str!(
        "fixtures/procedures_audit_patch/audit_summary.json"
    ))
    .map(|v| decode(v["Result"].clone()))
    .unwrap();
    assert_eq!(summary.last_audit, Some(utc(2016, 3, 14, 22, 19, 31, 823)));
    assert_eq!(
        serde_json::to_value(&summary).unwrap()["LastAudit"],
        "2016-03-14T22:19:31.823Z"
    );
    round_trips(&summary);
    let alarm: Alarm = decode(json!({
        "AlarmId": 30000000000u64, "AgentId": 121747357971679u64, "AlertType": "3",
        "EventTime": "2017-08-01T15:52:15.151Z", "AlarmDate": "2026-01-01T00:30:00.000",
        "Status": "Open", "Severity": "2", "TicketId": 55
    }));
    assert_eq!(alarm.ticket_id.as_deref(), Some("55"));
    assert_eq!((alarm.alert_type, alarm.severity), (Some(3), Some(2)));
    round_trips(&alarm);
}

#[cfg(feature = "sim")]
mod simulator {
    use super::*;
    use base64::Engine as _;
    use kaseya_vsa_client::sim::{PAT, Simulator, USERNAME};

    /// Issue 14, item 6: the simulator writes `SessionExpiration` as current servers do,
    /// `yyyy-MM-ddTHH:mm:ssZ`, and the client reads it.
    #[tokio::test]
    async fn the_simulator_sends_the_session_expiration_as_current_servers_do() {
        let sim = Simulator::builder().agents(5).start().await;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PAT}"));
        let body = kaseya_vsa_client::reqwest::Client::new()
            .get(format!("{}/api/v1.0/auth", sim.url()))
            .header("Authorization", format!("Basic {basic}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let answer: Value = serde_json::from_slice(&body).unwrap();
        let expiration = answer["Result"]["SessionExpiration"].as_str().unwrap();
        let shape = expiration
            .bytes()
            .map(|b| if b.is_ascii_digit() { b'9' } else { b })
            .collect::<Vec<u8>>();
        assert_eq!(shape, b"9999-99-99T99:99:99Z", "{expiration}");
        let session = sim.client().unwrap().authenticate().await.unwrap();
        let expires = session.session_expiration.unwrap();
        let lifetime = expires - Utc::now();
        assert!(
            lifetime > chrono::Duration::minutes(55) && lifetime <= chrono::Duration::hours(1),
            "{expires}"
        );
    }

    #[tokio::test]
    async fn the_simulators_data_decodes_into_the_typed_models() {
        let sim = Simulator::builder().agents(40).start().await;
        let vsa = sim.client().unwrap();
        let agents = vsa.agents().list().collect().await.unwrap();
        assert_eq!(agents.len(), 40);
        assert!(agents.iter().all(|a| matches!(
            a.os_type,
            Some(OsType::Windows | OsType::MacOs | OsType::Linux)
        )));
        assert!(
            agents
                .iter()
                .all(|a| !matches!(a.online, None | Some(AgentStatus::Unknown(_))))
        );
        assert!(agents.iter().any(|a| a.is_online()));
        assert!(
            agents
                .iter()
                .all(|a| a.last_check_in_time.is_some() && a.last_reboot_time.is_some())
        );
        assert!(
            agents
                .iter()
                .all(|a| a.ram_mbytes.is_some_and(|m| m >= 4096))
        );
        let alarms = vsa.alarms().list(true).collect().await.unwrap();
        assert!(
            alarms
                .iter()
                .all(|a| matches!(a.status, Some(AlarmStatus::Open | AlarmStatus::Closed)))
        );
        assert!(alarms.iter().all(|a| a.alarm_date.is_some()));
        assert!(alarms.iter().any(Alarm::is_open) && !alarms.iter().all(Alarm::is_open));
        for record in sim.agents() {
            let agent: Agent = decode(record);
            round_trips(&agent);
        }
    }
}
