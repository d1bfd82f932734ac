//! List queries: the parameters every Manage collection takes, and [`ListRequest`], the
//! listing built on `msp_common`'s pagination engine.
//!
//! A [`ListRequest`] is a [`Listing`]: the shared surface of every vendor crate
//! (`limit`, `page_size`, `look_ahead`, `pages_in_flight`, `stream()`, `pages()`,
//! `collect()`), plus Manage's own parameters (`conditions`, `child_conditions`,
//! `custom_field_conditions`, `order_by`, `fields`) and its paging modes ([`Paging`]).
//!
//! Pages are addressed by a typed [`PageToken`] — a page number, or the `pageId` of
//! forward-only paging — from which each page's request is built; the next token is read
//! from the `Link` header's `next` URL. A server that points back to a page already
//! fetched (an unchanged `pageId`, a link to an earlier page number) ends the listing
//! with [`Error::Protocol`] instead of looping.
//!
//! ```
//! use cwmanage_client::conditions::Condition;
//! use cwmanage_client::query::ListQuery;
//!
//! let q = ListQuery::new()
//!     .conditions(Condition::field("board/id").eq(1))
//!     .order_by("id desc")
//!     .fields(["id", "summary", "board/name"]);
//! assert_eq!(
//!     msp_common::http::encode_query(q.to_pairs()?),
//!     "conditions=board%2Fid%20%3D%201&orderBy=id%20desc&fields=id%2Csummary%2Cboard%2Fname"
//! );
//! assert!(ListQuery::new().conditions(Condition::field("name").eq(r#"a"b'c"#)).validate().is_err());
//! # Ok::<(), msp_common::Error>(())
//! ```

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::stream::{self, BoxStream, StreamExt};
use msp_common::paginate::{self, Fetched, ListOptions, Listing, Paginator, Undecoded};
use msp_common::{Call, Error, Request, Response, Result};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::conditions::{Condition, ConditionError, IntoConditions};
use crate::models::Count;

/// The largest page Manage serves.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The page size a listing asks for when none is set: the maximum, for the fewest round
/// trips (the server's own default is 25).
pub const DEFAULT_STREAM_PAGE_SIZE: u32 = MAX_PAGE_SIZE;

/// URLs longer than this are refused by some deployments; longer `in` lists are split.
pub const DEFAULT_MAX_URL_LEN: usize = 2000;

/// Room left in the URL for the paging parameters.
const PAGING_ROOM: usize = 48;

/// The most pages planned from a `/count` total for pages in flight: the engine lists
/// every remaining page up front, so an absurd total (a server bug) is not trusted;
/// the listing then follows the `Link` headers one page at a time.
const MAX_PLANNED_PAGES: u64 = 100_000;

/// The filter, sort and projection parameters of a list query (paging is the
/// listing's: see [`ListRequest`]). An owned builder; errors in conditions are reported
/// by [`validate`](Self::validate) and by any call that sends the query.
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct ListQuery {
    conditions: Option<std::result::Result<String, ConditionError>>,
    condition_tree: Option<Condition>,
    child_conditions: Option<std::result::Result<String, ConditionError>>,
    custom_field_conditions: Option<std::result::Result<String, ConditionError>>,
    order_by: Option<String>,
    fields: Vec<String>,
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

    /// The orderBy set, if any.
    pub fn get_order_by(&self) -> Option<&str> {
        self.order_by.as_deref()
    }

    /// Checks the conditions.
    pub fn validate(&self) -> Result<()> {
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
    /// page-number links; page numbers otherwise, and whenever more than one page may be
    /// in flight ([`Listing::pages_in_flight`]).
    #[default]
    Auto,
    /// `page` / `pageSize`, following the `Link` header's `next` (or, without a `Link`
    /// header, the next number after a full page). With
    /// [`pages_in_flight`](Listing::pages_in_flight)`(n)`, `n > 1`, the total is read
    /// from `{path}/count` (with the same filters, alongside the first page) and the
    /// remaining pages are requested up to `n` at a time.
    PageNumbers,
    /// `pagination-type: forward-only` and the `pageId` of the `Link` header's `next`
    /// (records come in id order). No fallback; one page at a time (each page's
    /// `pageId` comes from the one before).
    ForwardOnly,
}

/// The token of one page of a [`ListRequest`], as [`Page::token`](msp_common::Page::token)
/// reports it: the request of each page is built from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageToken {
    /// A page number, from 1. The first page of every listing is `Number(1)`, whatever
    /// the paging mode (forward-only paging sends it without a `pageId`).
    Number(u64),
    /// The `pageId` of forward-only paging, from the previous page's `Link` header.
    Cursor(String),
    /// The n-th batch (from 1) of records merged from a listing split into several
    /// requests (a long `in` list; see [`ListRequest::max_url_len`]).
    Merged(u64),
}

