//! A tiny helper for SQL whose text is assembled at run time: it numbers
//! placeholders for the engine (`?` for SQLite, `$n` for PostgreSQL) and keeps the
//! values to bind in order, so one builder serves both engines.

use chrono::{DateTime, Utc};

use super::Engine;

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Float(f64),
    Int(i64),
    Time(DateTime<Utc>),
}

#[derive(Debug)]
pub struct SqlBuilder {
    engine: Engine,
    pub sql: String,
    pub binds: Vec<Bind>,
}

impl SqlBuilder {
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            sql: String::new(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        match self.engine {
            Engine::Sqlite => self.sql.push('?'),
            Engine::Postgres => {
                self.sql.push('$');
                self.sql.push_str(&self.binds.len().to_string());
            }
        }
        self
    }
}

/// Binds `binds` to a SQLite query. Timestamps are bound as the stored text form.
pub fn bind_sqlite<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>> {
    for value in binds {
        query = match value {
            Bind::Text(text) => query.bind(text.as_str()),
            Bind::Float(number) => query.bind(*number),
            Bind::Int(number) => query.bind(*number),
            Bind::Time(time) => query.bind(super::format_timestamp(time)),
        };
    }
    query
}

pub fn bind_postgres<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    for value in binds {
        query = match value {
            Bind::Text(text) => query.bind(text.as_str()),
            // PostgreSQL columns are REAL; compare as double precision.
            Bind::Float(number) => query.bind(*number),
            Bind::Int(number) => query.bind(*number),
            Bind::Time(time) => query.bind(*time),
        };
    }
    query
}

/// Escapes `%`, `_` and `\` so user text matches literally inside LIKE patterns
/// written with `ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_engine() {
        let mut sqlite = SqlBuilder::new(Engine::Sqlite);
        sqlite
            .push("a = ")
            .bind(Bind::Int(1))
            .push(" AND b = ")
            .bind(Bind::Int(2));
        assert_eq!(sqlite.sql, "a = ? AND b = ?");
        let mut postgres = SqlBuilder::new(Engine::Postgres);
        postgres
            .push("a = ")
            .bind(Bind::Int(1))
            .push(" AND b = ")
            .bind(Bind::Int(2));
        assert_eq!(postgres.sql, "a = $1 AND b = $2");
        assert_eq!(postgres.binds.len(), 2);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
    }
}
