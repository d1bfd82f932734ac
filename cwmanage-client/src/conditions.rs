//! A typed builder for Manage's conditions language.
//!
//! The same grammar serves `conditions`, `childConditions` and `customFieldConditions`:
//! field paths (`board/id`), the operators `= != < <= > >= contains like in not`,
//! `and` / `or` with parentheses, and literals: strings in quotes, numbers, `true` /
//! `false`, `null` and UTC datetimes in square brackets (`[2025-01-01T00:00:00Z]`).
//!
//! ```
//! use cwmanage_client::conditions::Condition;
//! use chrono::{TimeZone, Utc};
//!
//! let c = Condition::field("board/id").eq(7)
//!     .and(Condition::field("closedFlag").eq(false))
//!     .and(Condition::field("dateEntered").gt(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()))
//!     .and(Condition::field("summary").like("Printer%").or(Condition::field("id").is_in([1, 3])));
//! assert_eq!(
//!     c.render()?,
//!     r#"board/id = 7 and closedFlag = false and dateEntered > [2025-01-01T00:00:00Z] and (summary like "Printer%" or id in (1,3))"#
//! );
//! # Ok::<(), cwmanage_client::conditions::ConditionError>(())
//! ```
//!
//! # Quoting
//!
//! Whether the server accepts an escaped quote inside a string is not documented
//! (UNVERIFIED), so the builder never escapes: a value holding `"` is wrapped in single
//! quotes, any other value in double quotes, and a value holding **both** kinds of quote
//! is refused with [`ConditionError::BothQuotes`] rather than sent ambiguously.
//!
//! ```
//! use cwmanage_client::conditions::{Condition, ConditionError};
//!
//! assert_eq!(Condition::field("name").eq("O'Brien").render()?, r#"name = "O'Brien""#);
//! assert_eq!(Condition::field("name").eq(r#"the "West""#).render()?, r#"name = 'the "West"'"#);
//! let err = Condition::field("name").eq(r#"O'Brien & Sons + Co "West""#).render().unwrap_err();
//! assert!(matches!(err, ConditionError::BothQuotes { .. }));
//! # Ok::<(), ConditionError>(())
//! ```
//!
//! Raw strings are accepted wherever a condition is: see [`IntoConditions`].
//!
//! # Parsing
//!
//! [`Condition::parse`] reads the same grammar back into the builder's own form
//! ([`Expr`]): what the builder renders parses back to the condition it was built from.
//! It is the crate's one conditions grammar — the simulator (feature `sim`) filters its
//! records by evaluating what this parser reads.
//!
//! # Size caps
//!
//! The builder and the parser share two caps: at most [`MAX_TERMS`] comparisons and at
//! most [`MAX_DEPTH`] levels of parentheses. Combining past a cap gives a *refused*
//! condition instead of a bigger one ([`ConditionError::TooManyTerms`],
//! [`ConditionError::TooDeep`]): it stays refused when combined further, renders as that
//! error, and every call that would send it fails with [`Error::Config`](msp_common::Error)
//! before anything is sent. So no input — 100,000 terms, thousands of alternating
//! `and`/`or` levels — grows a tree whose rendering, comparison, cloning or drop could
//! exhaust the stack, and everything the builder accepts parses back.
//!
//! ```
//! use cwmanage_client::conditions::{Condition, ConditionError, MAX_DEPTH};
//!
//! let term = |i: i64| Condition::field("id").eq(i);
//! let mut deep = term(0);
//! for i in 0..2_000 {
//!     deep = if i % 2 == 0 { deep.or(term(i)) } else { deep.and(term(i)) };
//! }
//! assert_eq!(deep.render().unwrap_err(), ConditionError::TooDeep);
//! let fine = (0..MAX_DEPTH as i64).fold(term(0), |c, i| if i % 2 == 0 { c.or(term(i)) } else { c.and(term(i)) });
//! assert_eq!(Condition::parse(&fine.render()?)?, fine);
//! # Ok::<(), ConditionError>(())
//! ```

use chrono::{DateTime, Utc};

mod parse;

/// The most comparisons one condition may hold, built or parsed (an `in` list is one
/// comparison, whatever its length; a [`Condition::raw`] text counts as one).
///
/// No Manage URL holds anywhere near this many (URLs are cut at about 2,000 characters;
/// see [`ListRequest::max_url_len`](crate::query::ListRequest::max_url_len)); the cap
/// exists so that no input can make the builder, the parser or the simulator's
/// evaluation unbounded. Split longer filters into several calls.
pub const MAX_TERMS: usize = 1024;

