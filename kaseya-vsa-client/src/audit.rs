//! Audit: `/assetmgmt/audit` — audit summaries, the hardware and software an agent's
//! audits found, and running or scheduling baseline, latest and system info audits.

use crate::client::{Client, ListRequest};
use crate::ids::AgentId;
use msp_common::{Call, Request};

pub use crate::models::{
    AddRemoveProgram, AuditBios, AuditChassis, AuditCpuRam, AuditMotherboard, AuditNetworkInfo,
    AuditSchedule, AuditSummary, AuditSummaryRecord, AuditSystemInfo, AuditTimeInfo, Credential,
    DiskVolume, DriveType, InstalledApplication, LocalGroup, LocalGroupMember, MemoryDevice,
    OnBoardDevice, PciOrDiskDevice, PortConnector, Printer, PurchaseAndWarranty, SecurityProduct,
    SecurityProductType, SoftwareLicense, StartupApp, SystemSlot, UserAccount,
};

/// Audit calls; from [`Client::audit`].
#[derive(Debug, Clone)]
pub struct Audit {
    client: Client,
}

impl Client {
    /// Audit calls.
    pub fn audit(&self) -> Audit {
        Audit {
            client: self.clone(),
        }
    }
}

/// `GET /assetmgmt/audit/{agentId}/{rest…}` as a list.
fn agent_list<T>(
    client: &Client,
    agent_id: &AgentId,
    rest: &[&str],
    operation: &'static str,
) -> ListRequest<T> {
    let segments = std::iter::once(agent_id.as_str()).chain(rest.iter().copied());
    client.list_request(
        Request::get("assetmgmt/audit")
            .segments(segments)
            .operation(operation),
    )
}

impl Audit {
    /// `GET /assetmgmt/audit`: the audit summary of every agent in scope; filterable and
    /// sortable (see [`crate::odata::fields::audit_summaries`]).
    pub fn summaries(&self) -> ListRequest<AuditSummaryRecord> {
        self.client
            .list_named("assetmgmt/audit", "list_audit_summaries")
    }

