//! One pagination engine for every vendor, and the one list surface built on it.
//!
//! A vendor crate describes a listing by a function that fetches one page given a
//! **typed page token** — a page number, an offset, an opaque cursor, whatever the vendor
//! pages by (any `Clone + Eq + Hash` type) — and answers the page's items, the token of
//! the page after it, and the total when the server reports one. No paging state is ever
//! written into a query string to be parsed back: the token is handed to the vendor's
//! function as a value, and the vendor builds its request from it.
//!
//! The engine ([`Paginator`]):
//! - sends nothing until the stream is polled;
//! - stops on an empty page, a reached total or limit, or a page with no next token;
//! - ends with [`Error::Protocol`] instead of looping when the server hands back a token
//!   it already gave (an unchanged cursor or offset, a link back to an earlier page), or
//!   answers two pages with identical bodies;
//! - can look ahead: the next page is requested as soon as the current one arrives, while
//!   the caller consumes it ([`Paginator::look_ahead`]); and once the total is known and
//!   the vendor can address any page ([`Paginator::seek`]), up to N pages are in flight
//!   at once ([`Paginator::pages_in_flight`]). Items are yielded in order either way;
//! - decodes a page only when the listing reaches it, when the vendor hands pages over
//!   undecoded ([`Paginator::new_undecoded`]): a page requested ahead waits as the bytes
//!   that came, and [`Paginator::items`] releases each page's items before the next page
//!   is decoded. Looking ahead then costs one page of raw bytes, not a second page of
//!   decoded records.
//!
//! Vendor list builders implement [`Listing`], which gives every list of every crate the
//! same names: [`Listing::limit`], [`Listing::page_size`], [`Listing::look_ahead`],
//! [`Listing::pages_in_flight`], [`Listing::stream`], [`Listing::pages`] and
//! [`Listing::collect`].
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use futures_util::TryStreamExt;
//! use msp_common::paginate::{Fetched, Paginator};
//!
//! // A fake "server" of 250 numbers, 100 per page, paged by offset, reporting its total.
//! let listing = Paginator::new(0u64, |offset: u64| async move {
//!     let items: Vec<u64> = (offset..250.min(offset + 100)).collect();
//!     let next = offset + items.len() as u64;
//!     Ok(Fetched::new(items).with_next(next).with_total(250))
//! })
//! .seek(|offset| offset) // any page can be addressed by its offset…
//! .pages_in_flight(3); //   …so three are fetched at once once the total is known
//! let all: Vec<u64> = listing.items().try_collect().await?;
//! assert_eq!(all, (0..250).collect::<Vec<_>>());
//! # Ok::<(), msp_common::Error>(()) }).unwrap();
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;

use crate::error::{Error, Result};

/// What a page token must be: a value the engine can copy, compare and remember.
/// Implemented for every such type (`u64` offsets, page numbers, cursor strings, a
/// vendor's own enum).
pub trait PageToken: Clone + Eq + Hash + fmt::Debug + Send + Sync + 'static {}

impl<K: Clone + Eq + Hash + fmt::Debug + Send + Sync + 'static> PageToken for K {}

/// What a vendor's fetch function answers for one page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fetched<T, K> {
    /// The items, in order.
    pub items: Vec<T>,
    /// The token of the page after this one; `None` when this is the last page.
    pub next: Option<K>,
    /// The total number of items in the listing, when the server reports it.
    pub total: Option<u64>,
    /// A hash of the raw page (see [`crate::Response::fingerprint`]); a listing whose
    /// server answers two pages with identical bodies ends with an error.
    pub fingerprint: Option<u64>,
}

impl<T, K> Fetched<T, K> {
    /// A page of items that is the last one (set the next page with
    /// [`Fetched::with_next`]).
    pub fn new(items: Vec<T>) -> Self {
        Fetched {
            items,
            next: None,
            total: None,
            fingerprint: None,
        }
    }

    /// Sets the token of the next page.
    #[must_use]
    pub fn with_next(mut self, next: K) -> Self {
        self.next = Some(next);
        self
    }

    /// Sets (or clears) the token of the next page.
    #[must_use]
    pub fn with_next_opt(mut self, next: Option<K>) -> Self {
        self.next = next;
        self
    }

    /// Sets the total reported by the server.
    #[must_use]
    pub fn with_total(mut self, total: u64) -> Self {
        self.total = Some(total);
        self
    }

    /// Sets the page fingerprint.
    #[must_use]
    pub fn with_fingerprint(mut self, fingerprint: u64) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }
}