/// The deepest a condition may nest: every pair of parentheses the rendered text opens
/// around a group is one level (`a = 1 and (b = 2 or c = 3)` is one; the parentheses of
/// an `in` list do not count). The builder and the parser share it (see [`MAX_TERMS`]).
pub const MAX_DEPTH: usize = 64;

/// Why a condition cannot be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConditionError {
    /// A string value holds both `"` and `'`; Manage has no documented escape, so it
    /// cannot be quoted unambiguously.
    #[error(
        "the value {value:?} for `{field}` holds both a double and a single quote; Manage conditions have no documented escape for quotes, so it cannot be sent unambiguously (match on a part of it with `contains` or `like` instead)"
    )]
    BothQuotes {
        /// The field the value was compared with.
        field: String,
        /// The value.
        value: String,
    },
    /// A field path is empty, starts with something other than a letter or `_`, or
    /// holds characters other than letters, digits, `_`, `.` and `/`.
    #[error(
        "`{field}` is not a valid field path (a letter or `_` first, then letters, digits, `_`, `.` and `/` only)"
    )]
    InvalidField {
        /// The field path.
        field: String,
    },
    /// An `in` list is empty.
    #[error("the `in` list for `{field}` is empty")]
    EmptyIn {
        /// The field path.
        field: String,
    },
    /// A number is NaN or infinite.
    #[error("the number for `{field}` is not finite")]
    NotFinite {
        /// The field path.
        field: String,
    },
    /// A raw condition is empty.
    #[error("a raw condition is empty")]
    EmptyRaw,
    /// The condition holds more than [`MAX_TERMS`] comparisons (built or parsed).
    #[error(
        "the condition holds more than {MAX_TERMS} comparisons, the most this crate builds or parses; split it into several calls"
    )]
    TooManyTerms,
    /// The condition nests parentheses deeper than [`MAX_DEPTH`] levels (built or
    /// parsed).
    #[error(
        "the condition nests parentheses deeper than {MAX_DEPTH} levels, the most this crate builds or parses"
    )]
    TooDeep,
    /// A conditions text does not follow the grammar ([`Condition::parse`]).
    #[error("{message} (at character {position})")]
    Syntax {
        /// Where (in characters from the start) the text stops making sense.
        position: usize,
        /// What was expected there.
        message: String,
    },
}

impl From<ConditionError> for msp_common::Error {
    fn from(err: ConditionError) -> Self {
        msp_common::Error::config(err.to_string())
    }
}

/// A literal on the right of an operator.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A string, quoted as described in the [module docs](self).
    Str(String),
    /// An integer.
    Int(i64),
    /// An unsigned integer above `i64::MAX`, kept exact.
    UInt(u64),
    /// A decimal number.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A UTC datetime, sent as `[2025-01-01T00:00:00Z]` (whole seconds).
    DateTime(DateTime<Utc>),
}

impl Value {
    fn render(&self, field: &str) -> Result<String, ConditionError> {
        Ok(match self {
            Value::Str(s) => quote(field, s)?,
            Value::Int(n) => n.to_string(),
            Value::UInt(n) => n.to_string(),
            Value::Num(n) if n.is_finite() => n.to_string(),
            Value::Num(_) => {
                return Err(ConditionError::NotFinite {
                    field: field.to_owned(),
                });
            }
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_owned(),
            Value::DateTime(dt) => format!("[{}]", dt.format("%Y-%m-%dT%H:%M:%SZ")),
        })
    }
}

