//! Fault injection for the vendor simulators: added latency and a rate of failed
//! answers, decided per request by a seeded generator so a run is reproducible.
//!
//! Each vendor crate's simulator takes a [`Chaos`] and turns a failure into its vendor's
//! error shape; this module only decides.
//!
//! ```
//! use std::time::Duration;
//! use msp_common::chaos::Chaos;
//!
//! let chaos = Chaos::new(Duration::from_millis(5), 0.25).seed(42);
//! let decisions: Vec<_> = (0..1000).map(|_| chaos.decide()).collect();
//! let failed = decisions.iter().filter(|d| d.fail).count();
//! assert!((200..300).contains(&failed), "about a quarter fail: {failed}");
//! assert!(decisions.iter().all(|d| d.delay == Duration::from_millis(5)));
//! assert_eq!(Chaos::none().decide().fail, false);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How a simulator misbehaves.
#[derive(Debug)]
pub struct Chaos {
    latency: Duration,
    fault_rate: f64,
    state: AtomicU64,
}

impl Clone for Chaos {
    fn clone(&self) -> Self {
        Chaos {
            latency: self.latency,
            fault_rate: self.fault_rate,
            state: AtomicU64::new(self.state.load(Ordering::Relaxed)),
        }
    }
}

impl Default for Chaos {
    fn default() -> Self {
        Chaos::none()
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// How long to wait before answering.
    pub delay: Duration,
    /// Whether to answer with a retryable failure (503 with `Retry-After: 1`) instead.
    pub fail: bool,
}

impl Chaos {
    /// No latency, no failures.
    pub fn none() -> Self {
        Chaos::new(Duration::ZERO, 0.0)
    }

    /// `latency` on every answer and a `fault_rate` (0.0 to 1.0) of failed answers.
    pub fn new(latency: Duration, fault_rate: f64) -> Self {
        Chaos {
            latency,
            fault_rate: if fault_rate.is_finite() {
                fault_rate.clamp(0.0, 1.0)
            } else {
                0.0
            },
            state: AtomicU64::new(0x9E37_79B9_7F4A_7C15),
        }
    }

    /// Seeds the generator (the default seed is fixed, so runs repeat anyway).
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        self.state
            .store(seed ^ 0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        self
    }

    /// The latency added to every answer.
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// The fraction of answers that fail.
    pub fn fault_rate(&self) -> f64 {
        self.fault_rate
    }

    /// Decides the fate of the next request.
    pub fn decide(&self) -> Decision {
        let fail = self.fault_rate > 0.0 && {
            // SplitMix64 step on a shared counter: cheap, lock-free, reproducible.
            let x = self.state.fetch_add(GOLDEN_GAMMA, Ordering::Relaxed);
            unit(splitmix64(x.wrapping_add(GOLDEN_GAMMA))) < self.fault_rate
        };
        Decision {
            delay: self.latency,
            fail,
        }
    }
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a well-mixed 64-bit value from a counter.
fn splitmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform value in `[0, 1)` from 64 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The one seeded generator of the workspace (SplitMix64): the simulators draw their
/// seeded data and their random faults from it, so a seed reproduces a run. Not for
/// anything secret.
///
/// ```
/// use msp_common::chaos::Prng;
///
/// let mut a = Prng::new(7);
/// let mut b = Prng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// assert!((0.0..1.0).contains(&a.next_f64()));
/// assert_eq!(*Prng::new(1).pick(&["only"]), "only");
/// ```
#[derive(Debug, Clone)]
pub struct Prng {
    state: u64,
}

impl Prng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Prng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        splitmix64(self.state)
    }

    /// A uniform value in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// A uniform value in `[0, n)` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: uniform enough for test data, no division.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Whether an event of probability `p` happens.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// One element of a non-empty slice.
    ///
    /// # Panics
    /// When `items` is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i]
    }
}