/// A listing of `T` from one collection; obtained from a resource's `list()`, from
/// [`Tickets::search`](crate::tickets::Tickets::search) or from [`Client::list`]. An
/// owned, `#[must_use]` builder implementing [`Listing`]: nothing is sent until the
/// stream is polled, the pages are collected, or [`count`](Self::count) is awaited.
///
/// ```no_run
/// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
/// use cwmanage_client::Listing;
/// use cwmanage_client::conditions::Condition;
/// use cwmanage_client::models::Ticket;
/// use cwmanage_client::query::Paging;
/// use futures_util::TryStreamExt;
///
/// // The first 2,000 open tickets, 500 a page, four pages in flight (the total comes
/// // from /count, asked alongside the first page).
/// let open: Vec<Ticket> = client.tickets().list()
///     .conditions(Condition::field("closedFlag").eq(false))
///     .order_by("id desc")
///     .paging(Paging::PageNumbers)
///     .page_size(500)
///     .pages_in_flight(4)
///     .limit(2000)
///     .collect()
///     .await?;
///
/// // Page by page, with each page's token and position.
/// let mut pages = client.companies().list().fields(["id", "name"]).pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("page {} ({:?}): {} companies", page.number, page.token, page.items.len());
/// }
/// # Ok(()) }
/// ```
#[must_use = "a list request does nothing until streamed"]
pub struct ListRequest<T> {
    client: Client,
    path: String,
    query: ListQuery,
    options: ListOptions,
    paging: Paging,
    search: bool,
    max_url_len: usize,
    /// The plural noun in operation names (`tickets`).
    noun: Cow<'static, str>,
    /// The name of each page request (`list_tickets`).
    operation: Cow<'static, str>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for ListRequest<T> {
    fn clone(&self) -> Self {
        self.retype()
    }
}

impl<T> std::fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("options", &self.options)
            .field("paging", &self.paging)
            .field("search", &self.search)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Numbers,
    Forward,
    ForwardWithFallback,
}