/// Quotes a string literal: double quotes unless the value holds `"`, then single
/// quotes; both kinds are refused.
///
/// ```
/// use cwmanage_client::conditions::quote;
/// assert_eq!(quote("name", "A+B & C #1")?, r#""A+B & C #1""#);
/// assert_eq!(quote("name", r#"say "hi""#)?, r#"'say "hi"'"#);
/// assert!(quote("name", r#"it's "x""#).is_err());
/// # Ok::<(), cwmanage_client::conditions::ConditionError>(())
/// ```
pub fn quote(field: &str, value: &str) -> Result<String, ConditionError> {
    match (value.contains('"'), value.contains('\'')) {
        (false, _) => Ok(format!("\"{value}\"")),
        (true, false) => Ok(format!("'{value}'")),
        (true, true) => Err(ConditionError::BothQuotes {
            field: field.to_owned(),
            value: value.to_owned(),
        }),
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident as $c:ty),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$v(<$c>::from(v)) }
        }
    )*};
}
value_from!(i64 => Int as i64, i32 => Int as i64, u32 => Int as i64, i16 => Int as i64, u16 => Int as i64, u8 => Int as i64, f64 => Num as f64, f32 => Num as f64, bool => Bool as bool);

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        match i64::try_from(v) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::UInt(v),
        }
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Str(v.clone())
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::DateTime(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`
    Contains,
    /// `not contains`
    NotContains,
    /// `like` (`%` is the wildcard)
    Like,
    /// `not like`
    NotLike,
}

impl Op {
    /// The operator as written in a condition.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::NotContains => "not contains",
            Op::Like => "like",
            Op::NotLike => "not like",
        }
    }
}

/// The parsed form of a condition: what [`Condition::expr`] shows and
/// [`Condition::parse`] produces. Joined terms keep their grouping: `a and (b and c)`
/// is `And[a, And[b, c]]`, as the builder makes it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// `field op value`.
    Cmp {
        /// The field path (`board/id`).
        field: String,
        /// The operator.
        op: Op,
        /// The literal.
        value: Value,
    },
    /// `field in (v1,v2,…)`, or `field not in (…)`.
    In {
        /// The field path.
        field: String,
        /// Whether it is `not in`.
        negated: bool,
        /// The listed literals.
        values: Vec<Value>,
    },
    /// Terms joined by `and`.
    And(Vec<Expr>),
    /// Terms joined by `or`.
    Or(Vec<Expr>),
    /// A condition written by hand ([`Condition::raw`]), sent as given; never produced
    /// by [`Condition::parse`].
    Raw(String),
}

/// A conditions expression, built from comparisons joined with `and` / `or`.
///
/// Rendering happens with [`Condition::render`]; a value that cannot be written
/// (see [`ConditionError`]) is reported then, and by any call that sends it, before
/// any request goes out.
///
/// A condition holds at most [`MAX_TERMS`] comparisons and nests at most [`MAX_DEPTH`]
/// levels (the parser's caps); combining past a cap gives a refused condition (see the
/// [module docs](self#size-caps) and [`Condition::check`]).
#[derive(Clone)]
#[must_use]
pub struct Condition(Repr);

#[derive(Clone)]
enum Repr {
    Tree(Tree),
    Refused(ConditionError),
}

/// An expression with its size: the comparisons it holds and the levels of parentheses
/// its rendering opens.
#[derive(Clone)]
struct Tree {
    expr: Expr,
    terms: usize,
    depth: usize,
}

impl Tree {
    fn leaf(expr: Expr) -> Tree {
        Tree {
            expr,
            terms: 1,
            depth: 0,
        }
    }

    /// The levels this tree adds when it becomes an operand of a join: its own, plus
    /// the parentheses it is then wrapped in.
    fn as_operand(&self) -> usize {
        self.depth + usize::from(parenthesized(&self.expr))
    }
}

/// Whether an operand of a join is rendered inside parentheses.
fn parenthesized(expr: &Expr) -> bool {
    matches!(expr, Expr::And(_) | Expr::Or(_) | Expr::Raw(_))
}

/// What [`Condition::expr`] shows for a refused condition: an empty `or`, which matches
/// nothing.
static REFUSED: Expr = Expr::Or(Vec::new());

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::Tree(tree) => f.debug_tuple("Condition").field(&tree.expr).finish(),
            Repr::Refused(err) => f.debug_tuple("Condition::Refused").field(err).finish(),
        }
    }
}

impl PartialEq for Condition {
    fn eq(&self, other: &Condition) -> bool {
        match (&self.0, &other.0) {
            (Repr::Tree(a), Repr::Tree(b)) => a.expr == b.expr,
            (Repr::Refused(a), Repr::Refused(b)) => a == b,
            _ => false,
        }
    }
}

impl Condition {
    fn leaf(expr: Expr) -> Condition {
        Condition(Repr::Tree(Tree::leaf(expr)))
    }

    /// Joins two conditions with `and` (`and: true`) or `or`, keeping the grouping the
    /// builder always had: the left side's terms are extended when it is already that
    /// join, and so are the right side's when both are; anything else becomes one
    /// operand. The size is computed first, and past a cap nothing is built.
    fn join(self, other: Condition, and: bool) -> Condition {
        let (a, b) = match (self.0, other.0) {
            (Repr::Tree(a), Repr::Tree(b)) => (a, b),
            (Repr::Refused(err), _) | (_, Repr::Refused(err)) => {
                return Condition(Repr::Refused(err));
            }
        };
        let same = |e: &Expr| {
            if and {
                matches!(e, Expr::And(_))
            } else {
                matches!(e, Expr::Or(_))
            }
        };
        let a_spread = same(&a.expr);
        let b_spread = a_spread && same(&b.expr);
        let depth_a = if a_spread { a.depth } else { a.as_operand() };
        let depth_b = if b_spread { b.depth } else { b.as_operand() };
        let terms = a.terms.saturating_add(b.terms);
        let depth = depth_a.max(depth_b);
        if terms > MAX_TERMS {
            return Condition(Repr::Refused(ConditionError::TooManyTerms));
        }
        if depth > MAX_DEPTH {
            return Condition(Repr::Refused(ConditionError::TooDeep));
        }
        let mut operands = match a.expr {
            Expr::And(terms) | Expr::Or(terms) if a_spread => terms,
            other => vec![other],
        };
        match b.expr {
            Expr::And(terms) | Expr::Or(terms) if b_spread => operands.extend(terms),
            other => operands.push(other),
        }
        let expr = if and {
            Expr::And(operands)
        } else {
            Expr::Or(operands)
        };
        Condition(Repr::Tree(Tree { expr, terms, depth }))
    }

    /// A parsed expression as a condition, sized; refused past a cap.
    fn sized(expr: Expr) -> Result<Condition, ConditionError> {
        let (terms, depth) = size(&expr);
        if terms > MAX_TERMS {
            return Err(ConditionError::TooManyTerms);
        }
        if depth > MAX_DEPTH {
            return Err(ConditionError::TooDeep);
        }
        Ok(Condition(Repr::Tree(Tree { expr, terms, depth })))
    }
}

/// The comparisons and the levels of parentheses of an expression the parser made (its
/// nesting is bounded by the parser, so this recursion is too).
fn size(expr: &Expr) -> (usize, usize) {
    match expr {
        Expr::And(operands) | Expr::Or(operands) => {
            operands.iter().fold((0, 0), |(terms, depth), operand| {
                let (t, d) = size(operand);
                (
                    terms.saturating_add(t),
                    depth.max(d + usize::from(parenthesized(operand))),
                )
            })
        }
        _ => (1, 0),
    }
}

/// The left side of a comparison; obtained from [`Condition::field`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Field(String);

impl Field {
    fn cmp(self, op: Op, value: impl Into<Value>) -> Condition {
        Condition::leaf(Expr::Cmp {
            field: self.0,
            op,
            value: value.into(),
        })
    }
    /// `field = value`
    pub fn eq(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Eq, value)
    }
    /// `field != value`
    pub fn ne(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Ne, value)
    }
    /// `field < value`
    pub fn lt(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Lt, value)
    }
    /// `field <= value`
    pub fn le(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Le, value)
    }
    /// `field > value`
    pub fn gt(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Gt, value)
    }
    /// `field >= value`
    pub fn ge(self, value: impl Into<Value>) -> Condition {
        self.cmp(Op::Ge, value)
    }
    /// `field contains "value"`
    pub fn contains(self, value: impl Into<String>) -> Condition {
        self.cmp(Op::Contains, value.into())
    }
    /// `field not contains "value"`
    pub fn not_contains(self, value: impl Into<String>) -> Condition {
        self.cmp(Op::NotContains, value.into())
    }
    /// `field like "pattern"` (`%` matches any run of characters).
    pub fn like(self, pattern: impl Into<String>) -> Condition {
        self.cmp(Op::Like, pattern.into())
    }
    /// `field not like "pattern"`
    pub fn not_like(self, pattern: impl Into<String>) -> Condition {
        self.cmp(Op::NotLike, pattern.into())
    }
    /// `field = null`
    pub fn is_null(self) -> Condition {
        self.cmp(Op::Eq, Value::Null)
    }
    /// `field != null`
    pub fn is_not_null(self) -> Condition {
        self.cmp(Op::Ne, Value::Null)
    }
    /// A comparison with any operator.
    pub fn op(self, op: Op, value: impl Into<Value>) -> Condition {
        self.cmp(op, value)
    }
    /// A condition that matches **at least** every record whose field equals `value`,
    /// even when `value` holds both kinds of quote.
    ///
    /// A value that can be quoted gives `field = "value"`. Otherwise the value is cut into
    /// pieces that each hold only one kind of quote, sent as `like` patterns (prefix,
    /// middle pieces, suffix) joined with `and`: the server then answers a superset, which
    /// the caller narrows by comparing exactly (as
    /// [`Resource::find_exact`](crate::resource::Resource::find_exact) does). A value
    /// switching quote kinds more than [`MAX_TERMS`] times gives a refused condition.
    ///
    /// ```
    /// use cwmanage_client::conditions::Condition;
    /// let c = Condition::field("name").covering_eq(r#"O'Brien & Sons + Co "West""#);
    /// assert_eq!(
    ///     c.render()?,
    ///     r#"name like "O'Brien & Sons + Co %" and name like '%"West"'"#
    /// );
    /// # Ok::<(), cwmanage_client::conditions::ConditionError>(())
    /// ```
    pub fn covering_eq(self, value: impl Into<String>) -> Condition {
        let value = value.into();
        if !(value.contains('"') && value.contains('\'')) {
            return self.eq(value);
        }
        // Greedy pieces: extend while the piece holds at most one kind of quote.
        let mut pieces: Vec<String> = Vec::new();
        let mut current = String::new();
        for ch in value.chars() {
            let mut next = current.clone();
            next.push(ch);
            if next.contains('"') && next.contains('\'') {
                pieces.push(std::mem::take(&mut current));
                current.push(ch);
            } else {
                current = next;
            }
        }
        pieces.push(current);
        let last = pieces.len() - 1;
        let parts = pieces.into_iter().enumerate().map(|(i, piece)| {
            let pattern = match i {
                0 => format!("{piece}%"),
                i if i == last => format!("%{piece}"),
                _ => format!("%{piece}%"),
            };
            Field(self.0.clone()).like(pattern)
        });
        Condition::all(parts).unwrap_or_else(|| Condition::raw(""))
    }

    /// `field in (v1,v2,…)`
    pub fn is_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Condition {
        Condition::leaf(Expr::In {
            field: self.0,
            negated: false,
            values: values.into_iter().map(Into::into).collect(),
        })
    }
    /// `field not in (v1,v2,…)`
    pub fn not_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Condition {
        Condition::leaf(Expr::In {
            field: self.0,
            negated: true,
            values: values.into_iter().map(Into::into).collect(),
        })
    }
}

