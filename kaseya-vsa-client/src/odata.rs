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
        Filter(Node::Leaf(format!(
            "{} {op} {}",
            self.0,
            value.to_literal()
        )))
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
        Filter(Node::Leaf(format!(
            "substringof({}, {})",
            quote(text),
            self.0
        )))
    }

    /// `startswith(Field, 'text')`
    pub fn startswith(&self, text: &str) -> Filter {
        Filter(Node::Leaf(format!(
            "startswith({}, {})",
            self.0,
            quote(text)
        )))
    }

    /// `endswith(Field, 'text')`
    pub fn endswith(&self, text: &str) -> Filter {
        Filter(Node::Leaf(format!("endswith({}, {})", self.0, quote(text))))
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Leaf(String),
    Raw(String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A `$filter` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Filter(Node);

impl Filter {
    /// A hand-written expression, sent as is (grouped in parentheses when combined).
    pub fn raw(expression: impl Into<String>) -> Self {
        Filter(Node::Raw(expression.into()))
    }

    /// `self and other`
    pub fn and(self, other: Filter) -> Self {
        Filter(match self.0 {
            Node::And(mut nodes) => {
                nodes.push(other.0);
                Node::And(nodes)
            }
            node => Node::And(vec![node, other.0]),
        })
    }

    /// `self or other`
    pub fn or(self, other: Filter) -> Self {
        Filter(match self.0 {
            Node::Or(mut nodes) => {
                nodes.push(other.0);
                Node::Or(nodes)
            }
            node => Node::Or(vec![node, other.0]),
        })
    }

    /// `not (self)`; also available as `!filter`.
    pub fn negate(self) -> Self {
        Filter(Node::Not(Box::new(self.0)))
    }

    /// All of `filters` joined with `and` (`None` when empty).
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Self> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Any of `filters` joined with `or` (`None` when empty).
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Option<Self> {
        filters.into_iter().reduce(Filter::or)
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;

    fn not(self) -> Filter {
        self.negate()
    }
}

fn render(node: &Node, out: &mut String) {
    let group = |out: &mut String, node: &Node| {
        let needs = !matches!(node, Node::Leaf(_) | Node::Not(_));
        if needs {
            out.push('(');
        }
        render(node, out);
        if needs {
            out.push(')');
        }
    };
    match node {
        Node::Leaf(s) => out.push_str(s),
        Node::Raw(s) => out.push_str(s),
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
                group(out, child);
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
        let mut out = String::new();
        render(&self.0, &mut out);
        f.write_str(&out)
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
