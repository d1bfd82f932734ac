//! Typed listing against the floor, on one machine, in one run: a benchmark anyone can
//! rerun with public tools only (see `bench/run.sh` and `BENCHMARKS.md`).
//!
//! ```text
//! cargo build --release -p msp-examples --example bench-decode
//! target/release/examples/bench-decode compare            # 100 pages × 1000 tickets
//! target/release/examples/bench-decode memory --pages 1000 --look-ahead   # peak RSS at 1M
//! target/release/examples/bench-decode latency            # 200 pages, 50 ms each
//! target/release/examples/bench-decode get                # 5,000 single GETs
//! target/release/examples/bench-decode sims               # the simulators' own rate
//! target/release/examples/bench-decode decode             # one page, in process
//! ```
//!
//! A tiny static server is part of the bench (tokio `TcpListener`, HTTP/1.1 keep-alive,
//! pages serialized once before the clock starts, ConnectWise's `Link` headers and
//! Kaseya's envelope with `TotalRecords`). It serves realistic ConnectWise tickets —
//! about 40 fields each, 4 nested references with `_info` links, a custom field,
//! 1.4 KB per ticket — generated from a fixed seed, so every run serves the same bytes.
//!
//! `compare` streams the same pages three ways, interleaved round by round:
//! - **typed**: `cwmanage_client` `tickets().list().stream()` into `models::Ticket`;
//! - **floor**: a hand-written `reqwest` + `serde_json` loop decoding the same fields
//!   into a plain `#[derive(Deserialize)]` struct, following the `Link` header;
//! - **no decode**: the same keep-alive loop reading the bodies without decoding them.
//!
//! The server runs on its own thread and runtime; in `memory` mode it runs in a child
//! process (or at `--url`), so the figure read from `/proc/self/status` (`VmHWM`) is the
//! client's alone.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use futures_util::TryStreamExt;
use msp_common::Listing;
use msp_common::reqwest;
use msp_examples::{cw, vsa};
use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

// ---------------------------------------------------------------------------------------
// Command line

#[derive(Parser, Debug)]
#[command(
    name = "bench-decode",
    about = "Typed listing against the hand-written floor and a no-decode loop"
)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Pages of the ConnectWise data set (`compare`, `memory`).
    #[arg(long, global = true)]
    pages: Option<usize>,
    /// Rounds per case; the best and the median are reported.
    #[arg(long, global = true, default_value_t = 5)]
    rounds: usize,
}

#[derive(Subcommand, Debug, Clone)]
enum Mode {
    /// Typed stream, hand-written floor and no-decode loop over the same pages (default:
    /// 100 pages of 1000 tickets).
    Compare,
    /// Streams the tickets once with the typed client and prints the peak RSS (`VmHWM`).
    Memory {
        /// Look-ahead on (the next page is fetched while this one is consumed).
        #[arg(long)]
        look_ahead: bool,
        /// The hand-written floor instead of the typed client.
        #[arg(long)]
        floor: bool,
        /// A server started with `bench-decode serve --render` (default: a child process).
        #[arg(long)]
        url: Option<String>,
    },
    /// Latency-bound paging: 200 pages, 50 ms added to each answer (Kaseya and
    /// ConnectWise; sequential, look-ahead, pages in flight).
    Latency {
        /// Added latency per answer, in milliseconds.
        #[arg(long, default_value_t = 50)]
        latency_ms: u64,
    },
    /// Sequential single GETs: `tickets().get(id)` against a hand-written GET + decode.
    Get {
        /// Calls per round.
        #[arg(long, default_value_t = 5000)]
        calls: usize,
        /// Only one case, once per round (for a profiler, or instruction counts under
        /// callgrind: run it with two `--calls` values and divide the difference).
        #[arg(long, value_enum)]
        only: Option<GetCase>,
        /// Run the clients on a current-thread runtime (their connection tasks on the
        /// same thread): the per-call cost without the scheduler's cross-thread wake-ups.
        #[arg(long)]
        current_thread: bool,
    },
    /// The simulators' own rate, and the client's against them and against a static
    /// mirror of their pages.
    Sims {
        /// ConnectWise simulator tickets.
        #[arg(long, default_value_t = 20_000)]
        tickets: usize,
        /// Kaseya simulator agents.
        #[arg(long, default_value_t = 20_000)]
        agents: usize,
    },
    /// One page decoded in process (no HTTP): where the time goes.
    Decode {
        /// Only the cases whose name contains this text.
        #[arg(long)]
        only: Option<String>,
    },
    /// Every mode above in turn, with the counts given (`--pages 2` for a smoke run).
    All,
    /// Serves the data set and prints `{"url": …}` on one line (for `memory --url` and
    /// `/usr/bin/time -v`).
    Serve {
        /// Render each page on request from 100 templates instead of holding every
        /// page (for 1M tickets).
        #[arg(long)]
        render: bool,
    },
}

// ---------------------------------------------------------------------------------------
// The data set: realistic ConnectWise tickets and Kaseya agents

/// Tickets per ConnectWise page.
const PER_PAGE: usize = 1000;
/// Agents per Kaseya page (`$top` is at most 100).
const VSA_PER_PAGE: usize = 100;
/// Ticket ids start here: every id of a million tickets has seven digits, so a page
/// template can be re-rendered with other ids in place.
const FIRST_ID: u64 = 1_000_000;
/// The API base the `_info` links point at, as a hosted Manage writes them.
const HREF: &str = "https://na.myconnectwise.net/v4_6_release/apis/3.0/";

/// A seeded generator (xorshift), so every run serves the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A small JSON writer that remembers where each ticket id was written.
struct Json {
    out: String,
    comma: Vec<bool>,
    /// Byte offsets of the seven digits of every ticket id written.
    ids: Vec<usize>,
}

impl Json {
    fn new() -> Self {
        Json {
            out: String::with_capacity(1 << 21),
            comma: Vec::new(),
            ids: Vec::new(),
        }
    }
    fn sep(&mut self) {
        if let Some(c) = self.comma.last_mut() {
            if *c {
                self.out.push(',');
            }
            *c = true;
        }
    }
    fn key(&mut self, k: &str) {
        self.sep();
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
    }
    fn open(&mut self, k: Option<&str>, c: char) {
        match k {
            Some(k) => self.key(k),
            None => self.sep(),
        }
        self.out.push(c);
        self.comma.push(false);
    }
    fn close(&mut self, c: char) {
        self.comma.pop();
        self.out.push(c);
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out
            .push_str(&serde_json::to_string(v).expect("a string encodes"));
    }
    fn num(&mut self, k: &str, v: impl std::fmt::Display) {
        self.key(k);
        let _ = write!(self.out, "{v}");
    }
    fn bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out.push_str(if v { "true" } else { "false" });
    }
    fn null(&mut self, k: &str) {
        self.key(k);
        self.out.push_str("null");
    }
    /// A ticket id, recorded so a template can be re-rendered with other ids.
    fn ticket_id(&mut self, id: u64) {
        self.ids.push(self.out.len());
        let _ = write!(self.out, "{id:07}");
    }
    /// `"key": {"id": …, "identifier"?, "name": …, extra…, "_info": {"{kind}_href": …}}`
    fn reference(
        &mut self,
        k: &str,
        kind: &str,
        path: &str,
        id: u64,
        identifier: Option<&str>,
        name: &str,
    ) {
        self.open(Some(k), '{');
        self.num("id", id);
        if let Some(identifier) = identifier {
            self.str("identifier", identifier);
        }
        self.str("name", name);
        self.open(Some("_info"), '{');
        self.str(&format!("{kind}_href"), &format!("{HREF}{path}/{id}"));
        self.close('}');
        self.close('}');
    }
}