impl Condition {
    /// Starts a comparison on a field path (`summary`, `board/id`, `company/identifier`).
    pub fn field(path: impl Into<String>) -> Field {
        Field(path.into())
    }

    /// A condition written by hand, sent as given (wrapped in parentheses when joined
    /// with others).
    pub fn raw(text: impl Into<String>) -> Condition {
        Condition::leaf(Expr::Raw(text.into()))
    }

    /// `self and other`. Past [`MAX_TERMS`] or [`MAX_DEPTH`] the result is refused
    /// ([`Condition::check`]).
    pub fn and(self, other: Condition) -> Condition {
        self.join(other, true)
    }

    /// `self or other`. Past [`MAX_TERMS`] or [`MAX_DEPTH`] the result is refused
    /// ([`Condition::check`]).
    pub fn or(self, other: Condition) -> Condition {
        self.join(other, false)
    }

    /// All of these conditions (`and`); `None` when there are none. More than
    /// [`MAX_TERMS`] comparisons in all give a refused condition.
    pub fn all(conditions: impl IntoIterator<Item = Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(Condition::and)
    }

    /// Any of these conditions (`or`); `None` when there are none. More than
    /// [`MAX_TERMS`] comparisons in all give a refused condition.
    pub fn any(conditions: impl IntoIterator<Item = Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(Condition::or)
    }

