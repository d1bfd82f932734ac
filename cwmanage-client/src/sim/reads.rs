//! Reads: filtering by conditions (evaluated from the library's own parser), ordering,
//! paging by page number or forward-only `pageId` with `Link` headers, `/count`,
//! projection with `fields=`, and single records.

use std::cmp::Ordering;

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::data::{State, lookup, project};
use super::eval::{fields, matches, matches_child};
use super::faults::{bad_request, not_found};
use super::routes::Route;
use crate::conditions::{Condition, Expr};

/// The first value of a query parameter.
fn param(req: &wiremock::Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A conditions parameter read by the library's parser: `None` when absent or blank, a
/// 400 naming the parameter when malformed.
fn parsed(name: &str, text: Option<String>) -> Result<Option<Expr>, Box<ResponseTemplate>> {
    match text {
        Some(text) if !text.trim().is_empty() => Condition::parse(&text)
            .map(|c| Some(c.expr().clone()))
            .map_err(|e| Box::new(bad_request(&format!("{name}: {e}")))),
        _ => Ok(None),
    }
}

impl State {
    /// The records of the route's collection (of its parent, when nested).
    pub(super) fn visible(&self, route: &Route<'_>) -> Vec<&Value> {
        let Some(records) = self.collections.get(route.collection) else {
            return Vec::new();
        };
        records
            .values()
            .filter(|r| match route.parent {
                Some((field, id)) => lookup(r, field).and_then(Value::as_u64) == Some(id),
                None => true,
            })
            .collect()
    }

    /// Whether the route shows a record with this id.
    pub(super) fn exists(&self, route: &Route<'_>, id: u64) -> bool {
        self.visible(route)
            .into_iter()
            .any(|r| r["id"].as_u64() == Some(id))
    }

    /// The visible records matching `conditions` (or the query's), `childConditions` and
    /// `customFieldConditions`; a malformed expression or an unknown field is a 400.
    /// Borrowed: a page copies (and serializes) only its own records.
    fn filtered<'s>(
        &'s self,
        req: &wiremock::Request,
        route: &Route<'_>,
        conditions: Option<String>,
    ) -> Result<Vec<&'s Value>, Box<ResponseTemplate>> {
        let conditions = parsed(
            "conditions",
            conditions.or_else(|| param(req, "conditions")),
        )?;
        if let Some(expr) = &conditions {
            // Like Manage, refuse a field the record type does not have (the sim knows the
            // fields its records carry; a nested path is checked by its first segment).
            let records = self.collections.get(route.collection);
            let known = |field: &str| {
                let head = field.split('/').next().unwrap_or(field);
                records.is_none_or(|r| {
                    r.is_empty()
                        || r.values().any(|rec| {
                            rec.as_object()
                                .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(head)))
                        })
                })
            };
            if let Some(unknown) = fields(expr).into_iter().find(|f| !known(f)) {
                return Err(Box::new(bad_request(&format!(
                    "conditions: Cannot find field `{unknown}` on this object"
                ))));
            }
        }
        let custom = parsed("customFieldConditions", param(req, "customFieldConditions"))?;
        let child = parsed("childConditions", param(req, "childConditions"))?;
        Ok(self
            .visible(route)
            .into_iter()
            .filter(|r| conditions.as_ref().is_none_or(|c| matches(c, r)))
            .filter(|r| child.as_ref().is_none_or(|c| matches_child(c, r)))
            .filter(|r| {
                custom.as_ref().is_none_or(|c| {
                    r.get("customFields")
                        .and_then(Value::as_array)
                        .is_some_and(|fields| fields.iter().any(|f| matches(c, f)))
                })
            })
            .collect())
    }

    /// A page of a collection (`GET`, or `POST …/search` with the conditions in the body):
    /// filtered, ordered, paged by page number or forward-only `pageId`, projected, with
    /// `Link` headers.
    pub(super) fn list(
        &self,
        req: &wiremock::Request,
        route: &Route<'_>,
        forward: bool,
        conditions: Option<String>,
    ) -> ResponseTemplate {
        let param = |k: &str| param(req, k);
        let page_size = match param("pageSize") {
            None => 25,
            Some(s) => match s.parse::<u64>() {
                // UNVERIFIED: sizes above 1000 are capped at 1000.
                Ok(n) if n >= 1 => n.min(1000),
                _ => {
                    return bad_request("pageSize must be a positive whole number");
                }
            },
        };
        let mut records = match self.filtered(req, route, conditions) {
            Ok(r) => r,
            Err(resp) => return *resp,
        };
        let mut links = Vec::new();
        let page: Vec<&Value> = if forward {
            if self
                .forward_only_unsupported
                .iter()
                .any(|c| c == route.collection)
            {
                return bad_request("Forward-only pagination is not supported on this endpoint.");
            }
            let after = match param("pageId") {
                None => 0,
                Some(s) => match s.parse::<u64>() {
                    Ok(n) => n,
                    Err(_) => {
                        return bad_request("pageId must be a record id");
                    }
                },
            };
            records.retain(|r| r["id"].as_u64().unwrap_or(0) > after);
            let more = records.len() as u64 > page_size;
            records.truncate(page_size as usize);
            if more && let Some(last) = records.last().and_then(|r| r["id"].as_u64()) {
                links.push((self.link_url(req, &[("pageId", last.to_string())]), "next"));
            }
            records
        } else {
            if let Some(order) = param("orderBy")
                && let Err(e) = sort(&mut records, &order)
            {
                return bad_request(&e);
            }
            let page = match param("page") {
                None => 1,
                Some(s) => match s.parse::<u64>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        return bad_request("page must be a positive whole number");
                    }
                },
            };
            let total = records.len() as u64;
            let last = total.div_ceil(page_size).max(1);
            if page > 1 {
                links.push((
                    self.link_url(req, &[("page", (page - 1).to_string())]),
                    "prev",
                ));
                links.push((self.link_url(req, &[("page", "1".into())]), "first"));
            }
            if page < last {
                links.push((
                    self.link_url(req, &[("page", (page + 1).to_string())]),
                    "next",
                ));
                links.push((self.link_url(req, &[("page", last.to_string())]), "last"));
            }
            records
                .into_iter()
                // A page far past the end (even `u64::MAX`) is empty, never an overflow.
                .skip(usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX))
                .take(page_size as usize)
                .collect()
        };
        // Serialized straight from the stored records: only this page is written out.
        let body = match param("fields") {
            Some(fields) if !fields.trim().is_empty() => serde_json::to_vec(
                &page
                    .iter()
                    .map(|r| project(r, &fields))
                    .collect::<Vec<Value>>(),
            ),
            _ => serde_json::to_vec(&page),
        }
        .unwrap_or_else(|_| b"[]".to_vec());
        let mut response = ResponseTemplate::new(200)
            .set_body_raw(body, "application/json")
            .insert_header("x-cw-request-id", "sim-request")
            .insert_header("x-server-name", "sim")
            .insert_header("api-current-version", "2025.1");
        if !links.is_empty() {
            let value = links
                .iter()
                .map(|(url, rel)| format!("<{url}>; rel=\"{rel}\""))
                .collect::<Vec<_>>()
                .join(", ");
            response = response.insert_header("Link", value.as_str());
        }
        response
    }

    /// `GET …/count`: `{"count": n}` of the filtered records.
    pub(super) fn count(&self, req: &wiremock::Request, route: &Route<'_>) -> ResponseTemplate {
        match self.filtered(req, route, None) {
            Ok(r) => ResponseTemplate::new(200).set_body_json(json!({"count": r.len()})),
            Err(resp) => *resp,
        }
    }

    /// One record, or 404.
    pub(super) fn get(&self, route: &Route<'_>, id: u64) -> ResponseTemplate {
        match self
            .visible(route)
            .into_iter()
            .find(|r| r["id"].as_u64() == Some(id))
        {
            Some(r) => ResponseTemplate::new(200).set_body_json(r),
            None => not_found(route.collection, id),
        }
    }
}

