//! The load-and-fault harness in small (`tests/support/province.rs`; the long runs are
//! `cargo bench --bench province`, figures in BENCHMARKS.md and RELIABILITY.md): a province of
//! communes answers its reminders while the fake Bot API server injects 429s, slow answers
//! and dropped connections and some heads have blocked the bot — then the same with
//! `dondoc serve` killed (SIGKILL) and restarted at random moments. Nothing may be lost, and
//! nothing sent twice beyond what an ambiguous send explains. On SQLite and Postgres.

use crate::support;

use std::time::Duration;

use support::fake_telegram::FaultRates;
use support::province::{self, Plan};
use support::test_dbs;

fn faults() -> FaultRates {
    FaultRates {
        seed: 11,
        retry_after: 0.02,
        max_retry_after: 1,
        server_error: 0.0,
        slow: 0.02,
        slow_delay: Duration::from_millis(1_500),
        dropped: 0.03,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_province_under_faults_loses_nothing() {
    for db in test_dbs().await {
        let plan = Plan {
            faults: faults(),
            blocked_every: 10,
            ..Plan::quick(40)
        };
        let outcome = province::run(&db.config, db.name, &plan).await;
        outcome.print();
        assert!(outcome.is_clean(), "{}: {outcome:?}", db.name);
        assert_eq!(
            outcome.replies, 36,
            "{}: every head who can be reached answered",
            db.name
        );
        assert!(
            outcome.parked >= 4,
            "the 4 who blocked the bot: {outcome:?}"
        );
        assert_eq!(outcome.unconfirmed, 0);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_served_by_a_process_killed_again_and_again_loses_nothing() {
    for db in test_dbs().await {
        let plan = Plan {
            faults: faults(),
            processes: 1,
            kill_between: Some((Duration::from_millis(500), Duration::from_millis(1_500))),
            max_kills: 5,
            binary: Some(env!("CARGO_BIN_EXE_dondoc").into()),
            reply_spread: Duration::from_secs(4),
            ..Plan::quick(30)
        };
        let outcome = province::run(&db.config, db.name, &plan).await;
        outcome.print();
        assert!(outcome.kills >= 3, "{}: {outcome:?}", db.name);
        assert!(outcome.is_clean(), "{}: {outcome:?}", db.name);
        assert_eq!(outcome.replies, 30, "{}", db.name);
        assert!(
            outcome.duplicated_ambiguous
                <= outcome.kills + outcome.injected.get("slow").copied().unwrap_or(0),
            "{outcome:?}"
        );
        db.finish().await;
    }
}

/// Heads answer within a second of their reminder, some with a button and then a text, while
/// the fake refuses anything over Telegram's limits: the bot's confirmations and questions
/// share the outbox's pacing, so none is refused (before, a confirmation sent at once after
/// the reminder earned a 429 from the one-a-second-per-chat limit and paused the outbox).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_and_reminders_together_keep_telegrams_limits() {
    for db in test_dbs().await {
        let plan = Plan {
            reply_spread: Duration::from_millis(800),
            ..Plan::quick(60)
        };
        let outcome = province::run(&db.config, db.name, &plan).await;
        outcome.print();
        assert!(outcome.is_clean(), "{}: {outcome:?}", db.name);
        assert_eq!(outcome.replies, 60, "{}", db.name);
        assert_eq!(
            outcome.limit_429s, 0,
            "{}: a send refused for Telegram's limits: {outcome:?}",
            db.name
        );
        db.finish().await;
    }
}
