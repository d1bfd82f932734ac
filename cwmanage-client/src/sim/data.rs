//! The simulator's records: the store they live in and the seeded, realistic data it
//! starts with (boards with statuses, priorities, members, companies with contacts,
//! configurations and agreements, tickets with notes and time entries).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use msp_common::chaos::Prng;
use serde_json::{Value, json};

use super::SimulatorBuilder;

/// The collections the simulator serves, by API path.
pub(super) const COLLECTIONS: &[&str] = &[
    "company/companies",
    "company/contacts",
    "company/configurations",
    "finance/agreements",
    "service/tickets",
    "service/boards",
    "service/boards/statuses",
    "service/priorities",
    "service/tickets/notes",
    "system/members",
    "system/callbacks",
    "time/entries",
];

/// Everything the simulator knows: its records and what it expects of a request.
#[derive(Debug)]
pub(super) struct State {
    pub(super) collections: BTreeMap<&'static str, BTreeMap<u64, Value>>,
    pub(super) next_id: BTreeMap<&'static str, u64>,
    /// The codebase the API answers on now.
    pub(super) codebase: String,
    /// The exact `Authorization` header accepted.
    pub(super) auth: String,
    pub(super) client_id: String,
    pub(super) company_id: String,
    pub(super) forward_only_unsupported: Vec<String>,
    /// The server root, reported as `SiteUrl` by company info.
    pub(super) url: String,
    /// Answers to list reads (`GET` of a collection, a search), by request, so a page
    /// asked again is served from its bytes. Emptied by every write ([`State::route`]
    /// clears it before any request that is not a read), so it never outlives the
    /// records it was made from.
    pub(super) pages: PageCache,
}

/// The cached list answers of a [`State`].
#[derive(Debug, Default)]
pub(super) struct PageCache {
    answers: std::collections::HashMap<String, wiremock::ResponseTemplate>,
}

impl PageCache {
    /// At most this many answers are kept (then the cache starts over).
    const MAX: usize = 512;

    pub(super) fn get(&self, key: &str) -> Option<wiremock::ResponseTemplate> {
        self.answers.get(key).cloned()
    }

    pub(super) fn put(&mut self, key: String, answer: &wiremock::ResponseTemplate) {
        if self.answers.len() >= Self::MAX {
            self.answers.clear();
        }
        self.answers.insert(key, answer.clone());
    }

    pub(super) fn clear(&mut self) {
        self.answers.clear();
    }
}

impl State {
    /// A store seeded from `config`, for a server at `url`.
    pub(super) fn seeded(config: &SimulatorBuilder, url: String) -> State {
        use base64::Engine as _;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}+{}:{}",
                config.company_id, config.public_key, config.private_key
            ))
        );
        let mut state = State {
            collections: COLLECTIONS.iter().map(|c| (*c, BTreeMap::new())).collect(),
            next_id: BTreeMap::new(),
            codebase: config.codebase.trim_matches('/').to_owned(),
            auth,
            client_id: config.client_id.clone(),
            company_id: config.company_id.clone(),
            forward_only_unsupported: config.forward_only_unsupported.clone(),
            url,
            pages: PageCache::default(),
        };
        seed(&mut state, config);
        state
    }
}

const BOARDS: &[&str] = &["Help Desk", "Projects", "Alerts", "Onboarding"];
const STATUSES: &[(&str, bool)] = &[
    ("New", false),
    ("In Progress", false),
    ("Waiting on Customer", false),
    ("Completed", true),
    (">Closed", true),
];
const PRIORITIES: &[&str] = &[
    "Priority 1 - Emergency Response",
    "Priority 2 - Quick Response",
    "Priority 3 - Normal Response",
    "Priority 4 - Schedule Maintenance",
    "Do Not Respond",
];
const FIRST: &[&str] = &[
    "Ann", "Ben", "Carla", "Dev", "Erin", "Femi", "Gus", "Hana", "Ivan", "Jo",
];
const LAST: &[&str] = &[
    "Smith", "Okafor", "Nguyen", "Garcia", "Müller", "Kowalski", "Tanaka", "Brown",
];
const WORDS: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Woodgrove",
    "Proseware",
    "Lucerne",
    "Wingtip",
];
const KINDS: &[&str] = &[
    "Dental",
    "Legal",
    "Logistics",
    "Accounting",
    "Clinic",
    "Realty",
];
const SUMMARIES: &[&str] = &[
    "Printer offline",
    "Password reset",
    "VPN not connecting",
    "New user setup",
    "Disk space low on server",
    "Outlook keeps crashing",
    "Backup job failed",
    "Replace laptop battery",
    "AV agent missing",
    "Wi-Fi slow in conference room",
];

