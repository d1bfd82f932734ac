//! The one OData grammar of the crate: what [`Filter`](super::Filter) and
//! [`OrderBy`](super::OrderBy) write, read back into an [`Expr`] and [`OrderKey`]s.
//!
//! The simulator evaluates what this parser returns (it adds the server's type rules on
//! top), so the builder, the parser and the fake server can never disagree on quoting,
//! grouping or literals.

use chrono::NaiveDateTime;

use super::{FilterTooLarge, MAX_DEPTH, MAX_TERMS};

/// A parsed `$filter` expression; see [`parse_filter`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expr {
    /// `left and right`
    And(Box<Expr>, Box<Expr>),
    /// `left or right`
    Or(Box<Expr>, Box<Expr>),
    /// `not expr`
    Not(Box<Expr>),
    /// `Field op literal`
    Compare {
        /// The field name.
        field: String,
        /// The operator.
        op: Operator,
        /// The literal on the right.
        value: Literal,
    },
    /// `substringof('text', Field)`, `startswith(Field, 'text')` or
    /// `endswith(Field, 'text')`.
    Function {
        /// Which function.
        function: Function,
        /// The field name.
        field: String,
        /// The text argument, unquoted.
        text: String,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

impl Operator {
    /// The operator as written (`"eq"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Gt => "gt",
            Operator::Ge => "ge",
            Operator::Lt => "lt",
            Operator::Le => "le",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Operator::Eq,
            "ne" => Operator::Ne,
            "gt" => Operator::Gt,
            "ge" => Operator::Ge,
            "lt" => Operator::Lt,
            "le" => Operator::Le,
            _ => return None,
        })
    }
}

/// A string function of the filter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// `substringof('text', Field)`: the field contains the text.
    SubstringOf,
    /// `startswith(Field, 'text')`
    StartsWith,
    /// `endswith(Field, 'text')`
    EndsWith,
}

impl Function {
    /// The function's name as written (`"substringof"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Function::SubstringOf => "substringof",
            Function::StartsWith => "startswith",
            Function::EndsWith => "endswith",
        }
    }
}

/// A literal on the right of a comparison. Numbers keep their text, so no digit is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Literal {
    /// `'text'` (unquoted: `''` read back as `'`).
    String(String),
    /// An integer as written (`42`, `-7`).
    Int(String),
    /// A decimal as written, without its `M` suffix (`121747357971679`, `12.50`).
    Decimal(String),
    /// A number with a fraction and no `M` (`2.5`).
    Float(String),
    /// `DATETIME'2019-06-17T07:14:20'`
    DateTime(NaiveDateTime),
    /// `true` or `false`
    Bool(bool),
    /// `null`
    Null,
}

/// One key of a `$orderby`: a field and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderKey {
    /// The field name.
    pub field: String,
    /// Whether the order is descending (`desc`).
    pub descending: bool,
}

/// Why a `$filter` or `$orderby` text is not an expression of the grammar. The message
/// is worded as the VSA words its own (the simulator answers with it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
    limit: Option<FilterTooLarge>,
}

