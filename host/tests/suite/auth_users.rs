//! User authentication against the fake Supabase: the 401/503 contract, the session
//! cache and its bounds, local JWT verification, provisioning and per-user limits.

use crate::common;

use std::time::Duration;

use axum::http::Method;
use common::fake_supabase::{self, FakeSupabase, Mode};
use common::{TestApp, TestDb};
use jobscout::storage::{users, Pool};
use serde_json::json;
use uuid::Uuid;

async fn app_with(pool: &Pool, fake: &FakeSupabase, extra: &[(&str, &str)]) -> TestApp {
    let mut owned: Vec<(&str, String)> = fake.settings();
    owned.extend(extra.iter().map(|(name, value)| (*name, value.to_string())));
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    TestApp::new(pool, &pairs).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn profile(app: &TestApp, authorization: Option<&str>) -> common::TestResponse {
    let headers: Vec<(&str, &str)> = authorization
        .map(|value| ("authorization", value))
        .into_iter()
        .collect();
    app.send(Method::GET, "/api/v1/profile", &headers, None)
        .await
}

#[tokio::test]
async fn required_auth_answers_401_with_the_earlier_details() {
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = app_with(&db.pool, &fake, &[]).await;
    let user_id = Uuid::new_v4();

    let cases = [
        (None, "Authorization: Bearer token required"),
        (
            Some("Basic dXNlcjpwYXNz".to_string()),
            "Authorization: Bearer token required",
        ),
        (Some(bearer("not-a-jwt")), "Invalid or expired session"),
        (
            Some(bearer(&fake.token(user_id, "a@example.com", -5))),
            "Invalid or expired session",
        ),
    ];
    for (header, detail) in &cases {
        let response = profile(&app, header.as_deref()).await;
        assert_eq!(response.status, 401, "{header:?}: {}", response.text());
        assert_eq!(response.json()["detail"], *detail, "{header:?}");
    }
    assert_eq!(
        fake.calls(),
        0,
        "garbage and expired tokens are refused without asking Supabase"
    );

    // A well-formed token Supabase refuses (signed by someone else).
    let forged =
        fake_supabase::token_signed_with("not-the-project-secret", user_id, "a@example.com", 600);
    let response = profile(&app, Some(&bearer(&forged))).await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json()["detail"], "Invalid or expired session");
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn supabase_trouble_is_503_not_a_logout() {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let user_id = Uuid::new_v4();

    // Down: nothing listens.
    let down = FakeSupabase::down_url().await;
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_SUPABASE_URL", &down),
            ("JOBSCOUT_SUPABASE_ANON_KEY", fake_supabase::ANON_KEY),
        ],
    )
    .await;
    let token =
        fake_supabase::token_signed_with(fake_supabase::JWT_SECRET, user_id, "a@example.com", 600);
    let response = profile(&app, Some(&bearer(&token))).await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("Authentication service unavailable"));

    // Slow: past the configured timeout.
    let fake = FakeSupabase::start().await;
    fake.set_mode(Mode::Slow(Duration::from_secs(3)));
    let app = app_with(&db.pool, &fake, &[("JOBSCOUT_SUPABASE_TIMEOUT_MS", "300")]).await;
    let started = std::time::Instant::now();
    let response = profile(
        &app,
        Some(&bearer(&fake.token(user_id, "a@example.com", 600))),
    )
    .await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout applies"
    );

    // Failing: Supabase answers 500.
    fake.set_mode(Mode::Failing(500));
    let response = profile(
        &app,
        Some(&bearer(&fake.token(user_id, "a@example.com", 600))),
    )
    .await;
    assert_eq!(response.status, 503, "{}", response.text());

    // Not configured at all: closed with a clear reason, never open.
    let app = TestApp::new(&db.pool, &[]).await;
    let response = profile(&app, Some(&bearer(&token))).await;
    assert_eq!(response.status, 503);
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("Supabase auth not configured"));
}

