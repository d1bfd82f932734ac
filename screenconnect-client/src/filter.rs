//! Session filter expressions for `GetSessionsByFilter`.
//!
//! ScreenConnect filters sessions with a small expression language over *flattened*
//! field names — `GuestMachineName`, `CustomProperty1`, `SessionType`,
//! `GuestConnectedCount` — with comparisons, `AND`, `OR`, `NOT`, parentheses, and strings
//! in single quotes. [`Filter`] builds such expressions so that values are always quoted
//! and escaped (a `'` inside a value is doubled), and parses them back.
//!
//! ```
//! use screenconnect_client::filter::Field;
//! use screenconnect_client::models::SessionType;
//!
//! let filter = Field::SESSION_TYPE
//!     .eq(SessionType::Access)
//!     .and(Field::custom_property(1).eq("O'Brien & Sons"))
//!     .and(Field::GUEST_CONNECTED_COUNT.gt(0).or(Field::NAME.like("ACME-*")));
//! assert_eq!(
//!     filter.to_string(),
//!     "SessionType = 'Access' AND CustomProperty1 = 'O''Brien & Sons' \
//!      AND (GuestConnectedCount > 0 OR Name LIKE 'ACME-*')"
//! );
//! // What is rendered parses back to the same filter.
//! assert_eq!(filter.to_string().parse::<screenconnect_client::filter::Filter>()?, filter);
//! # Ok::<(), screenconnect_client::filter::FilterParseError>(())
//! ```
//!
//! Escaping a quote by doubling it follows the SQL-like convention ScreenConnect's
//! expression language uses; it is UNVERIFIED against a live server, so values holding a
//! `'` are best checked on a test session first.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::models::{ProcessType, Session, SessionType};

/// A flattened session field name usable in a filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field(Cow<'static, str>);

impl Field {
    /// The session's name.
    pub const NAME: Field = Field::known("Name");
    /// The session type (`'Support'`, `'Meeting'`, `'Access'`).
    pub const SESSION_TYPE: Field = Field::known("SessionType");
    /// The owning technician.
    pub const HOST: Field = Field::known("Host");
    /// The join code.
    pub const CODE: Field = Field::known("Code");
    /// Whether the session is public.
    pub const IS_PUBLIC: Field = Field::known("IsPublic");
    /// Whether the session has ended.
    pub const IS_ENDED: Field = Field::known("IsEnded");
    /// The guest machine's name.
    pub const GUEST_MACHINE_NAME: Field = Field::known("GuestMachineName");
    /// The guest machine's domain.
    pub const GUEST_MACHINE_DOMAIN: Field = Field::known("GuestMachineDomain");
    /// The user logged on at the guest.
    pub const GUEST_LOGGED_ON_USER_NAME: Field = Field::known("GuestLoggedOnUserName");
    /// The domain of the user logged on at the guest.
    pub const GUEST_LOGGED_ON_USER_DOMAIN: Field = Field::known("GuestLoggedOnUserDomain");
    /// The guest's operating system.
    pub const GUEST_OPERATING_SYSTEM_NAME: Field = Field::known("GuestOperatingSystemName");
    /// The guest's operating system version.
    pub const GUEST_OPERATING_SYSTEM_VERSION: Field = Field::known("GuestOperatingSystemVersion");
    /// The guest client's version.
    pub const GUEST_CLIENT_VERSION: Field = Field::known("GuestClientVersion");
    /// How many technicians are connected.
    pub const HOST_CONNECTED_COUNT: Field = Field::known("HostConnectedCount");
    /// How many guests are connected (1 when the machine is online).
    pub const GUEST_CONNECTED_COUNT: Field = Field::known("GuestConnectedCount");

    const fn known(name: &'static str) -> Field {
        Field(Cow::Borrowed(name))
    }

    /// `CustomProperty{index}` (1–8). An index outside 1–8 names a field the server does
    /// not know, and the server faults on it.
    pub fn custom_property(index: u8) -> Field {
        Field(Cow::Owned(format!("CustomProperty{index}")))
    }

    /// Any other field, by its flattened name. The name must be an identifier (letters,
    /// digits and `_`, not starting with a digit) so it cannot break the expression.
    pub fn new(name: &str) -> Result<Field, FilterParseError> {
        if is_identifier(name) {
            Ok(Field(Cow::Owned(name.to_owned())))
        } else {
            Err(FilterParseError::new(
                0,
                format!("`{name}` is not a field name (letters, digits and `_` only)"),
            ))
        }
    }