    /// `GET /assetmgmt/audit/{agentId}/credentials`: an agent's credentials; filterable
    /// and sortable (see [`crate::odata::fields::audit_credentials`]).
    pub fn credentials(&self, agent_id: &AgentId) -> ListRequest<Credential> {
        agent_list(
            &self.client,
            agent_id,
            &["credentials"],
            "list_audit_credentials",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/groups`: the local user groups; filterable and
    /// sortable (see [`crate::odata::fields::audit_groups`]).
    pub fn groups(&self, agent_id: &AgentId) -> ListRequest<LocalGroup> {
        agent_list(&self.client, agent_id, &["groups"], "list_audit_groups")
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/diskvolumes`: the disk volumes; filterable
    /// and sortable (see [`crate::odata::fields::audit_disk_volumes`]).
    pub fn disk_volumes(&self, agent_id: &AgentId) -> ListRequest<DiskVolume> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "diskvolumes"],
            "list_audit_disk_volumes",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/pcianddisk`: the disk drives and PCI
    /// devices; filterable and sortable (see [`crate::odata::fields::audit_pci_and_disk`]).
    pub fn pci_and_disk(&self, agent_id: &AgentId) -> ListRequest<PciOrDiskDevice> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "pcianddisk"],
            "list_audit_pci_and_disk",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/printers`: the printers and their ports;
    /// filterable and sortable (see [`crate::odata::fields::audit_printers`]).
    pub fn printers(&self, agent_id: &AgentId) -> ListRequest<Printer> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "printers"],
            "list_audit_printers",
        )
    }

    /// `GET /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`: an agent's
    /// purchase and warranty expiration dates.
    pub fn purchase_and_warranty(&self, agent_id: &AgentId) -> Call<PurchaseAndWarranty> {
        let request = Request::get("assetmgmt/audit")
            .segments([agent_id.as_str(), "hardware", "purchaseandwarrantyexpire"])
            .operation("get_purchase_and_warranty");
        self.client.read(request)
    }

    /// `PUT /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`: updates an
    /// agent's purchase and warranty expiration dates. A write.
    pub fn update_purchase_and_warranty(
        &self,
        agent_id: &AgentId,
        dates: &PurchaseAndWarranty,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([agent_id.as_str(), "hardware", "purchaseandwarrantyexpire"])
            .operation("update_purchase_and_warranty")
            .json(dates);
        self.client.write_unit(request)
    }

    /// `GET /assetmgmt/audit/{agentId}/members`: the members of each local user group;
    /// filterable and sortable (see [`crate::odata::fields::audit_members`]).
    pub fn members(&self, agent_id: &AgentId) -> ListRequest<LocalGroupMember> {
        agent_list(&self.client, agent_id, &["members"], "list_audit_members")
    }

    /// `GET /assetmgmt/audit/{agentId}/software/addremoveprograms`: the Windows add/remove
    /// programs list; filterable and sortable (see
    /// [`crate::odata::fields::audit_add_remove_programs`]).
    pub fn add_remove_programs(&self, agent_id: &AgentId) -> ListRequest<AddRemoveProgram> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "addremoveprograms"],
            "list_audit_add_remove_programs",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/installedapplications`: the installed
    /// applications; filterable and sortable (see
    /// [`crate::odata::fields::audit_installed_applications`]).
    pub fn installed_applications(&self, agent_id: &AgentId) -> ListRequest<InstalledApplication> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "installedapplications"],
            "list_audit_installed_applications",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/licenses`: the software licenses;
    /// filterable and sortable (see [`crate::odata::fields::audit_licenses`]).
    pub fn licenses(&self, agent_id: &AgentId) -> ListRequest<SoftwareLicense> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "licenses"],
            "list_audit_licenses",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/securityproducts`: the security products;
    /// filterable and sortable (see [`crate::odata::fields::audit_security_products`]).
    pub fn security_products(&self, agent_id: &AgentId) -> ListRequest<SecurityProduct> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "securityproducts"],
            "list_audit_security_products",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/startupapps`: the applications started at
    /// logon; filterable and sortable (see [`crate::odata::fields::audit_startup_apps`]).
    pub fn startup_apps(&self, agent_id: &AgentId) -> ListRequest<StartupApp> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "startupapps"],
            "list_audit_startup_apps",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/summary`: an agent's detailed audit summary (one
    /// record, although the guide says the call accepts filter expressions).
    pub fn summary(&self, agent_id: &AgentId) -> Call<AuditSummary> {
        let request = Request::get("assetmgmt/audit")
            .segments([agent_id.as_str(), "summary"])
            .operation("get_audit_summary");
        self.client.read(request)
    }

    /// `GET /assetmgmt/audit/{agentId}/useraccounts`: the local user accounts; filterable
    /// and sortable (see [`crate::odata::fields::audit_user_accounts`]).
    pub fn user_accounts(&self, agent_id: &AgentId) -> ListRequest<UserAccount> {
        agent_list(
            &self.client,
            agent_id,
            &["useraccounts"],
            "list_audit_user_accounts",
        )
    }

    fn run_now(&self, kind: &'static str, agent_id: &AgentId) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([kind, agent_id.as_str(), "runnow"])
            .operation(match kind {
                "baseline" => "run_baseline_audit",
                "latest" => "run_latest_audit",
                _ => "run_sysinfo_audit",
            });
        self.client.write_unit(request)
    }

    fn schedule(
        &self,
        kind: &'static str,
        agent_id: &AgentId,
        schedule: &AuditSchedule,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([kind, agent_id.as_str(), "schedule"])
            .operation(match kind {
                "baseline" => "schedule_baseline_audit",
                "latest" => "schedule_latest_audit",
                _ => "schedule_sysinfo_audit",
            })
            .json(schedule);
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/audit/baseline/{agentId}/runnow`: runs a baseline audit (the
    /// machine's original configuration) now. A write.
    pub fn run_baseline_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("baseline", agent_id)
    }

    /// `PUT /assetmgmt/audit/baseline/{agentId}/schedule`: schedules a baseline audit. A
    /// write.
    pub fn schedule_baseline(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("baseline", agent_id, schedule)
    }

    /// `PUT /assetmgmt/audit/latest/{agentId}/runnow`: runs a latest audit now. A write.
    pub fn run_latest_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("latest", agent_id)
    }

    /// `PUT /assetmgmt/audit/latest/{agentId}/schedule`: schedules the latest audit (once
    /// a day is recommended). A write.
    pub fn schedule_latest(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("latest", agent_id, schedule)
    }

    /// `PUT /assetmgmt/audit/sysinfo/{agentId}/runnow`: runs a system info (DMI / SMBIOS)
    /// audit now. A write.
    pub fn run_sysinfo_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("sysinfo", agent_id)
    }

    /// `PUT /assetmgmt/audit/sysinfo/{agentId}/schedule`: schedules a system info audit. A
    /// write.
    pub fn schedule_sysinfo(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("sysinfo", agent_id, schedule)
    }
}
