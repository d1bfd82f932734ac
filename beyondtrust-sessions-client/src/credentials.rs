//! Retrieving credentials (`GET Credentials/{requestId}`) and looking up managed accounts
//! (`GET ManagedAccounts`).
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client, id: beyondtrust_sessions_client::RequestId) -> beyondtrust_sessions_client::Result<()> {
//! use beyondtrust_sessions_client::CredentialType;
//! use beyondtrust_sessions_client::secret::ExposeSecret;
//!
//! let key = client.credentials().get(id, CredentialType::DssKey).await?;
//! assert!(!format!("{key:?}").contains("BEGIN")); // Debug never shows it
//! let _pem: &str = key.expose_secret();
//! let password = client.credentials().get(id, None).await?; // the server's default
//! # let _ = password;
//! # Ok(()) }
//! ```

use msp_common::paginate::{ListOptions, Paginator};
use msp_common::secret::SecretString;
use msp_common::{ApiError, Call, Error, Listing, Request, Result, StatusCode};

use serde::Deserialize;

use crate::client::Client;
use crate::error::{ValidationError, check_required};
use crate::models::{CredentialType, ManagedAccount, ManagedAccountType, RequestId};

/// Calls on credentials; from [`Client::credentials`].
#[derive(Debug, Clone)]
pub struct CredentialsHandler {
    client: Client,
}

impl CredentialsHandler {
    pub(crate) fn new(client: Client) -> Self {
        CredentialsHandler { client }
    }

    /// Retrieves the credential of an approved request (`GET Credentials/{requestId}`):
    /// the `kind` asked for (`?type=`), or with `None` the server's default, the
    /// password. Fails with 4034 (see
    /// [`ErrorExt::is_not_yet_approved`](crate::ErrorExt::is_not_yet_approved)) while
    /// the request waits for approval. The answer is never quoted in an error.
    pub fn get(
        &self,
        request_id: RequestId,
        kind: impl Into<Option<CredentialType>>,
    ) -> Call<SecretString> {
        let id = request_id.to_string();
        let request = Request::get("Credentials")
            .segments([id.as_str()])
            .operation("get_credentials")
            .query_opt("type", kind.into().map(|k| k.as_str().to_owned()));
        self.client.call(Ok(request), false, move |response| {
            // Decoded by hand: a decode error would quote the body, which is the secret.
            match serde_json::from_slice::<String>(response.bytes()) {
                Ok(secret) => Ok(SecretString::from(secret)),
                Err(_) => Err(Error::protocol(format!(
                    "Credentials/{id} answered a body that is not a JSON string ({} bytes, {}); it is not shown because it may hold the credential",
                    response.bytes().len(),
                    response.header("content-type").unwrap_or("no content type"),
                ))),
            }
        })
    }
}

/// Calls on managed accounts; from [`Client::managed_accounts`].
#[derive(Debug, Clone)]
pub struct ManagedAccountsHandler {
    client: Client,
}

impl ManagedAccountsHandler {
    pub(crate) fn new(client: Client) -> Self {
        ManagedAccountsHandler { client }
    }

    /// Looks up one account by system and account name
    /// (`GET ManagedAccounts?systemName=…&accountName=…`). An empty name is refused
    /// before anything is sent. Password Safe answers the account as an object; a
    /// server answering a list gives its first account (an empty list is a 404).
    pub fn find(&self, system_name: &str, account_name: &str) -> Call<ManagedAccount> {
        let request = check_required("systemName", system_name)
            .and_then(|()| check_required("accountName", account_name))
            .map(|()| {
                Request::get("ManagedAccounts")
                    .operation("find_managed_account")
                    .query("systemName", system_name)
                    .query("accountName", account_name)
            });
        self.client.call(request, false, |response| {
            match response.json::<OneOrMany>()? {
                OneOrMany::One(account) => Ok(*account),
                OneOrMany::Many(accounts) => accounts.into_iter().next().ok_or_else(|| {
                    ApiError::new(crate::error::VENDOR, StatusCode::NOT_FOUND)
                        .with_message("no managed account matches the system and account name")
                        .into()
                }),
            }
        })
    }

    /// Lists the accounts the user may request (`GET ManagedAccounts`), through the
    /// shared [`Listing`] surface; narrow it with
    /// [`system_name`](ListManagedAccounts::system_name),
    /// [`account_name`](ListManagedAccounts::account_name) and
    /// [`account_type`](ListManagedAccounts::account_type), each optional and
    /// independent of the others.
    ///
    /// ```no_run
    /// # async fn run(client: beyondtrust_sessions_client::Client) -> beyondtrust_sessions_client::Result<()> {
    /// use beyondtrust_sessions_client::{Listing, ManagedAccountType};
    ///
    /// // Every account named "Administrator", on any system:
    /// let admins = client.managed_accounts().list().account_name("Administrator").collect().await?;
    /// // Every database account of one system:
    /// let db = client
    ///     .managed_accounts()
    ///     .list()
    ///     .system_name("db01.example.local")
    ///     .account_type(ManagedAccountType::Database)
    ///     .collect()
    ///     .await?;
    /// # let _ = (admins, db);
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListManagedAccounts {
        ListManagedAccounts {
            client: self.client.clone(),
            system_name: None,
            account_name: None,
            account_type: None,
            options: ListOptions::default(),
        }
    }
}

/// Lists managed accounts (`GET ManagedAccounts`); from [`ManagedAccountsHandler::list`].
/// Consumed through [`Listing`]: `stream()`, `pages()`, `collect()`, with `limit(n)`
/// applied to the one answer (this crate asks for the whole list at once, so
/// `page_size`, `look_ahead` and `pages_in_flight` change nothing).
///
/// With both a system name and an account name Password Safe answers the one matching
/// account as an object rather than a list; the listing reads either shape.
#[derive(Debug)]
#[must_use = "nothing is sent until the listing is streamed or collected"]
pub struct ListManagedAccounts {
    client: Client,
    system_name: Option<String>,
    account_name: Option<String>,
    account_type: Option<ManagedAccountType>,
    options: ListOptions,
}

impl ListManagedAccounts {
    /// Only the accounts of this managed system (`?systemName=`).
    pub fn system_name(mut self, name: impl Into<String>) -> Self {
        self.system_name = Some(name.into());
        self
    }

    /// Only the accounts with this name (`?accountName=`), on any system.
    pub fn account_name(mut self, name: impl Into<String>) -> Self {
        self.account_name = Some(name.into());
        self
    }

    /// Only accounts of this kind (`?type=`): local systems, domain-linked, database,
    /// cloud, application or recently used.
    pub fn account_type(mut self, kind: ManagedAccountType) -> Self {
        self.account_type = Some(kind);
        self
    }
}

/// One account or a list of them, as `GET ManagedAccounts` answers.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<ManagedAccount>),
    One(Box<ManagedAccount>),
}

impl Listing for ListManagedAccounts {
    type Item = ManagedAccount;
    type Token = ();

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    fn paginator(self) -> Result<Paginator<ManagedAccount, ()>> {
        for (field, value) in [
            ("systemName", &self.system_name),
            ("accountName", &self.account_name),
        ] {
            if let Some(value) = value {
                check_required(field, value)?;
            }
        }
        if let Some(ManagedAccountType::Unknown(other)) = &self.account_type {
            return Err(ValidationError::new(
                "type",
                format!("`{other}` is not a managed-account type Password Safe knows"),
            )
            .into_error());
        }
        let request = Request::get("ManagedAccounts")
            .operation("list_managed_accounts")
            .query_opt("systemName", self.system_name)
            .query_opt("accountName", self.account_name)
            .query_opt("type", self.account_type.map(|t| t.as_str().to_owned()));
        Ok(self
            .client
            .single_page_with(request, &self.options, |response| {
                Ok(match response.json::<OneOrMany>()? {
                    OneOrMany::Many(accounts) => accounts,
                    OneOrMany::One(account) => vec![*account],
                })
            }))
    }
}
