//! `vibe probe` against servers and apps that misbehave: a server that stalls mid-answer or
//! sends a bogus chunked body, a port another process already holds, and an app that starts a
//! process escaping its process group with `setsid`.

use crate::common::App;
use crate::probe::{free_ports, ids};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A loopback server that answers every connection with the same bytes, then keeps the
/// connection open without another byte (a stalled server), until dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(answer: &'static [u8]) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        s.set_nonblocking(false).unwrap();
                        s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
                        let _ = s.read(&mut [0u8; 4096]);
                        let _ = s.write_all(answer);
                        held.push(s);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Server { port, stop, thread: Some(thread) }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `vibe probe --url … --mgmt-url … --timeout 2 --format json` against `answer` on both ports:
/// (exit code, the JSON report, everything printed, how long it took).
fn probe_servers(answer: &'static [u8]) -> (i32, String, String, Duration) {
    let (http, mgmt) = (Server::start(answer), Server::start(answer));
    let app = App::new();
    let start = Instant::now();
    let out = app
        .vibe(&["probe", "--url", &http.url(), "--mgmt-url", &mgmt.url(), "--timeout", "2", "--format", "json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let took = start.elapsed();
    let json = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = json.clone() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), json, report, took)
}

#[test]
fn a_body_shorter_than_its_content_length_ends_within_the_timeout_as_an_error() {
    // The readiness body itself would pass; it only lacks the bytes its Content-Length promised.
    let (code, json, report, took) =
        probe_servers(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"status\":\"UP\"}");
    assert!(took < Duration::from_secs(6), "--timeout 2 took {took:?}:\n{report}");
    assert_eq!(code, 1, "{report}");
    assert_eq!(ids(&json), ["B4"], "{report}");
    assert!(report.contains("did not answer 200 within 2s"), "{report}");
    assert!(report.contains("stopped after 15 of the 1000 bytes its Content-Length announced"), "{report}");
}

#[test]
fn a_bogus_chunk_size_is_an_error_not_an_answer() {
    let (code, json, report, took) =
        probe_servers(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"status\":\"UP\"}\r\n0\r\n\r\n");
    assert!(took < Duration::from_secs(6), "--timeout 2 took {took:?}:\n{report}");
    assert_eq!(code, 1, "{report}");
    assert_eq!(ids(&json), ["B4"], "{report}");
    assert!(report.contains("malformed chunked body"), "{report}");
    assert!(report.contains("never became ready"), "{report}");
}

#[test]
fn a_port_taken_by_another_process_stops_the_probe_with_exit_2() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (_, mgmt) = free_ports();
    let app = App::new();
    let pid_file = app.join("app.pid");
    let script = crate::common::repo_root().join("tests/fixtures/probe/app.py");
    let out = app
        .vibe(&["probe", "--port", &port.to_string(), "--mgmt-port", &mgmt.to_string(), "--"])
        .args(["python3", &script.display().to_string(), "good"])
        .env("PID_FILE", &pid_file)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}{}", String::from_utf8_lossy(&out.stdout));
    let expected = format!("port {port} (the app's traffic port) is already taken by");
    assert!(stderr.contains(&expected), "{stderr}");
    // This test process holds the port, and the message names it.
    assert!(stderr.contains(&format!("(pid {})", std::process::id())), "{stderr}");
    assert!(!pid_file.exists(), "the app must not be started on a taken port");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("PASS"), "no report of the other process");
}

#[test]
fn a_process_escaping_with_setsid_does_not_outlive_the_probe() {
    let app = App::new();
    let (http, mgmt) = free_ports();
    let pid_file = app.join("app.pid");
    let escaped_file = app.join("escaped.pid");
    let script = crate::common::repo_root().join("tests/fixtures/probe/app.py");
    // The app daemonises a helper into a session of its own, then serves.
    let command = format!(
        "setsid sh -c 'echo $$ > \"{}\"; exec sleep 300' & exec python3 '{}' good",
        escaped_file.display(),
        script.display()
    );
    let out = app
        .vibe(&["probe", "--port", &http.to_string(), "--mgmt-port", &mgmt.to_string(), "--window", "1"])
        .args(["--grace", "1", "--", "sh", "-c", &command])
        .env("PID_FILE", &pid_file)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let escaped: i32 = std::fs::read_to_string(&escaped_file)
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("the escaped helper wrote its pid:\n{report}"));
    let stat = std::fs::read_to_string(format!("/proc/{escaped}/stat"));
    let running = stat.as_ref().is_ok_and(|s| s.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')));
    if running {
        // SAFETY: the helper this test started; a failure must not leave it behind.
        unsafe { libc::kill(escaped, libc::SIGKILL) };
    }
    assert!(!running, "the setsid helper {escaped} still runs after vibe probe returned:\n{report}");
    assert_eq!(out.status.code(), Some(0), "{report}");
}