const SUMMARIES: &[&str] = &[
    "Printer offline on 2nd floor",
    "Password reset for new hire",
    "VPN not connecting from home",
    "New user setup - Accounting",
    "Disk space low on FS01",
    "Outlook keeps crashing after update",
    "Backup job failed (Veeam)",
    "Replace laptop battery",
    "AV agent missing on WS-114",
    "Wi-Fi slow in \"Conference Room B\"",
];
const BOARDS: &[&str] = &["Help Desk", "Projects", "Alerts", "Onboarding"];
const STATUSES: &[&str] = &[
    "New",
    "In Progress",
    "Waiting on Customer",
    "Completed",
    ">Closed",
];
const PRIORITIES: &[&str] = &[
    "Priority 1 - Emergency Response",
    "Priority 2 - Quick Response",
    "Priority 3 - Normal Response",
    "Priority 4 - Schedule Maintenance",
];
const COMPANIES: &[&str] = &[
    "Northwind Dental",
    "Contoso Legal",
    "Fabrikam Logistics",
    "Tailspin Accounting",
    "Müller & Söhne GmbH",
    "O'Brien & Sons + Co",
];
const PEOPLE: &[&str] = &[
    "Ann Smith",
    "Ben Okafor",
    "Carla Nguyen",
    "Dev Garcia",
    "Erin Müller",
];
const TYPES: &[&str] = &["Hardware", "Software", "Network", "Security", "Account"];
const SUBTYPES: &[&str] = &["Printer", "Laptop", "Email", "Firewall", "Server"];

/// One realistic ticket, as `GET /service/tickets` answers it: the model's scalar fields,
/// four references each with its `_info` link, about twenty fields the model does not
/// name (kept in `extra`), a custom field and the ticket's own `_info`; about 1.4 KB.
fn write_ticket(j: &mut Json, id: u64, rng: &mut Rng) {
    let board = rng.below(BOARDS.len() as u64) as usize;
    let status = rng.below(STATUSES.len() as u64) as usize;
    let closed = status >= 3;
    let company = rng.below(COMPANIES.len() as u64) as usize;
    let owner = rng.below(PEOPLE.len() as u64) as usize;
    let contact = rng.below(PEOPLE.len() as u64) as usize;
    let priority = rng.below(PRIORITIES.len() as u64) as usize;
    let (day, hour, minute) = (1 + rng.below(28), rng.below(24), rng.below(60));
    let entered = format!("2025-03-{day:02}T{hour:02}:{minute:02}:00Z");
    let updated = format!("2025-04-{day:02}T{hour:02}:{minute:02}:17Z");
    let owner_ident = PEOPLE[owner].replace(' ', "").to_lowercase();
    let company_ident = COMPANIES[company]
        .split(' ')
        .next()
        .unwrap_or("Company")
        .replace('\'', "");

    j.open(None, '{');
    j.key("id");
    j.ticket_id(id);
    let summary = format!("{} (ref {})", rng.pick(SUMMARIES), rng.below(100_000));
    j.str("summary", &summary);
    j.str("recordType", "ServiceTicket");
    j.reference(
        "board",
        "board",
        "service/boards",
        board as u64 + 1,
        None,
        BOARDS[board],
    );
    j.reference(
        "status",
        "status",
        "service/statuses",
        (board * 5 + status + 1) as u64,
        None,
        STATUSES[status],
    );
    j.reference(
        "company",
        "company",
        "company/companies",
        250 + company as u64,
        Some(&company_ident),
        COMPANIES[company],
    );
    j.reference(
        "owner",
        "member",
        "system/members",
        150 + owner as u64,
        Some(&owner_ident),
        PEOPLE[owner],
    );
    let t = rng.below(TYPES.len() as u64) as usize;
    j.str("typeName", TYPES[t]);
    j.str("subTypeName", SUBTYPES[t]);
    j.str("priorityName", PRIORITIES[priority]);
    j.str("siteName", "Main");
    j.str("city", "Tampa");
    j.str("contactName", PEOPLE[contact]);
    j.str(
        "contactEmailAddress",
        &format!(
            "{}@example.com",
            PEOPLE[contact].replace(' ', ".").to_lowercase()
        ),
    );
    j.str("severity", "Medium");
    j.str("impact", "Medium");
    j.bool("customerUpdatedFlag", rng.below(4) == 0);
    j.bool("closedFlag", closed);
    if closed {
        j.str("closedDate", &updated);
        j.str("closedBy", &owner_ident);
    }
    j.bool("approved", true);
    j.str("billingMethod", "ActualRates");
    j.num("resolveMinutes", rng.below(600));
    j.bool("isInSla", rng.below(10) != 0);
    j.str("dateEntered", &entered);
    j.open(Some("customFields"), '[');
    j.open(None, '{');
    j.num("id", 7);
    j.str("caption", "Region");
    j.str("type", "Text");
    j.str("entryMethod", "EntryField");
    j.num("numberOfDecimals", 0);
    j.str(
        "value",
        if company.is_multiple_of(2) {
            "West"
        } else {
            "East"
        },
    );
    j.close('}');
    j.close(']');
    j.open(Some("_info"), '{');
    j.str("lastUpdated", &updated);
    j.str("updatedBy", &owner_ident);
    j.key("notes_href");
    j.out.push('"');
    j.out.push_str(HREF);
    j.out.push_str("service/tickets/");
    j.ticket_id(id);
    j.out.push_str("/notes\"");
    j.close('}');
    j.close('}');
}

/// A page of tickets (a JSON array) and where its ids are, ids starting at `first`.
fn ticket_page(first: u64, count: usize, seed: u64) -> (Vec<u8>, Vec<usize>) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut j = Json::new();
    j.open(None, '[');
    for k in 0..count as u64 {
        write_ticket(&mut j, first + k, &mut rng);
    }
    j.close(']');
    (j.out.into_bytes(), j.ids)
}

