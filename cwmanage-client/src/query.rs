//! List queries: the eight parameters every Manage collection takes, and the streaming
//! [`ListRequest`] built on `msp_common`'s pagination engine.
//!
//! ```
//! use cwmanage_client::conditions::Condition;
//! use cwmanage_client::query::ListQuery;
//!
//! let q = ListQuery::new()
//!     .conditions(Condition::field("board/id").eq(1))
//!     .order_by("id desc")
//!     .fields(["id", "summary", "board/name"])
//!     .page_size(500);
//! assert_eq!(
//!     msp_common::http::encode_query(q.to_pairs()?),
//!     "conditions=board%2Fid%20%3D%201&orderBy=id%20desc&fields=id%2Csummary%2Cboard%2Fname"
//! );
//! assert!(ListQuery::new().page_size(1001).validate().is_err());
//! # Ok::<(), msp_common::Error>(())
//! ```

use std::marker::PhantomData;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use msp_common::paginate::{self, Next, Page, PageRequest, Paginator, PagingStyle};
use msp_common::{Error, Request, Response, Result};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::conditions::{Condition, ConditionError, IntoConditions};
use crate::models::Count;

/// The largest page Manage serves.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The page size a stream asks for when none is set: the maximum, for the fewest round
/// trips (the server's own default is 25).
pub const DEFAULT_STREAM_PAGE_SIZE: u32 = MAX_PAGE_SIZE;

/// URLs longer than this are refused by some deployments; longer `in` lists are split.
pub const DEFAULT_MAX_URL_LEN: usize = 2000;

/// Room left in the URL for the paging parameters.
const PAGING_ROOM: usize = 48;

/// Internal cursor parameter; never sent.
const TOKEN: &str = "\u{0}cw-page";

/// The filter, sort and projection parameters of a list query (paging is added by the
/// stream). An owned builder; errors in conditions are reported by
/// [`validate`](Self::validate) and by any call that sends the query.
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct ListQuery {
    conditions: Option<std::result::Result<String, ConditionError>>,
    condition_tree: Option<Condition>,
    child_conditions: Option<std::result::Result<String, ConditionError>>,
    custom_field_conditions: Option<std::result::Result<String, ConditionError>>,
    order_by: Option<String>,
    fields: Vec<String>,
    page_size: Option<u32>,
}

impl ListQuery {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// `conditions=`: a [`Condition`] or a raw string.
    pub fn conditions(mut self, c: impl IntoConditions) -> Self {
        self.condition_tree = c.as_condition();
        self.conditions = Some(c.into_conditions());
        self
    }

    /// `childConditions=` (same grammar, on child collections).
    pub fn child_conditions(mut self, c: impl IntoConditions) -> Self {
        self.child_conditions = Some(c.into_conditions());
        self
    }

    /// `customFieldConditions=` (same grammar: `caption="Region" AND value="West"`).
    pub fn custom_field_conditions(mut self, c: impl IntoConditions) -> Self {
        self.custom_field_conditions = Some(c.into_conditions());
        self
    }

    /// `orderBy=field asc|desc`.
    pub fn order_by(mut self, order: impl Into<String>) -> Self {
        self.order_by = Some(order.into());
        self
    }

    /// `fields=id,summary,board/name`.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// `pageSize` (1..=1000, checked by [`validate`](Self::validate)).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// The page size set, if any.
    pub fn get_page_size(&self) -> Option<u32> {
        self.page_size
    }

    /// The orderBy set, if any.
    pub fn get_order_by(&self) -> Option<&str> {
        self.order_by.as_deref()
    }

    /// Checks the page size and the conditions.
    pub fn validate(&self) -> Result<()> {
        if let Some(size) = self.page_size
            && !(1..=MAX_PAGE_SIZE).contains(&size)
        {
            return Err(Error::config(format!(
                "pageSize must be between 1 and {MAX_PAGE_SIZE} (Manage's hard maximum); got {size}"
            )));
        }
        for c in [
            &self.conditions,
            &self.child_conditions,
            &self.custom_field_conditions,
        ]
        .into_iter()
        .flatten()
        {
            if let Err(e) = c {
                return Err(e.clone().into());
            }
        }
        Ok(())
    }

    /// The conditions text, if set and valid.
    pub(crate) fn conditions_text(&self) -> Option<&str> {
        self.conditions.as_ref()?.as_ref().ok().map(String::as_str)
    }

