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
//! A filter holds at most [`MAX_TERMS`] comparisons and nests at most [`MAX_DEPTH`]
//! levels — the parser's caps, so whatever is built parses back. Growing one past a cap
//! gives a refused filter ([`FilterTooLarge`], from [`Filter::check`]) that is never sent:
//! no input, however long or deep, can overflow the stack.
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
    /// digits and `_`, not starting with a digit) and not a keyword of the language
    /// (`AND`, `OR`, `NOT`, `LIKE`), so it cannot break the expression.
    pub fn new(name: &str) -> Result<Field, FilterParseError> {
        if is_identifier(name) && !is_keyword(name) {
            Ok(Field(Cow::Owned(name.to_owned())))
        } else {
            Err(FilterParseError::new(
                0,
                format!(
                    "`{name}` is not a field name (letters, digits and `_` only, not a keyword)"
                ),
            ))
        }
    }

    /// The field's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn compare(self, op: Op, value: impl Into<Value>) -> Filter {
        Filter(Repr::Tree(Tree::compare(self, op, value.into())))
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

fn is_keyword(name: &str) -> bool {
    ["AND", "OR", "NOT", "LIKE"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(name))
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

/// The most comparisons one filter may hold, built or parsed.
///
/// The parser refuses longer expressions and the builder refuses to grow past it (see
/// [`FilterTooLarge`]), so a filter is always small enough to render, evaluate, compare
/// and drop without exhausting the stack, and everything the builder makes parses back.
/// No instance takes filters anywhere near this long; split longer lists into several
/// calls.
pub const MAX_TERMS: usize = 1024;

/// The deepest a filter may nest: every `NOT` and every pair of parentheses the rendered
/// expression opens is one level (`NOT (…)` is one). The parser and the builder share it
/// (see [`MAX_TERMS`]).
pub const MAX_DEPTH: usize = 64;

/// Why the builder refused to grow a [`Filter`]: it would hold more than [`MAX_TERMS`]
/// comparisons or nest deeper than [`MAX_DEPTH`] levels, which the parser (and so the
/// simulator) would refuse too.
///
/// Combining such a filter further keeps it refused; [`Filter::check`] says why, and
/// [`Sessions::by_filter`](crate::sessions::Sessions::by_filter) refuses it with
/// [`Error::Config`](crate::Error::Config) naming the cap before anything is sent.
///
/// ```
/// use screenconnect_client::filter::{Field, Filter, FilterTooLarge, MAX_TERMS};
///
/// let hosts = (0..5000).map(|i| Field::NAME.eq(format!("HOST-{i:04}")));
/// let too_many = Filter::any(hosts).unwrap();
/// assert_eq!(too_many.check(), Err(FilterTooLarge::Terms));
/// let fine = Filter::any((0..MAX_TERMS).map(|i| Field::NAME.eq(format!("HOST-{i:04}")))).unwrap();
/// assert_eq!(fine.check(), Ok(()));
/// assert_eq!(fine.to_string().parse::<Filter>().unwrap(), fine);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FilterTooLarge {
    /// More than [`MAX_TERMS`] comparisons.
    #[error(
        "the session filter holds more than {MAX_TERMS} comparisons; split it into several calls"
    )]
    Terms,
    /// Deeper than [`MAX_DEPTH`] levels of `NOT` and parentheses.
    #[error("the session filter nests NOT and parentheses deeper than {MAX_DEPTH} levels")]
    Depth,
}

/// An expression tree. `And` and `Or` hold at least two operands, and never an operand
/// of their own kind (those are flattened), so the tree's depth is the nesting of the
/// rendered text, which the caps bound.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Expr {
    Compare { field: Field, op: Op, value: Value },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// An expression with its size: comparisons and levels of nesting when rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Tree {
    expr: Expr,
    terms: usize,
    depth: usize,
}

impl Tree {
    fn compare(field: Field, op: Op, value: Value) -> Tree {
        Tree {
            expr: Expr::Compare { field, op, value },
            terms: 1,
            depth: 0,
        }
    }

