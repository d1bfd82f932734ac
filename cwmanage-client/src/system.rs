//! Members, callback registrations and system information.

use msp_common::{Request, Result};

use crate::client::Client;
use crate::models::{CallbackEntry, CallbackId, Member, MemberId, SystemInfo};
use crate::resource::Resource;

/// `/system/members`.
pub type Members = Resource<Member, MemberId>;
/// `/system/callbacks`.
pub type Callbacks = Resource<CallbackEntry, CallbackId>;

impl Client {
    /// Members (`/system/members`).
    pub fn members(&self) -> Members {
        Resource::new(self.clone(), "system/members")
    }

    /// Callback registrations (`/system/callbacks`).
    pub fn callbacks(&self) -> Callbacks {
        Resource::new(self.clone(), "system/callbacks")
    }

    /// `/system/info`: version, cloud or not, time zone.
    pub async fn system_info(&self) -> Result<SystemInfo> {
        self.execute(|| Ok(Request::get("system/info").operation("system_info")))
            .await?
            .json()
    }
}
