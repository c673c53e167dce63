//! `user_profiles` and `resume_versions`: what a user tells about themselves and
//! every resume text they saved. JSON columns are JSONB on PostgreSQL (bound and
//! read as JSON, never as strings: the earlier quirk) and JSON text on SQLite.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row as _;
use utoipa::ToSchema;
use uuid::Uuid;

use super::json::{pg_json, sqlite_json};
use super::users::now_text;
use super::{parse_timestamp, Pool};

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

fn sqlite_list(
    row: &sqlx::sqlite::SqliteRow,
    name: &str,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

fn sqlite_time(
    row: &sqlx::sqlite::SqliteRow,
    name: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .as_deref()
        .and_then(parse_timestamp))
}

fn sqlite_uuid(row: &sqlx::sqlite::SqliteRow, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(name)?
        .and_then(|text| Uuid::parse_str(&text).ok()))
}

fn profile_from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<Profile, sqlx::Error> {
    Ok(Profile {
        user_id: sqlite_uuid(row, "user_id")?.unwrap_or_default(),
        headline: row.try_get("headline")?,
        location: row.try_get("location")?,
        desired_roles: sqlite_list(row, "desired_roles")?,
        work_authorization: row.try_get("work_authorization")?,
        remote_preferences: row.try_get("remote_preferences")?,
        salary_expectations: sqlite_json(row, "salary_expectations")?,
        skills: sqlite_list(row, "skills")?,
        education: sqlite_json(row, "education")?,
        certifications: sqlite_list(row, "certifications")?,
        projects: sqlite_json(row, "projects")?,
        interests: sqlite_list(row, "interests")?,
        links: sqlite_json(row, "links")?,
        primary_resume_id: sqlite_uuid(row, "primary_resume_id")?,
        profile_hash: row.try_get("profile_hash")?,
        created_at: sqlite_time(row, "created_at")?,
        updated_at: sqlite_time(row, "updated_at")?,
    })
}

fn profile_from_postgres(row: &sqlx::postgres::PgRow) -> Result<Profile, sqlx::Error> {
    Ok(Profile {
        user_id: row.try_get("user_id")?,
        headline: row.try_get("headline")?,
        location: row.try_get("location")?,
        desired_roles: row.try_get("desired_roles")?,
        work_authorization: row.try_get("work_authorization")?,
        remote_preferences: row.try_get("remote_preferences")?,
        salary_expectations: pg_json(row, "salary_expectations")?,
        skills: row.try_get("skills")?,
        education: pg_json(row, "education")?,
        certifications: row.try_get("certifications")?,
        projects: pg_json(row, "projects")?,
        interests: row.try_get("interests")?,
        links: pg_json(row, "links")?,
        primary_resume_id: row.try_get("primary_resume_id")?,
        profile_hash: row.try_get("profile_hash")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn get_profile(pool: &Pool, user_id: Uuid) -> Result<Option<Profile>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {PROFILE_COLUMNS} FROM user_profiles WHERE user_id = ?"
        ))
        .bind(user_id.to_string())
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(profile_from_sqlite)
        .transpose(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {PROFILE_COLUMNS} FROM user_profiles WHERE user_id = $1"
        ))
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(profile_from_postgres)
        .transpose(),
    }
}

