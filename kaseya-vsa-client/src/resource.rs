//! One generic collection type for the VSA's records that are listed, read, created,
//! updated and deleted the same way: organizations, departments, machine groups, users
//! and roles.
//!
//! [`Resource<T>`] holds the calls; what a record type allows is said by the traits it
//! implements, so a call the VSA does not offer does not compile:
//!
//! | record | [`Record`] path | [`Listed`] | [`Created`] | [`Changed`] | [`OrgScoped`] |
//! |---|---|---|---|---|---|
//! | [`Organization`](crate::models::Organization) | `system/orgs` | yes | yes | yes | — |
//! | [`Department`](crate::models::Department) | `system/departments` | — | — | yes | `departments` |
//! | [`MachineGroup`](crate::models::MachineGroup) | `system/machinegroups` | yes | — | yes | `machinegroups` |
//! | [`User`](crate::models::User) | `system/users` | yes | — | — | — |
//! | [`Role`](crate::models::Role) | `system/roles` | yes | yes | — | — |
//!
//! # What a create answers
//!
//! `create` answers the record as created, typed: the record the server answers when
//! its `Result` is one (or a one-element array of it); otherwise the record sent with the
//! new id the server answers (`"Result": 6` or `"Result": "9000"`, as in the guide's
//! samples) — its other fields are then those sent, not read back — or the record sent,
//! unchanged, when the server answers no id (`true`).
//!
//! ```no_run
//! # async fn run(vsa: kaseya_vsa_client::Client) -> kaseya_vsa_client::Result<()> {
//! use kaseya_vsa_client::Listing;
//! use kaseya_vsa_client::models::{Department, Organization};
//!
//! let acme = vsa.orgs().create(&Organization::new("Acme", "acme")).await?;
//! let org_id = acme.org_id.expect("the new organization's id");
//! let sales = vsa.departments().in_org(&org_id).create(&Department::new("Sales")).await?;
//! let departments = vsa.departments().in_org(&org_id).list().collect().await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use msp_common::{Call, Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::Result;
use crate::client::{Client, Enveloped, ListRequest, decode_envelope, decode_raw};
use crate::ids::OrgId;