impl<T> ListRequest<T> {
    /// The same listing, decoding records as `U`.
    fn retype<U>(&self) -> ListRequest<U> {
        ListRequest {
            client: self.client.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            options: self.options.clone(),
            paging: self.paging,
            search: self.search,
            max_url_len: self.max_url_len,
            noun: self.noun.clone(),
            operation: self.operation.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(
        client: Client,
        path: impl Into<String>,
        noun: impl Into<Cow<'static, str>>,
    ) -> Self {
        let noun = noun.into();
        ListRequest {
            client,
            path: path.into(),
            query: ListQuery::new(),
            options: ListOptions::default(),
            paging: Paging::Auto,
            search: false,
            max_url_len: DEFAULT_MAX_URL_LEN,
            operation: Cow::Owned(format!("list_{noun}")),
            noun,
            _t: PhantomData,
        }
    }

    /// A `POST {path}` search whose conditions travel in the body (`/service/tickets/search`).
    pub(crate) fn search(mut self) -> Self {
        self.search = true;
        self.paging = Paging::PageNumbers;
        self.operation = Cow::Owned(format!("search_{}", self.noun));
        self
    }

    /// Names the page requests (`find_companies_exact`).
    pub(crate) fn operation(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.operation = name.into();
        self
    }

    /// Replaces the filter, sort and projection parameters.
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

    /// Chooses the paging mode (default [`Paging::Auto`]; a search always pages by
    /// number).
    pub fn paging(mut self, paging: Paging) -> Self {
        if !self.search {
            self.paging = paging;
        }
        self
    }

    /// The longest URL to send (default [`DEFAULT_MAX_URL_LEN`]). When a
    /// [`Condition`]'s `in` list would make it longer, the list is split into several
    /// listings whose records are merged into one stream in the requested order
    /// (`orderBy`, then `id`, compared here), yielded in pages of
    /// [`PageToken::Merged`]; [`count`](Self::count) adds the parts up.
    pub fn max_url_len(mut self, len: usize) -> Self {
        self.max_url_len = len;
        self
    }

    /// The number of matching records, from `{path}/count` (only the filter parameters
    /// are sent). A search counts on its collection (`/service/tickets/count`), with the
    /// conditions in the query.
    ///
    /// A composite when a long `in` list is split: one `/count` [`Call`] per part,
    /// added up. Otherwise one call (named `count_{noun}`).
    pub async fn count(self) -> Result<u64> {
        let this = self.count_target();
        match this.split()? {
            Some(parts) => {
                let mut total: u64 = 0;
                for part in parts {
                    let n = this.clone().conditions(part).count_call().await?;
                    total = total.checked_add(n).ok_or_else(|| {
                        Error::protocol("the counts of a split listing overflow a u64")
                    })?;
                }
                Ok(total)
            }
            None => this.count_call().await,
        }
    }

    /// The listing `/count` is asked on: a search counts on its collection.
    fn count_target(mut self) -> Self {
        if self.search {
            // `{collection}/search/count` does not exist.
            self.search = false;
            if let Some(collection) = self.path.trim_end_matches('/').strip_suffix("/search") {
                self.path = collection.to_owned();
            }
        }
        self
    }

    /// One `GET {path}/count` with the filters.
    fn count_call(&self) -> Call<u64> {
        let request = self.query.filter_pairs().map(|pairs| {
            Request::get(&self.path)
                .segments(["count"])
                .query_pairs(pairs)
                .operation(format!("count_{}", self.noun))
        });
        Call::read_json(self.client.service(), request).map(|c: Count| c.count)
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
        let limit = self.max_url_len.saturating_sub(PAGING_ROOM);
        let base = self.query.clone();
        let fits = |text: &str| {
            let pairs = base.clone().conditions(text).to_pairs().unwrap_or_default();
            self.client
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
            Paging::Auto if self.search || self.options.pages_in_flight > 1 => Mode::Numbers,
            Paging::Auto if id_order => Mode::ForwardWithFallback,
            Paging::Auto => Mode::Numbers,
        }
    }

    /// The page size to ask for, checked against Manage's limits.
    fn checked_page_size(&self) -> Result<u32> {
        if let Some(size) = self.options.page_size
            && !(1..=MAX_PAGE_SIZE).contains(&size)
        {
            return Err(Error::config(format!(
                "pageSize must be between 1 and {MAX_PAGE_SIZE} (Manage's hard maximum); got {size}"
            )));
        }
        Ok(self
            .options
            .effective_page_size(DEFAULT_STREAM_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE))
    }

    /// One listing, paged by the server.
    fn single(self) -> Result<Paginator<T, PageToken>> {
        let page_size = self.checked_page_size()?;
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
        let in_flight = mode == Mode::Numbers && self.options.pages_in_flight > 1;
        let count = in_flight.then(|| self.clone().count_target());
        let fetcher = Arc::new(Fetcher {
            client: self.client.clone(),
            path: self.path.clone(),
            page_size,
            listing,
            search_body,
            operation: self.operation.clone(),
            mode,
            count: count.map(|c| Box::new(move || c.count_call()) as CountFn),
        });
        // Pages are decoded when the listing reaches them (not by a look-ahead task), so
        // reading ahead holds raw bytes, not a second page of records.
        let mut paginator = Paginator::new_undecoded(PageToken::Number(1), move |token| {
            let fetcher = fetcher.clone();
            async move { fetcher.fetch::<T>(token).await }
        });
        if in_flight {
            let size = u64::from(page_size);
            paginator =
                paginator.seek(move |offset| PageToken::Number((offset / size).saturating_add(1)));
        }
        Ok(self.options.apply(paginator, false))
    }

    /// Several listings (the parts of a split `in` list) merged into one, in order.
    fn merged(self, parts: Vec<Condition>) -> Result<Paginator<T, PageToken>> {
        let page_size = usize::try_from(self.checked_page_size()?).unwrap_or(usize::MAX);
        let order = parse_order(self.query.get_order_by().unwrap_or("id asc"));
        let mut streams = Vec::with_capacity(parts.len());
        for part in parts {
            let mut one = self.retype::<serde_json::Value>().conditions(part);
            // Each part fits: it is not split again.
            one.max_url_len = usize::MAX;
            streams.push(one.single()?.items());
        }
        let state = Arc::new(futures_util::lock::Mutex::new(Merge {
            records: merge_ordered(streams, order),
            error: None,
        }));
        let paginator = Paginator::new(PageToken::Merged(1), move |token| {
            let state = state.clone();
            async move {
                let PageToken::Merged(n) = token else {
                    return Err(Error::protocol(format!(
                        "a merged listing cannot fetch page {token:?}"
                    )));
                };
                let mut state = state.lock().await;
                if let Some(err) = state.error.take() {
                    return Err(err);
                }
                let mut items = Vec::new();
                let mut more = true;
                while items.len() < page_size {
                    let record = state.records.next().await;
                    match record.map(|r| r.and_then(decode_record::<T>)) {
                        Some(Ok(item)) => items.push(item),
                        Some(Err(err)) if items.is_empty() => return Err(err),
                        Some(Err(err)) => {
                            // Yield what came before the error, then report it.
                            state.error = Some(err);
                            break;
                        }
                        None => {
                            more = false;
                            break;
                        }
                    }
                }
                let next = more
                    .then_some(n)
                    .and_then(|n| n.checked_add(1))
                    .map(PageToken::Merged);
                Ok(Fetched::new(items).with_next_opt(next))
            }
        });
        Ok(self.options.apply(paginator, false))
    }
}

impl<T: DeserializeOwned + Send + 'static> Listing for ListRequest<T> {
    type Item = T;
    type Token = PageToken;

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    /// Checks the query and the page size (nothing is sent when they are wrong), then
    /// pages as [`Paging`] says; a long `in` list is split and merged (see
    /// [`ListRequest::max_url_len`]).
    fn paginator(self) -> Result<Paginator<T, PageToken>> {
        self.query.validate()?;
        self.checked_page_size()?;
        match self.split()? {
            Some(parts) => self.merged(parts),
            None => self.single(),
        }
    }
}

struct Merge {
    records: BoxStream<'static, Result<serde_json::Value>>,
    error: Option<Error>,
}

fn decode_record<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
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
}

