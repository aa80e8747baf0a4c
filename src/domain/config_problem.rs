//! A configuration value that cannot work: found by `Config::problems` (in `config`), said by
//! `messages::OpsText`. A plain value, so `messages` need not import `config`.

/// One configuration value that cannot work, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The key as the file writes it: `outbox.lease_secs`.
    pub key: &'static str,
    pub kind: ProblemKind,
}

/// What is wrong with a value (rendered for people by `messages::OpsText::ConfigProblem`;
/// in English by `ConfigProblem`'s `Display`, in `config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    AtLeastOne,
    Positive,
    LeaseTooShort,
    LeaseNotOverSend {
        lease: u64,
        timeout: u64,
    },
    KeepTooShort {
        least: u32,
    },
    KeepTooLong,
    InFlightTooMany {
        most: usize,
    },
    UnknownDatabase,
    SchemaName,
    Ladder(String),
    NoCategory,
    TokenShape,
    NotUrl,
    NotHttps,
    NotAddress,
    WebhookWithoutToken,
    SameAsWebhook,
    NeverRuns,
    LogFilter,
    /// A Zalo bot token not of the form `BOT_ID:SECRET`.
    ZaloTokenShape,
    /// A Zalo webhook address that is not https (Zalo pushes over HTTPS only).
    ZaloNotHttps,
    /// A webhook secret outside 8–256 characters (Zalo refuses it in `setWebhook`).
    SecretLength,
    /// `http.listen` on the address of `zalo.webhook_listen`.
    SameAsZaloWebhook,
}
