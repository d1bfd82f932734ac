//! A typed builder for the OData `$filter` and `$orderby` expressions VSA accepts.
//!
//! - comparisons `eq ne gt ge lt le`, combined with `and`, `or`, `not` and grouping;
//! - the functions `substringof('x', Field)`, `startswith(Field, 'x')`,
//!   `endswith(Field, 'x')`;
//! - literals: strings in single quotes with `'` doubled (`'O''Brien'`), integers as
//!   written, decimals (every id) with the `M` suffix (`121747357971679M`), booleans, and
//!   dates as upper-case `DATETIME'2019-06-17T07:14:20'`.
//!
//! Field names for each resource are constants in [`fields`]; [`Field::new`] validates
//! any other name so a field can never smuggle an expression in. [`Filter::raw`] accepts a
//! hand-written expression as is.
//!
//! The same grammar reads expressions back: [`parse_filter`] returns an [`Expr`] and
//! [`parse_order_by`] a list of [`OrderKey`]s. It is the crate's only OData parser — the
//! simulator (feature `sim`) evaluates what it returns — so whatever the builder writes,
//! however hostile the values, parses back to the same fields and values.
//!
//! The builder and the parser share two caps: at most [`MAX_TERMS`] comparisons and at
//! most [`MAX_DEPTH`] levels of `not` and parentheses. Combining past a cap gives a
//! *refused* filter ([`FilterTooLarge`], [`Filter::check`]) that a list call refuses with
//! [`Error::Config`] before sending, so no input — 100,000 nested `not`s, 100,000-term
//! `any`/`all`, thousands of alternating `and`/`or` levels — grows a tree whose
//! rendering, comparison, cloning or drop could exhaust the stack.
//!
//! ```
//! use kaseya_vsa_client::ids::OrgId;
//! use kaseya_vsa_client::odata::{fields::agents, Filter};
//!
//! let f = agents::AGENT_NAME.eq("O'Brien's PC")
//!     .and(agents::ORG_ID.eq(OrgId::from(121747357971679u64)))
//!     .and(agents::OS_TYPE.startswith("Win").or(agents::OS_TYPE.eq("Mac OS X")));
//! assert_eq!(
//!     f.to_string(),
//!     "AgentName eq 'O''Brien''s PC' and OrgId eq 121747357971679M and (startswith(OSType, 'Win') or OSType eq 'Mac OS X')"
//! );
//! ```

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::Error;

mod grammar;

pub use grammar::{
    Expr, Function, Literal, Operator, OrderKey, ParseError, parse_filter, parse_order_by,
};