impl ParseError {
    fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            limit: None,
        }
    }

    fn limit(limit: FilterTooLarge) -> Self {
        ParseError {
            message: limit.to_string(),
            limit: Some(limit),
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The cap ([`MAX_TERMS`](super::MAX_TERMS), [`MAX_DEPTH`](super::MAX_DEPTH)) the
    /// expression went past, when that is what is wrong.
    pub fn too_large(&self) -> Option<FilterTooLarge> {
        self.limit
    }
}

/// Parses a `$filter` expression: comparisons `eq ne gt ge lt le`, `and`, `or`, `not`,
/// parentheses, the functions `substringof`, `startswith` and `endswith`, and the
/// literals the builder writes (see the [module docs](super)). Keywords are read in any
/// case; `and` binds tighter than `or`.
///
/// Expressions of more than [`MAX_TERMS`](super::MAX_TERMS) comparisons or nested deeper
/// than [`MAX_DEPTH`](super::MAX_DEPTH) levels (each `not` and each pair of parentheses
/// is one, `not (…)` is one) are refused ([`ParseError::too_large`]), the caps the builder
/// keeps to: no input makes the parser, or what it returns, deep enough to exhaust the
/// stack.
///
/// ```
/// use kaseya_vsa_client::odata::{Expr, Literal, Operator, fields::agents, parse_filter};
///
/// let filter = agents::AGENT_NAME.eq("O'Brien's PC");
/// let parsed = parse_filter(&filter.to_string()).unwrap();
/// assert_eq!(
///     parsed,
///     Expr::Compare {
///         field: "AgentName".into(),
///         op: Operator::Eq,
///         value: Literal::String("O'Brien's PC".into()),
///     }
/// );
/// assert!(parse_filter("AgentName eq 'unterminated").is_err());
/// ```
pub fn parse_filter(input: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser {
        toks: lex(input)?,
        pos: 0,
        terms: 0,
    };
    let expr = parser.or(0)?;
    if parser.pos != parser.toks.len() {
        return Err(ParseError::new(format!(
            "Syntax error at token {}: expected end of expression",
            parser.pos
        )));
    }
    Ok(expr)
}

impl std::str::FromStr for Expr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        parse_filter(s)
    }
}

/// Parses a `$orderby` expression (`"AgentName desc,AgentId"`): field names, each
/// optionally followed by `asc` or `desc`, separated by commas.
///
/// ```
/// use kaseya_vsa_client::odata::{fields::agents, parse_order_by};
///
/// let order = agents::AGENT_NAME.desc().then_asc(&agents::AGENT_ID);
/// let keys = parse_order_by(&order.to_string()).unwrap();
/// assert_eq!((keys[0].field.as_str(), keys[0].descending), ("AgentName", true));
/// assert_eq!((keys[1].field.as_str(), keys[1].descending), ("AgentId", false));
/// ```
pub fn parse_order_by(input: &str) -> Result<Vec<OrderKey>, ParseError> {
    input
        .split(',')
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words
                .next()
                .ok_or_else(|| ParseError::new("Syntax error in $orderby"))?;
            if !is_field_name(field) {
                return Err(ParseError::new(format!(
                    "Syntax error in $orderby: '{field}' is not a property name"
                )));
            }
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(ParseError::new(format!(
                        "Syntax error in $orderby: '{other}'"
                    )));
                }
            };
            if let Some(extra) = words.next() {
                return Err(ParseError::new(format!(
                    "Syntax error in $orderby: '{extra}'"
                )));
            }
            Ok(OrderKey {
                field: field.to_owned(),
                descending,
            })
        })
        .collect()
}

fn is_field_name(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Lit(Literal),
    LParen,
    RParen,
    Comma,
}

fn lex(input: &str) -> Result<Vec<Tok>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if c == '\'' {
            let (s, next) = string_at(&chars, i)?;
            out.push(Tok::Lit(Literal::String(s)));
            i = next;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (literal, next) = number_at(&chars, i)?;
            out.push(Tok::Lit(literal));
            i = next;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '/')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars.get(i) == Some(&'\'') {
                if word.eq_ignore_ascii_case("DATETIME") {
                    let (s, next) = string_at(&chars, i)?;
                    let dt = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f")
                        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M"))
                        .map_err(|_| {
                            ParseError::new(format!(
                                "Unrecognized 'Edm.DateTime' literal 'DATETIME'{s}''"
                            ))
                        })?;
                    out.push(Tok::Lit(Literal::DateTime(dt)));
                    i = next;
                    continue;
                }
                return Err(ParseError::new(format!(
                    "Syntax error at position {start}: unknown literal prefix '{word}'"
                )));
            }
            out.push(match word.as_str() {
                "true" => Tok::Lit(Literal::Bool(true)),
                "false" => Tok::Lit(Literal::Bool(false)),
                "null" => Tok::Lit(Literal::Null),
                _ => Tok::Ident(word),
            });
        } else {
            return Err(ParseError::new(format!(
                "Syntax error: unexpected character '{c}' at position {i}"
            )));
        }
    }
    Ok(out)
}

