//! The agents, packages, custom fields, assets, notes, alarms, files, info center and
//! logs chapters: what goes over the wire, against wiremock on loopback.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use kaseya_vsa_client::Client;
use kaseya_vsa_client::Listing;
use kaseya_vsa_client::agents::{CheckInControl, UserProfile};
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::files::RepoPath;
use kaseya_vsa_client::ids::{
    AgentId, AlarmId, AssetId, MachineGroupId, MessageId, NetworkId, NoteId, PackageId,
    PartitionId, ViewId,
};
use kaseya_vsa_client::logs::{EventLogKind, EventType, LiveConnectAuditEntry};
use kaseya_vsa_client::odata::fields;
use kaseya_vsa_client::packages::{NewPackage, PackageLinkRequest};
use msp_common::retry::{FixedJitter, ManualClock};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

const TOKEN: &str = "90151280";
const AGENT: &str = "72135976418143160123456789";
const API: &str = "/api/v1.0";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/auth")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"TenantId": "1", "Token": TOKEN, "UserName": "apiuser",
                       "SessionExpiration": "2999-03-21T11:33:04.833"},
            "ResponseCode": 0, "Status": "OK", "Error": "None"
        })))
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

fn agent() -> AgentId {
    AgentId::new(AGENT).unwrap()
}

/// A call with the bearer token on `API` + `p` (`p` as it appears on the wire).
fn call(m: &str, p: &str) -> MockBuilder {
    Mock::given(method(m))
        .and(path(format!("{API}{p}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

/// A first list page: `$top=100`, `$skip=0`.
fn page(p: &str) -> MockBuilder {
    call("GET", p)
        .and(query_param("$top", "100"))
        .and(query_param("$skip", "0"))
}

fn ok(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"}),
    )
}

fn rows(result: Value) -> ResponseTemplate {
    let n = result.as_array().map_or(0, Vec::len);
    ResponseTemplate::new(200).set_body_json(json!({
        "TotalRecords": n, "Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"
    }))
}

/// The guide's answer of the notes and info center calls: `ResponseCode` 200, no `Result`.
fn ok_200() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"ResponseCode": 200, "Status": "OK", "Error": "None"}))
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

async fn mount(server: &MockServer, mock: MockBuilder, response: ResponseTemplate) {
    mock.respond_with(response).expect(1).mount(server).await;
}

// ---------------------------------------------------------------- agents

#[tokio::test]
async fn agent_get_reads_every_field_of_the_guide() {
    let server = server().await;
    let sample = json!({
        "AgentId": 121747357971679u64, "AgentName": "pc.root.acme", "Online": 11, "OSType": "Win",
        "OSInfo": "10", "OrgId": 1, "MachineGroupId": 2, "MachineGroup": "root.acme",
        "ComputerName": "pc", "IPv6Address": "::1", "IPAddress": "10.0.0.1",
        "OperatingSystem": "Windows 10", "OSVersion": "10.0", "LastLoggedInUser": "bob",
        "LastRebootTime": "2016-02-02T17:55:17.030Z", "LastCheckInTime": "2016-02-02T17:55:17.030Z",
        "Country": "US", "CurrentUser": "bob", "Contact": "Bob", "TimeZone": "UTC",
        "RamMBytes": 8192, "CpuCount": 4, "CpuSpeed": 2400, "CpuType": "x64",
        "DomainWorkgroup": "ACME", "AgentFlags": 3, "AgentVersion": 9050000,
        "ToolTipNotes": "tip", "ShowToolTip": 1, "DefaultGateway": "10.0.0.254",
        "DNSServer1": "1.1.1.1", "DNSServer2": "8.8.8.8", "DHCPServer": "10.0.0.2",
        "PrimaryWINS": "w1", "SecondaryWINS": "w2", "ConnectionGatewayIP": "203.0.113.9",
        "FirstCheckIn": "2016-07-13T18:47:34.029Z", "PrimaryKServer": "k1",
        "SecondaryKServer": "k2", "Attributes": {}
    });
    mount(
        &server,
        call("GET", "/assetmgmt/agents/121747357971679"),
        ok(sample),
    )
    .await;
    let a = client(&server)
        .agents()
        .get(&AgentId::new("121747357971679").unwrap())
        .await
        .unwrap();
    assert_eq!(a.ipv6_address.as_deref(), Some("::1"));
    assert_eq!(a.dns_server2.as_deref(), Some("8.8.8.8"));
    assert_eq!(a.connection_gateway_ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(a.secondary_kserver.as_deref(), Some("k2"));
    assert_eq!(a.cpu_speed, Some(2400));
    assert!(a.is_online());
}

#[tokio::test]
async fn agent_settings() {
    let server = server().await;
    mount(
        &server,
        call("GET", &format!("/assetmgmt/agent/{AGENT}/settings")),
        ok(json!({
            "AgentVersion": 9050000, "CurrentUser": "bob", "LastCheckIn": "2016-03-16T16:13:52.579Z",
            "TempDirectory": "C:\\kworking",
            "CheckInControl": {"PrimaryKServer": "vsa.example.com", "PrimaryKServerPort": 5721,
                               "QuickCheckInTimeInSeconds": 30, "Attributes": {}},
            "UserProfile": {"UserName": "Bob", "ShowToolTip": 0, "AutoAssignTickets": true},
            "PatchPolicyMembership": ["Default"], "ViewDefinitionCollections": ["All"],
            "Attributes": {}
        })),
    )
    .await;
    let s = client(&server).agents().settings(&agent()).await.unwrap();
    assert_eq!(s.temp_directory.as_deref(), Some("C:\\kworking"));
    let cic = s.check_in_control.unwrap();
    assert_eq!(cic.primary_kserver_port, Some(5721));
    assert_eq!(s.user_profile.unwrap().auto_assign_tickets, Some(true));
    assert_eq!(s.patch_policy_membership.unwrap(), ["Default"]);
}

#[tokio::test]
async fn agent_delete_with_and_without_uninstall() {
    let server = server().await;
    mount(
        &server,
        call("DELETE", &format!("/assetmgmt/agents/{AGENT}/true")),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call("DELETE", &format!("/assetmgmt/agents/{AGENT}/false")),
        no_content(),
    )
    .await;
    let vsa = client(&server);
    vsa.agents().delete(&agent(), true).await.unwrap();
    vsa.agents().delete(&agent(), false).await.unwrap();
}

#[tokio::test]
async fn agent_rename_encodes_the_name_and_is_sent_once() {
    let server = server().await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/agents/{AGENT}/rename/new%20pc%2Fone%3F"),
        ),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call("PUT", &format!("/assetmgmt/agents/{AGENT}/rename/busy")),
        ResponseTemplate::new(503),
    )
    .await;
    let vsa = client(&server);
    vsa.agents().rename(&agent(), "new pc/one?").await.unwrap();
    let err = vsa.agents().rename(&agent(), "busy").await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[tokio::test]