/// A value that can stand on the right of a comparison.
pub trait ToLiteral {
    /// The value as an OData literal.
    fn to_literal(&self) -> String;
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl ToLiteral for str {
    fn to_literal(&self) -> String {
        quote(self)
    }
}

impl ToLiteral for &str {
    fn to_literal(&self) -> String {
        quote(self)
    }
}

impl ToLiteral for String {
    fn to_literal(&self) -> String {
        quote(self)
    }
}

impl ToLiteral for &String {
    fn to_literal(&self) -> String {
        quote(self)
    }
}

macro_rules! int_literal {
    ($($t:ty),*) => {$(
        impl ToLiteral for $t {
            fn to_literal(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_literal!(i8, i16, i32, i64, u8, u16, u32, u64);

impl ToLiteral for bool {
    fn to_literal(&self) -> String {
        self.to_string()
    }
}

impl ToLiteral for NaiveDateTime {
    fn to_literal(&self) -> String {
        format!("DATETIME'{}'", self.format("%Y-%m-%dT%H:%M:%S"))
    }
}

impl ToLiteral for DateTime<Utc> {
    fn to_literal(&self) -> String {
        self.naive_utc().to_literal()
    }
}

impl ToLiteral for NaiveDate {
    fn to_literal(&self) -> String {
        self.and_hms_opt(0, 0, 0).unwrap_or_default().to_literal()
    }
}

/// A decimal literal: digits (with an optional fraction) written with the `M` suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(String);

impl Decimal {
    /// A decimal from its text (`"12.50"`, `"-3"`); refuses anything else.
    pub fn new(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        let unsigned = t.strip_prefix('-').unwrap_or(t);
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty()
            || !digits(int)
            || !digits(frac)
            || (unsigned.contains('.') && frac.is_empty())
        {
            return Err(Error::config(format!("`{text}` is not a decimal number")));
        }
        Ok(Decimal(t.to_owned()))
    }
}

impl ToLiteral for Decimal {
    fn to_literal(&self) -> String {
        format!("{}M", self.0)
    }
}

/// A field name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field(Cow<'static, str>);

impl Field {
    /// A field known at compile time (the constants in [`fields`]).
    pub const fn from_static(name: &'static str) -> Self {
        Field(Cow::Borrowed(name))
    }

    /// A field by name: letters, digits, `_` and `/` (for nested properties) only.
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        let ok = !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/');
        if ok {
            Ok(Field(Cow::Owned(name)))
        } else {
            Err(Error::config(format!(
                "`{name}` is not a field name (letters, digits, `_` and `/` only)"
            )))
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.0
    }

    fn cmp(&self, op: &str, value: impl ToLiteral) -> Filter {
        Filter::leaf(format!("{} {op} {}", self.0, value.to_literal()))
    }

    /// `Field eq value`
    pub fn eq(&self, value: impl ToLiteral) -> Filter {
        self.cmp("eq", value)
    }

    /// `Field ne value`
    pub fn ne(&self, value: impl ToLiteral) -> Filter {
        self.cmp("ne", value)
    }

    /// `Field gt value`
    pub fn gt(&self, value: impl ToLiteral) -> Filter {
        self.cmp("gt", value)
    }

    /// `Field ge value`
    pub fn ge(&self, value: impl ToLiteral) -> Filter {
        self.cmp("ge", value)
    }

    /// `Field lt value`
    pub fn lt(&self, value: impl ToLiteral) -> Filter {
        self.cmp("lt", value)
    }

    /// `Field le value`
    pub fn le(&self, value: impl ToLiteral) -> Filter {
        self.cmp("le", value)
    }

    /// `substringof('text', Field)`: the field contains `text`.
    pub fn substringof(&self, text: &str) -> Filter {
        Filter::leaf(format!("substringof({}, {})", quote(text), self.0))
    }

    /// `startswith(Field, 'text')`
    pub fn startswith(&self, text: &str) -> Filter {
        Filter::leaf(format!("startswith({}, {})", self.0, quote(text)))
    }

    /// `endswith(Field, 'text')`
    pub fn endswith(&self, text: &str) -> Filter {
        Filter::leaf(format!("endswith({}, {})", self.0, quote(text)))
    }

    /// Ascending order by this field.
    pub fn asc(&self) -> OrderBy {
        OrderBy(vec![(self.clone(), false)])
    }

    /// Descending order by this field.
    pub fn desc(&self) -> OrderBy {
        OrderBy(vec![(self.clone(), true)])
    }
}

/// The most comparisons (and `substringof`/`startswith`/`endswith` calls) one filter may
/// hold, built or parsed; a [`Filter::raw`] text counts as one.
///
/// [`parse_filter`] refuses longer expressions and the builder refuses to grow past it
/// (see [`FilterTooLarge`]), so a filter is always small enough to render, compare, clone
/// and drop without exhausting the stack, and everything the builder makes parses back.
/// No VSA URL holds anywhere near this many; split longer filters into several calls.
pub const MAX_TERMS: usize = 1024;

/// The deepest a filter may nest: every `not` and every pair of parentheses the rendered
/// expression opens is one level (`not (…)` is one). [`parse_filter`] and the builder
/// share it (see [`MAX_TERMS`]).
pub const MAX_DEPTH: usize = 64;

/// Why the builder refused to grow a [`Filter`]: it would hold more than [`MAX_TERMS`]
/// comparisons or nest deeper than [`MAX_DEPTH`] levels, which [`parse_filter`] (and so
/// the simulator) refuses too.
///
/// Combining such a filter further keeps it refused; [`Filter::check`] says why, and a
/// list call given it ([`ListRequest::filter`](crate::ListRequest::filter)) fails with
/// [`Error::Config`] naming the cap before anything is sent.
///
/// ```
/// use kaseya_vsa_client::odata::{FilterTooLarge, Filter, MAX_DEPTH, MAX_TERMS, fields::agents, parse_filter};
///
/// let names = (0..100_000).map(|i| agents::AGENT_NAME.eq(format!("PC-{i:05}")));
/// assert_eq!(Filter::any(names).unwrap().check(), Err(FilterTooLarge::Terms));
///
/// let mut deep = agents::ONLINE.eq(1);
/// for _ in 0..100_000 {
///     deep = !deep;
/// }
/// assert_eq!(deep.check(), Err(FilterTooLarge::Depth));
///
/// let fine = Filter::any((0..MAX_TERMS).map(|i| agents::AGENT_NAME.eq(format!("PC-{i:05}")))).unwrap();
/// assert_eq!(fine.check(), Ok(()));
/// assert!(parse_filter(&fine.to_string()).is_ok());
/// let deepest = (0..MAX_DEPTH).fold(agents::ONLINE.eq(1), |f, _| !f);
/// assert!(parse_filter(&deepest.to_string()).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FilterTooLarge {
    /// More than [`MAX_TERMS`] comparisons.
    #[error(
        "the $filter holds more than {MAX_TERMS} comparisons, the most this crate builds or parses; split it into several calls"
    )]
    Terms,
    /// Deeper than [`MAX_DEPTH`] levels of `not` and parentheses.
    #[error(
        "the $filter nests `not` and parentheses deeper than {MAX_DEPTH} levels, the most this crate builds or parses"
    )]
    Depth,
}

impl From<FilterTooLarge> for Error {
    fn from(limit: FilterTooLarge) -> Self {
        Error::config(format!("Kaseya VSA: {limit}"))
    }
}

/// An expression tree. `And` and `Or` hold at least two operands; an operand that is not
/// a comparison or a `not` is rendered in parentheses.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Leaf(String),
    Raw(String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

impl Node {
    /// Whether this node is parenthesized as an operand of `and` / `or`.
    fn grouped(&self) -> bool {
        !matches!(self, Node::Leaf(_) | Node::Not(_))
    }
}

/// An expression with its size: comparisons, and levels of nesting when rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tree {
    node: Node,
    terms: usize,
    depth: usize,
}

impl Tree {
    fn leaf(node: Node) -> Tree {
        Tree {
            node,
            terms: 1,
            depth: 0,
        }
    }

