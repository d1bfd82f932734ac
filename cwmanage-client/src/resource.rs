//! A typed collection: list, get, create, replace, patch, delete and count on one path.

use std::borrow::Cow;
use std::marker::PhantomData;

use msp_common::{Call, Listing, Request, Response, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::models::Count;
use crate::patch::PatchOp;
use crate::query::ListRequest;

/// One Manage collection of `T` records keyed by `Id` (`/company/companies`, say).
/// Obtained from the client (`client.companies()`); cheap to create and clone.
///
/// Every method but [`find_exact`](Self::find_exact) returns one [`Call`] (or a
/// [`ListRequest`]): nothing is sent until it is awaited. Writes (`create`, `update`,
/// `patch`, `delete`) obey the client's [`WriteMode`](crate::WriteMode) and are sent
/// once; reads are retried by the client's policy. Each call is named for the read-only
/// error and traces: `create_ticket`, `get_company`, `count_contacts`, …
///
/// ```no_run
/// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
/// use cwmanage_client::models::Company;
///
/// let create = client.companies().create(&Company::new("Acme", "Acme Dental"));
/// println!("{:#?}", create.preview()?); // POST …/company/companies with the JSON body
/// let acme = create.await?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct Resource<T, Id> {
    client: Client,
    path: Cow<'static, str>,
    one: Cow<'static, str>,
    many: Cow<'static, str>,
    _t: PhantomData<fn() -> (T, Id)>,
}

impl<T, Id> Clone for Resource<T, Id> {
    fn clone(&self) -> Self {
        Resource {
            client: self.client.clone(),
            path: self.path.clone(),
            one: self.one.clone(),
            many: self.many.clone(),
            _t: PhantomData,
        }
    }
}

impl<T, Id> std::fmt::Debug for Resource<T, Id> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("path", &self.path)
            .field("name", &self.one)
            .finish()
    }
}

