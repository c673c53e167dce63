//! What the API does when a request meets trouble with the database itself (see
//! `storage::trouble`): the health state learns of it at once, and a safe request
//! whose connection broke under it is asked once more, on another connection.
//! Writes are never repeated here: a write whose connection broke may have
//! committed, so the client gets the 503 (with `Retry-After`) and decides.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use crate::storage::trouble::DatabaseTrouble;

pub async fn report_and_retry_reads(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let response = next.run(request).await;
        report(&state, &response);
        return response;
    }
    // A safe request's handler reads no body, so its parts are all a second try needs.
    let (parts, _) = request.into_parts();
    let response = next
        .clone()
        .run(Request::from_parts(parts.clone(), Body::empty()))
        .await;
    if report(&state, &response) != Some(DatabaseTrouble::ConnectionLost) {
        return response;
    }
    tracing::info!("asking a read again after its database connection broke");
    let response = next.run(Request::from_parts(parts, Body::empty())).await;
    report(&state, &response);
    response
}

/// Tells the database handle about trouble the response carries, and returns it.
fn report(state: &AppState, response: &Response) -> Option<DatabaseTrouble> {
    let trouble = response.extensions().get::<DatabaseTrouble>().copied()?;
    state.db.report_trouble(trouble);
    Some(trouble)
}
