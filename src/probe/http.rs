//! A tiny HTTP/1.1 GET client over `std::net::TcpStream`, enough to probe an app on loopback
//! or through a port-forward: no TLS, no redirects, bounded time and size.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Bodies larger than this are cut: /metrics of a small app is a few kilobytes.
const MAX_RESPONSE: usize = 8 * 1024 * 1024;

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body, decoded from chunked transfer encoding, read as UTF-8 (lossy).
    pub body: String,
}

impl Response {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// An address to probe: `host:port` parsed from `http://host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or IP.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Target {
    /// Parses `http://host:port`, `http://host:port/` or `host:port`.
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = match url.split_once("://") {
            Some(("http", rest)) => rest,
            Some((scheme, _)) => {
                return Err(format!(
                    "{url}: only http:// is supported (vibe probe talks to the app directly, e.g. through \
                     `kubectl port-forward`), not {scheme}://"
                ));
            }
            None => url,
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains('/') {
            return Err(format!("{url}: give only the scheme, host and port (e.g. http://127.0.0.1:8081), no path"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                let port = p.parse().map_err(|_| format!("{url}: {p:?} is not a port number"))?;
                (h, port)
            }
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("{url}: the host is missing (e.g. http://127.0.0.1:8081)"));
        }
        Ok(Target { host: host.trim_matches(['[', ']']).to_string(), port })
    }

    /// `http://host:port` for messages.
    pub fn url(&self, path: &str) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}{path}", self.host, self.port)
        } else {
            format!("http://{}:{}{path}", self.host, self.port)
        }
    }
}

/// `GET path` on the target. `timeout` bounds the whole request (connecting, sending, the
/// headers and the body): a server that stalls mid-answer costs at most that long. An answer
/// that is cut short (fewer bytes than its Content-Length, a chunked body without its last
/// chunk), malformed, or larger than [`MAX_RESPONSE`] is an error, never a valid response.
pub fn get(target: &Target, path: &str, timeout: Duration) -> io::Result<Response> {
    let deadline = Instant::now() + timeout;
    let addrs: Vec<_> = (target.host.as_str(), target.port).to_socket_addrs()?.collect();
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name resolves to no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, time_left(deadline, timeout)?) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let mut stream = stream.ok_or(last)?;
    stream.set_write_timeout(Some(time_left(deadline, timeout)?))?;
    let host = if target.host.contains(':') { format!("[{}]", target.host) } else { target.host.clone() };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{}\r\nUser-Agent: vibe-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target.port
    );
    stream.write_all(request.as_bytes())?;
    let mut reader = Reader { stream, deadline, timeout, buf: Vec::new(), at: 0 };
    read_response(&mut reader)
}

/// Whether the target accepts a TCP connection within `timeout` (nothing is sent).
pub fn accepts(target: &Target, timeout: Duration) -> bool {
    let Ok(addrs) = (target.host.as_str(), target.port).to_socket_addrs() else { return false };
    addrs.into_iter().any(|addr| TcpStream::connect_timeout(&addr, timeout).is_ok())
}

/// The time until `deadline`, or a timeout error once it has passed (a zero timeout would mean
/// "block forever" to the socket calls).
fn time_left(deadline: Instant, timeout: Duration) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no complete answer within {:.1}s", timeout.as_secs_f64()),
        ));
    }
    Ok(left)
}

/// Where response bytes come from: the connection, or canned bytes in tests.
trait Source {
    /// Bounds the next read to `left`.
    fn set_timeout(&mut self, left: Duration) -> io::Result<()>;
    /// Reads more bytes (0 at the end of the connection), a WouldBlock/TimedOut error when the
    /// read bound passes first.
    fn more(&mut self, into: &mut [u8]) -> io::Result<usize>;
}

struct Reader<S> {
    stream: S,
    deadline: Instant,
    timeout: Duration,
    /// Bytes received and not consumed yet start at `at`.
    buf: Vec<u8>,
    at: usize,
}

