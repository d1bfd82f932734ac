//! Wire tests for core, cloud backup, organizations, departments, machine groups,
//! navigation, users and roles: method, path, bearer token, query and body of each call.

use kaseya_vsa_client::Client;
use kaseya_vsa_client::Listing;
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::departments::Department;
use kaseya_vsa_client::general::{Email, NewNotification};
use kaseya_vsa_client::ids::{
    DecimalId, DepartmentId, MachineGroupId, OrgId, RoleId, ScopeId, UserId,
};
use kaseya_vsa_client::machine_groups::MachineGroup;
use kaseya_vsa_client::navigation::NotificationUpdate;
use kaseya_vsa_client::orgs::{ContactInfo, Organization};
use kaseya_vsa_client::users::Role;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: &str = "Bearer 777";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1.0/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"Token": "777", "TenantId": "1", "SessionExpiration": "2999-01-01T00:00:00"},
            "ResponseCode": 0
        })))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::personal_access_token("apiuser", "pat"))
        .build()
        .unwrap()
}

fn ok(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"}),
    )
}

fn ok_nav(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"Result": result, "ResponseCode": 200, "Status": "OK", "Error": "None"}),
    )
}

/// Mounts a mock that must be hit exactly once with this method, path and bearer token
/// (and body, when given).
async fn expect(
    server: &MockServer,
    verb: &str,
    p: &str,
    body: Option<Value>,
    response: ResponseTemplate,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(p))
        .and(header("authorization", BEARER));
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    mock.respond_with(response).expect(1).mount(server).await;
}

