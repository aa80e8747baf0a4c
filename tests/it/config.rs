//! Configuration: the committed file is the documented defaults, the environment overrides
//! it, secrets never show.
// figment::Jail closures return figment::Error, which is large.
#![allow(clippy::result_large_err)]

use std::path::Path;

use dondoc::config::Config;
use dondoc::domain::calendar::default_templates;
use secrecy::ExposeSecret;

fn committed_file() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/dondoc.toml")
}

#[test]
fn committed_file_states_the_defaults() {
    figment::Jail::expect_with(|_jail| {
        let from_file = Config::from_figment(Config::figment(Some(&committed_file())))
            .map_err(|e| e.to_string())?;
        let defaults = Config::default();
        assert_eq!(
            from_file.database.url.expose_secret(),
            defaults.database.url.expose_secret()
        );
        assert_eq!(
            from_file.database.max_connections,
            defaults.database.max_connections
        );
        assert_eq!(
            from_file.database.busy_timeout_ms,
            defaults.database.busy_timeout_ms
        );
        assert_eq!(from_file.province.time_zone, defaults.province.time_zone);
        assert_eq!(from_file.province.language, defaults.province.language);
        assert_eq!(
            from_file.import.max_file_bytes,
            defaults.import.max_file_bytes
        );
        assert_eq!(from_file.log.filter, defaults.log.filter);
        assert_eq!(from_file.log.format, defaults.log.format);
        assert_eq!(from_file.http.listen, defaults.http.listen);
        assert_eq!(from_file.calendar.periods, default_templates());
        assert_eq!(
            from_file.schedule.pass.expression,
            defaults.schedule.pass.expression
        );
        assert_eq!(
            from_file.schedule.digest.expression,
            defaults.schedule.digest.expression
        );
        assert_eq!(
            from_file.schedule.working_hours,
            defaults.schedule.working_hours
        );
        assert_eq!(
            from_file.schedule.reminder_policy(),
            defaults.schedule.reminder_policy()
        );
        assert_eq!(from_file.escalation, defaults.escalation);
        assert_eq!(from_file.hotline.categories, defaults.hotline.categories);
        assert_eq!(
            format!("{:?}", from_file.outbox),
            format!("{:?}", defaults.outbox)
        );
        assert_eq!(from_file.hotline.clocks, defaults.hotline.clocks);
        assert_eq!(from_file.hotline.categories, defaults.hotline.categories);
        Ok(())
    });
}

#[test]
fn environment_overrides_and_secrets_stay_hidden() {
    figment::Jail::expect_with(|jail| {
        jail.set_env(
            "DONDOC_DATABASE__URL",
            "postgres://dondoc:hunter2@db.local/dondoc",
        );
        jail.set_env("DONDOC_TELEGRAM__BOT_TOKEN", "123456:SECRET-TOKEN");
        jail.set_env("DONDOC_PROVINCE__LANGUAGE", "en");
        // Not configuration: must not be mistaken for a key.
        jail.set_env("DONDOC_TEST_POSTGRES_URL", "postgres://x");
        let config = Config::from_figment(Config::figment(Some(&committed_file())))
            .map_err(|e| e.to_string())?;
        assert_eq!(
            config.database.url.expose_secret(),
            "postgres://dondoc:hunter2@db.local/dondoc"
        );
        assert_eq!(config.province.language, dondoc::messages::Lang::En);
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("SECRET-TOKEN"), "{debug}");
        assert_eq!(
            config.database.redacted_url(),
            "postgres://dondoc:***@db.local/dondoc"
        );
        Ok(())
    });
}

#[test]
fn typos_and_bad_values_are_refused() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("typo.toml", "[database]\nurll = \"sqlite://x.db\"\n")?;
        assert!(Config::from_figment(Config::figment(Some(Path::new("typo.toml")))).is_err());
        jail.create_file("zone.toml", "[province]\ntime_zone = \"Mars/Olympus\"\n")?;
        assert!(Config::from_figment(Config::figment(Some(Path::new("zone.toml")))).is_err());
        jail.create_file("due.toml", "[[calendar.periods]]\nkey = \"q1\"\nlabel = \"Q1\"\ndue = \"02-30\"\nowed_by = \"communes\"\n")?;
        assert!(Config::from_figment(Config::figment(Some(Path::new("due.toml")))).is_err());
        Ok(())
    });
}

#[test]
fn a_lease_shorter_than_a_send_is_refused() {
    use figment::providers::{Format, Toml};
    let file = "[outbox]\nrequest_timeout_secs = 20\nlease_secs = 15\n";
    let error = dondoc::config::Config::from_figment(figment::Figment::from(Toml::string(file)))
        .expect_err("refused");
    assert!(
        error.to_string().contains(
            "outbox.lease_secs: (15 s) must be longer than outbox.request_timeout_secs (20 s)"
        ),
        "{error}"
    );
}

#[test]
fn the_acknowledgement_clock_start_is_one_of_two_values() {
    use dondoc::domain::case::AckFrom;
    use figment::providers::{Format, Toml};
    let read = |file: &str| Config::from_figment(figment::Figment::from(Toml::string(file)));
    let config = read("[hotline.clocks]\nack_from = \"received\"\n").expect("accepted");
    assert_eq!(config.hotline.clocks.ack_from, AckFrom::Received);
    let config = read("").expect("defaults");
    assert_eq!(config.hotline.clocks.ack_from, AckFrom::NextOpening);
    let error = read("[hotline.clocks]\nack_from = \"monday\"\n").expect_err("refused");
    assert!(format!("{error:#}").contains("ack_from"), "{error:#}");
}