    /// The filter parameters only (`conditions`, `childConditions`,
    /// `customFieldConditions`), as `/count` takes them.
    pub fn filter_pairs(&self) -> Result<Vec<(String, String)>> {
        self.validate()?;
        let mut pairs = Vec::new();
        for (key, value) in [
            ("conditions", &self.conditions),
            ("childConditions", &self.child_conditions),
            ("customFieldConditions", &self.custom_field_conditions),
        ] {
            if let Some(Ok(text)) = value {
                pairs.push((key.to_owned(), text.clone()));
            }
        }
        Ok(pairs)
    }

    /// Every parameter but paging, in a stable order.
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut pairs = self.filter_pairs()?;
        if let Some(order) = &self.order_by {
            pairs.push(("orderBy".to_owned(), order.clone()));
        }
        if !self.fields.is_empty() {
            pairs.push(("fields".to_owned(), self.fields.join(",")));
        }
        Ok(pairs)
    }
}

/// How a listing is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Paging {
    /// Forward-only paging when the order allows it (no `orderBy`, or `id asc`), falling
    /// back to page numbers when the endpoint refuses it (HTTP 400) or answers with
    /// page-number links; page numbers otherwise.
    #[default]
    Auto,
    /// `page` / `pageSize`, following the `Link` header's `next`.
    PageNumbers,
    /// `pagination-type: forward-only` and the `pageId` of the `Link` header's `next`
    /// (records come in id order). No fallback.
    ForwardOnly,
}

/// A streaming list of `T` from one collection; obtained from a resource's `list()` or
/// from [`Client::query`]. An owned, `#[must_use]` builder: nothing is sent until the
/// stream is polled or [`count`](Self::count) is awaited.
#[must_use = "a list request does nothing until streamed"]
pub struct ListRequest<T> {
    client: Client,
    path: String,
    query: ListQuery,
    paging: Paging,
    look_ahead: bool,
    max_items: Option<u64>,
    search: bool,
    max_url_len: usize,
    operation: &'static str,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for ListRequest<T> {
    fn clone(&self) -> Self {
        ListRequest {
            client: self.client.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            paging: self.paging,
            look_ahead: self.look_ahead,
            max_items: self.max_items,
            search: self.search,
            max_url_len: self.max_url_len,
            operation: self.operation,
            _t: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("paging", &self.paging)
            .field("search", &self.search)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Numbers,
    Forward,
    ForwardWithFallback,
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(client: Client, path: String) -> Self {
        ListRequest {
            client,
            path,
            query: ListQuery::new(),
            paging: Paging::Auto,
            look_ahead: false,
            max_items: None,
            search: false,
            max_url_len: DEFAULT_MAX_URL_LEN,
            operation: "list",
            _t: PhantomData,
        }
    }

    /// A `POST {path}` search whose conditions travel in the body (`/service/tickets/search`).
    pub(crate) fn search(mut self) -> Self {
        self.search = true;
        self.paging = Paging::PageNumbers;
        self.operation = "search";
        self
    }

    pub(crate) fn operation(mut self, name: &'static str) -> Self {
        self.operation = name;
        self
    }

    /// Replaces the whole query.
    pub fn query(mut self, query: ListQuery) -> Self {
        self.query = query;
        self
    }

    /// `conditions=` (a [`Condition`] or a raw string).
    pub fn conditions(mut self, c: impl IntoConditions) -> Self {
        self.query = self.query.conditions(c);
        self
    }

    /// `childConditions=`.
    pub fn child_conditions(mut self, c: impl IntoConditions) -> Self {
        self.query = self.query.child_conditions(c);
        self
    }

    /// `customFieldConditions=`.
    pub fn custom_field_conditions(mut self, c: impl IntoConditions) -> Self {
        self.query = self.query.custom_field_conditions(c);
        self
    }

    /// `orderBy=`.
    pub fn order_by(mut self, order: impl Into<String>) -> Self {
        self.query = self.query.order_by(order);
        self
    }

    /// `fields=` (records then hold only those fields; models tolerate that).
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.query = self.query.fields(fields);
        self
    }

    /// `pageSize` (1..=1000; default [`DEFAULT_STREAM_PAGE_SIZE`]).
    pub fn page_size(mut self, size: u32) -> Self {
        self.query = self.query.page_size(size);
        self
    }

    /// Chooses the paging mode (default [`Paging::Auto`]).
    pub fn paging(mut self, paging: Paging) -> Self {
        if !self.search {
            self.paging = paging;
        }
        self
    }

    /// Requests the next page while the caller works on the current one.
    pub fn look_ahead(mut self, on: bool) -> Self {
        self.look_ahead = on;
        self
    }

    /// Stops after this many records.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The longest URL to send (default [`DEFAULT_MAX_URL_LEN`]). When a
    /// [`Condition`]'s `in` list would make it longer, the list is split into several
    /// listings whose records are merged into one stream in the requested order
    /// (`orderBy`, then `id`, compared here), and `count` adds them up.
    pub fn max_url_len(mut self, len: usize) -> Self {
        self.max_url_len = len;
        self
    }

    /// The conditions to send, one per request group: several when a long `in` list is
    /// split, else none (the query as given).
    fn split(&self) -> Result<Option<Vec<Condition>>> {
        if self.search {
            return Ok(None);
        }
        let Some(tree) = &self.query.condition_tree else {
            return Ok(None);
        };
        let transport = self.client.transport();
        let limit = self.max_url_len.saturating_sub(PAGING_ROOM);
        let base = self.query.clone();
        let fits = |text: &str| {
            let pairs = base.clone().conditions(text).to_pairs().unwrap_or_default();
            transport
                .url_for(&Request::get(&self.path).query_pairs(pairs))
                .map(|u| u.as_str().len() <= limit)
                .unwrap_or(true)
        };
        Ok(tree.split_in_list(fits)?)
    }

    fn mode(&self) -> Mode {
        let id_order = match self.query.get_order_by() {
            None => true,
            Some(o) => {
                let o = o.trim().to_ascii_lowercase();
                o == "id" || o == "id asc"
            }
        };
        match self.paging {
            Paging::PageNumbers => Mode::Numbers,
            Paging::ForwardOnly => Mode::Forward,
            Paging::Auto if id_order && !self.search => Mode::ForwardWithFallback,
            Paging::Auto => Mode::Numbers,
        }
    }

    /// Every record, lazily, page after page; every parameter is sent on every page.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        let max = self.max_items;
        match self.split() {
            Err(e) => return stream::once(async move { Err(e) }).boxed(),
            Ok(Some(parts)) => {
                let mut this = self;
                this.max_items = None;
                let order = parse_order(this.query.get_order_by().unwrap_or("id asc"));
                let streams: Vec<_> = parts
                    .into_iter()
                    .map(|part| {
                        this.retype::<serde_json::Value>()
                            .conditions(part)
                            .stream_one()
                    })
                    .collect();
                let items = merge_ordered(streams, order).map(|item| {
                    item.and_then(|value| {
                        serde_json::from_value::<T>(value).map_err(|e| {
                            Error::from(msp_common::DecodeError::new(
                                crate::client::VENDOR,
                                msp_common::StatusCode::OK,
                                None,
                                ".",
                                e.to_string(),
                                &[],
                            ))
                        })
                    })
                });
                return match max {
                    Some(n) => items.take(usize::try_from(n).unwrap_or(usize::MAX)).boxed(),
                    None => items.boxed(),
                };
            }
            Ok(None) => {}
        }
        self.stream_one()
    }

