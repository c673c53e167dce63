//! `apply_packs`: one row per generated pack, read back by its owner only (the
//! pack cache by hash, a pack by id, the history page and its count).

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::storage::codec::{newest_first, on_pool, Id, Json, Real, StoredRow, Time};
use crate::storage::Pool;

/// An `apply_packs` row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredPack {
    pub apply_pack_id: Uuid,
    pub user_id: Option<Uuid>,
    pub resume_id: Option<Uuid>,
    pub job_target_id: Option<Uuid>,
    pub pack_hash: String,
    pub tailored_summary: Option<String>,
    /// `[{text, match_score}]`.
    pub tailored_bullets: Option<Value>,
    pub cover_note: Option<String>,
    /// `{keyword_coverage, matched_skills, missing_skills, optimized_experience?, optimized_resume?}`.
    pub ats_checklist: Option<Value>,
    pub keyword_coverage: Option<f64>,
    /// The model that wrote the texts; `None` for the template pack.
    pub ai_model: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A history entry: the pack and its job target's title, company and URL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryEntry {
    pub pack: StoredPack,
    pub title: Option<String>,
    pub company: Option<String>,
    pub job_url: Option<String>,
}

const COLUMNS: &str = "apply_pack_id, user_id, resume_id, job_target_id, pack_hash, tailored_summary, \
     tailored_bullets, cover_note, ats_checklist, keyword_coverage, ai_model, created_at, updated_at";

impl<R: StoredRow> sqlx::FromRow<'_, R> for StoredPack {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(StoredPack {
            apply_pack_id: row.read::<Id>("apply_pack_id")?.0.unwrap_or_default(),
            user_id: row.read::<Id>("user_id")?.0,
            resume_id: row.read::<Id>("resume_id")?.0,
            job_target_id: row.read::<Id>("job_target_id")?.0,
            pack_hash: row.read("pack_hash")?,
            tailored_summary: row.read("tailored_summary")?,
            tailored_bullets: row.read::<Json>("tailored_bullets")?.0,
            cover_note: row.read("cover_note")?,
            ats_checklist: row.read::<Json>("ats_checklist")?.0,
            keyword_coverage: row.read::<Real>("keyword_coverage")?.0,
            ai_model: row.read("ai_model")?,
            created_at: row.read::<Time>("created_at")?.0,
            updated_at: row.read::<Time>("updated_at")?.0,
        })
    }
}

impl<R: StoredRow> sqlx::FromRow<'_, R> for HistoryEntry {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(HistoryEntry {
            pack: StoredPack::from_row(row)?,
            title: row.read("title")?,
            company: row.read("company")?,
            job_url: row.read("job_url")?,
        })
    }
}

/// The insert of one pack: `$1` its id, `$2` its owner, the rest from the pack
/// ([`insert_pack!`]).
pub(crate) const INSERT: &str = "INSERT INTO apply_packs (apply_pack_id, user_id, resume_id, \
     job_target_id, pack_hash, tailored_summary, tailored_bullets, cover_note, ats_checklist, \
     keyword_coverage, ai_model) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Runs [`INSERT`] for `$pack` (a `&StoredPack`) under `$id` and `$user` on
/// `$executor` (a pool or a transaction of either engine).
macro_rules! insert_pack {
    ($executor:expr, $id:expr, $user:expr, $pack:expr) => {
        sqlx::query($crate::storage::apply::packs::INSERT)
            .bind($crate::storage::codec::Id::from($id))
            .bind($crate::storage::codec::Id::from($user))
            .bind($crate::storage::codec::Id($pack.resume_id))
            .bind($crate::storage::codec::Id($pack.job_target_id))
            .bind(&$pack.pack_hash)
            .bind(&$pack.tailored_summary)
            .bind($crate::storage::codec::Json::from(&$pack.tailored_bullets))
            .bind(&$pack.cover_note)
            .bind($crate::storage::codec::Json::from(&$pack.ats_checklist))
            .bind($crate::storage::codec::Real($pack.keyword_coverage))
            .bind(&$pack.ai_model)
            .execute($executor)
    };
}
pub(crate) use insert_pack;

/// Stores `pack` under a fresh id and returns the stored row.
pub async fn insert(pool: &Pool, pack: &StoredPack) -> Result<StoredPack, sqlx::Error> {
    let apply_pack_id = Uuid::new_v4();
    let user_id = pack.user_id.unwrap_or_default();
    on_pool!(pool, pool => {
        insert_pack!(pool, apply_pack_id, user_id, pack).await?;
    });
    get_owned(pool, user_id, apply_pack_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// One of `user_id`'s packs; another user's id reads as absent.
pub async fn get_owned(
    pool: &Pool,
    user_id: Uuid,
    apply_pack_id: Uuid,
) -> Result<Option<StoredPack>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM apply_packs WHERE apply_pack_id = $1 AND user_id = $2");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(apply_pack_id))
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
    })
}

/// The user's newest pack with this hash (the pack cache).
pub async fn find_by_hash(
    pool: &Pool,
    user_id: Uuid,
    pack_hash: &str,
) -> Result<Option<StoredPack>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM apply_packs WHERE user_id = $1 AND pack_hash = $2 ORDER BY {} LIMIT 1",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(pack_hash)
            .fetch_optional(pool)
            .await
    })
}

/// A page of the user's packs, newest first, with their job targets' fields.
pub async fn history(
    pool: &Pool,
    user_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    // The page is cut inside (where `created_at` is the pack's own) before the join.
    let sql = format!(
        "SELECT p.*, t.title, t.company, t.job_url FROM \
         (SELECT {COLUMNS} FROM apply_packs WHERE user_id = $1 ORDER BY {order} LIMIT $2 OFFSET $3) p \
         LEFT JOIN job_targets t ON t.job_target_id = p.job_target_id \
         ORDER BY {outer}",
        order = newest_first(pool),
        outer = match pool {
            Pool::Sqlite(_) => "p.created_at DESC, p.apply_pack_id",
            Pool::Postgres(_) => "p.created_at DESC NULLS LAST, p.apply_pack_id",
        },
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
    })
}

/// How many packs the user has (the history's `total`).
pub async fn count(pool: &Pool, user_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM apply_packs WHERE user_id = $1")
            .bind(Id::from(user_id))
            .fetch_one(pool)
            .await
    })
}
