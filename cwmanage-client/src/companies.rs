//! Companies, contacts, configurations and agreements.

use crate::client::Client;
use crate::models::{
    Agreement, AgreementId, Company, CompanyId, Configuration, ConfigurationId, Contact, ContactId,
};
use crate::resource::Resource;

/// `/company/companies`.
pub type Companies = Resource<Company, CompanyId>;
/// `/company/contacts`.
pub type Contacts = Resource<Contact, ContactId>;
/// `/company/configurations`.
pub type Configurations = Resource<Configuration, ConfigurationId>;
/// `/finance/agreements`.
pub type Agreements = Resource<Agreement, AgreementId>;

impl Client {
    /// Companies (`/company/companies`).
    ///
    /// ```no_run
    /// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
    /// use cwmanage_client::Listing;
    /// use cwmanage_client::conditions::Condition;
    /// let acme = client.companies().list()
    ///     .conditions(Condition::field("identifier").eq("Acme"))
    ///     .collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn companies(&self) -> Companies {
        Resource::new(self.clone(), "company/companies").named("company", "companies")
    }

    /// Contacts (`/company/contacts`).
    pub fn contacts(&self) -> Contacts {
        Resource::new(self.clone(), "company/contacts").named("contact", "contacts")
    }

    /// Configurations (`/company/configurations`).
    pub fn configurations(&self) -> Configurations {
        Resource::new(self.clone(), "company/configurations")
            .named("configuration", "configurations")
    }

    /// Agreements (`/finance/agreements`).
    pub fn agreements(&self) -> Agreements {
        Resource::new(self.clone(), "finance/agreements").named("agreement", "agreements")
    }
}