    /// `Ok` when the condition is within the caps ([`MAX_TERMS`], [`MAX_DEPTH`]); the
    /// cap it went past when building it was refused ([`ConditionError::TooManyTerms`]
    /// or [`ConditionError::TooDeep`]). Values are checked by [`render`](Self::render).
    ///
    /// ```
    /// use cwmanage_client::conditions::{Condition, ConditionError, MAX_TERMS};
    ///
    /// let ids = |n: usize| Condition::any((0..n).map(|i| Condition::field("id").eq(i as u64))).unwrap();
    /// assert_eq!(ids(MAX_TERMS).check(), Ok(()));
    /// assert_eq!(ids(MAX_TERMS + 1).check(), Err(ConditionError::TooManyTerms));
    /// // A refused condition stays refused.
    /// assert!(ids(100_000).and(Condition::field("closedFlag").eq(false)).render().is_err());
    /// ```
    pub fn check(&self) -> Result<(), ConditionError> {
        match &self.0 {
            Repr::Tree(_) => Ok(()),
            Repr::Refused(err) => Err(err.clone()),
        }
    }

    /// Writes the condition in Manage's syntax.
    pub fn render(&self) -> Result<String, ConditionError> {
        match &self.0 {
            Repr::Tree(tree) => render(&tree.expr),
            Repr::Refused(err) => Err(err.clone()),
        }
    }

