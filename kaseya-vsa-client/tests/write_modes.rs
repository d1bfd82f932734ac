//! Every write call of the crate, in the three write modes, against the simulator:
//!
//! - read-only: the call fails with `Error::ReadOnly` naming it, and nothing reaches the
//!   simulator;
//! - dry run: the error carries exactly the call's own preview, and nothing is sent;
//! - read-write: the request the simulator receives has the preview's method, path,
//!   query and body (byte for byte).
//!
//! Reads still work in read-only and dry-run mode.
#![cfg(feature = "sim")]

use std::collections::BTreeMap;

use kaseya_vsa_client::agent_procedures::ProcedureSchedule;
use kaseya_vsa_client::agents::{CheckInControl, UserProfile};
use kaseya_vsa_client::audit::{AuditSchedule, PurchaseAndWarranty};
use kaseya_vsa_client::departments::Department;
use kaseya_vsa_client::files::RepoPath;
use kaseya_vsa_client::general::{Email, NewNotification};
use kaseya_vsa_client::ids::{
    AgentId, AgentProcedureId, AlarmId, AssetId, DecimalId, DepartmentId, MachineGroupId,
    MessageId, NoteId, OrgId, PackageId, PartitionId, RoleId, ScopeId,
};
use kaseya_vsa_client::logs::LiveConnectAuditEntry;
use kaseya_vsa_client::machine_groups::MachineGroup;
use kaseya_vsa_client::navigation::NotificationUpdate;
use kaseya_vsa_client::orgs::Organization;
use kaseya_vsa_client::packages::{NewPackage, PackageLinkRequest};
use kaseya_vsa_client::patch::PatchSchedule;
use kaseya_vsa_client::sim::Simulator;
use kaseya_vsa_client::users::Role;
use kaseya_vsa_client::{Call, Client, Error, Listing, Raw, WriteMode};
use msp_common::{Request, Url};
use serde_json::json;

fn agent() -> AgentId {
    AgentId::from(121_747_357_971_679u64)
}

fn big_agent() -> AgentId {
    AgentId::new("72135976418143161000000010").unwrap()
}

fn path(p: &str) -> RepoPath {
    RepoPath::new(p).unwrap()
}

/// A write call of the crate, built with sample arguments.
type Make = fn(&Client) -> Call<()>;

