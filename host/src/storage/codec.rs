//! Writing a query once for both engines.
//!
//! * [`on_pool!`] runs the same code (the same SQL text, the same binds) on whichever
//!   pool is connected; `$1, $2, …` placeholders work on both engines (sqlx numbers
//!   SQLite's `$NNN` parameters the way PostgreSQL does).
//! * The codec types carry a value whose column type differs between the engines
//!   (SQLite keeps the earlier backend's text forms) and implement sqlx's
//!   `Type`/`Encode`/`Decode` for both: [`Id`] (TEXT | UUID), [`Time`] (ISO-8601
//!   TEXT | TIMESTAMPTZ), [`Json`] (JSON TEXT | JSONB) and [`List`] (JSON-array TEXT |
//!   TEXT[]). Each holds an `Option`: NULL and a stored value that does not read
//!   (text that is not a UUID, a timestamp or JSON) are `None`, never a failed row.
//! * [`StoredRow`] lets one row decoder per struct read either engine's rows.

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Row as _, Type};
use uuid::Uuid;

use super::Pool;

/// Runs `$body` with `$executor` bound to the connected pool, whichever engine it is:
/// the body is compiled once per engine, so the binds and rows are typed for each.
macro_rules! on_pool {
    ($pool:expr, $executor:ident => $body:expr) => {
        match $pool {
            $crate::storage::Pool::Sqlite($executor) => $body,
            $crate::storage::Pool::Postgres($executor) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The SQL for "now" in the form the user tables' column defaults write: SQLite's
/// ISO text with milliseconds, PostgreSQL's transaction time.
pub(crate) fn now_sql(pool: &Pool) -> &'static str {
    match pool {
        Pool::Sqlite(_) => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        Pool::Postgres(_) => "now()",
    }
}

/// A write transaction, begun as [`super::write`] begins one on each engine
/// (SQLite: `BEGIN IMMEDIATE`, holding the write lock from the start).
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>;
}

impl BeginWrite for sqlx::SqlitePool {
    type Database = Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        super::write::begin_sqlite_write(self).await
    }
}

impl BeginWrite for sqlx::PgPool {
    type Database = Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// `ORDER BY` newest first: by `created_at`, then by insertion on SQLite (`rowid`),
/// rows without a time last on PostgreSQL.
pub(crate) fn newest_first(pool: &Pool) -> &'static str {
    match pool {
        Pool::Sqlite(_) => "created_at DESC, rowid DESC",
        Pool::Postgres(_) => "created_at DESC NULLS LAST",
    }
}

/// [`newest_first`] for the table a query names `alias` (a join).
pub(crate) fn newest_first_in(pool: &Pool, alias: &str) -> String {
    match pool {
        Pool::Sqlite(_) => format!("{alias}.created_at DESC, {alias}.rowid DESC"),
        Pool::Postgres(_) => format!("{alias}.created_at DESC NULLS LAST"),
    }
}

/// A value both engines decode.
pub(crate) trait Column:
    Type<Sqlite> + for<'r> Decode<'r, Sqlite> + Type<Postgres> + for<'r> Decode<'r, Postgres>
{
}

impl<T> Column for T where
    T: Type<Sqlite> + for<'r> Decode<'r, Sqlite> + Type<Postgres> + for<'r> Decode<'r, Postgres>
{
}

/// A row of either engine; a struct's `FromRow` is written once over it.
pub(crate) trait StoredRow: sqlx::Row {
    fn read<T: Column>(&self, name: &str) -> Result<T, sqlx::Error>;
    /// Whether the query selected a column of this name.
    fn has_column(&self, name: &str) -> bool;
}

impl StoredRow for sqlx::sqlite::SqliteRow {
    fn read<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        self.try_get(name)
    }
    fn has_column(&self, name: &str) -> bool {
        self.try_get_raw(name).is_ok()
    }
}

impl StoredRow for sqlx::postgres::PgRow {
    fn read<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        self.try_get(name)
    }
    fn has_column(&self, name: &str) -> bool {
        self.try_get_raw(name).is_ok()
    }
}