impl State {
    /// The request's URL on the simulator's own address (scheme, host and port it listens
    /// on, so a client following the link as given reaches it), with `set` replacing
    /// those parameters (kept last, in order).
    fn link_url(&self, req: &wiremock::Request, set: &[(&str, String)]) -> String {
        link_url(&self.url, req, set)
    }
}

/// [`State::link_url`] for a server at `root`.
fn link_url(root: &str, req: &wiremock::Request, set: &[(&str, String)]) -> String {
    // The request's own URL names whatever host the server was reached by (wiremock
    // reports `localhost`); only its path and query are kept.
    let mut url = url::Url::parse(root).unwrap_or_else(|_| req.url.clone());
    url.set_path(req.url.path());
    let pairs: Vec<(String, String)> = req
        .url
        .query_pairs()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        for (k, v) in set {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

/// Sorts by an `orderBy` (`a/b desc, c`), then by id.
fn sort(records: &mut [&Value], order: &str) -> Result<(), String> {
    let mut keys = Vec::new();
    for part in order.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let field = words.next().unwrap_or_default().to_owned();
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("orderBy: expected asc or desc, got `{other}`")),
        };
        keys.push((field, desc));
    }
    records.sort_by(|a, b| {
        for (field, desc) in &keys {
            let ord = compare_json(lookup(a, field), lookup(b, field));
            let ord = if *desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a["id"].as_u64().cmp(&b["id"].as_u64())
    });
    Ok(())
}

/// Orders two JSON values of a sort key (missing and `null` first).
fn compare_json(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}
