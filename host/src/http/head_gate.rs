//! A check of each request head before hyper parses it.
//!
//! hyper answers a head it cannot parse (a garbage request line, a bad header, a
//! head over its buffer) with a status and no body, and offers no hook to change
//! that. [`HeadGate`] sits between the socket and hyper: it holds back each head
//! until it is complete, parses it with httparse under hyper's own rules, and only
//! then lets hyper read it. A head hyper would refuse is never given to hyper;
//! instead the connection is shut down gracefully (a response in progress still
//! finishes) and the refusal is written as a `{"detail": ...}` JSON response just
//! before the socket closes.
//!
//! To know where the next head starts, the gate follows `Content-Length` bodies. A
//! chunked body or a protocol switch (`CONNECT`, `Upgrade`) makes it step aside for
//! the rest of that connection: from there on hyper alone frames the stream.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::http::{Method, StatusCode, Uri};
use bytes::{Buf as _, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// hyper refuses a longer request target whatever its settings (`MAX_URI_LEN`).
pub const HYPER_MAX_URI_BYTES: usize = 65_534;

/// hyper's limits on a request head. The gate refuses exactly what they would.
#[derive(Debug, Clone, Copy)]
pub struct HeadLimits {
    /// hyper's read buffer (`max_buf_size`): a head must be shorter.
    pub max_head_bytes: usize,
    /// hyper's `max_headers`.
    pub max_headers: usize,
}

/// The connection's socket, with request heads checked before hyper reads them.
pub struct HeadGate {
    stream: TcpStream,
    limits: HeadLimits,
    /// Bytes read from the socket that hyper has not been given yet.
    inbound: BytesMut,
    /// How many bytes at the front of `inbound` are checked and may go to hyper.
    released: usize,
    phase: Phase,
    /// After a refused head: how far closing has got.
    closing: Option<Closing>,
    /// Tells the connection task to shut hyper down gracefully.
    refused: Arc<Notify>,
}

/// Closing after a refused head, in order.
enum Closing {
    /// The JSON answer, still to be written.
    Answer(Bytes),
    /// Written; the sending side is still to be shut.
    Shutdown,
    /// Reading and dropping what the client still sends, until it closes or the
    /// deadline passes: closing a socket with unread input resets the connection,
    /// and the client could lose the answer before reading it.
    Linger(Pin<Box<tokio::time::Sleep>>),
}

/// How long a refused connection's input is drained before the socket closes.
const LINGER: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before a request head: nothing goes to hyper until the whole head is checked.
    Head,
    /// Inside a `Content-Length` body with this many bytes left.
    Body(u64),
    /// Everything passes unchecked (see the module comment).
    Passthrough,
    /// A head was refused: hyper gets nothing more and is being shut down.
    Refused,
}

/// What a look at the buffered bytes found.
#[derive(Debug, PartialEq, Eq)]
enum HeadCheck {
    /// Not a whole head yet.
    Partial,
    /// A head of `len` bytes that hyper will accept, and what follows it.
    Complete {
        len: usize,
        next: Phase,
    },
    Refused(StatusCode, String),
}

impl HeadGate {
    pub fn new(stream: TcpStream, limits: HeadLimits, refused: Arc<Notify>) -> Self {
        Self {
            stream,
            limits,
            inbound: BytesMut::new(),
            released: 0,
            phase: Phase::Head,
            closing: None,
            refused,
        }
    }

    fn refuse(&mut self, status: StatusCode, detail: &str) {
        tracing::debug!(status = status.as_u16(), detail, "request head refused");
        // Counted with the requests the router saw, under a route of its own.
        let labels = [
            ("method", "-".to_string()),
            ("route", "unparsed".to_string()),
            ("status", status.as_u16().to_string()),
        ];
        metrics::counter!("jobscout_http_requests_total", &labels).increment(1);
        self.phase = Phase::Refused;
        self.inbound.clear();
        self.closing = Some(Closing::Answer(refusal_response(status, detail)));
        self.refused.notify_one();
    }
}