impl<T, Id> Resource<T, Id>
where
    T: DeserializeOwned + Serialize + Send + 'static,
    Id: Into<u64> + Copy,
{
    /// A collection at `path`, relative to the API base. Its calls are named after the
    /// last segment of the path (`create_sites`) until [`named`](Self::named) says
    /// better.
    pub fn new(client: Client, path: impl Into<Cow<'static, str>>) -> Self {
        let path = path.into();
        let last_of = |path: &str| -> (usize, usize) {
            let trimmed = path.trim_end_matches('/');
            let start = trimmed.rfind('/').map_or(0, |i| i + 1);
            (start, trimmed.len())
        };
        let (start, end) = last_of(&path);
        // A static path names its records without allocating.
        let last: Cow<'static, str> = match &path {
            Cow::Borrowed(p) => Cow::Borrowed(&p[start..end]),
            Cow::Owned(p) => Cow::Owned(p[start..end].to_owned()),
        };
        Resource {
            client,
            path,
            one: last.clone(),
            many: last,
            _t: PhantomData,
        }
    }

    /// Names the record in operation names: `one` for calls on a record
    /// (`create_{one}`, `get_{one}`), `many` for calls on the collection
    /// (`list_{many}`, `count_{many}`).
    pub fn named(
        mut self,
        one: impl Into<Cow<'static, str>>,
        many: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.one = one.into();
        self.many = many.into();
        self
    }

    /// The collection path.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn op(&self, verb: &str) -> String {
        format!("{verb}_{}", self.one)
    }

    fn item(&self, method: msp_common::Method, id: Id) -> Request {
        Request::new(method, &self.path).segments([id.into().to_string()])
    }

    fn call<R: DeserializeOwned + Send + 'static>(
        &self,
        request: Result<Request>,
        write: bool,
    ) -> Call<R> {
        Call::new(self.client.service(), request, write, |r: Response| {
            r.json()
        })
    }

    /// A streaming list query (see [`ListRequest`]).
    pub fn list(&self) -> ListRequest<T> {
        ListRequest::new(self.client.clone(), self.path.clone(), self.many.clone())
    }

    /// `GET {path}/count` with `conditions` (pass `""` for all records): the number of
    /// matching records. One request, the conditions as given; to count a listing whose
    /// long `in` list is split across requests, use `list().conditions(..).count()`.
    pub fn count(&self, conditions: impl crate::conditions::IntoConditions) -> Call<u64> {
        let request = conditions
            .into_conditions()
            .map_err(msp_common::Error::from)
            .map(|text| {
                let request = Request::get(&self.path)
                    .segments(["count"])
                    .operation(format!("count_{}", self.many));
                if text.trim().is_empty() {
                    request
                } else {
                    request.query("conditions", text)
                }
            });
        Call::read_json(self.client.service(), request).map(|c: Count| c.count)
    }

    /// The records whose `field` (a path like `name` or `company/identifier`) equals
    /// `value` exactly, even a value holding both kinds of quote: the server is asked with
    /// [`Field::covering_eq`](crate::conditions::Field::covering_eq), and the answer is
    /// narrowed here by exact comparison.
    ///
    /// A composite, not a [`Call`]: it streams every candidate page (each page request
    /// a read through the client's request lifecycle, named `find_{many}_exact`) and
    /// filters them locally.
    pub async fn find_exact(&self, field: &str, value: &str) -> Result<Vec<T>> {
        let condition = crate::conditions::Condition::field(field).covering_eq(value);
        let candidates: Vec<serde_json::Value> = ListRequest::<serde_json::Value>::new(
            self.client.clone(),
            self.path.clone(),
            self.many.clone(),
        )
        .conditions(condition)
        .operation(format!("find_{}_exact", self.many))
        .collect()
        .await?;
        candidates
            .into_iter()
            .filter(|record| {
                field
                    .split('/')
                    .try_fold(record, |v, key| v.get(key))
                    .and_then(serde_json::Value::as_str)
                    == Some(value)
            })
            .map(|record| {
                serde_json::from_value(record).map_err(|e| {
                    msp_common::Error::protocol(format!(
                        "a {} record does not decode: {e}",
                        self.path
                    ))
                })
            })
            .collect()
    }

    /// `GET {path}/{id}` (a read named `get_{one}`).
    pub fn get(&self, id: impl Into<Id>) -> Call<T> {
        let request = self
            .item(msp_common::Method::GET, id.into())
            .operation(self.op("get"));
        self.call(Ok(request), false)
    }

    /// `POST {path}`: creates a record and answers it as stored (a write named
    /// `create_{one}`).
    pub fn create<B: Serialize + ?Sized>(&self, record: &B) -> Call<T> {
        self.create_as(record, self.op("create"))
    }

    /// `POST {path}` under another operation name (`add_internal_note`).
    pub(crate) fn create_as<B: Serialize + ?Sized>(
        &self,
        record: &B,
        operation: impl Into<Cow<'static, str>>,
    ) -> Call<T> {
        let request = Request::post(&self.path)
            .json(record)
            .map(|r| r.operation(operation));
        self.call(request, true)
    }

    /// `PUT {path}/{id}`: replaces the whole record (a write named `update_{one}`).
    pub fn update<B: Serialize + ?Sized>(&self, id: impl Into<Id>, record: &B) -> Call<T> {
        let request = self
            .item(msp_common::Method::PUT, id.into())
            .json(record)
            .map(|r| r.operation(self.op("update")));
        self.call(request, true)
    }

    /// `PATCH {path}/{id}` with JSON Patch operations (a write named `patch_{one}`).
    pub fn patch(&self, id: impl Into<Id>, ops: &[PatchOp]) -> Call<T> {
        let request = self
            .item(msp_common::Method::PATCH, id.into())
            .json(ops)
            .map(|r| r.operation(self.op("patch")));
        self.call(request, true)
    }

    /// `DELETE {path}/{id}` (a write named `delete_{one}`; Manage answers 204).
    pub fn delete(&self, id: impl Into<Id>) -> Call<()> {
        let request = self
            .item(msp_common::Method::DELETE, id.into())
            .operation(self.op("delete"));
        Call::write_unit(self.client.service(), Ok(request))
    }
}
