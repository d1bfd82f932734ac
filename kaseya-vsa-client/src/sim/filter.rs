//! The simulator's OData `$filter` / `$orderby` evaluator, as strict as the server:
//! unknown properties, decimal fields compared with integer literals, and malformed
//! expressions are refused with the server's messages.

use std::cmp::Ordering;

use chrono::NaiveDateTime;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(String),
    Decimal(String),
    Float(String),
    DateTime(NaiveDateTime),
    Bool(bool),
    Null,
    LParen,
    RParen,
    Comma,
}

fn lex(input: &str) -> Result<Vec<Tok>, String> {
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
            out.push(Tok::Str(s));
            i = next;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            if i < chars.len() && (chars[i] == 'M' || chars[i] == 'm') {
                i += 1;
                out.push(Tok::Decimal(text));
            } else if text.contains('.') {
                out.push(Tok::Float(text));
            } else {
                out.push(Tok::Int(text));
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '/')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars.get(i) == Some(&'\'') {
                if word == "DATETIME" {
                    let (s, next) = string_at(&chars, i)?;
                    let dt = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f").map_err(
                        |_| format!("Unrecognized 'Edm.DateTime' literal 'DATETIME'{s}''"),
                    )?;
                    out.push(Tok::DateTime(dt));
                    i = next;
                    continue;
                }
                return Err(format!(
                    "Syntax error at position {start}: unknown literal prefix '{word}'"
                ));
            }
            match word.as_str() {
                "true" => out.push(Tok::Bool(true)),
                "false" => out.push(Tok::Bool(false)),
                "null" => out.push(Tok::Null),
                _ => out.push(Tok::Ident(word)),
            }
        } else {
            return Err(format!(
                "Syntax error: unexpected character '{c}' at position {i}"
            ));
        }
    }
    Ok(out)
}

fn string_at(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let mut i = start + 1;
    let mut s = String::new();
    loop {
        match chars.get(i) {
            None => {
                return Err(format!(
                    "There is an unterminated string literal at position {start}"
                ));
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

/// A parsed filter.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(String, CmpOp, Lit),
    Func(Func, String, String),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Func {
    SubstringOf,
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Str(String),
    Int(String),
    Decimal(String),
    Float(String),
    DateTime(NaiveDateTime),
    Bool(bool),
    Null,
}

/// The type of a field of a simulated resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Decimal,
    Int,
    Str,
    DateTime,
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    fields: &'a dyn Fn(&str) -> Option<FieldType>,
}

pub(crate) fn parse(
    input: &str,
    fields: &dyn Fn(&str) -> Option<FieldType>,
) -> Result<Expr, String> {
    let toks = lex(input)?;
    let mut p = Parser {
        toks,
        pos: 0,
        fields,
    };
    let expr = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!(
            "Syntax error at token {}: expected end of expression",
            p.pos
        ));
    }
    Ok(expr)
}

impl Parser<'_> {
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

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn field(&self, name: &str) -> Result<FieldType, String> {
        (self.fields)(name).ok_or_else(|| {
            format!("Could not find a property named '{name}' on type 'Kaseya.Rest.Models'")
        })
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err("Syntax error: ')' expected".into()),
                }
            }
            Some(Tok::Ident(word)) if self.peek() == Some(&Tok::LParen) => {
                let func = match word.to_ascii_lowercase().as_str() {
                    "substringof" => Func::SubstringOf,
                    "startswith" => Func::StartsWith,
                    "endswith" => Func::EndsWith,
                    _ => return Err(format!("Unknown function '{word}'")),
                };
                self.pos += 1;
                let a = self.next();
                if self.next() != Some(Tok::Comma) {
                    return Err(format!("Syntax error: ',' expected in {word}"));
                }
                let b = self.next();
                if self.next() != Some(Tok::RParen) {
                    return Err(format!("Syntax error: ')' expected in {word}"));
                }
                let (field, text) = match (func, a, b) {
                    (Func::SubstringOf, Some(Tok::Str(s)), Some(Tok::Ident(f))) => (f, s),
                    (Func::StartsWith | Func::EndsWith, Some(Tok::Ident(f)), Some(Tok::Str(s))) => {
                        (f, s)
                    }
                    _ => {
                        return Err(format!(
                            "No function signature for the function with name '{word}' matches the arguments"
                        ));
                    }
                };
                if self.field(&field)? != FieldType::Str {
                    return Err(format!(
                        "No function signature for '{word}' on non-string property '{field}'"
                    ));
                }
                Ok(Expr::Func(func, field, text))
            }
            Some(Tok::Ident(field)) => {
                let ty = self.field(&field)?;
                let op = match self.next() {
                    Some(Tok::Ident(op)) => match op.to_ascii_lowercase().as_str() {
                        "eq" => CmpOp::Eq,
                        "ne" => CmpOp::Ne,
                        "gt" => CmpOp::Gt,
                        "ge" => CmpOp::Ge,
                        "lt" => CmpOp::Lt,
                        "le" => CmpOp::Le,
                        _ => return Err(format!("Syntax error: unknown operator '{op}'")),
                    },
                    _ => return Err(format!("Syntax error: operator expected after '{field}'")),
                };
                let lit = match self.next() {
                    Some(Tok::Str(s)) => Lit::Str(s),
                    Some(Tok::Int(s)) => Lit::Int(s),
                    Some(Tok::Decimal(s)) => Lit::Decimal(s),
                    Some(Tok::Float(s)) => Lit::Float(s),
                    Some(Tok::DateTime(d)) => Lit::DateTime(d),
                    Some(Tok::Bool(b)) => Lit::Bool(b),
                    Some(Tok::Null) => Lit::Null,
                    _ => return Err(format!("Syntax error: literal expected after '{field}'")),
                };
                check_types(&field, ty, &lit)?;
                Ok(Expr::Cmp(field, op, lit))
            }
            _ => Err("Syntax error: expression expected".into()),
        }
    }
}

