//! Routing a request: company info, the codebase, credentials and `clientId` checks, then
//! the collection, the record and the method (reads in `reads.rs`, writes in `writes.rs`).

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::data::{COLLECTIONS, State};
use super::faults::{bad_request, method_not_allowed, vendor_error};

/// A parsed API path.
pub(super) struct Route<'a> {
    /// The collection (`service/tickets/notes`).
    pub(super) collection: &'static str,
    /// The parent's field and id of a nested collection (`ticketId`, 42).
    pub(super) parent: Option<(&'static str, u64)>,
    /// The segments after the collection (`[]`, `["42"]`, `["count"]`).
    pub(super) rest: Vec<&'a str>,
}

impl State {
    /// The answer to a request that passed the fault gate.
    pub(super) fn route(&mut self, req: &wiremock::Request) -> ResponseTemplate {
        let path = req.url.path().to_owned();
        if let Some(company) = path.strip_prefix("/login/companyinfo/") {
            // One segment, percent-decoded as a server does (`my%20co` is `my co`).
            let company = percent_encoding::percent_decode_str(company).decode_utf8_lossy();
            return if !company.contains('/') && company.eq_ignore_ascii_case(&self.company_id) {
                ResponseTemplate::new(200).set_body_json(json!({
                    "CompanyName": "My MSP", "Codebase": format!("{}/", self.codebase),
                    "VersionCode": "v2025.1", "VersionNumber": "v4.6", "CompanyID": self.company_id,
                    "IsCloud": true, "SiteUrl": self.url
                }))
            } else {
                ResponseTemplate::new(200).set_body_json(json!({}))
            };
        }
        let prefix = format!("/{}/apis/3.0/", self.codebase);
        let Some(api_path) = path.strip_prefix(&prefix) else {
            // UNVERIFIED wording; an unknown codebase answers 404.
            return ResponseTemplate::new(404).set_body_raw(
                "<html><head><title>404 - File or directory not found.</title></head></html>",
                "text/html",
            );
        };
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        if header("authorization") != Some(self.auth.as_str()) {
            return vendor_error(
                401,
                "Unauthorized",
                "The API key or company id is not valid.",
            );
        }
        // UNVERIFIED: the status Manage gives a missing clientId; 401 with this body here.
        match header("clientid") {
            Some(id) if id == self.client_id => {}
            Some(_) => {
                return vendor_error(
                    401,
                    "Unauthorized",
                    "The clientId is not valid for this integration.",
                );
            }
            None => {
                return vendor_error(
                    401,
                    "Unauthorized",
                    "A clientId header is required. See https://developer.connectwise.com/ClientID",
                );
            }
        }
        let segments: Vec<&str> = api_path.split('/').filter(|s| !s.is_empty()).collect();
        if segments == ["system", "info"] {
            return ResponseTemplate::new(200).set_body_json(json!({"version": "v2025.1.10431", "isCloud": true, "serverTimeZone": "Eastern Standard Time", "licenseBits": [], "cloudRegion": "NA"}));
        }
        let Some(route) = resolve(&segments) else {
            return vendor_error(
                404,
                "NotFound",
                &format!("The resource `{api_path}` was not found."),
            );
        };
        let method = req.method.as_str().to_owned();
        let forward =
            header("pagination-type").is_some_and(|v| v.eq_ignore_ascii_case("forward-only"));
        let read = method == "GET"
            || (method == "POST"
                && route.rest == ["search"]
                && route.collection == "service/tickets");
        if !read {
            // Any write may change what a list answers.
            self.pages.clear();
        }
        // A list read asked before, with the records unchanged since, is answered from
        // its cached bytes: a simulator must never be what a client's speed measures.
        let list_key = (read && (route.rest.is_empty() || route.rest == ["search"])).then(|| {
            format!(
                "{method} {}?{} forward={forward} {}",
                req.url.path(),
                req.url.query().unwrap_or_default(),
                String::from_utf8_lossy(&req.body)
            )
        });
        if let Some(answer) = list_key.as_deref().and_then(|key| self.pages.get(key)) {
            return answer;
        }
        let answer = self.dispatch(req, &route, &method, forward);
        if let Some(key) = list_key {
            // A refusal (a malformed condition) is as repeatable as a page.
            self.pages.put(key, &answer);
        }
        answer
    }

    /// The answer of a routed request: the collection, the record and the method.
    fn dispatch(
        &mut self,
        req: &wiremock::Request,
        route: &Route<'_>,
        method: &str,
        forward: bool,
    ) -> ResponseTemplate {
        match (method, route.rest.as_slice()) {
            ("GET", []) => self.list(req, route, forward, None),
            ("POST", ["search"]) if route.collection == "service/tickets" => {
                let conditions = req
                    .body_json::<Value>()
                    .ok()
                    .and_then(|b| {
                        b.get("conditions")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default();
                self.list(req, route, false, Some(conditions))
            }
            ("GET", ["count"]) => self.count(req, route),
            ("POST", []) => self.create(req, route),
            (m, [id]) => match id.parse::<u64>() {
                Ok(id) => match m {
                    "GET" => self.get(route, id),
                    "PUT" => self.replace(req, route, id),
                    "PATCH" => self.patch(req, route, id),
                    "DELETE" => self.delete(route, id),
                    _ => method_not_allowed(),
                },
                Err(_) => bad_request(&format!("`{id}` is not a valid id")),
            },
            _ => method_not_allowed(),
        }
    }
}

fn resolve<'a>(segments: &[&'a str]) -> Option<Route<'a>> {
    let nested: &[(&str, &str, &'static str, &'static str)] = &[
        (
            "service/tickets",
            "notes",
            "service/tickets/notes",
            "ticketId",
        ),
        (
            "service/tickets",
            "allNotes",
            "service/tickets/notes",
            "ticketId",
        ),
        (
            "service/tickets",
            "timeentries",
            "time/entries",
            "chargeToId",
        ),
        (
            "service/boards",
            "statuses",
            "service/boards/statuses",
            "board/id",
        ),
    ];
    if segments.len() >= 4 {
        let parent = format!("{}/{}", segments[0], segments[1]);
        if let Ok(id) = segments[2].parse::<u64>() {
            for (p, child, collection, field) in nested {
                if *p == parent && *child == segments[3] {
                    return Some(Route {
                        collection,
                        parent: Some((field, id)),
                        rest: segments[4..].to_vec(),
                    });
                }
            }
        }
    }
    if segments.len() >= 2 {
        let path = format!("{}/{}", segments[0], segments[1]);
        let collection = COLLECTIONS.iter().find(|c| **c == path)?;
        return Some(Route {
            collection,
            parent: None,
            rest: segments[2..].to_vec(),
        });
    }
    None
}
