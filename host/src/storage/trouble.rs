//! Which database errors are trouble with the database itself (it is down, busy,
//! read-only or full) rather than with one request. Those answer 503 with
//! `Retry-After` and make `/health` say so at once; any other error stays a 500.

use serde::Serialize;
use utoipa::ToSchema;

/// Trouble with the database as a whole, as one failed statement reveals it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseTrouble {
    /// The connection broke or the server is going away: the outcome of a write in
    /// flight is unknown, a read can be asked again.
    ConnectionLost,
    /// No connection came free in time (the server is down, or every connection is busy).
    Busy,
    /// The database refuses writes (a read-only file or connection).
    ReadOnly,
    /// The disk holding the database is full.
    DiskFull,
}

impl DatabaseTrouble {
    /// The `detail` clients see.
    pub fn detail(self) -> &'static str {
        match self {
            DatabaseTrouble::ConnectionLost => "Database connection lost; try again shortly",
            DatabaseTrouble::Busy => "Database busy or unavailable; try again shortly",
            DatabaseTrouble::ReadOnly => "Database is read-only; changes cannot be saved right now",
            DatabaseTrouble::DiskFull => "Database disk is full; changes cannot be saved right now",
        }
    }

    /// Whether reads still work while this lasts (the database only refuses writes).
    pub fn refuses_only_writes(self) -> bool {
        matches!(self, DatabaseTrouble::ReadOnly | DatabaseTrouble::DiskFull)
    }
}

/// The database trouble `error` shows, or `None` for an error of one statement
/// (a constraint, bad SQL, a value the column refuses).
pub fn classify(error: &sqlx::Error) -> Option<DatabaseTrouble> {
    match error {
        sqlx::Error::PoolTimedOut => Some(DatabaseTrouble::Busy),
        sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Some(DatabaseTrouble::ConnectionLost),
        sqlx::Error::Database(error) => {
            let code = error.code()?;
            if error
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                postgres_trouble(&code)
            } else {
                // SQLite reports its (extended) result code as a number.
                sqlite_trouble(code.parse().ok()?)
            }
        }
        _ => None,
    }
}

/// PostgreSQL SQLSTATEs that are about the server, not the statement.
fn postgres_trouble(sqlstate: &str) -> Option<DatabaseTrouble> {
    match sqlstate {
        // 08: connection exception; 57P01/02/03: administrator or crash shutdown,
        // cannot connect now; 53300: too many connections.
        code if code.starts_with("08") => Some(DatabaseTrouble::ConnectionLost),
        "57P01" | "57P02" | "57P03" => Some(DatabaseTrouble::ConnectionLost),
        "53300" => Some(DatabaseTrouble::Busy),
        // 53100: disk full.
        "53100" => Some(DatabaseTrouble::DiskFull),
        // 25006: read-only SQL transaction (a standby, or default_transaction_read_only).
        "25006" => Some(DatabaseTrouble::ReadOnly),
        _ => None,
    }
}

/// SQLite result codes (the primary code is the low byte of an extended one).
fn sqlite_trouble(code: i32) -> Option<DatabaseTrouble> {
    match code & 0xff {
        // SQLITE_BUSY, SQLITE_LOCKED: another writer held the lock past the busy timeout.
        5 | 6 => Some(DatabaseTrouble::Busy),
        // SQLITE_READONLY.
        8 => Some(DatabaseTrouble::ReadOnly),
        // SQLITE_IOERR, SQLITE_CANTOPEN.
        10 | 14 => Some(DatabaseTrouble::ConnectionLost),
        // SQLITE_FULL.
        13 => Some(DatabaseTrouble::DiskFull),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_server_states_are_trouble_and_statement_errors_are_not() {
        assert_eq!(
            postgres_trouble("57P01"),
            Some(DatabaseTrouble::ConnectionLost)
        );
        assert_eq!(
            postgres_trouble("08006"),
            Some(DatabaseTrouble::ConnectionLost)
        );
        assert_eq!(postgres_trouble("53100"), Some(DatabaseTrouble::DiskFull));
        assert_eq!(postgres_trouble("25006"), Some(DatabaseTrouble::ReadOnly));
        // unique_violation, invalid_text_representation, character_not_in_repertoire
        for statement_error in ["23505", "22P02", "22021"] {
            assert_eq!(postgres_trouble(statement_error), None, "{statement_error}");
        }
    }

    #[test]
    fn sqlite_extended_codes_fold_to_their_primary_code() {
        // SQLITE_READONLY_DBMOVED (1032), SQLITE_IOERR_WRITE (778), SQLITE_BUSY_SNAPSHOT (517)
        assert_eq!(sqlite_trouble(1032), Some(DatabaseTrouble::ReadOnly));
        assert_eq!(sqlite_trouble(778), Some(DatabaseTrouble::ConnectionLost));
        assert_eq!(sqlite_trouble(517), Some(DatabaseTrouble::Busy));
        assert_eq!(sqlite_trouble(13), Some(DatabaseTrouble::DiskFull));
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_ERROR (1)
        assert_eq!(sqlite_trouble(2067), None);
        assert_eq!(sqlite_trouble(1), None);
    }

    #[test]
    fn pool_and_io_failures_are_trouble() {
        assert_eq!(
            classify(&sqlx::Error::PoolTimedOut),
            Some(DatabaseTrouble::Busy)
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(
            classify(&sqlx::Error::Io(io)),
            Some(DatabaseTrouble::ConnectionLost)
        );
        assert_eq!(classify(&sqlx::Error::RowNotFound), None);
    }
}
