//! A seeded mutation fuzzer over generated repos: every mutant is reviewed (`review --format
//! json`), regenerated (`generate`) and fixed (`review --fix --format json`) by the real binary,
//! on copies. Whatever the files hold, vibe must not panic, must not hang (10 s of CPU per run,
//! then it is killed and counted as a hang), must exit 0, 1 or 2, and a JSON report must parse.
//! The limit is CPU time, not wall-clock time, so that a machine shared with other builds does
//! not turn a slow run into a hang; a run that takes 120 s of wall-clock time is a hang too
//! (a process blocked on something never uses its CPU).
//!
//! In the suite it runs a bounded number of mutants (VIBE_FUZZ_MUTANTS, default 100). The long
//! run: `VIBE_FUZZ_SECONDS=600 cargo test --test integration fuzz -- --nocapture` mutates until
//! the time is up and prints its figures (mutants, runs, crashes, hangs, peak RSS).
//! VIBE_FUZZ_SEED picks the seed (default: fixed, so a suite failure reproduces); a failing
//! mutant is named by seed and index, and its files are kept under target/fuzz-failures/.
//! VIBE_FUZZ_BIN runs another vibe binary (a copy, so a rebuild during a long run does not
//! pull the binary away, or a release build).

use crate::common::{App, repo_root, vibe};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One run using more CPU time than this is a hang.
const RUN_LIMIT: Duration = Duration::from_secs(10);
/// One run taking longer than this, busy or not, is a hang.
const WALL_LIMIT: Duration = Duration::from_secs(120);
/// Mutants in the suite when VIBE_FUZZ_MUTANTS is not set: 180 runs, about 40 s of CPU.
const SUITE_MUTANTS: usize = 60;
const DEFAULT_SEED: u64 = 0x7669_6265;

/// The repos mutants are made from: different runtimes, databases and components, so the
/// mutations hit every kind of generated file.
const BASES: &[&[&str]] = &[
    crate::common::INVENTORY_FLAGS,
    &[
        "init",
        "--yes",
        "--name",
        "Shop Front",
        "--runtime",
        "node22",
        "--db",
        "mongo",
        "--rabbitmq",
        "--size",
        "sm",
        "--metric",
        "carts_open:gauge:region",
        "--secret",
        "STRIPE_KEY",
        "--tag",
        "f00dbee",
    ],
    &[
        "init",
        "--yes",
        "--name",
        "Tiny Go",
        "--runtime",
        "go1.23",
        "--db",
        "none",
        "--size",
        "xs",
        "--metric",
        "jobs_done_total:counter",
        "--tag",
        "0ddba11",
    ],
];

/// YAML (and template) syntax that parsers trip on.
const YAML_BITS: &[&str] = &[
    "[",
    "{",
    "]",
    "}",
    "&a ",
    "*a",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "{{ .Values.x }}",
    "{{",
    "---\n",
    "...\n",
    "? ",
    "!!binary ",
    "!custom ",
    "%YAML 1.2\n",
    "|\n",
    ">-\n",
    "\t",
    ": ",
    "- ",
    "\"",
    "'",
    "#",
    "\\",
    "null",
    "~",
    "0x",
    "key: &a [*a]\n",
];

/// Values that overflow or confuse numeric parsing.
const HUGE: &[&str] = &[
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "1e400",
    "-1e-400",
    ".nan",
    "-.inf",
    "0o777777777777777777777777",
    "18446744073709551616",
    "1_000_000_000_000_000_000_000",
    "4294967296Mi",
    "999999999999999999Gi",
    "0.0000000000000000000000001m",
];

const CONTROL: &[&[u8]] = &[b"\0", b"\x1b[31m", b"\x7f", b"\r", b"\x0c", "\u{feff}".as_bytes(), "\u{2028}".as_bytes()];
const INVALID_UTF8: &[&[u8]] = &[b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"];

/// A copy of every file under `from` into `to` (no .git).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_name() == ".git" {
            continue;
        }
        if src.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Files under `root`, relative, sorted (deterministic for a seed).