/// A quoted string starting at `start` (its opening `'`), with `''` read as `'`.
fn string_at(chars: &[char], start: usize) -> Result<(String, usize), ParseError> {
    let mut i = start + 1;
    let mut s = String::new();
    loop {
        match chars.get(i) {
            None => {
                return Err(ParseError::new(format!(
                    "There is an unterminated string literal at position {start}"
                )));
            }
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                s.push('\'');
                i += 2;
            }
            Some('\'') => return Ok((s, i + 1)),
            Some(&c) => {
                s.push(c);
                i += 1;
            }
        }
    }
}

/// A number starting at `start`: `-?digits(.digits)?`, then `M` for a decimal.
fn number_at(chars: &[char], start: usize) -> Result<(Literal, usize), ParseError> {
    let digits_from = |mut i: usize| {
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = digits_from(start + usize::from(chars[start] == '-'));
    let mut fraction = false;
    if chars.get(i) == Some(&'.') {
        let end = digits_from(i + 1);
        if end == i + 1 {
            return Err(ParseError::new(format!(
                "Syntax error at position {start}: digits expected after '.'"
            )));
        }
        fraction = true;
        i = end;
    }
    let text: String = chars[start..i].iter().collect();
    if matches!(chars.get(i), Some('M' | 'm')) {
        return Ok((Literal::Decimal(text), i + 1));
    }
    let literal = if fraction {
        Literal::Float(text)
    } else {
        Literal::Int(text)
    };
    Ok((literal, i))
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Comparisons and function calls read so far.
    terms: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    /// `operand (keyword operand)*`, joined left to right, at nesting `depth`.
    fn chain(
        &mut self,
        depth: usize,
        keyword: &str,
        operand: fn(&mut Self, usize) -> Result<Expr, ParseError>,
        join: fn(Box<Expr>, Box<Expr>) -> Expr,
    ) -> Result<Expr, ParseError> {
        let mut left = operand(self, depth)?;
        while self.keyword(keyword) {
            self.pos += 1;
            left = join(Box::new(left), Box::new(operand(self, depth)?));
        }
        Ok(left)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.chain(depth, "or", Self::and, Expr::Or)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.chain(depth, "and", Self::unary, Expr::And)
    }

    /// One level deeper, refused past [`MAX_DEPTH`]: this bounds the recursion.
    fn deeper(depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(ParseError::limit(FilterTooLarge::Depth));
        }
        Ok(depth + 1)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if self.keyword("not") {
            self.pos += 1;
            let inner = Self::deeper(depth)?;
            // `not (…)` is one level, as the builder writes it.
            if self.peek() == Some(&Tok::LParen) {
                self.pos += 1;
                return Ok(Expr::Not(Box::new(self.group(inner)?)));
            }
            return Ok(Expr::Not(Box::new(self.unary(inner)?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            return self.group(Self::deeper(depth)?);
        }
        self.primary()
    }

    /// The rest of a parenthesized group, after its `(`.
    fn group(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let e = self.or(depth)?;
        match self.next() {
            Some(Tok::RParen) => Ok(e),
            _ => Err(ParseError::new("Syntax error: ')' expected")),
        }
    }

    /// One more comparison or function call, refused past [`MAX_TERMS`].
    fn term(&mut self) -> Result<(), ParseError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(ParseError::limit(FilterTooLarge::Terms));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.term()?;
        match self.next() {
            Some(Tok::Ident(word)) if self.peek() == Some(&Tok::LParen) => self.function(word),
            Some(Tok::Ident(field)) => {
                let op = match self.next() {
                    Some(Tok::Ident(op)) => Operator::from_word(&op).ok_or_else(|| {
                        ParseError::new(format!("Syntax error: unknown operator '{op}'"))
                    })?,
                    _ => {
                        return Err(ParseError::new(format!(
                            "Syntax error: operator expected after '{field}'"
                        )));
                    }
                };
                match self.next() {
                    Some(Tok::Lit(value)) => Ok(Expr::Compare { field, op, value }),
                    _ => Err(ParseError::new(format!(
                        "Syntax error: literal expected after '{field}'"
                    ))),
                }
            }
            _ => Err(ParseError::new("Syntax error: expression expected")),
        }
    }

    /// `word(` was read up to the parenthesis.
    fn function(&mut self, word: String) -> Result<Expr, ParseError> {
        let function = match word.to_ascii_lowercase().as_str() {
            "substringof" => Function::SubstringOf,
            "startswith" => Function::StartsWith,
            "endswith" => Function::EndsWith,
            _ => return Err(ParseError::new(format!("Unknown function '{word}'"))),
        };
        self.pos += 1;
        let a = self.next();
        if self.next() != Some(Tok::Comma) {
            return Err(ParseError::new(format!(
                "Syntax error: ',' expected in {word}"
            )));
        }
        let b = self.next();
        if self.next() != Some(Tok::RParen) {
            return Err(ParseError::new(format!(
                "Syntax error: ')' expected in {word}"
            )));
        }
        let (field, text) = match (function, a, b) {
            (Function::SubstringOf, Some(Tok::Lit(Literal::String(s))), Some(Tok::Ident(f))) => {
                (f, s)
            }
            (
                Function::StartsWith | Function::EndsWith,
                Some(Tok::Ident(f)),
                Some(Tok::Lit(Literal::String(s))),
            ) => (f, s),
            _ => {
                return Err(ParseError::new(format!(
                    "No function signature for the function with name '{word}' matches the arguments"
                )));
            }
        };
        Ok(Expr::Function {
            function,
            field,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_grouping() {
        let e = parse_filter("A eq 1 or B eq 2 and not (C eq 3)").unwrap();
        let Expr::Or(left, right) = e else {
            panic!("or at the top")
        };
        assert!(matches!(*left, Expr::Compare { ref field, .. } if field == "A"));
        assert!(matches!(*right, Expr::And(_, ref n) if matches!(**n, Expr::Not(_))));
        assert_eq!(
            parse_filter("(A eq 1)").unwrap(),
            parse_filter("A EQ 1").unwrap()
        );
    }

    #[test]
    fn literals_keep_their_text() {
        let value = |text: &str| match parse_filter(&format!("F eq {text}")).unwrap() {
            Expr::Compare { value, .. } => value,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            value("72135976418143160123456789M"),
            Literal::Decimal("72135976418143160123456789".into())
        );
        assert_eq!(value("-3.50M"), Literal::Decimal("-3.50".into()));
        assert_eq!(value("-7"), Literal::Int("-7".into()));
        assert_eq!(value("2.5"), Literal::Float("2.5".into()));
        assert_eq!(value("null"), Literal::Null);
        assert_eq!(value("'a''b'"), Literal::String("a'b".into()));
        assert!(matches!(
            value("DATETIME'2019-06-17T07:14:20.5'"),
            Literal::DateTime(_)
        ));
    }

    #[test]
    fn malformed_expressions_are_refused() {
        for bad in [
            "AgentName eq 'unterminated",
            "AgentName eq",
            "(AgentName eq 'a'",
            "AgentName eq 'a' junk",
            "AgentName like 'a'",
            "foo(AgentName, 'a')",
            "startswith('a', AgentName)",
            "AgentName eq 1.",
            "AgentName eq X'00'",
            "AgentName eq DATETIME'yesterday'",
            "AgentName eq 'a' ; drop",
            "",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
        for bad in ["", "A desc desc", "A sideways", "1A", "A,,B"] {
            assert!(parse_order_by(bad).is_err(), "{bad}");
        }
    }
}