/// A record's `_info`: in the vendor's schema a string-to-string map (timestamps, who
/// updated it, and `…_href` links, here on the simulator's own address).
pub(super) fn info(api_base: &str, collection: &str, id: u64) -> Value {
    let kind = collection.rsplit('/').next().unwrap_or(collection);
    json!({
        "lastUpdated": "2025-01-01T00:00:00Z",
        "updatedBy": "sim",
        format!("{kind}_href"): format!("{api_base}{collection}/{id}"),
    })
}

/// `_info` as the vendor's schema has it: only its string entries are kept (anything
/// else a write sent is dropped), then `lastUpdated` and `updatedBy` are set.
pub(super) fn touched_info(previous: Option<&Value>, now: &str, by: &str) -> Value {
    let mut info: serde_json::Map<String, Value> = previous
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter(|(_, v)| v.is_string())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    info.insert("lastUpdated".to_owned(), json!(now));
    info.insert("updatedBy".to_owned(), json!(by));
    Value::Object(info)
}

impl State {
    /// The API base on the simulator's own address (`http://127.0.0.1:port/v4_6_release/apis/3.0/`).
    pub(super) fn api_base(&self) -> String {
        format!(
            "{}/{}/apis/3.0/",
            self.url.trim_end_matches('/'),
            self.codebase
        )
    }
}

pub(super) fn reference(id: u64, name: &str) -> Value {
    json!({"id": id, "name": name, "_info": {}})
}