/// One realistic Kaseya agent record.
fn write_agent(j: &mut Json, n: u64, rng: &mut Rng) {
    const OS: [(&str, &str); 4] = [
        ("Windows", "Windows 11 Pro"),
        ("Windows", "Windows Server 2022"),
        ("Mac OS X", "macOS 14"),
        ("Linux", "Ubuntu 24.04"),
    ];
    let (os_type, os) = OS[(n % 4) as usize];
    let host = format!("PC-{n:05}");
    j.open(None, '{');
    j.key("AgentId");
    let _ = write!(j.out, "{}", 121_747_357_971_679u64 + n * 7919);
    j.str("AgentName", &format!("{host}.workstations.acme"));
    j.num("Online", [0, 1, 2, 11, 12][(n % 5) as usize]);
    j.str("OSType", os_type);
    j.str("OSInfo", os);
    j.key("OrgId");
    j.out.push_str("10000000000000");
    j.key("MachineGroupId");
    j.out.push_str("20000000000037");
    j.str("MachineGroup", "workstations.acme");
    j.str("ComputerName", &host);
    j.str(
        "IPAddress",
        &format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256),
    );
    j.str("IPv6Address", "");
    j.str("OperatingSystem", os);
    j.str("OSVersion", "10.0.22631");
    j.str("LastLoggedInUser", &format!("user{}", n % 17));
    j.str(
        "LastCheckInTime",
        &format!(
            "2026-11-{:02}T{:02}:{:02}:04.833",
            1 + rng.below(28),
            rng.below(24),
            rng.below(60)
        ),
    );
    j.str(
        "LastRebootTime",
        &format!(
            "2026-10-{:02}T{:02}:00:00",
            1 + rng.below(28),
            rng.below(24)
        ),
    );
    j.str("FirstCheckIn", "2024-01-15T09:30:00");
    j.str("CurrentUser", if n.is_multiple_of(3) { "" } else { "jdoe" });
    j.num("RamMBytes", 4096 * (1 + rng.below(8)));
    j.num("CpuCount", 2 + rng.below(14));
    j.num("CpuSpeed", 2400 + 100 * rng.below(10));
    j.str("CpuType", "Intel(R) Core(TM) i7-1185G7 @ 3.00GHz");
    j.num("AgentVersion", 9_050_000 + rng.below(5));
    j.str("Country", "US");
    j.str("TimeZone", "Eastern Standard Time");
    j.str("DomainWorkgroup", "ACME");
    j.num("AgentFlags", 0);
    j.str("DefaultGateway", "10.0.0.1");
    j.str("DNSServer1", "10.0.0.2");
    j.str("DNSServer2", "10.0.0.3");
    j.str("PrimaryKServer", "vsa.acme.example:5721");
    j.str("ConnectionGatewayIP", "203.0.113.7");
    j.null("Attributes");
    j.close('}');
}

fn agent_page(first: u64, count: usize, total: usize) -> Vec<u8> {
    let mut rng = Rng(first.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let mut j = Json::new();
    j.open(None, '{');
    j.num("TotalRecords", total);
    j.open(Some("Result"), '[');
    for n in first..first + count as u64 {
        write_agent(&mut j, n, &mut rng);
    }
    j.close(']');
    j.num("ResponseCode", 0);
    j.str("Status", "OK");
    j.str("Error", "None");
    j.close('}');
    j.out.into_bytes()
}

// ---------------------------------------------------------------------------------------
// The static server

/// The pages of one ConnectWise listing (one page size).
struct CwPages {
    per_page: usize,
    pages: PageBodies,
}

enum PageBodies {
    /// Every page serialized once.
    Held(Vec<Arc<Vec<u8>>>),
    /// Pages rendered on request from templates (their ids rewritten in place), so a
    /// million tickets need no gigabyte of memory in the server.
    Rendered {
        templates: Vec<(Vec<u8>, Vec<usize>)>,
        pages: usize,
    },
}

impl PageBodies {
    fn len(&self) -> usize {
        match self {
            PageBodies::Held(p) => p.len(),
            PageBodies::Rendered { pages, .. } => *pages,
        }
    }

    /// The body of page `n` (from 0).
    fn body(&self, n: usize, per_page: usize) -> Arc<Vec<u8>> {
        match self {
            PageBodies::Held(p) => p[n].clone(),
            PageBodies::Rendered { templates, .. } => {
                let (template, ids) = &templates[n % templates.len()];
                let mut body = template.clone();
                let first = FIRST_ID + (n * per_page) as u64;
                // Each ticket writes its id at the same number of places.
                let per_ticket = ids.len() / per_page;
                for (k, at) in ids.iter().enumerate() {
                    let id = first + (k / per_ticket) as u64;
                    let digits = format!("{id:07}");
                    body[*at..*at + 7].copy_from_slice(digits.as_bytes());
                }
                Arc::new(body)
            }
        }
    }
}

struct Site {
    /// ConnectWise tickets, by page size.
    cw: HashMap<usize, CwPages>,
    /// One ticket, for single GETs.
    cw_one: Arc<Vec<u8>>,
    /// Kaseya agent pages (`$top` = [`VSA_PER_PAGE`]), envelopes with `TotalRecords`.
    vsa: Vec<Arc<Vec<u8>>>,
    /// Added to every answer but Kaseya's `/auth`.
    latency: Duration,
}

impl Site {
    fn empty() -> Site {
        Site {
            cw: HashMap::new(),
            cw_one: Arc::new({
                let (page, _) = ticket_page(FIRST_ID + 41, 1, 42);
                page[1..page.len() - 1].to_vec()
            }),
            vsa: Vec::new(),
            latency: Duration::ZERO,
        }
    }

    /// `pages` pages of `per_page` tickets, held (or rendered from 100 templates).
    fn with_tickets(mut self, pages: usize, per_page: usize, render: bool) -> Site {
        let bodies = if render {
            let templates = (0..pages.min(100))
                .map(|n| ticket_page(FIRST_ID + (n * per_page) as u64, per_page, n as u64))
                .collect();
            PageBodies::Rendered { templates, pages }
        } else {
            PageBodies::Held(
                (0..pages)
                    .map(|n| {
                        Arc::new(
                            ticket_page(FIRST_ID + (n * per_page) as u64, per_page, n as u64).0,
                        )
                    })
                    .collect(),
            )
        };
        self.cw.insert(
            per_page,
            CwPages {
                per_page,
                pages: bodies,
            },
        );
        self
    }

    /// ConnectWise pages copied from another server (a simulator).
    fn with_ticket_bodies(mut self, per_page: usize, bodies: Vec<Vec<u8>>) -> Site {
        let pages = PageBodies::Held(bodies.into_iter().map(Arc::new).collect());
        self.cw.insert(per_page, CwPages { per_page, pages });
        self
    }

    fn with_agents(mut self, pages: usize) -> Site {
        let total = pages * VSA_PER_PAGE;
        self.vsa = (0..pages)
            .map(|n| Arc::new(agent_page((n * VSA_PER_PAGE) as u64, VSA_PER_PAGE, total)))
            .collect();
        self
    }

    fn with_agent_bodies(mut self, bodies: Vec<Vec<u8>>) -> Site {
        self.vsa = bodies.into_iter().map(Arc::new).collect();
        self
    }

    fn with_latency(mut self, latency: Duration) -> Site {
        self.latency = latency;
        self
    }

    fn tickets(&self) -> usize {
        self.cw
            .values()
            .map(|c| c.pages.len() * c.per_page)
            .max()
            .unwrap_or(0)
    }
}

/// A running static server: its URL (`http://127.0.0.1:port`).
struct Server {
    url: String,
}

/// Starts the server on its own thread and current-thread runtime, so it shares no
/// worker with the client under test.
fn serve(site: Site) -> Server {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    std_listener.set_nonblocking(true).expect("non-blocking");
    let url = format!("http://{}", std_listener.local_addr().expect("bound"));
    let site = Arc::new(site);
    let base = url.clone();
    let thread = std::thread::Builder::new().name("static-server".into());
    let _server = thread.spawn(move || {
        if let Ok(link) = std::fs::read_link("/proc/thread-self")
            && let Some(tid) = link.file_name()
            && let Ok(mut tids) = SERVER_TIDS.lock()
        {
            tids.push(tid.to_string_lossy().into_owned());
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, site.clone(), base.clone()));
            }
        });
    });
    assert!(_server.is_ok(), "the server thread starts");
    Server { url }
}

