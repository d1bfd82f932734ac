//! The simulator's error answers, in Manage's shape (`{"code","message","errors"}`), and
//! what an injected fault or a chaos failure answers.

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::Fault;

/// An error answer with Manage's body.
pub(super) fn vendor_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "message": message}))
}

/// `400 InvalidObject` with one entry per `(code, field, message)`, as Manage answers a
/// rejected write.
pub(super) fn invalid(resource: &str, errors: Vec<(&str, &str, String)>) -> ResponseTemplate {
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|(code, field, message)| json!({"code": code, "message": message, "resource": resource, "field": field}))
        .collect();
    ResponseTemplate::new(400).set_body_json(json!({"code": "InvalidObject", "message": format!("{resource} object is invalid"), "errors": errors}))
}

/// `404 NotFound` for a record id.
pub(super) fn not_found(collection: &str, id: u64) -> ResponseTemplate {
    let kind = collection.rsplit('/').next().unwrap_or(collection);
    vendor_error(404, "NotFound", &format!("{kind} recId: {id} not found"))
}

/// `405` for a method the path does not take.
pub(super) fn method_not_allowed() -> ResponseTemplate {
    vendor_error(
        405,
        "MethodNotAllowed",
        "The requested resource does not support this method.",
    )
}

/// `400 InvalidObject` with a message.
pub(super) fn bad_request(message: &str) -> ResponseTemplate {
    vendor_error(400, "InvalidObject", message)
}

/// `429` with `Retry-After`, as Manage throttles.
pub(super) fn too_many_requests(retry_after: &str) -> ResponseTemplate {
    vendor_error(
        429,
        "TooManyRequests",
        "Too many requests; try again later.",
    )
    .insert_header("Retry-After", retry_after)
}

/// The answer of an injected fault ([`Fault::Delay`] is served normally, after its
/// delay, and a reset never reaches a responder: the kit drops the connection).
pub(super) fn answer(fault: &Fault) -> ResponseTemplate {
    match fault {
        Fault::Status {
            status: 429,
            retry_after,
        } => too_many_requests(retry_after.as_deref().unwrap_or("1")),
        Fault::Status {
            status,
            retry_after,
        } => {
            let response = vendor_error(*status, "ServerError", "An unexpected error occurred.");
            match retry_after {
                Some(after) => response.insert_header("Retry-After", after.as_str()),
                None => response,
            }
        }
        // HTML pages come from proxies, not from Manage: the shared page.
        other => other.response(),
    }
}
