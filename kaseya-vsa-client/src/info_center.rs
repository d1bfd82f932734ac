//! Info center: `/infocenter/messages`.

use serde_json::value::RawValue;

use crate::Error;
use crate::agents::bool_segment;
use crate::client::{Client, ListRequest};
use crate::ids::MessageId;
use msp_common::{Call, Request};

pub use crate::models::InfoMessage;

/// Info center calls; from [`Client::info_center`].
#[derive(Debug, Clone)]
pub struct InfoCenter {
    client: Client,
}

impl Client {
    /// Info center calls.
    pub fn info_center(&self) -> InfoCenter {
        InfoCenter {
            client: self.clone(),
        }
    }
}

impl InfoCenter {
    /// `GET /infocenter/messages`: the inbox messages; filterable and sortable (see
    /// [`crate::odata::fields::info_center_messages`]).
    pub fn messages(&self) -> ListRequest<InfoMessage> {
        self.client
            .list_named("infocenter/messages", "list_info_center_messages")
    }

    /// `PUT /infocenter/messages/{isRead}`: marks messages read (`is_read`) or unread.
    /// The body is the ids as a JSON array of numbers written digit for digit
    /// (`[17262321222881121253998111, 465]`), never through floating point. A write.
    pub fn set_read(&self, is_read: bool, message_ids: &[MessageId]) -> Call<()> {
        let request = message_ids
            .iter()
            .map(|id| RawValue::from_string(id.as_str().to_owned()))
            .collect::<std::result::Result<Vec<Box<RawValue>>, _>>()
            .map_err(|e| Error::config(format!("a message id is not a JSON number: {e}")))
            .and_then(|ids| {
                Request::put("infocenter/messages")
                    .segments([bool_segment(is_read)])
                    .operation("set_info_center_messages_read")
                    .json(&ids)
            });
        self.client.write_unit(request)
    }

    /// `DELETE /infocenter/messages/{messageId}`: deletes a message. A write.
    pub fn delete(&self, message_id: &MessageId) -> Call<()> {
        let request = Request::delete("infocenter/messages")
            .segments([message_id.as_str()])
            .operation("delete_info_center_message");
        self.client.write_unit(request)
    }
}