impl Source for TcpStream {
    fn set_timeout(&mut self, left: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(left))
    }

    fn more(&mut self, into: &mut [u8]) -> io::Result<usize> {
        self.read(into)
    }
}

impl<S: Source> Reader<S> {
    /// Receives more bytes into the buffer; `false` at the end of the connection.
    fn fill(&mut self) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let left = time_left(self.deadline, self.timeout)?;
            self.stream.set_timeout(left)?;
            match self.stream.more(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    if self.buf.len() - self.at + n > MAX_RESPONSE {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("the answer is larger than {} MiB", MAX_RESPONSE / (1024 * 1024)),
                        ));
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no complete answer within {:.1}s", self.timeout.as_secs_f64()),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The unconsumed bytes.
    fn pending(&self) -> &[u8] {
        &self.buf[self.at..]
    }

    /// Consumes `n` bytes, returning them.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let out = self.buf[self.at..self.at + n].to_vec();
        self.at += n;
        out
    }

    /// Up to and without the next CRLF (at most `max` bytes before it); `what` names it in errors.
    fn line(&mut self, max: usize, what: &str) -> io::Result<Vec<u8>> {
        loop {
            if let Some(p) = self.pending().windows(2).position(|w| w == b"\r\n") {
                let line = self.take(p);
                self.at += 2;
                return Ok(line);
            }
            if self.pending().len() > max {
                return Err(invalid(format!("{what} is longer than {max} bytes")));
            }
            if !self.fill()? {
                return Err(eof(format!("the connection closed in the middle of {what}")));
            }
        }
    }

    /// Exactly `n` more bytes; `short` says what was cut when the connection ends first.
    fn exactly(&mut self, n: usize, short: impl Fn(usize) -> String) -> io::Result<Vec<u8>> {
        while self.pending().len() < n {
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return Err(eof(short(self.pending().len()))),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("{e}: {}", short(self.pending().len())),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(self.take(n))
    }
}

/// The longest header block accepted.
const MAX_HEAD: usize = 64 * 1024;

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn eof(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, message)
}