fn files(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// The start of a random line of `data` (or 0).
fn line_start(rng: &mut StdRng, data: &[u8]) -> usize {
    let starts: Vec<usize> =
        std::iter::once(0).chain(data.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)).collect();
    *pick(rng, &starts)
}

/// Mutates one file's bytes in place; returns what it did, for the reproduction.
fn mutate_bytes(rng: &mut StdRng, data: &mut Vec<u8>) -> String {
    let at = if data.is_empty() { 0 } else { rng.gen_range(0..=data.len()) };
    match rng.gen_range(0..12) {
        0 if !data.is_empty() => {
            let i = rng.gen_range(0..data.len());
            let mask = rng.gen_range(1..=255u8);
            data[i] ^= mask;
            format!("flip byte {i} ^ {mask:#x}")
        }
        1 => {
            data.truncate(at);
            format!("truncate at {at}")
        }
        2 => {
            let text = data.clone();
            let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
            if lines.is_empty() {
                return "duplicate nothing (empty file)".into();
            }
            let from = rng.gen_range(0..lines.len());
            let to = (from + rng.gen_range(1..=8)).min(lines.len());
            let times = rng.gen_range(1..=3);
            let block: Vec<u8> = lines[from..to].concat();
            let mut out: Vec<u8> = lines[..to].concat();
            for _ in 0..times {
                out.extend_from_slice(&block);
            }
            out.extend(lines[to..].concat());
            *data = out;
            format!("duplicate lines {from}..{to} x{times}")
        }
        3 | 4 => {
            let bit = *pick(rng, YAML_BITS);
            let at = if rng.gen_bool(0.5) { line_start(rng, data) } else { at };
            data.splice(at..at, bit.bytes());
            format!("insert {bit:?} at {at}")
        }
        5 => {
            let depth = rng.gen_range(100..20_000);
            let (open, close) = if rng.gen_bool(0.5) { ("[", "]") } else { ("{a: ", "}") };
            let nest = format!("deep: {}1{}\n", open.repeat(depth), close.repeat(depth));
            let at = line_start(rng, data);
            data.splice(at..at, nest.bytes());
            format!("nest {open:?} x{depth} at {at}")
        }
        6 => {
            let digits: Vec<usize> =
                data.iter().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
            let huge = *pick(rng, HUGE);
            if digits.is_empty() {
                data.splice(at..at, huge.bytes());
                return format!("insert {huge} at {at}");
            }
            let i = *pick(rng, &digits);
            let end = (i..data.len()).find(|&j| !data[j].is_ascii_digit()).unwrap_or(data.len());
            data.splice(i..end, huge.bytes());
            format!("number at {i} -> {huge}")
        }
        7 => {
            let c = *pick(rng, CONTROL);
            data.splice(at..at, c.iter().copied());
            format!("control {c:?} at {at}")
        }
        8 => {
            let c = *pick(rng, INVALID_UTF8);
            data.splice(at..at, c.iter().copied());
            format!("invalid UTF-8 {c:?} at {at}")
        }
        9 => {
            // An alias bomb: each level doubles the expanded size.
            let levels = rng.gen_range(5..40);
            let mut bomb = String::from("l0: &l0 [x, x]\n");
            for l in 1..levels {
                bomb.push_str(&format!("l{l}: &l{l} [*l{p}, *l{p}]\n", p = l - 1));
            }
            let at = line_start(rng, data);
            data.splice(at..at, bomb.bytes());
            format!("alias bomb of {levels} levels at {at}")
        }
        10 => {
            let n = rng.gen_range(10_000..2_000_000);
            let at = line_start(rng, data);
            let line = format!("long: {}\n", "x".repeat(n));
            data.splice(at..at, line.bytes());
            format!("line of {n} bytes at {at}")
        }
        _ => {
            data.clear();
            "empty the file".into()
        }
    }
}

