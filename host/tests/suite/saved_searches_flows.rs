//! `/api/v1/saved-searches` and e-mail preferences on both engines, against the fake
//! Supabase: the JSON columns round-trip (the earlier backend failed every write).

use crate::common;

use axum::http::Method;
use common::fake_supabase::FakeSupabase;
use common::{TestApp, TestDb};
use jobscout::storage::Pool;
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn saved_search_crud() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = TestApp::signed_in_through(&db.pool, &fake, &[]).await;
        let token = format!(
            "Bearer {}",
            fake.token(Uuid::new_v4(), "searcher@example.com", 600)
        );
        let auth = [("authorization", token.as_str())];

        let response = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({"query": "rust engineer", "filters": {"remote": "remote", "min_score": 70, "posted_since": 7}})),
            )
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let created = response.json();
        let search_id = created["search_id"].as_str().unwrap().to_string();
        assert_eq!(created["name"], "Search: rust engineer");
        assert_eq!(created["notify_frequency"], "weekly");
        assert_eq!(created["is_active"], true);
        assert_eq!(
            created["filters"],
            json!({"location": null, "remote": "remote", "employment": null, "min_score": 70.0, "posted_since": 7})
        );
        assert!(created["created_at"].is_string());

        let second = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({"filters": {"remote": "hybrid", "location": "Berlin"}})),
            )
            .await
            .json();
        assert_eq!(second["name"], "hybrid Berlin");
        let third = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({})),
            )
            .await
            .json();
        assert_eq!(third["name"], "My Search");

        let listed = app
            .send(Method::GET, "/api/v1/saved-searches", &auth, None)
            .await
            .json();
        let names: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|search| search["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["My Search", "hybrid Berlin", "Search: rust engineer"],
            "{}: newest first",
            db.name
        );

        let path = format!("/api/v1/saved-searches/{search_id}");
        assert_eq!(
            app.send(Method::GET, &path, &auth, None).await.json(),
            created
        );

        // Partial update: only the fields given change.
        let response = app
            .send(
                Method::PUT,
                &path,
                &auth,
                Some(json!({"is_active": false, "filters": {"location": "Remote"}})),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        let updated = response.json();
        assert_eq!(updated["is_active"], false);
        assert_eq!(updated["query"], "rust engineer");
        assert_eq!(updated["filters"]["location"], "Remote");
        assert_eq!(updated["filters"]["remote"], Value::Null);
        assert_eq!(
            app.send(Method::PUT, &path, &auth, Some(json!({})))
                .await
                .status,
            400
        );
        let too_long = json!({"name": "x".repeat(256)});
        assert_eq!(
            app.send(Method::PUT, &path, &auth, Some(too_long))
                .await
                .status,
            422
        );

        // JSONB on PostgreSQL holds an object, not a string (the earlier quirk).
        if let Pool::Postgres(pool) = &db.pool {
            let kind: String = sqlx::query_scalar(
                "SELECT jsonb_typeof(filters) FROM saved_searches WHERE search_id = $1::uuid",
            )
            .bind(&search_id)
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(kind, "object");
        }

        // Owner only.
        let stranger = format!(
            "Bearer {}",
            fake.token(Uuid::new_v4(), "stranger@example.com", 600)
        );
        let theirs = [("authorization", stranger.as_str())];
        assert_eq!(
            app.send(Method::GET, &path, &theirs, None).await.status,
            404
        );
        assert_eq!(
            app.send(Method::PUT, &path, &theirs, Some(json!({"name": "mine"})))
                .await
                .status,
            404
        );
        assert_eq!(
            app.send(Method::DELETE, &path, &theirs, None).await.status,
            404
        );
        assert_eq!(
            app.send(Method::GET, "/api/v1/saved-searches", &theirs, None)
                .await
                .json(),
            json!([])
        );

        let response = app.send(Method::DELETE, &path, &auth, None).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json(), json!({"status": "deleted"}));
        assert_eq!(app.send(Method::GET, &path, &auth, None).await.status, 404);
        assert_eq!(
            app.send(Method::GET, "/api/v1/saved-searches/nope", &auth, None)
                .await
                .status,
            422
        );
    }
}

#[tokio::test]
async fn plan_caps_the_number_of_saved_searches() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = TestApp::signed_in_through(
            &db.pool,
            &fake,
            &[
                ("JOBSCOUT_SAVED_SEARCHES_MAX_FREE", "2"),
                ("JOBSCOUT_SAVED_SEARCHES_MAX_PAID", "3"),
            ],
        )
        .await;
        let user_id = Uuid::new_v4();
        let token = format!("Bearer {}", fake.token(user_id, "capped@example.com", 600));
        let auth = [("authorization", token.as_str())];
        for _ in 0..2 {
            assert_eq!(
                app.send(
                    Method::POST,
                    "/api/v1/saved-searches",
                    &auth,
                    Some(json!({}))
                )
                .await
                .status,
                200
            );
        }
        let response = app
            .send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({})),
            )
            .await;
        assert_eq!(response.status, 403, "{}", response.text());
        assert!(response.json()["detail"]
            .as_str()
            .unwrap()
            .contains("limit reached (2 on the free plan)"));

        let sql = format!("UPDATE users SET plan = 'monthly_pro' WHERE user_id = '{user_id}'");
        match &db.pool {
            Pool::Sqlite(pool) => drop(sqlx::query(&sql).execute(pool).await.unwrap()),
            Pool::Postgres(pool) => drop(sqlx::query(&sql).execute(pool).await.unwrap()),
        }
        assert_eq!(
            app.send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({}))
            )
            .await
            .status,
            200
        );
        assert_eq!(
            app.send(
                Method::POST,
                "/api/v1/saved-searches",
                &auth,
                Some(json!({}))
            )
            .await
            .status,
            403
        );
    }
}

#[tokio::test]
async fn email_preferences_default_on_and_merge() {
    let fake = FakeSupabase::start().await;
    for db in TestDb::all().await {
        let app = TestApp::signed_in_through(&db.pool, &fake, &[]).await;
        let token = format!(
            "Bearer {}",
            fake.token(Uuid::new_v4(), "prefs@example.com", 600)
        );
        let auth = [("authorization", token.as_str())];
        let path = "/api/v1/saved-searches/preferences/email";
        let response = app.send(Method::GET, path, &auth, None).await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert_eq!(
            response.json(),
            json!({"weekly_digest": true, "job_alerts": true, "marketing": true})
        );

        let response = app
            .send(Method::PUT, path, &auth, Some(json!({"marketing": false})))
            .await;
        assert_eq!(
            response.json(),
            json!({"weekly_digest": true, "job_alerts": true, "marketing": false})
        );
        let response = app
            .send(Method::PUT, path, &auth, Some(json!({"job_alerts": false})))
            .await;
        assert_eq!(
            response.json(),
            json!({"weekly_digest": true, "job_alerts": false, "marketing": false})
        );
        assert_eq!(
            app.send(Method::GET, path, &auth, None).await.json(),
            json!({"weekly_digest": true, "job_alerts": false, "marketing": false}),
            "{}",
            db.name
        );
        assert_eq!(
            app.send(Method::PUT, path, &auth, Some(json!({"marketing": "no"})))
                .await
                .status,
            422
        );
    }
}