    /// The same request, decoding records as `U`.
    fn retype<U>(&self) -> ListRequest<U> {
        ListRequest {
            client: self.client.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            paging: self.paging,
            look_ahead: self.look_ahead,
            max_items: self.max_items,
            search: self.search,
            max_url_len: self.max_url_len,
            operation: self.operation,
            _t: PhantomData,
        }
    }

    fn stream_one(self) -> BoxStream<'static, Result<T>> {
        let max = self.max_items;
        match self.paginator() {
            Ok(p) => match max {
                Some(n) => p.max_items(n).items(),
                None => p.items(),
            },
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    /// Every page as a `Vec<T>`.
    pub fn pages(self) -> BoxStream<'static, Result<Vec<T>>> {
        match self.paginator() {
            Ok(p) => p.pages().map_ok(|page| page.items).boxed(),
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    /// Collects every record.
    pub async fn all(self) -> Result<Vec<T>> {
        self.stream().try_collect().await
    }

    /// The number of matching records, from `{path}/count` (only the filter parameters are
    /// sent). A search counts on its collection (`/service/tickets/count`), with the
    /// conditions in the query.
    pub async fn count(mut self) -> Result<u64> {
        if self.search {
            // `{collection}/search/count` does not exist.
            self.search = false;
            if let Some(collection) = self.path.trim_end_matches('/').strip_suffix("/search") {
                self.path = collection.to_owned();
            }
        }
        if let Some(parts) = self.split()? {
            let mut total = 0;
            for part in parts {
                total += self.clone().conditions(part).count_one().await?;
            }
            return Ok(total);
        }
        self.count_one().await
    }

    async fn count_one(self) -> Result<u64> {
        let pairs = self.query.filter_pairs()?;
        let path = format!("{}/count", self.path.trim_end_matches('/'));
        let count: Count = self
            .client
            .execute(|| {
                Ok(Request::get(&path)
                    .query_pairs(pairs.clone())
                    .operation("count"))
            })
            .await?
            .json()?;
        Ok(count.count)
    }

    fn paginator(self) -> Result<Paginator<T>> {
        self.query.validate()?;
        let page_size = self
            .query
            .get_page_size()
            .unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
        // A listing stopped after a few records asks for no more than it keeps.
        let page_size = match self.max_items {
            Some(max) => page_size.min(u32::try_from(max.max(1)).unwrap_or(u32::MAX)),
            None => page_size,
        };
        let mode = self.mode();
        let mut listing = self.query.to_pairs()?;
        let search_body = if self.search {
            listing.retain(|(k, _)| k != "conditions");
            Some(serde_json::json!({
                "conditions": self.query.conditions_text().unwrap_or_default()
            }))
        } else {
            None
        };
        let fetcher = Fetcher {
            client: self.client,
            path: self.path,
            page_size,
            search_body,
            operation: self.operation,
        };
        let paginator = Paginator::new(listing, PagingStyle::cursor(TOKEN), move |req| {
            let fetcher = fetcher.clone();
            async move { fetcher.fetch(req, mode).await }
        })
        .look_ahead(self.look_ahead);
        Ok(paginator)
    }
}

#[derive(Clone)]
struct Fetcher {
    client: Client,
    path: String,
    page_size: u32,
    search_body: Option<serde_json::Value>,
    operation: &'static str,
}

impl Fetcher {
    async fn fetch<T: DeserializeOwned>(&self, req: PageRequest, mode: Mode) -> Result<Page<T>> {
        let token = req.param(TOKEN).map(str::to_owned);
        let query: Vec<(String, String)> =
            req.query.into_iter().filter(|(k, _)| k != TOKEN).collect();
        match token.as_deref() {
            None => match mode {
                Mode::Numbers => self.by_number(query, 1).await,
                Mode::Forward => self.forward(query, None).await,
                Mode::ForwardWithFallback => match self.forward(query.clone(), None).await {
                    Err(e) if e.status() == Some(msp_common::StatusCode::BAD_REQUEST) => {
                        tracing::debug!(path = %self.path, "forward-only paging refused; using page numbers");
                        self.by_number(query, 1).await
                    }
                    other => other,
                },
            },
            Some(t) => {
                if let Some(n) = t.strip_prefix('p') {
                    let n = n.parse().map_err(|_| Error::protocol("bad page token"))?;
                    self.by_number(query, n).await
                } else if let Some(id) = t.strip_prefix('f') {
                    self.forward(query, Some(id.to_owned())).await
                } else {
                    Err(Error::protocol("bad page token"))
                }
            }
        }
    }

    fn request(&self, query: Vec<(String, String)>) -> Result<Request> {
        let req = match &self.search_body {
            Some(body) => Request::post(&self.path).json(body)?.idempotent(true),
            None => Request::get(&self.path),
        };
        Ok(req.query_pairs(query).operation(self.operation))
    }

    async fn by_number<T: DeserializeOwned>(
        &self,
        mut query: Vec<(String, String)>,
        page: u64,
    ) -> Result<Page<T>> {
        query.push(("pageSize".into(), self.page_size.to_string()));
        query.push(("page".into(), page.to_string()));
        let response = self.client.execute(|| self.request(query.clone())).await?;
        let items: Vec<T> = response.json()?;
        let next = match paginate::next_link_of(&response) {
            Some(link) => {
                match paginate::query_param(&link, "page").and_then(|p| p.parse::<u64>().ok()) {
                    Some(n) => Next::Cursor(format!("p{n}")),
                    None => Next::Done,
                }
            }
            // No Link header: a full page may have a successor.
            None if link_header_absent(&response)
                && items.len() as u64 >= u64::from(self.page_size) =>
            {
                Next::Cursor(format!("p{}", page + 1))
            }
            None => Next::Done,
        };
        Ok(Page::new(items)
            .with_next(next)
            .with_fingerprint(response.fingerprint()))
    }

    async fn forward<T: DeserializeOwned>(
        &self,
        mut query: Vec<(String, String)>,
        page_id: Option<String>,
    ) -> Result<Page<T>> {
        query.push(("pageSize".into(), self.page_size.to_string()));
        if let Some(id) = page_id {
            query.push(("pageId".into(), id));
        }
        let response = self
            .client
            .execute(|| {
                self.request(query.clone())?
                    .header("pagination-type", "forward-only")
            })
            .await?;
        let items: Vec<T> = response.json()?;
        let next = match paginate::next_link_of(&response) {
            Some(link) => match paginate::query_param(&link, "pageId") {
                Some(id) => Next::Cursor(format!("f{id}")),
                // The endpoint ignored forward-only and answered with page numbers.
                None => {
                    match paginate::query_param(&link, "page").and_then(|p| p.parse::<u64>().ok()) {
                        Some(n) => Next::Cursor(format!("p{n}")),
                        None => Next::Done,
                    }
                }
            },
            None => Next::Done,
        };
        Ok(Page::new(items)
            .with_next(next)
            .with_fingerprint(response.fingerprint()))
    }
}

/// `orderBy` as field paths (`board/name`) and directions; `id` breaks ties.
fn parse_order(order_by: &str) -> Vec<(Vec<String>, bool)> {
    let mut keys: Vec<(Vec<String>, bool)> = order_by
        .split(',')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next()?;
            let desc = words.next().is_some_and(|w| w.eq_ignore_ascii_case("desc"));
            Some((field.split('/').map(str::to_owned).collect(), desc))
        })
        .collect();
    keys.push((vec!["id".to_owned()], false));
    keys
}