type CountFn = Box<dyn Fn() -> Call<u64> + Send + Sync>;

/// Fetches one page of a listing from its token.
struct Fetcher {
    client: Client,
    path: String,
    page_size: u32,
    /// Every parameter but paging, sent on every page.
    listing: Vec<(String, String)>,
    search_body: Option<serde_json::Value>,
    operation: Cow<'static, str>,
    mode: Mode,
    /// With pages in flight: the `/count` call asked alongside the first page.
    count: Option<CountFn>,
}

impl Fetcher {
    async fn fetch<T: DeserializeOwned + Send + 'static>(
        &self,
        token: PageToken,
    ) -> Result<Undecoded<T, PageToken>> {
        match token {
            PageToken::Number(1) if self.mode == Mode::Forward => self.forward(None).await,
            PageToken::Number(1) if self.mode == Mode::ForwardWithFallback => {
                match self.forward(None).await {
                    Err(e) if e.status() == Some(msp_common::StatusCode::BAD_REQUEST) => {
                        tracing::debug!(path = %self.path, "forward-only paging refused; using page numbers");
                        self.by_number(1).await
                    }
                    other => other,
                }
            }
            PageToken::Number(n) => self.by_number(n).await,
            PageToken::Cursor(id) => self.forward(Some(id)).await,
            PageToken::Merged(_) => Err(Error::protocol(format!(
                "a single listing cannot fetch page {token:?}"
            ))),
        }
    }

    /// The call for one page with the listing's parameters and `paging` after them.
    fn page(&self, paging: [(&str, String); 2], forward: bool) -> Call<Response> {
        let build = || -> Result<Request> {
            let request = match &self.search_body {
                Some(body) => Request::post(&self.path).json(body)?,
                None => Request::get(&self.path),
            };
            let mut request = request
                .query_pairs(self.listing.iter().cloned())
                .query_pairs(paging.into_iter().filter(|(_, v)| !v.is_empty()))
                .operation(self.operation.clone());
            if forward {
                request = request.header("pagination-type", "forward-only")?;
            }
            Ok(request)
        };
        // Every page is a read, a search's POST included.
        Call::raw(self.client.service(), build(), false)
    }

    async fn by_number<T: DeserializeOwned + Send + 'static>(
        &self,
        page: u64,
    ) -> Result<Undecoded<T, PageToken>> {
        let call = self.page(
            [
                ("pageSize", self.page_size.to_string()),
                ("page", page.to_string()),
            ],
            false,
        );
        let (response, total) = match (&self.count, page) {
            (Some(count), 1) => {
                let (response, total) =
                    futures_util::future::try_join(call.into_future(), count().into_future())
                        .await?;
                (response, Some(total))
            }
            _ => (call.await?, None),
        };
        let page_size = u64::from(self.page_size);
        Ok(Undecoded::new(move || {
            let items: Vec<T> = response.json_vec(usize::try_from(page_size).unwrap_or(0))?;
            let next = match next_token(&response) {
                Some(next) => next,
                // No Link header: a full page may have a successor.
                None if items.len() as u64 >= page_size => {
                    page.checked_add(1).map(PageToken::Number)
                }
                None => None,
            };
            let mut fetched = Fetched::new(items)
                .with_next_opt(next)
                .with_fingerprint(response.fingerprint());
            match total {
                Some(total) if total.div_ceil(page_size) <= MAX_PLANNED_PAGES => {
                    fetched = fetched.with_total(total);
                }
                Some(total) => {
                    tracing::debug!(total, "an implausible /count; paging one page at a time");
                }
                None => {}
            }
            Ok(fetched)
        }))
    }

    async fn forward<T: DeserializeOwned + Send + 'static>(
        &self,
        page_id: Option<String>,
    ) -> Result<Undecoded<T, PageToken>> {
        let call = self.page(
            [
                ("pageSize", self.page_size.to_string()),
                ("pageId", page_id.unwrap_or_default()),
            ],
            true,
        );
        let response = call.await?;
        let page_size = usize::try_from(self.page_size).unwrap_or(0);
        Ok(Undecoded::new(move || {
            let items: Vec<T> = response.json_vec(page_size)?;
            // Forward-only ends where the Link header does.
            let next = next_token(&response).flatten();
            Ok(Fetched::new(items)
                .with_next_opt(next)
                .with_fingerprint(response.fingerprint()))
        }))
    }
}

/// The token of the page after `response`, from its `Link` header: `None` when the
/// response has no `Link` header, `Some(None)` when it has one without a usable `next`
/// (the last page). A next URL carrying a `pageId` continues forward-only paging; one
/// carrying a `page` number continues by number (an endpoint that ignored forward-only
/// answers so). Numbers are parsed, never computed, so no value overflows.
fn next_token(response: &Response) -> Option<Option<PageToken>> {
    response.headers().get(msp_common::header::LINK)?;
    let Some(link) = paginate::next_link_of(response) else {
        return Some(None);
    };
    if let Some(id) = paginate::query_param(&link, "pageId").filter(|id| !id.is_empty()) {
        return Some(Some(PageToken::Cursor(id)));
    }
    Some(
        paginate::query_param(&link, "page")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|n| *n >= 1)
            .map(PageToken::Number),
    )
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