async fn agent_user_profile_temp_dir_and_check_in_control_bodies() {
    let server = server().await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/agent/{AGENT}/settings/userprofile"),
        )
        .and(body_json(json!({
            "AdminEmail": "it@example.com", "UserName": "Bob", "ShowToolTip": 1, "AutoAssignTickets": true
        }))),
        no_content(),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/agents/{AGENT}/settings/tempdir"),
        )
        .and(body_json(
            json!([{"key": "TempDirectory", "value": "C:\\kworking"}]),
        )),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/agent/{AGENT}/settings/checkincontrol"),
        )
        .and(body_json(json!({
            "PrimaryKServer": "vsa.example.com", "PrimaryKServerPort": 5721, "BandwidthThrottle": 0
        }))),
        no_content(),
    )
    .await;
    let vsa = client(&server);
    let mut profile = UserProfile::default();
    profile.admin_email = Some("it@example.com".into());
    profile.user_name = Some("Bob".into());
    profile.show_tool_tip = Some(1);
    profile.auto_assign_tickets = Some(true);
    vsa.agents()
        .update_user_profile(&agent(), &profile)
        .await
        .unwrap();
    vsa.agents()
        .update_temp_dir(&agent(), "C:\\kworking")
        .await
        .unwrap();
    let mut cic = CheckInControl::default();
    cic.primary_kserver = Some("vsa.example.com".into());
    cic.primary_kserver_port = Some(5721);
    cic.bandwidth_throttle = Some(0);
    vsa.agents()
        .update_check_in_control(&agent(), &cic)
        .await
        .unwrap();
}

#[tokio::test]
async fn agents_in_view_views_uptime_and_network() {
    let server = server().await;
    mount(
        &server,
        page("/assetmgmt/agentsinview/30000000000000000000000001")
            .and(query_param("$filter", "Online ne 0")),
        rows(json!([{"AgentId": AGENT, "AgentName": "pc.root.acme", "Online": 1}])),
    )
    .await;
    mount(
        &server,
        page("/system/views").and(query_param("$orderby", "ViewDefName")),
        rows(json!([{"ViewDefId": 7, "ViewDefName": "Servers", "Attributes": {}}])),
    )
    .await;
    mount(
        &server,
        page("/assetmgmt/agents/uptime/2017-08-01"),
        rows(
            json!([{"AgentId": AGENT, "AgentName": "pc", "MachineGroupId": 3,
                     "TotalOnlineInSeconds": 86400, "MeasuredFrom": "2017-08-01T00:00:00Z"}]),
        ),
    )
    .await;
    mount(
        &server,
        page("/assetmgmt/agentsonnetwork/42"),
        rows(json!([{"AgentId": "694825728222021", "UptimeSeconds": 18,
                     "MachName": "ag-black-w732", "GroupName": "root.unnamed", "Online": 1,
                     "Attributes": null}])),
    )
    .await;
    let vsa = client(&server);
    let in_view = vsa
        .agents()
        .in_view(&ViewId::new("30000000000000000000000001").unwrap())
        .filter(fields::agents::ONLINE.ne(0))
        .collect()
        .await
        .unwrap();
    assert_eq!(in_view[0].agent_id, agent());
    let views = vsa
        .agents()
        .views()
        .order_by(fields::agent_views::VIEW_DEF_NAME.asc())
        .collect()
        .await
        .unwrap();
    assert_eq!(views[0].view_def_id.as_str(), "7");
    let uptime = vsa
        .agents()
        .uptime(NaiveDate::from_ymd_opt(2017, 8, 1).unwrap())
        .collect()
        .await
        .unwrap();
    assert_eq!(uptime[0].total_online_in_seconds, Some(86400));
    let on_net = vsa
        .agents()
        .on_network(&NetworkId::new("42").unwrap())
        .collect()
        .await
        .unwrap();
    assert_eq!(on_net[0].agent_id.as_str(), "694825728222021");
    assert_eq!(on_net[0].mach_name.as_deref(), Some("ag-black-w732"));
}