    /// The levels this tree takes as an operand of `and` / `or`.
    fn operand_depth(&self) -> usize {
        self.depth.saturating_add(usize::from(self.node.grouped()))
    }

    fn sized(terms: usize, depth: usize) -> Result<(), FilterTooLarge> {
        if terms > MAX_TERMS {
            Err(FilterTooLarge::Terms)
        } else if depth > MAX_DEPTH {
            Err(FilterTooLarge::Depth)
        } else {
            Ok(())
        }
    }

    /// `self <op> other`, appending to `self` when it already is that operator.
    fn join(self, other: Tree, and: bool) -> Result<Tree, FilterTooLarge> {
        let terms = self.terms.saturating_add(other.terms);
        let same = match &self.node {
            Node::And(_) => and,
            Node::Or(_) => !and,
            _ => false,
        };
        // Appended to a list of its own kind, `self` keeps its depth; otherwise it becomes
        // an operand itself.
        let left = if same {
            self.depth
        } else {
            self.operand_depth()
        };
        let depth = left.max(other.operand_depth());
        Tree::sized(terms, depth)?;
        let node = match (self.node, and) {
            (Node::And(mut nodes), true) | (Node::Or(mut nodes), false) => {
                nodes.push(other.node);
                if and {
                    Node::And(nodes)
                } else {
                    Node::Or(nodes)
                }
            }
            (node, true) => Node::And(vec![node, other.node]),
            (node, false) => Node::Or(vec![node, other.node]),
        };
        Ok(Tree { node, terms, depth })
    }

