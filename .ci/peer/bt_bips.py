"""BeyondTrust Password Safe through the vendor's beyondtrust-bips-library
(unmodified), against `sim-server --tls`.

Configuration only: the API URL, the API key with its runas user (`KEY; runas=USER;`, the
`PS-Auth` form the library sends as given), the OAuth client id and secret, and
REQUESTS_CA_BUNDLE for the simulator's certificate authority."""

import os

import requests
from secrets_safe_library import authentication, managed_account, sessions
from secrets_safe_library import requests as ps_requests

from report import check, finish, step

LIB = "bips-library"
SYSTEM = "web01.example.local"
ACCOUNT = "svc-web"

env = os.environ
check(env.get("REQUESTS_CA_BUNDLE"), "REQUESTS_CA_BUNDLE is not set")
api_url = env["BT_URL"]
runas = env["BT_RUNAS"]


def sign_in(mode, **credentials):
    def run():
        auth = authentication.Authentication(
            req=requests.Session(),
            timeout_connection=10,
            timeout_request=20,
            api_url=api_url,
            **credentials,
        )
        response = auth.get_api_access()
        check(response.status_code == 200, f"HTTP {response.status_code}: {response.text}")
        user = response.json()
        return auth, f"{mode}: signed in as {user.get('UserName')!r} (user {user.get('UserId')})"

    return run


def lookups(auth, tag):
    accounts = managed_account.ManagedAccount(authentication=auth, separator="/")

    def by_system():
        found = accounts.get_managed_accounts(system_name=SYSTEM)
        found = found if isinstance(found, list) else [found]
        check(found and all(a["SystemName"] == SYSTEM for a in found), f"{found}")
        names = sorted(a["AccountName"] for a in found)
        return found, f"systemName={SYSTEM}: {len(found)} accounts {names}"

    def by_account():
        found = accounts.get_managed_accounts(account_name=ACCOUNT)
        found = found if isinstance(found, list) else [found]
        check(found and all(a["AccountName"] == ACCOUNT for a in found), f"{found}")
        return found, f"accountName={ACCOUNT}: {len(found)} account(s) on {sorted({a['SystemName'] for a in found})}"

    def by_both():
        found = accounts.get_managed_accounts(system_name=SYSTEM, account_name=ACCOUNT)
        check(isinstance(found, dict), f"expected one account object, got {type(found).__name__}")
        check(found["SystemName"] == SYSTEM and found["AccountName"] == ACCOUNT, f"{found}")
        return found, f"both: account {found['AccountId']} on system {found['SystemId']}"

    step(LIB, f"{tag}lookup by system only", by_system)
    step(LIB, f"{tag}lookup by account only", by_account)
    return accounts, step(LIB, f"{tag}lookup by system and account", by_both)


def get_secret(accounts):
    def run():
        # The library's main flow: GET ManagedAccounts, POST Requests (no AccessType),
        # GET Credentials/{id}, PUT Requests/{id}/checkin.
        secret = accounts.get_secret(f"{SYSTEM}/{ACCOUNT}")
        check(isinstance(secret, str) and secret, f"credential {secret!r}")
        return secret, f"{SYSTEM}/{ACCOUNT}: a {len(secret)}-character credential, request checked in"

    return run


def rdp_session(auth, accounts, account):
    def run():
        created, status = ps_requests.Request(auth).post_request(
            system_id=account["SystemId"],
            account_id=account["AccountId"],
            duration_minutes=5,
            access_type="RDP",
            reason="peer check",
            conflict_option="reuse",
        )
        request_id = created["RequestID"] if isinstance(created, dict) else created
        check(request_id, f"request {created!r} (HTTP {status})")
        rdp = sessions.Session(auth).post_sessions_request_id(request_id, "rdpfile")
        check(rdp.get("FileName", "").endswith(".rdp"), f"answer {rdp!r}")
        check("full address" in rdp.get("FileContent", ""), "the file is not an RDP file")
        accounts.request_check_in(request_id, reason="peer check done")
        return rdp, f"request {request_id}: {rdp['FileName']} ({len(rdp['FileContent'])} bytes), checked in"

    return run


def sign_out(auth, tag):
    def run():
        check(auth.sign_app_out() is True, "Auth/Signout did not answer 200")
        return True, f"{tag}signed out"

    return run


# API key + runas.
key_auth = step(
    LIB,
    "sign in with API key + runas",
    sign_in("API key + runas", api_key=f"{env['BT_API_KEY']}; runas={runas};"),
)
if key_auth is not None:
    accounts, account = lookups(key_auth, "")
    step(LIB, "get_secret", get_secret(accounts))
    step(LIB, "RDP file session", rdp_session(key_auth, accounts, account), needs=[account])
    step(LIB, "sign out", sign_out(key_auth, ""))
else:
    for name in ["lookup by system only", "lookup by account only", "lookup by system and account",
                 "get_secret", "RDP file session", "sign out"]:
        step(LIB, name, None, needs=[None])

# OAuth client credentials.
oauth = step(
    LIB,
    "sign in with OAuth",
    sign_in("OAuth", client_id=env["BT_OAUTH_CLIENT_ID"], client_secret=env["BT_OAUTH_CLIENT_SECRET"]),
)
accounts = managed_account.ManagedAccount(authentication=oauth, separator="/") if oauth else None
step(LIB, "get_secret (OAuth)", get_secret(accounts), needs=[oauth])
step(LIB, "sign out (OAuth)", sign_out(oauth, "OAuth: ") if oauth else None, needs=[oauth])
finish()
