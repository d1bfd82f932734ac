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
use msp_common::{Call, Error, Listing, Request, Result};

use crate::client::Client;
use crate::error::check_required;
use crate::models::{CredentialType, ManagedAccount, RequestId};

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
    /// before anything is sent.
    pub fn find(&self, system_name: &str, account_name: &str) -> Call<ManagedAccount> {
        let request = check_required("systemName", system_name)
            .and_then(|()| check_required("accountName", account_name))
            .map(|()| {
                Request::get("ManagedAccounts")
                    .operation("find_managed_account")
                    .query("systemName", system_name)
                    .query("accountName", account_name)
            });
        self.client.call(request, false, |response| response.json())
    }

    /// Lists the accounts the user may request (`GET ManagedAccounts`), through the
    /// shared [`Listing`] surface.
    pub fn list(&self) -> ListManagedAccounts {
        ListManagedAccounts {
            client: self.client.clone(),
            options: ListOptions::default(),
        }
    }
}

/// Lists managed accounts (`GET ManagedAccounts`); from [`ManagedAccountsHandler::list`].
/// Consumed through [`Listing`]: `stream()`, `pages()`, `collect()`, with `limit(n)`
/// applied to the one answer (this crate asks for the whole list at once, so
/// `page_size`, `look_ahead` and `pages_in_flight` change nothing).
#[derive(Debug)]
#[must_use = "nothing is sent until the listing is streamed or collected"]
pub struct ListManagedAccounts {
    client: Client,
    options: ListOptions,
}

impl Listing for ListManagedAccounts {
    type Item = ManagedAccount;
    type Token = ();

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    fn paginator(self) -> Result<Paginator<ManagedAccount, ()>> {
        let request = Request::get("ManagedAccounts").operation("list_managed_accounts");
        Ok(self.client.single_page(request, &self.options))
    }
}