    /// The nesting this operand adds under an `AND`: an `OR` is parenthesized there.
    fn depth_under_and(&self) -> usize {
        self.depth + usize::from(matches!(self.expr, Expr::Or(_)))
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

    fn and(self, other: Tree) -> Result<Tree, FilterTooLarge> {
        let terms = self.terms.saturating_add(other.terms);
        let depth = self.depth_under_and().max(other.depth_under_and());
        Tree::sized(terms, depth)?;
        let expr = match (self.expr, other.expr) {
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                Expr::And(a)
            }
            (Expr::And(mut a), b) => {
                a.push(b);
                Expr::And(a)
            }
            (a, Expr::And(mut b)) => {
                b.insert(0, a);
                Expr::And(b)
            }
            (a, b) => Expr::And(vec![a, b]),
        };
        Ok(Tree { expr, terms, depth })
    }

    fn or(self, other: Tree) -> Result<Tree, FilterTooLarge> {
        let terms = self.terms.saturating_add(other.terms);
        let depth = self.depth.max(other.depth);
        Tree::sized(terms, depth)?;
        let expr = match (self.expr, other.expr) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                Expr::Or(a)
            }
            (Expr::Or(mut a), b) => {
                a.push(b);
                Expr::Or(a)
            }
            (a, Expr::Or(mut b)) => {
                b.insert(0, a);
                Expr::Or(b)
            }
            (a, b) => Expr::Or(vec![a, b]),
        };
        Ok(Tree { expr, terms, depth })
    }

    fn not(self) -> Result<Tree, FilterTooLarge> {
        let depth = self.depth.saturating_add(1);
        Tree::sized(self.terms, depth)?;
        Ok(Tree {
            expr: Expr::Not(Box::new(self.expr)),
            terms: self.terms,
            depth,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    Tree(Tree),
    TooLarge(FilterTooLarge),
}

/// A session filter expression. Build one from a [`Field`], combine with
/// [`Filter::and`], [`Filter::or`], [`Filter::not`]; `Display` renders the expression,
/// [`FromStr`] parses one.
///
/// A filter holds at most [`MAX_TERMS`] comparisons and nests at most [`MAX_DEPTH`]
/// levels, the parser's own caps, so everything built parses back. Combining past a
/// cap gives a *refused* filter instead of a bigger one: it stays refused when combined
/// further, [`Filter::check`] says why ([`FilterTooLarge`]), it matches nothing,
/// `by_filter` refuses it before sending, and it displays as
/// `<refused filter: …>`, which no parser accepts. Building, rendering and dropping a
/// filter never exhausts the stack, whatever the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[must_use]
pub struct Filter(Repr);

impl Filter {
    fn from_tree(tree: Result<Tree, FilterTooLarge>) -> Filter {
        Filter(match tree {
            Ok(tree) => Repr::Tree(tree),
            Err(limit) => Repr::TooLarge(limit),
        })
    }

    fn combine(self, other: Filter, op: fn(Tree, Tree) -> Result<Tree, FilterTooLarge>) -> Filter {
        match (self.0, other.0) {
            (Repr::Tree(a), Repr::Tree(b)) => Filter::from_tree(op(a, b)),
            (Repr::TooLarge(limit), _) | (_, Repr::TooLarge(limit)) => {
                Filter(Repr::TooLarge(limit))
            }
        }
    }

    /// `self AND other`.
    pub fn and(self, other: Filter) -> Filter {
        self.combine(other, Tree::and)
    }

    /// `self OR other`.
    pub fn or(self, other: Filter) -> Filter {
        self.combine(other, Tree::or)
    }

    /// `NOT (self)`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        match self.0 {
            Repr::Tree(tree) => Filter::from_tree(tree.not()),
            refused => Filter(refused),
        }
    }

    /// Every filter joined with `AND`; `None` when there are none. More than
    /// [`MAX_TERMS`] comparisons in all give a refused filter ([`Filter::check`]).
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Every filter joined with `OR`; `None` when there are none. More than
    /// [`MAX_TERMS`] comparisons in all give a refused filter ([`Filter::check`]).
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
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

    /// The field, operator and value when this filter is a single comparison.
    ///
    /// ```
    /// use screenconnect_client::filter::{Field, Filter, Op, Value};
    ///
    /// let parsed: Filter = "Name = 'O''Brien'".parse()?;
    /// assert_eq!(
    ///     parsed.comparison(),
    ///     Some((&Field::NAME, Op::Eq, &Value::Str("O'Brien".into())))
    /// );
    /// assert_eq!(parsed.clone().not().comparison(), None);
    /// # Ok::<(), screenconnect_client::filter::FilterParseError>(())
    /// ```
    pub fn comparison(&self) -> Option<(&Field, Op, &Value)> {
        match &self.0 {
            Repr::Tree(Tree {
                expr: Expr::Compare { field, op, value },
                ..
            }) => Some((field, *op, value)),
            _ => None,
        }
    }

    /// How many comparisons the filter holds (0 for a refused one).
    pub fn comparisons(&self) -> usize {
        match &self.0 {
            Repr::Tree(tree) => tree.terms,
            Repr::TooLarge(_) => 0,
        }
    }

    /// Whether `session` matches, evaluated the way the server does: string comparisons
    /// ignore ASCII case, `LIKE` takes `*` or `%` as wildcards, `GuestConnectedCount` and
    /// `HostConnectedCount` count the active connections (or, without them, say whether
    /// the guest is online). Fails on a field this crate does not know or a value of the
    /// wrong kind, as the server does, and on a refused filter.
    pub fn matches(&self, session: &Session) -> Result<bool, FilterParseError> {
        match &self.0 {
            Repr::Tree(tree) => eval(&tree.expr, session),
            Repr::TooLarge(limit) => Err(FilterParseError::limit(0, *limit)),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Tree(tree) => write_expr(&tree.expr, f),
            Repr::TooLarge(limit) => write!(f, "<refused filter: {limit}>"),
        }
    }
}