#[tokio::test]
async fn agent_two_factor_settings_and_notify_policy() {
    let server = server().await;
    mount(
        &server,
        call("GET", &format!("/assetmgmt/agent/{AGENT}/twofasettings")),
        ok(
            json!({"AgentId": AGENT, "AuthEnabled": true, "UseDefaultUser": false,
                  "UserName": "u", "SASName": "sas", "SiteID": 3, "Note": "n", "Attributes": {}}),
        ),
    )
    .await;
    mount(
        &server,
        call("GET", &format!("/remotecontrol/notifypolicy/{AGENT}")),
        ok(
            json!({"EmailAddr": "a@example.com", "AgentGuid": AGENT, "AdminGroupId": 2,
                  "RemoteControlNotify": 1, "NotifyText": "hi", "AskText": "ok?",
                  "TerminateNotify": 0, "TerminateText": "bye", "RequireRcNote": 1,
                  "RequiteFTPNote": 1, "RecordSession": 1, "Attributes": {}}),
        ),
    )
    .await;
    let vsa = client(&server);
    let tfa = vsa.agents().two_factor_settings(&agent()).await.unwrap();
    assert_eq!(tfa.agent_id, Some(agent()));
    assert_eq!(tfa.sas_name.as_deref(), Some("sas"));
    assert_eq!(tfa.site_id, Some(3));
    let policy = vsa
        .agents()
        .remote_control_notify_policy(&agent())
        .await
        .unwrap();
    assert_eq!(policy.require_ftp_note, Some(1));
    assert_eq!(policy.agent_guid, Some(agent()));
}

// ---------------------------------------------------------------- packages

#[tokio::test]
async fn packages_list_add_delete_and_link() {
    let server = server().await;
    mount(
        &server,
        page("/assetmgmt/assets/packages"),
        rows(
            json!([{"PackageURL": "https://vsa.example.com/mkDefault.asp?id=5", "PackageId": 5,
                     "MachineGroupId": 2, "CopySettingsFromAgentId": AGENT, "AgentType": "windows",
                     "CommandLineSwitches": "/s", "PackageName": "Default",
                     "PackageDescription": "d", "Attributes": {}}]),
        ),
    )
    .await;
    mount(
        &server,
        call("POST", "/assetmgmt/assets/packages").and(body_json(json!({
            "MachineGroupId": "2", "AgentType": "windows", "PackageName": "Servers"
        }))),
        ok(json!(77)),
    )
    .await;
    mount(
        &server,
        call("DELETE", "/assetmgmt/agents/packages/5"),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call("POST", "/agent/packagelink").and(body_json(json!({
            "PartitionId": "1", "MachineGroupName": "MyOrg.root"
        }))),
        ok(json!("https://vsa.example.com/install/abc")),
    )
    .await;
    let vsa = client(&server);
    let list = vsa.packages().list().collect().await.unwrap();
    assert_eq!(list[0].package_id.as_str(), "5");
    assert_eq!(list[0].copy_settings_from_agent_id, Some(agent()));
    let mut new = NewPackage::new("Servers", MachineGroupId::new("2").unwrap());
    new.agent_type = Some("windows".into());
    let id = vsa.packages().add(&new).await.unwrap();
    assert_eq!(id, Some(PackageId::new("77").unwrap()));
    vsa.packages()
        .delete(&PackageId::new("5").unwrap())
        .await
        .unwrap();
    let link = vsa
        .packages()
        .create_link(&PackageLinkRequest::new(
            PartitionId::new("1").unwrap(),
            "MyOrg.root",
        ))
        .await
        .unwrap();
    assert_eq!(link.as_deref(), Some("https://vsa.example.com/install/abc"));
}

