//! One pagination engine for every vendor.
//!
//! A vendor crate describes a listing once — its query parameters, its [`PagingStyle`],
//! and a function that fetches one page given the full query — and gets back a lazy
//! [`futures_util::Stream`] of items ([`Paginator::items`]) or of pages
//! ([`Paginator::pages`]).
//!
//! The engine:
//! - builds every page's query as *the listing's query plus the page parameters*, so no
//!   parameter can be lost between pages;
//! - sends nothing until the stream is polled;
//! - stops on an empty page, a reached total, a missing next link/cursor, or a short page;
//! - ends with [`Error::Protocol`] instead of looping when the server repeats a cursor,
//!   points back to an earlier page, or sends the same page body twice;
//! - can look ahead: with [`Paginator::look_ahead`] the next page is requested as soon as
//!   the current one arrives, while the caller consumes it; with [`Paginator::concurrency`]
//!   and a total reported by the server, up to N pages are in flight at once. Items are
//!   yielded in order either way.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use futures_util::TryStreamExt;
//! use msp_common::paginate::{Page, PageRequest, Paginator, PagingStyle};
//!
//! // A fake "server" of 250 numbers, 100 per page, reporting its total.
//! let listing = Paginator::new(
//!     vec![("$filter".to_string(), "x gt 0".to_string())],
//!     PagingStyle::offset("$skip", "$top", 100),
//!     |req: PageRequest| async move {
//!         assert!(req.query.contains(&("$filter".into(), "x gt 0".into())));
//!         let skip: u64 = req.param("$skip").unwrap().parse().unwrap();
//!         let items: Vec<u64> = (skip..250.min(skip + 100)).collect();
//!         Ok(Page::new(items).with_total(250))
//!     },
//! )
//! .concurrency(3);
//! let all: Vec<u64> = listing.items().try_collect().await?;
//! assert_eq!(all, (0..250).collect::<Vec<_>>());
//! # Ok::<(), msp_common::Error>(()) }).unwrap();
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;

use crate::error::{Error, Result};

/// How a vendor pages its listings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingStyle {
    /// Page numbers: `page=N` (starting at `first_page`) and a page-size parameter,
    /// optionally with `Link` headers or a total.
    PageNumber {
        /// Name of the page-number parameter (`page`).
        page_param: String,
        /// Name of the page-size parameter (`pageSize`).
        size_param: String,
        /// Requested page size.
        page_size: u32,
        /// Number of the first page (usually 1).
        first_page: u64,
    },
    /// Offset and limit: `$skip=N&$top=M`, usually with a total.
    Offset {
        /// Name of the offset parameter (`$skip`).
        offset_param: String,
        /// Name of the limit parameter (`$top`).
        limit_param: String,
        /// Requested page size.
        limit: u32,
    },
    /// An opaque cursor or next-link token: the first page has no cursor parameter; each
    /// later page sends the cursor the previous page returned.
    Cursor {
        /// Name of the cursor parameter (`pageId`).
        cursor_param: String,
    },
}

impl PagingStyle {
    /// Page numbers starting at 1.
    pub fn page_number(page_param: &str, size_param: &str, page_size: u32) -> Self {
        PagingStyle::PageNumber {
            page_param: page_param.to_owned(),
            size_param: size_param.to_owned(),
            page_size,
            first_page: 1,
        }
    }

    /// Offset and limit.
    pub fn offset(offset_param: &str, limit_param: &str, limit: u32) -> Self {
        PagingStyle::Offset {
            offset_param: offset_param.to_owned(),
            limit_param: limit_param.to_owned(),
            limit,
        }
    }

    /// A cursor parameter.
    pub fn cursor(cursor_param: &str) -> Self {
        PagingStyle::Cursor {
            cursor_param: cursor_param.to_owned(),
        }
    }

    fn first_token(&self) -> PageToken {
        match self {
            PagingStyle::PageNumber { first_page, .. } => PageToken::Number(*first_page),
            PagingStyle::Offset { .. } => PageToken::Offset(0),
            PagingStyle::Cursor { .. } => PageToken::First,
        }
    }

