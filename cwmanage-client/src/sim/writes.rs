//! Writes: create (`POST`), replace (`PUT`), patch (`PATCH`, JSON-patch operations) and
//! delete, with the server-computed fields filled in and Manage's validation errors.

use chrono::Utc;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::data::{State, info, lookup, reference, remove_path, set_path, touched_info, ts};
use super::faults::{bad_request, invalid, not_found};
use super::routes::Route;

impl State {
    /// `DELETE`: 204, or 404.
    pub(super) fn delete(&mut self, route: &Route<'_>, id: u64) -> ResponseTemplate {
        if !self.exists(route, id) {
            return not_found(route.collection, id);
        }
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.remove(&id);
        }
        ResponseTemplate::new(204)
    }

    /// `POST`: the record as stored (201), with its new id.
    pub(super) fn create(
        &mut self,
        req: &wiremock::Request,
        route: &Route<'_>,
    ) -> ResponseTemplate {
        let id = *self.next_id.get(route.collection).unwrap_or(&1);
        match self.store(req, route, id, true) {
            Ok(record) => {
                self.next_id.insert(route.collection, id + 1);
                ResponseTemplate::new(201).set_body_json(record)
            }
            Err(response) => *response,
        }
    }

    /// `PUT`: the record replaced as a whole.
    pub(super) fn replace(
        &mut self,
        req: &wiremock::Request,
        route: &Route<'_>,
        id: u64,
    ) -> ResponseTemplate {
        if !self.exists(route, id) {
            return not_found(route.collection, id);
        }
        match self.store(req, route, id, false) {
            Ok(record) => ResponseTemplate::new(200).set_body_json(record),
            Err(response) => *response,
        }
    }

    /// The body of a create or replace, validated, completed and stored under `id`.
    fn store(
        &mut self,
        req: &wiremock::Request,
        route: &Route<'_>,
        id: u64,
        creating: bool,
    ) -> Result<Value, Box<ResponseTemplate>> {
        let Ok(Value::Object(body)) = req.body_json::<Value>() else {
            return Err(Box::new(bad_request(
                "The request body is not a JSON object.",
            )));
        };
        let mut record = Value::Object(body);
        // `_info` is the server's: what a create or replace sends is ignored, a replace
        // keeps the stored one (then touched).
        let stored_info = self
            .collections
            .get(route.collection)
            .and_then(|c| c.get(&id))
            .and_then(|r| r.get("_info"))
            .filter(|_| !creating)
            .cloned();
        match (record.as_object_mut(), stored_info) {
            (Some(o), Some(info)) => {
                o.insert("_info".to_owned(), info);
            }
            (Some(o), None) => {
                o.remove("_info");
            }
            _ => {}
        }
        record["id"] = json!(id);
        if let Some((field, parent)) = route.parent {
            set_path(&mut record, field, json!(parent));
        }
        self.complete(route.collection, &mut record, creating)?;
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.insert(id, record.clone());
        }
        Ok(record)
    }

    /// `PATCH`: `add`, `replace` and `remove` operations (custom fields merged by id).
    pub(super) fn patch(
        &mut self,
        req: &wiremock::Request,
        route: &Route<'_>,
        id: u64,
    ) -> ResponseTemplate {
        let Some(mut record) = self
            .visible(route)
            .into_iter()
            .find(|r| r["id"].as_u64() == Some(id))
            .cloned()
        else {
            return not_found(route.collection, id);
        };
        let Ok(Value::Array(ops)) = req.body_json::<Value>() else {
            return bad_request("A PATCH body must be a JSON array of operations.");
        };
        // `_info` is the server's: operations on it are not applied.
        let stored_info = record.get("_info").cloned();
        for op in ops {
            let kind = op
                .get("op")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let Some(path) = op.get("path").and_then(Value::as_str) else {
                return bad_request("Each patch operation needs a path.");
            };
            let path = path.trim_start_matches('/');
            if path.is_empty() || path == "id" {
                return bad_request(&format!("The path `{path}` cannot be patched."));
            }
            match (kind.as_str(), op.get("value")) {
                ("add" | "replace", Some(value)) if path == "customFields" => {
                    let Some(updates) = value.as_array() else {
                        return bad_request("customFields must be an array");
                    };
                    let fields = record["customFields"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let mut fields = fields;
                    for u in updates {
                        match fields.iter_mut().find(|f| f["id"] == u["id"]) {
                            Some(f) => f["value"] = u["value"].clone(),
                            None => fields.push(u.clone()),
                        }
                    }
                    record["customFields"] = Value::Array(fields);
                }
                ("add" | "replace", Some(value)) => set_path(&mut record, path, value.clone()),
                ("remove", _) => remove_path(&mut record, path),
                ("add" | "replace", None) => {
                    return bad_request(&format!(
                        "The {kind} operation on `{path}` needs a value."
                    ));
                }
                _ => {
                    return bad_request(&format!(
                        "`{kind}` is not a supported patch operation (add, replace, remove)."
                    ));
                }
            }
        }
        if let Some(o) = record.as_object_mut() {
            match stored_info {
                Some(info) => o.insert("_info".to_owned(), info),
                None => o.remove("_info"),
            };
        }
        if let Err(resp) = self.complete(route.collection, &mut record, false) {
            return *resp;
        }
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.insert(id, record.clone());
        }
        ResponseTemplate::new(200).set_body_json(record)
    }

    /// Validates a record and fills the fields the server computes.
    fn complete(
        &self,
        collection: &str,
        record: &mut Value,
        creating: bool,
    ) -> Result<(), Box<ResponseTemplate>> {
        let text = |r: &Value, k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let now = ts(Utc::now());
        match collection {
            "service/tickets" => {
                let mut errors = Vec::new();
                match text(record, "summary") {
                    None => errors.push((
                        "NullValue",
                        "summary",
                        "The summary field is required.".to_owned(),
                    )),
                    Some(s) if s.chars().count() > 100 => errors.push((
                        "InvalidValue",
                        "summary",
                        "The summary field must be at most 100 characters.".to_owned(),
                    )),
                    _ => {}
                }
                let company = lookup(record, "company/id").and_then(Value::as_u64);
                match company.and_then(|c| self.collections["company/companies"].get(&c)) {
                    Some(c) => {
                        record["company"] = json!({"id": c["id"], "identifier": c["identifier"], "name": c["name"], "_info": {}})
                    }
                    None if company.is_none() => errors.push((
                        "NullValue",
                        "company",
                        "The company field is required.".to_owned(),
                    )),
                    None => errors.push((
                        "InvalidValue",
                        "company",
                        format!(
                            "Company with id {} does not exist.",
                            company.unwrap_or_default()
                        ),
                    )),
                }
                let board = lookup(record, "board/id")
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                match self.collections["service/boards"].get(&board) {
                    Some(b) => {
                        record["board"] = reference(board, b["name"].as_str().unwrap_or_default())
                    }
                    None => errors.push((
                        "InvalidValue",
                        "board",
                        format!("Board with id {board} does not exist."),
                    )),
                }
                let status = lookup(record, "status/id").and_then(Value::as_u64);
                let status = match status {
                    Some(s) => self.collections["service/boards/statuses"]
                        .get(&s)
                        .filter(|st| lookup(st, "board/id").and_then(Value::as_u64) == Some(board)),
                    // The board's first status (a board id from the request never
                    // overflows: no status is found instead).
                    None => board
                        .checked_sub(1)
                        .and_then(|b| b.checked_mul(5))
                        .and_then(|b| b.checked_add(1))
                        .and_then(|first| self.collections["service/boards/statuses"].get(&first)),
                };
                match status {
                    Some(st) => {
                        record["status"] = json!({"id": st["id"], "name": st["name"], "sort": st["sortOrder"], "_info": {}});
                        record["closedFlag"] = st["closedStatus"].clone();
                    }
                    None => errors.push((
                        "InvalidValue",
                        "status",
                        "The status does not belong to the ticket's board.".to_owned(),
                    )),
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("ticket", errors)));
                }
                if let Some(o) = record.as_object_mut() {
                    o.remove("initialDescription");
                    o.remove("initialInternalAnalysis");
                    o.remove("initialResolution");
                }
                if creating || record.get("dateEntered").is_none() {
                    record["dateEntered"] = json!(now);
                }
                if record.get("recordType").is_none() {
                    record["recordType"] = json!("ServiceTicket");
                }
                if record.get("customFields").is_none() {
                    record["customFields"] = json!([]);
                }
            }
            "company/companies" => {
                let mut errors = Vec::new();
                match text(record, "identifier") {
                    None => errors.push((
                        "NullValue",
                        "identifier",
                        "The identifier field is required.".to_owned(),
                    )),
                    Some(ident) => {
                        let id = record["id"].as_u64();
                        if self.collections["company/companies"].values().any(|c| {
                            c["identifier"]
                                .as_str()
                                .is_some_and(|i| i.eq_ignore_ascii_case(&ident))
                                && c["id"].as_u64() != id
                        }) {
                            errors.push((
                                "InvalidValue",
                                "identifier",
                                format!("The identifier {ident} is already in use."),
                            ));
                        }
                    }
                }
                if text(record, "name").is_none() {
                    errors.push((
                        "NullValue",
                        "name",
                        "The name field is required.".to_owned(),
                    ));
                }
                if let Some(year) = record.get("yearEstablished").and_then(Value::as_i64)
                    && !(1900..=9999).contains(&year)
                {
                    errors.push((
                        "OutOfRange",
                        "yearEstablished",
                        "The field yearEstablished must be between 1900 and 9999.".to_owned(),
                    ));
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("company", errors)));
                }
                if record.get("deletedFlag").is_none() {
                    record["deletedFlag"] = json!(false);
                }
            }
            "service/tickets/notes" => {
                let mut errors = Vec::new();
                if text(record, "text").is_none() {
                    errors.push((
                        "NullValue",
                        "text",
                        "The text field is required.".to_owned(),
                    ));
                }
                let flag = |k: &str| record.get(k).and_then(Value::as_bool).unwrap_or(false);
                if !flag("detailDescriptionFlag")
                    && !flag("internalAnalysisFlag")
                    && !flag("resolutionFlag")
                {
                    errors.push(("InvalidValue", "detailDescriptionFlag", "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.".to_owned()));
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("ticketNote", errors)));
                }
                for k in [
                    "detailDescriptionFlag",
                    "internalAnalysisFlag",
                    "resolutionFlag",
                ] {
                    if record.get(k).is_none() {
                        record[k] = json!(false);
                    }
                }
                if creating {
                    record["dateCreated"] = json!(now);
                    record["createdBy"] = json!("api");
                }
            }
            _ => {}
        }
        // `_info` is a string-to-string map in the vendor's schema, on creates and on
        // every later write (never an object holding the id).
        let id = record["id"].as_u64().unwrap_or_default();
        let mut meta = touched_info(record.get("_info"), &now, "api");
        if creating {
            let fresh = info(&self.api_base(), collection, id);
            if let (Some(meta), Some(fresh)) = (meta.as_object_mut(), fresh.as_object()) {
                for (k, v) in fresh {
                    if k.ends_with("_href") {
                        meta.insert(k.clone(), v.clone());
                    }
                }
                meta.insert("dateEntered".to_owned(), json!(now));
                meta.insert("enteredBy".to_owned(), json!("api"));
            }
        }
        record["_info"] = meta;
        Ok(())
    }
}
