//! Retries: when a failed call is sent again, and how long to wait first.
//!
//! The rule, shared by every vendor crate:
//! - **Idempotent calls** (reads, whatever their method, and calls marked
//!   [`crate::Call::idempotent`]) are retried on transport errors, timeouts and the
//!   statuses 408, 429, 502, 503 and 504 — and on a vendor's retryable error inside a
//!   success status ([`crate::Service::check`]).
//! - **Writes** are sent **once** whenever the server may have acted on them: a replayed
//!   write can run a remote command twice or check a credential out twice. They are
//!   replayed only when the server refused them *before* acting: a `429 Too Many
//!   Requests` (waiting as asked), or a `401` answered by a fresh sign-in
//!   ([`crate::Service::renew`]; at most one per call).
//! - The wait before retry `n` (0-based) is "full jitter": a uniformly random duration in
//!   `[0, min(max_delay, base_delay × 2ⁿ)]`. When the server sends `Retry-After` (seconds
//!   or an HTTP-date) that delay is used instead, clamped to `max_delay`.
//! - No retry starts if it would end past the policy's total time budget.
//!
//! Randomness ([`Jitter`]) and time ([`Clock`]) are injectable so tests are deterministic
//! and do not sleep.
//!
//! ```
//! use std::time::Duration;
//! use msp_common::RetryPolicy;
//!
//! let policy = RetryPolicy::default()
//!     .with_max_attempts(5)
//!     .with_base_delay(Duration::from_millis(100))
//!     .with_max_delay(Duration::from_secs(10))
//!     .with_budget(Some(Duration::from_secs(30)));
//! assert_eq!(policy.max_attempts(), 5);
//! assert_eq!(RetryPolicy::none().max_attempts(), 1);
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

/// How often and how patiently a call is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    budget: Option<Duration>,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// Three attempts, 500 ms base delay, 30 s cap, full jitter, a 2-minute budget.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            budget: Some(Duration::from_secs(120)),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets how many times a request may be sent in all (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the delay the exponential backoff starts from.
    #[must_use]
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest single wait, which also clamps `Retry-After`.
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the total time after which no retry starts (`None`: no budget).
    #[must_use]
    pub fn with_budget(mut self, budget: Option<Duration>) -> Self {
        self.budget = budget;
        self
    }

    /// Turns full jitter off: waits are exactly `min(max_delay, base_delay × 2ⁿ)`.
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// How many times a request may be sent in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay the exponential backoff starts from.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest single wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The total time budget.
    pub fn budget(&self) -> Option<Duration> {
        self.budget
    }

    /// The backoff before retry number `retry` (0 for the first retry), without
    /// `Retry-After`: full jitter over `[0, min(max_delay, base_delay × 2^retry)]`.
    pub fn backoff(&self, retry: u32, jitter: &dyn Jitter) -> Duration {
        let exp = 2u32.saturating_pow(retry.min(31));
        let ceiling = self
            .base_delay
            .checked_mul(exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        if self.jitter {
            ceiling.mul_f64(jitter.fraction().clamp(0.0, 1.0))
        } else {
            ceiling
        }
    }

    /// The wait before retry number `retry`: the server's `Retry-After` clamped to
    /// `max_delay` when it sent one, the jittered backoff otherwise.
    pub fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        jitter: &dyn Jitter,
    ) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_delay),
            None => self.backoff(retry, jitter),
        }
    }

    /// Whether a retry that would wait `delay` after `elapsed` of the call fits the budget.
    pub fn fits_budget(&self, elapsed: Duration, delay: Duration) -> bool {
        self.budget
            .is_none_or(|budget| elapsed.saturating_add(delay) <= budget)
    }
}