    fn requested_size(&self) -> Option<u64> {
        match self {
            PagingStyle::PageNumber { page_size, .. } => Some(u64::from(*page_size)),
            PagingStyle::Offset { limit, .. } => Some(u64::from(*limit)),
            PagingStyle::Cursor { .. } => None,
        }
    }

    fn page_params(&self, token: &PageToken) -> Vec<(String, String)> {
        match (self, token) {
            (
                PagingStyle::PageNumber {
                    page_param,
                    size_param,
                    page_size,
                    ..
                },
                PageToken::Number(n),
            ) => vec![
                (size_param.clone(), page_size.to_string()),
                (page_param.clone(), n.to_string()),
            ],
            (
                PagingStyle::Offset {
                    offset_param,
                    limit_param,
                    limit,
                },
                PageToken::Offset(offset),
            ) => vec![
                (offset_param.clone(), offset.to_string()),
                (limit_param.clone(), limit.to_string()),
            ],
            (PagingStyle::Cursor { cursor_param }, PageToken::Cursor(c)) => {
                vec![(cursor_param.clone(), c.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// Which page to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageToken {
    /// The first page of a cursor listing (no cursor yet).
    First,
    /// A page number.
    Number(u64),
    /// An offset.
    Offset(u64),
    /// A cursor.
    Cursor(String),
}

/// The request for one page, handed to the vendor's fetch function.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PageRequest {
    /// Which page this is.
    pub token: PageToken,
    /// 0-based index of the page in the listing.
    pub index: u64,
    /// The full query: the listing's parameters followed by the page parameters.
    pub query: Vec<(String, String)>,
}

impl PageRequest {
    /// The last value of a query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server says about the page after this one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Next {
    /// Nothing said: the engine infers it from the style, the total and the page size.
    #[default]
    Unknown,
    /// This is the last page.
    Done,
    /// The next page has this number (from a `Link` header, say).
    Number(u64),
    /// The next page has this cursor.
    Cursor(String),
}

/// One page of a listing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// The total number of items in the listing, when the server reports it.
    pub total: Option<u64>,
    /// What the server says about the next page.
    pub next: Next,
    /// A hash of the raw page (see [`crate::Response::fingerprint`]); a listing whose
    /// server answers two pages with identical bodies ends with an error.
    pub fingerprint: Option<u64>,
}

impl<T> Page<T> {
    /// A page of items; nothing known about the total or the next page.
    pub fn new(items: Vec<T>) -> Self {
        Page {
            items,
            total: None,
            next: Next::Unknown,
            fingerprint: None,
        }
    }

    /// Sets the total reported by the server.
    #[must_use]
    pub fn with_total(mut self, total: u64) -> Self {
        self.total = Some(total);
        self
    }

    /// Sets what is known about the next page.
    #[must_use]
    pub fn with_next(mut self, next: Next) -> Self {
        self.next = next;
        self
    }

    /// Sets the page fingerprint.
    #[must_use]
    pub fn with_fingerprint(mut self, fingerprint: u64) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }
}

type FetchFn<T> = dyn Fn(PageRequest) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync;

/// A listing, ready to be streamed. See the [module docs](self).
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<T> {
    query: Vec<(String, String)>,
    style: PagingStyle,
    fetch: Arc<FetchFn<T>>,
    look_ahead: bool,
    concurrency: usize,
    max_items: Option<u64>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("query", &self.query)
            .field("style", &self.style)
            .field("look_ahead", &self.look_ahead)
            .field("concurrency", &self.concurrency)
            .field("max_items", &self.max_items)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// A listing with these query parameters (kept on every page), paged in `style`,
    /// fetched page by page with `fetch`.
    pub fn new<F, Fut>(query: Vec<(String, String)>, style: PagingStyle, fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        Paginator {
            query,
            style,
            fetch: Arc::new(move |req| Box::pin(fetch(req))),
            look_ahead: false,
            concurrency: 1,
            max_items: None,
        }
    }

    /// Requests the next page as soon as the current one arrives, while the caller
    /// consumes it (needs a Tokio runtime; without one, pages are fetched on demand).
    pub fn look_ahead(mut self, on: bool) -> Self {
        self.look_ahead = on;
        self
    }

    /// Once the server has reported a total, keeps up to `n` page requests in flight
    /// (page-number and offset styles). Items are still yielded in order.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Stops after this many items, without requesting pages beyond them.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The stream of pages (empty pages are not yielded).
    pub fn pages(self) -> BoxStream<'static, Result<Page<T>>> {
        let state = State {
            next_token: Some(self.style.first_token()),
            planned: None,
            in_flight: VecDeque::new(),
            index: 0,
            yielded: 0,
            total: None,
            seen_cursors: HashSet::new(),
            seen_fingerprints: HashSet::new(),
            last_number: None,
            stride: None,
            pending_error: None,
            done: false,
            paginator: self,
        };
        stream::unfold(state, |mut state| async move {
            let page = state.next_page().await?;
            Some((page, state))
        })
        .boxed()
    }

    /// The stream of items, in order.
    pub fn items(self) -> BoxStream<'static, Result<T>> {
        let max = self.max_items;
        let items = self
            .pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten();
        match max {
            Some(n) => items.take(usize::try_from(n).unwrap_or(usize::MAX)).boxed(),
            None => items.boxed(),
        }
    }
}

