//! Check a managed account's password out of Password Safe and back in — against the
//! crate's simulator, so nothing leaves this machine.
//!
//! ```sh
//! cargo run -p beyondtrust-sessions-client --example checkout --features sim
//! ```
//!
//! Signs in with `PS-Auth`, looks the account up, requests `View` access (previewed
//! first), waits for an approver (the simulator plays the approver here), retrieves the
//! credential (printed only as its length: it is a `SecretString`), lists the sessions
//! in progress, then checks the request in — also when a step after the request failed —
//! and signs out. Exits with a non-zero status on any error.

use std::process::ExitCode;
use std::time::Duration;

use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::sim::Simulator;
use beyondtrust_sessions_client::{
    AccessType, AccountId, ApprovalWait, CheckinGuard, Client, Listing, NewRequest, SessionStatus,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const SYSTEM: &str = "web01.example.local";
const ACCOUNT: &str = "Administrator";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result {
    let sim = Simulator::start().await;
    let client = Client::builder()
        .base_url(sim.api_url()) // https://{host}/BeyondTrust/api/public/v3 in production
        .allow_http(true) // the simulator listens on plain-http loopback
        .credentials(sim.ps_auth()) // PsAuth::new(api_key).runas(user)
        .build()?;

    let me = client.sign_in().await?;
    println!("signed in as {}", me.user_name.as_deref().unwrap_or("?"));
    let account = client.managed_accounts().find(SYSTEM, ACCOUNT).await?;

    let new = NewRequest::new(AccessType::View, account.system_id, account.account_id)
        .duration_minutes(30)
        .reason("Checkout example");
    let preview = client.requests().create(new.clone()).preview()?;
    println!(
        "request: {} {} {}",
        preview.method,
        preview.url,
        preview.body.as_deref().unwrap_or("")
    );
    let guard = client.requests().create_guarded(new).await?;
    println!("request {} created", guard.id());

    // Whatever happens next, the request is checked in.
    let used = use_access(&client, &sim, &guard, account.account_id).await;
    let checked_in = guard.checkin("Checkout example finished").await;
    let signed_out = client.sign_out().await;
    used?;
    checked_in?;
    signed_out?;
    println!("checked in and signed out");
    Ok(())
}

async fn use_access(
    client: &Client,
    sim: &Simulator,
    guard: &CheckinGuard,
    account: AccountId,
) -> Result {
    // On a real server an approver clicks Approve; here the simulator does.
    sim.approve(guard.id());
    client
        .requests()
        .wait_for_approval(
            guard.id(),
            ApprovalWait::new().initial_interval(Duration::from_millis(20)),
        )
        .await?;
    println!("approved");

    let password = client.credentials().get(guard.id(), None).await?;
    println!(
        "credential of {ACCOUNT} on {SYSTEM}: {} characters ({password:?})",
        password.expose_secret().len()
    );
    let expected = sim.account_password(account);
    if expected.as_deref() != Some(password.expose_secret()) {
        return Err("the credential is not the account's password".into());
    }

    let live = client
        .sessions()
        .list()
        .status(SessionStatus::InProgress)
        .collect()
        .await?;
    println!("{} session(s) in progress:", live.len());
    for session in &live {
        println!(
            "  #{} {} as {}",
            session.session_id,
            session.asset_name.as_deref().unwrap_or("?"),
            session.managed_account_name.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}