    /// Reads a condition written in Manage's syntax: the inverse of
    /// [`render`](Self::render), for every condition the builder makes (a number that
    /// is a whole `f64` comes back as an integer; datetimes are whole seconds).
    ///
    /// Keywords (`and`, `or`, `not`, `in`, `contains`, `like`, `true`, `false`, `null`)
    /// are read in any case; strings in either quote run to the next quote of the same
    /// kind (there is no escape); field paths follow the builder's rule. A text holding
    /// more than [`MAX_TERMS`] comparisons or nesting deeper than [`MAX_DEPTH`] levels is
    /// refused ([`ConditionError::TooManyTerms`], [`ConditionError::TooDeep`]) without
    /// being read further.
    ///
    /// ```
    /// use cwmanage_client::conditions::{Condition, Expr, Op, Value};
    ///
    /// let built = Condition::field("board/id").eq(1)
    ///     .and(Condition::field("summary").not_like("%fire%").or(Condition::field("id").is_in([1, 3])));
    /// let text = built.render()?;
    /// assert_eq!(Condition::parse(&text)?, built);
    ///
    /// let parsed = Condition::parse(r#"name = 'the "West"' AND closedFlag = False"#)?;
    /// let Expr::And(terms) = parsed.expr() else { unreachable!() };
    /// assert_eq!(terms[0], Expr::Cmp { field: "name".into(), op: Op::Eq, value: Value::Str(r#"the "West""#.into()) });
    /// assert!(Condition::parse("summary = unquoted").is_err());
    /// # Ok::<(), cwmanage_client::conditions::ConditionError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Condition, ConditionError> {
        Condition::sized(parse::parse(text)?)
    }

    /// The parsed form of this condition. A refused condition ([`Condition::check`]) has
    /// none and shows an empty [`Expr::Or`], which matches nothing.
    pub fn expr(&self) -> &Expr {
        match &self.0 {
            Repr::Tree(tree) => &tree.expr,
            Repr::Refused(_) => &REFUSED,
        }
    }
}

impl std::str::FromStr for Condition {
    type Err = ConditionError;

    fn from_str(text: &str) -> Result<Condition, ConditionError> {
        Condition::parse(text)
    }
}