#[tokio::test]
async fn deploy_page_customization_is_sent_without_authentication() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/agent/1/deploypagecustomization")))
        .respond_with(ok(json!({
            "Id": "21402117-32d8-487e-9046-ce982236a0ce", "Logo": "", "Title": "Download Your Agent",
            "Content": "An <b>agent</b> is a small application", "Attributes": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let page = vsa
        .packages()
        .deploy_page_customization(&PartitionId::new("1").unwrap())
        .await
        .unwrap();
    assert_eq!(page.title.as_deref(), Some("Download Your Agent"));
    assert_eq!(vsa.auth_count(), 0);
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());
}

// ---------------------------------------------------------------- custom fields

#[tokio::test]
async fn custom_fields_calls() {
    let server = server().await;
    mount(
        &server,
        call("GET", &format!("/assetmgmt/assets/{AGENT}/customfields")),
        ResponseTemplate::new(200).set_body_json(json!({
            "Result": [{"FieldName": "Cycle", "FieldValue": "F", "FieldType": "string"},
                       {"FieldName": "Rack", "FieldValue": 12, "FieldType": "number"}],
            "ResponseCode": 0, "Status": "OK", "Error": "None"
        })),
    )
    .await;
    mount(
        &server,
        call("POST", "/assetmgmt/assets/customfields").and(body_json(json!([
            {"key": "FieldName", "value": "Billing Code"},
            {"key": "FieldType", "value": "string"}
        ]))),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call("PUT", "/assetmgmt/assets/customfields/Billing%20Code%2F1").and(body_json(
            json!([{"key": "NewFieldName", "value": "Billing"}]),
        )),
        no_content(),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/assets/{AGENT}/customfields/Billing"),
        )
        .and(body_json(json!([{"key": "FieldValue", "value": "B-42"}]))),
        no_content(),
    )
    .await;
    mount(
        &server,
        call("DELETE", "/assetmgmt/assets/customfields/Billing"),
        ok(json!(true)),
    )
    .await;
    let vsa = client(&server);
    let cf = vsa.custom_fields();
    let list = cf.list(&agent()).await.unwrap();
    assert_eq!(list[0].field_value.as_deref(), Some("F"));
    assert_eq!(list[1].field_value.as_deref(), Some("12"));
    cf.add("Billing Code", "string").await.unwrap();
    cf.rename("Billing Code/1", "Billing").await.unwrap();
    cf.set_value(&agent(), "Billing", "B-42").await.unwrap();
    cf.delete("Billing").await.unwrap();
}

// ---------------------------------------------------------------- assets

#[tokio::test]
async fn assets_list_get_types_delete_and_gateway_ips() {
    let server = server().await;
    mount(
        &server,
        page("/assetmgmt/assets").and(query_param("$filter", "IsComputerAgent eq true")),
        rows(
            json!([{"AssetId": 10, "AssetName": "pc", "AssetTypeId": 3, "OrgId": 1,
                     "IsComputerAgent": true, "IsMonitoring": 1, "IsPatching": "0",
                     "TicketCount": 2.0, "AlarmCount": 0, "AgentId": AGENT,
                     "NMapProbeId": 9, "OSName": "Windows", "Attributes": {}}]),
        ),
    )
    .await;
    mount(
        &server,
        call("GET", "/assetmgmt/assets/10"),
        ok(json!({
            "AssetId": 10, "AssetName": "pc", "AssetTypeId": 3, "AgentId": AGENT, "DeviceId": 4,
            "DeviceFounds": [{
                "DeviceId": 4, "FoundOn": "2016-02-02T22:50:04.298Z",
                "FoundBy": {"ProbeId": 1, "ProbeName": "p", "ProbeType": {"ProbeTypeId": 2, "ProbeTypeName": "Agent"}},
                "DeviceInfo": {"HostName": "pc", "Port": 0, "OSAccuracy": 100},
                "DeviceMotherBoard": {"MotherboardManufacturer": "ACME"},
                "DeviceBiosInfo": {"BiosVendor": "AMI"},
                "DeviceProcessors": [{"ProcessorId": 0, "ProcessorMaxSpeed": 3600}],
                "DeviceMemories": [{"MemorySize": 8192}],
                "DeviceDrives": [{"DriveStatus": "OK"}],
                "DeviceIPs": [{"IPAddress": "10.0.0.1", "DHCPEnabled": true, "MACAddress": "00:11"}],
                "DeviceHwPCI": {"VendorId": 32902, "DeviceLocation": "slot 1"}
            }],
            "Attributes": {}
        })),
    )
    .await;
    mount(
        &server,
        page("/assetmgmt/assettypes"),
        rows(json!([{"AssetTypeId": 3, "AssetTypeName": "Computer", "ParentAssetTypeId": 1}])),
    )
    .await;
    mount(
        &server,
        call("DELETE", "/assetmgmt/assets/10"),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call("GET", "/assetmgmt/connectiongatewayips"),
        ResponseTemplate::new(200).set_body_json(json!({
            "TotalRecords": 2, "Result": ["10.10.32.6", "127.0.0.1"],
            "ResponseCode": 200, "Status": "OK", "Error": "None"
        })),
    )
    .await;
    let vsa = client(&server);
    let list = vsa
        .assets()
        .list()
        .filter(fields::assets::IS_COMPUTER_AGENT.eq(true))
        .collect()
        .await
        .unwrap();
    assert_eq!(list[0].is_monitoring, Some(true));
    assert_eq!(list[0].is_patching, Some(false));
    assert_eq!(list[0].ticket_count, Some(2));
    assert_eq!(list[0].agent_id, Some(agent()));
    let asset = vsa
        .assets()
        .get(&AssetId::new("10").unwrap())
        .await
        .unwrap();
    let found = &asset.device_founds.unwrap()[0];
    assert_eq!(
        found
            .found_by
            .as_ref()
            .unwrap()
            .probe_type
            .as_ref()
            .unwrap()
            .probe_type_name
            .as_deref(),
        Some("Agent")
    );
    assert_eq!(found.device_hw_pci.as_ref().unwrap().len(), 1);
    assert_eq!(
        found.device_ips.as_ref().unwrap()[0].dhcp_enabled,
        Some(true)
    );
    let types = vsa.assets().types().collect().await.unwrap();
    assert_eq!(types[0].asset_type_name.as_deref(), Some("Computer"));
    vsa.assets()
        .delete(&AssetId::new("10").unwrap())
        .await
        .unwrap();
    let ips = vsa.assets().connection_gateway_ips().await.unwrap();
    assert_eq!(ips, ["10.10.32.6", "127.0.0.1"]);
}

// ---------------------------------------------------------------- notes

#[tokio::test]
async fn notes_list_update_add_delete() {
    let server = server().await;
    mount(
        &server,
        page("/assetmgmt/agent/notes"),
        ResponseTemplate::new(200).set_body_json(json!({
            "TotalRecords": 1,
            "Result": [{"Email": null, "AgentGUID": "323682356031518", "UserName": "kadmin",
                        "CreationDate": "2019-03-25T15:02:24.107", "Description": "ddd", "ID": 1}],
            "ResponseCode": 200, "Status": "OK", "Error": "None"
        })),
    )
    .await;
    mount(
        &server,
        call("PUT", "/assetmgmt/agent/notes")
            .and(body_json(json!({"123": "updated desc", "456": "second"}))),
        ok_200(),
    )
    .await;
    mount(
        &server,
        call("POST", &format!("/assetmgmt/agent/{AGENT}/note"))
            .and(body_string("\"my note text\"")),
        ok_200(),
    )
    .await;
    mount(
        &server,
        call("DELETE", "/assetmgmt/agent/note/15"),
        ok_200(),
    )
    .await;
    let vsa = client(&server);
    let notes = vsa.notes().list().collect().await.unwrap();
    assert_eq!(notes[0].id, NoteId::new("1").unwrap());
    assert_eq!(
        notes[0].agent_guid.as_ref().unwrap().as_str(),
        "323682356031518"
    );
    let mut update = BTreeMap::new();
    update.insert(NoteId::new("123").unwrap(), "updated desc".to_owned());
    update.insert(NoteId::new("456").unwrap(), "second".to_owned());
    vsa.notes().update(&update).await.unwrap();
    vsa.notes().add(&agent(), "my note text").await.unwrap();
    vsa.notes()
        .delete(&NoteId::new("15").unwrap())
        .await
        .unwrap();
}

// ---------------------------------------------------------------- alarms

#[tokio::test]
async fn alarms_get_list_and_close() {
    let server = server().await;
    mount(
        &server,
        call("GET", "/assetmgmt/alarms/123"),
        ok(json!({"MonitorType": 4, "AlarmType": "Alert", "Message": "Disk low",
                  "AlarmEmail": "it@example.com", "TicketId": 55, "AdminName": "kadmin",
                  "AlarmId": 123, "AgentId": AGENT, "MachineGroup": "root.acme", "AlertType": 2,
                  "agentName": "pc", "AlarmSubject": "Disk", "EventTime": "2017-08-01T15:52:15.151Z",
                  "MonitorAlarmStateId": 1, "Attributes": {}})),
    )
    .await;
    mount(
        &server,
        page("/assetmgmt/alarms/true").and(query_param("$orderby", "EventTime desc")),
        rows(json!([{"AlarmId": 1, "AgentId": AGENT, "agentName": "pc"}])),
    )
    .await;
    mount(&server, page("/assetmgmt/alarms/false"), rows(json!([]))).await;
    mount(
        &server,
        call("PUT", "/assetmgmt/alarms/123/close").and(body_json(
            json!([{"key": "notes", "value": "fixed the disk"}]),
        )),
        ok(json!(true)),
    )
    .await;
    let vsa = client(&server);
    let alarm = vsa
        .alarms()
        .get(&AlarmId::new("123").unwrap())
        .await
        .unwrap();
    assert_eq!(alarm.agent_name.as_deref(), Some("pc"));
    assert_eq!(alarm.ticket_id.as_deref(), Some("55"));
    assert_eq!(alarm.monitor_alarm_state_id, Some(1));
    let all = vsa
        .alarms()
        .list(true)
        .order_by(fields::alarms_more::EVENT_TIME.desc())
        .collect()
        .await
        .unwrap();
    assert_eq!(all[0].agent_id, Some(agent()));
    assert!(vsa.alarms().list(false).collect().await.unwrap().is_empty());
    vsa.alarms()
        .close(&AlarmId::new("123").unwrap(), "fixed the disk")
        .await
        .unwrap();
}

// ---------------------------------------------------------------- files

fn entry(name: &str, parent: &str, is_file: bool) -> Value {
    json!({"Name": name, "Size": 10, "LastUploadTime": "2016-10-26T16:15:14.330Z",
           "ParentPath": parent, "isFile": is_file, "Attributes": {}})
}

fn multipart_matches(request: &wiremock::Request, file_name: &str, content: &[u8]) -> bool {
    let Some(ct) = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(boundary) = ct.strip_prefix("multipart/form-data; boundary=") else {
        return false;
    };
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(content);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    request.body == expected
}

#[tokio::test]
async fn custom_extension_paths_are_encoded_folder_by_folder() {
    let server = server().await;
    mount(
        &server,
        page(&format!("/assetmgmt/customextensions/{AGENT}/folder//")),
        rows(json!([entry("apps", "", false)])),
    )
    .await;
    mount(
        &server,
        page(&format!(
            "/assetmgmt/customextensions/{AGENT}/folder/apps/my%20tools%20%231"
        ))
        .and(query_param("$filter", "isFile eq true")),
        rows(json!([entry("a.exe", "apps/my tools #1", true)])),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/customextensions/{AGENT}/folder/apps/new"),
        ),
        ok(json!(true)),
    )
    .await;
    let content: Vec<u8> = (0u8..=255).chain([0, 13, 10, 0xff]).collect();
    let expected = content.clone();
    call(
        "PUT",
        &format!("/assetmgmt/customextensions/{AGENT}/file/tools"),
    )
    .and(move |r: &wiremock::Request| multipart_matches(r, "free SHd.exe", &expected))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "TotalRecords": 1, "Result": [entry("free SHd.exe", "tools", true)],
        "ResponseCode": 0, "Status": "OK", "Error ": "None"
    })))
    .expect(1)
    .mount(&server)
    .await;
    mount(
        &server,
        call(
            "DELETE",
            &format!("/assetmgmt/customextensions/{AGENT}///apps/exe/utilities"),
        ),
        ok(json!(true)),
    )
    .await;
    let vsa = client(&server);
    let ce = vsa.custom_extensions();
    let top = ce
        .list(&agent(), &RepoPath::new("/").unwrap())
        .collect()
        .await
        .unwrap();
    assert_eq!(top[0].is_file, Some(false));
    let files = ce
        .list(&agent(), &RepoPath::new("apps/my tools #1").unwrap())
        .filter(fields::files::IS_FILE.eq(true))
        .collect()
        .await
        .unwrap();
    assert_eq!(files[0].parent_path.as_deref(), Some("apps/my tools #1"));
    ce.create_folder(&agent(), &RepoPath::new("apps/new").unwrap())
        .await
        .unwrap();
    let uploaded = ce
        .upload(
            &agent(),
            &RepoPath::new("tools").unwrap(),
            "free SHd.exe",
            &content,
        )
        .await
        .unwrap();
    assert_eq!(uploaded[0].name.as_deref(), Some("free SHd.exe"));
    ce.delete(&agent(), &RepoPath::new("apps/exe/utilities").unwrap())
        .await
        .unwrap();
    // Nothing is sent for a path that names nothing.
    assert!(ce.delete(&agent(), &RepoPath::root()).await.is_err());
}