/// Applies 1 to 3 mutations to the repo at `dir`; returns their descriptions.
fn mutate_repo(rng: &mut StdRng, dir: &Path) -> Vec<String> {
    let mut done = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let all = files(dir);
        if all.is_empty() {
            break;
        }
        // vibe.yaml and the manifests are what vibe reads most: weight them up.
        let favoured: Vec<&PathBuf> =
            all.iter().filter(|p| p.starts_with("k8s") || p.as_os_str() == "vibe.yaml").collect();
        let file = if !favoured.is_empty() && rng.gen_bool(0.6) {
            (*pick(rng, &favoured)).clone()
        } else {
            pick(rng, &all).clone()
        };
        let path = dir.join(&file);
        match rng.gen_range(0..20) {
            0 => {
                std::fs::remove_file(&path).unwrap();
                done.push(format!("{}: delete", file.display()));
            }
            1 => {
                let other = pick(rng, &all).clone();
                let (a, b) = (std::fs::read(&path).unwrap(), std::fs::read(dir.join(&other)).unwrap());
                std::fs::write(&path, b).unwrap();
                std::fs::write(dir.join(&other), a).unwrap();
                done.push(format!("{}: swap with {}", file.display(), other.display()));
            }
            _ => {
                let mut data = std::fs::read(&path).unwrap();
                let what = mutate_bytes(rng, &mut data);
                std::fs::write(&path, data).unwrap();
                done.push(format!("{}: {what}", file.display()));
            }
        }
    }
    done
}

/// How one run of the binary ended.
struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    hung: bool,
    /// CPU time of the run (user and system).
    took: Duration,
    /// Peak resident set of the run, in KiB.
    max_rss_kib: i64,
}

/// Runs `vibe ARGS` in `dir`, killing it after [`RUN_LIMIT`]; reaps it with wait4 for its
/// peak memory.
// The child is reaped by wait4 (for its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, args: &[&str]) -> Ran {
    let bin = std::env::var_os("VIBE_FUZZ_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(assert_cmd::cargo::cargo_bin!("vibe")));
    let mut child = Command::new(bin)
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env_remove("VIBE_PLATFORM")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vibe binary starts");
    let pid = child.id() as libc::pid_t;
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let mut hung = false;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 on our own child's pid, with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if !hung && (cpu_time(pid) > RUN_LIMIT || start.elapsed() > WALL_LIMIT) {
            hung = true;
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let code = if libc::WIFEXITED(status) { Some(libc::WEXITSTATUS(status)) } else { None };
    Ran {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned(),
        hung,
        took: Duration::from_micros(
            u64::try_from(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec).unwrap_or(0) * 1_000_000
                + u64::try_from(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec).unwrap_or(0),
        ),
        max_rss_kib: usage.ru_maxrss,
    }
}

/// The CPU time (user and system) a running process has used so far, from /proc/PID/stat.
fn cpu_time(pid: libc::pid_t) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return Duration::ZERO };
    let Some((_, rest)) = stat.rsplit_once(") ") else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    // SAFETY: sysconf only reads a system constant.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).unwrap_or(100).max(1);
    Duration::from_millis(ticks * 1000 / per_second)
}

/// What went wrong with a run, if anything.
fn judge(args: &[&str], ran: &Ran) -> Option<String> {
    let cmd = args.join(" ");
    if ran.hung {
        return Some(format!(
            "`vibe {cmd}` hung: killed after {:.1}s of CPU time (limits: {}s of CPU, {}s in all; a run \
             killed with little CPU time was blocked, or starved by a busy machine)",
            ran.took.as_secs_f64(),
            RUN_LIMIT.as_secs(),
            WALL_LIMIT.as_secs()
        ));
    }
    if ran.stderr.contains("panicked at") {
        return Some(format!("`vibe {cmd}` panicked: {}", ran.stderr.trim()));
    }
    let Some(code) = ran.code.filter(|c| [0, 1, 2].contains(c)) else {
        return Some(format!(
            "`vibe {cmd}` ended with {:?} (a signal or an unexpected status): {}",
            ran.code, ran.stderr
        ));
    };
    let json = args.contains(&"json");
    if json
        && (code != 2 || !ran.stdout.is_empty())
        && serde_json::from_slice::<serde_json::Value>(&ran.stdout).is_err()
    {
        return Some(format!(
            "`vibe {cmd}` exited {code} with stdout that is not JSON: {:?}",
            String::from_utf8_lossy(&ran.stdout).chars().take(300).collect::<String>()
        ));
    }
    None
}