#[tokio::test]
async fn validated_sessions_are_cached_but_never_past_exp() {
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = app_with(&db.pool, &fake, &[]).await;
    let user_id = Uuid::new_v4();

    let token = fake.token(user_id, "cache@example.com", 600);
    for _ in 0..3 {
        assert_eq!(profile(&app, Some(&bearer(&token))).await.status, 200);
    }
    assert_eq!(fake.calls(), 1, "one Supabase call for three requests");
    assert_eq!(app.state.auth.cached_sessions(), 1);

    // A token that expires in 2 s: cached, then refused once exp passes although the
    // cache TTL (300 s) has not.
    let short = fake.token(user_id, "cache@example.com", 2);
    assert_eq!(profile(&app, Some(&bearer(&short))).await.status, 200);
    assert_eq!(profile(&app, Some(&bearer(&short))).await.status, 200);
    assert_eq!(fake.calls(), 2);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = profile(&app, Some(&bearer(&short))).await;
    assert_eq!(response.status, 401, "{}", response.text());
    assert_eq!(response.json()["detail"], "Invalid or expired session");
}

#[tokio::test]
async fn cache_ttl_bounds_how_long_a_revoked_session_lives() {
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = app_with(&db.pool, &fake, &[("JOBSCOUT_AUTH_CACHE_TTL_SECONDS", "1")]).await;
    let token = fake.token(Uuid::new_v4(), "revoked@example.com", 600);
    assert_eq!(profile(&app, Some(&bearer(&token))).await.status, 200);
    fake.revoke(&token);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(profile(&app, Some(&bearer(&token))).await.status, 401);
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn local_hs256_verification_needs_no_supabase() {
    let fake = FakeSupabase::start().await;
    fake.set_mode(Mode::Failing(503));
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = app_with(
        &db.pool,
        &fake,
        &[("JOBSCOUT_SUPABASE_JWT_SECRET", fake_supabase::JWT_SECRET)],
    )
    .await;
    let user_id = Uuid::new_v4();

    let response = profile(
        &app,
        Some(&bearer(&fake.token(user_id, "local@example.com", 600))),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["user_id"], user_id.to_string());
    assert_eq!(response.json()["email"], "local@example.com");

    let forged = fake_supabase::token_signed_with("wrong", user_id, "local@example.com", 600);
    assert_eq!(profile(&app, Some(&bearer(&forged))).await.status, 401);
    let expired = fake.token(user_id, "local@example.com", -1);
    assert_eq!(profile(&app, Some(&bearer(&expired))).await.status, 401);
    assert_eq!(fake.calls(), 0, "every decision was local");
}

#[tokio::test]
async fn optional_auth_on_jobs_and_metrics() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = app_with(&db.pool, &fake, &[]).await;
        let user_id = Uuid::new_v4();
        let token = bearer(&fake.token(user_id, "viewer@example.com", 600));

        for (header, expected) in [
            (None, 200),
            (Some("Basic dXNlcjpwYXNz"), 200),
            (Some("Bearer not-a-jwt"), 401),
            (Some(token.as_str()), 200),
        ] {
            let headers: Vec<(&str, &str)> = header
                .map(|value| ("authorization", value))
                .into_iter()
                .collect();
            let response = app.send(Method::GET, "/api/v1/jobs", &headers, None).await;
            assert_eq!(
                response.status,
                expected,
                "{} {header:?}: {}",
                db.name,
                response.text()
            );
        }

        let event = json!({"event_name": "signed_in_event"});
        let response = app
            .send(
                Method::POST,
                "/api/v1/metrics/event",
                &[("authorization", &token)],
                Some(event.clone()),
            )
            .await;
        assert_eq!(response.status, 204);
        let response = app
            .send(
                Method::POST,
                "/api/v1/metrics/event",
                &[("authorization", "Bearer nope")],
                Some(event),
            )
            .await;
        assert_eq!(response.status, 401);
        let stored: Vec<Option<String>> = match &db.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(
                "SELECT user_id FROM analytics_events WHERE event_name = 'signed_in_event'",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            Pool::Postgres(pool) => sqlx::query_scalar(
                "SELECT user_id::text FROM analytics_events WHERE event_name = 'signed_in_event'",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
        };
        assert_eq!(stored, [Some(user_id.to_string())], "{}", db.name);
    }
}