/// The server's type rules: a decimal field needs an `M` literal (an integer literal
/// gives "Unrecognized 'Edm.Int32' literal"), strings need quotes.
fn check_types(field: &str, ty: FieldType, lit: &Lit) -> Result<(), String> {
    let ok = matches!(
        (ty, lit),
        (_, Lit::Null)
            | (FieldType::Decimal, Lit::Decimal(_))
            | (FieldType::Int, Lit::Int(_))
            | (FieldType::Str, Lit::Str(_))
            | (FieldType::DateTime, Lit::DateTime(_))
    );
    if ok {
        return Ok(());
    }
    Err(match (ty, lit) {
        (FieldType::Decimal, Lit::Int(v)) => format!(
            "Unrecognized 'Edm.Int32' literal '{v}' at '{field}': decimal properties need the M suffix"
        ),
        _ => format!(
            "A binary operator with incompatible types was detected for property '{field}' ({ty:?})"
        ),
    })
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Compares two decimal digit strings (optionally signed, with fractions) exactly.
fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> (bool, String, String) {
        let neg = s.starts_with('-');
        let s = s.trim_start_matches('-');
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        let i = i.trim_start_matches('0').to_owned();
        (neg, i, f.trim_end_matches('0').to_owned())
    };
    let (na, ia, fa) = parse(a);
    let (nb, ib, fb) = parse(b);
    let mag = ia
        .len()
        .cmp(&ib.len())
        .then_with(|| ia.cmp(&ib))
        .then_with(|| fa.cmp(&fb));
    match (na, nb) {
        (false, false) => mag,
        (true, true) => mag.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

fn compare(value: &Value, lit: &Lit) -> Option<Ordering> {
    match lit {
        Lit::Null => Some(if value.is_null() {
            Ordering::Equal
        } else {
            Ordering::Greater
        }),
        _ if value.is_null() => None,
        Lit::Str(s) => Some(text(value)?.to_lowercase().cmp(&s.to_lowercase())),
        Lit::Int(s) | Lit::Decimal(s) | Lit::Float(s) => Some(cmp_decimal(&text(value)?, s)),
        Lit::Bool(b) => value.as_bool().map(|v| v.cmp(b)),
        Lit::DateTime(d) => {
            let t = text(value)?;
            let t = t.trim_end_matches('Z');
            let v = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
            Some(v.cmp(d))
        }
    }
}

pub(crate) fn eval(expr: &Expr, record: &Value) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, record) && eval(b, record),
        Expr::Or(a, b) => eval(a, record) || eval(b, record),
        Expr::Not(a) => !eval(a, record),
        Expr::Cmp(field, op, lit) => {
            let value = record.get(field).unwrap_or(&Value::Null);
            let Some(ord) = compare(value, lit) else {
                return matches!(op, CmpOp::Ne);
            };
            match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Ne => ord != Ordering::Equal,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
            }
        }
        Expr::Func(func, field, needle) => {
            let Some(hay) = record.get(field).and_then(text) else {
                return false;
            };
            let (hay, needle) = (hay.to_lowercase(), needle.to_lowercase());
            match func {
                Func::SubstringOf => hay.contains(&needle),
                Func::StartsWith => hay.starts_with(&needle),
                Func::EndsWith => hay.ends_with(&needle),
            }
        }
    }
}