/// A page request in flight: spawned on the runtime (look-ahead, concurrency) or a plain
/// future awaited on demand. Dropping it aborts a spawned task.
enum InFlight<T> {
    Spawned(tokio::task::JoinHandle<Result<Page<T>>>),
    Lazy(Pin<Box<dyn Future<Output = Result<Page<T>>> + Send>>),
}

impl<T> Drop for InFlight<T> {
    fn drop(&mut self) {
        if let InFlight::Spawned(handle) = self {
            handle.abort();
        }
    }
}

impl<T: Send + 'static> InFlight<T> {
    async fn wait(mut self) -> Result<Page<T>> {
        match &mut self {
            InFlight::Spawned(handle) => match handle.await {
                Ok(result) => result,
                Err(join) => Err(Error::protocol(format!(
                    "a page request task ended abnormally: {join}"
                ))),
            },
            InFlight::Lazy(fut) => fut.await,
        }
    }
}

struct State<T> {
    paginator: Paginator<T>,
    /// The next page to request when pages are discovered one at a time.
    next_token: Option<PageToken>,
    /// All remaining pages, once a total made them known (concurrent mode).
    planned: Option<VecDeque<PageToken>>,
    in_flight: VecDeque<(PageToken, InFlight<T>)>,
    index: u64,
    yielded: u64,
    total: Option<u64>,
    seen_cursors: HashSet<String>,
    seen_fingerprints: HashSet<u64>,
    last_number: Option<u64>,
    stride: Option<u64>,
    /// An error about what comes after the page just yielded, reported on the next poll.
    pending_error: Option<Error>,
    done: bool,
}