#[tokio::test]
async fn documents_calls() {
    let server = server().await;
    let pdf: Vec<u8> = b"%PDF-1.7\n\x00\x01\xfe\xff{\"ResponseCode\"".to_vec();
    mount(
        &server,
        page(&format!("/assetmgmt/documents/{AGENT}/folder/contracts")),
        rows(json!([entry("a.pdf", "contracts", true)])),
    )
    .await;
    mount(
        &server,
        call(
            "GET",
            &format!("/assetmgmt/documents/{AGENT}/file/contracts/a%20b.pdf"),
        ),
        ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/octet-stream"),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/documents/{AGENT}/folder/contracts/2024"),
        ),
        ok(json!(true)),
    )
    .await;
    let expected = pdf.clone();
    call(
        "PUT",
        &format!("/assetmgmt/documents/{AGENT}/file/contracts"),
    )
    .and(move |r: &wiremock::Request| multipart_matches(r, "a b.pdf", &expected))
    .respond_with(ok(json!(true)))
    .expect(1)
    .mount(&server)
    .await;
    mount(
        &server,
        call(
            "DELETE",
            &format!("/assetmgmt/documents/{AGENT}/contracts/a%20b.pdf"),
        ),
        ok(json!(true)),
    )
    .await;
    mount(
        &server,
        call(
            "DELETE",
            &format!("/assetmgmt/documents/{AGENT}/Rename/contracts%2Fa.pdf/b.pdf"),
        ),
        no_content(),
    )
    .await;
    mount(
        &server,
        call(
            "PUT",
            &format!("/assetmgmt/documents/{AGENT}/file/Move/a.pdf/archive%2Fa.pdf"),
        ),
        rows(json!([entry("a.pdf", "archive", true)])),
    )
    .await;
    let vsa = client(&server);
    let docs = vsa.documents();
    let list = docs
        .list(&agent(), &RepoPath::new("contracts").unwrap())
        .collect()
        .await
        .unwrap();
    assert_eq!(list[0].size, Some(10));
    let bytes = docs
        .download(&agent(), &RepoPath::new("contracts/a b.pdf").unwrap())
        .await
        .unwrap();
    assert_eq!(bytes, pdf);
    docs.create_folder(&agent(), &RepoPath::new("contracts/2024").unwrap())
        .await
        .unwrap();
    let uploaded = docs
        .upload(
            &agent(),
            &RepoPath::new("contracts").unwrap(),
            "a b.pdf",
            &pdf,
        )
        .await
        .unwrap();
    assert!(uploaded.is_empty());
    docs.delete(&agent(), &RepoPath::new("contracts/a b.pdf").unwrap())
        .await
        .unwrap();
    docs.rename(&agent(), "contracts/a.pdf", "b.pdf")
        .await
        .unwrap();
    let moved = docs
        .move_file(&agent(), "a.pdf", "archive/a.pdf")
        .await
        .unwrap();
    assert_eq!(moved[0].parent_path.as_deref(), Some("archive"));
}

