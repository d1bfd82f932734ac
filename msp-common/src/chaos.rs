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
            let x = self
                .state
                .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
            let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ((z >> 11) as f64 / (1u64 << 53) as f64) < self.fault_rate
        };
        Decision {
            delay: self.latency,
            fail,
        }
    }
}
