//! No secret appears in any log line: tokens, the Supabase anon key, the JWT secret
//! and the admin token, through every auth path (accepted, refused, Supabase down or
//! failing, admin right and wrong), logged at TRACE in the production JSON format.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use common::fake_supabase::{self, FakeSupabase, Mode};
use common::{TestApp, TestDb};
use uuid::Uuid;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// A current-thread runtime: every task (server, client, fake) logs to this thread's
// default subscriber.
#[tokio::test(flavor = "current_thread")]
async fn no_secret_appears_in_any_log_line() {
    const ADMIN_TOKEN: &str = "admin-token-never-logged-7c1d";
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests of this binary run on other threads with no subscriber. A callsite
    // one of them registers while this dispatcher registers can keep a cached
    // "never" interest (a race in tracing's callsite registry); recomputing the
    // interests after every callsite in play was registered settles it.
    tracing::callsite::rebuild_interest_cache();

    let fake = FakeSupabase::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let settings = fake.settings();
    let mut pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    pairs.push(("JOBSCOUT_ADMIN_TOKEN", ADMIN_TOKEN));
    let app = TestApp::new(&db.pool, &pairs).await;

    let user_id = Uuid::new_v4();
    let valid = fake.token(user_id, "logs@example.com", 600);
    let forged =
        fake_supabase::token_signed_with("forger-secret", user_id, "logs@example.com", 600);
    let revoked = fake.token(Uuid::new_v4(), "revoked@example.com", 600);
    fake.revoke(&revoked);
    let mut secrets = vec![
        valid.clone(),
        forged.clone(),
        revoked.clone(),
        fake_supabase::ANON_KEY.to_string(),
        fake_supabase::JWT_SECRET.to_string(),
        ADMIN_TOKEN.to_string(),
    ];
    // A token's signature alone is enough to replay it.
    for token in [&valid, &forged, &revoked] {
        secrets.push(token.rsplit('.').next().unwrap().to_string());
    }

    let call = |uri: &'static str, authorization: String| {
        let app = &app;
        async move {
            app.send(
                Method::GET,
                uri,
                &[("authorization", authorization.as_str())],
                None,
            )
            .await
            .status
        }
    };
    assert_eq!(
        call("/api/v1/profile", format!("Bearer {valid}")).await,
        200
    );
    assert_eq!(
        call("/api/v1/profile", format!("Bearer {forged}")).await,
        401
    );
    assert_eq!(
        call("/api/v1/profile", format!("Bearer {revoked}")).await,
        401
    );
    assert_eq!(call("/api/v1/jobs", format!("Bearer {forged}")).await, 401);
    assert_eq!(
        call("/api/v1/admin/plugins", format!("Bearer {ADMIN_TOKEN}")).await,
        200
    );
    assert_eq!(
        call("/api/v1/admin/plugins", format!("Bearer {valid}")).await,
        403
    );
    tracing::callsite::rebuild_interest_cache();
    fake.set_mode(Mode::Failing(500));
    let fresh = fake.token(Uuid::new_v4(), "fresh@example.com", 600);
    secrets.push(fresh.clone());
    assert_eq!(
        call("/api/v1/profile", format!("Bearer {fresh}")).await,
        503
    );

    // Supabase down: the client error is logged.
    tracing::callsite::rebuild_interest_cache();
    let down = FakeSupabase::down_url().await;
    let down_app = TestApp::new(
        &db.pool,
        &[
            ("JOBSCOUT_SUPABASE_URL", &down),
            ("JOBSCOUT_SUPABASE_ANON_KEY", fake_supabase::ANON_KEY),
        ],
    )
    .await;
    let status = down_app
        .send(
            Method::GET,
            "/api/v1/profile",
            &[("authorization", &format!("Bearer {fresh}"))],
            None,
        )
        .await
        .status;
    assert_eq!(status, 503);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.lines().count() > 10,
        "the paths above were logged:\n{logs}"
    );
    assert!(
        logs.contains("supabase auth unreachable"),
        "the outage is logged"
    );
    assert!(logs.contains("dependency unavailable"), "503s are logged");
    for secret in &secrets {
        let leaked: Vec<&str> = logs
            .lines()
            .filter(|line| line.contains(secret.as_str()))
            .collect();
        assert!(
            leaked.is_empty(),
            "a secret appears in {} log line(s), e.g.:\n{}",
            leaked.len(),
            leaked[0]
        );
    }
}
