//! The generated databases give the app its own user, never the server's superuser (contract S5 in
//! substance): the postgres init script is run for real against a throwaway cluster; the mongo init
//! script is syntax-checked with node and read (no mongod can be installed here).

use crate::common::App;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use vibe::repo::Repo;

/// A password with both quote characters and a backslash: it must neither break nor inject SQL.
const APP_PASSWORD: &str = "app'pa\"ss\\word; DROP ROLE x; --";
const ADMIN_PASSWORD: &str = "admin'pw\"2";

/// Every object vibe generated, as JSON.
pub(crate) fn objects(app: &App) -> Vec<Value> {
    let repo = Repo::load(app.path()).expect("the generated repo loads");
    repo.objects.iter().map(|o| o.node.to_json()).collect()
}

fn find<'a>(objects: &'a [Value], kind: &str, pred: impl Fn(&Value) -> bool) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && pred(o))
        .unwrap_or_else(|| panic!("no matching {kind} among the generated objects"))
}

/// The container's env as (name, value or `secret:KEY`).
pub(crate) fn env_of(container: &Value) -> Vec<(String, String)> {
    container["env"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let v = match e["valueFrom"]["secretKeyRef"]["key"].as_str() {
                Some(k) => format!("secret:{k}"),
                None => e["value"].as_str().unwrap_or_default().to_string(),
            };
            (e["name"].as_str().unwrap_or_default().to_string(), v)
        })
        .collect()
}

fn get<'a>(env: &'a [(String, String)], name: &str) -> &'a str {
    env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("env {name} missing"))
}

/// The generated database pieces: its init ConfigMap data, its container env, and every secret key the
/// app's own container reads.
struct Db {
    script: String,
    env: Vec<(String, String)>,
    app_secret_keys: Vec<String>,
}

fn generate(db: &str, script_key: &str) -> Db {
    let app = App::new();
    app.vibe(&["init", "--yes", "--name", "Ledger Keeper", "--runtime", "python3.12", "--db", db, "--tag", "a1b2c3d"])
        .args(["--metric", "entries_recorded_total:counter"])
        .assert()
        .success();
    let objects = objects(&app);
    let cm = find(&objects, "ConfigMap", |o| o["data"][script_key].is_string());
    let script = cm["data"][script_key].as_str().unwrap().to_string();
    let deploy = find(&objects, "Deployment", |o| o["metadata"]["labels"]["app.kubernetes.io/component"] == db);
    let container = &deploy["spec"]["template"]["spec"]["containers"][0];
    let mounts = container["volumeMounts"].as_array().unwrap();
    assert!(
        mounts.iter().any(|m| m["mountPath"] == "/docker-entrypoint-initdb.d"),
        "the {db} container mounts its init scripts: {mounts:?}"
    );
    let app_deploy = find(&objects, "Deployment", |o| o["metadata"]["labels"]["app.kubernetes.io/component"] == "app");
    let app_secret_keys = app_deploy["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["valueFrom"]["secretKeyRef"]["key"].as_str().map(String::from))
        .collect();
    Db { script, env: env_of(container), app_secret_keys }
}

// ------------------------------------------------------------------------------------------------
// postgres, for real
// ------------------------------------------------------------------------------------------------

/// The directory holding initdb, pg_ctl and psql: PATH first, then Debian's /usr/lib/postgresql/<v>/bin.
pub(crate) fn pg_bin() -> PathBuf {
    let has_all = |d: &Path| ["initdb", "pg_ctl", "psql"].iter().all(|b| d.join(b).is_file());
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Ok(rd) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = rd.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        dirs.extend(versions.into_iter().rev());
    }
    dirs.into_iter().find(|d| has_all(d)).unwrap_or_else(|| {
        panic!(
            "postgres binaries (initdb, pg_ctl, psql) not found on PATH or in /usr/lib/postgresql/*/bin: \
             install Debian's `postgresql` package (apt-get install postgresql) to run this test"
        )
    })
}

pub(crate) fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command run as the `postgres` OS user when we are root (initdb and postgres refuse to run as root).
pub(crate) fn as_pg(program: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "env"]);
        c
    } else {
        Command::new("env")
    };
    for (k, v) in env {
        cmd.arg(format!("{k}={v}"));
    }
    cmd.arg(program);
    cmd
}

