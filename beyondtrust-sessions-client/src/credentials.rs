//! Retrieving credentials (`GET Credentials/{requestId}`) and looking up managed accounts
//! (`GET ManagedAccounts`).
//!
//! ```no_run
//! # async fn run(client: beyondtrust_sessions_client::Client, id: beyondtrust_sessions_client::RequestId) -> beyondtrust_sessions_client::Result<()> {
//! use beyondtrust_sessions_client::CredentialType;
//! use beyondtrust_sessions_client::secret::ExposeSecret;
//!
//! let key = client.credentials().get(id).kind(CredentialType::DssKey).send().await?;
//! assert!(!format!("{key:?}").contains("BEGIN")); // Debug never shows it
//! let _pem: &str = key.expose_secret();
//! # Ok(()) }
//! ```

use msp_common::secret::SecretString;
use msp_common::{Error, Request, Result};

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

    /// Retrieves the credential of an approved request. Fails with 4034 (see
    /// [`ErrorExt::is_not_yet_approved`](crate::ErrorExt::is_not_yet_approved)) while
    /// the request waits for approval.
    pub fn get(&self, request_id: RequestId) -> GetCredential {
        GetCredential {
            client: self.client.clone(),
            request_id,
            kind: None,
        }
    }
}

/// Retrieves a credential; from [`CredentialsHandler::get`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct GetCredential {
    client: Client,
    request_id: RequestId,
    kind: Option<CredentialType>,
}

impl GetCredential {
    /// Which secret to retrieve (`?type=`; the server's default is the password).
    pub fn kind(mut self, kind: CredentialType) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Retrieves the secret.
    pub async fn send(self) -> Result<SecretString> {
        let id = self.request_id.to_string();
        let kind = self.kind.as_ref().map(|k| k.as_str().to_owned());
        let response = self
            .client
            .execute(|| {
                Ok(Request::get("Credentials")
                    .segments([id.as_str()])
                    .operation("get_credentials")
                    .query_opt("type", kind.clone()))
            })
            .await?;
        // Decoded by hand: a decode error would quote the body, which is the secret.
        match serde_json::from_slice::<String>(response.bytes()) {
            Ok(secret) => Ok(SecretString::from(secret)),
            Err(_) => Err(Error::protocol(format!(
                "Credentials/{id} answered a body that is not a JSON string ({} bytes, {}); it is not shown because it may hold the credential",
                response.bytes().len(),
                response.header("content-type").unwrap_or("no content type"),
            ))),
        }
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
    /// (`GET ManagedAccounts?systemName=…&accountName=…`).
    pub async fn find(&self, system_name: &str, account_name: &str) -> Result<ManagedAccount> {
        check_required("systemName", system_name)?;
        check_required("accountName", account_name)?;
        self.client
            .execute(|| {
                Ok(Request::get("ManagedAccounts")
                    .operation("find_managed_account")
                    .query("systemName", system_name)
                    .query("accountName", account_name))
            })
            .await?
            .json()
    }

    /// Lists the accounts the user may request (`GET ManagedAccounts`).
    pub async fn list(&self) -> Result<Vec<ManagedAccount>> {
        self.client
            .execute(|| Ok(Request::get("ManagedAccounts").operation("list_managed_accounts")))
            .await?
            .json()
    }
}