fn list_text(list: &Option<Vec<String>>) -> Option<String> {
    list.as_ref()
        .map(|items| serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
}

fn json_text(value: &Option<Value>) -> Option<String> {
    value.as_ref().map(Value::to_string)
}

/// Replaces every field of the profile (creating it when missing) with `profile`'s;
/// `user_id` and the timestamps of `profile` are ignored.
pub async fn replace_profile(
    pool: &Pool,
    user_id: Uuid,
    profile: &Profile,
) -> Result<Profile, sqlx::Error> {
    match pool {
        Pool::Sqlite(sqlite) => {
            let now = now_text();
            sqlx::query(
                "INSERT INTO user_profiles (user_id, headline, location, desired_roles, work_authorization, \
                 remote_preferences, salary_expectations, skills, education, certifications, projects, interests, links, \
                 primary_resume_id, profile_hash, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (user_id) DO UPDATE SET headline = excluded.headline, location = excluded.location, \
                 desired_roles = excluded.desired_roles, work_authorization = excluded.work_authorization, \
                 remote_preferences = excluded.remote_preferences, salary_expectations = excluded.salary_expectations, \
                 skills = excluded.skills, education = excluded.education, certifications = excluded.certifications, \
                 projects = excluded.projects, interests = excluded.interests, links = excluded.links, \
                 primary_resume_id = excluded.primary_resume_id, profile_hash = excluded.profile_hash, \
                 updated_at = excluded.updated_at",
            )
            .bind(user_id.to_string())
            .bind(&profile.headline)
            .bind(&profile.location)
            .bind(list_text(&profile.desired_roles))
            .bind(&profile.work_authorization)
            .bind(&profile.remote_preferences)
            .bind(json_text(&profile.salary_expectations))
            .bind(list_text(&profile.skills))
            .bind(json_text(&profile.education))
            .bind(list_text(&profile.certifications))
            .bind(json_text(&profile.projects))
            .bind(list_text(&profile.interests))
            .bind(json_text(&profile.links))
            .bind(profile.primary_resume_id.map(|id| id.to_string()))
            .bind(&profile.profile_hash)
            .bind(&now)
            .bind(&now)
            .execute(sqlite)
            .await?;
        }
        Pool::Postgres(postgres) => {
            let json = |value: &Option<Value>| value.clone().map(sqlx::types::Json);
            sqlx::query(
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
                 updated_at = now()",
            )
            .bind(user_id)
            .bind(&profile.headline)
            .bind(&profile.location)
            .bind(&profile.desired_roles)
            .bind(&profile.work_authorization)
            .bind(&profile.remote_preferences)
            .bind(json(&profile.salary_expectations))
            .bind(&profile.skills)
            .bind(json(&profile.education))
            .bind(&profile.certifications)
            .bind(json(&profile.projects))
            .bind(&profile.interests)
            .bind(json(&profile.links))
            .bind(profile.primary_resume_id)
            .bind(&profile.profile_hash)
            .execute(postgres)
            .await?;
        }
    }
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
    match pool {
        Pool::Sqlite(sqlite) => {
            let now = now_text();
            sqlx::query(
                "INSERT INTO user_profiles (user_id, primary_resume_id, created_at, updated_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (user_id) DO UPDATE SET primary_resume_id = excluded.primary_resume_id, updated_at = excluded.updated_at",
            )
            .bind(user_id.to_string())
            .bind(resume_id.to_string())
            .bind(&now)
            .bind(&now)
            .execute(sqlite)
            .await?;
        }
        Pool::Postgres(postgres) => {
            sqlx::query(
                "INSERT INTO user_profiles (user_id, primary_resume_id) VALUES ($1, $2) \
                 ON CONFLICT (user_id) DO UPDATE SET primary_resume_id = excluded.primary_resume_id, updated_at = now()",
            )
            .bind(user_id)
            .bind(resume_id)
            .execute(postgres)
            .await?;
        }
    }
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
    "resume_id, user_id, NULL AS resume_text, resume_hash, NULL AS proof_points, extracted_skills, \
     extracted_seniority, NULL AS extracted_bullets, created_at, updated_at";
const PG_RESUME_LIST_COLUMNS: &str =
    "resume_id, user_id, NULL::text AS resume_text, resume_hash, NULL::text AS proof_points, extracted_skills, \
     extracted_seniority, NULL::jsonb AS extracted_bullets, created_at, updated_at";

fn resume_from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<ResumeVersion, sqlx::Error> {
    Ok(ResumeVersion {
        resume_id: sqlite_uuid(row, "resume_id")?.unwrap_or_default(),
        user_id: sqlite_uuid(row, "user_id")?.unwrap_or_default(),
        resume_text: row.try_get("resume_text")?,
        resume_hash: row.try_get("resume_hash")?,
        proof_points: row.try_get("proof_points")?,
        extracted_skills: sqlite_json(row, "extracted_skills")?,
        extracted_seniority: row.try_get("extracted_seniority")?,
        extracted_bullets: sqlite_json(row, "extracted_bullets")?,
        created_at: sqlite_time(row, "created_at")?,
        updated_at: sqlite_time(row, "updated_at")?,
    })
}

fn resume_from_postgres(row: &sqlx::postgres::PgRow) -> Result<ResumeVersion, sqlx::Error> {
    Ok(ResumeVersion {
        resume_id: row.try_get("resume_id")?,
        user_id: row
            .try_get::<Option<Uuid>, _>("user_id")?
            .unwrap_or_default(),
        resume_text: row.try_get("resume_text")?,
        resume_hash: row.try_get("resume_hash")?,
        proof_points: row.try_get("proof_points")?,
        extracted_skills: pg_json(row, "extracted_skills")?,
        extracted_seniority: row.try_get("extracted_seniority")?,
        extracted_bullets: pg_json(row, "extracted_bullets")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Stores a new version (the profile endpoints never reuse one) and returns it.
pub async fn insert_resume(
    pool: &Pool,
    user_id: Uuid,
    resume: &NewResume,
) -> Result<ResumeVersion, sqlx::Error> {
    let resume_id = Uuid::new_v4();
    match pool {
        Pool::Sqlite(sqlite) => {
            let now = now_text();
            sqlx::query(&format!(
                "INSERT INTO resume_versions ({RESUME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ))
            .bind(resume_id.to_string())
            .bind(user_id.to_string())
            .bind(&resume.resume_text)
            .bind(&resume.resume_hash)
            .bind(&resume.proof_points)
            .bind(json_text(&resume.extracted_skills))
            .bind(&resume.extracted_seniority)
            .bind(json_text(&resume.extracted_bullets))
            .bind(&now)
            .bind(&now)
            .execute(sqlite)
            .await?;
        }
        Pool::Postgres(postgres) => {
            sqlx::query(
                "INSERT INTO resume_versions (resume_id, user_id, resume_text, resume_hash, proof_points, \
                 extracted_skills, extracted_seniority, extracted_bullets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(resume_id)
            .bind(user_id)
            .bind(&resume.resume_text)
            .bind(&resume.resume_hash)
            .bind(&resume.proof_points)
            .bind(resume.extracted_skills.clone().map(sqlx::types::Json))
            .bind(&resume.extracted_seniority)
            .bind(resume.extracted_bullets.clone().map(sqlx::types::Json))
            .execute(postgres)
            .await?;
        }
    }
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
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {RESUME_COLUMNS} FROM resume_versions WHERE resume_id = ? AND user_id = ?"
        ))
        .bind(resume_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(resume_from_sqlite)
        .transpose(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {RESUME_COLUMNS} FROM resume_versions WHERE resume_id = $1 AND user_id = $2"
        ))
        .bind(resume_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(resume_from_postgres)
        .transpose(),
    }
}

/// The user's newest resumes, without their text.
pub async fn list_resumes(
    pool: &Pool,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<ResumeVersion>, sqlx::Error> {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(&format!(
            "SELECT {RESUME_LIST_COLUMNS} FROM resume_versions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"
        ))
        .bind(user_id.to_string())
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(resume_from_sqlite)
        .collect(),
        Pool::Postgres(pool) => sqlx::query(&format!(
            "SELECT {PG_RESUME_LIST_COLUMNS} FROM resume_versions WHERE user_id = $1 ORDER BY created_at DESC NULLS LAST LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(resume_from_postgres)
        .collect(),
    }
}