/// Every write call of the crate (and the raw escape hatch's writes), with the
/// operation name its errors carry.
fn writes() -> Vec<(&'static str, Make)> {
    vec![
        // Agent procedures
        ("run_agent_procedure", |c| {
            c.agent_procedures()
                .run_now(&agent(), &AgentProcedureId::from(1000u64))
        }),
        ("schedule_agent_procedure", |c| {
            c.agent_procedures().schedule(
                &agent(),
                &AgentProcedureId::from(1001u64),
                &ProcedureSchedule::new().skip_if_off_line(true),
            )
        }),
        ("cancel_agent_procedure", |c| {
            c.agent_procedures()
                .cancel(&agent(), &AgentProcedureId::from(1002u64))
        }),
        ("update_quick_launch_procedure", |c| {
            c.agent_procedures()
                .update_quick_launch(&AgentProcedureId::from(1003u64))
        }),
        ("delete_quick_launch_procedure", |c| {
            c.agent_procedures()
                .delete_quick_launch(&AgentProcedureId::from(1004u64))
        }),
        ("set_ask_before_executing", |c| {
            c.agent_procedures().set_ask_before_executing(true)
        }),
        // Agents
        ("delete_agent", |c| c.agents().delete(&big_agent(), true)),
        ("rename_agent", |c| {
            c.agents().rename(&agent(), "PC 0042 / O'Brien's #1")
        }),
        ("update_agent_user_profile", |c| {
            let mut profile = UserProfile::default();
            profile.user_email = Some("ops@example.com".into());
            c.agents().update_user_profile(&agent(), &profile)
        }),
        ("update_agent_temp_dir", |c| {
            c.agents().update_temp_dir(&agent(), r"C:\kworking")
        }),
        ("update_agent_check_in_control", |c| {
            let mut control = CheckInControl::default();
            control.bandwidth_throttle = Some(0);
            c.agents().update_check_in_control(&agent(), &control)
        }),
        // Alarms, assets
        ("close_alarm", |c| {
            c.alarms()
                .close(&AlarmId::from(30_000_000_001u64), "Restarted the spooler")
        }),
        ("delete_asset", |c| c.assets().delete(&AssetId::from(10u64))),
        // Audit
        ("update_purchase_and_warranty", |c| {
            c.audit().update_purchase_and_warranty(
                &agent(),
                &PurchaseAndWarranty::new(
                    "2024-01-31T00:00:00Z".parse().unwrap(),
                    "2027-01-31T00:00:00Z".parse().unwrap(),
                ),
            )
        }),
        ("run_baseline_audit", |c| {
            c.audit().run_baseline_now(&agent())
        }),
        ("schedule_baseline_audit", |c| {
            c.audit().schedule_baseline(&agent(), &AuditSchedule::new())
        }),
        ("run_latest_audit", |c| c.audit().run_latest_now(&agent())),
        ("schedule_latest_audit", |c| {
            c.audit().schedule_latest(&agent(), &AuditSchedule::new())
        }),
        ("run_sysinfo_audit", |c| c.audit().run_sysinfo_now(&agent())),
        ("schedule_sysinfo_audit", |c| {
            c.audit().schedule_sysinfo(&agent(), &AuditSchedule::new())
        }),
        // Custom fields
        ("add_agent_custom_field", |c| {
            c.custom_fields().add("Warranty Vendor", "string")
        }),
        ("rename_agent_custom_field", |c| {
            c.custom_fields().rename("Warranty Vendor", "Vendor")
        }),
        ("set_agent_custom_field_value", |c| {
            c.custom_fields()
                .set_value(&agent(), "Vendor", "Contoso & Sons")
        }),
        ("delete_agent_custom_field", |c| {
            c.custom_fields().delete("Vendor")
        }),
        // Departments, machine groups, organizations, roles
        ("create_department", |c| {
            c.departments()
                .in_org(&OrgId::from(10_000_000_000_000u64))
                .create(&Department::new("Sales"))
                .map(drop)
        }),
        ("update_department", |c| {
            c.departments()
                .update(&DepartmentId::from(7u64), &Department::new("Engineering"))
        }),
        ("delete_department", |c| {
            c.departments().delete(&DepartmentId::from(7u64))
        }),
        ("create_machine_group", |c| {
            c.machine_groups()
                .in_org(&OrgId::from(10_000_000_000_000u64))
                .create(&MachineGroup::new("laptops"))
                .map(drop)
        }),
        ("update_machine_group", |c| {
            c.machine_groups()
                .update(&MachineGroupId::from(20u64), &MachineGroup::new("srv"))
        }),
        ("delete_machine_group", |c| {
            c.machine_groups().delete(&MachineGroupId::from(20u64))
        }),
        ("create_org", |c| {
            c.orgs()
                .create(&Organization::new("Globex", "globex"))
                .map(drop)
        }),
        ("update_org", |c| {
            c.orgs().update(
                &OrgId::from(10_000_000_000_101u64),
                &Organization::new("Globex Corp", "globex"),
            )
        }),
        ("delete_org", |c| {
            c.orgs().delete(&OrgId::from(10_000_000_000_101u64))
        }),
        ("create_role", |c| {
            c.roles()
                .create(&Role::new("Auditors", vec![DecimalId::from(4u64)]))
                .map(drop)
        }),
        // Files
        ("add_custom_extension_folder", |c| {
            c.custom_extensions()
                .create_folder(&agent(), &path("apps/new tools"))
        }),
        ("upload_custom_extension_file", |c| {
            c.custom_extensions()
                .upload(
                    &agent(),
                    &path("apps"),
                    "run me.ps1",
                    b"Write-Host 'hi'\r\n",
                )
                .map(drop)
        }),
        ("delete_custom_extension", |c| {
            c.custom_extensions()
                .delete(&agent(), &path("apps/exe/utilities"))
        }),
        ("add_document_folder", |c| {
            c.documents()
                .create_folder(&agent(), &path("contracts/2024"))
        }),
        ("upload_document", |c| {
            c.documents()
                .upload(&agent(), &RepoPath::root(), "a b.txt", b"plain text")
                .map(drop)
        }),
        ("delete_document", |c| {
            c.documents().delete(&agent(), &path("contracts/a b.pdf"))
        }),
        ("rename_document", |c| {
            c.documents().rename(&agent(), "a/b.txt", "c.txt")
        }),
        ("move_document", |c| {
            c.documents()
                .move_file(&agent(), "a.txt", "archive/a.txt")
                .map(drop)
        }),
        ("delete_get_file", |c| {
            c.get_files().delete(&agent(), &path(r"logs\app 1.zip"))
        }),
        // Core
        ("send_email", |c| {
            c.send_email(&Email::new("ops@example.com", "Disk low", "C: 3%"))
        }),
        ("add_notification", |c| {
            c.add_notification(&NewNotification::new("Patch night", "Tonight 22:00"))
        }),
        // Info center, logs
        ("set_info_center_messages_read", |c| {
            c.info_center().set_read(
                true,
                &[
                    MessageId::new("17262321222881121253998111").unwrap(),
                    MessageId::from(465u64),
                ],
            )
        }),
        ("delete_info_center_message", |c| {
            c.info_center().delete(&MessageId::from(465u64))
        }),
        ("add_live_connect_audit_entry", |c| {
            c.logs().add_live_connect_audit_entry(
                &agent(),
                &LiveConnectAuditEntry::new("kadmin", "pc.root.acme", "session started"),
            )
        }),
        // Navigation
        ("change_role", |c| {
            c.navigation().change_role(&RoleId::from(2u64))
        }),
        ("change_scope", |c| {
            c.navigation().change_scope(&ScopeId::from(3u64))
        }),
        ("set_alerts_read", |c| {
            c.navigation()
                .set_alerts_read(true, &[DecimalId::from(1u64), DecimalId::from(465u64)])
        }),
        ("update_notifications", |c| {
            c.navigation().update_notifications(&[
                NotificationUpdate::snooze(DecimalId::from(500_536_841_014_654u64), 2),
                NotificationUpdate::read(DecimalId::from(628_156_629_310_993u64), true),
            ])
        }),
        ("perform_notification_action", |c| {
            c.navigation()
                .perform_notification_action(&DecimalId::from(500_536_841_014_654u64))
        }),
        ("delete_alerts", |c| {
            c.navigation()
                .delete_alerts(&[DecimalId::from(1u64), DecimalId::from(2u64)])
        }),
        ("delete_notification", |c| {
            c.navigation()
                .delete_notification(&DecimalId::from(500_536_841_014_654u64))
        }),
        // Notes
        ("update_agent_notes", |c| {
            let mut notes = BTreeMap::new();
            notes.insert(NoteId::from(123u64), "updated desc".to_owned());
            notes.insert(NoteId::from(456u64), "second".to_owned());
            c.notes().update(&notes)
        }),
        ("add_agent_note", |c| {
            c.notes().add(&agent(), "Replaced the \"fan\"")
        }),
        ("delete_agent_note", |c| {
            c.notes().delete(&NoteId::from(15u64))
        }),
        // Packages
        ("add_agent_install_package", |c| {
            c.packages()
                .add(&NewPackage::new("Servers", MachineGroupId::from(2u64)))
                .map(drop)
        }),
        ("delete_agent_install_package", |c| {
            c.packages().delete(&PackageId::from(5u64))
        }),
        ("create_agent_install_link", |c| {
            c.packages()
                .create_link(&PackageLinkRequest::new(
                    PartitionId::from(1u64),
                    "root.acme",
                ))
                .map(drop)
        }),
        // Patch management
        ("patch_scan_now", |c| {
            c.patch_management().scan_now(&agent())
        }),
        ("schedule_patch_scan", |c| {
            c.patch_management()
                .schedule_scan(&agent(), &PatchSchedule::new())
        }),
        ("patch_run_now", |c| {
            c.patch_management()
                .run_now(&[agent(), big_agent()], &PatchSchedule::new())
        }),
        ("cancel_patch_schedule", |c| {
            c.patch_management().cancel_schedule(&agent())
        }),
        ("delete_patch", |c| {
            c.patch_management().delete(&[agent(), big_agent()])
        }),
        ("set_patch_ignore", |c| {
            c.patch_management()
                .set_ignore(&agent(), &PatchSchedule::new().patch_ids([190, 191]))
        }),
        ("unset_patch_ignore", |c| {
            c.patch_management().unset_ignore(&agent(), 190)
        }),
        // The escape hatch
        ("post", |c| {
            c.post::<(), _>(
                "system/roles/7/users",
                &json!({"UserId": 89_049_122_543u64}),
            )
        }),
        ("put", |c| {
            c.put::<(), _>("system/roles/7", &json!({"RoleName": "Auditors"}))
        }),
        ("patch", |c| c.patch::<(), _>("system/roles/7", &json!([]))),
        ("delete", |c| c.delete::<()>("system/roles/7")),
        ("raw_put", |c| {
            c.send(
                Request::put("system/roletypes")
                    .query("q", "a b&c")
                    .operation("raw_put"),
            )
            .map(drop)
        }),
    ]
}

