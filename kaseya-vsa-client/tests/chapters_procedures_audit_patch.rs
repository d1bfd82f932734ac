//! The guide's chapters "Agent Procedures", "Audit" and "Patch Management", against
//! wiremock on loopback: method, path, `Authorization: Bearer`, query and JSON body of
//! every call, and the guide's sample answers decoded.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use kaseya_vsa_client::Listing;
use kaseya_vsa_client::agent_procedures::{
    DistributionWindow, ExclusionWindow, ProcedureSchedule, RecurrenceOptions, Repeat,
    ScheduledRecurrence, ScriptPrompt, StartOptions,
};
use kaseya_vsa_client::audit::{AuditSchedule, DriveType, PurchaseAndWarranty};
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId};
use kaseya_vsa_client::odata::fields;
use kaseya_vsa_client::patch::PatchSchedule;
use kaseya_vsa_client::{Client, Error};
use msp_common::retry::{FixedJitter, ManualClock};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A timestamp from its RFC 3339 text.
fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 timestamp")
}

const TOKEN: &str = "90151280";
const AGENT: &str = "121747357971679";
const BIG_AGENT: &str = "72135976418143160123456789";

/// A fixture's answer, sent byte for byte (ids wider than `u64` stay exact).
fn fixture(name: &str) -> ResponseTemplate {
    let path = format!(
        "{}/tests/fixtures/procedures_audit_patch/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    ResponseTemplate::new(200)
        .set_body_raw(std::fs::read_to_string(path).unwrap(), "application/json")
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
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

/// A call to `/api/v1.0/{rest}` with the session's bearer token.
fn call(verb: &str, rest: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(format!("/api/v1.0/{rest}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

/// The first page of a list call.
fn first_page(verb: &str, rest: &str) -> MockBuilder {
    call(verb, rest)
        .and(query_param("$top", "100"))
        .and(query_param("$skip", "0"))
}

fn envelope(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"}),
    )
}

fn rows(rows: Value) -> ResponseTemplate {
    let total = rows.as_array().map_or(0, Vec::len);
    ResponseTemplate::new(200).set_body_json(json!({
        "TotalRecords": total, "Result": rows, "ResponseCode": 0, "Status": "OK", "Error": "None"
    }))
}

fn done() -> ResponseTemplate {
    envelope(json!(true))
}

/// The guide's sample schedule, typed.
fn recurrence() -> RecurrenceOptions {
    RecurrenceOptions::new(Repeat::Months)
        .times(1)
        .days_of_week("Monday")
        .day_of_month("FirstSunday")
        .specific_day_of_month(0)
        .month_of_year("January")
        .end_at("T0000")
        .end_on(at("2016-02-05T21:02:56.650Z"))
        .end_after_interval_times(3)
}

fn recurrence_json() -> Value {
    json!({
        "Repeat": "Months", "Times": 1, "DaysOfWeek": "Monday", "DayOfMonth": "FirstSunday",
        "SpecificDayOfMonth": 0, "MonthOfYear": "January", "EndAt": "T0000",
        "EndOn": "2016-02-05T21:02:56.650Z", "EndAfterIntervalTimes": 3
    })
}

// ---------------------------------------------------------------- agent procedures

#[tokio::test]
async fn procedure_lists_scheduled_quick_launch_portal_and_history() {
    let server = server().await;
    first_page(
        "GET",
        &format!("automation/agentprocs/{AGENT}/scheduledprocs"),
    )
    .and(query_param("$filter", "AgentProcedureName eq 'Patch Scan'"))
    .and(query_param("$orderby", "NextExecTime desc"))
    .respond_with(fixture("scheduled_procs.json"))
    .expect(1)
    .mount(&server)
    .await;
    let procedure = json!([{"AgentProcedureId": 1001, "AgentProcedureName": "Reboot", "Path": "shared/maint",
                            "Description": "Reboots", "Attributes": {}}]);
    first_page("GET", "automation/agentprocs/quicklaunch")
        .and(query_param(
            "$filter",
            "startswith(AgentProcedureName, 'Re')",
        ))
        .respond_with(rows(procedure.clone()))
        .expect(1)
        .mount(&server)
        .await;
    first_page("GET", "automation/agentprocsportal")
        .respond_with(rows(procedure))
        .expect(1)
        .mount(&server)
        .await;
    first_page("GET", &format!("automation/agentprocs/{AGENT}/history"))
        .and(query_param("$orderby", "LastExecutionTime desc"))
        .respond_with(rows(
            json!([{"ScriptName": "Reboot", "LastExecutionTime": "2016-03-15T15:50:11.900Z",
                                   "Status": "Success", "Admin": "apiuser"}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let procs = vsa.agent_procedures();

    let scheduled = procs
        .scheduled(&agent())
        .filter(fields::scheduled_procedures::AGENT_PROCEDURE_NAME.eq("Patch Scan"))
        .order_by(fields::scheduled_procedures::NEXT_EXEC_TIME.desc())
        .collect()
        .await
        .unwrap();
    assert_eq!(scheduled.len(), 3);
    assert_eq!(scheduled[0].agent_procedure_id.as_str(), "269");
    assert_eq!(
        scheduled[0].recurrence,
        Some(ScheduledRecurrence::Text(
            "Every 1 week(s) on Thursday".to_owned()
        ))
    );
    assert_eq!(scheduled[1].status, None);
    let full = &scheduled[2];
    assert_eq!(full.agent_id.as_ref().unwrap().as_str(), BIG_AGENT);
    let Some(ScheduledRecurrence::Options(options)) = &full.recurrence else {
        panic!("{:?}", full.recurrence)
    };
    assert_eq!(options.repeat, Some(Repeat::Weeks));
    assert_eq!(options.end_at.as_deref(), Some("T1345"));
    assert_eq!(
        full.script_prompts.as_ref().unwrap()[0].value.as_deref(),
        Some(r"C:\Temp")
    );
    assert_eq!(full.distribution.as_ref().unwrap().magnitude, Some(30));
    assert_eq!(
        full.start.as_ref().unwrap().start_at.as_deref(),
        Some("T0200")
    );
    assert_eq!(
        full.exclusion.as_ref().unwrap().to.as_deref(),
        Some("T1800")
    );

    let quick = procs
        .quick_launch()
        .filter(fields::agent_procedures::AGENT_PROCEDURE_NAME.startswith("Re"))
        .collect()
        .await
        .unwrap();
    assert_eq!(quick[0].agent_procedure_id.as_str(), "1001");
    let portal = procs.user_portal().collect().await.unwrap();
    assert_eq!(portal[0].path.as_deref(), Some("shared/maint"));
    let history = procs
        .history(&agent())
        .order_by(fields::procedure_history::LAST_EXECUTION_TIME.desc())
        .collect()
        .await
        .unwrap();
    assert_eq!(history[0].status.as_deref(), Some("Success"));
}

#[tokio::test]
async fn procedure_schedule_sends_the_typed_body() {
    let server = server().await;
    call(
        "PUT",
        &format!("automation/agentprocs/{AGENT}/1001/schedule"),
    )
    .and(header("content-type", "application/json"))
    .and(body_json(json!({
        "ServerTimeZone": true, "SkipIfOffLine": true, "PowerUpIfOffLine": false,
        "ScriptPrompts": [{"Caption": "Folder", "Name": "path", "Value": "C:\\Temp"}],
        "Recurrence": recurrence_json(),
        "Distribution": {"Interval": "Minutes", "Magnitude": 15},
        "Start": {"StartOn": "2016-02-05T21:02:56.650Z", "StartAt": "T0000"},
        "Exclusion": {"From": "T0800", "To": "T1800"},
        "Attributes": {}
    })))
    .respond_with(ResponseTemplate::new(204))
    .expect(1)
    .mount(&server)
    .await;
    let body = ProcedureSchedule::new()
        .server_time_zone(true)
        .skip_if_off_line(true)
        .power_up_if_off_line(false)
        .script_prompt(ScriptPrompt::new("path", r"C:\Temp").caption("Folder"))
        .recurrence(recurrence())
        .distribution(DistributionWindow::new("Minutes", 15))
        .start(
            StartOptions::new()
                .start_on(at("2016-02-05T21:02:56.650Z"))
                .start_at("T0000"),
        )
        .exclusion(ExclusionWindow::new("T0800", "T1800"))
        .attributes(json!({}));
    client(&server)
        .agent_procedures()
        .schedule(&agent(), &AgentProcedureId::from(1001u64), &body)
        .await
        .unwrap();
}

#[tokio::test]
async fn procedure_actions_cancel_quick_launch_and_ask_before_executing() {
    let server = server().await;
    call("DELETE", &format!("automation/agentprocs/{BIG_AGENT}/1001"))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("PUT", "automation/agentProcs/quicklaunch/1001")
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("DELETE", "automation/agentProcs/quicklaunch/1002")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    call(
        "GET",
        "automation/agentprocs/quicklaunch/askbeforeexecuting",
    )
    .respond_with(envelope(json!(false)))
    .expect(1)
    .mount(&server)
    .await;
    call(
        "PUT",
        "automation/agentprocs/quicklaunch/askbeforeexecuting",
    )
    .and(query_param("flag", "true"))
    .and(header("flag", "true"))
    .respond_with(done())
    .expect(1)
    .mount(&server)
    .await;
    let vsa = client(&server);
    let procs = vsa.agent_procedures();
    procs
        .cancel(
            &AgentId::new(BIG_AGENT).unwrap(),
            &AgentProcedureId::from(1001u64),
        )
        .await
        .unwrap();
    procs
        .update_quick_launch(&AgentProcedureId::from(1001u64))
        .await
        .unwrap();
    procs
        .delete_quick_launch(&AgentProcedureId::from(1002u64))
        .await
        .unwrap();
    assert!(!procs.ask_before_executing().await.unwrap());
    procs.set_ask_before_executing(true).await.unwrap();
}

// ---------------------------------------------------------------- audit

#[tokio::test]
async fn audit_lists_decode_the_guide_models() {
    let server = server().await;
    first_page("GET", "assetmgmt/audit")
        .and(query_param("$filter", "OsType eq 'Windows'"))
        .and(query_param("$orderby", "ComputerName"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"TotalRecords":1,"Result":[{"AgentGuid":72135976418143160123456789,"DisplayName":"pc.root.acme",
                "TimezoneOffset":-600,"RamMBytes":16384,"DnsServer1":"10.0.0.2","Ipv6Address":"fe80::1",
                "NumberOfDrives":2,"PrimaryKServer":"vsa.example.com","OsType":"Windows"}],"ResponseCode":0}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let lists: [(&str, Value); 12] = [
        (
            "credentials",
            json!([{"CredentialId": 66917385201734926u64, "Type": "Agent", "Name": "svc", "UserName": "svc",
                                "Domain": "ACME", "CreateAccount": false, "AsAdministrator": true, "InEffect": true, "Attributes": {}}]),
        ),
        (
            "groups",
            json!([{"UserGroupName": "Administrators", "Description": "Admins"}]),
        ),
        (
            "hardware/diskvolumes",
            json!([{"Drive": "C", "Type": "Fixed", "Format": "NTFS", "FreeMBytes": 1, "UsedMBytes": 2, "TotalMBytes": 3, "Label": "OS"}]),
        ),
        (
            "hardware/pcianddisk",
            json!([{"TypeId": 1, "TypeName": "Disk", "Vendor": "Samsung", "Product": "SSD 860", "Note": ""}]),
        ),
        (
            "hardware/printers",
            json!([{"PrinterName": "HP", "Port": "IP_10.0.0.9", "Model": "LaserJet"}]),
        ),
        (
            "members",
            json!([{"UserGroupName": "Administrators", "MemberName": "ACME\\alice", "Attributes": {}}]),
        ),
        (
            "software/addremoveprograms",
            json!([{"DisplayName": "7-Zip", "UninstallString": "C:\\7z\\uninstall.exe"}]),
        ),
        (
            "software/installedapplications",
            json!([{"ApplicationName": "7z.exe", "Version": "23.01", "Size": 123456, "LastModifiedDate": "2016-02-08T17:14:20.671Z"}]),
        ),
        (
            "software/licenses",
            json!([{"Publisher": "Microsoft", "ProductName": "Office", "ProductKey": "XXXXX", "InstallationDate": "2016-02-08T17:14:20.675Z"}]),
        ),
        (
            "software/securityproducts",
            json!([{"ProductType": "AntiVirus", "ProductName": "Defender", "IsActive": true, "IsUpToDate": false}]),
        ),
        (
            "software/startupapps",
            json!([{"AppName": "OneDrive", "AppCommand": "OneDrive.exe /background", "UserName": "alice"}]),
        ),
        (
            "useraccounts",
            json!([{"LogonName": "alice", "FullName": "Alice", "IsDisabled": false, "IsLockedOut": false,
                                "IsPasswordRequired": true, "IsPasswordExpired": false, "IsPasswordChangeable": true}]),
        ),
    ];
    for (rest, body) in lists {
        first_page("GET", &format!("assetmgmt/audit/{AGENT}/{rest}"))
            .respond_with(rows(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let vsa = client(&server);
    let audit = vsa.audit();
    let id = agent();

    let summaries = audit
        .summaries()
        .filter(fields::audit_summaries::OS_TYPE.eq("Windows"))
        .order_by(fields::audit_summaries::COMPUTER_NAME.asc())
        .collect()
        .await
        .unwrap();
    assert_eq!(summaries[0].agent_guid.as_str(), BIG_AGENT);
    assert_eq!(summaries[0].ram_mbytes, Some(16384));
    assert_eq!(summaries[0].timezone_offset, Some(-600));
    assert_eq!(summaries[0].dns_server1.as_deref(), Some("10.0.0.2"));
    assert_eq!(summaries[0].ipv6_address.as_deref(), Some("fe80::1"));
    assert_eq!(
        summaries[0].primary_k_server.as_deref(),
        Some("vsa.example.com")
    );

    let credentials = audit.credentials(&id).collect().await.unwrap();
    assert_eq!(
        credentials[0].credential_id.as_ref().unwrap().as_str(),
        "66917385201734926"
    );
    assert_eq!(credentials[0].as_administrator, Some(true));
    assert_eq!(credentials[0].kind.as_deref(), Some("Agent"));
    let groups = audit.groups(&id).collect().await.unwrap();
    assert_eq!(groups[0].user_group_name.as_deref(), Some("Administrators"));
    let volumes = audit.disk_volumes(&id).collect().await.unwrap();
    assert_eq!(
        (
            volumes[0].free_mbytes,
            volumes[0].used_mbytes,
            volumes[0].total_mbytes
        ),
        (Some(1), Some(2), Some(3))
    );
    assert_eq!(volumes[0].kind, Some(DriveType::Fixed));
    let devices = audit.pci_and_disk(&id).collect().await.unwrap();
    assert_eq!(devices[0].type_id, Some(1));
    let printers = audit.printers(&id).collect().await.unwrap();
    assert_eq!(printers[0].model.as_deref(), Some("LaserJet"));
    let members = audit.members(&id).collect().await.unwrap();
    assert_eq!(members[0].member_name.as_deref(), Some(r"ACME\alice"));
    let programs = audit.add_remove_programs(&id).collect().await.unwrap();
    assert_eq!(programs[0].display_name.as_deref(), Some("7-Zip"));
    let apps = audit.installed_applications(&id).collect().await.unwrap();
    assert_eq!(apps[0].size, Some(123_456));
    let licenses = audit.licenses(&id).collect().await.unwrap();
    assert_eq!(licenses[0].product_key.as_deref(), Some("XXXXX"));
    let security = audit.security_products(&id).collect().await.unwrap();
    assert_eq!(
        (security[0].is_active, security[0].is_up_to_date),
        (Some(true), Some(false))
    );
    let startup = audit.startup_apps(&id).collect().await.unwrap();
    assert_eq!(startup[0].user_name.as_deref(), Some("alice"));
    let accounts = audit.user_accounts(&id).collect().await.unwrap();
    assert_eq!(accounts[0].is_password_required, Some(true));
}

#[tokio::test]
async fn audit_list_filters_use_the_field_constants() {
    let server = server().await;
    first_page(
        "GET",
        &format!("assetmgmt/audit/{AGENT}/software/installedapplications"),
    )
    .and(query_param(
        "$filter",
        "substringof('Office', ApplicationName) and Size gt 1000",
    ))
    .and(query_param("$orderby", "LastModifiedDate desc"))
    .respond_with(rows(json!([])))
    .expect(1)
    .mount(&server)
    .await;
    let apps = client(&server)
        .audit()
        .installed_applications(&agent())
        .filter(
            fields::audit_installed_applications::APPLICATION_NAME
                .substringof("Office")
                .and(fields::audit_installed_applications::SIZE.gt(1000)),
        )
        .order_by(fields::audit_installed_applications::LAST_MODIFIED_DATE.desc())
        .collect()
        .await
        .unwrap();
    assert!(apps.is_empty());
}

#[tokio::test]
async fn audit_summary_decodes_the_guide_sample() {
    let server = server().await;
    call("GET", &format!("assetmgmt/audit/{AGENT}/summary"))
        .respond_with(fixture("audit_summary.json"))
        .expect(1)
        .mount(&server)
        .await;
    let summary = client(&server).audit().summary(&agent()).await.unwrap();
    assert_eq!(summary.last_audit, Some(at("2016-03-14T22:19:31.823Z")));
    assert_eq!(
        summary.system_info.unwrap().sys_serial_number.as_deref(),
        Some("ABC123")
    );
    let network = summary.network_info.unwrap();
    assert_eq!(network.mac_addr.as_deref(), Some("00-11-22-33-44-55"));
    assert_eq!(
        (network.dhcp_enabled, network.wins_enabled),
        (Some(true), Some(false))
    );
    assert_eq!(network.primary_wins.as_deref(), Some(""));
    assert_eq!(
        summary.time_info.unwrap().agent_time_zone.as_deref(),
        Some("AUS Eastern Standard Time")
    );
    assert_eq!(
        summary.chassis.unwrap().chassis_asset_tag.as_deref(),
        Some("A-77")
    );
    assert_eq!(
        summary.motherboard.unwrap().external_bus_speed.as_deref(),
        Some("100 MHz")
    );
    assert_eq!(
        summary.bios.unwrap().bios_version.as_deref(),
        Some("1.14.0")
    );
    let cpu = summary.cpu_ram.unwrap();
    assert_eq!(
        (cpu.cpu_count, cpu.cpu_speed_mhz, cpu.ram_mbytes),
        (Some(8), Some(3600), Some(16384))
    );
    assert_eq!(
        summary.on_board_devices.unwrap()[0].kind.as_deref(),
        Some("Video")
    );
    assert_eq!(
        summary.port_connectors.unwrap()[0].port_type.as_deref(),
        Some("USB")
    );
    assert_eq!(
        summary.memory_devices.unwrap()[0].speed.as_deref(),
        Some("2400 MHz")
    );
    let slots = summary.system_slots.unwrap();
    assert_eq!(slots[0].id.as_deref(), Some("0"));
    assert_eq!(slots[1].id.as_deref(), Some("2"));
    assert_eq!(summary.custom_fields, Some(json!({"Rack": "B4"})));
}

#[tokio::test]
async fn purchase_and_warranty_get_and_update() {
    let server = server().await;
    let rest = format!("assetmgmt/audit/{BIG_AGENT}/hardware/purchaseandwarrantyexpire");
    call("GET", &rest)
        .respond_with(envelope(json!({
            "PurchaseDate": "2017-08-01T15:52:15.205Z", "WarrantyExpireDate": "2020-08-01T15:52:15.205Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    call("PUT", &rest)
        .and(body_json(json!({
            "PurchaseDate": "2024-01-31T00:00:00Z", "WarrantyExpireDate": "2027-01-31T00:00:00Z"
        })))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let id = AgentId::new(BIG_AGENT).unwrap();
    let dates = vsa.audit().purchase_and_warranty(&id).await.unwrap();
    assert_eq!(
        dates.warranty_expire_date,
        Some(at("2020-08-01T15:52:15.205Z"))
    );
    vsa.audit()
        .update_purchase_and_warranty(
            &id,
            &PurchaseAndWarranty::new(at("2024-01-31T00:00:00Z"), at("2027-01-31T00:00:00Z")),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn audits_run_now_and_schedule() {
    let server = server().await;
    let schedule_body = json!({
        "Recurrence": recurrence_json(),
        "Distribution": {"Interval": "Hours", "Magnitude": 2},
        "Start": {"StartOn": "2015-08-06T16:19:39.218Z", "StartAt": "T0000"},
        "Exclusion": {"From": "T0000", "To": "T0100"},
        "Attributes": {}
    });
    for kind in ["baseline", "latest", "sysinfo"] {
        call("PUT", &format!("assetmgmt/audit/{kind}/{AGENT}/runnow"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        call("PUT", &format!("assetmgmt/audit/{kind}/{AGENT}/schedule"))
            .and(body_json(schedule_body.clone()))
            .respond_with(done())
            .expect(1)
            .mount(&server)
            .await;
    }
    let body = AuditSchedule::new()
        .recurrence(recurrence())
        .distribution(DistributionWindow::new("Hours", 2))
        .start(
            StartOptions::new()
                .start_on(at("2015-08-06T16:19:39.218Z"))
                .start_at("T0000"),
        )
        .exclusion(ExclusionWindow::new("T0000", "T0100"))
        .attributes(json!({}));
    let vsa = client(&server);
    let audit = vsa.audit();
    let id = agent();
    audit.run_baseline_now(&id).await.unwrap();
    audit.schedule_baseline(&id, &body).await.unwrap();
    audit.run_latest_now(&id).await.unwrap();
    audit.schedule_latest(&id, &body).await.unwrap();
    audit.run_sysinfo_now(&id).await.unwrap();
    audit.schedule_sysinfo(&id, &body).await.unwrap();
}

// ---------------------------------------------------------------- patch management

#[tokio::test]
async fn patch_scan_status_missing_and_history() {
    let server = server().await;
    call("PUT", &format!("assetmgmt/patch/{AGENT}/scannow"))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("PUT", &format!("assetmgmt/patch/{AGENT}/schedule"))
        .and(body_json(json!({
            "ServerTimeZone": true, "SkipIfOffLine": true, "PowerUpIfOffLine": true, "PatchIds": [0],
            "Recurrence": recurrence_json(),
            "Distribution": {"Interval": "Minutes", "Magnitude": 0},
            "Start": {"StartOn": "2016-03-15T15:50:11.564Z", "StartAt": "T0000"},
            "Exclusion": {"From": "T0000", "To": "T0000"},
            "Attributes": {}
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    call("GET", &format!("assetmgmt/patch/{AGENT}/status"))
        .respond_with(fixture("patch_status.json"))
        .expect(1)
        .mount(&server)
        .await;
    for hide in ["true", "false"] {
        first_page(
            "GET",
            &format!("assetmgmt/patch/{AGENT}/machineupdate/{hide}"),
        )
        .respond_with(fixture("missing_patches.json"))
        .expect(1)
        .mount(&server)
        .await;
    }
    first_page("GET", &format!("assetmgmt/patch/{AGENT}/history"))
        .and(query_param("$filter", "KBArticleId eq 'KB5037771'"))
        .respond_with(rows(json!([{
            "PatchDataId": 190, "KBArticleId": "KB5037771", "KBArticleLink": "https://support.microsoft.com/kb/5037771",
            "UpdateTitle": "2024-05 Cumulative Update", "InstallDate": "2024-05-20T03:00:00Z", "PatchState": 1,
            "IsSuperseded": false, "WuaProductId": 7
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let patch = vsa.patch_management();
    let id = agent();
    patch.scan_now(&id).await.unwrap();
    let body = PatchSchedule::new()
        .server_time_zone(true)
        .skip_if_off_line(true)
        .power_up_if_off_line(true)
        .patch_ids([0])
        .recurrence(recurrence())
        .distribution(DistributionWindow::new("Minutes", 0))
        .start(
            StartOptions::new()
                .start_on(at("2016-03-15T15:50:11.564Z"))
                .start_at("T0000"),
        )
        .exclusion(ExclusionWindow::new("T0000", "T0000"))
        .attributes(json!({}));
    patch.schedule_scan(&id, &body).await.unwrap();

    let status = patch.status(&id).await.unwrap();
    assert_eq!(status.run_count, Some(3));
    assert_eq!(status.winau_changed_alert, Some(1));
    assert_eq!(status.alert_email.as_deref(), Some("ops@example.com"));
    assert_eq!(status.use_internet_src_fallback, Some(1));

    for hide in [true, false] {
        let missing = patch.missing_patches(&id, hide).collect().await.unwrap();
        assert_eq!(missing[0].patch_data_id, Some(190));
        assert_eq!(missing[0].kb_article.as_deref(), Some("KB5037771"));
        assert_eq!(missing[0].manual_update_flag, Some(1));
        assert_eq!(missing[0].is_superseded, Some(false));
    }
    let history = patch
        .history(&id)
        .filter(fields::patch_history::KB_ARTICLE_ID.eq("KB5037771"))
        .collect()
        .await
        .unwrap();
    assert_eq!(history[0].kb_article_id.as_deref(), Some("KB5037771"));
    assert_eq!(history[0].wua_product_id, Some(7));
}

#[tokio::test]
async fn patch_run_now_sends_agent_guids_as_exact_numbers() {
    let server = server().await;
    call("PUT", "assetmgmt/patch/runnow")
        .and(body_json(json!({
            "AgentGuids": [121747357971679u64],
            "SkipIfOffLine": true, "PatchIds": [190, 191], "SchedInAgentTime": true,
            "Recurrence": {"Repeat": "Never"}
        })))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("PUT", "assetmgmt/patch/runnow")
        .and(body_string(
            r#"{"AgentGuids":[121747357971679,72135976418143160123456789],"PatchIds":[190]}"#,
        ))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let body = PatchSchedule::new()
        .skip_if_off_line(true)
        .patch_ids([190, 191])
        .sched_in_agent_time(true)
        .recurrence(RecurrenceOptions::once());
    vsa.patch_management()
        .run_now(&[agent()], &body)
        .await
        .unwrap();
    vsa.patch_management()
        .run_now(
            &[agent(), AgentId::new(BIG_AGENT).unwrap()],
            &PatchSchedule::new().patch_ids([190]),
        )
        .await
        .unwrap();
    let err = vsa
        .patch_management()
        .run_now(&[], &PatchSchedule::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
}

#[tokio::test]
async fn patch_cancel_delete_and_ignore() {
    let server = server().await;
    call("DELETE", &format!("assetmgmt/patch/{AGENT}/cancelschedule"))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("DELETE", "assetmgmt/patch")
        .and(query_param(
            "agentGuids",
            format!("{AGENT},{BIG_AGENT}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    call("PUT", &format!("assetmgmt/patch/{AGENT}/setignore"))
        .and(body_json(
            json!({"PatchIds": [190, 191], "ServerTimeZone": false}),
        ))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    call("DELETE", &format!("assetmgmt/patch/{AGENT}/190/setignore"))
        .respond_with(done())
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let patch = vsa.patch_management();
    let id = agent();
    patch.cancel_schedule(&id).await.unwrap();
    patch
        .delete(&[id.clone(), AgentId::new(BIG_AGENT).unwrap()])
        .await
        .unwrap();
    patch
        .set_ignore(
            &id,
            &PatchSchedule::new()
                .patch_ids([190, 191])
                .server_time_zone(false),
        )
        .await
        .unwrap();
    patch.unset_ignore(&id, 190).await.unwrap();

    // Refused before anything is sent.
    for err in [
        patch.delete(&[]).await.unwrap_err(),
        patch
            .set_ignore(&id, &PatchSchedule::new())
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::Config { .. }), "{err}");
    }
}

// ---------------------------------------------------------------- errors and writes

#[tokio::test]
async fn schedules_and_ignores_are_sent_once_and_errors_are_typed() {
    let server = server().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": false, "ResponseCode": 404, "Status": "Not Found", "Error": "Patch 190 not found"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let vsa = client(&server);
    let id = agent();
    let errors = [
        vsa.agent_procedures()
            .schedule(
                &id,
                &AgentProcedureId::from(1u64),
                &ProcedureSchedule::new(),
            )
            .await
            .unwrap_err(),
        vsa.audit()
            .schedule_latest(&id, &AuditSchedule::new())
            .await
            .unwrap_err(),
        vsa.patch_management()
            .set_ignore(&id, &PatchSchedule::new().patch_ids([1]))
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert!(err.is_retryable(), "{err}");
    }
    let err = vsa
        .patch_management()
        .unset_ignore(&id, 190)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.to_string().contains("Patch 190 not found"), "{err}");
}