/// Implements `Type`, `Encode` and `Decode` on both engines for a codec type through
/// the value it is stored as on each (`to_sqlite`/`from_sqlite`,
/// `to_postgres`/`from_postgres`).
macro_rules! codec {
    ($codec:ty, sqlite: $sqlite:ty, postgres: $postgres:ty) => {
        impl Type<Sqlite> for $codec {
            fn type_info() -> SqliteTypeInfo {
                <$sqlite as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <$sqlite as Type<Sqlite>>::compatible(ty)
            }
        }
        impl<'q> Encode<'q, Sqlite> for $codec {
            fn encode_by_ref(
                &self,
                buffer: &mut Vec<SqliteArgumentValue<'q>>,
            ) -> Result<sqlx::encode::IsNull, BoxDynError> {
                Encode::<'q, Sqlite>::encode(self.to_sqlite(), buffer)
            }
        }
        impl<'r> Decode<'r, Sqlite> for $codec {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(Self::from_sqlite(<$sqlite as Decode<'r, Sqlite>>::decode(
                    value,
                )?))
            }
        }
        impl Type<Postgres> for $codec {
            fn type_info() -> PgTypeInfo {
                <$postgres as Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <$postgres as Type<Postgres>>::compatible(ty)
            }
        }
        impl Encode<'_, Postgres> for $codec {
            fn encode_by_ref(
                &self,
                buffer: &mut PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, BoxDynError> {
                Encode::<'_, Postgres>::encode(self.to_postgres(), buffer)
            }
        }
        impl<'r> Decode<'r, Postgres> for $codec {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(Self::from_postgres(
                    <$postgres as Decode<'r, Postgres>>::decode(value)?,
                ))
            }
        }
    };
}

/// A UUID: TEXT on SQLite, UUID on PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Id(pub Option<Uuid>);

impl Id {
    fn to_sqlite(self) -> Option<String> {
        self.0.map(|id| id.to_string())
    }
    fn from_sqlite(text: Option<String>) -> Self {
        Self(text.and_then(|text| Uuid::parse_str(&text).ok()))
    }
    fn to_postgres(self) -> Option<Uuid> {
        self.0
    }
    fn from_postgres(id: Option<Uuid>) -> Self {
        Self(id)
    }

    /// The id, or a decode error naming `column` when it is NULL or not a UUID.
    pub fn required(self, column: &str) -> Result<Uuid, sqlx::Error> {
        self.0.ok_or_else(|| sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: "not a UUID".into(),
        })
    }
}

impl From<Uuid> for Id {
    fn from(id: Uuid) -> Self {
        Self(Some(id))
    }
}

impl From<Option<Uuid>> for Id {
    fn from(id: Option<Uuid>) -> Self {
        Self(id)
    }
}

codec!(Id, sqlite: Option<String>, postgres: Option<Uuid>);

/// A timestamp: ISO-8601 TEXT on SQLite (written as [`super::format_timestamp`] does,
/// read in every form [`super::parse_timestamp`] knows), TIMESTAMPTZ on PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Time(pub Option<DateTime<Utc>>);

impl Time {
    fn to_sqlite(self) -> Option<String> {
        self.0.as_ref().map(super::format_timestamp)
    }
    fn from_sqlite(text: Option<String>) -> Self {
        Self(text.as_deref().and_then(super::parse_timestamp))
    }
    fn to_postgres(self) -> Option<DateTime<Utc>> {
        self.0
    }
    fn from_postgres(time: Option<DateTime<Utc>>) -> Self {
        Self(time)
    }
}

codec!(Time, sqlite: Option<String>, postgres: Option<DateTime<Utc>>);

/// A JSON value: JSON TEXT on SQLite, JSONB on PostgreSQL (bound as JSON, never as a
/// string), read back through [`super::json::parse_stored`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Json(pub Option<Value>);

impl Json {
    fn to_sqlite(&self) -> Option<String> {
        self.0.as_ref().map(Value::to_string)
    }
    fn from_sqlite(text: Option<String>) -> Self {
        Self(text.as_deref().and_then(super::json::parse_stored))
    }
    fn to_postgres(&self) -> Option<sqlx::types::Json<Value>> {
        self.0.clone().map(sqlx::types::Json)
    }
    /// Read as raw text first, so that a number serde_json cannot hold does not fail
    /// the row.
    fn from_postgres(raw: Option<sqlx::types::Json<Box<RawValue>>>) -> Self {
        Self(raw.and_then(|raw| super::json::parse_stored(raw.0.get())))
    }
}

impl From<&Value> for Json {
    fn from(value: &Value) -> Self {
        Self(Some(value.clone()))
    }
}

impl From<&Option<Value>> for Json {
    fn from(value: &Option<Value>) -> Self {
        Self(value.clone())
    }
}

codec!(Json, sqlite: Option<String>, postgres: Option<sqlx::types::Json<Box<RawValue>>>);