#[tokio::test]
async fn users_are_provisioned_once_and_refreshed_on_email_change() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = app_with(&db.pool, &fake, &[]).await;
        let user_id = Uuid::new_v4();
        assert!(users::get_user(&db.pool, user_id).await.unwrap().is_none());

        let token = fake.token(user_id, "first@example.com", 600);
        assert_eq!(profile(&app, Some(&bearer(&token))).await.status, 200);
        let record = users::get_user(&db.pool, user_id)
            .await
            .unwrap()
            .expect("provisioned");
        assert_eq!(record.email.as_deref(), Some("first@example.com"));
        assert_eq!(record.plan, "free");

        // Cheap refresh: a changed row is not rewritten while the user is known...
        sqlx_exec(
            &db.pool,
            &format!("UPDATE users SET plan = 'pro' WHERE user_id = '{user_id}'"),
        )
        .await;
        assert_eq!(profile(&app, Some(&bearer(&token))).await.status, 200);
        assert_eq!(
            users::get_user(&db.pool, user_id)
                .await
                .unwrap()
                .unwrap()
                .plan,
            "pro"
        );

        // ...but a new e-mail from Supabase is written at once.
        let renamed = fake.token(user_id, "second@example.com", 600);
        assert_eq!(profile(&app, Some(&bearer(&renamed))).await.status, 200);
        let record = users::get_user(&db.pool, user_id).await.unwrap().unwrap();
        assert_eq!(
            record.email.as_deref(),
            Some("second@example.com"),
            "{}",
            db.name
        );
        assert_eq!(record.plan, "pro", "refresh keeps the plan");

        // A new Supabase account with an e-mail an old row holds takes it over
        // (the earlier backend failed with 500 on the UNIQUE constraint).
        let newcomer = Uuid::new_v4();
        let response = profile(
            &app,
            Some(&bearer(&fake.token(newcomer, "second@example.com", 600))),
        )
        .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(
            users::get_user(&db.pool, newcomer)
                .await
                .unwrap()
                .unwrap()
                .email
                .as_deref(),
            Some("second@example.com")
        );
        assert_eq!(
            users::get_user(&db.pool, user_id)
                .await
                .unwrap()
                .unwrap()
                .email,
            None
        );
    }
}

async fn sqlx_exec(pool: &Pool, sql: &str) {
    match pool {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap();
}

#[tokio::test]
async fn per_user_limit_is_exact_under_a_concurrent_burst() {
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = app_with(
        &db.pool,
        &fake,
        &[("JOBSCOUT_RATE_LIMIT_USER_PER_MINUTE", "5")],
    )
    .await;
    let token = bearer(&fake.token(Uuid::new_v4(), "burst@example.com", 600));
    let headers = [("authorization", token.as_str())];
    let requests = (0..20).map(|_| app.send(Method::GET, "/api/v1/profile", &headers, None));
    let responses = futures::future::join_all(requests).await;
    let ok = responses
        .iter()
        .filter(|response| response.status == 200)
        .count();
    let limited: Vec<_> = responses
        .iter()
        .filter(|response| response.status == 429)
        .collect();
    assert_eq!((ok, limited.len()), (5, 15));
    for response in limited {
        let seconds: u64 = response.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=12).contains(&seconds), "{seconds}");
        assert_eq!(
            response.json()["detail"],
            format!("Rate limit exceeded. Please try again in {seconds} seconds.")
        );
    }
    // Another user is not affected.
    let other = bearer(&fake.token(Uuid::new_v4(), "other@example.com", 600));
    assert_eq!(profile(&app, Some(&other)).await.status, 200);
}

#[tokio::test]
async fn per_ip_limit_uses_the_peer_unless_behind_a_trusted_proxy() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    use std::net::SocketAddr;

    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_RATE_LIMIT_IP_PER_MINUTE", "3"),
            ("JOBSCOUT_TRUSTED_PROXIES", "10.0.0.1"),
        ],
    )
    .await;
    let request = |peer: &str, forwarded: Option<&str>| {
        let mut builder = Request::get("/api/v1/jobs")
            .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(forwarded) = forwarded {
            builder = builder.header("x-forwarded-for", forwarded);
        }
        builder.body(Body::empty()).unwrap()
    };
    let burst = (0..10).map(|_| app.request(request("203.0.113.9:5000", Some("198.51.100.1"))));
    let statuses: Vec<u16> = futures::future::join_all(burst)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        3,
        "{statuses:?}"
    );
    let limited = app.request(request("203.0.113.9:5001", None)).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(limited.json()["detail"]
        .as_str()
        .unwrap()
        .contains("seconds"));

    // Behind the trusted proxy each forwarded client has its own budget.
    for client in ["198.51.100.7", "198.51.100.8"] {
        for _ in 0..3 {
            assert_eq!(
                app.request(request("10.0.0.1:443", Some(client)))
                    .await
                    .status,
                200,
                "{client}"
            );
        }
        assert_eq!(
            app.request(request("10.0.0.1:443", Some(client)))
                .await
                .status,
            429,
            "{client}"
        );
    }
    // Requests without a peer (in-process) are not limited by IP.
    assert_eq!(app.get("/api/v1/jobs").await.status, 200);
}

