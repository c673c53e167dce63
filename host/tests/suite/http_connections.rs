//! The server over a real socket: every refusal at the HTTP edge (a malformed head,
//! a long request target, large headers, a slow request) is a `{"detail": ...}` JSON
//! response, slow-header connections are closed, and keep-alive still works.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{TestApp, TestDb};
use jobscout::shutdown::{self, ShutdownTrigger};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A server on 127.0.0.1:<any port> with these settings; stops when the trigger drops.
struct Server {
    address: SocketAddr,
    _trigger: ShutdownTrigger,
    _db: TestDb,
}

async fn serve(settings: &[(&str, &str)]) -> Server {
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = TestApp::new(&db.pool, settings).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (trigger, signal) = shutdown::channel();
    tokio::spawn(jobscout::http::serve_on(
        listener,
        app.state.clone(),
        signal,
    ));
    Server {
        address,
        _trigger: trigger,
        _db: db,
    }
}

#[derive(Debug)]
struct RawResponse {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }

    /// The body as JSON, after checking it is declared as JSON.
    fn detail(&self) -> String {
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/json"),
            "{}",
            self.head
        );
        let body: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {:?}", String::from_utf8_lossy(&self.body)));
        body["detail"]
            .as_str()
            .unwrap_or_else(|| panic!("no detail text: {body}"))
            .to_string()
    }
}

/// One client connection; bytes read past a response are kept for the next one
/// (pipelined responses arrive together).
struct Client {
    stream: TcpStream,
    received: Vec<u8>,
}