fn compare_records(
    a: &serde_json::Value,
    b: &serde_json::Value,
    order: &[(Vec<String>, bool)],
) -> std::cmp::Ordering {
    use serde_json::Value;
    use std::cmp::Ordering;
    let at = |v: &'_ serde_json::Value, path: &[String]| -> Value {
        path.iter()
            .try_fold(v, |v, key| v.get(key.as_str()))
            .cloned()
            .unwrap_or(Value::Null)
    };
    for (path, desc) in order {
        let (x, y) = (at(a, path), at(b, path));
        let ord = match (&x, &y) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (Value::Number(m), Value::Number(n)) => m
                .as_f64()
                .partial_cmp(&n.as_f64())
                .unwrap_or(Ordering::Equal),
            (Value::String(m), Value::String(n)) => m.to_lowercase().cmp(&n.to_lowercase()),
            (Value::Bool(m), Value::Bool(n)) => m.cmp(n),
            _ => x.to_string().cmp(&y.to_string()),
        };
        let ord = if *desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Merges streams that are each sorted by `order` into one sorted stream, pulling from
/// each lazily (one record ahead per stream). An error ends the merged stream.
fn merge_ordered(
    streams: Vec<BoxStream<'static, Result<serde_json::Value>>>,
    order: Vec<(Vec<String>, bool)>,
) -> BoxStream<'static, Result<serde_json::Value>> {
    struct State {
        streams: Vec<BoxStream<'static, Result<serde_json::Value>>>,
        heads: Vec<Option<serde_json::Value>>,
        done: Vec<bool>,
        order: Vec<(Vec<String>, bool)>,
        failed: bool,
    }
    let n = streams.len();
    let state = State {
        streams,
        heads: vec![None; n],
        done: vec![false; n],
        order,
        failed: false,
    };
    stream::unfold(state, |mut st| async move {
        if st.failed {
            return None;
        }
        for i in 0..st.streams.len() {
            if st.heads[i].is_none() && !st.done[i] {
                match st.streams[i].next().await {
                    Some(Ok(v)) => st.heads[i] = Some(v),
                    Some(Err(e)) => {
                        st.failed = true;
                        return Some((Err(e), st));
                    }
                    None => st.done[i] = true,
                }
            }
        }
        let best = (0..st.heads.len())
            .filter(|i| st.heads[*i].is_some())
            .min_by(|a, b| {
                let (x, y) = (st.heads[*a].as_ref(), st.heads[*b].as_ref());
                match (x, y) {
                    (Some(x), Some(y)) => compare_records(x, y, &st.order),
                    _ => std::cmp::Ordering::Equal,
                }
            })?;
        let item = st.heads[best].take()?;
        Some((Ok(item), st))
    })
    .boxed()
}

fn link_header_absent(response: &Response) -> bool {
    response.headers().get(msp_common::header::LINK).is_none()
}