#[tokio::test]
async fn get_files_calls() {
    let server = server().await;
    let zip: Vec<u8> = vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x80];
    mount(
        &server,
        page(&format!("/assetmgmt/getfiles/{AGENT}/folder//")),
        rows(json!([entry("logs", "", false)])),
    )
    .await;
    mount(
        &server,
        call(
            "GET",
            &format!("/assetmgmt/getfiles/{AGENT}/file/logs/app%201.zip"),
        ),
        ResponseTemplate::new(200).set_body_raw(zip.clone(), "application/zip"),
    )
    .await;
    mount(
        &server,
        call(
            "DELETE",
            &format!("/assetmgmt/getfiles/{AGENT}/logs/app%201.zip"),
        ),
        ok(json!(true)),
    )
    .await;
    let vsa = client(&server);
    let gf = vsa.get_files();
    let top = gf
        .list(&agent(), &RepoPath::root())
        .collect()
        .await
        .unwrap();
    assert_eq!(top[0].name.as_deref(), Some("logs"));
    let path = RepoPath::new(r"logs\app 1.zip").unwrap();
    assert_eq!(gf.download(&agent(), &path).await.unwrap(), zip);
    gf.delete(&agent(), &path).await.unwrap();
}

// ---------------------------------------------------------------- info center