/// One keep-alive connection: requests answered in order until the client closes.
async fn connection(mut stream: TcpStream, site: Arc<Site>, base: String) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        // The head of the next request.
        let head_end = loop {
            if let Some(at) = find(&buf, b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let body_len = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + body_len {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + body_len);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let is_auth = path.ends_with("/api/v1.0/auth");
        if !site.latency.is_zero() && !is_auth {
            tokio::time::sleep(site.latency).await;
        }
        let response = answer(&site, &base, path, query);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// A whole HTTP/1.1 answer: head and body in one buffer (one write).
fn http(status: &str, extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 256);
    let _ = write!(
        Adapter(&mut out),
        "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n{extra_headers}\r\n",
        body.len()
    );
    out.extend_from_slice(body);
    out
}

/// `fmt::Write` into a byte buffer.
struct Adapter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Adapter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn answer(site: &Site, base: &str, path: &str, query: &str) -> Vec<u8> {
    if path.ends_with("/service/tickets/count") {
        let body = format!("{{\"count\":{}}}", site.tickets());
        return http("200 OK", "", body.as_bytes());
    }
    if let Some((_, id)) = path.rsplit_once("/service/tickets/")
        && id.bytes().all(|b| b.is_ascii_digit())
    {
        return http("200 OK", "", &site.cw_one);
    }
    if path.ends_with("/service/tickets") {
        let size = param(query, "pageSize")
            .and_then(|s| s.parse().ok())
            .unwrap_or(25);
        let Some(pages) = site.cw.get(&size) else {
            let body = format!(r#"{{"code":"InvalidObject","message":"no pages of {size} here"}}"#);
            return http("400 Bad Request", "", body.as_bytes());
        };
        let page: usize = param(query, "page")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let last = pages.pages.len();
        if page == 0 || page > last {
            return http("200 OK", "", b"[]");
        }
        let link = |n: usize| format!("<{base}{path}?pageSize={size}&page={n}>");
        let mut links = Vec::new();
        if page > 1 {
            links.push(format!("{}; rel=\"first\"", link(1)));
            links.push(format!("{}; rel=\"prev\"", link(page - 1)));
        }
        if page < last {
            links.push(format!("{}; rel=\"next\"", link(page + 1)));
            links.push(format!("{}; rel=\"last\"", link(last)));
        }
        let headers = if links.is_empty() {
            String::new()
        } else {
            format!("Link: {}\r\n", links.join(", "))
        };
        let body = pages.pages.body(page - 1, pages.per_page);
        return http("200 OK", &headers, &body);
    }
    if path.ends_with("/api/v1.0/auth") {
        let body = r#"{"Result":{"TenantId":"1","Token":"90151281","UserName":"apiuser","RoleId":2,"ScopeId":"2","AdminId":55957651,"SessionExpiration":"2099-01-01T00:00:00Z","CultureInfo":"en-US","TimePref":"Browser","OffSetInMinutes":0,"ApiToken":"api-90151281","Attributes":null},"ResponseCode":0,"Status":"OK","Error":"None"}"#;
        return http("200 OK", "", body.as_bytes());
    }
    if path.ends_with("/assetmgmt/agents") {
        let skip: usize = param(query, "$skip")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let n = skip / VSA_PER_PAGE;
        return match site.vsa.get(n) {
            Some(body) => http("200 OK", "", body),
            None => {
                let total = site.vsa.len() * VSA_PER_PAGE;
                let body = format!(
                    r#"{{"TotalRecords":{total},"Result":[],"ResponseCode":0,"Status":"OK","Error":"None"}}"#
                );
                http("200 OK", "", body.as_bytes())
            }
        };
    }
    http(
        "404 Not Found",
        "",
        br#"{"code":"NotFound","message":"not here"}"#,
    )
}

// ---------------------------------------------------------------------------------------
// The clients under test

/// The same fields as `cwmanage_client::models::Ticket`, in a plain derived struct: the
/// floor a hand-written client decoding those fields reaches.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct FloorTicket {
    id: Option<u64>,
    summary: Option<String>,
    record_type: Option<String>,
    board: Option<FloorRef>,
    status: Option<FloorRef>,
    company: Option<FloorRef>,
    contact: Option<FloorRef>,
    priority: Option<FloorRef>,
    owner: Option<FloorRef>,
    #[serde(rename = "type")]
    kind: Option<FloorRef>,
    sub_type: Option<FloorRef>,
    item: Option<FloorRef>,
    team: Option<FloorRef>,
    source: Option<FloorRef>,
    agreement: Option<FloorRef>,
    site: Option<FloorRef>,
    closed_flag: Option<bool>,
    closed_date: Option<String>,
    closed_by: Option<String>,
    date_entered: Option<String>,
    initial_description: Option<String>,
    initial_internal_analysis: Option<String>,
    initial_resolution: Option<String>,
    customer_updated_flag: Option<bool>,
    skip_callback: Option<bool>,
    #[serde(rename = "_info")]
    info: Option<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    custom_fields: Vec<FloorCustomField>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FloorRef {
    id: Option<u64>,
    name: Option<String>,
    identifier: Option<String>,
    #[serde(rename = "_info")]
    info: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct FloorCustomField {
    id: Option<u64>,
    caption: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    entry_method: Option<String>,
    number_of_decimals: Option<u32>,
    value: Option<serde_json::Value>,
    connect_wise_id: Option<String>,
}

fn cw_client(url: &str) -> Result<cw::Client> {
    Ok(cw::Client::builder()
        .base_url(url)
        .allow_http(true)
        .credentials(cw::Credentials::new(
            "myco",
            "pK7wQ2mZ9xR4tL6v",
            "sN3bV8cJ5hY1fD0a",
        ))
        .client_id("6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
        .build()?)
}

fn vsa_client(url: &str) -> Result<vsa::Client> {
    Ok(vsa::Client::builder()
        .base_url(url)
        .allow_http(true)
        .credentials(vsa::auth::Credentials::personal_access_token(
            "apiuser",
            "pat-0123456789abcdef",
        ))
        .build()?)
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .build()
        .expect("a reqwest client")
}

/// The first URL of the ConnectWise listing on a server.
fn first_page(url: &str, per_page: usize) -> String {
    format!("{url}/v4_6_release/apis/3.0/service/tickets?pageSize={per_page}&page=1")
}

/// The `rel="next"` of a response.
fn next_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(msp_common::paginate::parse_link_header)
        .find(|l| l.rel == "next")
        .map(|l| l.url)
}

/// The hand-written loop: GET, read the body, decode (or not), follow `next`.
async fn hand_written(http: &reqwest::Client, first: String, decode: bool) -> Result<usize> {
    let mut url = Some(first);
    let mut count = 0;
    let mut ids = 0u64;
    while let Some(u) = url.take() {
        let response = http
            .get(&u)
            .basic_auth("myco+pK7wQ2mZ9xR4tL6v", Some("sN3bV8cJ5hY1fD0a"))
            .header("clientId", "6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
            .send()
            .await?
            .error_for_status()?;
        url = next_of(&response);
        let body = response.bytes().await?;
        if decode {
            let page: Vec<FloorTicket> = serde_json::from_slice(&body)?;
            // Each ticket handed to the consumer, as the typed stream does.
            for ticket in page {
                ids = ids.wrapping_add(ticket.id.unwrap_or(0));
                count += 1;
            }
        } else {
            count += body.len();
        }
    }
    std::hint::black_box(ids);
    Ok(count)
}

/// The typed client: every ticket of the listing, consumed one by one.
async fn typed(client: &cw::Client, per_page: u32, look_ahead: bool) -> Result<usize> {
    typed_paged(client, per_page, look_ahead, cw::query::Paging::Auto).await
}

/// [`typed`] with a paging mode.
async fn typed_paged(
    client: &cw::Client,
    per_page: u32,
    look_ahead: bool,
    paging: cw::query::Paging,
) -> Result<usize> {
    let mut stream = client
        .tickets()
        .list()
        .paging(paging)
        .page_size(per_page)
        .look_ahead(look_ahead)
        .stream();
    let mut count = 0;
    let mut ids = 0u64;
    while let Some(ticket) = stream.try_next().await? {
        ids = ids.wrapping_add(ticket.id.map_or(0, |id| id.get()));
        count += 1;
    }
    std::hint::black_box(ids);
    Ok(count)
}

// ---------------------------------------------------------------------------------------
// Timing

/// The times of one case over the rounds: wall time, and the client's CPU time.
#[derive(Default, Clone)]
struct Times(Vec<Duration>, Vec<Duration>);

fn best(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

impl Times {
    fn best(&self) -> Duration {
        best(&self.0)
    }
    fn median(&self) -> Duration {
        median(&self.0)
    }
    fn cpu_best(&self) -> Duration {
        best(&self.1)
    }
    fn cpu_median(&self) -> Duration {
        median(&self.1)
    }
    fn push(&mut self, (wall, cpu): (Duration, Duration)) {
        self.0.push(wall);
        self.1.push(cpu);
    }
}

/// Runs `f`, measuring wall time and this process's CPU time but the static server's.
async fn timed_cpu<F, Fut>(f: F) -> Result<((Duration, Duration), usize)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let (start, cpu) = (Instant::now(), client_cpu());
    let n = f().await?;
    Ok(((start.elapsed(), client_cpu().saturating_sub(cpu)), n))
}

fn secs(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64().max(1e-12))
}

async fn timed<F, Fut>(f: F) -> Result<(Duration, usize)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let start = Instant::now();
    let n = f().await?;
    Ok((start.elapsed(), n))
}

fn machine_note() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    format!("{cpus} CPUs, load average {load} at start")
}

/// On-CPU time of this thread (`/proc/thread-self/schedstat`, nanoseconds): what a
/// computation cost, whatever else the machine was running.
fn thread_cpu() -> Duration {
    // The kernel brings the running thread's figure up to date when it yields.
    std::thread::yield_now();
    schedstat("/proc/thread-self/schedstat")
}

fn schedstat(path: &str) -> Duration {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// On-CPU time of every thread of this process but the static server's.
fn client_cpu() -> Duration {
    let server = SERVER_TIDS.lock().map(|t| t.clone()).unwrap_or_default();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    tasks
        .filter_map(|t| t.ok())
        .filter(|t| !server.iter().any(|s| *s == t.file_name().to_string_lossy()))
        .map(|t| schedstat(&format!("{}/schedstat", t.path().display())))
        .sum()
}

/// The thread ids of the static servers (`/proc/thread-self` of their threads).
static SERVER_TIDS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Peak resident set of this process, from `/proc/self/status` (`VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------
// Modes

async fn compare(pages: usize, rounds: usize) -> Result {
    let started = Instant::now();
    let server = serve(Site::empty().with_tickets(pages, PER_PAGE, false));
    let bytes: usize = {
        let http = http_client();
        hand_written(&http, first_page(&server.url, PER_PAGE), false).await?
    };
    let tickets = pages * PER_PAGE;
    println!(
        "compare: {pages} pages × {PER_PAGE} tickets = {tickets} tickets, {:.1} MB ({:.0} bytes/ticket), served from memory; {} (data built in {:.1} s)",
        bytes as f64 / 1e6,
        bytes as f64 / tickets as f64,
        machine_note(),
        started.elapsed().as_secs_f64()
    );
    let client = cw_client(&server.url)?;
    let http = http_client();
    // Warm up every path once (connections, allocator).
    typed(&client, PER_PAGE as u32, false).await?;
    hand_written(&http, first_page(&server.url, PER_PAGE), true).await?;
    let curl = which("curl");

    let mut names = vec![
        "no decode (reqwest keep-alive loop)",
        "floor (reqwest + serde_json, the same fields)",
        "typed tickets().list().stream()",
    ];
    if curl.is_some() {
        names.push("curl keep-alive loop, no parsing (separate process)");
    }
    let mut times = vec![Times::default(); names.len()];
    for round in 0..rounds {
        for k in 0..names.len() {
            let case = (k + round) % names.len();
            let url = first_page(&server.url, PER_PAGE);
            let (t, n) = match case {
                0 => timed_cpu(|| hand_written(&http, url, false)).await?,
                1 => timed_cpu(|| hand_written(&http, url, true)).await?,
                2 => timed_cpu(|| typed(&client, PER_PAGE as u32, false)).await?,
                _ => {
                    let glob = url.replace("page=1", &format!("page=[1-{pages}]"));
                    let curl = curl.clone().unwrap_or_default();
                    let start = Instant::now();
                    let status = std::process::Command::new(curl)
                        .args(["-s", "-f", &glob])
                        .stdout(std::process::Stdio::null())
                        .status()?;
                    if !status.success() {
                        return Err("curl failed".into());
                    }
                    ((start.elapsed(), Duration::ZERO), 0)
                }
            };
            if case == 1 || case == 2 {
                assert_eq!(n, tickets, "every ticket was read");
            }
            times[case].push(t);
        }
    }
    println!(
        "{:<52} {:>9} {:>9} {:>12} {:>10} {:>10}",
        "case", "best", "median", "tickets/s", "CPU best", "CPU median"
    );
    for (name, t) in names.iter().zip(&times) {
        let (cpu_best, cpu_median) = if t.cpu_best().is_zero() {
            ("-".into(), "-".into())
        } else {
            (secs(t.cpu_best()), secs(t.cpu_median()))
        };
        println!(
            "{name:<52} {:>9} {:>9} {:>12.0} {cpu_best:>10} {cpu_median:>10}",
            secs(t.best()),
            secs(t.median()),
            tickets as f64 / t.median().as_secs_f64(),
        );
    }
    let (none, floor, typed) = (&times[0], &times[1], &times[2]);
    println!(
        "typed / floor: {} wall median, {} wall best, {} CPU median, {} CPU best",
        ratio(typed.median(), floor.median()),
        ratio(typed.best(), floor.best()),
        ratio(typed.cpu_median(), floor.cpu_median()),
        ratio(typed.cpu_best(), floor.cpu_best()),
    );
    println!(
        "typed / no decode: {} wall median, {} wall best, {} CPU median;  floor / no decode: {} wall median",
        ratio(typed.median(), none.median()),
        ratio(typed.best(), none.best()),
        ratio(typed.cpu_median(), none.cpu_median()),
        ratio(floor.median(), none.median()),
    );
    if let Some(curl) = times.get(3) {
        println!(
            "typed / curl: {} wall median, {} wall best;  floor / curl: {} wall median",
            ratio(typed.median(), curl.median()),
            ratio(typed.best(), curl.best()),
            ratio(floor.median(), curl.median()),
        );
    }
    Ok(())
}

/// The path of a program on `PATH`.
fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// Serves the data set in this process and prints its URL (for `memory --url`).
async fn serve_forever(pages: usize, render: bool) -> Result {
    let server = serve(Site::empty().with_tickets(pages, PER_PAGE, render));
    println!("{{\"url\": \"{}\"}}", server.url);
    loop {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// A child process serving `pages` pages (rendered), killed on drop.
struct Child(std::process::Child, String);

impl Child {
    fn start(pages: usize) -> Result<Child> {
        let mut child = std::process::Command::new(std::env::current_exe()?)
            .args(["--pages", &pages.to_string(), "serve", "--render"])
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let url = v["url"].as_str().ok_or("no url")?.to_owned();
        Ok(Child(child, url))
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn memory(pages: usize, look_ahead: bool, floor: bool, url: Option<String>) -> Result {
    let child = match &url {
        Some(_) => None,
        None => Some(Child::start(pages)?),
    };
    let url = url.unwrap_or_else(|| child.as_ref().map(|c| c.1.clone()).unwrap_or_default());
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let n = if floor {
        let http = http_client();
        hand_written(&http, first_page(&url, PER_PAGE), true).await?
    } else {
        let client = cw_client(&url)?;
        typed(&client, PER_PAGE as u32, look_ahead).await?
    };
    let elapsed = start.elapsed();
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "memory: {} {n} tickets in {:.2} s ({:.0}/s); peak RSS (VmHWM) {:.1} MiB (before streaming: {:.1} MiB)",
        if floor {
            "floor".to_owned()
        } else {
            format!(
                "typed, look-ahead {}",
                if look_ahead { "on" } else { "off" }
            )
        },
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
    );
    drop(child);
    Ok(())
}

async fn latency(pages: usize, latency_ms: u64, rounds: usize) -> Result {
    let delay = Duration::from_millis(latency_ms);
    // 200 Kaseya pages of 100 agents; 200 ConnectWise pages of 100 tickets.
    let server = serve(
        Site::empty()
            .with_agents(pages)
            .with_tickets(pages, 100, false)
            .with_latency(delay),
    );
    println!(
        "latency: {pages} pages, {latency_ms} ms added to every answer; {}",
        machine_note()
    );
    let kaseya = vsa_client(&server.url)?;
    let manage = cw_client(&server.url)?;
    let rounds = rounds.clamp(1, 3);
    println!(
        "{:<56} {:>9} {:>9} {:>11}",
        "case", "best", "median", "speed-up"
    );
    let mut sequential = Duration::ZERO;
    for (name, look_ahead, in_flight) in [
        ("Kaseya agents, sequential (look_ahead(false))", false, 1),
        ("Kaseya agents, look-ahead (the default)", true, 1),
        ("Kaseya agents, pages_in_flight(4)", true, 4),
        ("Kaseya agents, pages_in_flight(8)", true, 8),
        ("Kaseya agents, pages_in_flight(16)", true, 16),
    ] {
        let mut times = Times::default();
        for _ in 0..rounds {
            let (t, n) = timed(|| async {
                let agents = kaseya
                    .agents()
                    .list()
                    .look_ahead(look_ahead)
                    .pages_in_flight(in_flight)
                    .collect()
                    .await?;
                Ok(agents.len())
            })
            .await?;
            assert_eq!(n, pages * VSA_PER_PAGE);
            times.0.push(t);
        }
        if in_flight == 1 && !look_ahead {
            sequential = times.median();
        }
        println!(
            "{name:<56} {:>9} {:>9} {:>11}",
            secs(times.best()),
            secs(times.median()),
            ratio(sequential, times.median())
        );
    }
    for (name, look_ahead, in_flight) in [
        ("ConnectWise tickets (100/page), sequential", false, 1),
        ("ConnectWise tickets (100/page), look_ahead(true)", true, 1),
        (
            "ConnectWise tickets (100/page), pages_in_flight(4)",
            false,
            4,
        ),
        (
            "ConnectWise tickets (100/page), pages_in_flight(8)",
            false,
            8,
        ),
        (
            "ConnectWise tickets (100/page), pages_in_flight(16)",
            false,
            16,
        ),
    ] {
        let mut times = Times::default();
        for _ in 0..rounds {
            let (t, n) = timed(|| async {
                let tickets = manage
                    .tickets()
                    .list()
                    .page_size(100)
                    .look_ahead(look_ahead)
                    .pages_in_flight(in_flight)
                    .collect()
                    .await?;
                Ok(tickets.len())
            })
            .await?;
            assert_eq!(n, pages * 100);
            times.0.push(t);
        }
        if in_flight == 1 && !look_ahead {
            sequential = times.median();
        }
        println!(
            "{name:<56} {:>9} {:>9} {:>11}",
            secs(times.best()),
            secs(times.median()),
            ratio(sequential, times.median())
        );
    }
    Ok(())
}

/// [`get`], on this runtime or on a current-thread runtime of its own.
/// One case of [`get`], run alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum GetCase {
    /// The hand-written reqwest GET + decode into a plain struct of the same fields
    /// (default reqwest client).
    Floor,
    /// The hand-written reqwest GET + decode into `models::Ticket` itself.
    FloorTicket,
    /// `tickets().get(id)`.
    Typed,
}

async fn get_on(
    calls: usize,
    rounds: usize,
    only: Option<GetCase>,
    current_thread: bool,
) -> Result {
    if !current_thread {
        return get(calls, rounds, only, "the multi-thread runtime").await;
    }
    let thread = std::thread::Builder::new().name("get-client".into());
    thread
        .spawn(move || -> Result {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(get(calls, rounds, only, "a current-thread runtime"))
        })?
        .join()
        .map_err(|_| "the benchmark thread panicked")?
}

async fn get(calls: usize, rounds: usize, only: Option<GetCase>, runtime: &str) -> Result {
    let server = serve(Site::empty());
    let client = cw_client(&server.url)?;
    let plain = http_client();
    // Configured as the transport configures its client: a timeout on every request,
    // a connect timeout, redirects left to the caller.
    let like_transport = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = format!("{}/v4_6_release/apis/3.0/service/tickets/42", server.url);
    println!(
        "get: {calls} sequential GETs of one ticket per round, the clients on {runtime}; {}",
        machine_note()
    );
    let floor_loop = |http: reqwest::Client| floor_get::<FloorTicket>(http, url.clone(), calls);
    // The issue's wording: the hand-written GET decoding "the same struct".
    let same_struct_loop =
        |http: reqwest::Client| floor_get::<cw::models::Ticket>(http, url.clone(), calls);
    let typed_loop = || async {
        for _ in 0..calls {
            let ticket = client.tickets().get(42u64).await?;
            std::hint::black_box(ticket);
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(calls)
    };
    if let Some(case) = only {
        for _ in 0..rounds {
            let ((wall, cpu), _) = match case {
                GetCase::Floor => timed_cpu(|| floor_loop(plain.clone())).await?,
                GetCase::FloorTicket => timed_cpu(|| same_struct_loop(plain.clone())).await?,
                GetCase::Typed => timed_cpu(typed_loop).await?,
            };
            println!(
                "{case:?}: {:.1} µs/call, {:.1} µs CPU/call",
                wall.as_secs_f64() * 1e6 / calls as f64,
                cpu.as_secs_f64() * 1e6 / calls as f64
            );
        }
        return Ok(());
    }
    floor_loop(plain.clone()).await?;
    floor_loop(like_transport.clone()).await?;
    same_struct_loop(plain.clone()).await?;
    typed_loop().await?;
    const CASES: usize = 4;
    let mut times = vec![Times::default(); CASES];
    for round in 0..rounds {
        for k in 0..CASES {
            let case = (k + round) % CASES;
            let t = match case {
                0 => timed_cpu(|| floor_loop(plain.clone())).await?.0,
                1 => timed_cpu(|| floor_loop(like_transport.clone())).await?.0,
                2 => timed_cpu(|| same_struct_loop(plain.clone())).await?.0,
                _ => timed_cpu(typed_loop).await?.0,
            };
            times[case].push(t);
        }
    }
    let per = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6 / calls as f64);
    println!(
        "{:<66} {:>9} {:>9} {:>9} {:>10}",
        "case (per call)", "best", "median", "CPU best", "CPU median"
    );
    for (name, t) in [
        "floor: reqwest GET + serde_json into FloorTicket (default client)",
        "floor: the same, reqwest set up as the transport sets it",
        "floor: reqwest GET + serde_json into models::Ticket (same struct)",
        "typed tickets().get(id)",
    ]
    .iter()
    .zip(&times)
    {
        println!(
            "{name:<66} {:>9} {:>9} {:>9} {:>10}",
            per(t.best()),
            per(t.median()),
            per(t.cpu_best()),
            per(t.cpu_median())
        );
    }
    let typed = &times[3];
    for (name, floor) in [
        ("FloorTicket, default client", &times[0]),
        ("FloorTicket, transport's settings", &times[1]),
        ("the same struct, Ticket", &times[2]),
    ] {
        println!(
            "typed / floor ({name}): {} wall median, {} wall best, {} CPU median, {} CPU best",
            ratio(typed.median(), floor.median()),
            ratio(typed.best(), floor.best()),
            ratio(typed.cpu_median(), floor.cpu_median()),
            ratio(typed.cpu_best(), floor.cpu_best())
        );
    }
    Ok(())
}

/// The hand-written single GET: reqwest with the credentials set per request, the body
/// read whole and decoded by `serde_json` into `T`.
async fn floor_get<T: serde::de::DeserializeOwned>(
    http: reqwest::Client,
    url: String,
    calls: usize,
) -> std::result::Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    for _ in 0..calls {
        let response = http
            .get(&url)
            .basic_auth("myco+pK7wQ2mZ9xR4tL6v", Some("sN3bV8cJ5hY1fD0a"))
            .header("clientId", "6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
            .send()
            .await?
            .error_for_status()?;
        let body = response.bytes().await?;
        let ticket: T = serde_json::from_slice(&body)?;
        std::hint::black_box(ticket);
    }
    Ok(calls)
}

/// Reads every page of a ConnectWise simulator (page numbers) as raw bodies.
async fn crawl_cw(sim: &cw::sim::Simulator, per_page: usize) -> Result<Vec<Vec<u8>>> {
    let http = http_client();
    let mut bodies = Vec::new();
    let mut url = Some(first_page(&sim.url(), per_page));
    while let Some(u) = url.take() {
        let response = http
            .get(&u)
            .basic_auth(
                format!("{}+{}", sim.company_id(), sim.public_key()),
                Some(sim.private_key()),
            )
            .header("clientId", sim.client_id())
            .send()
            .await?
            .error_for_status()?;
        url = next_of(&response);
        bodies.push(response.bytes().await?.to_vec());
    }
    Ok(bodies)
}

/// The hand-written no-decode loop against a ConnectWise simulator (its credentials).
async fn raw_cw(
    http: &reqwest::Client,
    sim: &cw::sim::Simulator,
    url: &str,
    per_page: usize,
) -> Result<usize> {
    let mut url = Some(first_page(url, per_page));
    let mut pages = 0;
    while let Some(u) = url.take() {
        let response = http
            .get(&u)
            .basic_auth(
                format!("{}+{}", sim.company_id(), sim.public_key()),
                Some(sim.private_key()),
            )
            .header("clientId", sim.client_id())
            .send()
            .await?
            .error_for_status()?;
        url = next_of(&response);
        std::hint::black_box(response.bytes().await?);
        pages += 1;
    }
    Ok(pages)
}

/// A Kaseya token from a server (`/auth` with a personal access token).
async fn vsa_token(http: &reqwest::Client, url: &str) -> Result<String> {
    let auth = http
        .get(format!("{url}/api/v1.0/auth"))
        .basic_auth(vsa::sim::USERNAME, Some(vsa::sim::PAT))
        .send()
        .await?
        .bytes()
        .await?;
    let auth: serde_json::Value = serde_json::from_slice(&auth)?;
    Ok(auth["Result"]["Token"]
        .as_str()
        .ok_or("no token")?
        .to_owned())
}

/// Every Kaseya agent page (`$top=100`) of a server, raw; the no-decode loop.
async fn raw_vsa(http: &reqwest::Client, url: &str, keep: bool) -> Result<(usize, Vec<Vec<u8>>)> {
    let token = vsa_token(http, url).await?;
    #[derive(Deserialize)]
    struct Total {
        #[serde(rename = "TotalRecords")]
        total: usize,
    }
    let mut bodies = Vec::new();
    let mut skip = 0;
    let mut total = usize::MAX;
    let mut pages = 0;
    while skip < total {
        let body = http
            .get(format!(
                "{url}/api/v1.0/assetmgmt/agents?$skip={skip}&$top={VSA_PER_PAGE}"
            ))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        if total == usize::MAX {
            total = serde_json::from_slice::<Total>(&body)?.total;
        }
        skip += VSA_PER_PAGE;
        pages += 1;
        if keep {
            bodies.push(body.to_vec());
        }
    }
    Ok((pages, bodies))
}

async fn sims(tickets: usize, agents: usize, rounds: usize) -> Result {
    println!(
        "sims: ConnectWise simulator with {tickets} tickets, Kaseya simulator with {agents} agents; {}",
        machine_note()
    );
    let rounds = rounds.max(1);
    let row = |name: &str, t: &Times, records: usize| {
        println!(
            "{name:<66} {:>9} {:>9} {:>12.0}",
            secs(t.best()),
            secs(t.median()),
            records as f64 / t.median().as_secs_f64()
        );
    };
    println!(
        "{:<66} {:>9} {:>9} {:>12}",
        "case", "best", "median", "records/s"
    );
    let http = http_client();

    let start = Instant::now();
    let sim = cw::sim::Simulator::builder().tickets(tickets).start().await;
    let seeded = start.elapsed();
    // The first read of every page: nothing cached yet.
    let start = Instant::now();
    let bodies = crawl_cw(&sim, PER_PAGE).await?;
    let cold = Times(vec![start.elapsed()], vec![]);
    let mirror = serve(Site::empty().with_ticket_bodies(PER_PAGE, bodies));
    println!(
        "(ConnectWise simulator seeded in {:.2} s; its pages mirrored on a static server)",
        seeded.as_secs_f64()
    );
    row(
        "ConnectWise simulator, first read of every page, no decode",
        &cold,
        tickets,
    );
    let sim_client = sim.client()?;
    let mirror_client = cw_client(&mirror.url)?;
    let sim_url = sim.url();
    let names = [
        "ConnectWise simulator, no-decode loop (the simulator's rate)",
        "static mirror, no-decode loop",
        "ConnectWise simulator, typed stream (the client's rate)",
        "static mirror, typed stream",
        "ConnectWise simulator, typed stream, Paging::PageNumbers",
        "static mirror, typed stream, Paging::PageNumbers",
    ];
    let mut times = vec![Times::default(); names.len()];
    for _ in 0..rounds {
        times[0]
            .0
            .push(timed(|| raw_cw(&http, &sim, &sim_url, PER_PAGE)).await?.0);
        times[1].0.push(
            timed(|| raw_cw(&http, &sim, &mirror.url, PER_PAGE))
                .await?
                .0,
        );
        for (k, client, paging) in [
            (2, &sim_client, cw::query::Paging::Auto),
            (3, &mirror_client, cw::query::Paging::Auto),
            (4, &sim_client, cw::query::Paging::PageNumbers),
            (5, &mirror_client, cw::query::Paging::PageNumbers),
        ] {
            let (t, n) = timed(|| typed_paged(client, PER_PAGE as u32, false, paging)).await?;
            assert_eq!(n, tickets);
            times[k].0.push(t);
        }
        sim.clear_received();
    }
    for (name, t) in names.iter().zip(&times) {
        row(name, t, tickets);
    }

    let sim = vsa::sim::Simulator::builder().agents(agents).start().await;
    let start = Instant::now();
    let (_, bodies) = raw_vsa(&http, &sim.url(), true).await?;
    let cold = Times(vec![start.elapsed()], vec![]);
    row(
        "Kaseya simulator, first read of every page, no decode",
        &cold,
        agents,
    );
    let mirror = serve(Site::empty().with_agent_bodies(bodies));
    let sim_client = sim.client()?;
    let mirror_client = vsa_client(&mirror.url)?;
    let sim_url = sim.url();
    let names = [
        "Kaseya simulator, no-decode loop (the simulator's rate)",
        "static mirror, no-decode loop",
        "Kaseya simulator, typed agents().list() (the client's rate)",
        "static mirror, typed agents().list()",
    ];
    let mut times = vec![Times::default(); names.len()];
    for _ in 0..rounds {
        times[0].0.push(
            timed(|| async { Ok(raw_vsa(&http, &sim_url, false).await?.0) })
                .await?
                .0,
        );
        times[1].0.push(
            timed(|| async { Ok(raw_vsa(&http, &mirror.url, false).await?.0) })
                .await?
                .0,
        );
        for (k, client) in [(2, &sim_client), (3, &mirror_client)] {
            let (t, n) = timed(|| async {
                let mut stream = client.agents().list().stream();
                let mut n = 0;
                while let Some(agent) = stream.try_next().await? {
                    std::hint::black_box(agent);
                    n += 1;
                }
                Ok(n)
            })
            .await?;
            assert_eq!(n, agents);
            times[k].0.push(t);
        }
        sim.clear_received();
    }
    for (name, t) in names.iter().zip(&times) {
        row(name, t, agents);
    }
    Ok(())
}

fn decode(rounds: usize, only: Option<&str>) -> Result {
    let (page, _) = ticket_page(FIRST_ID, PER_PAGE, 0);
    let runs = rounds.max(1) * 10;
    println!(
        "decode: one page of {PER_PAGE} tickets, {:.2} MB, in process; best of {runs} runs each (this thread's CPU time; wall time beside it)",
        page.len() as f64 / 1e6,
    );
    let headers = msp_common::header::HeaderMap::new();
    let run = |name: &str, f: &dyn Fn() -> Result<usize>| -> Result<Duration> {
        if only.is_some_and(|o| !name.contains(o)) {
            return Ok(Duration::ZERO);
        }
        let (mut cpu, mut wall) = (Duration::MAX, Duration::MAX);
        for _ in 0..runs {
            let (start, start_cpu) = (Instant::now(), thread_cpu());
            // Decoded and dropped, as a consumer of the page does.
            let n = f()?;
            cpu = cpu.min(thread_cpu().saturating_sub(start_cpu));
            wall = wall.min(start.elapsed());
            assert!(n > 0);
        }
        println!(
            "{name:<60} {:>7.2} ms CPU {:>7.2} ms wall",
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
        Ok(cpu)
    };
    run("parse only (serde::de::IgnoredAny)", &|| {
        serde_json::from_slice::<IgnoredAny>(&page)?;
        Ok(1)
    })?;
    let floor = run(
        "floor: Vec<FloorTicket> (the same fields, plain derive)",
        &|| Ok(serde_json::from_slice::<Vec<FloorTicket>>(&page)?.len()),
    )?;
    run("Vec<serde_json::Value>", &|| {
        Ok(serde_json::from_slice::<Vec<serde_json::Value>>(&page)?.len())
    })?;
    let typed = run(
        "Vec<Ticket> (msp_common::http::decode_json, the crate's path)",
        &|| {
            let v: Vec<cw::models::Ticket> = msp_common::http::decode_json(
                "ConnectWise",
                msp_common::StatusCode::OK,
                &headers,
                &page,
            )?;
            Ok(v.len())
        },
    )?;
    if !floor.is_zero() && !typed.is_zero() {
        println!(
            "Ticket / floor: {} (CPU); size of a Ticket {} bytes, of a FloorTicket {} bytes",
            ratio(typed, floor),
            std::mem::size_of::<cw::models::Ticket>(),
            std::mem::size_of::<FloorTicket>()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

fn main() -> Result {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mode = cli.mode.clone().unwrap_or(Mode::Compare);
    rt.block_on(run(mode, &cli))
}

async fn run(mode: Mode, cli: &Cli) -> Result {
    let rounds = cli.rounds.max(1);
    match mode {
        Mode::Compare => compare(cli.pages.unwrap_or(100), rounds).await,
        Mode::Memory {
            look_ahead,
            floor,
            url,
        } => memory(cli.pages.unwrap_or(1000), look_ahead, floor, url).await,
        Mode::Latency { latency_ms } => latency(cli.pages.unwrap_or(200), latency_ms, rounds).await,
        Mode::Get {
            calls,
            only,
            current_thread,
        } => get_on(calls, rounds, only, current_thread).await,
        Mode::Sims { tickets, agents } => sims(tickets, agents, rounds).await,
        Mode::Decode { only } => decode(rounds, only.as_deref()),
        Mode::Serve { render } => serve_forever(cli.pages.unwrap_or(1000), render).await,
        Mode::All => {
            let pages = cli.pages.unwrap_or(100);
            let small = cli.pages.is_some_and(|p| p < 10);
            decode(rounds, None)?;
            compare(pages, rounds).await?;
            latency(
                if small { pages } else { 200 },
                if small { 1 } else { 50 },
                rounds,
            )
            .await?;
            get_on(if small { 20 } else { 5000 }, rounds, None, false).await?;
            get_on(if small { 20 } else { 5000 }, rounds, None, true).await?;
            let records = if small { pages * 100 } else { 20_000 };
            sims(records, records, rounds).await?;
            // Peak memory is per process: one child per case.
            for args in [vec![], vec!["--look-ahead"], vec!["--floor"]] {
                let status = std::process::Command::new(std::env::current_exe()?)
                    .args([
                        "--pages",
                        &(if small { pages } else { 1000 }).to_string(),
                        "memory",
                    ])
                    .args(args)
                    .status()?;
                if !status.success() {
                    return Err("a memory run failed".into());
                }
            }
            Ok(())
        }
    }
}
