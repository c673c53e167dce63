//! `user_profiles` and `resume_versions`: what a user tells about themselves and
//! every resume text they saved. JSON columns are JSONB on PostgreSQL (bound and
//! read as JSON, never as strings: the earlier quirk) and JSON text on SQLite.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::codec::{newest_first, now_sql, on_pool, Id, Json, List, StoredRow, Time};
use super::Pool;

/// A `user_profiles` row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Profile {
    pub user_id: Uuid,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub desired_roles: Option<Vec<String>>,
    pub work_authorization: Option<String>,
    pub remote_preferences: Option<String>,
    pub salary_expectations: Option<Value>,
    pub skills: Option<Vec<String>>,
    pub education: Option<Value>,
    pub certifications: Option<Vec<String>>,
    pub projects: Option<Value>,
    pub interests: Option<Vec<String>>,
    pub links: Option<Value>,
    pub primary_resume_id: Option<Uuid>,
    pub profile_hash: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A `resume_versions` row; `resume_text` is left out of lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct ResumeVersion {
    pub resume_id: Uuid,
    pub user_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_text: Option<String>,
    pub resume_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_points: Option<String>,
    pub extracted_skills: Option<Value>,
    pub extracted_seniority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extracted_bullets: Option<Value>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

const PROFILE_COLUMNS: &str = "user_id, headline, location, desired_roles, work_authorization, remote_preferences, \
     salary_expectations, skills, education, certifications, projects, interests, links, primary_resume_id, \
     profile_hash, created_at, updated_at";

impl<R: StoredRow> sqlx::FromRow<'_, R> for Profile {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(Profile {
            user_id: row.read::<Id>("user_id")?.0.unwrap_or_default(),
            headline: row.read("headline")?,
            location: row.read("location")?,
            desired_roles: row.read::<List>("desired_roles")?.0,
            work_authorization: row.read("work_authorization")?,
            remote_preferences: row.read("remote_preferences")?,
            salary_expectations: row.read::<Json>("salary_expectations")?.0,
            skills: row.read::<List>("skills")?.0,
            education: row.read::<Json>("education")?.0,
            certifications: row.read::<List>("certifications")?.0,
            projects: row.read::<Json>("projects")?.0,
            interests: row.read::<List>("interests")?.0,
            links: row.read::<Json>("links")?.0,
            primary_resume_id: row.read::<Id>("primary_resume_id")?.0,
            profile_hash: row.read("profile_hash")?,
            created_at: row.read::<Time>("created_at")?.0,
            updated_at: row.read::<Time>("updated_at")?.0,
        })
    }
}

pub async fn get_profile(pool: &Pool, user_id: Uuid) -> Result<Option<Profile>, sqlx::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM user_profiles WHERE user_id = $1");
    on_pool!(pool, pool => {
        sqlx::query_as(&sql).bind(Id::from(user_id)).fetch_optional(pool).await
    })
}

/// Replaces every field of the profile (creating it when missing) with `profile`'s;
/// `user_id` and the timestamps of `profile` are ignored.
pub async fn replace_profile(
    pool: &Pool,
    user_id: Uuid,
    profile: &Profile,
) -> Result<Profile, sqlx::Error> {
    let now = now_sql(pool);
    let sql = format!(
        "INSERT INTO user_profiles (user_id, headline, location, desired_roles, work_authorization, \
         remote_preferences, salary_expectations, skills, education, certifications, projects, interests, links, \
         primary_resume_id, profile_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (user_id) DO UPDATE SET headline = excluded.headline, location = excluded.location, \
         desired_roles = excluded.desired_roles, work_authorization = excluded.work_authorization, \
         remote_preferences = excluded.remote_preferences, salary_expectations = excluded.salary_expectations, \
         skills = excluded.skills, education = excluded.education, certifications = excluded.certifications, \
         projects = excluded.projects, interests = excluded.interests, links = excluded.links, \
         primary_resume_id = excluded.primary_resume_id, profile_hash = excluded.profile_hash, \
         updated_at = {now}"
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(Id::from(user_id))
            .bind(&profile.headline)
            .bind(&profile.location)
            .bind(List::from(&profile.desired_roles))
            .bind(&profile.work_authorization)
            .bind(&profile.remote_preferences)
            .bind(Json::from(&profile.salary_expectations))
            .bind(List::from(&profile.skills))
            .bind(Json::from(&profile.education))
            .bind(List::from(&profile.certifications))
            .bind(Json::from(&profile.projects))
            .bind(List::from(&profile.interests))
            .bind(Json::from(&profile.links))
            .bind(Id::from(profile.primary_resume_id))
            .bind(&profile.profile_hash)
            .execute(pool)
            .await?;
    });
    get_profile(pool, user_id)
        .await
        .map(Option::unwrap_or_default)
}