fn write_expr(expr: &Expr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match expr {
        Expr::Compare { field, op, value } => write!(f, "{field} {} {value}", op.as_str()),
        Expr::And(operands) => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    f.write_str(" AND ")?;
                }
                // AND binds tighter than OR: an OR operand needs its parentheses.
                if matches!(operand, Expr::Or(_)) {
                    f.write_str("(")?;
                    write_expr(operand, f)?;
                    f.write_str(")")?;
                } else {
                    write_expr(operand, f)?;
                }
            }
            Ok(())
        }
        Expr::Or(operands) => {
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    f.write_str(" OR ")?;
                }
                write_expr(operand, f)?;
            }
            Ok(())
        }
        Expr::Not(inner) => {
            f.write_str("NOT (")?;
            write_expr(inner, f)?;
            f.write_str(")")
        }
    }
}

/// A filter expression that could not be parsed or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid session filter at character {position}: {message}")]
pub struct FilterParseError {
    position: usize,
    message: String,
    limit: Option<FilterTooLarge>,
}

impl FilterParseError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        FilterParseError {
            position,
            message: message.into(),
            limit: None,
        }
    }

    fn limit(position: usize, limit: FilterTooLarge) -> Self {
        FilterParseError {
            position,
            message: limit.to_string(),
            limit: Some(limit),
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

    /// The cap the expression went past, when that is the problem.
    pub fn too_large(&self) -> Option<FilterTooLarge> {
        self.limit
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
}

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

    /// The size check of a combination, placed at the current token.
    fn sized(&self, tree: Result<Tree, FilterTooLarge>) -> Result<Tree, FilterParseError> {
        tree.map_err(|limit| FilterParseError::limit(self.at(), limit))
    }

    fn or(&mut self, depth: usize) -> Result<Tree, FilterParseError> {
        let mut left = self.and(depth)?;
        while self.keyword("OR") {
            let right = self.and(depth)?;
            left = self.sized(left.or(right))?;
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Tree, FilterParseError> {
        let mut left = self.unary(depth)?;
        while self.keyword("AND") {
            let right = self.unary(depth)?;
            left = self.sized(left.and(right))?;
        }
        Ok(left)
    }

    /// One level deeper, refused past [`MAX_DEPTH`]: this bounds the recursion.
    fn deeper(&self, depth: usize) -> Result<usize, FilterParseError> {
        if depth >= MAX_DEPTH {
            return Err(FilterParseError::limit(self.at(), FilterTooLarge::Depth));
        }
        Ok(depth + 1)
    }

    fn unary(&mut self, depth: usize) -> Result<Tree, FilterParseError> {
        if self.keyword("NOT") {
            let inner_depth = self.deeper(depth)?;
            // `NOT (…)` is one level, as the builder renders it.
            let inner = if self.peek() == Some(&Token::LParen) {
                self.pos += 1;
                self.group(inner_depth)?
            } else {
                self.unary(inner_depth)?
            };
            return self.sized(inner.not());
        }
        if self.peek() == Some(&Token::LParen) {
            let inner_depth = self.deeper(depth)?;
            self.pos += 1;
            return self.group(inner_depth);
        }
        self.comparison()
    }

    /// The rest of a parenthesized group, after its `(`.
    fn group(&mut self, depth: usize) -> Result<Tree, FilterParseError> {
        let inner = self.or(depth)?;
        if self.peek() != Some(&Token::RParen) {
            return Err(FilterParseError::new(self.at(), "expected `)`"));
        }
        self.pos += 1;
        Ok(inner)
    }

    fn comparison(&mut self) -> Result<Tree, FilterParseError> {
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
        Ok(Tree::compare(field, op, value))
    }
}

impl FromStr for Filter {
    type Err = FilterParseError;

    /// Parses an expression such as `CustomProperty1 = 'Acme' AND GuestConnectedCount > 0`.
    /// Expressions of more than [`MAX_TERMS`] comparisons or nested deeper than
    /// [`MAX_DEPTH`] levels are refused ([`FilterParseError::too_large`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tokens = tokenize(s)?;
        if tokens.is_empty() {
            return Err(FilterParseError::new(0, "the filter is empty"));
        }
        let mut parser = Parser {
            tokens,
            pos: 0,
            end: s.chars().count(),
        };
        let tree = parser.or(0)?;
        if parser.pos != parser.tokens.len() {
            return Err(FilterParseError::new(
                parser.at(),
                "unexpected text after the expression",
            ));
        }
        Ok(Filter(Repr::Tree(tree)))
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

/// Evaluates left to right and stops at the first operand that decides, as `&&` and
/// `||` do. The recursion is bounded by [`MAX_DEPTH`].
fn eval(expr: &Expr, s: &Session) -> Result<bool, FilterParseError> {
    Ok(match expr {
        Expr::And(operands) => {
            for operand in operands {
                if !eval(operand, s)? {
                    return Ok(false);
                }
            }
            true
        }
        Expr::Or(operands) => {
            for operand in operands {
                if eval(operand, s)? {
                    return Ok(true);
                }
            }
            false
        }
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
/// [`Filter`]); only an empty one is refused before sending. A refused [`Filter`] (see
/// [`FilterTooLarge`]) stays refused here and is never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterExpression(Result<String, FilterTooLarge>);

impl FilterExpression {
    /// The expression text (empty for a refused filter).
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// `Ok` unless this came from a refused [`Filter`].
    pub fn check(&self) -> Result<(), FilterTooLarge> {
        self.0.as_ref().map(drop).map_err(|limit| *limit)
    }
}

impl From<Filter> for FilterExpression {
    fn from(f: Filter) -> Self {
        FilterExpression::from(&f)
    }
}
impl From<&Filter> for FilterExpression {
    fn from(f: &Filter) -> Self {
        FilterExpression(f.check().map(|()| f.to_string()))
    }
}
impl From<&str> for FilterExpression {
    fn from(s: &str) -> Self {
        FilterExpression(Ok(s.to_owned()))
    }
}
impl From<String> for FilterExpression {
    fn from(s: String) -> Self {
        FilterExpression(Ok(s))
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
        // AND and OR are associative: nested ones are flattened.
        assert_eq!(
            right.to_string(),
            "Name = 'a' AND Name = 'b' AND Name = 'c'"
        );
        assert_eq!(right.to_string().parse::<Filter>().unwrap(), right);
    }

    #[test]
    fn a_huge_flat_chain_is_refused_instead_of_overflowing_the_stack() {
        let chain = vec!["Name = 'x'"; 200_000].join(" AND ");
        let err = chain.parse::<Filter>().unwrap_err();
        assert!(
            err.to_string().contains("more than 1024 comparisons"),
            "{err}"
        );
        assert_eq!(err.too_large(), Some(FilterTooLarge::Terms));
        let ok = vec!["Name = 'x'"; 1000].join(" OR ");
        let filter: Filter = ok.parse().unwrap();
        assert_eq!(filter.to_string().matches(" OR ").count(), 999);
    }

    #[test]
    fn the_builder_has_the_parsers_caps_and_everything_it_builds_parses_back() {
        let x = |i: usize| Field::NAME.eq(format!("x{i}"));
        // Exactly at the term cap: built, rendered, parsed back equal.
        let full = Filter::any((0..MAX_TERMS).map(x)).unwrap();
        assert_eq!(full.check(), Ok(()));
        assert_eq!(full.comparisons(), MAX_TERMS);
        assert_eq!(full.to_string().parse::<Filter>().unwrap(), full);
        let over = full.clone().or(x(0));
        assert_eq!(over.check(), Err(FilterTooLarge::Terms));
        assert!(over.to_string().parse::<Filter>().is_err());
        assert!(over.to_string().starts_with("<refused filter: "), "{over}");
        // Refused stays refused, whichever side it is on.
        assert_eq!(x(1).and(over.clone()).check(), Err(FilterTooLarge::Terms));
        assert_eq!(over.clone().not().check(), Err(FilterTooLarge::Terms));
        let err = over.matches(&Session::default()).unwrap_err();
        assert_eq!(err.too_large(), Some(FilterTooLarge::Terms));
        assert_eq!(
            FilterExpression::from(&over).check(),
            Err(FilterTooLarge::Terms)
        );
        assert_eq!(FilterExpression::from(&over).as_str(), "");

        // Exactly at the depth cap, with NOT and with alternating AND/OR.
        let nots = (0..MAX_DEPTH).fold(x(0), |f, _| f.not());
        assert_eq!(nots.check(), Ok(()));
        assert_eq!(nots.to_string().parse::<Filter>().unwrap(), nots);
        assert_eq!(nots.clone().not().check(), Err(FilterTooLarge::Depth));
        let too_deep = format!(
            "{}{}{}",
            "NOT (".repeat(MAX_DEPTH + 1),
            "Name = 'x'",
            ")".repeat(MAX_DEPTH + 1)
        );
        let err = too_deep.parse::<Filter>().unwrap_err();
        assert_eq!(err.too_large(), Some(FilterTooLarge::Depth));
        let mut alternating = x(0);
        for i in 0..MAX_DEPTH {
            alternating = alternating.or(x(2 * i + 1)).and(x(2 * i + 2));
        }
        assert_eq!(alternating.check(), Ok(()));
        let text = alternating.to_string();
        assert_eq!(text.matches('(').count(), MAX_DEPTH);
        assert_eq!(text.parse::<Filter>().unwrap(), alternating);
        assert_eq!(
            alternating.or(x(0)).and(x(0)).check(),
            Err(FilterTooLarge::Depth)
        );
        // Unparenthesized NOTs parse as the builder renders them.
        let bare = format!("{}Name = 'x0'", "NOT ".repeat(MAX_DEPTH));
        assert_eq!(bare.parse::<Filter>().unwrap(), nots);
        let bare = format!("{}Name = 'x'", "NOT ".repeat(MAX_DEPTH + 1));
        assert_eq!(
            bare.parse::<Filter>().unwrap_err().too_large(),
            Some(FilterTooLarge::Depth)
        );
    }

    #[test]
    fn keywords_are_not_field_names() {
        for word in ["AND", "or", "Not", "like"] {
            assert!(Field::new(word).is_err(), "{word}");
        }
        let f = Field::new("Likes")
            .unwrap()
            .eq("x")
            .and(Field::new("Notes").unwrap().eq("y"));
        assert_eq!(f.to_string().parse::<Filter>().unwrap(), f);
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