/// An ES256 key pair: the signing key and its public JWK under `kid`.
fn es256_key(kid: &str) -> (jsonwebtoken::EncodingKey, serde_json::Value) {
    use base64::Engine as _;
    use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
    let random = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &random)
        .unwrap();
    // Uncompressed point: 0x04 || x || y.
    let point = pair.public_key().as_ref();
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
        "x": encode(&point[1..33]), "y": encode(&point[33..65]),
    });
    (jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()), jwk)
}

fn es256_token(
    key: &jsonwebtoken::EncodingKey,
    kid: &str,
    user_id: Uuid,
    expires_in: i64,
) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(kid.to_string());
    let claims = json!({
        "sub": user_id.to_string(), "email": "jwks@example.com", "aud": "authenticated",
        "role": "authenticated", "exp": fake_supabase::unix_now() + expires_in,
    });
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

#[tokio::test]
async fn jwks_keys_verify_asymmetric_tokens_locally() {
    let fake = FakeSupabase::start().await;
    let (key, jwk) = es256_key("key-1");
    fake.set_jwks(json!({"keys": [jwk]}));
    // Supabase's user endpoint is failing: only local verification can succeed.
    fake.set_mode(Mode::Failing(503));
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let jwks_url = fake.jwks_url();
    let app = app_with(
        &db.pool,
        &fake,
        &[("JOBSCOUT_SUPABASE_JWKS_URL", &jwks_url)],
    )
    .await;
    let user_id = Uuid::new_v4();

    for _ in 0..3 {
        let response = profile(
            &app,
            Some(&bearer(&es256_token(&key, "key-1", user_id, 600))),
        )
        .await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["user_id"], user_id.to_string());
    }
    assert_eq!(fake.jwks_reads(), 1, "the key set is cached");

    // Same kid, another key: a forgery, refused locally.
    let (other_key, _) = es256_key("key-1");
    let response = profile(
        &app,
        Some(&bearer(&es256_token(&other_key, "key-1", user_id, 600))),
    )
    .await;
    assert_eq!(response.status, 401);
    let response = profile(
        &app,
        Some(&bearer(&es256_token(&key, "key-1", user_id, -1))),
    )
    .await;
    assert_eq!(response.status, 401);
    assert_eq!(fake.calls(), 0);

    // An unknown kid is not refused locally: Supabase is asked (and is failing here).
    let (rotated, _) = es256_key("key-2");
    let response = profile(
        &app,
        Some(&bearer(&es256_token(&rotated, "key-2", user_id, 600))),
    )
    .await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn session_cache_is_bounded_and_can_be_turned_off() {
    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let bounded = app_with(&db.pool, &fake, &[("JOBSCOUT_AUTH_CACHE_MAX_ENTRIES", "3")]).await;
    for index in 0..10 {
        let token = fake.token(Uuid::new_v4(), &format!("u{index}@example.com"), 600);
        assert_eq!(profile(&bounded, Some(&bearer(&token))).await.status, 200);
    }
    assert!(
        bounded.state.auth.cached_sessions() <= 3,
        "{}",
        bounded.state.auth.cached_sessions()
    );

    let uncached = app_with(&db.pool, &fake, &[("JOBSCOUT_AUTH_CACHE_MAX_ENTRIES", "0")]).await;
    let token = fake.token(Uuid::new_v4(), "nocache@example.com", 600);
    let before = fake.calls();
    for _ in 0..3 {
        assert_eq!(profile(&uncached, Some(&bearer(&token))).await.status, 200);
    }
    assert_eq!(fake.calls() - before, 3, "every request asks Supabase");
}