/// Parses `$orderby` (`"A desc,B"`) into fields and directions.
pub(crate) fn parse_order(
    input: &str,
    fields: &dyn Fn(&str) -> Option<FieldType>,
) -> Result<Vec<(String, FieldType, bool)>, String> {
    input
        .split(',')
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next().ok_or("Syntax error in $orderby")?.to_owned();
            let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => return Err(format!("Syntax error in $orderby: '{other}'")),
            };
            let ty = fields(&field)
                .ok_or_else(|| format!("Could not find a property named '{field}'"))?;
            Ok((field, ty, desc))
        })
        .collect()
}

pub(crate) fn order_cmp(a: &Value, b: &Value, order: &[(String, FieldType, bool)]) -> Ordering {
    for (field, ty, desc) in order {
        let (va, vb) = (
            a.get(field).unwrap_or(&Value::Null),
            b.get(field).unwrap_or(&Value::Null),
        );
        let ord = match (text(va), text(vb)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => match ty {
                FieldType::Decimal | FieldType::Int => cmp_decimal(&x, &y),
                _ => x.to_lowercase().cmp(&y.to_lowercase()),
            },
        };
        let ord = if *desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(name: &str) -> Option<FieldType> {
        match name {
            "AgentId" => Some(FieldType::Decimal),
            "AgentName" | "OSType" => Some(FieldType::Str),
            "Online" => Some(FieldType::Int),
            "LastCheckInTime" => Some(FieldType::DateTime),
            _ => None,
        }
    }

    #[test]
    fn evaluates_the_grammar() {
        let rec = json!({"AgentId": "121747357971679", "AgentName": "O'Brien's PC", "Online": 1, "OSType": "Win10", "LastCheckInTime": "2019-06-18T00:00:00"});
        let yes = [
            "AgentName eq 'O''Brien''s PC'",
            "AgentId eq 121747357971679M",
            "AgentId gt 99999999999999M and Online ne 0",
            "substringof('brien', AgentName)",
            "startswith(OSType, 'win') or Online eq 5",
            "not (Online eq 0)",
            "LastCheckInTime gt DATETIME'2019-06-17T07:14:20'",
        ];
        for f in yes {
            assert!(eval(&parse(f, &fields).unwrap(), &rec), "{f}");
        }
        assert!(!eval(
            &parse("endswith(AgentName, 'x')", &fields).unwrap(),
            &rec
        ));
    }

    #[test]
    fn refuses_like_the_server() {
        assert!(
            parse("AgentId eq 121747357971679", &fields)
                .unwrap_err()
                .contains("Edm.Int32")
        );
        assert!(
            parse("Nope eq 'x'", &fields)
                .unwrap_err()
                .contains("Could not find a property")
        );
        assert!(parse("AgentName eq 'unterminated", &fields).is_err());
        assert!(parse("AgentName eq", &fields).is_err());
        assert!(parse("(AgentName eq 'a'", &fields).is_err());
        assert!(parse("AgentName eq 'a' junk", &fields).is_err());
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(
            cmp_decimal("72135976418143160123456789", "72135976418143160123456788"),
            Ordering::Greater
        );
        assert_eq!(cmp_decimal("007", "7.0"), Ordering::Equal);
        assert_eq!(cmp_decimal("-2", "1"), Ordering::Less);
    }
}