/// A page fetched but not decoded yet: what the fetch function of
/// [`Paginator::new_undecoded`] answers. The engine decodes it (on the task consuming
/// the listing) when the listing reaches it, so pages fetched ahead hold only their raw
/// bytes.
#[must_use]
pub struct Undecoded<T, K>(Box<dyn FnOnce() -> Result<Fetched<T, K>> + Send>);

impl<T, K> Undecoded<T, K> {
    /// A page that `decode` turns into its items, next token and total.
    pub fn new(decode: impl FnOnce() -> Result<Fetched<T, K>> + Send + 'static) -> Self {
        Undecoded(Box::new(decode))
    }

    /// Decodes the page.
    pub fn decode(self) -> Result<Fetched<T, K>> {
        (self.0)()
    }
}

impl<T: Send + 'static, K: Send + 'static> Undecoded<T, K> {
    /// A page already decoded.
    pub fn ready(fetched: Fetched<T, K>) -> Self {
        Undecoded::new(move || Ok(fetched))
    }
}

impl<T, K> fmt::Debug for Undecoded<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Undecoded(..)")
    }
}

/// One page of a listing, as [`Paginator::pages`] and [`Listing::pages`] yield it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T, K> {
    /// The items, in order.
    pub items: Vec<T>,
    /// The token this page was fetched with (its page number, offset or cursor).
    pub token: K,
    /// 0-based position of the page in the listing.
    pub number: u64,
    /// The total number of items in the listing, when the server reports it.
    pub total: Option<u64>,
}

type FetchFn<T, K> = dyn Fn(K) -> BoxFuture<'static, Result<Undecoded<T, K>>> + Send + Sync;
type SeekFn<K> = dyn Fn(u64) -> K + Send + Sync;

/// A listing, ready to be streamed. See the [module docs](self).
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<T, K> {
    first: K,
    fetch: Arc<FetchFn<T, K>>,
    seek: Option<Arc<SeekFn<K>>>,
    look_ahead: bool,
    pages_in_flight: usize,
    max_items: Option<u64>,
}

impl<T, K: fmt::Debug> fmt::Debug for Paginator<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("first", &self.first)
            .field("seek", &self.seek.is_some())
            .field("look_ahead", &self.look_ahead)
            .field("pages_in_flight", &self.pages_in_flight)
            .field("max_items", &self.max_items)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, K: PageToken> Paginator<T, K> {
    /// A listing that starts with the page of token `first` and fetches each page with
    /// `fetch`.
    pub fn new<F, Fut>(first: K, fetch: F) -> Self
    where
        F: Fn(K) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Fetched<T, K>>> + Send + 'static,
    {
        Paginator::new_undecoded(first, move |token| {
            let page = fetch(token);
            async move { page.await.map(Undecoded::ready) }
        })
    }

    /// A listing whose fetch function answers pages undecoded (the response, with the
    /// way to decode it): each page is decoded only when the listing reaches it, on the
    /// task consuming the listing. With look-ahead or pages in flight, pages requested
    /// ahead then wait as raw bytes, and the peak memory of a listing stays about one
    /// decoded page, however far ahead it reads.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use futures_util::TryStreamExt;
    /// use msp_common::paginate::{Fetched, Paginator, Undecoded};
    ///
    /// let listing = Paginator::new_undecoded(0u32, |page: u32| async move {
    ///     // The request is made here; the body is decoded later, when it is reached.
    ///     let body = format!("[{}, {}]", page * 2, page * 2 + 1);
    ///     Ok(Undecoded::new(move || {
    ///         let items: Vec<u32> =
    ///             serde_json::from_str(&body).map_err(|e| msp_common::Error::protocol(e.to_string()))?;
    ///         Ok(Fetched::new(items).with_next_opt((page < 2).then_some(page + 1)))
    ///     }))
    /// })
    /// .look_ahead(true);
    /// let all: Vec<u32> = listing.items().try_collect().await?;
    /// assert_eq!(all, [0, 1, 2, 3, 4, 5]);
    /// # Ok::<(), msp_common::Error>(()) }).unwrap();
    /// ```
    pub fn new_undecoded<F, Fut>(first: K, fetch: F) -> Self
    where
        F: Fn(K) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Undecoded<T, K>>> + Send + 'static,
    {
        Paginator {
            first,
            fetch: Arc::new(move |token| Box::pin(fetch(token))),
            seek: None,
            look_ahead: false,
            pages_in_flight: 1,
            max_items: None,
        }
    }

    /// How to address the page that starts at item `offset` (0-based, counted from the
    /// first page): with it and a total, [`Paginator::pages_in_flight`] can fetch
    /// several pages at once. Page-number listings map the offset to a number by their
    /// page size; cursor listings cannot seek.
    pub fn seek(mut self, seek: impl Fn(u64) -> K + Send + Sync + 'static) -> Self {
        self.seek = Some(Arc::new(seek));
        self
    }

    /// Requests the next page as soon as the current one arrives, while the caller
    /// consumes it (needs a Tokio runtime; without one, pages are fetched on demand).
    pub fn look_ahead(mut self, on: bool) -> Self {
        self.look_ahead = on;
        self
    }

    /// Once a total is known and pages can be addressed ([`Paginator::seek`]), keeps up
    /// to `n` page requests in flight. Items are still yielded in order.
    pub fn pages_in_flight(mut self, n: usize) -> Self {
        self.pages_in_flight = n.max(1);
        self
    }

    /// Stops after this many items, without requesting pages beyond them.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The stream of pages (empty pages are not yielded).
    pub fn pages(self) -> BoxStream<'static, Result<Page<T, K>>> {
        let mut seen = HashSet::new();
        seen.insert(self.first.clone());
        let state = State {
            next_token: Some(self.first.clone()),
            planned: None,
            in_flight: VecDeque::new(),
            number: 0,
            yielded: 0,
            total: None,
            seen_tokens: seen,
            seen_fingerprints: HashSet::new(),
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

    /// The stream of items, in order. The items of a page are released (those the
    /// caller has not taken, and the page's buffer) before the next page is decoded.
    pub fn items(self) -> BoxStream<'static, Result<T>> {
        Items {
            remaining: self.max_items,
            pages: self.pages(),
            current: Vec::new().into_iter(),
        }
        .boxed()
    }
}