/// Whether a status is worth retrying for an idempotent call: 408, 429, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether calls with this method are replayed by default: GET, HEAD, OPTIONS and TRACE.
///
/// PUT and DELETE are idempotent in HTTP's sense, but the vendors use them for check-ins
/// and state changes whose repetition a caller should decide on: mark such a call with
/// [`crate::Request::idempotent`] to have it retried.
pub fn is_idempotent_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Parses a `Retry-After` value: delta-seconds (`"120"`) or an HTTP-date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, also the obsolete RFC 850 and asctime forms),
/// relative to `now`. A date in the past gives zero; garbage gives `None`.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use msp_common::retry::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50 GMT
/// assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
/// assert_eq!(
///     parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
///     Some(Duration::from_secs(10))
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate instead of failing.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at: SystemTime = if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
        date.into()
    } else {
        let naive = ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
            .iter()
            .find_map(|fmt| chrono::NaiveDateTime::parse_from_str(value, fmt).ok())?;
        naive.and_utc().into()
    };
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A boxed, sendable future, as returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The source of time for retries: the current wall-clock time (for HTTP-date
/// `Retry-After` values and the budget) and sleeping.
pub trait Clock: fmt::Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The real clock: [`SystemTime::now`] and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: sleeping returns at once and advances its time, and every sleep is
/// recorded, so a test can assert exactly how long the client would have waited.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use msp_common::retry::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.sleep(Duration::from_secs(5)).await;
/// assert_eq!(clock.now().duration_since(start).unwrap(), Duration::from_secs(5));
/// assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    now: SystemTime,
    sleeps: Vec<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock starting at 2025-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self::starting_at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600))
    }

    /// A clock starting at `now`.
    pub fn starting_at(now: SystemTime) -> Self {
        ManualClock {
            state: Arc::new(Mutex::new(ManualState {
                now,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Moves the clock forward without recording a sleep.
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.now += by;
    }

    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .sleeps
            .clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).now
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.now += duration;
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// The randomness behind full jitter.
pub trait Jitter: fmt::Debug + Send + Sync {
    /// A uniformly distributed value in `[0, 1)`.
    fn fraction(&self) -> f64;
}

/// Jitter from the thread-local random generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn fraction(&self) -> f64 {
        rand::random::<f64>()
    }
}

/// Jitter that always returns the same fraction (for tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn fraction(&self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_backoff_is_bounded_and_capped() {
        let p = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(1));
        assert_eq!(p.backoff(0, &FixedJitter(0.5)), Duration::from_millis(50));
        assert_eq!(p.backoff(2, &FixedJitter(1.0)), Duration::from_millis(400));
        assert_eq!(p.backoff(10, &FixedJitter(1.0)), Duration::from_secs(1));
        assert_eq!(
            p.backoff(u32::MAX, &FixedJitter(1.0)),
            Duration::from_secs(1)
        );
        assert_eq!(p.backoff(3, &FixedJitter(0.0)), Duration::ZERO);
        let plain = p.clone().with_jitter(false);
        assert_eq!(
            plain.backoff(1, &FixedJitter(0.0)),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn retry_after_wins_and_is_clamped() {
        let p = RetryPolicy::default().with_max_delay(Duration::from_secs(10));
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3)), &FixedJitter(0.0)),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3600)), &FixedJitter(0.0)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn budget() {
        let p = RetryPolicy::default().with_budget(Some(Duration::from_secs(5)));
        assert!(p.fits_budget(Duration::from_secs(2), Duration::from_secs(3)));
        assert!(!p.fits_budget(Duration::from_secs(3), Duration::from_secs(3)));
        assert!(
            p.with_budget(None)
                .fits_budget(Duration::MAX, Duration::MAX)
        );
    }

    #[test]
    fn methods_and_statuses() {
        assert!(is_idempotent_method(&Method::GET));
        for m in [Method::POST, Method::PATCH, Method::PUT, Method::DELETE] {
            assert!(!is_idempotent_method(&m), "{m}");
        }
        for s in [408, 429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [400, 401, 403, 404, 409, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let later = Some(Duration::from_secs(0));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            later
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            later
        );
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:37 1994", now), later);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after(" 42 ", now),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
