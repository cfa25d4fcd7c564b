//! Benchmark (not a test): how long from saving a file to the dashboard showing the new review.
//!
//! Generates the demo app in a temporary folder, runs the real dashboard loop (file watcher,
//! debounce, review worker, render) on ratatui's TestBackend at 120×40, then saves
//! k8s/08-app.yaml 50 times, alternating a broken and a fixed image tag, and times each save
//! until the frame whose review reflects it has been drawn.
//!
//!     cargo run --release --example watch_latency [-- --edits 50 --debounce-ms 60]

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};
use vibe::dashboard::{self, Action, ChannelHost, State, event::FileWatcher};

fn main() {
    let mut edits = 50usize;
    let mut debounce = dashboard::event::DEBOUNCE;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1).and_then(|v| v.parse::<u64>().ok())) {
            ("--edits", Some(n)) => edits = n as usize,
            ("--debounce-ms", Some(ms)) => debounce = Duration::from_millis(ms),
            _ => {
                eprintln!("usage: watch_latency [--edits N] [--debounce-ms MS]");
                std::process::exit(2);
            }
        }
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let init = [
        "vibe",
        "--dir",
        root.to_str().unwrap(),
        "init",
        "--yes",
        "--name",
        "Inventory Checker",
        "--runtime",
        "python3.12",
        "--db",
        "postgres",
        "--redis",
        "--nginx",
        "--ingress",
        "--size",
        "md",
        "--metric",
        "orders_processed_total:counter:status",
        "--secret",
        "API_KEY",
        "--tag",
        "a1b2c3d",
    ];
    vibe::commands::execute(vibe::cli::Arguments::parse_from(init)).expect("generate the demo app");
    let manifest = root.join("k8s/08-app.yaml");
    let good = std::fs::read_to_string(&manifest).unwrap();
    let bad = good.replace("inventory-checker:a1b2c3d", "inventory-checker:latest");

    let (tx, rx) = channel();
    let jobs = dashboard::worker::spawn(vibe::workspace::Workspace::load(&root, None), tx.clone()).unwrap();
    let _watcher = FileWatcher::spawn(&root, debounce, tx.clone()).unwrap();
    let (drawn_tx, drawn) = channel::<Frame>();
    let ui = std::thread::spawn(move || {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut state = State::new(root.display().to_string());
        let mut host = ChannelHost { jobs };
        dashboard::run_loop(&mut terminal, &mut state, &rx, &mut host, &mut |s| {
            let took = s.last_review.as_ref().map(|(_, took)| *took).unwrap_or_default();
            let _ = drawn_tx.send((Instant::now(), s.report.as_ref().map(|r| r.critical()), took));
        })
    });

    // The first review, and the count of a good file.
    let base = wait_for(&drawn, Duration::from_secs(30), |c| c.is_some()).1.expect("first review");
    let mut samples = Vec::with_capacity(edits);
    let mut reviews = Vec::with_capacity(edits);
    for i in 0..edits {
        let broken = i % 2 == 0;
        let expected = if broken { base + 1 } else { base };
        std::thread::sleep(Duration::from_millis(150));
        while drawn.try_recv().is_ok() {}
        let start = Instant::now();
        std::fs::write(&manifest, if broken { &bad } else { &good }).unwrap();
        let (at, _, took) = wait_for(&drawn, Duration::from_secs(10), |c| c == Some(expected));
        samples.push(at.duration_since(start));
        reviews.push(took);
    }
    let _ = tx.send(Action::Key(KeyEvent::from(KeyCode::Char('q'))));
    ui.join().unwrap().unwrap();

    samples.sort();
    reviews.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "change -> redraw over {} edits (debounce {} ms): p50 {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        debounce.as_millis(),
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(samples[0]),
        ms(*samples.last().unwrap())
    );
    println!("of which the review itself: p50 {:.1} ms", ms(reviews[reviews.len() / 2]));
}

/// A drawn frame: when, the CRITICAL count it shows, how long its review took.
type Frame = (Instant, Option<usize>, Duration);

/// Waits for a drawn frame whose critical count satisfies `ok`.
fn wait_for(drawn: &std::sync::mpsc::Receiver<Frame>, timeout: Duration, ok: impl Fn(Option<usize>) -> bool) -> Frame {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match drawn.recv_timeout(left) {
            Ok(frame) if ok(frame.1) => return frame,
            Ok(_) => {}
            Err(_) => panic!("no frame with the expected review within {timeout:?}"),
        }
    }
}