impl Condition {
    /// Splits the longest `in` list of this condition (the condition itself, or one of
    /// the terms joined by a top-level `and`) into chunks, so that each resulting
    /// condition's rendering satisfies `fits`. The results of the chunks are disjoint
    /// and their union is the result of the whole condition.
    ///
    /// Returns `None` when the condition already fits or holds no splittable list.
    ///
    /// ```
    /// use cwmanage_client::conditions::Condition;
    /// let c = Condition::field("closedFlag").eq(false).and(Condition::field("id").is_in(1..=6));
    /// let parts = c.split_in_list(|text| text.len() <= 38)?.unwrap();
    /// let texts: Vec<String> = parts.iter().map(|p| p.render().unwrap()).collect();
    /// assert_eq!(texts, [
    ///     "closedFlag = false and id in (1,2,3,4)",
    ///     "closedFlag = false and id in (5,6)",
    /// ]);
    /// # Ok::<(), cwmanage_client::conditions::ConditionError>(())
    /// ```
    pub fn split_in_list(
        &self,
        fits: impl Fn(&str) -> bool,
    ) -> Result<Option<Vec<Condition>>, ConditionError> {
        if fits(&self.render()?) {
            return Ok(None);
        }
        let Repr::Tree(tree) = &self.0 else {
            return Ok(None);
        };
        // Where is the longest list: the root, or a child of a root `and`.
        let slot = match &tree.expr {
            Expr::In { .. } => None,
            Expr::And(children) => {
                let best = children
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| match n {
                        Expr::In { values, .. } if values.len() > 1 => Some((i, values.len())),
                        _ => None,
                    })
                    .max_by_key(|(_, len)| *len);
                match best {
                    Some((i, _)) => Some(i),
                    None => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        let (field, negated, values) = match (&tree.expr, slot) {
            (
                Expr::In {
                    field,
                    negated,
                    values,
                },
                None,
            ) => (field, *negated, values),
            (Expr::And(children), Some(i)) => match &children[i] {
                Expr::In {
                    field,
                    negated,
                    values,
                } => (field, *negated, values),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if negated || values.len() < 2 {
            // `not in` chunks would not be disjoint.
            return Ok(None);
        }
        let with = |chunk: &[Value]| {
            let node = Expr::In {
                field: field.clone(),
                negated,
                values: chunk.to_vec(),
            };
            // One `in` list for another: the size is the same.
            Condition(Repr::Tree(Tree {
                expr: match (&tree.expr, slot) {
                    (Expr::And(children), Some(i)) => {
                        let mut children = children.clone();
                        children[i] = node;
                        Expr::And(children)
                    }
                    _ => node,
                },
                terms: tree.terms,
                depth: tree.depth,
            }))
        };
        let mut parts = Vec::new();
        let mut start = 0;
        while start < values.len() {
            let mut end = start + 1;
            while end < values.len() && fits(&with(&values[start..=end]).render()?) {
                end += 1;
            }
            parts.push(with(&values[start..end]));
            start = end;
        }
        Ok(Some(parts))
    }
}

/// Whether `field` is a field path: a letter or `_` first, then letters, digits, `_`, `.`
/// and `/` (ASCII). The one rule of the builder and the parser.
fn is_field_path(field: &str) -> bool {
    let mut chars = field.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.'))
}

fn check_field(field: &str) -> Result<(), ConditionError> {
    if is_field_path(field) {
        Ok(())
    } else {
        Err(ConditionError::InvalidField {
            field: field.to_owned(),
        })
    }
}

fn render(node: &Expr) -> Result<String, ConditionError> {
    match node {
        Expr::Cmp { field, op, value } => {
            check_field(field)?;
            Ok(format!("{field} {} {}", op.as_str(), value.render(field)?))
        }
        Expr::In {
            field,
            negated,
            values,
        } => {
            check_field(field)?;
            if values.is_empty() {
                return Err(ConditionError::EmptyIn {
                    field: field.clone(),
                });
            }
            let list = values
                .iter()
                .map(|v| v.render(field))
                .collect::<Result<Vec<_>, _>>()?
                .join(",");
            let not = if *negated { "not " } else { "" };
            Ok(format!("{field} {not}in ({list})"))
        }
        Expr::Raw(text) if text.trim().is_empty() => Err(ConditionError::EmptyRaw),
        Expr::Raw(text) => Ok(text.clone()),
        Expr::And(nodes) => join(nodes, " and "),
        Expr::Or(nodes) => join(nodes, " or "),
    }
}

fn join(nodes: &[Expr], sep: &str) -> Result<String, ConditionError> {
    let parts = nodes
        .iter()
        .map(|n| {
            let text = render(n)?;
            Ok(match n {
                Expr::And(_) | Expr::Or(_) | Expr::Raw(_) => format!("({text})"),
                _ => text,
            })
        })
        .collect::<Result<Vec<_>, ConditionError>>()?;
    Ok(parts.join(sep))
}

/// Anything that can be sent as a conditions parameter: a [`Condition`] or a raw
/// string written by hand.
pub trait IntoConditions {
    /// The text to send.
    fn into_conditions(self) -> Result<String, ConditionError>;

    /// The structured condition, when there is one (lets a long `in` list be split
    /// across requests). Raw strings have none.
    fn as_condition(&self) -> Option<Condition> {
        None
    }
}

impl IntoConditions for Condition {
    fn into_conditions(self) -> Result<String, ConditionError> {
        self.render()
    }
    fn as_condition(&self) -> Option<Condition> {
        Some(self.clone())
    }
}
impl IntoConditions for &Condition {
    fn into_conditions(self) -> Result<String, ConditionError> {
        self.render()
    }
    fn as_condition(&self) -> Option<Condition> {
        Some((*self).clone())
    }
}
impl IntoConditions for &str {
    fn into_conditions(self) -> Result<String, ConditionError> {
        Ok(self.to_owned())
    }
}
impl IntoConditions for String {
    fn into_conditions(self) -> Result<String, ConditionError> {
        Ok(self)
    }
}
impl IntoConditions for &String {
    fn into_conditions(self) -> Result<String, ConditionError> {
        Ok(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn official_example_shape() {
        let c = Condition::field("contact/name")
            .like("Fred%")
            .and(Condition::field("closedFlag").eq(false))
            .and(
                Condition::field("dateEntered")
                    .gt(Utc.with_ymd_and_hms(2015, 12, 23, 5, 53, 27).unwrap()),
            )
            .or(Condition::field("summary")
                .contains("test")
                .and(Condition::field("summary").ne("Some Summary")));
        assert_eq!(
            c.render().unwrap(),
            r#"(contact/name like "Fred%" and closedFlag = false and dateEntered > [2015-12-23T05:53:27Z]) or (summary contains "test" and summary != "Some Summary")"#
        );
    }

    #[test]
    fn literals() {
        let f = |v: Value| Condition::field("x").eq(v).render();
        assert_eq!(f(Value::Null).unwrap(), "x = null");
        assert_eq!(f(Value::Int(-5)).unwrap(), "x = -5");
        assert_eq!(
            f(Value::from(u64::MAX)).unwrap(),
            "x = 18446744073709551615"
        );
        assert_eq!(f(Value::Num(1.5)).unwrap(), "x = 1.5");
        assert!(f(Value::Num(f64::NAN)).is_err());
        assert_eq!(
            Condition::field("name")
                .is_in(["John", "Ben"])
                .render()
                .unwrap(),
            r#"name in ("John","Ben")"#
        );
        assert_eq!(
            Condition::field("id").not_in([1u64, 3]).render().unwrap(),
            "id not in (1,3)"
        );
        assert!(
            Condition::field("id")
                .is_in(Vec::<i64>::new())
                .render()
                .is_err()
        );
        assert!(Condition::field("a b").eq(1).render().is_err());
        assert!(Condition::field("").eq(1).render().is_err());
        assert_eq!(
            Condition::field("x").is_not_null().render().unwrap(),
            "x != null"
        );
    }

    #[test]
    fn quoting_rule() {
        let name = r#"O'Brien & Sons + Co "West""#;
        let err = Condition::field("name").eq(name).render().unwrap_err();
        assert!(err.to_string().contains("both a double and a single quote"));
        assert_eq!(
            Condition::field("name")
                .eq("O'Brien & Sons + Co")
                .render()
                .unwrap(),
            r#"name = "O'Brien & Sons + Co""#
        );
        assert_eq!(
            Condition::field("name")
                .eq(r#"Sons + Co "West""#)
                .render()
                .unwrap(),
            r#"name = 'Sons + Co "West"'"#
        );
        // An `in` list with one bad value is refused too.
        assert!(
            Condition::field("name")
                .is_in(["a", name])
                .render()
                .is_err()
        );
    }

    #[test]
    fn raw_and_grouping() {
        let c = Condition::raw("a = 1 or b = 2").and(Condition::field("c").eq(3));
        assert_eq!(c.render().unwrap(), "(a = 1 or b = 2) and c = 3");
        assert_eq!(Condition::raw("a = 1").render().unwrap(), "a = 1");
        assert!(Condition::raw("  ").render().is_err());
        assert_eq!(Condition::all(Vec::new()), None);
        let any =
            Condition::any([Condition::field("a").eq(1), Condition::field("b").eq(2)]).unwrap();
        assert_eq!(any.render().unwrap(), "a = 1 or b = 2");
    }
}