    /// The field's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn compare(self, op: Op, value: impl Into<Value>) -> Filter {
        Filter(Expr::Compare {
            field: self,
            op,
            value: value.into(),
        })
    }

    /// `field = value`.
    pub fn eq(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Eq, value)
    }

    /// `field <> value`.
    pub fn ne(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Ne, value)
    }

    /// `field < value`.
    pub fn lt(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Lt, value)
    }

    /// `field <= value`.
    pub fn le(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Le, value)
    }

    /// `field > value`.
    pub fn gt(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Gt, value)
    }

    /// `field >= value`.
    pub fn ge(self, value: impl Into<Value>) -> Filter {
        self.compare(Op::Ge, value)
    }

    /// `field LIKE 'pattern'`, where `*` (or `%`) matches any run of characters.
    pub fn like(self, pattern: impl Into<String>) -> Filter {
        self.compare(Op::Like, Value::Str(pattern.into()))
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE`
    Like,
}

impl Op {
    /// The operator as written in an expression.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Like => "LIKE",
        }
    }
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// A string, written in single quotes with `'` doubled.
    Str(String),
    /// An integer.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Value::Int(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Str(s.clone())
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Int(n.into())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(n.into())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<SessionType> for Value {
    /// The type's name, as filters compare it (`'Access'`).
    fn from(t: SessionType) -> Self {
        Value::Str(t.as_str().to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Expr {
    Compare { field: Field, op: Op, value: Value },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

/// A session filter expression. Build one from a [`Field`], combine with
/// [`Filter::and`], [`Filter::or`], [`Filter::not`]; `Display` renders the expression,
/// [`FromStr`] parses one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[must_use]
pub struct Filter(Expr);

impl Filter {
    /// `self AND other`.
    pub fn and(self, other: Filter) -> Filter {
        Filter(Expr::And(Box::new(self.0), Box::new(other.0)))
    }

    /// `self OR other`.
    pub fn or(self, other: Filter) -> Filter {
        Filter(Expr::Or(Box::new(self.0), Box::new(other.0)))
    }

    /// `NOT (self)`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter(Expr::Not(Box::new(self.0)))
    }

    /// Every filter joined with `AND`; `None` when there are none.
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Every filter joined with `OR`; `None` when there are none.
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::or)
    }

    /// Whether `session` matches, evaluated the way the server does: string comparisons
    /// ignore ASCII case, `LIKE` takes `*` or `%` as wildcards, `GuestConnectedCount` and
    /// `HostConnectedCount` count the active connections (or, without them, say whether
    /// the guest is online). Fails on a field this crate does not know or a value of the
    /// wrong kind, as the server does.
    pub fn matches(&self, session: &Session) -> Result<bool, FilterParseError> {
        eval(&self.0, session)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(&self.0, f)
    }
}

fn write_expr(expr: &Expr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match expr {
        Expr::Compare { field, op, value } => write!(f, "{field} {} {value}", op.as_str()),
        Expr::And(a, b) => {
            write_operand(a, f, |e| matches!(e, Expr::Or(..)))?;
            f.write_str(" AND ")?;
            write_operand(b, f, |e| matches!(e, Expr::Or(..) | Expr::And(..)))
        }
        Expr::Or(a, b) => {
            write_operand(a, f, |_| false)?;
            f.write_str(" OR ")?;
            write_operand(b, f, |e| matches!(e, Expr::Or(..)))
        }
        Expr::Not(inner) => {
            f.write_str("NOT (")?;
            write_expr(inner, f)?;
            f.write_str(")")
        }
    }
}

fn write_operand(
    expr: &Expr,
    f: &mut fmt::Formatter<'_>,
    needs_parens: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    if needs_parens(expr) {
        f.write_str("(")?;
        write_expr(expr, f)?;
        f.write_str(")")
    } else {
        write_expr(expr, f)
    }
}

/// A filter expression that could not be parsed or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid session filter at character {position}: {message}")]
pub struct FilterParseError {
    position: usize,
    message: String,
}

impl FilterParseError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        FilterParseError {
            position,
            message: message.into(),
        }
    }

    /// Where in the expression the problem is (a character index).
    pub fn position(&self) -> usize {
        self.position
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Int(i64),
    Op(Op),
    LParen,
    RParen,
}

fn tokenize(input: &str) -> Result<Vec<(usize, Token)>, FilterParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push((start, Token::LParen));
                i += 1;
            }
            ')' => {
                tokens.push((start, Token::RParen));
                i += 1;
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(FilterParseError::new(start, "unterminated string"));
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&other) => {
                            text.push(other);
                            i += 1;
                        }
                    }
                }
                tokens.push((start, Token::Str(text)));
            }
            '=' => {
                tokens.push((start, Token::Op(Op::Eq)));
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                tokens.push((start, Token::Op(Op::Ne)));
                i += 2;
            }
            '<' | '>' => {
                let next = chars.get(i + 1);
                let (op, len) = match (c, next) {
                    ('<', Some('=')) => (Op::Le, 2),
                    ('<', Some('>')) => (Op::Ne, 2),
                    ('<', _) => (Op::Lt, 1),
                    ('>', Some('=')) => (Op::Ge, 2),
                    _ => (Op::Gt, 1),
                };
                tokens.push((start, Token::Op(op)));
                i += len;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text.parse().map_err(|_| {
                    FilterParseError::new(start, format!("`{text}` is out of range"))
                })?;
                tokens.push((start, Token::Int(n)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                tokens.push((start, Token::Ident(chars[start..i].iter().collect())));
            }
            other => {
                return Err(FilterParseError::new(
                    start,
                    format!("unexpected character `{other}`"),
                ));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
    terms: usize,
}

/// The most comparisons one parsed expression may hold. Expressions are trees walked
/// recursively (display, evaluation, drop): a bound keeps hostile input from exhausting
/// the stack, far above what any instance accepts in a filter.
const MAX_TERMS: usize = 1024;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(p, _)| *p)
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self, depth: usize) -> Result<Expr, FilterParseError> {
        let mut left = self.and(depth)?;
        while self.keyword("OR") {
            let right = self.and(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, FilterParseError> {
        let mut left = self.unary(depth)?;
        while self.keyword("AND") {
            let right = self.unary(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, FilterParseError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(FilterParseError::new(
                self.at(),
                format!("the expression holds more than {MAX_TERMS} terms"),
            ));
        }
        if depth > 64 {
            return Err(FilterParseError::new(
                self.at(),
                "the expression nests too deeply",
            ));
        }
        if self.keyword("NOT") {
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.peek() == Some(&Token::LParen) {
            self.pos += 1;
            let inner = self.or(depth + 1)?;
            if self.peek() != Some(&Token::RParen) {
                return Err(FilterParseError::new(self.at(), "expected `)`"));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, FilterParseError> {
        let at = self.at();
        let field = match self.peek() {
            Some(Token::Ident(name)) => Field(Cow::Owned(name.clone())),
            _ => return Err(FilterParseError::new(at, "expected a field name")),
        };
        self.pos += 1;
        let op = match self.peek().cloned() {
            Some(Token::Op(op)) => {
                self.pos += 1;
                op
            }
            _ if self.keyword("LIKE") => Op::Like,
            _ => {
                return Err(FilterParseError::new(
                    self.at(),
                    "expected an operator (=, <>, <, <=, >, >=, LIKE)",
                ));
            }
        };
        let at = self.at();
        let value = match self.peek().cloned() {
            Some(Token::Str(s)) => Value::Str(s),
            Some(Token::Int(n)) => Value::Int(n),
            Some(Token::Ident(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Some(Token::Ident(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => return Err(FilterParseError::new(at, "expected a value")),
        };
        self.pos += 1;
        if op == Op::Like && !matches!(value, Value::Str(_)) {
            return Err(FilterParseError::new(at, "LIKE needs a string pattern"));
        }
        Ok(Expr::Compare { field, op, value })
    }
}

impl FromStr for Filter {
    type Err = FilterParseError;

    /// Parses an expression such as `CustomProperty1 = 'Acme' AND GuestConnectedCount > 0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tokens = tokenize(s)?;
        if tokens.is_empty() {
            return Err(FilterParseError::new(0, "the filter is empty"));
        }
        let mut parser = Parser {
            tokens,
            pos: 0,
            end: s.chars().count(),
            terms: 0,
        };
        let expr = parser.or(0)?;
        if parser.pos != parser.tokens.len() {
            return Err(FilterParseError::new(
                parser.at(),
                "unexpected text after the expression",
            ));
        }
        Ok(Filter(expr))
    }
}

enum Actual {
    Str(String),
    Int(i64),
    Bool(bool),
}

fn lookup(field: &str, s: &Session) -> Option<Actual> {
    let guest = s.guest_info.as_ref();
    let g = |f: fn(&crate::models::GuestInfo) -> &Option<String>| {
        Actual::Str(guest.and_then(|g| f(g).clone()).unwrap_or_default())
    };
    let count = |t: ProcessType| -> i64 {
        match &s.active_connections {
            Some(c) => c.iter().filter(|c| c.process_type == t).count() as i64,
            None => i64::from(t == ProcessType::Guest && s.is_online()),
        }
    };
    let lower = field.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix("customproperty") {
        let index: usize = n.parse().ok().filter(|n| (1..=8).contains(n))?;
        return Some(Actual::Str(
            s.custom_property(index).unwrap_or("").to_owned(),
        ));
    }
    Some(match lower.as_str() {
        "name" => Actual::Str(s.name.clone()),
        "sessiontype" => Actual::Str(s.session_type.as_str().to_owned()),
        "host" => Actual::Str(s.host.clone()),
        "code" => Actual::Str(s.code.clone()),
        "ispublic" => Actual::Bool(s.is_public),
        "isended" => Actual::Bool(s.is_ended),
        "guestclientversion" => Actual::Str(s.guest_client_version.clone().unwrap_or_default()),
        "guestmachinename" => g(|g| &g.machine_name),
        "guestmachinedomain" => g(|g| &g.machine_domain),
        "guestloggedonusername" => g(|g| &g.logged_on_user_name),
        "guestloggedonuserdomain" => g(|g| &g.logged_on_user_domain),
        "guestoperatingsystemname" => g(|g| &g.operating_system_name),
        "guestoperatingsystemversion" => g(|g| &g.operating_system_version),
        "hostconnectedcount" => Actual::Int(count(ProcessType::Host)),
        "guestconnectedcount" => Actual::Int(count(ProcessType::Guest)),
        _ => return None,
    })
}

fn eval(expr: &Expr, s: &Session) -> Result<bool, FilterParseError> {
    Ok(match expr {
        Expr::And(a, b) => eval(a, s)? && eval(b, s)?,
        Expr::Or(a, b) => eval(a, s)? || eval(b, s)?,
        Expr::Not(a) => !eval(a, s)?,
        Expr::Compare { field, op, value } => {
            let actual = lookup(field.as_str(), s)
                .ok_or_else(|| FilterParseError::new(0, format!("unknown field `{field}`")))?;
            let ordering = match (&actual, value) {
                (Actual::Str(a), Value::Str(p)) if *op == Op::Like => {
                    return Ok(like(&a.to_lowercase(), &p.to_lowercase()));
                }
                (Actual::Str(a), Value::Str(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
                (Actual::Int(a), Value::Int(b)) => a.cmp(b),
                (Actual::Bool(a), Value::Bool(b)) => a.cmp(b),
                _ => {
                    return Err(FilterParseError::new(
                        0,
                        format!("`{field}` cannot be compared with {value}"),
                    ));
                }
            };
            use std::cmp::Ordering::*;
            match op {
                Op::Eq => ordering == Equal,
                Op::Ne => ordering != Equal,
                Op::Lt => ordering == Less,
                Op::Le => ordering != Greater,
                Op::Gt => ordering == Greater,
                Op::Ge => ordering != Less,
                Op::Like => ordering == Equal,
            }
        }
    })
}

/// Wildcard match where `*` and `%` match any run of characters.
fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    let (mut t, mut p) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && !matches!(pattern[p], '*' | '%') && pattern[p] == text[t] {
            t += 1;
            p += 1;
        } else if p < pattern.len() && matches!(pattern[p], '*' | '%') {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| matches!(c, '*' | '%'))
}

/// A filter as sent to the server: built with [`Filter`] or written by hand.
///
/// Hand-written expressions are sent as they are (the server's language is richer than
/// [`Filter`]); only an empty one is refused before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterExpression(String);

impl FilterExpression {
    /// The expression text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Filter> for FilterExpression {
    fn from(f: Filter) -> Self {
        FilterExpression(f.to_string())
    }
}
impl From<&Filter> for FilterExpression {
    fn from(f: &Filter) -> Self {
        FilterExpression(f.to_string())
    }
}
impl From<&str> for FilterExpression {
    fn from(s: &str) -> Self {
        FilterExpression(s.to_owned())
    }
}
impl From<String> for FilterExpression {
    fn from(s: String) -> Self {
        FilterExpression(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Connection, GuestInfo};

    #[test]
    fn renders_with_precedence_and_escaping() {
        let f = Field::NAME
            .eq("a")
            .or(Field::NAME.eq("b"))
            .and(Field::HOST.ne("it's"))
            .and(Field::IS_ENDED.eq(false).not());
        assert_eq!(
            f.to_string(),
            "(Name = 'a' OR Name = 'b') AND Host <> 'it''s' AND NOT (IsEnded = false)"
        );
        assert_eq!(f.to_string().parse::<Filter>().unwrap(), f);
        let right = Field::NAME
            .eq("a")
            .and(Field::NAME.eq("b").and(Field::NAME.eq("c")));
        assert_eq!(
            right.to_string(),
            "Name = 'a' AND (Name = 'b' AND Name = 'c')"
        );
        assert_eq!(right.to_string().parse::<Filter>().unwrap(), right);
    }

    #[test]
    fn a_huge_flat_chain_is_refused_instead_of_overflowing_the_stack() {
        let chain = vec!["Name = 'x'"; 200_000].join(" AND ");
        let err = chain.parse::<Filter>().unwrap_err();
        assert!(err.to_string().contains("more than 1024 terms"), "{err}");
        let ok = vec!["Name = 'x'"; 1000].join(" OR ");
        let filter: Filter = ok.parse().unwrap();
        assert_eq!(filter.to_string().matches(" OR ").count(), 999);
    }

    #[test]
    fn parse_errors_are_typed_and_never_panic() {
        for bad in [
            "",
            "   ",
            "Name",
            "Name =",
            "Name = 'x",
            "= 'x'",
            "Name = 'x' AND",
            "(Name = 'x'",
            "Name = 'x')",
            "Name LIKE 3",
            "Name = 99999999999999999999",
            "Name # 'x'",
            "é = 'x'",
            &"(".repeat(500),
        ] {
            assert!(bad.parse::<Filter>().is_err(), "{bad:?}");
        }
        let err = "Name = 'x' OR".parse::<Filter>().unwrap_err();
        assert_eq!(err.position(), 13);
        assert!(Field::new("Custom Property").is_err());
        assert!(Field::new("1abc").is_err());
        assert!(Field::new("GuestPrivateNetworkAddress").is_ok());
    }

    #[test]
    fn evaluates_against_sessions() {
        let mut s = Session::new("id", SessionType::Access, "ACME-PC01");
        s.custom_property_values.set(1, "Acme");
        s.guest_info = Some(GuestInfo {
            machine_name: Some("ACME-PC01".into()),
            ..GuestInfo::default()
        });
        let yes = |f: &str, s: &Session| f.parse::<Filter>().unwrap().matches(s).unwrap();
        assert!(yes(
            "GuestMachineName = 'acme-pc01' AND CustomProperty1 = 'Acme'",
            &s
        ));
        assert!(yes("SessionType = 'Access'", &s));
        assert!(yes(
            "Name LIKE 'acme-*' AND NOT (CustomProperty2 <> '')",
            &s
        ));
        assert!(!yes("GuestConnectedCount > 0", &s));
        s.active_connections = Some(vec![Connection::new("c", ProcessType::Guest)]);
        assert!(yes(
            "GuestConnectedCount > 0 AND HostConnectedCount = 0",
            &s
        ));
        assert!(
            "Bogus = 'x'"
                .parse::<Filter>()
                .unwrap()
                .matches(&s)
                .is_err()
        );
        assert!("Name = 3".parse::<Filter>().unwrap().matches(&s).is_err());
        assert!(like("abc", "a%c") && like("abc", "*") && !like("abc", "b*"));
    }
}