#[tokio::test]
async fn core() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/echo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/environment"))
        .respond_with(ok(json!({"SystemVersion": "9.5.0.0", "PatchLevel": "9.5.0.12", "CustomerID": "C1", "TimeZoneOffset": -60})))
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/echoauth",
        None,
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/authx",
        None,
        ok(json!({"Token": "x", "UserName": "apiuser", "CorrelationId": "dcc"})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/functions",
        None,
        ResponseTemplate::new(200)
            .set_body_json(json!({"Result": [2, 3, 900137], "TotalRecords": 3, "ResponseCode": 0})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/functions/7",
        None,
        ResponseTemplate::new(200)
            .set_body_json(json!({"Result": [70], "TotalRecords": 1, "ResponseCode": 0})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/ismoduleinstalled/7",
        None,
        ok(json!(true)),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/tenant",
        None,
        ok(json!({"TenantId": 121747357971679u64, "Ref": "acme", "Type": "MSP"})),
    )
    .await;
    expect(
        &server,
        "POST",
        "/api/v1.0/email",
        Some(json!({"ToAddress": "ops@example.com", "Subject": "Disk low", "Body": "C: 3%", "IsBodyHtml": false})),
        ok(json!(true)),
    )
    .await;
    expect(
        &server,
        "POST",
        "/api/v1.0/notification",
        Some(json!({"Title": "Patch night", "Body": "Tonight 22:00"})),
        ok(json!(true)),
    )
    .await;

    let vsa = client(&server);
    vsa.echo().await.unwrap();
    let env = vsa.environment().await.unwrap();
    assert_eq!(env.system_version.as_deref(), Some("9.5.0.0"));
    // Neither anonymous call authenticated.
    let anonymous: Vec<_> = server.received_requests().await.unwrap();
    assert!(
        anonymous
            .iter()
            .all(|r| !r.headers.contains_key("authorization"))
    );
    assert!(anonymous.iter().all(|r| r.url.path() != "/api/v1.0/auth"));

    vsa.echo_auth().await.unwrap();
    assert_eq!(
        vsa.authx().await.unwrap().user_name.as_deref(),
        Some("apiuser")
    );
    assert_eq!(vsa.functions().collect().await.unwrap(), vec![2, 3, 900137]);
    assert_eq!(vsa.module_functions(7).collect().await.unwrap(), vec![70]);
    assert!(vsa.is_module_installed(7).await.unwrap());
    assert_eq!(
        vsa.tenant().await.unwrap().tenant_id.unwrap().as_str(),
        "121747357971679"
    );
    let mut email = Email::new("ops@example.com", "Disk low", "C: 3%");
    email.is_body_html = Some(false);
    vsa.send_email(&email).await.unwrap();
    vsa.add_notification(&NewNotification::new("Patch night", "Tonight 22:00"))
        .await
        .unwrap();
}

#[tokio::test]
async fn cloud_backup_reads_bare_maps_and_envelopes() {
    let server = server().await;
    expect(&server, "GET", "/api/v1.0/kcb/servers", None, ResponseTemplate::new(200).set_body_json(json!({
        "830403000030949": "KCB_BackupStatus_NotScheduled", "928520795057310": "KCB_BackupStatus_Successful"
    })))
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/kcb/virtualmachines",
        None,
        ok(json!({"1": "KCB_BackupStatus_Failed"})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/kcb/workstations",
        None,
        ok(json!({})),
    )
    .await;
    let vsa = client(&server);
    let servers = vsa.cloud_backup_servers().await.unwrap();
    assert_eq!(servers["928520795057310"], "KCB_BackupStatus_Successful");
    assert_eq!(
        vsa.cloud_backup_virtual_machines().await.unwrap()["1"],
        "KCB_BackupStatus_Failed"
    );
    assert!(vsa.cloud_backup_workstations().await.unwrap().is_empty());
}

#[tokio::test]
async fn organizations() {
    let server = server().await;
    let org = json!({"OrgId": 72135976418143160123456789u128.to_string(), "OrgName": "O'Brien & Sons", "OrgRef": "obrien",
                     "ContactInfo": {"City": "Cork"}, "CustomFields": [{"FieldName": "Tier", "FieldValue": "Gold"}]});
    expect(
        &server,
        "GET",
        "/api/v1.0/system/orgs",
        None,
        ResponseTemplate::new(200)
            .set_body_json(json!({"Result": [org.clone()], "TotalRecords": 1, "ResponseCode": 0})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/system/orgs/42",
        None,
        ok(org.clone()),
    )
    .await;
    expect(&server, "POST", "/api/v1.0/system/orgs", Some(json!({"OrgName": "Globex", "OrgRef": "globex", "ContactInfo": {"PrimaryEmail": "it@globex.example"}})), ok(json!("9000"))).await;
    expect(
        &server,
        "PUT",
        "/api/v1.0/system/orgs/42",
        Some(json!({"OrgId": "42", "OrgName": "NorthernLights"})),
        ok(json!(true)),
    )
    .await;
    expect(
        &server,
        "DELETE",
        "/api/v1.0/system/orgs/42",
        None,
        ok(json!(true)),
    )
    .await;
    expect(&server, "GET", "/api/v1.0/system/orgs/locations", None, ResponseTemplate::new(200).set_body_json(json!({"Result": [{"OrgId": 42, "OrgName": "Acme", "City": "Oslo"}], "TotalRecords": 1, "ResponseCode": 0}))).await;
    expect(&server, "GET", "/api/v1.0/system/orgs/types", None, ResponseTemplate::new(200).set_body_json(json!({"Result": [{"OrgTypeID": 1, "OrgTypeRef": "Customer", "Status": 1}], "TotalRecords": 1, "ResponseCode": 0}))).await;

    let vsa = client(&server);
    let orgs = vsa.orgs().list().collect().await.unwrap();
    assert_eq!(
        orgs[0].org_id.as_ref().unwrap().as_str(),
        "72135976418143160123456789"
    );
    assert_eq!(
        orgs[0].contact_info.as_ref().unwrap().city.as_deref(),
        Some("Cork")
    );
    let id = OrgId::from(42u64);
    assert_eq!(
        vsa.orgs().get(&id).await.unwrap().custom_fields[0]
            .field_value
            .as_deref(),
        Some("Gold")
    );
    let mut new = Organization::new("Globex", "globex");
    let mut contact = ContactInfo::default();
    contact.primary_email = Some("it@globex.example".into());
    new.contact_info = Some(contact);
    // The server answers the new id; the record comes back with it.
    let created = vsa.orgs().create(&new).await.unwrap();
    assert_eq!(created.org_id, Some(OrgId::from(9000u64)));
    assert_eq!(created.org_name.as_deref(), Some("Globex"));
    assert_eq!(
        created.contact_info.unwrap().primary_email.as_deref(),
        Some("it@globex.example")
    );
    let mut changes = Organization::default();
    changes.org_name = Some("NorthernLights".into());
    vsa.orgs().update(&id, &changes).await.unwrap();
    vsa.orgs().delete(&id).await.unwrap();
    let locations = vsa.orgs().locations().collect().await.unwrap();
    assert_eq!(locations[0].contact.city.as_deref(), Some("Oslo"));
    assert_eq!(
        vsa.orgs().types().collect().await.unwrap()[0]
            .org_type_ref
            .as_deref(),
        Some("Customer")
    );
}

#[tokio::test]
async fn departments_and_machine_groups() {
    let server = server().await;
    let dept = json!({"DepartmentId": 5, "DepartmentName": "IT", "OrgId": 42});
    expect(
        &server,
        "GET",
        "/api/v1.0/system/orgs/42/departments",
        None,
        ResponseTemplate::new(200)
            .set_body_json(json!({"Result": [dept.clone()], "TotalRecords": 1, "ResponseCode": 0})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/system/departments/5",
        None,
        ok(dept.clone()),
    )
    .await;
    expect(
        &server,
        "POST",
        "/api/v1.0/system/orgs/42/departments",
        Some(json!({"DepartmentName": "Sales"})),
        ok(json!(6)),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/api/v1.0/system/departments/5",
        Some(json!({"DepartmentId": "5", "DepartmentName": "Engineering"})),
        ok(json!(true)),
    )
    .await;
    expect(
        &server,
        "DELETE",
        "/api/v1.0/system/departments/5",
        None,
        ok(json!(true)),
    )
    .await;
    let group = json!({"MachineGroupId": 7, "MachineGroupName": "servers.acme", "OrgId": 42});
    expect(
        &server,
        "GET",
        "/api/v1.0/system/machinegroups",
        None,
        ResponseTemplate::new(200).set_body_json(
            json!({"Result": [group.clone()], "TotalRecords": 1, "ResponseCode": 0}),
        ),
    )
    .await;
    // The guide's sample wraps the single record in an array.
    expect(
        &server,
        "GET",
        "/api/v1.0/system/machinegroups/7",
        None,
        ok(json!([group.clone()])),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/system/orgs/42/machinegroups",
        None,
        ResponseTemplate::new(200).set_body_json(
            json!({"Result": [group.clone()], "TotalRecords": 1, "ResponseCode": 0}),
        ),
    )
    .await;
    expect(
        &server,
        "POST",
        "/api/v1.0/system/orgs/42/machinegroups",
        Some(json!({"MachineGroupName": "laptops"})),
        ok(json!(8)),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/api/v1.0/system/machinegroups/7",
        Some(json!({"MachineGroupId": "7", "MachineGroupName": "srv"})),
        ok(json!(true)),
    )
    .await;
    expect(
        &server,
        "DELETE",
        "/api/v1.0/system/machinegroups/7",
        None,
        ok(json!(true)),
    )
    .await;

    let vsa = client(&server);
    let org = OrgId::from(42u64);
    assert_eq!(
        vsa.departments()
            .in_org(&org)
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    let dept_id = DepartmentId::from(5u64);
    assert_eq!(
        vsa.departments()
            .get(&dept_id)
            .await
            .unwrap()
            .department_name
            .as_deref(),
        Some("IT")
    );
    let sales = vsa
        .departments()
        .in_org(&org)
        .create(&Department::new("Sales"))
        .await
        .unwrap();
    assert_eq!(sales.department_id, Some(DepartmentId::from(6u64)));
    assert_eq!(sales.department_name.as_deref(), Some("Sales"));
    vsa.departments()
        .update(&dept_id, &Department::new("Engineering"))
        .await
        .unwrap();
    vsa.departments().delete(&dept_id).await.unwrap();
    let gid = MachineGroupId::from(7u64);
    assert_eq!(
        vsa.machine_groups().list().collect().await.unwrap().len(),
        1
    );
    assert_eq!(
        vsa.machine_groups()
            .get(&gid)
            .await
            .unwrap()
            .machine_group_name
            .as_deref(),
        Some("servers.acme")
    );
    assert_eq!(
        vsa.machine_groups()
            .in_org(&org)
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    let laptops = vsa
        .machine_groups()
        .in_org(&org)
        .create(&MachineGroup::new("laptops"))
        .await
        .unwrap();
    assert_eq!(laptops.machine_group_id, Some(MachineGroupId::from(8u64)));
    assert_eq!(laptops.machine_group_name.as_deref(), Some("laptops"));
    vsa.machine_groups()
        .update(&gid, &MachineGroup::new("srv"))
        .await
        .unwrap();
    vsa.machine_groups().delete(&gid).await.unwrap();
}

#[tokio::test]
async fn navigation_accepts_response_code_200() {
    let server = server().await;
    let module = json!([{"Name": "Service Desk", "FuncListID": 18, "Folders": [{"Name": "Operations", "FuncListID": 18001, "Items": [{"Name": "Tickets", "FuncListID": 18010, "HelpLink": "http://help"}]}]}]);
    expect(
        &server,
        "GET",
        "/api/v1.0/navigation/modulestap",
        None,
        ok_nav(json!([{"Name": "Basic Tap", "FuncListID": "897fe55a", "Folders": []}])),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/navigation/modules",
        None,
        ok_nav(module),
    )
    .await;
    expect(
        &server,
        "GET",
        "/api/v1.0/navigation/header",
        None,
        ok_nav(json!({"ImageUrl": "logo.gif", "HeaderTitle": "Enterprise"})),
    )
    .await;
    expect(&server, "GET", "/api/v1.0/navigation/header/agentsstatus", None, ok_nav(json!({"TotalOnlineAgentCount": 3, "OnlinePermanentAgentCount": 2, "TotalLicensedCount": 10}))).await;
    expect(
        &server,
        "GET",
        "/api/v1.0/navigation/header/onlineadmins",
        None,
        ok_nav(json!([{"LastActivity": "2019-03-26T18:56:28.795Z"}])),
    )
    .await;
    expect(&server, "GET", "/api/v1.0/navigation/header/alerts", None, ResponseTemplate::new(200).set_body_raw(
        r#"{"Result":[{"ID":54145893822813515322915234,"Subject":"Recovered Objects","AlertType":99}],"ResponseCode":200,"Status":"OK","Error":"None"}"#,
        "application/json",
    ))
    .await;
    expect(&server, "GET", "/api/v1.0/navigation/header/notifications", None, ok_nav(json!([{"ID": "372564273920173", "MessageType": 3, "MessageTypeName": "AgentNeedsUpgradeMessage", "MessageData": {"Count": 1}}]))).await;
    expect(
        &server,
        "GET",
        "/api/v1.0/navigation/classicenabled",
        None,
        ok_nav(json!(true)),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/api/v1.0/navigation/role/2",
        None,
        ok_nav(Value::Null),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/api/v1.0/navigation/scope/3",
        None,
        ok_nav(Value::Null),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1.0/navigation/header/alerts/isread/true"))
        .and(header("authorization", BEARER))
        .and(body_string("[54145893822813515322915234,465]"))
        .respond_with(ok_nav(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    expect(&server, "PUT", "/api/v1.0/navigation/header/notifications", Some(json!([{"ID": "500536841014654", "HoursToSnoozeFor": 2}, {"ID": "628156629310993", "IsRead": true}])), ok_nav(Value::Null)).await;
    expect(
        &server,
        "POST",
        "/api/v1.0/navigation/header/notifications/99/performaction",
        None,
        ok_nav(Value::Null),
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1.0/navigation/header/alerts"))
        .and(body_string("[123,465,789]"))
        .respond_with(ok_nav(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "DELETE",
        "/api/v1.0/navigation/header/notifications/99",
        None,
        ok_nav(Value::Null),
    )
    .await;

    let vsa = client(&server);
    let nav = vsa.navigation();
    assert_eq!(
        nav.modules_tap().await.unwrap()[0].name.as_deref(),
        Some("Basic Tap")
    );
    assert_eq!(
        nav.modules().await.unwrap()[0].folders[0].items[0]
            .name
            .as_deref(),
        Some("Tickets")
    );
    assert_eq!(
        nav.header().await.unwrap().header_title.as_deref(),
        Some("Enterprise")
    );
    assert_eq!(
        nav.agents_status().await.unwrap().total_licensed_count,
        Some(10)
    );
    assert_eq!(nav.online_admins().await.unwrap().len(), 1);
    let alerts = nav.alerts().await.unwrap();
    assert_eq!(alerts[0].id.as_str(), "54145893822813515322915234");
    assert_eq!(
        nav.notifications().await.unwrap()[0]
            .message_type_name
            .as_deref(),
        Some("AgentNeedsUpgradeMessage")
    );
    assert!(nav.classic_enabled().await.unwrap());
    nav.change_role(&RoleId::from(2u64)).await.unwrap();
    nav.change_scope(&ScopeId::from(3u64)).await.unwrap();
    nav.set_alerts_read(true, &[alerts[0].id.clone(), DecimalId::from(465u64)])
        .await
        .unwrap();
    nav.update_notifications(&[
        NotificationUpdate::snooze(DecimalId::from(500536841014654u64), 2),
        NotificationUpdate::read(DecimalId::from(628156629310993u64), true),
    ])
    .await
    .unwrap();
    nav.perform_notification_action(&DecimalId::from(99u64))
        .await
        .unwrap();
    nav.delete_alerts(&[123u64, 465, 789].map(DecimalId::from))
        .await
        .unwrap();
    nav.delete_notification(&DecimalId::from(99u64))
        .await
        .unwrap();
}

#[tokio::test]
async fn users_and_roles() {
    let server = server().await;
    expect(&server, "GET", "/api/v1.0/system/users", None, ResponseTemplate::new(200).set_body_json(json!({"Result": [{"UserId": 89049122543u64, "AdminName": "kadmin"}], "TotalRecords": 1, "ResponseCode": 0}))).await;
    expect(
        &server,
        "GET",
        "/api/v1.0/system/users/89049122543",
        None,
        ok(json!({"UserId": 89049122543u64, "AdminName": "kadmin", "Email": "k@example.com"})),
    )
    .await;
    expect(&server, "GET", "/api/v1.0/system/roles", None, ResponseTemplate::new(200).set_body_json(json!({"Result": [{"RoleId": 2, "RoleName": "Admin", "RoleTypeIds": [4, 5]}], "TotalRecords": 1, "ResponseCode": 0}))).await;
    expect(
        &server,
        "GET",
        "/api/v1.0/system/roles/2",
        None,
        ok(json!({"RoleId": 2, "RoleName": "Admin", "RoleTypeIds": [4]})),
    )
    .await;
    expect(
        &server,
        "POST",
        "/api/v1.0/system/roles",
        Some(json!({"RoleName": "rolenametext", "RoleTypeIds": ["0"]})),
        ok(json!(3)),
    )
    .await;
    let vsa = client(&server);
    assert_eq!(
        vsa.users().list().collect().await.unwrap()[0]
            .admin_name
            .as_deref(),
        Some("kadmin")
    );
    let user = vsa
        .users()
        .get(&UserId::from(89049122543u64))
        .await
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("k@example.com"));
    assert_eq!(
        vsa.roles().list().collect().await.unwrap()[0]
            .role_type_ids
            .len(),
        2
    );
    assert_eq!(
        vsa.roles()
            .get(&RoleId::from(2u64))
            .await
            .unwrap()
            .role_name
            .as_deref(),
        Some("Admin")
    );
    let role = vsa
        .roles()
        .create(&Role::new("rolenametext", vec![DecimalId::from(0u64)]))
        .await
        .unwrap();
    assert_eq!(role.role_id, Some(RoleId::from(3u64)));
    assert_eq!(role.role_name.as_deref(), Some("rolenametext"));
}