/// A list of strings: a JSON array as TEXT on SQLite (text that is not one reads as
/// `None`), TEXT[] on PostgreSQL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List(pub Option<Vec<String>>);

impl List {
    fn to_sqlite(&self) -> Option<String> {
        self.0
            .as_ref()
            .map(|items| serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
    }
    fn from_sqlite(text: Option<String>) -> Self {
        Self(text.and_then(|text| serde_json::from_str(&text).ok()))
    }
    fn to_postgres(&self) -> Option<Vec<String>> {
        self.0.clone()
    }
    fn from_postgres(items: Option<Vec<String>>) -> Self {
        Self(items)
    }
}

impl From<&Option<Vec<String>>> for List {
    fn from(items: &Option<Vec<String>>) -> Self {
        Self(items.clone())
    }
}

impl From<&[String]> for List {
    fn from(items: &[String]) -> Self {
        Self(Some(items.to_vec()))
    }
}

codec!(List, sqlite: Option<String>, postgres: Option<Vec<String>>);

/// An INTEGER: 64-bit on SQLite, 32-bit on PostgreSQL (`SERIAL` and `INTEGER`
/// columns), where a value beyond `i32` is written as `i32::MAX`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Int(pub Option<i64>);

impl Int {
    fn to_sqlite(self) -> Option<i64> {
        self.0
    }
    fn from_sqlite(value: Option<i64>) -> Self {
        Self(value)
    }
    fn to_postgres(self) -> Option<i32> {
        self.0.map(|value| i32::try_from(value).unwrap_or(i32::MAX))
    }
    fn from_postgres(value: Option<i32>) -> Self {
        Self(value.map(i64::from))
    }

    /// The value, or a decode error naming `column` when it is NULL.
    pub fn required(self, column: &str) -> Result<i64, sqlx::Error> {
        self.0.ok_or_else(|| sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: "unexpected NULL".into(),
        })
    }
}

impl From<i64> for Int {
    fn from(value: i64) -> Self {
        Self(Some(value))
    }
}

codec!(Int, sqlite: Option<i64>, postgres: Option<i32>);

/// A REAL: 64-bit on SQLite, 32-bit (`real`) on PostgreSQL.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Real(pub Option<f64>);

impl Real {
    fn to_sqlite(self) -> Option<f64> {
        self.0
    }
    fn from_sqlite(value: Option<f64>) -> Self {
        Self(value)
    }
    fn to_postgres(self) -> Option<f32> {
        self.0.map(|value| value as f32)
    }
    fn from_postgres(value: Option<f32>) -> Self {
        Self(value.map(f64::from))
    }
}

codec!(Real, sqlite: Option<f64>, postgres: Option<f32>);

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> sqlx::SqlitePool {
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_takes_numbered_placeholders_like_postgres() {
        let pool = sqlite().await;
        let (first, second, again): (i64, String, i64) = sqlx::query_as("SELECT $1, $2, $1 + 1")
            .bind(41_i64)
            .bind("two")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!((first, second.as_str(), again), (41, "two", 42));
    }

    #[tokio::test]
    async fn sqlite_text_forms_round_trip_and_unreadable_text_is_none() {
        let pool = sqlite().await;
        let id = Uuid::new_v4();
        let time = crate::storage::parse_timestamp("2026-11-17T07:04:18Z");
        let list = Some(vec!["a".to_string(), "b\"".to_string()]);
        let json = Some(serde_json::json!({"n": 1.5}));
        let row: (String, String, String, String) = sqlx::query_as("SELECT $1, $2, $3, $4")
            .bind(Id::from(id))
            .bind(Time(time))
            .bind(List::from(&list))
            .bind(Json::from(&json))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            row,
            (
                id.to_string(),
                "2026-11-17T07:04:18Z".to_string(),
                r#"["a","b\""]"#.to_string(),
                r#"{"n":1.5}"#.to_string()
            )
        );
        let read: (Id, Time, List, Json) = sqlx::query_as("SELECT $1, $2, $3, $4")
            .bind(id.to_string())
            .bind("2026-11-17 07:04:18+00:00")
            .bind(r#"["a","b\""]"#)
            .bind(r#"{"n":1.5}"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(read, (Id::from(id), Time(time), List(list), Json(json)));
        let unreadable: (Id, Time, List, Json) =
            sqlx::query_as("SELECT 'x', 'yesterday', '{', '{not json'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(unreadable, Default::default());
        let null: (Id, Time, List, Json) = sqlx::query_as("SELECT NULL, NULL, NULL, NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(null, Default::default());
    }
}