#[tokio::test]
async fn info_center_calls() {
    let server = server().await;
    mount(
        &server,
        page("/infocenter/messages").and(query_param("$filter", "IsRead eq false")),
        ResponseTemplate::new(200).set_body_raw(
            r#"{"TotalRecords":1,"Result":[{"ID":"17262321222881121253998111","ToName":"kadmin","FromName":"Service Desk","Subject":"s","Body":"<b>b</b>","Created":"2019-04-07T13:52:02.21","IsRead":false}],"ResponseCode":200,"Status":"OK","Error":"None"}"#,
            "application/json",
        ),
    )
    .await;
    mount(
        &server,
        call("PUT", "/infocenter/messages/true")
            .and(body_string("[17262321222881121253998111,465]")),
        ok_200(),
    )
    .await;
    mount(
        &server,
        call("PUT", "/infocenter/messages/false").and(body_string("[789]")),
        ok_200(),
    )
    .await;
    mount(
        &server,
        call("DELETE", "/infocenter/messages/17262321222881121253998111"),
        ok_200(),
    )
    .await;
    let vsa = client(&server);
    let ic = vsa.info_center();
    let messages = ic
        .messages()
        .filter(fields::info_center_messages::IS_READ.eq(false))
        .collect()
        .await
        .unwrap();
    let id = messages[0].id.clone();
    assert_eq!(id.as_str(), "17262321222881121253998111");
    ic.set_read(true, &[id.clone(), MessageId::new("465").unwrap()])
        .await
        .unwrap();
    ic.set_read(false, &[MessageId::new("789").unwrap()])
        .await
        .unwrap();
    ic.delete(&id).await.unwrap();
}

// ---------------------------------------------------------------- logs