impl AsyncRead for HeadGate {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.released > 0 {
                let count = this.released.min(buf.remaining());
                buf.put_slice(&this.inbound[..count]);
                this.inbound.advance(count);
                this.released -= count;
                return Poll::Ready(Ok(()));
            }
            match this.phase {
                // The connection task shuts hyper down; nothing wakes this read.
                Phase::Refused => return Poll::Pending,
                Phase::Passthrough => {
                    if !this.inbound.is_empty() {
                        this.released = this.inbound.len();
                        continue;
                    }
                    return Pin::new(&mut this.stream).poll_read(cx, buf);
                }
                Phase::Body(0) => this.phase = Phase::Head,
                Phase::Body(left) => {
                    let left_now = usize::try_from(left).unwrap_or(usize::MAX);
                    if !this.inbound.is_empty() {
                        let count = left_now.min(this.inbound.len());
                        this.released = count;
                        this.phase = Phase::Body(left - count as u64);
                        continue;
                    }
                    // Straight from the socket into hyper's buffer, never past the body.
                    let limit = left_now.min(buf.remaining());
                    let mut body = ReadBuf::new(buf.initialize_unfilled_to(limit));
                    ready!(Pin::new(&mut this.stream).poll_read(cx, &mut body))?;
                    let count = body.filled().len();
                    buf.advance(count);
                    this.phase = Phase::Body(left - count as u64);
                    // Zero bytes is the end of the stream, which hyper judges.
                    return Poll::Ready(Ok(()));
                }
                Phase::Head => {
                    if !this.inbound.is_empty() {
                        match check_head(&this.inbound, this.limits) {
                            HeadCheck::Complete { len, next } => {
                                this.released = len;
                                this.phase = next;
                                continue;
                            }
                            HeadCheck::Refused(status, detail) => {
                                this.refuse(status, &detail);
                                return Poll::Pending;
                            }
                            HeadCheck::Partial
                                if this.inbound.len() >= this.limits.max_head_bytes =>
                            {
                                let (status, detail) = oversized_head(&this.inbound, this.limits);
                                this.refuse(status, &detail);
                                return Poll::Pending;
                            }
                            HeadCheck::Partial => {}
                        }
                    }
                    let mut chunk = [0u8; 8192];
                    let mut read = ReadBuf::new(&mut chunk);
                    ready!(Pin::new(&mut this.stream).poll_read(cx, &mut read))?;
                    if read.filled().is_empty() {
                        // The peer stopped sending: hyper gets what there is (nothing at
                        // all is a clean close) and judges it itself.
                        this.phase = Phase::Passthrough;
                        if this.inbound.is_empty() {
                            return Poll::Ready(Ok(()));
                        }
                        continue;
                    }
                    this.inbound.extend_from_slice(read.filled());
                }
            }
        }
    }
}

impl AsyncWrite for HeadGate {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, data)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, data)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    /// hyper closes the connection here once it is done, after any response in
    /// progress: the moment to answer a refused head.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match this.closing.as_mut() {
                None => return Pin::new(&mut this.stream).poll_shutdown(cx),
                Some(Closing::Answer(answer)) => {
                    while !answer.is_empty() {
                        let written =
                            ready!(Pin::new(&mut this.stream).poll_write(cx, &answer[..]))?;
                        if written == 0 {
                            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                        }
                        answer.advance(written);
                    }
                    ready!(Pin::new(&mut this.stream).poll_flush(cx))?;
                    this.closing = Some(Closing::Shutdown);
                }
                Some(Closing::Shutdown) => {
                    ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
                    this.closing = Some(Closing::Linger(Box::pin(tokio::time::sleep(LINGER))));
                }
                Some(Closing::Linger(deadline)) => {
                    if deadline.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Ok(()));
                    }
                    let mut sink = [0u8; 8192];
                    let mut read = ReadBuf::new(&mut sink);
                    match ready!(Pin::new(&mut this.stream).poll_read(cx, &mut read)) {
                        Ok(()) if !read.filled().is_empty() => {}
                        // The client closed (or the socket failed): nothing left to protect.
                        _ => return Poll::Ready(Ok(())),
                    }
                }
            }
        }
    }
}

/// Parses a head as hyper would (httparse with hyper's default settings, then its
/// method, target, `Transfer-Encoding` and `Content-Length` rules) and says where
/// the next head starts.
fn check_head(bytes: &[u8], limits: HeadLimits) -> HeadCheck {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut request = httparse::Request::new(&mut headers);
    let len = match request.parse(bytes) {
        Ok(httparse::Status::Partial) => return HeadCheck::Partial,
        Ok(httparse::Status::Complete(len)) => len,
        Err(httparse::Error::TooManyHeaders) => {
            return HeadCheck::Refused(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "Request header fields too large: more than {} header lines",
                    limits.max_headers
                ),
            )
        }
        Err(error) => return malformed(&error.to_string()),
    };
    if len >= limits.max_head_bytes {
        return HeadCheck::Refused(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "Request header fields too large: the request head has {len} bytes, fewer than {} are accepted",
                limits.max_head_bytes
            ),
        );
    }
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return malformed("incomplete request line");
    };
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return malformed("invalid method");
    };
    if target.len() > HYPER_MAX_URI_BYTES {
        return HeadCheck::Refused(
            StatusCode::URI_TOO_LONG,
            format!(
                "URI too long: the request target has {} bytes, at most {HYPER_MAX_URI_BYTES} are accepted",
                target.len()
            ),
        );
    }
    if Uri::try_from(target).is_err() {
        return malformed("invalid request target");
    }
    let is_http_11 = version == 1;
    let mut switches_protocol = method == Method::CONNECT;
    let mut transfer_encoding = false;
    let mut chunked = false;
    let mut content_length: Option<u64> = None;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            if !is_http_11 {
                return malformed("Transfer-Encoding is not allowed in HTTP/1.0");
            }
            // As in hyper: the last Transfer-Encoding line decides, and it drops any
            // Content-Length seen before it.
            transfer_encoding = true;
            content_length = None;
            chunked = ends_in_chunked(header.value);
        } else if header.name.eq_ignore_ascii_case("content-length") {
            if transfer_encoding {
                continue;
            }
            let Some(length) = content_length_value(header.value) else {
                return malformed("invalid Content-Length");
            };
            match content_length {
                Some(previous) if previous != length => {
                    return malformed("conflicting Content-Length headers")
                }
                _ => content_length = Some(length),
            }
        } else if header.name.eq_ignore_ascii_case("upgrade") && is_http_11 {
            switches_protocol = true;
        }
    }
    if transfer_encoding && !chunked {
        return malformed("Transfer-Encoding must end with chunked");
    }
    let next = if chunked || switches_protocol {
        Phase::Passthrough
    } else {
        Phase::Body(content_length.unwrap_or(0))
    };
    HeadCheck::Complete { len, next }
}