impl Client {
    async fn connect(address: SocketAddr) -> Client {
        Client {
            stream: TcpStream::connect(address).await.unwrap(),
            received: Vec::new(),
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    async fn read_more(&mut self) -> usize {
        let mut chunk = [0u8; 16 * 1024];
        let count = tokio::time::timeout(Duration::from_secs(10), self.stream.read(&mut chunk))
            .await
            .expect("a response within 10 s")
            .expect("read");
        self.received.extend_from_slice(&chunk[..count]);
        count
    }

    /// Reads one response (head, then a `content-length` body).
    async fn response(&mut self) -> RawResponse {
        let head_end = loop {
            if let Some(at) = self
                .received
                .windows(4)
                .position(|window| window == b"\r\n\r\n")
            {
                break at + 4;
            }
            let count = self.read_more().await;
            assert!(
                count > 0,
                "connection closed before a response head: {:?}",
                String::from_utf8_lossy(&self.received)
            );
        };
        let head = String::from_utf8(self.received[..head_end].to_vec()).unwrap();
        let mut response = RawResponse {
            status: head[9..12].parse().unwrap(),
            head,
            body: Vec::new(),
        };
        let length: usize = match response.status {
            204 | 304 => 0,
            _ => response
                .header("content-length")
                .expect("responses here carry a content-length")
                .parse()
                .unwrap(),
        };
        while self.received.len() < head_end + length {
            assert!(
                self.read_more().await > 0,
                "connection closed inside a body"
            );
        }
        response.body = self.received[head_end..head_end + length].to_vec();
        self.received.drain(..head_end + length);
        response
    }
}

/// Sends `request` on a new connection and reads the one response.
async fn exchange(address: SocketAddr, request: &[u8]) -> RawResponse {
    let mut client = Client::connect(address).await;
    client.send(request).await;
    client.response().await
}

/// Whether the server closes `stream` within `within` (reads until end of stream).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut sink = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_too_long_request_target_is_414_json() {
    let server = serve(&[("JOBSCOUT_MAX_URI_BYTES", "1024")]).await;
    // Over the setting: refused by our own layer.
    let request = format!(
        "GET /api/v1/jobs?q={} HTTP/1.1\r\nHost: test\r\n\r\n",
        "a".repeat(2000)
    );
    let response = exchange(server.address, request.as_bytes()).await;
    assert_eq!(response.status, 414, "{}", response.head);
    assert!(response.detail().contains("at most 1024"), "{response:?}");

    // Far over anything hyper would buffer: refused before hyper sees it, still JSON.
    let request = format!(
        "GET /api/v1/jobs?q={} HTTP/1.1\r\nHost: test\r\n\r\n",
        "a".repeat(600_000)
    );
    let response = exchange(server.address, request.as_bytes()).await;
    assert_eq!(response.status, 414, "{}", response.head);
    assert!(
        response.detail().starts_with("URI too long"),
        "{response:?}"
    );

    // Just under the setting is served.
    let request = format!(
        "GET /api/v1/jobs?q={} HTTP/1.1\r\nHost: test\r\n\r\n",
        "a".repeat(900)
    );
    assert_eq!(
        exchange(server.address, request.as_bytes()).await.status,
        200
    );
}

#[tokio::test]
async fn too_large_headers_are_431_json() {
    let server = serve(&[
        ("JOBSCOUT_MAX_HEADER_BYTES", "2048"),
        ("JOBSCOUT_MAX_HEADERS", "20"),
    ])
    .await;
    let cookie = |size: usize| {
        format!(
            "GET /health HTTP/1.1\r\nHost: test\r\nCookie: {}\r\n\r\n",
            "c".repeat(size)
        )
    };
    let response = exchange(server.address, cookie(4000).as_bytes()).await;
    assert_eq!(response.status, 431, "{}", response.head);
    assert!(response.detail().contains("at most 2048"), "{response:?}");
    // Past hyper's own buffer.
    let response = exchange(server.address, cookie(700_000).as_bytes()).await;
    assert_eq!(response.status, 431, "{}", response.head);
    assert!(
        response
            .detail()
            .starts_with("Request header fields too large"),
        "{response:?}"
    );

    let many = |count: usize| {
        let lines: String = (0..count)
            .map(|n| format!("X-Header-{n}: {n}\r\n"))
            .collect();
        format!("GET /health HTTP/1.1\r\nHost: test\r\n{lines}\r\n")
    };
    let response = exchange(server.address, many(30).as_bytes()).await;
    assert_eq!(response.status, 431, "{}", response.head);
    assert!(response.detail().contains("at most 20"), "{response:?}");
    // Past hyper's own count (twice the setting, at least 100).
    let response = exchange(server.address, many(150).as_bytes()).await;
    assert_eq!(response.status, 431, "{}", response.head);
    response.detail();

    assert_eq!(
        exchange(server.address, cookie(1500).as_bytes())
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn malformed_requests_are_400_json() {
    let server = serve(&[]).await;
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
        b"POST /api/v1/metrics/event HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    ] {
        let response = exchange(server.address, request).await;
        assert_eq!(response.status, 400, "{request:?}: {}", response.head);
        assert!(
            response.detail().starts_with("Malformed request"),
            "{response:?}"
        );
    }

    // Garbage after a good request on the same connection: the good one is answered,
    // then the garbage gets its JSON 400 and the connection closes.
    let mut client = Client::connect(server.address).await;
    client
        .send(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        .await;
    assert_eq!(client.response().await.status, 200);
    let refused = client.response().await;
    assert_eq!(refused.status, 400, "{}", refused.head);
    refused.detail();
    assert!(closed_within(&mut client.stream, Duration::from_secs(5)).await);

    // The same after a request with a body.
    let body = br#"{"event_name": "page_view"}"#;
    let mut client = Client::connect(server.address).await;
    let request = format!(
        "POST /api/v1/metrics/event HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    client.send(request.as_bytes()).await;
    client.send(body).await;
    client.send(b"GET /\x01 HTTP/1.1\r\n\r\n").await;
    assert_eq!(client.response().await.status, 204);
    let refused = client.response().await;
    assert_eq!(refused.status, 400, "{}", refused.head);
    refused.detail();

    // Refused heads are counted in the request metrics.
    let metrics = exchange(server.address, b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n").await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.lines()
            .any(|line| line.starts_with("jobscout_http_requests_total")
                && line.contains(r#"route="unparsed""#)
                && line.contains(r#"status="400""#)),
        "{text}"
    );
}

#[tokio::test]
async fn slow_header_connections_are_closed_after_the_header_timeout() {
    let server = serve(&[("JOBSCOUT_HEADER_READ_TIMEOUT_SECONDS", "1")]).await;
    let started = Instant::now();
    // One trickles a head, one sends a partial line, one sends nothing at all.
    let mut trickling = TcpStream::connect(server.address).await.unwrap();
    let mut partial = TcpStream::connect(server.address).await.unwrap();
    let mut silent = TcpStream::connect(server.address).await.unwrap();
    partial
        .write_all(b"GET /health HTTP/1.1\r\nHost: t")
        .await
        .unwrap();
    let trickle = async {
        for line in ["GET /health HTTP/1.1\r\n", "Host: test\r\n"]
            .into_iter()
            .chain(std::iter::repeat("X-Slow: 1\r\n"))
            .take(40)
        {
            if trickling.write_all(line.as_bytes()).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    trickle.await;
    for stream in [&mut trickling, &mut partial, &mut silent] {
        assert!(
            closed_within(stream, Duration::from_secs(5)).await,
            "a slow-header connection is still open after {:?}",
            started.elapsed()
        );
    }
    assert!(started.elapsed() < Duration::from_secs(6));

    // A prompt client on the same server is served.
    let response = exchange(server.address, b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn a_request_over_the_timeout_is_408_json() {
    let server = serve(&[("JOBSCOUT_REQUEST_TIMEOUT_SECONDS", "1")]).await;
    let mut client = Client::connect(server.address).await;
    // The body never arrives in full: the handler waits for it until the timeout.
    client
        .send(b"POST /api/v1/metrics/event HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"event_name\"")
        .await;
    let response = client.response().await;
    assert_eq!(response.status, 408, "{}", response.head);
    assert_eq!(response.detail(), "Request Timeout");
}

#[tokio::test]
async fn keep_alive_and_pipelined_requests_are_served_with_the_peer_address() {
    // Two requests per minute per IP: the third is refused, which shows the peer
    // address reaches the application through the new accept loop.
    let server = serve(&[("JOBSCOUT_RATE_LIMIT_IP_PER_MINUTE", "2")]).await;
    let mut client = Client::connect(server.address).await;
    client
        .send(b"GET /api/v1/jobs HTTP/1.1\r\nHost: t\r\n\r\n")
        .await;
    let first = client.response().await;
    assert_eq!(first.status, 200, "{}", first.head);
    // Pipelined: both requests in one write, answered in order on the same connection.
    client
        .send(
            b"GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /api/v1/jobs HTTP/1.1\r\nHost: t\r\n\r\n",
        )
        .await;
    let health = client.response().await;
    assert_eq!(health.status, 200);
    assert!(String::from_utf8_lossy(&health.body).contains("status"));
    assert_eq!(client.response().await.status, 200);
    client
        .send(b"GET /api/v1/jobs HTTP/1.1\r\nHost: t\r\n\r\n")
        .await;
    let limited = client.response().await;
    assert_eq!(limited.status, 429, "{}", limited.head);
    limited.detail();
}

#[tokio::test]
async fn request_bodies_keep_the_connection_in_step() {
    let server = serve(&[]).await;
    let mut client = Client::connect(server.address).await;
    // A large body, sent in pieces, then a request on the same connection.
    let body = format!(
        r#"{{"event_name": "page_view", "properties": {{"blob": "{}"}}}}"#,
        "x".repeat(600_000)
    );
    client
        .send(
            format!(
                "POST /api/v1/metrics/event HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await;
    for piece in body.as_bytes().chunks(64 * 1024) {
        client.send(piece).await;
    }
    client
        .send(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        .await;
    let posted = client.response().await;
    assert!(
        posted.status == 204 || posted.status == 422,
        "{}",
        posted.head
    );
    assert_eq!(client.response().await.status, 200);

    // A chunked body (hyper frames it; later heads still reach hyper whole).
    client
        .send(b"POST /api/v1/metrics/event HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1b\r\n{\"event_name\": \"page_view\"}\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        .await;
    assert_eq!(client.response().await.status, 204);
    assert_eq!(client.response().await.status, 200);
}
