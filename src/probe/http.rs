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

/// `GET path` on the target, giving up after `timeout` in total.
pub fn get(target: &Target, path: &str, timeout: Duration) -> io::Result<Response> {
    let deadline = Instant::now() + timeout;
    let addrs: Vec<_> = (target.host.as_str(), target.port).to_socket_addrs()?.collect();
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name resolves to no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let mut stream = stream.ok_or(last)?;
    stream.set_write_timeout(Some(timeout))?;
    let host = if target.host.contains(':') { format!("[{}]", target.host) } else { target.host.clone() };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{}\r\nUser-Agent: vibe-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target.port
    );
    stream.write_all(request.as_bytes())?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                // A server that keeps the connection open despite `Connection: close`:
                // stop as soon as the response is complete.
                if buf.len() >= MAX_RESPONSE || matches!(parse(&buf), Ok(Some(_))) {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
            Err(e) if buf.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    match parse(&buf) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => parse_eof(&buf),
        Err(msg) => Err(io::Error::new(io::ErrorKind::InvalidData, msg)),
    }
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

/// A complete response, `Ok(None)` when more bytes are needed.
fn parse(buf: &[u8]) -> Result<Option<Response>, String> {
    let Some(end) = header_end(buf) else { return Ok(None) };
    let (status, headers) = parse_head(&buf[..end])?;
    let body = &buf[end..];
    let find = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let body = if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        match dechunk(body) {
            Some(b) => b,
            None => return Ok(None),
        }
    } else if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        if body.len() < len {
            return Ok(None);
        }
        body[..len].to_vec()
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        // Delimited by the end of the connection.
        return Ok(None);
    };
    Ok(Some(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() }))
}

/// What arrived before the connection closed.
fn parse_eof(buf: &[u8]) -> io::Result<Response> {
    let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
    if buf.is_empty() {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the connection closed without a response"));
    }
    let end = header_end(buf).ok_or_else(|| invalid("the connection closed in the middle of the headers".into()))?;
    let (status, headers) = parse_head(&buf[..end]).map_err(invalid)?;
    Ok(Response { status, headers, body: String::from_utf8_lossy(&buf[end..]).into_owned() })
}

/// Decodes a chunked body; `None` until the last chunk has arrived.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if body.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
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

    #[test]
    fn parses_responses() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello").unwrap().unwrap();
        assert_eq!((r.status, r.body.as_str(), r.header("x")), (200, "hello", Some("y")));
        assert_eq!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel").unwrap(), None);
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(r.body, "abcde");
        assert!(parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert_eq!(parse_eof(b"HTTP/1.0 404 Not Found\r\n\r\nnope").unwrap().status, 404);
        assert!(parse_eof(b"").is_err());
    }

    #[test]
    fn gets_from_a_server_that_keeps_the_connection_open() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown").unwrap();
            std::thread::sleep(Duration::from_millis(500));
        });
        let target = Target { host: "127.0.0.1".into(), port };
        let r = get(&target, "/readiness", Duration::from_secs(5)).unwrap();
        assert_eq!((r.status, r.body.as_str()), (503, "down"));
        server.join().unwrap();
    }
}
