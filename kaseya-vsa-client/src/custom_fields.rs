//! Agent custom fields: `/assetmgmt/assets/customfields` and
//! `/assetmgmt/assets/{agentId}/customfields`.

use crate::client::{Client, name_segment};
use crate::ids::AgentId;
use crate::models::KeyValue;
use msp_common::{Call, Request};

pub use crate::models::{CustomField, CustomFieldType};

/// Agent custom field calls; from [`Client::custom_fields`].
#[derive(Debug, Clone)]
pub struct CustomFields {
    client: Client,
}

impl Client {
    /// Agent custom field calls.
    pub fn custom_fields(&self) -> CustomFields {
        CustomFields {
            client: self.clone(),
        }
    }
}

impl CustomFields {
    /// `GET /assetmgmt/assets/{agentId}/customfields`: the custom fields of an agent with
    /// their values (not filterable).
    pub fn list(&self, agent_id: &AgentId) -> Call<Vec<CustomField>> {
        let request = Request::get("assetmgmt/assets")
            .segments([agent_id.as_str(), "customfields"])
            .operation("get_agent_custom_fields");
        self.client
            .read::<Option<Vec<CustomField>>>(request)
            .map(Option::unwrap_or_default)
    }

    /// `POST /assetmgmt/assets/customfields`: adds a custom field, sent as
    /// `[{"key": "FieldName", "value": name}, {"key": "FieldType", "value": field_type}]`
    /// (`field_type` as the VSA names it, for example `string`). A write.
    pub fn add(&self, name: &str, field_type: &str) -> Call<()> {
        let body = [
            KeyValue::new("FieldName", name),
            KeyValue::new("FieldType", field_type),
        ];
        let request = Request::post("assetmgmt/assets/customfields")
            .operation("add_agent_custom_field")
            .json(&body);
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/assets/customfields/{fieldName}`: renames a custom field, sent as
    /// `[{"key": "NewFieldName", "value": new_name}]`. A write.
    pub fn rename(&self, field_name: &str, new_name: &str) -> Call<()> {
        let body = [KeyValue::new("NewFieldName", new_name)];
        let request = name_segment("custom field name", field_name).and_then(|name| {
            Request::put("assetmgmt/assets/customfields")
                .segments([name])
                .operation("rename_agent_custom_field")
                .json(&body)
        });
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/assets/{agentId}/customfields/{fieldName}`: sets the value of a
    /// custom field on an agent, sent as `[{"key": "FieldValue", "value": value}]`. A
    /// write.
    pub fn set_value(&self, agent_id: &AgentId, field_name: &str, value: &str) -> Call<()> {
        let body = [KeyValue::new("FieldValue", value)];
        let request = name_segment("custom field name", field_name).and_then(|name| {
            Request::put("assetmgmt/assets")
                .segments([agent_id.as_str(), "customfields", name])
                .operation("set_agent_custom_field_value")
                .json(&body)
        });
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/assets/customfields/{fieldName}`: deletes a custom field. A
    /// write.
    pub fn delete(&self, field_name: &str) -> Call<()> {
        let request = name_segment("custom field name", field_name).map(|name| {
            Request::delete("assetmgmt/assets/customfields")
                .segments([name])
                .operation("delete_agent_custom_field")
        });
        self.client.write_unit(request)
    }
}