pub(crate) fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stops the throwaway server whatever happens.
pub(crate) struct Server {
    pub(crate) pg_ctl: PathBuf,
    pub(crate) data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = as_pg(&self.pg_ctl, &[])
            .args(["stop", "-m", "immediate", "-w", "-D"])
            .arg(&self.data)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn postgres_init_script_creates_an_app_user_that_is_no_superuser() {
    let db = generate("postgres", "10-app-user.sh");
    // The server keeps the image's default superuser with its own sealed password; the app's user and
    // password are separate, and the app's container never receives the superuser's password.
    assert_eq!(get(&db.env, "POSTGRES_USER"), "postgres");
    assert_eq!(get(&db.env, "POSTGRES_PASSWORD"), "secret:POSTGRES_ADMIN_PASSWORD");
    assert_eq!(get(&db.env, "APP_DB_PASSWORD"), "secret:POSTGRES_PASSWORD");
    let user = get(&db.env, "APP_DB_USER").to_string();
    let dbname = get(&db.env, "POSTGRES_DB").to_string();
    assert_ne!(user, "postgres");
    assert!(db.app_secret_keys.contains(&"POSTGRES_PASSWORD".to_string()), "{:?}", db.app_secret_keys);
    assert!(!db.app_secret_keys.contains(&"POSTGRES_ADMIN_PASSWORD".to_string()), "{:?}", db.app_secret_keys);

    let bin = pg_bin();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let sock = dir.join("run");
    std::fs::create_dir_all(&sock).unwrap();
    let pwfile = dir.join("pwfile");
    std::fs::write(&pwfile, format!("{ADMIN_PASSWORD}\n")).unwrap();
    let script = dir.join("10-app-user.sh");
    std::fs::write(&script, &db.script).unwrap();
    if is_root() {
        ok(Command::new("chown").args(["-R", "postgres:"]).arg(dir).output().unwrap(), "chown");
    }

    // As the image does: initdb with the superuser `postgres` and its password; local socket trusted,
    // TCP with password authentication.
    ok(
        as_pg(&bin.join("initdb"), &[])
            .args(["--username=postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile"])
            .arg(&pwfile)
            .arg("-D")
            .arg(&data)
            .output()
            .unwrap(),
        "initdb",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let opts = format!("-c listen_addresses=127.0.0.1 -p {port} -k {}", sock.display());
    ok(
        as_pg(&bin.join("pg_ctl"), &[])
            .args(["start", "-w", "-t", "20", "-l"])
            .arg(dir.join("log"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts])
            .output()
            .unwrap(),
        "pg_ctl start",
    );
    let _server = Server { pg_ctl: bin.join("pg_ctl"), data: data.clone() };
    let sock_s = sock.display().to_string();
    let psql = bin.join("psql");

    // The superuser over the socket (as docker-entrypoint.sh's docker_process_sql does).
    let admin_sql = |sql: &str| {
        ok(
            as_pg(&psql, &[("PGHOST", &sock_s), ("PGPORT", &port)])
                .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres", "-v"])
                .arg(format!("db={dbname}"))
                .arg("-v")
                .arg(format!("user={user}"))
                .stdin(std::process::Stdio::piped())
                .output_with_stdin(sql),
            sql,
        )
    };
    // The image creates POSTGRES_DB before it runs the init scripts.
    admin_sql("CREATE DATABASE :\"db\";");

    // The generated script, as the image runs it: sourced by docker-entrypoint.sh (bash -Eeo pipefail)
    // with the superuser's env, PGPASSWORD set to its password, and the env the template passes.
    let bash = Path::new("/bin/bash");
    let run = as_pg(
        bash,
        &[
            ("PGHOST", &sock_s),
            ("PGPORT", &port),
            ("POSTGRES_USER", "postgres"),
            ("POSTGRES_DB", &dbname),
            ("POSTGRES_PASSWORD", ADMIN_PASSWORD),
            ("PGPASSWORD", ADMIN_PASSWORD),
            ("APP_DB_USER", &user),
            ("APP_DB_PASSWORD", APP_PASSWORD),
            ("PATH", &format!("{}:/usr/bin:/bin", bin.display())),
        ],
    )
    .args(["-Eeo", "pipefail", "-c", ". \"$1\"", "docker-entrypoint.sh"])
    .arg(&script)
    .output()
    .unwrap();
    ok(run, "the generated init script");

    let role = admin_sql(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls \
         FROM pg_roles WHERE rolname = :'user';",
    );
    assert_eq!(
        role.trim(),
        "f|f|f|t|f|f",
        "role flags of {user} (super, createrole, createdb, login, repl, bypassrls)"
    );
    let owner = admin_sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db';");
    assert_eq!(owner.trim(), user, "the app's user owns the app database");
    let monitor = admin_sql("SELECT pg_has_role(:'user', 'pg_monitor', 'MEMBER');");
    assert_eq!(monitor.trim(), "t", "the exporter (which connects as the app's user) may read statistics");

    // The app: TCP with its password.
    let app_sql = |password: &str, sql: &str| {
        as_pg(&psql, &[("PGPASSWORD", password)])
            .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", &port, "-U", &user, "-d", &dbname])
            .args(["-c", sql])
            .output()
            .unwrap()
    };
    let made = ok(
        app_sql(
            APP_PASSWORD,
            "CREATE TABLE ledger (id int); INSERT INTO ledger VALUES (1); SELECT count(*) FROM ledger;",
        ),
        "app creates a table",
    );
    assert_eq!(made.trim().lines().last(), Some("1"), "{made}");
    let wrong = app_sql("not-the-password", "SELECT 1;");
    assert!(!wrong.status.success(), "a wrong password must be refused (password auth is really in use)");
    let create_role = app_sql(APP_PASSWORD, "CREATE ROLE intruder;");
    assert!(!create_role.status.success(), "the app's user must not create roles");
    assert!(String::from_utf8_lossy(&create_role.stderr).contains("permission denied"), "{create_role:?}");
    let authid = app_sql(APP_PASSWORD, "SELECT rolpassword FROM pg_authid;");
    assert!(!authid.status.success(), "the app's user must not read pg_authid");
    assert!(String::from_utf8_lossy(&authid.stderr).contains("permission denied"), "{authid:?}");
    // The quotes in the password did not leak into SQL: only the expected roles exist.
    let intruder = admin_sql("SELECT count(*) FROM pg_roles WHERE rolname = 'x' OR rolname = 'intruder';");
    assert_eq!(intruder.trim(), "0");
}

/// `Command::output` with `input` written to stdin.
pub(crate) trait WithStdin {
    fn output_with_stdin(&mut self, input: &str) -> Output;
}

impl WithStdin for Command {
    fn output_with_stdin(&mut self, input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }
}

// ------------------------------------------------------------------------------------------------
// mongo: syntax and content only
// ------------------------------------------------------------------------------------------------

#[test]
fn mongo_init_script_creates_an_app_user_with_read_write_on_its_database_only() {
    let db = generate("mongo", "10-app-user.js");
    let root = get(&db.env, "MONGO_INITDB_ROOT_USERNAME");
    let user = get(&db.env, "APP_DB_USER");
    assert_eq!(root, "admin");
    assert_ne!(user, root);
    assert_eq!(get(&db.env, "MONGO_INITDB_ROOT_PASSWORD"), "secret:MONGO_ROOT_PASSWORD");
    assert_eq!(get(&db.env, "APP_DB_PASSWORD"), "secret:MONGO_PASSWORD");
    assert_eq!(get(&db.env, "APP_DB_NAME"), get(&db.env, "MONGO_INITDB_DATABASE"));
    assert!(db.app_secret_keys.contains(&"MONGO_PASSWORD".to_string()), "{:?}", db.app_secret_keys);
    assert!(!db.app_secret_keys.contains(&"MONGO_ROOT_PASSWORD".to_string()), "{:?}", db.app_secret_keys);

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("10-app-user.js");
    std::fs::write(&file, &db.script).unwrap();
    let out = Command::new("node").arg("--check").arg(&file).output().expect("node is installed");
    ok(out, "node --check on the generated mongo init script");

    let s = &db.script;
    assert!(s.contains("process.env.APP_DB_USER") && s.contains("process.env.APP_DB_PASSWORD"), "{s}");
    assert!(s.contains("process.env.APP_DB_NAME"), "{s}");
    assert_eq!(s.matches(".createUser(").count(), 1, "{s}");
    assert!(s.contains(r#"{ role: "readWrite", db: appDb }"#), "{s}");
    // No role that reaches other databases' data or administers users.
    for broad in [
        "readWriteAnyDatabase",
        "readAnyDatabase",
        "dbOwner",
        "userAdmin",
        "dbAdmin",
        "\"root\"",
        "clusterAdmin",
        "restore",
    ] {
        assert!(!s.contains(broad), "{broad} in {s}");
    }
    let roles: Vec<&str> = s.match_indices("role: \"").map(|(i, _)| s[i + 7..].split('"').next().unwrap()).collect();
    assert_eq!(roles, ["readWrite", "clusterMonitor"], "readWrite on the app database, read-only monitoring");
}