/// Points the profile (created when missing) at one of the user's resumes.
pub async fn set_primary_resume(
    pool: &Pool,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<Profile, sqlx::Error> {
    let now = now_sql(pool);
    let sql = format!(
        "INSERT INTO user_profiles (user_id, primary_resume_id) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET primary_resume_id = excluded.primary_resume_id, updated_at = {now}"
    );
    on_pool!(pool, pool => {
        sqlx::query(&sql)
            .bind(Id::from(user_id))
            .bind(Id::from(resume_id))
            .execute(pool)
            .await?;
    });
    get_profile(pool, user_id)
        .await
        .map(Option::unwrap_or_default)
}

/// A new resume version to store.
#[derive(Debug, Clone, Default)]
pub struct NewResume {
    pub resume_text: String,
    pub resume_hash: String,
    pub proof_points: Option<String>,
    pub extracted_skills: Option<Value>,
    pub extracted_seniority: Option<String>,
    pub extracted_bullets: Option<Value>,
}

const RESUME_COLUMNS: &str =
    "resume_id, user_id, resume_text, resume_hash, proof_points, extracted_skills, \
     extracted_seniority, extracted_bullets, created_at, updated_at";
const RESUME_LIST_COLUMNS: &str =
    "resume_id, user_id, CAST(NULL AS text) AS resume_text, resume_hash, CAST(NULL AS text) AS proof_points, \
     extracted_skills, extracted_seniority, CAST(NULL AS jsonb) AS extracted_bullets, created_at, updated_at";

impl<R: StoredRow> sqlx::FromRow<'_, R> for ResumeVersion {
    fn from_row(row: &R) -> Result<Self, sqlx::Error> {
        Ok(ResumeVersion {
            resume_id: row.read::<Id>("resume_id")?.0.unwrap_or_default(),
            user_id: row.read::<Id>("user_id")?.0.unwrap_or_default(),
            resume_text: row.read("resume_text")?,
            resume_hash: row.read("resume_hash")?,
            proof_points: row.read("proof_points")?,
            extracted_skills: row.read::<Json>("extracted_skills")?.0,
            extracted_seniority: row.read("extracted_seniority")?,
            extracted_bullets: row.read::<Json>("extracted_bullets")?.0,
            created_at: row.read::<Time>("created_at")?.0,
            updated_at: row.read::<Time>("updated_at")?.0,
        })
    }
}

/// Stores a new version (the profile endpoints never reuse one) and returns it.
pub async fn insert_resume(
    pool: &Pool,
    user_id: Uuid,
    resume: &NewResume,
) -> Result<ResumeVersion, sqlx::Error> {
    let resume_id = Uuid::new_v4();
    on_pool!(pool, pool => {
        sqlx::query(
            "INSERT INTO resume_versions (resume_id, user_id, resume_text, resume_hash, proof_points, \
             extracted_skills, extracted_seniority, extracted_bullets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Id::from(resume_id))
        .bind(Id::from(user_id))
        .bind(&resume.resume_text)
        .bind(&resume.resume_hash)
        .bind(&resume.proof_points)
        .bind(Json::from(&resume.extracted_skills))
        .bind(&resume.extracted_seniority)
        .bind(Json::from(&resume.extracted_bullets))
        .execute(pool)
        .await?;
    });
    Ok(get_resume(pool, user_id, resume_id)
        .await?
        .unwrap_or_default())
}

/// One of the user's resumes; another user's id reads as absent.
pub async fn get_resume(
    pool: &Pool,
    user_id: Uuid,
    resume_id: Uuid,
) -> Result<Option<ResumeVersion>, sqlx::Error> {
    let sql = format!(
        "SELECT {RESUME_COLUMNS} FROM resume_versions WHERE resume_id = $1 AND user_id = $2"
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(resume_id))
            .bind(Id::from(user_id))
            .fetch_optional(pool)
            .await
    })
}

/// The user's newest resume version with this text hash (pack generation reuses
/// it and its stored analysis).
pub async fn find_resume_by_hash(
    pool: &Pool,
    user_id: Uuid,
    resume_hash: &str,
) -> Result<Option<ResumeVersion>, sqlx::Error> {
    let sql = format!(
        "SELECT {RESUME_COLUMNS} FROM resume_versions WHERE user_id = $1 AND resume_hash = $2 ORDER BY {} LIMIT 1",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(resume_hash)
            .fetch_optional(pool)
            .await
    })
}

/// The user's newest resumes, without their text.
pub async fn list_resumes(
    pool: &Pool,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<ResumeVersion>, sqlx::Error> {
    let sql = format!(
        "SELECT {RESUME_LIST_COLUMNS} FROM resume_versions WHERE user_id = $1 ORDER BY {} LIMIT $2",
        newest_first(pool)
    );
    on_pool!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(Id::from(user_id))
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}