#[tokio::test]
async fn logs_of_every_kind() {
    let server = server().await;
    let time_event = json!([{"Time": "2016-03-14T22:19:31.885Z", "Event": "checked in"}]);
    for kind in ["agent", "alarms", "configurationchanges"] {
        mount(
            &server,
            page(&format!("/assetmgmt/logs/{AGENT}/{kind}")),
            rows(time_event.clone()),
        )
        .await;
    }
    mount(
        &server,
        page(&format!("/assetmgmt/logs/{AGENT}/agentprocedure"))
            .and(query_param("$orderby", "LastExecution desc")),
        rows(
            json!([{"LastExecution": "2016-03-14T22:19:31.888Z", "ProcedureHistory": "Run",
                     "Status": "Success", "Admin": "kadmin"}]),
        ),
    )
    .await;
    let rc = json!([{"StartTime": "2016-03-14T22:19:31.907Z", "LastActiveTime": "2016-03-14T22:29:31.907Z",
                     "SessionType": 2, "Admin": "kadmin"}]);
    for kind in ["legacyremotecontrol", "remotecontrol"] {
        mount(
            &server,
            page(&format!("/assetmgmt/logs/{AGENT}/{kind}")),
            rows(rc.clone()),
        )
        .await;
    }
    mount(
        &server,
        page(&format!("/assetmgmt/logs/{AGENT}/monitoractions")),
        rows(json!([{"Time": "2016-03-14T22:19:31.900Z", "SNMPDevice": "sw1", "Type": 3, "Message": "m"}])),
    )
    .await;
    mount(
        &server,
        page(&format!("/assetmgmt/logs/{AGENT}/networkstats")),
        rows(json!([{"NetworkStatId": 9, "Time": "2016-03-14T22:19:31.904Z", "Application": "chrome.exe",
                     "BytesSent": 100, "BytesRcvd": 2000}])),
    )
    .await;
    let event = json!([{"EventId": 4624, "User": "bob", "Category": "Logon", "Source": "Security",
                        "Type": "Information", "Time": "2016-03-14T22:19:31.911Z"}]);
    for kind in EventLogKind::ALL {
        mount(
            &server,
            page(&format!(
                "/assetmgmt/logs/{AGENT}/eventlog/{}",
                kind.as_str()
            )),
            rows(event.clone()),
        )
        .await;
    }
    mount(
        &server,
        page(&format!("/assetmgmt/logs/{AGENT}/logmonitoring")),
        rows(event.clone()),
    )
    .await;
    mount(
        &server,
        call("PUT", &format!("/assetmgmt/agent/{AGENT}/KLCAuditLogEntry")).and(body_json(
            json!({"UserName": "kadmin", "AgentName": "pc.root.acme", "LogMessage": "session started"}),
        )),
        no_content(),
    )
    .await;

    let vsa = client(&server);
    let logs = vsa.logs();
    let a = agent();
    assert_eq!(
        logs.agent(&a).collect().await.unwrap()[0].event.as_deref(),
        Some("checked in")
    );
    assert_eq!(logs.alarms(&a).collect().await.unwrap().len(), 1);
    assert_eq!(
        logs.configuration_changes(&a)
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    let procs = logs
        .agent_procedure(&a)
        .order_by(fields::procedure_log::LAST_EXECUTION.desc())
        .collect()
        .await
        .unwrap();
    assert_eq!(procs[0].status.as_deref(), Some("Success"));
    assert_eq!(
        logs.legacy_remote_control(&a).collect().await.unwrap()[0].session_type,
        Some(2)
    );
    assert_eq!(
        logs.remote_control(&a).collect().await.unwrap()[0]
            .admin
            .as_deref(),
        Some("kadmin")
    );
    assert_eq!(
        logs.monitor_actions(&a).collect().await.unwrap()[0]
            .snmp_device
            .as_deref(),
        Some("sw1")
    );
    assert_eq!(
        logs.network_stats(&a).collect().await.unwrap()[0].bytes_rcvd,
        Some(2000)
    );
    for kind in EventLogKind::ALL {
        let rows = logs.event_log(&a, kind).collect().await.unwrap();
        assert_eq!(rows[0].event_id, Some(4624), "{kind:?}");
    }
    assert_eq!(
        logs.log_monitoring(&a).collect().await.unwrap()[0].kind,
        Some(EventType::Information)
    );
    logs.add_live_connect_audit_entry(
        &a,
        &LiveConnectAuditEntry::new("kadmin", "pc.root.acme", "session started"),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_package_id_beyond_u64_is_returned_exactly() {
    let server = server().await;
    // A 26-digit id as a JSON number: beyond u64, beyond what f64 keeps.
    mount(
        &server,
        call("POST", "/assetmgmt/assets/packages"),
        ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"Result":{AGENT},"ResponseCode":0,"Status":"OK","Error":"None"}}"#),
            "application/json",
        ),
    )
    .await;
    let vsa = client(&server);
    let new = NewPackage::new("Servers", MachineGroupId::new("2").unwrap());
    let id = vsa.packages().add(&new).await.unwrap();
    assert_eq!(id, Some(PackageId::new(AGENT).unwrap()));
}