impl<T: Send + 'static> State<T> {
    fn launch(&mut self, token: PageToken, spawn: bool) {
        let mut query = self.paginator.query.clone();
        query.extend(self.paginator.style.page_params(&token));
        let request = PageRequest {
            token: token.clone(),
            index: self.index,
            query,
        };
        self.index += 1;
        let fut = (self.paginator.fetch)(request);
        let in_flight = match tokio::runtime::Handle::try_current() {
            Ok(handle) if spawn => InFlight::Spawned(handle.spawn(fut)),
            _ => InFlight::Lazy(fut),
        };
        self.in_flight.push_back((token, in_flight));
    }

    /// Starts as many requests as the mode allows.
    fn top_up(&mut self) {
        if self.done || self.limit_reached() {
            return;
        }
        if let Some(planned) = &mut self.planned {
            let window = self.paginator.concurrency;
            let mut to_launch = Vec::new();
            while self.in_flight.len() + to_launch.len() < window {
                match planned.pop_front() {
                    Some(token) => to_launch.push(token),
                    None => break,
                }
            }
            for token in to_launch {
                self.launch(token, true);
            }
        } else if self.in_flight.is_empty()
            && self.paginator.look_ahead
            && let Some(token) = self.next_token.take()
        {
            self.launch(token, true);
        }
    }

    fn limit_reached(&self) -> bool {
        let by_total = self.total.is_some_and(|t| self.yielded >= t);
        let by_max = self.paginator.max_items.is_some_and(|m| self.yielded >= m);
        by_total || by_max
    }

    fn fail(&mut self, err: Error) -> Option<Result<Page<T>>> {
        self.done = true;
        self.in_flight.clear();
        Some(Err(err))
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>>> {
        if self.done {
            return None;
        }
        if let Some(err) = self.pending_error.take() {
            return self.fail(err);
        }
        if self.in_flight.is_empty() {
            let token = match &mut self.planned {
                Some(planned) => planned.pop_front(),
                None => self.next_token.take(),
            };
            match token {
                Some(token) if !self.limit_reached() => self.launch(token, false),
                _ => {
                    self.done = true;
                    return None;
                }
            }
        }
        let (token, in_flight) = self.in_flight.pop_front()?;
        let page = match in_flight.wait().await {
            Ok(page) => page,
            Err(err) => return self.fail(err),
        };
        if page.items.is_empty() {
            self.done = true;
            self.in_flight.clear();
            return None;
        }
        if let Some(fp) = page.fingerprint
            && !self.seen_fingerprints.insert(fp)
        {
            return self.fail(Error::protocol(format!(
                "the server answered page {token:?} with the same content as an earlier page; stopping instead of looping"
            )));
        }
        if let Some(total) = page.total {
            self.total = Some(total);
        }
        let len = page.items.len() as u64;
        self.yielded += len;
        if let Err(err) = self.plan_next(&token, &page, len) {
            // The page itself is good: yield it, then report the error.
            self.pending_error = Some(err);
            self.next_token = None;
            self.planned = None;
            return Some(Ok(page));
        }
        if self.limit_reached() {
            self.planned = Some(VecDeque::new());
            self.next_token = None;
            self.in_flight.clear();
        }
        self.top_up();
        Some(Ok(page))
    }

    /// Decides what comes after `token`, from the page and the style.
    fn plan_next(&mut self, token: &PageToken, page: &Page<T>, len: u64) -> Result<()> {
        if self.planned.is_some() {
            return Ok(());
        }
        let requested = self.paginator.style.requested_size();
        let short = requested.is_some_and(|size| len < size);
        let stride = *self.stride.get_or_insert(len);
        self.next_token = match (token, &page.next) {
            (_, Next::Done) => None,
            (PageToken::Number(n), Next::Number(next)) => {
                if *next <= *n || self.last_number.is_some_and(|last| *next <= last) {
                    return Err(Error::protocol(format!(
                        "the server pointed from page {n} back to page {next}; stopping instead of looping"
                    )));
                }
                self.last_number = Some(*n);
                Some(PageToken::Number(*next))
            }
            (PageToken::Number(n), _) if !short || self.total.is_some() => {
                self.last_number = Some(*n);
                Some(PageToken::Number(n + 1))
            }
            (PageToken::Offset(offset), _) if !short || self.total.is_some() => {
                Some(PageToken::Offset(offset + len))
            }
            (_, Next::Cursor(cursor)) => {
                if let PageToken::Cursor(current) = token {
                    self.seen_cursors.insert(current.clone());
                }
                if !self.seen_cursors.insert(cursor.clone()) {
                    return Err(Error::protocol(format!(
                        "the server repeated the cursor {cursor:?}; stopping instead of looping"
                    )));
                }
                Some(PageToken::Cursor(cursor.clone()))
            }
            _ => None,
        };
        // With a total and concurrency, every remaining page is known now: those up to
        // the total, or up to `max_items` when that comes first.
        let wanted = match (self.total, self.paginator.max_items) {
            (Some(total), Some(max)) => Some(total.min(max)),
            (total, _) => total,
        };
        if let (Some(wanted), true) = (wanted, self.paginator.concurrency > 1)
            && self.yielded < wanted
            && stride > 0
        {
            let mut planned = VecDeque::new();
            match self.next_token.take() {
                Some(PageToken::Number(first)) => {
                    let pages = (wanted - self.yielded).div_ceil(stride);
                    planned.extend((first..first + pages).map(PageToken::Number));
                }
                Some(PageToken::Offset(first)) => {
                    let end = first + (wanted - self.yielded);
                    let mut offset = first;
                    while offset < end {
                        planned.push_back(PageToken::Offset(offset));
                        offset += stride;
                    }
                }
                other => self.next_token = other,
            }
            if !planned.is_empty() {
                self.planned = Some(planned);
            }
        }
        Ok(())
    }
}