/// Declares a record kind of [`Resource`]: its [`Record`] impl, its capability traits,
/// the resource's type alias and the client's accessor.
macro_rules! record {
    (
        $(#[$doc:meta])*
        $accessor:ident -> $alias:ident = $ty:ident {
            $id:ident in $field:ident at $path:literal as $one:literal / $many:literal
            $(, in_org $segment:literal)?
        } $(+ $cap:ident)*
    ) => {
        $(#[$doc])*
        pub type $alias = $crate::resource::Resource<$ty>;

        impl $crate::Client {
            $(#[$doc])*
            pub fn $accessor(&self) -> $alias {
                $crate::resource::Resource::new(self)
            }
        }

        impl $crate::resource::Record for $ty {
            type Id = $id;
            const PATH: &'static str = $path;
            const ONE: &'static str = $one;
            const MANY: &'static str = $many;

            fn set_id(&mut self, id: $id) {
                self.$field = Some(id);
            }
        }

        $(impl $crate::resource::$cap for $ty {})*

        $(impl $crate::resource::OrgScoped for $ty {
            const IN_ORG: &'static str = $segment;
        })?
    };
}
pub(crate) use record;

/// A record kind [`Resource`] handles: its id, where one record lives
/// (`{PATH}/{id}`), and its names in operation names (`get_{ONE}`, `list_{MANY}`).
pub trait Record: Serialize + DeserializeOwned + Clone + Send + 'static {
    /// The record's id.
    type Id: Clone + fmt::Display + DeserializeOwned + Send + 'static;
    /// The path of the records, relative to the API base (`system/orgs`).
    const PATH: &'static str;
    /// The record's name in operation names (`org`: `get_org`, `create_org`).
    const ONE: &'static str;
    /// The collection's name in operation names (`orgs`: `list_orgs`).
    const MANY: &'static str;
    /// Sets the record's id (the id of an update's body, the new id of a created record).
    fn set_id(&mut self, id: Self::Id);
}

/// Records listed for the whole VSA by `GET {PATH}`.
pub trait Listed: Record {}

/// Records created by `POST {PATH}`.
pub trait Created: Record {}

/// Records updated by `PUT {PATH}/{id}` and deleted by `DELETE {PATH}/{id}`.
pub trait Changed: Record {}

/// Records listed and created within an organization:
/// `GET`/`POST system/orgs/{orgId}/{IN_ORG}`.
pub trait OrgScoped: Record {
    /// The path segment after the organization (`departments`).
    const IN_ORG: &'static str;
}

/// The scope of a [`Resource`]: the records of every organization in the session's
/// scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Everywhere;

/// The scope of a [`Resource`]: the records of one organization
/// ([`Resource::in_org`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InOrg(OrgId);

/// A collection of `T` records: `client.orgs()`, `client.departments()`,
/// `client.machine_groups()`, `client.users()`, `client.roles()`. Cheap to create and
/// clone.
///
/// Every method returns one [`Call`] (or a [`ListRequest`]): nothing is sent until it is
/// awaited. Each call is named for the read-only error and traces after the record:
/// `list_orgs`, `get_department`, `create_machine_group`, `update_org`,
/// `delete_department`, and `list_org_departments` for the list within an organization.
/// Creates, updates and deletes are writes (see [`WriteMode`](crate::WriteMode)).
#[must_use]
pub struct Resource<T, Scope = Everywhere> {
    client: Client,
    scope: Scope,
    _t: PhantomData<fn() -> T>,
}

impl<T, Scope: Clone> Clone for Resource<T, Scope> {
    fn clone(&self) -> Self {
        Resource {
            client: self.client.clone(),
            scope: self.scope.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: Record, Scope: fmt::Debug> fmt::Debug for Resource<T, Scope> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("path", &T::PATH)
            .field("scope", &self.scope)
            .finish()
    }
}

impl<T: Record> Resource<T> {
    /// The collection of `T` records of `client`.
    pub(crate) fn new(client: &Client) -> Self {
        Resource {
            client: client.clone(),
            scope: Everywhere,
            _t: PhantomData,
        }
    }
}

impl<T: Record, Scope> Resource<T, Scope> {
    /// The client the calls go through.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    fn item(&self, method: fn(&str) -> Request, id: &T::Id, verb: &str) -> Request {
        method(T::PATH)
            .segments([id.to_string()])
            .operation(format!("{verb}_{}", T::ONE))
    }

    /// `GET {path}/{id}`: one record (also when the server wraps it in a one-element
    /// array, as the guide's sample of `GET /system/machinegroups/{id}` does).
    pub fn get(&self, id: &T::Id) -> Call<T> {
        self.client.read_one(self.item(Request::get, id, "get"))
    }

    /// `PUT {path}/{id}`: sends the set fields of `changes`, with the record's id. A
    /// write.
    pub fn update(&self, id: &T::Id, changes: &T) -> Call<()>
    where
        T: Changed,
    {
        let mut body = changes.clone();
        body.set_id(id.clone());
        self.client
            .write_unit(self.item(Request::put, id, "update").json(&body))
    }

    /// `DELETE {path}/{id}`. A write.
    pub fn delete(&self, id: &T::Id) -> Call<()>
    where
        T: Changed,
    {
        self.client
            .write_unit(self.item(Request::delete, id, "delete"))
    }

    /// `POST` of `record` to `request`'s path, answering the record as created.
    fn create_at(&self, request: Request, record: &T) -> Call<T> {
        let sent = record.clone();
        let request = request.operation(format!("create_{}", T::ONE)).json(record);
        Call::new(self.client.service(), request, true, move |response| {
            created(&response, sent)
        })
    }
}

impl<T: Listed> Resource<T> {
    /// `GET {path}`: every record in the session's scope; filterable and sortable (see
    /// [`crate::odata::fields`]).
    pub fn list(&self) -> ListRequest<T> {
        self.client
            .list_request(Request::get(T::PATH).operation(format!("list_{}", T::MANY)))
    }
}

impl<T: Created> Resource<T> {
    /// `POST {path}`: creates a record and answers it as created (see [how the answer
    /// is read](self#what-a-create-answers)). A write.
    pub fn create(&self, record: &T) -> Call<T> {
        self.create_at(Request::post(T::PATH), record)
    }
}

impl<T: OrgScoped> Resource<T> {
    /// The records of one organization, to `list` and `create` them at
    /// `system/orgs/{orgId}/{segment}`.
    pub fn in_org(&self, org_id: &OrgId) -> Resource<T, InOrg> {
        Resource {
            client: self.client.clone(),
            scope: InOrg(org_id.clone()),
            _t: PhantomData,
        }
    }
}

impl<T: OrgScoped> Resource<T, InOrg> {
    /// The organization.
    pub fn org_id(&self) -> &OrgId {
        &self.scope.0
    }

    fn in_org_request(&self, method: fn(&str) -> Request) -> Request {
        method("system/orgs").segments([self.scope.0.as_str(), T::IN_ORG])
    }

    /// `GET system/orgs/{orgId}/{segment}`: the organization's records; filterable and
    /// sortable.
    pub fn list(&self) -> ListRequest<T> {
        self.client.list_request(
            self.in_org_request(Request::get)
                .operation(format!("list_org_{}", T::MANY)),
        )
    }

    /// `POST system/orgs/{orgId}/{segment}`: creates a record in the organization and
    /// answers it as created (see [how the answer is read](self#what-a-create-answers)).
    /// A write.
    pub fn create(&self, record: &T) -> Call<T> {
        self.create_at(self.in_org_request(Request::post), record)
    }
}

/// Reads the answer of a create: the record (or a one-element array of it), or the new
/// id set on the record sent, or (`true`, nothing) the record sent.
fn created<T: Record>(response: &Response, mut sent: T) -> Result<T> {
    let answer: Enveloped<Option<Box<RawValue>>> = decode_envelope(response)?;
    let Some(raw) = answer.result else {
        return Ok(sent);
    };
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => decode_raw(response, text.as_bytes()),
        Some(b'[') => {
            let mut many: Vec<T> = decode_raw(response, text.as_bytes())?;
            Ok(if many.is_empty() {
                sent
            } else {
                many.swap_remove(0)
            })
        }
        _ => {
            if let Ok(id) = serde_json::from_str::<T::Id>(text) {
                sent.set_id(id);
            }
            Ok(sent)
        }
    }
}
