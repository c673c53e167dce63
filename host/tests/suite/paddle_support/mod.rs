//! A fake Paddle on 127.0.0.1: the customer and transaction endpoints of
//! Paddle's API (answers in the shapes of `fixtures/paddle/`), and webhook
//! deliveries signed as Paddle signs them (HMAC-SHA256 over `ts:body`, computed
//! here with `ring`, independently of the host's code).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::{TestApp, TestResponse};
use crate::plugins_support;

/// The user id the fixtures' `custom_data` names; [`webhook`] replaces it.
pub const FIXTURE_USER: &str = "00000000-0000-4000-8000-000000000001";

/// A fixture of `fixtures/paddle/`, its user id replaced with `user_id`.
pub fn webhook(name: &str, user_id: Uuid) -> Value {
    let path = plugins_support::repository_root()
        .join("fixtures/paddle")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .replace(FIXTURE_USER, &user_id.to_string());
    serde_json::from_str(&text).unwrap()
}

/// `Paddle-Signature` for `body` at `timestamp`, as Paddle computes it.
pub fn paddle_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = format!("{timestamp}:").into_bytes();
    signed.extend_from_slice(body);
    let tag = ring::hmac::sign(&key, &signed);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("ts={timestamp};h1={hex}")
}

/// Delivers `body` to the app's webhook with the given headers.
pub async fn deliver_raw(app: &TestApp, headers: &[(&str, String)], body: &[u8]) -> TestResponse {
    let mut request =
        Request::post("/api/v1/paddle/webhook").header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    app.request(request.body(Body::from(body.to_vec())).unwrap())
        .await
}

/// Delivers `event` signed now with `secret`, as Paddle does.
pub async fn deliver(app: &TestApp, secret: &str, event: &Value) -> TestResponse {
    let body = event.to_string().into_bytes();
    let signature = paddle_signature(secret, chrono::Utc::now().timestamp(), &body);
    deliver_raw(app, &[("paddle-signature", signature)], &body).await
}

/// One request the fake API was sent.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub paddle_version: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct Books {
    /// email → customer id.
    customers: BTreeMap<String, String>,
    transactions: usize,
    received: Vec<Received>,
    /// Every answer is a 500 while set.
    down: bool,
}

pub struct FakePaddle {
    /// The API root to configure as `JOBSCOUT_PADDLE_API_BASE_URL`.
    pub base_url: String,
    books: Arc<Mutex<Books>>,
}

impl FakePaddle {
    pub async fn start() -> FakePaddle {
        let books = Arc::new(Mutex::new(Books::default()));
        let app = axum::Router::new()
            .route("/customers", post(create_customer).get(list_customers))
            .route("/transactions", post(create_transaction))
            .route("/health", get(|| async { "ok" }))
            .with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakePaddle {
            base_url: format!("http://{address}"),
            books,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.books.lock().unwrap().received.clone()
    }

    /// A customer Paddle already has (made by another app, or a lost answer).
    pub fn add_customer(&self, email: &str, id: &str) {
        self.books
            .lock()
            .unwrap()
            .customers
            .insert(email.to_string(), id.to_string());
    }

    pub fn set_down(&self, down: bool) {
        self.books.lock().unwrap().down = down;
    }
}

fn record(books: &mut Books, method: &str, path: &str, headers: &HeaderMap, body: Value) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    books.received.push(Received {
        method: method.into(),
        path: path.into(),
        authorization: header("authorization"),
        paddle_version: header("paddle-version"),
        body,
    });
}

fn fixture(name: &str) -> Value {
    webhook(name, Uuid::nil())
}

fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(
            json!({"error": {"type": "api_error", "code": "internal_error",
            "detail": "An internal error occurred"}, "meta": {"request_id": "fake"}}),
        ),
    )
        .into_response()
}

async fn create_customer(
    State(books): State<Arc<Mutex<Books>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut books = books.lock().unwrap();
    record(&mut books, "POST", "/customers", &headers, body.clone());
    if books.down {
        return server_error();
    }
    let email = body["email"].as_str().unwrap_or_default().to_string();
    if let Some(existing) = books.customers.get(&email) {
        let mut conflict = fixture("customer-already-exists.json");
        conflict["error"]["detail"] =
            format!("customer email conflicts with customer of id {existing}").into();
        return (StatusCode::CONFLICT, Json(conflict)).into_response();
    }
    let id = format!("ctm_fake{:020}", books.customers.len() + 1);
    books.customers.insert(email.clone(), id.clone());
    let mut answer = fixture("customer-created.json");
    answer["data"]["id"] = id.into();
    answer["data"]["email"] = email.into();
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn list_customers(
    State(books): State<Arc<Mutex<Books>>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let mut books = books.lock().unwrap();
    record(&mut books, "GET", "/customers", &headers, json!(query));
    let email = query.get("email").cloned().unwrap_or_default();
    let data: Vec<Value> = books
        .customers
        .get(&email)
        .map(|id| json!({"id": id, "email": email, "status": "active"}))
        .into_iter()
        .collect();
    Json(json!({"data": data, "meta": {"request_id": "fake"}})).into_response()
}

async fn create_transaction(
    State(books): State<Arc<Mutex<Books>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut books = books.lock().unwrap();
    record(&mut books, "POST", "/transactions", &headers, body.clone());
    if books.down {
        return server_error();
    }
    books.transactions += 1;
    let id = format!("txn_fake{:020}", books.transactions);
    let mut answer = fixture("transaction-created.json");
    answer["data"]["id"] = id.clone().into();
    answer["data"]["customer_id"] = body["customer_id"].clone();
    answer["data"]["custom_data"] = body["custom_data"].clone();
    answer["data"]["items"][0]["price"]["id"] = body["items"][0]["price_id"].clone();
    answer["data"]["checkout"]["url"] = format!("https://jobiqueue.com/pay?_ptxn={id}").into();
    (StatusCode::CREATED, Json(answer)).into_response()
}
