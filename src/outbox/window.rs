//! How many messages the sender keeps in flight. One at a time, a sender far from Telegram
//! waits a whole round trip between two sends: at 150 ms that is 6.5 messages a second, not
//! 30. So the sender measures the round trip of each call Telegram answers and keeps
//! `rate × round trip` messages in flight (with a quarter and two more for the jitter), never
//! more than `outbox.max_in_flight`. The pacer still spaces the sends: the window only keeps
//! the next slot from waiting for an answer. A crash may send again what was in flight, so
//! the window is also the bound on duplicates: small when Telegram is near.

use std::time::Duration;

/// The round trip estimate follows a rise at once by half (a slower Telegram needs more in
/// flight now) and a fall by an eighth (one quick answer does not shrink the window).
#[derive(Debug, Clone)]
pub struct Window {
    rate: f64,
    ceiling: usize,
    round_trip: Option<Duration>,
}

impl Window {
    /// Headroom over `rate × round trip`: the round trip varies from call to call, and an
    /// answer is settled (a database write) a little after it arrives.
    const HEADROOM: f64 = 1.25;
    const SPARE: usize = 2;

    /// A window for `rate` messages a second, at most `ceiling` in flight. Before the first
    /// answer it is one message.
    pub fn new(rate: f64, ceiling: usize) -> Self {
        Self {
            rate: if rate.is_finite() { rate.max(0.0) } else { 0.0 },
            ceiling: ceiling.max(1),
            round_trip: None,
        }
    }

    /// A call was answered `took` after it started.
    pub fn observe(&mut self, took: Duration) {
        self.round_trip = Some(match self.round_trip {
            None => took,
            Some(estimate) if took > estimate => estimate + (took - estimate) / 2,
            Some(estimate) => estimate - (estimate - took) / 8,
        });
    }

    /// The round trip as measured so far.
    pub fn round_trip(&self) -> Option<Duration> {
        self.round_trip
    }

    /// How many messages may be in flight now.
    pub fn size(&self) -> usize {
        let Some(round_trip) = self.round_trip else {
            return 1;
        };
        let needed = (self.rate * round_trip.as_secs_f64() * Self::HEADROOM).ceil();
        // `as` saturates; the ceiling bounds it anyway.
        let needed = needed as usize;
        needed.saturating_add(Self::SPARE).clamp(1, self.ceiling)
    }

    /// The most the window can be.
    pub fn ceiling(&self) -> usize {
        self.ceiling
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn one_in_flight_until_telegram_answers() {
        assert_eq!(Window::new(29.5, 32).size(), 1);
    }

    #[test]
    fn keeps_rate_times_round_trip_in_flight() {
        for (round_trip, least) in [(0, 1), (50, 2), (150, 5), (300, 9)] {
            let mut window = Window::new(29.5, 64);
            window.observe(ms(round_trip));
            let size = window.size();
            // Enough for the rate over the round trip, and not many more.
            assert!(size > least, "{round_trip} ms: {size}");
            assert!(size <= least * 5 / 4 + 4, "{round_trip} ms: {size}");
        }
    }

    #[test]
    fn never_more_than_the_ceiling() {
        let mut window = Window::new(29.5, 8);
        window.observe(Duration::from_secs(5));
        assert_eq!(window.size(), 8);
        let mut one = Window::new(29.5, 0);
        one.observe(ms(300));
        assert_eq!(one.size(), 1, "a ceiling of 0 is read as 1");
    }

    #[test]
    fn follows_a_rise_fast_and_a_fall_slowly() {
        let mut window = Window::new(29.5, 64);
        window.observe(ms(10));
        let near = window.size();
        for _ in 0..6 {
            window.observe(ms(300));
        }
        let far = window.round_trip().expect("measured");
        assert!(far >= ms(290), "six answers at 300 ms: {far:?}");
        assert!(window.size() > near);
        window.observe(ms(10));
        let after_one = window.round_trip().expect("measured");
        assert!(after_one >= ms(250), "one quick answer: {after_one:?}");
        for _ in 0..60 {
            window.observe(ms(10));
        }
        assert_eq!(window.size(), near, "back near: the window shrinks again");
    }
}
