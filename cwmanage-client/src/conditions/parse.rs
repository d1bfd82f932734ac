//! Reading Manage's conditions text back into an [`Expr`]: the one grammar of the crate,
//! used by [`Condition::parse`](super::Condition::parse) and by the simulator.
//!
//! ```text
//! or      := and ("or" and)*
//! and     := factor ("and" factor)*
//! factor  := "(" or ")"
//!          | field ["not"] ("contains" | "like") string
//!          | field ["not"] "in" "(" literal ("," literal)* ")"
//!          | field ("=" | "!=" | "<" | "<=" | ">" | ">=") literal
//! literal := "…" | '…' | number | true | false | null | [yyyy-MM-ddTHH:mm:ssZ]
//! ```
//!
//! The parser recurses only into parentheses, and refuses a text nesting them deeper
//! than [`MAX_DEPTH`] or holding more than [`MAX_TERMS`] comparisons as soon as it gets
//! there, so no input exhausts the stack (the tokenizer is a loop).

use chrono::{DateTime, Utc};

use super::{ConditionError, Expr, MAX_DEPTH, MAX_TERMS, Op, Value, is_field_path};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Date(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Str(s) => format!("the string {s:?}"),
            Tok::Date(d) => format!("`[{d}]`"),
            Tok::Op(op) => format!("`{op}`"),
            Tok::LParen => "`(`".to_owned(),
            Tok::RParen => "`)`".to_owned(),
            Tok::Comma => "`,`".to_owned(),
        }
    }
}

/// The operators written as words, and their `not` forms.
const WORD_OPS: [(&str, Op, Op); 2] = [
    ("contains", Op::Contains, Op::NotContains),
    ("like", Op::Like, Op::NotLike),
];

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '-')
}

fn syntax(position: usize, message: impl Into<String>) -> ConditionError {
    ConditionError::Syntax {
        position,
        message: message.into(),
    }
}

/// The tokens of `text`, each with the character position it starts at.
fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ConditionError> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '"' | '\'' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let len = chars[i + 1..]
                    .iter()
                    .position(|&x| x == close)
                    .ok_or_else(|| {
                        let what = if c == '[' { "datetime" } else { "string" };
                        syntax(i, format!("unterminated {what}"))
                    })?;
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                i += len + 2;
                toks.push((
                    start,
                    if c == '[' {
                        Tok::Date(inner)
                    } else {
                        Tok::Str(inner)
                    },
                ));
                continue;
            }
            '=' => Tok::Op("="),
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 1;
                Tok::Op("!=")
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                if eq {
                    i += 1;
                }
                Tok::Op(match (c, eq) {
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    (_, true) => ">=",
                    _ => ">",
                })
            }
            c if is_word_char(c) => {
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                toks.push((start, Tok::Word(chars[start..i].iter().collect())));
                continue;
            }
            other => return Err(syntax(i, format!("unexpected character `{other}`"))),
        };
        i += 1;
        toks.push((start, tok));
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    /// The length of the text in characters (the position of "the end").
    end: usize,
    /// The parentheses open around the current position.
    depth: usize,
    /// The comparisons read so far.
    terms: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    /// The position of the next token (or the end of the text).
    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(at, _)| *at)
    }

    fn next(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        tok
    }

    fn keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    /// An error about the next token (or the end).
    fn unexpected(&self, expected: &str) -> ConditionError {
        let got = self
            .peek()
            .map_or_else(|| "the end".to_owned(), Tok::describe);
        syntax(self.here(), format!("expected {expected}, got {got}"))
    }

    fn or(&mut self) -> Result<Expr, ConditionError> {
        self.chain("or", Self::and, Expr::Or)
    }

    fn and(&mut self) -> Result<Expr, ConditionError> {
        self.chain("and", Self::factor, Expr::And)
    }

    /// `term (keyword term)*`: one term as itself, several joined.
    fn chain(
        &mut self,
        keyword: &str,
        term: fn(&mut Self) -> Result<Expr, ConditionError>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Result<Expr, ConditionError> {
        let mut terms = vec![term(self)?];
        while self.keyword(keyword) {
            self.pos += 1;
            terms.push(term(self)?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            join(terms)
        })
    }

    fn factor(&mut self) -> Result<Expr, ConditionError> {
        let at = self.here();
        match self.peek() {
            Some(Tok::LParen) => {
                if self.depth >= MAX_DEPTH {
                    return Err(ConditionError::TooDeep);
                }
                self.depth += 1;
                self.pos += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(self.unexpected("`)`"));
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Tok::Word(field)) => {
                let field = field.clone();
                if !is_field_path(&field) {
                    return Err(syntax(
                        at,
                        format!(
                            "`{field}` is not a field path (a letter or `_` first, then letters, digits, `_`, `.` and `/`)"
                        ),
                    ));
                }
                if self.terms >= MAX_TERMS {
                    return Err(ConditionError::TooManyTerms);
                }
                self.terms += 1;
                self.pos += 1;
                self.comparison(field)
            }
            _ => Err(self.unexpected("a condition")),
        }
    }

    fn comparison(&mut self, field: String) -> Result<Expr, ConditionError> {
        let negated = self.keyword("not");
        if negated {
            self.pos += 1;
        }
        let word_op = WORD_OPS
            .iter()
            .find(|(word, _, _)| self.keyword(word))
            .map(|&(_, op, not_op)| if negated { not_op } else { op });
        let op = match (self.peek(), word_op) {
            (_, Some(op)) => op,
            (Some(Tok::Op(op)), None) if !negated => match *op {
                "=" => Op::Eq,
                "!=" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                _ => Op::Ge,
            },
            _ if self.keyword("in") => {
                self.pos += 1;
                return self.in_list(field, negated);
            }
            _ if negated => return Err(self.unexpected("`contains`, `like` or `in` after `not`")),
            _ => return Err(self.unexpected(&format!("an operator after `{field}`"))),
        };
        self.pos += 1;
        let at = self.here();
        let value = self.literal()?;
        if matches!(op, Op::Contains | Op::NotContains | Op::Like | Op::NotLike)
            && !matches!(value, Value::Str(_))
        {
            return Err(syntax(
                at,
                format!("`{}` takes a quoted string", op.as_str()),
            ));
        }
        Ok(Expr::Cmp { field, op, value })
    }

    fn in_list(&mut self, field: String, negated: bool) -> Result<Expr, ConditionError> {
        if self.peek() != Some(&Tok::LParen) {
            return Err(self.unexpected("`(` after `in`"));
        }
        self.pos += 1;
        let mut values = vec![self.literal()?];
        loop {
            match self.peek() {
                Some(Tok::Comma) => {
                    self.pos += 1;
                    values.push(self.literal()?);
                }
                Some(Tok::RParen) => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `)` in an `in` list")),
            }
        }
        Ok(Expr::In {
            field,
            negated,
            values,
        })
    }

    fn literal(&mut self) -> Result<Value, ConditionError> {
        let at = self.here();
        match self.next() {
            Some(Tok::Str(s)) => Ok(Value::Str(s)),
            Some(Tok::Date(d)) => DateTime::parse_from_rfc3339(d.trim())
                .map(|d| Value::DateTime(d.with_timezone(&Utc)))
                .map_err(|_| {
                    syntax(
                        at,
                        format!(
                            "`[{d}]` is not a valid datetime (expected [yyyy-MM-ddTHH:mm:ssZ])"
                        ),
                    )
                }),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Value::Null),
            Some(Tok::Word(w)) => number(&w).ok_or_else(|| {
                syntax(
                    at,
                    format!("`{w}` is not a valid value (strings need quotes)"),
                )
            }),
            _ => {
                self.pos -= 1;
                Err(self.unexpected("a value"))
            }
        }
    }
}