fn malformed(reason: &str) -> HeadCheck {
    HeadCheck::Refused(
        StatusCode::BAD_REQUEST,
        format!("Malformed request: {reason}"),
    )
}

/// A head that filled hyper's buffer without ending: 414 while the request line
/// itself is still unfinished, else 431.
fn oversized_head(bytes: &[u8], limits: HeadLimits) -> (StatusCode, String) {
    if !bytes.contains(&b'\n') {
        return (
            StatusCode::URI_TOO_LONG,
            format!(
                "URI too long: the request line is over {} bytes",
                limits.max_head_bytes
            ),
        );
    }
    (
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        format!(
            "Request header fields too large: the request head is over {} bytes",
            limits.max_head_bytes
        ),
    )
}

/// hyper's `is_chunked_`: the value is visible ASCII and its last coding is chunked.
fn ends_in_chunked(value: &[u8]) -> bool {
    let visible = value
        .iter()
        .all(|byte| *byte == b'\t' || (0x20..0x7f).contains(byte));
    visible
        && std::str::from_utf8(value).is_ok_and(|text| {
            text.rsplit(',')
                .next()
                .is_some_and(|coding| coding.trim().eq_ignore_ascii_case("chunked"))
        })
}

/// hyper's `from_digits`: ASCII digits only, no sign, no overflow.
fn content_length_value(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |total, byte| match byte {
        b'0'..=b'9' => total.checked_mul(10)?.checked_add(u64::from(byte - b'0')),
        _ => None,
    })
}

/// A complete HTTP/1.1 response carrying `{"detail": ...}`; the connection closes after it.
fn refusal_response(status: StatusCode, detail: &str) -> Bytes {
    let body = serde_json::json!({ "detail": detail }).to_string();
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
    Bytes::from(format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\ndate: {date}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: HeadLimits = HeadLimits {
        max_head_bytes: 4096,
        max_headers: 4,
    };

    fn check(head: &str) -> HeadCheck {
        check_head(head.as_bytes(), LIMITS)
    }

    fn refused_with(head: &str) -> StatusCode {
        match check(head) {
            HeadCheck::Refused(status, _) => status,
            other => panic!("{head:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn a_good_head_is_released_whole_with_its_body_length() {
        let head = "POST /api/v1/metrics/event HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n";
        assert_eq!(
            check(&format!("{head}{{\"a\": 1}}")),
            HeadCheck::Complete {
                len: head.len(),
                next: Phase::Body(12)
            }
        );
        assert_eq!(
            check("GET / HTTP/1.0\r\n\r\n"),
            HeadCheck::Complete {
                len: 18,
                next: Phase::Body(0)
            }
        );
        assert_eq!(check("GET / HTTP/1.1\r\nHost: x\r\n"), HeadCheck::Partial);
    }

    #[test]
    fn chunked_bodies_and_protocol_switches_step_aside() {
        for head in [
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
            "CONNECT example.com:443 HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(
                    check(head),
                    HeadCheck::Complete {
                        next: Phase::Passthrough,
                        ..
                    }
                ),
                "{head:?}"
            );
        }
    }

    #[test]
    fn heads_hyper_refuses_are_refused_with_its_status() {
        for head in [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
            "GET /a\x7fb HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            assert_eq!(refused_with(head), StatusCode::BAD_REQUEST, "{head:?}");
        }
        assert_eq!(
            refused_with("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n"),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(HYPER_MAX_URI_BYTES));
        let limits = HeadLimits {
            max_head_bytes: 1 << 20,
            max_headers: 4,
        };
        assert!(matches!(
            check_head(long_target.as_bytes(), limits),
            HeadCheck::Refused(StatusCode::URI_TOO_LONG, _)
        ));
    }

    #[test]
    fn a_head_filling_the_buffer_is_414_or_431() {
        assert_eq!(
            oversized_head(b"GET /aaaa", LIMITS).0,
            StatusCode::URI_TOO_LONG
        );
        assert_eq!(
            oversized_head(b"GET / HTTP/1.1\r\nCookie: aaaa", LIMITS).0,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
    }

    #[test]
    fn the_refusal_is_a_complete_json_response() {
        let response = refusal_response(StatusCode::BAD_REQUEST, "Malformed request: x");
        let text = std::str::from_utf8(&response).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(body).unwrap(),
            serde_json::json!({"detail": "Malformed request: x"})
        );
    }
}
