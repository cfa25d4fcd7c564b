//! Backups leave the cluster, and restores are practised (issue 17, contract D5/D6): the scripts of
//! k8s/13-backup.yaml, taken out of the generated YAML (never a copy), run with the env their CronJob
//! gives them against a real PostgreSQL and a real S3-compatible server (moto's server mode, from the
//! test venv) through rclone (Debian's, 1.60). MongoDB is not installable here: its scripts are
//! syntax-checked with `sh -n`.

use crate::common::{App, venv_python};
use crate::dbuser::{Server, WithStdin, as_pg, env_of, is_root, objects, ok, pg_bin};
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const APP_PASSWORD: &str = "app'pw\"1";
const BUCKET: &str = "ledger-backups";

/// One container of a generated CronJob: its script (`sh -c SCRIPT`) and env (`secret:KEY` for secrets).
struct Step {
    script: String,
    env: Vec<(String, String)>,
}

/// The generated backup and drill CronJobs' containers, by container name.
struct Jobs {
    objects: Vec<Value>,
}

impl Jobs {
    fn cronjob(&self, suffix: &str) -> &Value {
        self.objects
            .iter()
            .find(|o| o["kind"] == "CronJob" && o["metadata"]["name"].as_str().is_some_and(|n| n.ends_with(suffix)))
            .unwrap_or_else(|| panic!("no CronJob *{suffix} in k8s/13-backup.yaml"))
    }

    fn step(&self, suffix: &str, container: &str) -> Step {
        let pod = &self.cronjob(suffix)["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        let all: Vec<&Value> =
            ["initContainers", "containers"].iter().flat_map(|k| pod[*k].as_array().into_iter().flatten()).collect();
        let c = all
            .into_iter()
            .find(|c| c["name"] == container)
            .unwrap_or_else(|| panic!("no container {container} in the {suffix} CronJob"));
        let cmd: Vec<&str> = c["command"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(&cmd[..2], &["/bin/sh", "-c"], "{container} runs a POSIX sh script");
        Step { script: cmd[2].to_string(), env: env_of(c) }
    }
}

fn generate(db: &str) -> (App, Jobs) {
    let app = App::new();
    let platform = app.path().join("platform.yaml");
    std::fs::write(
        &platform,
        format!("backup:\n  bucket: {BUCKET}\n  keepWeekly: 8\n  endpoint: https://objects.example.test\n"),
    )
    .unwrap();
    app.vibe(&["init", "--yes", "--name", "Ledger Keeper", "--runtime", "python3.12", "--db", db, "--tag", "a1b2c3d"])
        .args(["--metric", "entries_recorded_total:counter", "--platform"])
        .arg(&platform)
        .assert()
        .success();
    let objects = objects(&app);
    (app, Jobs { objects })
}

/// moto's S3 server on a free port, stopped on drop.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(venv_python())
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto's server (moto[server] in tests/tools/requirements.txt; run tests/run.sh once)");
    let moto = Moto { child, url: format!("http://127.0.0.1:{port}") };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "moto's S3 server did not start on port {port}");
        std::thread::sleep(Duration::from_millis(200));
    }
    moto
}

/// Runs `step` the way its container does (`/bin/sh -c SCRIPT`), as the unprivileged `postgres` OS user,
/// with the CronJob's env: secrets resolved from `secrets`, and `overrides` for what only exists in a
/// cluster (the database Service's name, the storage's address, the pod's volume paths). Every override
/// must name a variable the CronJob really sets.
fn run(step: &Step, secrets: &[(&str, &str)], overrides: &[(&str, &str)], bin: &Path) -> Output {
    let mut env: Vec<(String, String)> = Vec::new();
    for (name, value) in &step.env {
        let value = match value.strip_prefix("secret:") {
            Some(key) => secrets
                .iter()
                .find(|(k, _)| *k == key)
                .unwrap_or_else(|| panic!("the test has no value for secret key {key}"))
                .1
                .to_string(),
            None => value.clone(),
        };
        env.push((name.clone(), value));
    }
    for (name, value) in overrides {
        let slot = env.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("the CronJob does not set {name}"));
        slot.1 = value.to_string();
    }
    let path = format!("{}:/usr/bin:/bin", bin.display());
    env.push(("PATH".into(), path));
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Nothing of the test's own environment leaks in (an AWS_* variable would change what rclone does).
    as_pg(Path::new("/bin/sh"), &pairs)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(["-c", &step.script])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// rclone against moto, as the test's own client (seeding and listing the bucket).