/// Reads one response: the header block, then the body as its headers frame it.
fn read_response<S: Source>(r: &mut Reader<S>) -> io::Result<Response> {
    let end = loop {
        if let Some(end) = header_end(r.pending()) {
            break end;
        }
        if r.pending().len() > MAX_HEAD {
            return Err(invalid(format!("the headers are longer than {} KiB", MAX_HEAD / 1024)));
        }
        if !r.fill()? {
            return Err(match r.pending().is_empty() {
                true => eof("the connection closed without a response".into()),
                false => match parse_head(r.pending()) {
                    Err(msg) => invalid(msg),
                    Ok(_) => eof("the connection closed in the middle of the headers".into()),
                },
            });
        }
        // Something that is not HTTP (an SSH banner, say) is said at once, not after the timeout.
        if r.pending().len() >= 5 && !r.pending().starts_with(b"HTTP/") {
            let first = r.pending().split(|b| *b == b'\n').next().unwrap_or_default().to_vec();
            return Err(invalid(parse_head(&first).err().unwrap_or_else(|| "not an HTTP response".into())));
        }
    };
    let head = r.take(end);
    let (status, headers) = parse_head(&head).map_err(invalid)?;
    let find = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let body = if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        dechunk(r)?
    } else if let Some(len) = find("content-length") {
        let len: usize =
            len.parse().map_err(|_| invalid(format!("the Content-Length {:?} is not a number", truncate(&len, 40))))?;
        if len > MAX_RESPONSE {
            return Err(invalid(format!(
                "the answer announces {len} bytes, more than the {} MiB accepted",
                MAX_RESPONSE / (1024 * 1024)
            )));
        }
        r.exactly(len, |got| format!("the body stopped after {got} of the {len} bytes its Content-Length announced"))?
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        // Delimited by the end of the connection.
        while r.fill()? {}
        let n = r.pending().len();
        r.take(n)
    };
    Ok(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

/// The position after the header block, if complete.
fn header_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

fn parse_head(head: &[u8]) -> Result<(u16, Vec<(String, String)>), String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/") {
        return Err(format!("not an HTTP response (it starts with {:?})", truncate(status_line, 40)));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad HTTP status line {:?}", truncate(status_line, 60)))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok((status, headers))
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Decodes a chunked body up to its last (empty) chunk. A size that is not hexadecimal, a chunk
/// not followed by CRLF, or a body that ends before the last chunk is an error.
fn dechunk<S: Source>(r: &mut Reader<S>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = r.line(1024, "a chunk size line")?;
        let text = String::from_utf8_lossy(&line);
        let digits = text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(digits, 16).ok().filter(|_| !digits.starts_with('+')).ok_or_else(|| {
            invalid(format!("malformed chunked body: the chunk size {:?} is not hexadecimal", truncate(&text, 40)))
        })?;
        if size == 0 {
            // Trailer fields, if any, up to the empty line; a server that closes right after the
            // last chunk has still sent the whole body.
            loop {
                match r.line(MAX_HEAD, "the trailer") {
                    Ok(l) if !l.is_empty() => {}
                    Ok(_) => return Ok(out),
                    // The body is complete: a missing final CRLF loses nothing.
                    Err(e) if matches!(e.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::TimedOut) => {
                        return Ok(out);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        if size > MAX_RESPONSE - out.len() {
            return Err(invalid(format!(
                "the chunked answer is larger than {} MiB (a chunk of {size} bytes)",
                MAX_RESPONSE / (1024 * 1024)
            )));
        }
        let data = r.exactly(size + 2, |got| {
            format!("the chunked body stopped after {} of a {size}-byte chunk", got.min(size))
        })?;
        if !data.ends_with(b"\r\n") {
            return Err(invalid(format!("malformed chunked body: a {size}-byte chunk is not followed by CRLF")));
        }
        out.extend_from_slice(&data[..size]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn parses_targets() {
        assert_eq!(Target::parse("http://127.0.0.1:8081").unwrap(), Target { host: "127.0.0.1".into(), port: 8081 });
        assert_eq!(Target::parse("localhost:9/").unwrap(), Target { host: "localhost".into(), port: 9 });
        assert_eq!(Target::parse("http://[::1]:8082").unwrap(), Target { host: "::1".into(), port: 8082 });
        assert_eq!(Target::parse("http://example").unwrap().port, 80);
        assert!(Target::parse("https://x:1").unwrap_err().contains("only http://"));
        assert!(Target::parse("http://x:1/metrics").is_err());
        assert!(Target::parse("http://x:port").is_err());
        assert!(Target::parse("http://:1").is_err());
    }

    /// Canned pieces of an answer, then the end of the connection or (`stall`) a read that
    /// times out, as a server that stops sending does.
    struct Canned {
        pieces: Vec<Vec<u8>>,
        stall: bool,
    }

    impl Source for Canned {
        fn set_timeout(&mut self, _: Duration) -> io::Result<()> {
            Ok(())
        }

        fn more(&mut self, into: &mut [u8]) -> io::Result<usize> {
            if self.pieces.is_empty() {
                return if self.stall { Err(io::ErrorKind::WouldBlock.into()) } else { Ok(0) };
            }
            let piece = self.pieces.remove(0);
            into[..piece.len()].copy_from_slice(&piece);
            Ok(piece.len())
        }
    }

    fn answer(pieces: &[&[u8]], stall: bool) -> io::Result<Response> {
        let stream = Canned { pieces: pieces.iter().map(|p| p.to_vec()).collect(), stall };
        let mut r = Reader {
            stream,
            deadline: Instant::now() + Duration::from_secs(60),
            timeout: Duration::from_secs(60),
            buf: Vec::new(),
            at: 0,
        };
        read_response(&mut r)
    }

    #[test]
    fn parses_responses() {
        let r = answer(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhel", b"lo"], true).unwrap();
        assert_eq!((r.status, r.body.as_str(), r.header("x")), (200, "hello", Some("y")));
        let r = answer(
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", b"c\r\n2;x=1\r\nde\r\n0\r\n\r\n"],
            true,
        )
        .unwrap();
        assert_eq!(r.body, "abcde");
        assert_eq!(answer(&[b"HTTP/1.0 404 Not Found\r\n\r\nnope"], false).unwrap().body, "nope");
        assert!(answer(&[b"SSH-2.0-OpenSSH_9.6\r\n"], true).unwrap_err().to_string().contains("not an HTTP response"));
        assert!(answer(&[], false).is_err());
    }

    #[test]
    fn a_body_shorter_than_its_content_length_is_an_error() {
        for stall in [false, true] {
            let e = answer(&[b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":\"UP\"}"], stall).unwrap_err();
            assert!(e.to_string().contains("stopped after 15 of the 100 bytes"), "{e}");
        }
    }

    #[test]
    fn a_malformed_or_unfinished_chunked_body_is_an_error() {
        let head: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        let e = answer(&[head, b"zz\r\nabc\r\n0\r\n\r\n"], true).unwrap_err();
        assert!(e.to_string().contains("chunk size \"zz\" is not hexadecimal"), "{e}");
        let e = answer(&[head, b"3\r\nabcdef\r\n0\r\n\r\n"], true).unwrap_err();
        assert!(e.to_string().contains("not followed by CRLF"), "{e}");
        let e = answer(&[head, b"3\r\nabc\r\n"], false).unwrap_err();
        assert!(e.to_string().contains("closed in the middle of a chunk size line"), "{e}");
        let e = answer(&[head, b"ffffffffffffffff\r\n"], true).unwrap_err();
        assert!(e.to_string().contains("larger than 8 MiB"), "{e}");
    }

    #[test]
    fn answers_are_capped() {
        let e = answer(&[b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n"], true).unwrap_err();
        assert!(e.to_string().contains("more than the 8 MiB accepted"), "{e}");
        let big = vec![b'x'; 16 * 1024];
        let mut pieces: Vec<&[u8]> = vec![b"HTTP/1.1 200 OK\r\n\r\n"];
        pieces.extend(std::iter::repeat_n(big.as_slice(), 600));
        let e = answer(&pieces, false).unwrap_err();
        assert!(e.to_string().contains("larger than 8 MiB"), "{e}");
        let mut pieces: Vec<&[u8]> = vec![b"HTTP/1.1 200 OK\r\n"];
        pieces.extend(std::iter::repeat_n(big.as_slice(), 5));
        let e = answer(&pieces, true).unwrap_err();
        assert!(e.to_string().contains("headers are longer than 64 KiB"), "{e}");
    }

    /// A server on a free local port that answers one request with `reply`, then keeps the
    /// connection open for `hold` (a real server that stalls, or keeps the connection alive).
    fn serve_once(reply: &'static [u8], hold: Duration) -> (Target, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            s.write_all(reply).unwrap();
            std::thread::sleep(hold);
        });
        (Target { host: "127.0.0.1".into(), port }, server)
    }

    #[test]
    fn a_server_that_stalls_mid_body_costs_one_timeout() {
        let (target, server) =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial", Duration::from_secs(3));
        let start = Instant::now();
        let e = get(&target, "/readiness", Duration::from_millis(700)).unwrap_err();
        let took = start.elapsed();
        assert!(took < Duration::from_millis(1500), "took {took:?}");
        assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
        assert!(e.to_string().contains("stopped after 7 of the 1000 bytes"), "{e}");
        server.join().unwrap();
    }

    #[test]
    fn gets_from_a_server_that_keeps_the_connection_open() {
        let (target, server) = serve_once(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown",
            Duration::from_millis(500),
        );
        let r = get(&target, "/readiness", Duration::from_secs(5)).unwrap();
        assert_eq!((r.status, r.body.as_str()), (503, "down"));
        server.join().unwrap();
    }
}