pub(super) fn ts(dt: DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn seed(state: &mut State, config: &SimulatorBuilder) {
    let mut rng = Prng::new(config.seed);
    let api = state.api_base();
    let info = |collection: &str, id: u64| info(&api, collection, id);
    let put = |state: &mut State, collection: &'static str, record: Value| {
        let id = record["id"].as_u64().unwrap_or_default();
        if let Some(c) = state.collections.get_mut(collection) {
            c.insert(id, record);
        }
        let next = state.next_id.entry(collection).or_insert(1);
        *next = (*next).max(id + 1);
    };
    for (i, name) in BOARDS.iter().enumerate() {
        let board = i as u64 + 1;
        put(
            state,
            "service/boards",
            json!({"id": board, "name": name, "inactiveFlag": false, "_info": info("service/boards", board)}),
        );
        for (j, (status, closed)) in STATUSES.iter().enumerate() {
            let id = (board - 1) * 5 + j as u64 + 1;
            put(
                state,
                "service/boards/statuses",
                json!({"id": id, "name": status, "board": reference(board, name), "sortOrder": j, "closedStatus": closed, "inactive": false}),
            );
        }
    }
    const COLORS: [&str; 5] = ["Red", "Orange", "Yellow", "Green", "Blue"];
    for (i, name) in PRIORITIES.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        put(
            state,
            "service/priorities",
            json!({"id": i + 1, "name": name, "sortOrder": i, "color": color}),
        );
    }
    for i in 1..=10u64 {
        let first = FIRST[(i as usize - 1) % FIRST.len()];
        let last = LAST[(i as usize) % LAST.len()];
        put(
            state,
            "system/members",
            json!({"id": i, "identifier": format!("{}{}", &first[..1], last).to_lowercase(), "firstName": first, "lastName": last, "officeEmail": format!("{}.{}@msp.example", first.to_lowercase(), last.to_lowercase()), "inactiveFlag": false}),
        );
    }
    let companies = config.companies as u64;
    for id in 1..=companies {
        let name = if id == 7 {
            r#"O'Brien & Sons + Co "West""#.to_owned()
        } else {
            format!("{} {} {}", *rng.pick(WORDS), *rng.pick(KINDS), id)
        };
        let region = if id % 2 == 0 { "West" } else { "East" };
        let types = if id % 4 == 0 {
            json!([reference(1, "Client"), reference(2, "Vendor")])
        } else {
            json!([reference(1, "Client")])
        };
        put(
            state,
            "company/companies",
            json!({
                "id": id, "identifier": format!("Company{id}"), "name": name,
                "status": reference(1, "Active"), "types": types,
                "addressLine1": format!("{} Main St", 100 + id), "city": "Springfield", "state": "IL", "zip": "62701",
                "phoneNumber": format!("555-01{id:02}"), "website": format!("https://company{id}.example"),
                "deletedFlag": false, "_info": info("company/companies", id),
                "customFields": [{"id": 7, "caption": "Region", "type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0, "value": region}]
            }),
        );
        for k in 0..3u64 {
            let cid = (id - 1) * 3 + k + 1;
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            put(
                state,
                "company/contacts",
                json!({"id": cid, "firstName": first, "lastName": last, "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "inactiveFlag": false,
                "communicationItems": [{"type": {"id": 1, "name": "Email"}, "value": format!("{}.{}+{cid}@company{id}.example", first.to_lowercase(), last.to_lowercase()), "communicationType": "Email", "defaultFlag": true}]}),
            );
        }
        for k in 0..2u64 {
            let cfg = (id - 1) * 2 + k + 1;
            put(
                state,
                "company/configurations",
                json!({"id": cfg, "name": format!("WS-{id:03}-{k}"), "type": reference(1, "Workstation"), "status": reference(1, "Active"), "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "serialNumber": format!("SN{:08}", rng.below(100_000_000)), "activeFlag": true}),
            );
        }
        put(
            state,
            "finance/agreements",
            json!({"id": id, "name": format!("Managed Services {id}"), "type": reference(1, "Managed Services"), "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "startDate": "2024-01-01T00:00:00Z", "cancelledFlag": false}),
        );
    }
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let mut note_id = 1u64;
    let mut entry_id = 1u64;
    for id in 1..=config.tickets as u64 {
        let board = rng.below(BOARDS.len() as u64) + 1;
        let s = rng.below(STATUSES.len() as u64) as usize;
        let (status, closed) = STATUSES[s];
        let company = rng.below(companies) + 1;
        let company_name = state.collections["company/companies"][&company]["name"].clone();
        let priority = rng.below(PRIORITIES.len() as u64) as usize;
        let owner = rng.below(10) + 1;
        let entered = start + chrono::Duration::minutes((id * 97 + rng.below(60)) as i64);
        let mut ticket = json!({
            "id": id, "summary": format!("{} #{id}", *rng.pick(SUMMARIES)), "recordType": "ServiceTicket",
            "board": reference(board, BOARDS[board as usize - 1]),
            "status": {"id": (board - 1) * 5 + s as u64 + 1, "name": status, "sort": s, "_info": {}},
            "company": {"id": company, "identifier": format!("Company{company}"), "name": company_name, "_info": {}},
            "contact": reference((company - 1) * 3 + 1, "Primary contact"),
            "priority": reference(priority as u64 + 1, PRIORITIES[priority]),
            "owner": {"id": owner, "identifier": format!("member{owner}"), "name": format!("Member {owner}")},
            "closedFlag": closed, "dateEntered": ts(entered), "customerUpdatedFlag": false,
            "_info": info("service/tickets", id), "customFields": []
        });
        if closed {
            ticket["closedDate"] = json!(ts(entered + chrono::Duration::hours(4)));
            ticket["closedBy"] = json!(format!("member{owner}"));
        }
        put(state, "service/tickets", ticket);
        if id % 3 == 0 {
            put(
                state,
                "service/tickets/notes",
                json!({"id": note_id, "ticketId": id, "text": "Called the customer.", "detailDescriptionFlag": true, "internalAnalysisFlag": false, "resolutionFlag": false, "member": reference(owner, "Member"), "dateCreated": ts(entered + chrono::Duration::minutes(30)), "createdBy": format!("member{owner}")}),
            );
            note_id += 1;
        }
        if id % 10 == 0 {
            put(
                state,
                "time/entries",
                json!({"id": entry_id, "company": {"id": company}, "chargeToId": id, "chargeToType": "ServiceTicket", "member": reference(owner, "Member"), "timeStart": ts(entered), "timeEnd": ts(entered + chrono::Duration::minutes(45)), "actualHours": 0.75, "notes": "Remote session"}),
            );
            entry_id += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Paths in records

/// The value at a `/`-separated path (keys matched exactly, then in any case).
pub(super) fn lookup<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('/').try_fold(record, |v, key| {
        let obj = v.as_object()?;
        obj.get(key).or_else(|| {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
    })
}

/// Sets the value at a path, creating objects on the way.
pub(super) fn set_path(record: &mut Value, path: &str, value: Value) {
    let mut cur = record;
    let parts: Vec<&str> = path.split('/').collect();
    for (i, key) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i == parts.len() - 1 {
            obj.insert((*key).to_owned(), value);
            return;
        }
        cur = obj.entry((*key).to_owned()).or_insert_with(|| json!({}));
    }
}

/// Removes the value at a path, if there is one.
pub(super) fn remove_path(record: &mut Value, path: &str) {
    let parts: Vec<&str> = path.split('/').collect();
    let mut cur = record;
    for key in &parts[..parts.len() - 1] {
        match cur.get_mut(*key) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.remove(parts[parts.len() - 1]);
    }
}

/// The record with only the `fields=` paths.
pub(super) fn project(record: &Value, fields: &str) -> Value {
    let mut out = json!({});
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if let Some(v) = lookup(record, field) {
            set_path(&mut out, field, v.clone());
        }
    }
    out
}