/// The items of a listing, page after page (one stream layer, so an item is moved as
/// few times as it can be on its way to the caller).
struct Items<T, K> {
    pages: BoxStream<'static, Result<Page<T, K>>>,
    current: std::vec::IntoIter<T>,
    /// Items still to yield under [`Paginator::max_items`].
    remaining: Option<u64>,
}

// No field is pinned: the page stream is boxed and the items are owned.
impl<T, K> Unpin for Items<T, K> {}

impl<T, K> futures_util::Stream for Items<T, K> {
    type Item = Result<T>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<T>>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            if this.remaining == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.current.next() {
                if let Some(remaining) = &mut this.remaining {
                    *remaining -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            // This page is done: its memory goes before the next page is decoded.
            this.current = Vec::new().into_iter();
            match this.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(page))) => this.current = page.items.into_iter(),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => return Poll::Ready(None),
            }
        }
    }
}

/// A page request in flight: spawned on the runtime (look-ahead, pages in flight) or a
/// plain future awaited on demand. Dropping it aborts a spawned task.
enum InFlight<T, K> {
    Spawned(tokio::task::JoinHandle<Result<Undecoded<T, K>>>),
    Lazy(BoxFuture<'static, Result<Undecoded<T, K>>>),
}

impl<T, K> Drop for InFlight<T, K> {
    fn drop(&mut self) {
        if let InFlight::Spawned(handle) = self {
            handle.abort();
        }
    }
}

impl<T: Send + 'static, K: Send + 'static> InFlight<T, K> {
    async fn wait(mut self) -> Result<Undecoded<T, K>> {
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

struct State<T, K> {
    paginator: Paginator<T, K>,
    /// The next page to request when pages are discovered one at a time.
    next_token: Option<K>,
    /// The remaining pages, once a total made them known (pages in flight), produced
    /// one at a time so a huge total costs no memory.
    planned: Option<Plan<K>>,
    in_flight: VecDeque<(K, u64, InFlight<T, K>)>,
    number: u64,
    yielded: u64,
    total: Option<u64>,
    seen_tokens: HashSet<K>,
    seen_fingerprints: HashSet<u64>,
    stride: Option<u64>,
    /// An error about what comes after the page just yielded, reported on the next poll.
    pending_error: Option<Error>,
    done: bool,
}

impl<T: Send + 'static, K: PageToken> State<T, K> {
    fn launch(&mut self, token: K, spawn: bool) {
        let number = self.number;
        self.number += 1;
        let fut = (self.paginator.fetch)(token.clone());
        let in_flight = match tokio::runtime::Handle::try_current() {
            Ok(handle) if spawn => InFlight::Spawned(handle.spawn(fut)),
            _ => InFlight::Lazy(fut),
        };
        self.in_flight.push_back((token, number, in_flight));
    }

    /// Starts as many requests as the mode allows.
    fn top_up(&mut self) {
        if self.done || self.limit_reached() {
            return;
        }
        if let Some(planned) = &mut self.planned {
            let window = self.paginator.pages_in_flight;
            let mut to_launch = Vec::new();
            while self.in_flight.len() + to_launch.len() < window {
                match planned.next() {
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

    fn fail(&mut self, err: Error) -> Option<Result<Page<T, K>>> {
        self.done = true;
        self.in_flight.clear();
        Some(Err(err))
    }

    async fn next_page(&mut self) -> Option<Result<Page<T, K>>> {
        if self.done {
            return None;
        }
        if let Some(err) = self.pending_error.take() {
            return self.fail(err);
        }
        if self.in_flight.is_empty() {
            let token = match &mut self.planned {
                Some(planned) => planned.next(),
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
        let (token, number, in_flight) = self.in_flight.pop_front()?;
        // Decoded here, on the consuming task, once the listing has reached the page.
        let fetched = match in_flight.wait().await.and_then(Undecoded::decode) {
            Ok(fetched) => fetched,
            Err(err) => return self.fail(err),
        };
        if fetched.items.is_empty() {
            self.done = true;
            self.in_flight.clear();
            return None;
        }
        if let Some(fp) = fetched.fingerprint
            && !self.seen_fingerprints.insert(fp)
        {
            return self.fail(Error::protocol(format!(
                "the server answered page {token:?} with the same content as an earlier page; stopping instead of looping"
            )));
        }
        if let Some(total) = fetched.total {
            self.total = Some(total);
        }
        let len = fetched.items.len() as u64;
        self.yielded = self.yielded.saturating_add(len);
        let page = Page {
            items: fetched.items,
            token,
            number,
            total: self.total,
        };
        if let Err(err) = self.plan_next(&page.token, fetched.next, len) {
            // The page itself is good: yield it, then report the error.
            self.pending_error = Some(err);
            self.next_token = None;
            self.planned = None;
            return Some(Ok(page));
        }
        if self.limit_reached() {
            self.planned = Some(Plan::empty());
            self.next_token = None;
            self.in_flight.clear();
        }
        self.top_up();
        Some(Ok(page))
    }

    /// Decides what comes after the page of `token`.
    fn plan_next(&mut self, token: &K, next: Option<K>, len: u64) -> Result<()> {
        if self.planned.is_some() {
            return Ok(());
        }
        let stride = *self.stride.get_or_insert(len);
        if let Some(next) = &next
            && !self.seen_tokens.insert(next.clone())
        {
            return Err(Error::protocol(format!(
                "the server pointed from page {token:?} back to {next:?}, a page already fetched; stopping instead of looping"
            )));
        }
        self.next_token = next;
        // With a total, a way to address pages, and more than one page in flight, every
        // remaining page is known now: those up to the total, or to the limit.
        let wanted = match (self.total, self.paginator.max_items) {
            (Some(total), Some(max)) => Some(total.min(max)),
            (total, _) => total,
        };
        if let (Some(wanted), Some(seek), true) = (
            wanted,
            self.paginator.seek.clone(),
            self.paginator.pages_in_flight > 1,
        ) && self.yielded < wanted
            && stride > 0
            && self.next_token.is_some()
        {
            self.next_token = None;
            self.planned = Some(Plan {
                offset: self.yielded,
                end: wanted,
                stride,
                seek: Some(seek),
            });
        }
        Ok(())
    }
}

/// The pages still to fetch once the total is known: the pages starting at `offset`,
/// `offset + stride`, … up to `end`, addressed by `seek`.
struct Plan<K> {
    offset: u64,
    end: u64,
    stride: u64,
    seek: Option<Arc<SeekFn<K>>>,
}

impl<K> Plan<K> {
    fn empty() -> Self {
        Plan {
            offset: 0,
            end: 0,
            stride: 1,
            seek: None,
        }
    }

    fn next(&mut self) -> Option<K> {
        let seek = self.seek.as_ref()?;
        if self.offset >= self.end {
            return None;
        }
        let token = seek(self.offset);
        self.offset = self.offset.saturating_add(self.stride.max(1));
        Some(token)
    }
}

/// Settings every listing of every vendor crate shares, under the same names; held by
/// each vendor's list builder and set through [`Listing`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// Stop after this many records ([`Listing::limit`]).
    pub limit: Option<u64>,
    /// Records per page ([`Listing::page_size`]); `None` is the vendor's default.
    pub page_size: Option<u32>,
    /// Whether the next page is fetched while the current one is consumed
    /// ([`Listing::look_ahead`]); `None` is the vendor's default.
    pub look_ahead: Option<bool>,
    /// How many pages may be in flight at once ([`Listing::pages_in_flight`]; 0 and 1
    /// mean one at a time).
    pub pages_in_flight: usize,
}

impl ListOptions {
    /// Applies these options to a paginator: the limit, look-ahead (`default_look_ahead`
    /// when unset) and pages in flight.
    pub fn apply<T: Send + 'static, K: PageToken>(
        &self,
        paginator: Paginator<T, K>,
        default_look_ahead: bool,
    ) -> Paginator<T, K> {
        let mut paginator = paginator
            .look_ahead(self.look_ahead.unwrap_or(default_look_ahead))
            .pages_in_flight(self.pages_in_flight);
        if let Some(limit) = self.limit {
            paginator = paginator.max_items(limit);
        }
        paginator
    }

    /// The page size to request: the one set, or `default`, and never more records than
    /// the limit asks for.
    pub fn effective_page_size(&self, default: u32) -> u32 {
        let size = self.page_size.unwrap_or(default);
        match self.limit {
            Some(limit) => size.min(u32::try_from(limit.max(1)).unwrap_or(u32::MAX)),
            None => size,
        }
    }
}

/// The one list surface of every vendor crate: a list builder holds [`ListOptions`] and
/// turns itself into a [`Paginator`]; everything else — the common setters and the ways
/// to consume the listing — is provided here once.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use msp_common::paginate::{Fetched, ListOptions, Listing, Paginator};
///
/// struct Numbers { options: ListOptions }
/// impl Listing for Numbers {
///     type Item = u32;
///     type Token = u32;
///     fn options_mut(&mut self) -> &mut ListOptions { &mut self.options }
///     fn paginator(self) -> msp_common::Result<Paginator<u32, u32>> {
///         let size = self.options.effective_page_size(10);
///         let paginator = Paginator::new(0, move |from: u32| async move {
///             let items: Vec<u32> = (from..35.min(from + size)).collect();
///             Ok(Fetched::new(items).with_next(from + size))
///         });
///         Ok(self.options.apply(paginator, false))
///     }
/// }
///
/// let first: Vec<u32> = Numbers { options: ListOptions::default() }.limit(12).collect().await?;
/// assert_eq!(first, (0..12).collect::<Vec<_>>());
/// # Ok::<(), msp_common::Error>(()) }).unwrap();
/// ```
pub trait Listing: Sized + Send + 'static {
    /// The record type.
    type Item: Send + 'static;
    /// What the vendor pages by (page number, offset, cursor).
    type Token: PageToken;

    /// The shared settings.
    fn options_mut(&mut self) -> &mut ListOptions;

    /// The paginator for this listing, with the settings applied. Fails when the
    /// listing cannot be sent as configured (nothing is sent then).
    fn paginator(self) -> Result<Paginator<Self::Item, Self::Token>>;

    /// Stops after `n` records; pages ask for no more records than that.
    fn limit(mut self, n: u64) -> Self {
        self.options_mut().limit = Some(n);
        self
    }

    /// Records per page (each vendor has its own default and maximum).
    fn page_size(mut self, n: u32) -> Self {
        self.options_mut().page_size = Some(n);
        self
    }

    /// Whether the next page is requested while the current one is consumed.
    fn look_ahead(mut self, on: bool) -> Self {
        self.options_mut().look_ahead = Some(on);
        self
    }

    /// Keeps up to `n` page requests in flight once the total is known (ConnectWise
    /// asks `/count` first for it). Records are still yielded in order.
    fn pages_in_flight(mut self, n: usize) -> Self {
        self.options_mut().pages_in_flight = n;
        self
    }

    /// Every record, lazily, page after page.
    fn stream(self) -> BoxStream<'static, Result<Self::Item>> {
        match self.paginator() {
            Ok(paginator) => paginator.items(),
            Err(err) => stream::once(async move { Err(err) }).boxed(),
        }
    }

    /// Every page with its metadata (token, position, total when known).
    fn pages(self) -> BoxStream<'static, Result<Page<Self::Item, Self::Token>>> {
        match self.paginator() {
            Ok(paginator) => paginator.pages(),
            Err(err) => stream::once(async move { Err(err) }).boxed(),
        }
    }

    /// Every record, collected.
    fn collect(self) -> BoxFuture<'static, Result<Vec<Self::Item>>> {
        let stream = self.stream();
        Box::pin(stream.try_collect())
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
}