/// Totals of a fuzzing session.
#[derive(Default)]
struct Figures {
    mutants: usize,
    runs: usize,
    crashes: usize,
    hangs: usize,
    peak_rss_kib: i64,
    slowest: Duration,
    failures: Vec<String>,
}

/// Makes mutant `index` of `seed` from one of `bases` and runs the three commands on it.
fn fuzz_one(seed: u64, index: usize, bases: &[PathBuf], figures: &Mutex<Figures>) {
    let mut rng = StdRng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let base = pick(&mut rng, bases);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    copy_tree(base, &dir);
    let mutations = mutate_repo(&mut rng, &dir);
    // Each command on its own copy of the mutant, so one does not repair the input of the next.
    let pristine = tmp.path().join("mutant");
    copy_tree(&dir, &pristine);
    let commands: [&[&str]; 3] =
        [&["review", "--format", "json"], &["generate", "--tag", "fuzz"], &["review", "--fix", "--format", "json"]];
    for (n, args) in commands.iter().enumerate() {
        let work = tmp.path().join(format!("run{n}"));
        copy_tree(&pristine, &work);
        let ran = run(&work, args);
        let problem = judge(args, &ran);
        let mut f = figures.lock().unwrap();
        f.runs += 1;
        f.peak_rss_kib = f.peak_rss_kib.max(ran.max_rss_kib);
        f.slowest = f.slowest.max(ran.took);
        if let Some(problem) = problem {
            if ran.hung {
                f.hangs += 1;
            } else {
                f.crashes += 1;
            }
            let keep = repo_root().join(format!("target/fuzz-failures/seed-{seed}-mutant-{index}"));
            let _ = std::fs::remove_dir_all(&keep);
            copy_tree(&pristine, &keep);
            f.failures.push(format!(
                "seed {seed} mutant {index} (VIBE_FUZZ_SEED={seed}, files kept in {}): mutations {mutations:?}: {problem}",
                keep.display()
            ));
        }
    }
    figures.lock().unwrap().mutants += 1;
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")))
}

#[test]
fn mutated_repos_never_crash_or_hang() {
    let seed = env_number("VIBE_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let seconds = env_number("VIBE_FUZZ_SECONDS");
    let count = env_number("VIBE_FUZZ_MUTANTS").map(|n| n as usize).unwrap_or(SUITE_MUTANTS);
    let bases_dir = tempfile::tempdir().unwrap();
    let bases: Vec<PathBuf> = BASES
        .iter()
        .enumerate()
        .map(|(i, flags)| {
            let app = App::new();
            vibe().arg("--dir").arg(app.path()).args(*flags).assert().success();
            let dir = bases_dir.path().join(format!("base{i}"));
            copy_tree(app.path(), &dir);
            dir
        })
        .collect();
    let figures = Arc::new(Mutex::new(Figures::default()));
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let (figures, next, bases) = (Arc::clone(&figures), Arc::clone(&next), bases.clone());
            std::thread::spawn(move || {
                loop {
                    let more = match seconds {
                        Some(s) => start.elapsed() < Duration::from_secs(s),
                        None => next.load(Ordering::SeqCst) < count,
                    };
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if !more || (seconds.is_none() && index >= count) {
                        break;
                    }
                    fuzz_one(seed, index, &bases, &figures);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a fuzz worker panicked");
    }
    let f = figures.lock().unwrap();
    eprintln!(
        "fuzz: seed {seed}, {} mutants, {} runs in {:.0}s on {workers} workers: {} crashes, {} hangs, peak RSS {} MiB, slowest run {:.1}s of CPU",
        f.mutants,
        f.runs,
        start.elapsed().as_secs_f64(),
        f.crashes,
        f.hangs,
        f.peak_rss_kib / 1024,
        f.slowest.as_secs_f64()
    );
    assert!(f.mutants > 0, "no mutant was run");
    assert!(f.failures.is_empty(), "{} failing runs:\n{}", f.failures.len(), f.failures.join("\n"));
}
