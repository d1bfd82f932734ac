//! Members, callback registrations and system information.

use msp_common::{Call, Request};

use crate::client::Client;
use crate::models::{CallbackEntry, CallbackId, Member, MemberId, SystemInfo};
use crate::resource::Resource;

/// `/system/members`.
pub type Members = Resource<Member, MemberId>;
/// `/system/callbacks`: register (`create`), change (`update`, `patch`) and remove
/// (`delete`) callback subscriptions; each a write named `create_callback`, ….
pub type Callbacks = Resource<CallbackEntry, CallbackId>;

impl Client {
    /// Members (`/system/members`).
    pub fn members(&self) -> Members {
        Resource::new(self.clone(), "system/members").named("member", "members")
    }

    /// Callback registrations (`/system/callbacks`).
    pub fn callbacks(&self) -> Callbacks {
        Resource::new(self.clone(), "system/callbacks").named("callback", "callbacks")
    }

    /// `GET /system/info`: version, cloud or not, time zone. A read named `system_info`.
    pub fn system_info(&self) -> Call<SystemInfo> {
        Call::read_json(
            self.service(),
            Ok(Request::get("system/info").operation("system_info")),
        )
    }
}
