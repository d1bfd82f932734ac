//! A typed collection: list, get, create, replace, patch, delete and count on one path.

use std::marker::PhantomData;

use msp_common::{Request, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::patch::PatchOp;
use crate::query::ListRequest;

/// One Manage collection of `T` records keyed by `Id` (`/company/companies`, say).
/// Obtained from the client (`client.companies()`); cheap to create and clone.
///
/// Writes (`create`, `update`, `patch`, `delete`) are sent once and never retried.
#[must_use]
pub struct Resource<T, Id> {
    client: Client,
    path: String,
    _t: PhantomData<fn() -> (T, Id)>,
}

impl<T, Id> Clone for Resource<T, Id> {
    fn clone(&self) -> Self {
        Resource {
            client: self.client.clone(),
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T, Id> std::fmt::Debug for Resource<T, Id> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("path", &self.path)
            .finish()
    }
}

impl<T, Id> Resource<T, Id>
where
    T: DeserializeOwned + Serialize + Send + 'static,
    Id: Into<u64> + Copy,
{
    /// A collection at `path`, relative to the API base.
    pub fn new(client: Client, path: impl Into<String>) -> Self {
        Resource {
            client,
            path: path.into(),
            _t: PhantomData,
        }
    }

    /// The collection path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A streaming list query.
    pub fn list(&self) -> ListRequest<T> {
        ListRequest::new(self.client.clone(), self.path.clone())
    }

    /// The number of records matching `conditions` (`{path}/count`); pass `""` for all.
    pub async fn count(&self, conditions: impl crate::conditions::IntoConditions) -> Result<u64> {
        let text = conditions.into_conditions()?;
        let list = self.list();
        if text.is_empty() {
            list.count().await
        } else {
            list.conditions(text).count().await
        }
    }

    /// The records whose `field` (a path like `name` or `company/identifier`) equals
    /// `value` exactly, even a value holding both kinds of quote: the server is asked with
    /// [`Field::covering_eq`](crate::conditions::Field::covering_eq), and the answer is
    /// narrowed here by exact comparison.
    pub async fn find_exact(&self, field: &str, value: &str) -> Result<Vec<T>> {
        let condition = crate::conditions::Condition::field(field).covering_eq(value);
        let candidates: Vec<serde_json::Value> =
            ListRequest::new(self.client.clone(), self.path.clone())
                .conditions(condition)
                .operation("find_exact")
                .all()
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

    fn item_path(&self, id: Id) -> String {
        format!("{}/{}", self.path, id.into())
    }

    /// `GET {path}/{id}`.
    pub async fn get(&self, id: impl Into<Id>) -> Result<T> {
        let path = self.item_path(id.into());
        self.client
            .execute(|| Ok(Request::get(&path).operation("get")))
            .await?
            .json()
    }

    /// `POST {path}`: creates a record and returns it as stored.
    pub async fn create<B: Serialize + ?Sized>(&self, record: &B) -> Result<T> {
        self.client
            .execute(|| Ok(Request::post(&self.path).json(record)?.operation("create")))
            .await?
            .json()
    }

    /// `PUT {path}/{id}`: replaces the whole record.
    pub async fn update<B: Serialize + ?Sized>(&self, id: impl Into<Id>, record: &B) -> Result<T> {
        let path = self.item_path(id.into());
        self.client
            .execute(|| Ok(Request::put(&path).json(record)?.operation("update")))
            .await?
            .json()
    }

    /// `PATCH {path}/{id}` with JSON Patch operations.
    pub async fn patch(&self, id: impl Into<Id>, ops: &[PatchOp]) -> Result<T> {
        let path = self.item_path(id.into());
        self.client
            .execute(|| Ok(Request::patch(&path).json(ops)?.operation("patch")))
            .await?
            .json()
    }

    /// `DELETE {path}/{id}` (Manage answers 204).
    pub async fn delete(&self, id: impl Into<Id>) -> Result<()> {
        let path = self.item_path(id.into());
        self.client
            .execute(|| Ok(Request::delete(&path).operation("delete")))
            .await
            .map(|_| ())
    }
}