/// A number as the builder writes one: an integer (`-5`, `18446744073709551615`) or a
/// decimal (`1.5`); never `NaN`, `inf` or a word.
fn number(word: &str) -> Option<Value> {
    let digits = word.strip_prefix('-').unwrap_or(word);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Ok(n) = word.parse::<i64>() {
        return Some(Value::Int(n));
    }
    if let Ok(n) = word.parse::<u64>() {
        return Some(Value::UInt(n));
    }
    word.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(Value::Num)
}

/// Parses a whole conditions text.
pub(super) fn parse(text: &str) -> Result<Expr, ConditionError> {
    let mut parser = Parser {
        toks: tokenize(text)?,
        pos: 0,
        end: text.chars().count(),
        depth: 0,
        terms: 0,
    };
    let expr = parser.or()?;
    if parser.pos < parser.toks.len() {
        return Err(parser.unexpected("`and`, `or` or the end"));
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_and_its_errors() {
        let ok = [
            "board/id = 1 AND closedFlag = false",
            r#"summary like "print%" and dateEntered > [2025-01-01T00:00:00Z]"#,
            "id in (1,3) or summary = 'x'",
            r#"summary not like "%fire%""#,
            r#"contact = null and summary contains "OFF""#,
            r#"(id = 1 or id = 2) and board/name = "Help Desk""#,
            "id not in (1,2)",
            "id >= 3 and id <= 3 and id != 4 and id < 4 and x > -1.5",
            "_x = 18446744073709551615",
        ];
        for text in ok {
            assert!(parse(text).is_ok(), "{text}");
        }
        let bad = [
            ("summary = ", 10),
            ("id in ()", 7),
            ("(id = 1", 7),
            ("summary = unquoted", 10),
            ("id = 1 extra", 7),
            ("x = [nope]", 4),
            (r#"x = "open"#, 4),
            ("1x = 1", 0),
            ("x not = 1", 6),
            ("x contains 1", 11),
            ("x = NaN", 4),
            ("x = inf", 4),
            ("x = 1 +", 6),
            ("", 0),
        ];
        for (text, at) in bad {
            match parse(text) {
                Err(ConditionError::Syntax { position, .. }) => {
                    assert_eq!(position, at, "{text}: {:?}", parse(text));
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn values_come_back_typed() {
        let value = |text: &str| match parse(&format!("x = {text}")).unwrap() {
            Expr::Cmp { value, .. } => value,
            other => panic!("{other:?}"),
        };
        assert_eq!(value("-5"), Value::Int(-5));
        assert_eq!(value("18446744073709551615"), Value::UInt(u64::MAX));
        assert_eq!(value("1.25"), Value::Num(1.25));
        assert_eq!(value("TRUE"), Value::Bool(true));
        assert_eq!(value("Null"), Value::Null);
        assert_eq!(value("'a \"b\"'"), Value::Str("a \"b\"".into()));
        assert!(matches!(
            value("[2025-01-01T00:00:00Z]"),
            Value::DateTime(_)
        ));
    }
}
