//! Why a database could not be opened, as plain data: the store classifies sqlx's error
//! (`store::ConnectFailure::classify`), the catalogue words it.

/// Why a database could not be opened, as the person who runs dondoc can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectFailure {
    #[error("connection refused at {address}")]
    Refused { address: String },
    #[error("no answer from {address} within {secs} s")]
    NoAnswer { address: String, secs: u64 },
    #[error("password authentication failed for user {user:?}")]
    BadPassword { user: String },
    #[error("database {database:?} does not exist")]
    NoDatabase { database: String },
    #[error("{0}")]
    Other(String),
}