#[test]
fn the_table_covers_every_write_of_the_endpoint_tables() {
    let documented: usize = [
        include_str!("../docs/endpoints-agents-assets.md"),
        include_str!("../docs/endpoints-procedures-audit-patch.md"),
        include_str!("../docs/endpoints-system.md"),
    ]
    .iter()
    .flat_map(|doc| doc.lines())
    .filter(|line| line.ends_with("| write |"))
    .count();
    let raw = 5;
    assert_eq!(writes().len(), documented + raw);
    let names: std::collections::BTreeSet<_> = writes().iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), writes().len(), "operation names are unique");
}

async fn setup() -> (Simulator, Client) {
    let sim = Simulator::builder().agents(20).start().await;
    let client = sim.client().unwrap();
    client.authenticate().await.unwrap();
    (sim, client)
}

#[tokio::test]
async fn read_only_refuses_every_write_before_sending_it() {
    let (sim, rw) = setup().await;
    let ro = rw.with_write_mode(WriteMode::ReadOnly);
    assert_eq!(ro.write_mode(), WriteMode::ReadOnly);
    let before = sim.received().len();
    for (name, make) in writes() {
        let call = make(&ro);
        assert!(call.is_write(), "{name} is a write");
        assert_eq!(call.operation(), name);
        let err = call.await.unwrap_err();
        assert!(matches!(err, Error::ReadOnly { .. }), "{name}: {err:?}");
        assert!(err.is_write_refused());
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    assert_eq!(sim.received().len(), before, "nothing reached the server");

    // Reads still work, on the same session.
    let agents = ro.agents().list().limit(3).collect().await.unwrap();
    assert_eq!(agents.len(), 3);
    assert_eq!(
        ro.agents().get(&agents[0].agent_id).await.unwrap().agent_id,
        agents[0].agent_id
    );
    assert!(!ro.alarms().list(true).collect().await.unwrap().is_empty());
    ro.echo().await.unwrap();
    let _: serde_json::Value = ro.get("system/orgs", &[]).await.unwrap();
    assert_eq!(sim.auth_requests(), 1, "the copy shares the session");
}

#[tokio::test]
async fn dry_run_returns_the_preview_and_sends_nothing() {
    let (sim, rw) = setup().await;
    let dry = rw.with_write_mode(WriteMode::DryRun);
    let before = sim.received().len();
    for (name, make) in writes() {
        let call = make(&dry);
        let preview = call.preview().unwrap();
        let err = call.await.unwrap_err();
        assert!(matches!(err, Error::DryRun { .. }), "{name}: {err:?}");
        assert_eq!(err.dry_run_preview(), Some(&preview), "{name}");
        assert!(err.to_string().contains(name), "{name}: {err}");
        assert!(
            preview
                .headers
                .iter()
                .any(|(k, v)| k == "authorization" && v == "[REDACTED]"),
            "{name}: {:?}",
            preview.headers
        );
    }
    assert_eq!(sim.received().len(), before, "nothing reached the server");
    // Reads are sent.
    assert_eq!(
        dry.orgs().list().collect().await.unwrap().len(),
        5,
        "the simulator's five organizations"
    );
}

#[tokio::test]
async fn read_write_sends_exactly_what_the_preview_shows() {
    let (sim, rw) = setup().await;
    for (name, make) in writes() {
        let call = make(&rw);
        let preview = call.preview().unwrap();
        let before = sim.received().len();
        // The simulator models few of these endpoints: an error answer is fine, what
        // matters is what it received.
        let _ = call.await;
        let received = sim.received();
        let sent = &received[before..];
        assert_eq!(sent.len(), 1, "{name}: sent once: {sent:?}");
        let sent = &sent[0];
        let url = Url::parse(&preview.url).unwrap();
        assert_eq!(sent.method, preview.method.as_str(), "{name}");
        assert_eq!(sent.path, url.path(), "{name}: path");
        assert_eq!(sent.raw_query.as_deref(), url.query(), "{name}: query");
        assert_eq!(
            sent.body,
            preview.body.clone().unwrap_or_default().into_bytes(),
            "{name}: body"
        );
    }
    assert_eq!(sim.auth_requests(), 1);

    // Spot checks of what the comparison above covered.
    let received = sim.received();
    let find = |path: &str| {
        received
            .iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("{path} not received"))
    };
    assert_eq!(
        find("/api/v1.0/assetmgmt/patch").raw_query.as_deref(),
        Some("agentGuids=121747357971679%2C72135976418143161000000010")
    );
    assert_eq!(
        find("/api/v1.0/assetmgmt/documents/121747357971679/Rename/a%2Fb.txt/c.txt").method,
        "DELETE"
    );
    assert_eq!(
        find("/api/v1.0/navigation/header/alerts/isread/true").body,
        b"[1,465]".to_vec()
    );
    assert_eq!(
        find("/api/v1.0/infocenter/messages/true").body,
        b"[17262321222881121253998111,465]".to_vec()
    );
}

#[tokio::test]
async fn a_write_that_cannot_be_built_fails_in_every_mode_without_sending() {
    let (sim, rw) = setup().await;
    let before = sim.received().len();
    for mode in [WriteMode::ReadWrite, WriteMode::ReadOnly, WriteMode::DryRun] {
        let vsa = rw.with_write_mode(mode);
        let call = vsa.patch_management().run_now(&[], &PatchSchedule::new());
        assert!(matches!(call.preview(), Err(Error::Config { .. })));
        let err = call.await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{mode}: {err:?}");
        let err = vsa
            .documents()
            .delete(&agent(), &RepoPath::root())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{mode}: {err:?}");
    }
    assert_eq!(sim.received().len(), before);
}