fn rclone(moto: &Moto, args: &[&str]) -> String {
    let out = Command::new("rclone")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .args(args)
        .env("RCLONE_CONFIG_OFFSITE_TYPE", "s3")
        .env("RCLONE_CONFIG_OFFSITE_PROVIDER", "Other")
        .env("RCLONE_CONFIG_OFFSITE_ENDPOINT", &moto.url)
        .env("RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID", "testing")
        .env("RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY", "testing")
        .env("RCLONE_CONFIG", "/dev/null")
        .output()
        .expect("rclone (Debian's `rclone` package; tests/run.sh installs it)");
    ok(out, &format!("rclone {args:?}"))
}

/// A throwaway PostgreSQL server with the app's user and database, on TCP with password auth.
struct Source {
    _server: Server,
    port: String,
    user: String,
    db: String,
    psql: PathBuf,
}

impl Source {
    fn app_sql(&self, sql: &str) -> String {
        ok(
            as_pg(&self.psql, &[("PGPASSWORD", APP_PASSWORD)])
                .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", &self.port])
                .args(["-U", &self.user, "-d", &self.db])
                .output_with_stdin(sql),
            sql,
        )
    }
}

fn start_postgres(dir: &Path, bin: &Path, user: &str, db: &str) -> Source {
    let data = dir.join("source-data");
    let sock = dir.join("source-run");
    std::fs::create_dir_all(&sock).unwrap();
    if is_root() {
        ok(Command::new("chown").args(["-R", "postgres:"]).arg(dir).output().unwrap(), "chown");
    }
    ok(
        as_pg(&bin.join("initdb"), &[])
            .args(["--username=postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .unwrap(),
        "initdb",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let opts = format!("-c listen_addresses=127.0.0.1 -p {port} -k {}", sock.display());
    ok(
        as_pg(&bin.join("pg_ctl"), &[])
            .args(["start", "-w", "-t", "30", "-l"])
            .arg(dir.join("source.log"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts])
            .output()
            .unwrap(),
        "pg_ctl start",
    );
    let server = Server { pg_ctl: bin.join("pg_ctl"), data };
    // As the generated init script leaves it: the app's own login owns the app's database.
    let sock_s = sock.display().to_string();
    ok(
        as_pg(&bin.join("psql"), &[("PGHOST", &sock_s), ("PGPORT", &port)])
            .args(["-X", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres"])
            .args(["-v", &format!("u={user}"), "-v", &format!("d={db}"), "-v", &format!("p={APP_PASSWORD}")])
            .output_with_stdin("CREATE ROLE :\"u\" LOGIN PASSWORD :'p';\nCREATE DATABASE :\"d\" OWNER :\"u\";\n"),
        "create the app's user and database",
    );
    Source { _server: server, port, user: user.into(), db: db.into(), psql: bin.join("psql") }
}

/// Dump names in the bucket that retention must keep and delete, with keepDaily 7 and keepWeekly 8
/// (the platform file above): the day's newest dump of the 7 newest days with dumps, and each ISO
/// week's newest of the 8 newest weeks with dumps. 2024-12-30 lies in ISO week 2025-W01.
const SEEDS_KEPT: &[&str] = &[
    "20250310T140000Z", // day 2, week 2025-W11
    "20250309T021700Z", // day 3, week 2025-W10
    "20250308T021700Z",
    "20250307T021700Z",
    "20250306T021700Z",
    "20250305T021700Z", // day 7
    "20250220T021700Z", // week 2025-W08
    "20250210T021700Z", // week 2025-W07
    "20250101T021700Z", // week 2025-W01
    "20241229T021700Z", // week 2024-W52 (the 8th week: today's is the 1st)
];
const SEEDS_DELETED: &[&str] = &[
    "20250310T021700Z", // an older dump of a kept day
    "20250304T021700Z", // day 8, and its week 2025-W10 keeps 20250309
    "20250303T021700Z",
    "20241230T021700Z", // ISO week 2025-W01, whose newest is 20250101
];

#[test]
fn postgres_backup_leaves_the_cluster_keeps_what_retention_says_and_the_drill_restores_it() {
    let (app, jobs) = generate("postgres");
    let dump = jobs.step("-postgres-backup", "dump");
    let upload = jobs.step("-postgres-backup", "upload");
    let fetch = jobs.step("-postgres-restore-drill", "fetch");
    let restore = jobs.step("-postgres-restore-drill", "restore");
    let report = jobs.step("-postgres-restore-drill", "report");
    let get = |s: &Step, name: &str| s.env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
    // The CronJob's settings come from the platform file; credentials only ever by secretKeyRef.
    assert_eq!(get(&upload, "RCLONE_CONFIG_OFFSITE_ENDPOINT"), "https://objects.example.test");
    assert_eq!(get(&upload, "BACKUP_BUCKET"), BUCKET);
    assert_eq!(get(&upload, "KEEP_WEEKLY"), "8");
    assert_eq!(get(&upload, "RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID"), "secret:AWS_ACCESS_KEY_ID");
    assert_eq!(get(&upload, "RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY"), "secret:AWS_SECRET_ACCESS_KEY");
    assert_eq!(get(&dump, "PGPASSWORD"), "secret:POSTGRES_PASSWORD", "the dump runs as the app's own user");
    let prefix = get(&upload, "BACKUP_PREFIX");
    assert_eq!(prefix, "platform-vibe-ledger-keeper/postgres");
    assert!(restore.env.iter().all(|(_, v)| !v.starts_with("secret:")), "the drill gets no database credentials");
    drop(app);

    let bin = pg_bin();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let work = |name: &str| {
        let p = dir.join(name);
        std::fs::create_dir_all(&p).unwrap();
        p.display().to_string()
    };
    let (backup_dir, drill_dir, scratch, home, seed) =
        (work("backup"), work("drill"), work("scratch"), work("home"), work("seed"));
    let user = get(&dump, "PGUSER");
    let dbname = get(&dump, "PGDATABASE");
    let source = start_postgres(dir, &bin, &user, &dbname);
    source.app_sql(
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders VALUES (1, 9.5), (2, 3);\n\
         CREATE TABLE audit_log (id int);\n\
         CREATE TABLE \"Odd Name\" (v text); INSERT INTO \"Odd Name\" VALUES ('x');\n",
    );

    let moto = start_moto();
    rclone(&moto, &["mkdir", &format!("offsite:{BUCKET}")]);
    for stem in SEEDS_KEPT.iter().chain(SEEDS_DELETED) {
        std::fs::write(Path::new(&seed).join(format!("{stem}.dump")), "old dump").unwrap();
        std::fs::write(Path::new(&seed).join(format!("{stem}.tables")), "t\tpublic.orders\n").unwrap();
    }
    std::fs::write(Path::new(&seed).join("README.txt"), "not a dump: retention leaves it alone").unwrap();
    rclone(&moto, &["copy", &seed, &format!("offsite:{BUCKET}/{prefix}")]);
    if is_root() {
        ok(Command::new("chown").args(["-R", "postgres:"]).arg(dir).output().unwrap(), "chown");
    }

    let secrets =
        [("POSTGRES_PASSWORD", APP_PASSWORD), ("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")];
    let db_at = [("PGHOST", "127.0.0.1"), ("PGPORT", source.port.as_str()), ("BACKUP_DIR", backup_dir.as_str())];
    let storage_at =
        [("RCLONE_CONFIG_OFFSITE_ENDPOINT", moto.url.as_str()), ("BACKUP_DIR", backup_dir.as_str()), ("HOME", &home)];

    // The backup: dump, then upload and retention.
    let out = run(&dump, &secrets, &db_at, &bin);
    assert!(out.status.success(), "dump failed:\n{}", text(&out));
    let started = chrono_stamp_now();
    let clock = Instant::now();
    let out = run(&upload, &secrets, &storage_at, &bin);
    assert!(out.status.success(), "upload failed:\n{}", text(&out));
    eprintln!("upload and retention: {:.1}s", clock.elapsed().as_secs_f64());
    let log = text(&out);

    let listed: BTreeSet<String> = rclone(&moto, &["lsf", "--files-only", &format!("offsite:{BUCKET}/{prefix}")])
        .lines()
        .map(String::from)
        .collect();
    let fresh: Vec<&String> = listed
        .iter()
        .filter(|n| n.ends_with(".dump") && !SEEDS_KEPT.iter().chain(SEEDS_DELETED).any(|s| n.starts_with(s)))
        .collect();
    assert_eq!(fresh.len(), 1, "one new dump under {BUCKET}/{prefix}/: {listed:?}");
    let stem = fresh[0].trim_end_matches(".dump").to_string();
    assert!(
        stem.len() == 16 && stem.as_bytes()[8] == b'T' && stem.ends_with('Z') && stem[..8] >= started[..8],
        "the dump is named by its UTC time (YYYYMMDDTHHMMSSZ): {stem}"
    );
    assert!(log.contains(&format!("uploaded {BUCKET}/{prefix}/{stem}.dump")), "{log}");
    let mut expected: BTreeSet<String> =
        SEEDS_KEPT.iter().chain([&stem.as_str()]).flat_map(|s| [format!("{s}.dump"), format!("{s}.tables")]).collect();
    expected.insert("README.txt".into());
    assert_eq!(listed, expected, "retention kept exactly the newest dump of 7 days and 8 ISO weeks");
    for gone in SEEDS_DELETED {
        assert!(log.contains(&format!("deleted {BUCKET}/{prefix}/{gone}.dump")), "{log}");
    }
    // The dump really is a PostgreSQL custom-format archive, and the table list says which tables had rows.
    let tables = rclone(&moto, &["cat", &format!("offsite:{BUCKET}/{prefix}/{stem}.tables")]);
    let tables: BTreeSet<&str> = tables.lines().collect();
    assert_eq!(tables, BTreeSet::from(["t\tpublic.\"Odd Name\"", "f\tpublic.audit_log", "t\tpublic.orders"]));
    let head = rclone(&moto, &["cat", "--count", "5", &format!("offsite:{BUCKET}/{prefix}/{stem}.dump")]);
    assert_eq!(head, "PGDMP", "custom-format dump");

    // The drill: download the newest dump, restore it into a throw-away server in the pod, check it.
    let drill_storage =
        [("RCLONE_CONFIG_OFFSITE_ENDPOINT", moto.url.as_str()), ("BACKUP_DIR", drill_dir.as_str()), ("HOME", &home)];
    let scratch_at = [("BACKUP_DIR", drill_dir.as_str()), ("SCRATCH_DIR", scratch.as_str())];
    let out = run(&fetch, &secrets, &drill_storage, &bin);
    assert!(out.status.success(), "fetch failed:\n{}", text(&out));
    assert!(text(&out).contains(&format!("{stem}.dump")), "the drill takes the newest dump: {}", text(&out));
    let out = run(&restore, &secrets, &scratch_at, &bin);
    let log = text(&out);
    assert!(out.status.success(), "the drill failed on a good backup:\n{log}");
    assert!(log.contains("restore drill passed") && log.contains("3 tables checked"), "{log}");
    let out = run(&report, &secrets, &[("BACKUP_DIR", drill_dir.as_str())], &bin);
    assert!(out.status.success() && text(&out).contains("restore drill passed"), "{}", text(&out));
    let status = as_pg(&bin.join("pg_ctl"), &[]).args(["status", "-D"]).arg(Path::new(&scratch).join("data")).output();
    assert!(!status.unwrap().status.success(), "the scratch server is stopped when the drill ends");

    // A restored copy where a table that had rows is empty, and one recorded table is missing: the drill
    // fails loudly and names both. (The source changes, is dumped again, and that dump is restored
    // against the first backup's table list.)
    source.app_sql("DELETE FROM orders; DROP TABLE \"Odd Name\";");
    let second = work("second");
    if is_root() {
        ok(Command::new("chown").args(["-R", "postgres:"]).arg(&second).output().unwrap(), "chown");
    }
    let out = run(&dump, &secrets, &[("PGHOST", "127.0.0.1"), ("PGPORT", &source.port), ("BACKUP_DIR", &second)], &bin);
    assert!(out.status.success(), "second dump failed:\n{}", text(&out));
    std::fs::copy(Path::new(&second).join("db.dump"), Path::new(&drill_dir).join("db.dump")).unwrap();
    let scratch2 = work("scratch2");
    if is_root() {
        ok(Command::new("chown").args(["-R", "postgres:"]).arg(&scratch2).output().unwrap(), "chown");
    }
    let out = run(&restore, &secrets, &[("BACKUP_DIR", drill_dir.as_str()), ("SCRATCH_DIR", &scratch2)], &bin);
    let log = text(&out);
    assert!(!out.status.success(), "the drill passed on a copy with an emptied and a missing table:\n{log}");
    assert!(log.contains("RESTORE DRILL FAILED: table public.orders had rows"), "{log}");
    assert!(log.contains("RESTORE DRILL FAILED: table public.\"Odd Name\" is missing"), "{log}");

    // A broken upload fails the Job: a bucket that does not exist (rclone must not create it), and
    // storage that cannot be reached.
    // (One try each: the failure is under test here, not rclone's retries, which take minutes.)
    let once = [("RCLONE_RETRIES", "1"), ("RCLONE_LOW_LEVEL_RETRIES", "1")];
    let out = run(
        &upload,
        &secrets,
        &[("BACKUP_BUCKET", "no-such-bucket"), storage_at[0], storage_at[1], storage_at[2], once[0], once[1]],
        &bin,
    );
    assert!(!out.status.success(), "an upload to a missing bucket passed:\n{}", text(&out));
    let buckets = rclone(&moto, &["lsf", "offsite:"]);
    assert!(!buckets.contains("no-such-bucket"), "the upload created the bucket: {buckets}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = format!("http://127.0.0.1:{closed}");
    let out = run(
        &upload,
        &secrets,
        &[("RCLONE_CONFIG_OFFSITE_ENDPOINT", &nowhere), storage_at[1], storage_at[2], once[0], once[1]],
        &bin,
    );
    assert!(!out.status.success(), "an upload to unreachable storage passed:\n{}", text(&out));
    // A failed dump (wrong password) fails before anything is uploaded.
    let wrong = [("POSTGRES_PASSWORD", "wrong"), secrets[1], secrets[2]];
    let out = run(&dump, &wrong, &[db_at[0], db_at[1], ("BACKUP_DIR", &second)], &bin);
    assert!(!out.status.success(), "a dump with a wrong password passed:\n{}", text(&out));
}

/// Today's UTC date as YYYYMMDD (the new dump cannot be older).
fn chrono_stamp_now() -> String {
    let out = Command::new("date").args(["-u", "+%Y%m%d"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn every_backup_script_is_posix_sh_for_both_databases() {
    // MongoDB (mongod, mongodump, mongosh) is not installable here: its scripts are checked for
    // syntax only, by the same shell the rclone and database images run them with.
    for (db, steps) in [
        ("mongo", [("-mongo-backup", "dump"), ("-mongo-backup", "upload"), ("-mongo-restore-drill", "fetch")]),
        (
            "postgres",
            [("-postgres-backup", "dump"), ("-postgres-backup", "upload"), ("-postgres-restore-drill", "fetch")],
        ),
    ] {
        let (_app, jobs) = generate(db);
        let restore = ("-restore-drill", "restore");
        for (job, container) in steps.into_iter().chain([(restore.0, restore.1), ("-restore-drill", "report")]) {
            let step = jobs.step(job, container);
            assert!(step.script.starts_with("set -eu\n"), "{db} {container}: starts with set -eu");
            let out = Command::new("sh").args(["-n", "-c", &step.script]).output().unwrap();
            assert!(out.status.success(), "{db} {container}: sh -n failed:\n{}", text(&out));
        }
        let dump = jobs.step(&format!("-{db}-backup"), "dump");
        let expected = if db == "mongo" { "mongodump" } else { "pg_dump --format=custom" };
        assert!(dump.script.contains(expected), "{db}: {expected}");
        if db == "mongo" {
            assert!(dump.script.contains("--archive=db.dump.partial --gzip"), "{}", dump.script);
            assert!(!dump.script.contains("--password"), "the password never goes on the command line");
        }
    }
}

#[test]
fn vibe_backup_prints_commands_for_the_generated_cronjob_and_refuses_apps_without_a_database() {
    let (app, jobs) = generate("postgres");
    let cronjob = jobs.cronjob("-postgres-backup")["metadata"]["name"].as_str().unwrap().to_string();
    let out = app.vibe(&["backup", "now"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("kubectl --namespace platform-vibe-ledger-keeper create job --from=cronjob/{cronjob} ")),
        "{text}"
    );
    let key = "platform-vibe-ledger-keeper/postgres/20261206T021700Z.dump";
    let out = app.vibe(&["backup", "restore", "--from", key]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("rclone copyto offsite:{BUCKET}/{key} restore.dump")), "{text}");
    let out =
        app.vibe(&["backup", "restore", "--from", "somebody-else/postgres/20261206T021700Z.dump"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a dump of another app is refused as a usage error");

    let none = App::new();
    none.vibe(&["init", "--yes", "--name", "Plain", "--runtime", "node22", "--tag", "a1b2c3d"])
        .args(["--metric", "pages_served_total:counter"])
        .assert()
        .success();
    let out = none.vibe(&["backup", "now"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"), "{out:?}");
}