/// One entry of a `Link` header: `<url>; rel="next"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target URL, as sent.
    pub url: String,
    /// The relation (`next`, `last`, …), lower-cased.
    pub rel: String,
}

/// Parses every `Link` header of a response.
///
/// ```
/// use msp_common::paginate::parse_link_header;
///
/// let links = parse_link_header(
///     r#"<https://h/apis/3.0/x?pageSize=2&page=2>; rel="next", <https://h/apis/3.0/x?page=5>; rel="last""#,
/// );
/// assert_eq!(links[0].rel, "next");
/// assert_eq!(links[1].url, "https://h/apis/3.0/x?page=5");
/// ```
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let url = rest[start + 1..start + end].trim().to_owned();
        rest = &rest[start + end + 1..];
        let params_end = rest.find('<').unwrap_or(rest.len());
        let params = &rest[..params_end];
        for param in params.split(';') {
            let Some((key, val)) = param.split_once('=') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("rel") {
                let rels = val
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .to_ascii_lowercase();
                for rel in rels.split_whitespace() {
                    links.push(Link {
                        url: url.clone(),
                        rel: rel.to_owned(),
                    });
                }
            }
        }
        rest = &rest[params_end..];
    }
    links
}

/// The `rel="next"` URL among all `Link` headers of a response, when it is absolute
/// (see [`next_link_of`] for relative links).
pub fn next_link(headers: &HeaderMap) -> Option<url::Url> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_link_header)
        .find(|link| link.rel == "next")
        .and_then(|link| url::Url::parse(&link.url).ok())
}

/// The `rel="next"` link of a response, resolved against the URL that answered, so a
/// relative link (`</apis/3.0/x?page=2>`) works as well as an absolute one.
pub fn next_link_of(response: &crate::Response) -> Option<url::Url> {
    response
        .headers()
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_link_header)
        .find(|link| link.rel == "next")
        .and_then(|link| response.url().join(&link.url).ok())
}

/// The value of `param` in a URL's query (to read `page` or `pageId` from a next link).
pub fn query_param(url: &url::Url, param: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == param)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_edge_cases() {
        assert!(parse_link_header("").is_empty());
        assert!(parse_link_header("<unterminated").is_empty());
        let links = parse_link_header(r#"<a>; rel="prev first", <b>;REL=next"#);
        assert_eq!(
            links,
            vec![
                Link {
                    url: "a".into(),
                    rel: "prev".into()
                },
                Link {
                    url: "a".into(),
                    rel: "first".into()
                },
                Link {
                    url: "b".into(),
                    rel: "next".into()
                },
            ]
        );
    }

    #[test]
    fn page_params_follow_the_style() {
        let style = PagingStyle::page_number("page", "pageSize", 50);
        assert_eq!(
            style.page_params(&PageToken::Number(3)),
            vec![
                ("pageSize".into(), "50".into()),
                ("page".into(), "3".into())
            ]
        );
        let style = PagingStyle::cursor("pageId");
        assert!(style.page_params(&PageToken::First).is_empty());
    }
}