    fn not(self) -> Result<Tree, FilterTooLarge> {
        let depth = self.depth.saturating_add(1);
        Tree::sized(self.terms, depth)?;
        Ok(Tree {
            node: Node::Not(Box::new(self.node)),
            terms: self.terms,
            depth,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    Tree(Tree),
    TooLarge(FilterTooLarge),
}

/// A `$filter` expression. Build one from a [`Field`] (or [`Filter::raw`]), combine with
/// [`Filter::and`], [`Filter::or`] and `!` / [`Filter::negate`]; `Display` renders it.
///
/// A filter holds at most [`MAX_TERMS`] comparisons and nests at most [`MAX_DEPTH`]
/// levels, the caps of [`parse_filter`], so everything built parses back. Combining past
/// a cap gives a *refused* filter instead of a bigger one: it stays refused when combined
/// further, [`Filter::check`] says why ([`FilterTooLarge`]), a list call refuses it
/// before sending, and it displays as `<refused filter: …>`, which no parser accepts.
/// Building, rendering and dropping a filter never exhausts the stack, whatever the
/// input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Filter(Repr);

impl Filter {
    fn leaf(text: String) -> Filter {
        Filter(Repr::Tree(Tree::leaf(Node::Leaf(text))))
    }

    fn from_tree(tree: Result<Tree, FilterTooLarge>) -> Filter {
        Filter(match tree {
            Ok(tree) => Repr::Tree(tree),
            Err(limit) => Repr::TooLarge(limit),
        })
    }

    fn join(self, other: Filter, and: bool) -> Filter {
        match (self.0, other.0) {
            (Repr::Tree(a), Repr::Tree(b)) => Filter::from_tree(a.join(b, and)),
            (Repr::TooLarge(limit), _) | (_, Repr::TooLarge(limit)) => {
                Filter(Repr::TooLarge(limit))
            }
        }
    }

    /// A hand-written expression, sent as is (grouped in parentheses when combined). It
    /// counts as one comparison toward [`MAX_TERMS`].
    pub fn raw(expression: impl Into<String>) -> Self {
        Filter(Repr::Tree(Tree::leaf(Node::Raw(expression.into()))))
    }

    /// `self and other`
    pub fn and(self, other: Filter) -> Self {
        self.join(other, true)
    }

    /// `self or other`
    pub fn or(self, other: Filter) -> Self {
        self.join(other, false)
    }

    /// `not (self)`; also available as `!filter`.
    pub fn negate(self) -> Self {
        match self.0 {
            Repr::Tree(tree) => Filter::from_tree(tree.not()),
            refused => Filter(refused),
        }
    }

    /// All of `filters` joined with `and` (`None` when empty). More than [`MAX_TERMS`]
    /// comparisons in all give a refused filter ([`Filter::check`]).
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Self> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Any of `filters` joined with `or` (`None` when empty). More than [`MAX_TERMS`]
    /// comparisons in all give a refused filter ([`Filter::check`]).
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Option<Self> {
        filters.into_iter().reduce(Filter::or)
    }

    /// `Ok` when the filter is within the caps ([`MAX_TERMS`], [`MAX_DEPTH`]); the cap
    /// it went past when building it was refused.
    pub fn check(&self) -> Result<(), FilterTooLarge> {
        match &self.0 {
            Repr::Tree(_) => Ok(()),
            Repr::TooLarge(limit) => Err(*limit),
        }
    }

    /// How many comparisons the filter holds (0 for a refused one).
    pub fn comparisons(&self) -> usize {
        match &self.0 {
            Repr::Tree(tree) => tree.terms,
            Repr::TooLarge(_) => 0,
        }
    }

    /// The rendered expression, or why the filter was refused.
    pub(crate) fn render(&self) -> Result<String, FilterTooLarge> {
        match &self.0 {
            Repr::Tree(tree) => {
                let mut out = String::new();
                render(&tree.node, &mut out);
                Ok(out)
            }
            Repr::TooLarge(limit) => Err(*limit),
        }
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;

    fn not(self) -> Filter {
        self.negate()
    }
}

/// Renders `node`; the recursion is bounded by [`MAX_DEPTH`] (the builder never makes a
/// deeper tree).
fn render(node: &Node, out: &mut String) {
    match node {
        Node::Leaf(s) | Node::Raw(s) => out.push_str(s),
        Node::And(nodes) | Node::Or(nodes) => {
            let op = if matches!(node, Node::And(_)) {
                " and "
            } else {
                " or "
            };
            for (i, child) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                if child.grouped() {
                    out.push('(');
                    render(child, out);
                    out.push(')');
                } else {
                    render(child, out);
                }
            }
        }
        Node::Not(inner) => {
            out.push_str("not (");
            render(inner, out);
            out.push(')');
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Ok(text) => f.write_str(&text),
            Err(limit) => write!(f, "<refused filter: {limit}>"),
        }
    }
}

/// A `$orderby` expression: one or more fields, each ascending or descending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct OrderBy(Vec<(Field, bool)>);

impl OrderBy {
    /// Then by `field` ascending.
    pub fn then_asc(mut self, field: &Field) -> Self {
        self.0.push((field.clone(), false));
        self
    }

    /// Then by `field` descending.
    pub fn then_desc(mut self, field: &Field) -> Self {
        self.0.push((field.clone(), true));
        self
    }
}

impl fmt::Display for OrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (field, desc)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(field.name())?;
            if *desc {
                f.write_str(" desc")?;
            }
        }
        Ok(())
    }
}

/// Field names of the resources whose list calls accept `$filter` and `$orderby`.
///
/// The guide's "Filterable" and "Sortable" marks did not survive in the text this crate
/// was written from, so each module names every field of the resource's model schema;
/// the server answers a field it cannot filter or sort with an error, which surfaces as
/// a typed API error.
pub mod fields {
    macro_rules! fields {
        ($(#[$doc:meta])* $module:ident { $($konst:ident = $name:literal),* $(,)? }) => {
            $(#[$doc])*
            pub mod $module {
                use crate::odata::Field;
                $(
                    #[doc = concat!("`", $name, "`")]
                    pub const $konst: Field = Field::from_static($name);
                )*
            }
        };
    }

    fields!(
        /// `GET /assetmgmt/agents` and the other agent lists.
        agents {
            AGENT_ID = "AgentId", AGENT_NAME = "AgentName", ONLINE = "Online", OS_TYPE = "OSType",
            OS_INFO = "OSInfo", ORG_ID = "OrgId", MACHINE_GROUP_ID = "MachineGroupId",
            MACHINE_GROUP = "MachineGroup", COMPUTER_NAME = "ComputerName", IP_ADDRESS = "IPAddress",
            IPV6_ADDRESS = "IPv6Address", OPERATING_SYSTEM = "OperatingSystem", OS_VERSION = "OSVersion",
            LAST_LOGGED_IN_USER = "LastLoggedInUser", LAST_REBOOT_TIME = "LastRebootTime",
            LAST_CHECK_IN_TIME = "LastCheckInTime", COUNTRY = "Country", CURRENT_USER = "CurrentUser",
            CONTACT = "Contact", TIME_ZONE = "TimeZone", RAM_MBYTES = "RamMBytes", CPU_COUNT = "CpuCount",
            CPU_SPEED = "CpuSpeed", CPU_TYPE = "CpuType", DOMAIN_WORKGROUP = "DomainWorkgroup",
            AGENT_FLAGS = "AgentFlags", AGENT_VERSION = "AgentVersion", TOOL_TIP_NOTES = "ToolTipNotes",
            SHOW_TOOL_TIP = "ShowToolTip", DEFAULT_GATEWAY = "DefaultGateway",
            CONNECTION_GATEWAY_IP = "ConnectionGatewayIP", FIRST_CHECK_IN = "FirstCheckIn",
        }
    );
    fields!(
        /// `GET /system/orgs`
        orgs {
            ORG_ID = "OrgId", ORG_NAME = "OrgName", ORG_REF = "OrgRef", ORG_TYPE = "OrgType",
            DEFAULT_DEPARTMENT_NAME = "DefaultDepartmentName",
            DEFAULT_MACHINE_GROUP_NAME = "DefaultMachineGroupName", PARENT_ORG_ID = "ParentOrgId",
            WEBSITE = "Website", NO_OF_EMPLOYEES = "NoOfEmployees", ANNUAL_REVENUE = "AnnualRevenue",
        }
    );
    fields!(
        /// `GET /system/machinegroups`
        machine_groups {
            MACHINE_GROUP_ID = "MachineGroupId", MACHINE_GROUP_NAME = "MachineGroupName",
            ORG_ID = "OrgId", PARENT_MACHINE_GROUP_ID = "ParentMachineGroupId",
        }
    );
    fields!(
        /// `GET /automation/agentprocs`
        agent_procedures {
            AGENT_PROCEDURE_ID = "AgentProcedureId", AGENT_PROCEDURE_NAME = "AgentProcedureName",
            PATH = "Path", DESCRIPTION = "Description",
        }
    );
    fields!(
        /// `GET /assetmgmt/alarms`
        alarms {
            ALARM_ID = "AlarmId", AGENT_ID = "AgentId", ALARM_SUBJECT = "AlarmSubject",
            ALARM_TEXT = "AlarmText", ALARM_DATE = "AlarmDate", ALARM_TYPE = "AlarmType",
            MACHINE_NAME = "MachineName", MONITOR_NAME = "MonitorName", STATUS = "Status",
            SEVERITY = "Severity",
        }
    );
    fields!(
        /// `GET /assetmgmt/assets`
        assets {
            ASSET_ID = "AssetId", ASSET_NAME = "AssetName", ASSET_TYPE_ID = "AssetTypeId",
            AGENT_ID = "AgentId", MACHINE_GROUP_ID = "MachineGroupId", ORG_ID = "OrgId",
            IS_COMPUTER_AGENT = "IsComputerAgent", DISPLAY_NAME = "DisplayName",
        }
    );
    fields!(
        /// `GET /system/users`
        users {
            USER_ID = "UserId", ADMIN_NAME = "AdminName", FIRST_NAME = "FirstName",
            LAST_NAME = "LastName", DEFAULT_STAFF_ORG_ID = "DefaultStaffOrgId",
            DEFAULT_STAFF_DEPARTMENT_ID = "DefaultStaffDepartmentId", EMAIL = "Email",
            ADMIN_TYPE = "AdminType", DISABLE_UNTIL = "DisableUntil",
        }
    );
    fields!(
        /// `GET /automation/agentprocs/{agentId}/scheduledprocs`
        scheduled_procedures {
            AGENT_PROCEDURE_ID = "AgentProcedureId", AGENT_PROCEDURE_NAME = "AgentProcedureName",
            AGENT_ID = "AgentId", NEXT_EXEC_TIME = "NextExecTime", STATUS = "Status",
            ADMIN = "Admin", SERVER_TIME_ZONE = "ServerTimeZone",
            SKIP_IF_OFF_LINE = "SkipIfOffLine", POWER_UP_IF_OFF_LINE = "PowerUpIfOffLine",
        }
    );
    fields!(
        /// `GET /automation/agentprocs/{agentId}/history`
        procedure_history {
            SCRIPT_NAME = "ScriptName", LAST_EXECUTION_TIME = "LastExecutionTime",
            STATUS = "Status", ADMIN = "Admin",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit`
        audit_summaries {
            AGENT_GUID = "AgentGuid", DISPLAY_NAME = "DisplayName",
            TIMEZONE_OFFSET = "TimezoneOffset", CURRENT_LOGIN = "CurrentLogin",
            AGENT_TYPE = "AgentType", REBOOT_TIME = "RebootTime",
            LAST_CHECKIN_TIME = "LastCheckinTime", GROUP_NAME = "GroupName",
            FIRST_CHECKIN_TIME = "FirstCheckinTime", TIME_ZONE = "TimeZone",
            WORKGROUP_DOMAIN_TYPE = "WorkgroupDomainType",
            WORKGROUP_DOMAIN_NAME = "WorkgroupDomainName", COMPUTER_NAME = "ComputerName",
            DNS_COMPUTER_NAME = "DnsComputerName", OS_TYPE = "OsType", OS_INFO = "OsInfo",
            IP_ADDRESS = "IpAddress", IPV6_ADDRESS = "Ipv6Address", SUBNET_MASK = "SubnetMask",
            DEFAULT_GATEWAY = "DefaultGateway", CONNECTION_GATEWAY_IP = "ConnectionGatewayIp",
            GATEWAY_COUNTRY = "GatewayCountry", MAC_ADDRESS = "MacAddress",
            DNS_SERVER1 = "DnsServer1", DNS_SERVER2 = "DnsServer2", DHCP_ENABLED = "DhcpEnabled",
            DHCP_SERVER = "DhcpServer", WINS_ENABLED = "WinsEnabled",
            PRIMARY_WINS_SERVER = "PrimaryWinsServer",
            SECONDARY_WINS_SERVER = "SecondaryWinsServer", CPU_TYPE = "CpuType",
            CPU_SPEED = "CpuSpeed", CPU_COUNT = "CpuCount", RAM_MBYTES = "RamMBytes",
            AGENT_VERSION = "AgentVersion", LAST_LOGIN_NAME = "LastLoginName",
            LOGIN_NAME = "LoginName", PRIMARY_K_SERVER = "PrimaryKServer",
            SECONDARY_K_SERVER = "SecondaryKServer", QUICK_CHECKIN_PERIOD = "QuickCheckinPeriod",
            CONTACT_NAME = "ContactName", CONTACT_EMAIL = "ContactEmail",
            CONTACT_PHONE = "ContactPhone", CONTACT_NOTES = "ContactNotes",
            MANUFACTURER = "Manufacturer", PRODUCT_NAME = "ProductName",
            SYSTEM_VERSION = "SystemVersion", SYSTEM_SERIAL_NUMBER = "SystemSerialNumber",
            CHASSIS_SERIAL_NUMBER = "ChassisSerialNumber", CHASSIS_ASSET_TAG = "ChassisAssetTag",
            EXTERNAL_BUS_SPEED = "ExternalBusSpeed", MAX_MEMORY_SIZE = "MaxMemorySize",
            MEMORY_SLOTS = "MemorySlots", CHASSIS_MANUFACTURER = "ChassisManufacturer",
            CHASSIS_TYPE = "ChassisType", CHASSIS_VERSION = "ChassisVersion",
            MOTHERBOARD_MANUFACTURER = "MotherboardManufacturer",
            MOTHERBOARD_PRODUCT = "MotherboardProduct", MOTHERBOARD_VERSION = "MotherboardVersion",
            MOTHERBOARD_SERIAL_NUMBER = "MotherboardSerialNumber",
            PROCESSOR_FAMILY = "ProcessorFamily", PROCESSOR_MANUFACTURER = "ProcessorManufacturer",
            PROCESSOR_VERSION = "ProcessorVersion", PROCESSOR_MAX_SPEED = "ProcessorMaxSpeed",
            PROCESSOR_CURRENT_SPEED = "ProcessorCurrentSpeed", FREE_SPACE = "FreeSpace",
            USED_SPACE = "UsedSpace", TOTAL_SIZE = "TotalSize", NUMBER_OF_DRIVES = "NumberOfDrives",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/credentials`
        audit_credentials {
            CREDENTIAL_ID = "CredentialId", TYPE = "Type", NAME = "Name", USER_NAME = "UserName",
            DOMAIN = "Domain", CREATE_ACCOUNT = "CreateAccount",
            AS_ADMINISTRATOR = "AsAdministrator", IN_EFFECT = "InEffect",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/groups`
        audit_groups {
            USER_GROUP_NAME = "UserGroupName", DESCRIPTION = "Description",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/hardware/diskvolumes`
        audit_disk_volumes {
            DRIVE = "Drive", TYPE = "Type", FORMAT = "Format", FREE_MBYTES = "FreeMBytes",
            USED_MBYTES = "UsedMBytes", TOTAL_MBYTES = "TotalMBytes", LABEL = "Label",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/hardware/pcianddisk`
        audit_pci_and_disk {
            TYPE_ID = "TypeId", TYPE_NAME = "TypeName", VENDOR = "Vendor", PRODUCT = "Product",
            NOTE = "Note",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/hardware/printers`
        audit_printers {
            PRINTER_NAME = "PrinterName", PORT = "Port", MODEL = "Model",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/members`
        audit_members {
            USER_GROUP_NAME = "UserGroupName", MEMBER_NAME = "MemberName",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/software/addremoveprograms`
        audit_add_remove_programs {
            DISPLAY_NAME = "DisplayName", UNINSTALL_STRING = "UninstallString",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/software/installedapplications`
        audit_installed_applications {
            APPLICATION_NAME = "ApplicationName", DESCRIPTION = "Description", VERSION = "Version",
            MANUFACTURER = "Manufacturer", PRODUCT_NAME = "ProductName",
            DIRECTORY_PATH = "DirectoryPath", SIZE = "Size",
            LAST_MODIFIED_DATE = "LastModifiedDate",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/software/licenses`
        audit_licenses {
            PUBLISHER = "Publisher", PRODUCT_NAME = "ProductName", PRODUCT_KEY = "ProductKey",
            LICENSE_CODE = "LicenseCode", VERSION = "Version",
            INSTALLATION_DATE = "InstallationDate",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/software/securityproducts`
        audit_security_products {
            PRODUCT_TYPE = "ProductType", PRODUCT_NAME = "ProductName",
            MANUFACTURER = "Manufacturer", VERSION = "Version", IS_ACTIVE = "IsActive",
            IS_UP_TO_DATE = "IsUpToDate",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/software/startupapps`
        audit_startup_apps {
            APP_NAME = "AppName", APP_COMMAND = "AppCommand", USER_NAME = "UserName",
        }
    );
    fields!(
        /// `GET /assetmgmt/audit/{agentId}/useraccounts`
        audit_user_accounts {
            LOGON_NAME = "LogonName", FULL_NAME = "FullName", DESCRIPTION = "Description",
            IS_DISABLED = "IsDisabled", IS_LOCKED_OUT = "IsLockedOut",
            IS_PASSWORD_REQUIRED = "IsPasswordRequired", IS_PASSWORD_EXPIRED = "IsPasswordExpired",
            IS_PASSWORD_CHANGEABLE = "IsPasswordChangeable",
        }
    );
    fields!(
        /// `GET /assetmgmt/patch/{agentId}/machineupdate/{hideDeniedPatches}`
        patch_missing {
            PATCH_DATA_ID = "PatchDataId", UPDATE_CLASSIFICATION = "UpdateClassification",
            UPDATE_CATEGORY = "UpdateCategory", KB_ARTICLE_ID = "KBArticleId",
            KB_ARTICLE_LINK = "KBArticleLink", SECURITY_BULLETIN_ID = "SecurityBulletinId",
            SECURITY_BULLETIN_LINK = "SecurityBulletinLink", UPDATE_TITLE = "UpdateTitle",
            LAST_PUBLISHED_DATE = "LastPublishedDate", LOCATION_PENDING = "LocationPending",
            LOCATION_ID = "LocationId", BULLETIN_ID = "BulletinId", PATCH_STATE = "PatchState",
            INSTALL_DATE = "InstallDate", IGNORE = "Ignore", PRODUCT_ID = "ProductId",
            APPROVAL_STATUS = "ApprovalStatus", LOCATION = "Location",
            WUA_OVERRIDE_FLAG = "WuaOverrideFlag", SWITCHES = "Switches",
            PRODUCT_NAME = "ProductName", IS_SUPERSEDED = "IsSuperseded",
            WUA_PRODUCT_ID = "WuaProductId",
        }
    );
    fields!(
        /// `GET /assetmgmt/patch/{agentId}/history`
        patch_history {
            PATCH_DATA_ID = "PatchDataId", UPDATE_CLASSIFICATION = "UpdateClassification",
            UPDATE_CATEGORY = "UpdateCategory", KB_ARTICLE_ID = "KBArticleId",
            KB_ARTICLE_LINK = "KBArticleLink", SECURITY_BULLETIN_ID = "SecurityBulletinId",
            SECURITY_BULLETIN_LINK = "SecurityBulletinLink", UPDATE_TITLE = "UpdateTitle",
            LAST_PUBLISHED_DATE = "LastPublishedDate", LOCATION_PENDING = "LocationPending",
            LOCATION_ID = "LocationId", BULLETIN_ID = "BulletinId", PATCH_STATE = "PatchState",
            INSTALL_DATE = "InstallDate", IGNORE = "Ignore", PRODUCT_ID = "ProductId",
            APPROVAL_STATUS = "ApprovalStatus", LOCATION = "Location",
            WUA_OVERRIDE_FLAG = "WuaOverrideFlag", SWITCHES = "Switches",
            PRODUCT_NAME = "ProductName", IS_SUPERSEDED = "IsSuperseded",
            WUA_PRODUCT_ID = "WuaProductId",
        }
    );
    fields!(
        /// `GET /system/views`
        agent_views { VIEW_DEF_ID = "ViewDefId", VIEW_DEF_NAME = "ViewDefName" }
    );
    fields!(
        /// `GET /assetmgmt/agents/uptime/{since}`
        agent_uptime {
            AGENT_ID = "AgentId", AGENT_NAME = "AgentName", MACHINE_GROUP_ID = "MachineGroupId",
            MACHINE_GROUP = "MachineGroup", TOTAL_ONLINE_IN_SECONDS = "TotalOnlineInSeconds",
            MEASURED_FROM = "MeasuredFrom", MEASURED_TO = "MeasuredTo",
        }
    );
    fields!(
        /// `GET /assetmgmt/agentsonnetwork/{networkId}`
        network_agents {
            AGENT_ID = "AgentId", UPTIME_SECONDS = "UptimeSeconds", MACH_NAME = "MachName",
            GROUP_NAME = "GroupName", ONLINE = "Online",
        }
    );
    fields!(
        /// `GET /assetmgmt/assets/packages`
        packages {
            PACKAGE_ID = "PackageId", MACHINE_GROUP_ID = "MachineGroupId",
            COPY_SETTINGS_FROM_AGENT_ID = "CopySettingsFromAgentId", AGENT_TYPE = "AgentType",
            COMMAND_LINE_SWITCHES = "CommandLineSwitches", PACKAGE_NAME = "PackageName",
            PACKAGE_DESCRIPTION = "PackageDescription",
        }
    );
    fields!(
        /// `GET /assetmgmt/assettypes`
        asset_types {
            ASSET_TYPE_ID = "AssetTypeId", ASSET_TYPE_NAME = "AssetTypeName",
            PARENT_ASSET_TYPE_ID = "ParentAssetTypeId",
        }
    );
    fields!(
        /// The other fields of `GET /assetmgmt/assets` (the first ones are in [`assets`]).
        assets_more {
            PROBE_ID = "ProbeId", MACHINE_GROUP = "MachineGroup", IS_MOBILE_AGENT = "IsMobileAgent",
            IS_MONITORING = "IsMonitoring", IS_PATCHING = "IsPatching", IS_AUDITING = "IsAuditing",
            IS_BACKING_UP = "IsBackingUp", IS_SECURITY = "IsSecurity", TICKET_COUNT = "TicketCount",
            ALARM_COUNT = "AlarmCount", IS_SNMP_ACTIVE = "IsSNMPActive", IS_VPRO_ACTIVE = "IsVProActive",
            NETWORK_INFO = "NetworkInfo", LAST_SEEN_DATE = "LastSeenDate",
            PROBE_AGENT_GUID = "ProbeAgentGuid", PRIMARY_PROBE = "PrimaryProbe",
            PRIMARY_PROBE_ID = "PrimaryProbeId", NMAP_PROBE_ID = "NMapProbeId", HOST_NAME = "HostName",
            OS_NAME = "OSName", OS_TYPE = "OSType", OS_FAMILY = "OSFamily", OS_GENERATION = "OSGeneration",
            DEVICE_MANUFACTURER = "DeviceManufacturer",
        }
    );
    fields!(
        /// The guide's fields of `GET /assetmgmt/alarms/{returnAllRecords}` (more are in [`alarms`]).
        alarms_more {
            MACHINE_GROUP = "MachineGroup", ALERT_TYPE = "AlertType", AGENT_NAME = "agentName",
            EVENT_TIME = "EventTime", MONITOR_ALARM_STATE_ID = "MonitorAlarmStateId",
            MONITOR_TYPE = "MonitorType", MESSAGE = "Message", ALARM_EMAIL = "AlarmEmail",
            TICKET_ID = "TicketId", ADMIN_NAME = "AdminName",
        }
    );
    fields!(
        /// `GET /assetmgmt/agent/notes`
        agent_notes {
            ID = "ID", AGENT_GUID = "AgentGUID", EMAIL = "Email", USER_NAME = "UserName",
            CREATION_DATE = "CreationDate", DESCRIPTION = "Description",
        }
    );
    fields!(
        /// The folder listings of custom extensions, documents and get-files.
        files {
            NAME = "Name", SIZE = "Size", LAST_UPLOAD_TIME = "LastUploadTime",
            PARENT_PATH = "ParentPath", IS_FILE = "isFile",
        }
    );
    fields!(
        /// `GET /infocenter/messages`
        info_center_messages {
            ID = "ID", TO_NAME = "ToName", FROM_NAME = "FromName", SUBJECT = "Subject", BODY = "Body",
            CREATED = "Created", IS_READ = "IsRead",
        }
    );
    fields!(
        /// The agent, alarm and configuration change logs (`GET /assetmgmt/logs/{agentId}/…`).
        log_entries { TIME = "Time", EVENT = "Event" }
    );
    fields!(
        /// `GET /assetmgmt/logs/{agentId}/agentprocedure`
        procedure_log {
            LAST_EXECUTION = "LastExecution", PROCEDURE_HISTORY = "ProcedureHistory",
            STATUS = "Status", ADMIN = "Admin",
        }
    );
    fields!(
        /// `GET /assetmgmt/logs/{agentId}/remotecontrol` and `…/legacyremotecontrol`
        remote_control_log {
            START_TIME = "StartTime", LAST_ACTIVE_TIME = "LastActiveTime",
            SESSION_TYPE = "SessionType", ADMIN = "Admin", TIME = "Time", TYPE = "Type",
            DURATION = "Duration",
        }
    );
    fields!(
        /// `GET /assetmgmt/logs/{agentId}/monitoractions`
        monitor_action_log {
            TIME = "Time", SNMP_DEVICE = "SNMPDevice", TYPE = "Type", MESSAGE = "Message",
        }
    );
    fields!(
        /// `GET /assetmgmt/logs/{agentId}/networkstats`
        network_stats_log {
            NETWORK_STAT_ID = "NetworkStatId", TIME = "Time", APPLICATION = "Application",
            BYTES_SENT = "BytesSent", BYTES_RCVD = "BytesRcvd",
        }
    );
    fields!(
        /// The six event logs and the log monitoring log (`GET /assetmgmt/logs/{agentId}/eventlog/…`).
        event_log {
            EVENT_ID = "EventId", USER = "User", CATEGORY = "Category", SOURCE = "Source",
            TYPE = "Type", TIME = "Time",
        }
    );
}

#[cfg(test)]
mod tests {
    use super::fields::agents;
    use super::*;

    #[test]
    fn literals() {
        assert_eq!("O'Brien".to_literal(), "'O''Brien'");
        assert_eq!("''".to_literal(), "''''''");
        assert_eq!(42u32.to_literal(), "42");
        assert_eq!(Decimal::new("12.50").unwrap().to_literal(), "12.50M");
        assert!(Decimal::new("1e5").is_err() && Decimal::new("1.").is_err());
        let dt = NaiveDate::from_ymd_opt(2019, 6, 17)
            .unwrap()
            .and_hms_opt(7, 14, 20)
            .unwrap();
        assert_eq!(
            agents::LAST_CHECK_IN_TIME.gt(dt).to_string(),
            "LastCheckInTime gt DATETIME'2019-06-17T07:14:20'"
        );
    }

    #[test]
    fn grouping_and_functions() {
        let f = agents::AGENT_NAME
            .substringof("cab")
            .or(agents::AGENT_NAME.endswith("ing"))
            .and(!agents::ONLINE.ne(0));
        assert_eq!(
            f.to_string(),
            "(substringof('cab', AgentName) or endswith(AgentName, 'ing')) and not (Online ne 0)"
        );
        let f = Filter::raw("a eq 1 or b eq 2").and(agents::ONLINE.eq(1));
        assert_eq!(f.to_string(), "(a eq 1 or b eq 2) and Online eq 1");
        assert_eq!(Filter::all(Vec::new()), None);
        assert_eq!(
            agents::AGENT_NAME
                .desc()
                .then_asc(&agents::AGENT_ID)
                .to_string(),
            "AgentName desc,AgentId"
        );
    }

    #[test]
    fn field_names_are_validated() {
        assert!(Field::new("AgentName").is_ok());
        assert!(Field::new("Attributes/Color").is_ok());
        for bad in ["", "a eq 1", "x'", "1abc", "a,b"] {
            assert!(Field::new(bad).is_err(), "{bad}");
        }
    }
}
