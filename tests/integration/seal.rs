//! `vibe seal` end to end, checked against independent implementations: the key and certificate
//! come from the openssl CLI, values are decrypted with Python's `cryptography`
//! (tests/tools/unseal.py), and a value sealed by npm's @linode/kubeseal-encrypt
//! (tests/tools/kubeseal_encrypt.mjs) decrypts with the same script. tests/run.sh installs both.

use crate::common::venv_python;
use crate::common::{App, INVENTORY_FLAGS, repo_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The tag INVENTORY_FLAGS give: the temporary app folders are not git repositories.
const TAG: &str = "a1b2c3d";
const NAMESPACE: &str = "platform-vibe-inventory-checker";
const SECRET: &str = "inventory-checker-secrets";
/// The plaintext under test: distinctive, so a grep for it cannot match by accident.
const VALUE: &str = "tr0ub4dor-Kx9q-do-not-leak-7f3e";
const SECOND_VALUE: &str = "second-value-Qw2z-also-secret";

/// A folder holding a key pair and certificates made with the openssl CLI, outside any app folder.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Keys {
        Keys { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// An RSA-4096 key and a self-signed certificate valid from now, as the controller makes.
    fn rsa4096(&self) -> (PathBuf, PathBuf) {
        let (key, cert) = (self.path("controller.key"), self.path("controller.pem"));
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:4096",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/O=sealed-secret/CN=sealed-secret",
            "-keyout",
            s(&key),
            "-out",
            s(&cert),
        ]);
        (key, cert)
    }

    /// A quick RSA-2048 certificate for tests that do not decrypt.
    fn rsa_cert_2048(&self) -> PathBuf {
        let cert = self.path("small.pem");
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=small",
            "-keyout",
            s(&self.path("small.key")),
            "-out",
            s(&cert),
        ]);
        cert
    }

    /// A self-signed certificate with chosen validity dates (YYYYMMDDHHMMSSZ), through `openssl ca`
    /// because `openssl req` cannot back-date.
    fn rsa_with_dates(&self, start: &str, end: &str) -> PathBuf {
        let d = self.dir.path();
        std::fs::write(d.join("index.txt"), "").unwrap();
        std::fs::write(d.join("serial"), "01\n").unwrap();
        std::fs::write(
            d.join("ca.cnf"),
            "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n\
             default_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n",
        )
        .unwrap();
        openssl_in(
            d,
            &[
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "dated.key",
                "-out",
                "dated.csr",
                "-subj",
                "/CN=old-controller",
            ],
        );
        openssl_in(
            d,
            &[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-selfsign",
                "-keyfile",
                "dated.key",
                "-in",
                "dated.csr",
                "-out",
                "dated.pem",
                "-startdate",
                start,
                "-enddate",
                end,
                "-notext",
            ],
        );
        self.path("dated.pem")
    }

    /// An elliptic-curve (P-256) self-signed certificate: valid, but not something sealed-secrets uses.
    fn ec(&self) -> PathBuf {
        let cert = self.path("ec.pem");
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=not-a-controller",
            "-keyout",
            s(&self.path("ec.key")),
            "-out",
            s(&cert),
        ]);
        cert
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn openssl(args: &[&str]) -> Output {
    openssl_in(Path::new("."), args)
}

fn openssl_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("the openssl CLI runs");
    assert!(out.status.success(), "openssl {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// SHA-256 of the DER certificate as openssl computes it, lowercase hex without colons.
fn openssl_fingerprint(cert: &Path) -> String {
    let out = openssl(&["x509", "-in", s(cert), "-noout", "-fingerprint", "-sha256"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let hex = text.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase();
    assert_eq!(hex.len(), 64, "{text}");
    hex
}

/// Where tests/run.sh installed @linode/kubeseal-encrypt (VIBE_TEST_NPM_TOOLS, else target/npm-tools).
fn npm_tools() -> PathBuf {
    let dir = std::env::var_os("VIBE_TEST_NPM_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/npm-tools"));
    let pkg = dir.join("node_modules/@linode/kubeseal-encrypt/package.json");
    assert!(
        pkg.exists(),
        "@linode/kubeseal-encrypt is missing under {}: run `bash tests/run.sh`, which installs it",
        dir.display()
    );
    dir
}

/// Decrypts `value` with tests/tools/unseal.py; `Err` carries the script's reason.
fn unseal(key: &Path, namespace: &str, name: &str, scope: &str, value: &str) -> Result<String, String> {
    let out = assert_cmd::Command::new(venv_python())
        .arg(repo_root().join("tests/tools/unseal.py"))
        .args(["--key", s(key), "--namespace", namespace, "--name", name, "--scope", scope])
        .write_stdin(value)
        .output()
        .expect("unseal.py runs");
    match out.status.code() {
        Some(0) => Ok(String::from_utf8(out.stdout).expect("utf-8 plaintext")),
        Some(1) => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        _ => panic!("unseal.py usage error: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// The app's SealedSecret in k8s/02-sealed-secrets.yaml: (encryptedData, annotation vibe.dev/sealed-with).
fn sealed_secret(app: &App) -> (Vec<(String, String)>, Option<String>) {
    let text = app.read("k8s/02-sealed-secrets.yaml");
    let docs = vibe::yaml::parse_documents(&text).expect("k8s/02 parses");
    let doc = docs
        .iter()
        .find(|d| d.root.path("metadata.name").and_then(|n| n.as_str()) == Some(SECRET))
        .expect("the app's SealedSecret");
    let r = &doc.root;
    assert_eq!(r.path("metadata.namespace").and_then(|n| n.as_str()), Some(NAMESPACE));
    assert_eq!(r.path("spec.template.metadata.namespace").and_then(|n| n.as_str()), Some(NAMESPACE));
    let data = r
        .path("spec.encryptedData")
        .expect("encryptedData")
        .entries()
        .iter()
        .map(|e| (e.key.clone(), e.value.as_str().unwrap_or_default().to_string()))
        .collect();
    let recorded = r
        .path("metadata.annotations")
        .and_then(|a| a.get("vibe.dev/sealed-with"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    (data, recorded)
}

fn value_of(data: &[(String, String)], key: &str) -> String {
    data.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("no {key} in {data:?}"))
}

/// Every command's output, kept to check afterwards that no secret reached a terminal.
#[derive(Default)]
struct Transcript(Vec<String>);

impl Transcript {
    fn run(&mut self, mut cmd: assert_cmd::Command, stdin: Option<&str>) -> Output {
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().expect("vibe runs");
        self.0.push(String::from_utf8_lossy(&out.stdout).into_owned());
        self.0.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    }

    fn assert_never_shows(&self, secret: &str) {
        for (i, text) in self.0.iter().enumerate() {
            assert!(!text.contains(secret), "output #{i} shows a secret value:\n{text}");
        }
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts no file under the app folder (.vibe/ backups and locks included) holds `secret`,
/// plainly or base64-encoded.
fn assert_in_no_file(app: &App, secret: &str) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    // app.files() walks every folder, .vibe/ included.
    for f in &app.files() {
        let bytes = std::fs::read(app.join(f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{f} holds a secret value in plain text");
        assert!(!text.contains(&b64), "{f} holds a secret value in base64");
    }
}

/// An app with the demo answers, whose platform file (in the app folder, as a team would commit
/// it) points at `cert`.
fn app_with_certificate(cert: &Path, t: &mut Transcript) -> App {
    let app = App::new();
    std::fs::copy(cert, app.join("sealed-secrets.pem")).unwrap();
    app.write("platform.yaml", "sealedSecrets:\n  certificate: sealed-secrets.pem\n");
    let platform = app.join("platform.yaml");
    let mut args = INVENTORY_FLAGS.to_vec();
    // init stores the platform file in vibe.yaml, so later commands need no --platform.
    args.extend(["--platform", s(&platform)]);
    let out = t.run(app.vibe(&args), None);
    assert!(out.status.success(), "init failed:\n{}{}", stdout(&out), stderr(&out));
    app
}

#[test]
fn a_sealed_value_decrypts_only_for_its_secret_and_never_leaks() {
    venv_python(); // fail first, and clearly, when the suite's tools are missing
    let keys = Keys::new();
    let (key, cert) = keys.rsa4096();
    let mut t = Transcript::default();
    let app = app_with_certificate(&cert, &mut t);

    // Before sealing: stubs, and the fingerprint of the platform's certificate already recorded.
    let (data, recorded) = sealed_secret(&app);
    assert_eq!(value_of(&data, "API_KEY"), "REPLACE_ME");
    assert_eq!(
        recorded.as_deref(),
        Some(openssl_fingerprint(&cert).as_str()),
        "fingerprint = SHA-256 of the DER certificate"
    );
    let out = t.run(app.vibe(&["seal", "--list"]), None);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&out);
    assert!(list.contains("API_KEY") && list.contains("not sealed yet: `vibe seal API_KEY`"), "{list}");
    // init generated and sealed the store passwords itself, since the certificate is configured.
    for key in ["POSTGRES_PASSWORD", "POSTGRES_ADMIN_PASSWORD"] {
        assert!(list.lines().any(|l| l.contains(key) && l.trim_end().ends_with("sealed")), "{list}");
    }
    let (data, _) = sealed_secret(&app);
    let first_password = value_of(&data, "POSTGRES_PASSWORD");

    // Seal API_KEY from a pipe (with the newline `echo` adds, which must not be sealed).
    let out = t.run(app.vibe(&["seal", "API_KEY", "--tag", TAG]), Some(&format!("{VALUE}\n")));
    assert!(out.status.success(), "seal failed:\n{}{}", stdout(&out), stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("Sealed API_KEY") && said.contains(NAMESPACE) && said.contains("scope strict"), "{said}");
    assert!(said.contains("Next:"), "{said}");

    let (data, recorded) = sealed_secret(&app);
    let sealed = value_of(&data, "API_KEY");
    assert_eq!(value_of(&data, "POSTGRES_PASSWORD"), first_password, "other keys are kept");
    assert_eq!(recorded.as_deref(), Some(openssl_fingerprint(&cert).as_str()));
    assert_eq!(unseal(&key, NAMESPACE, SECRET, "strict", &sealed).as_deref(), Ok(VALUE));
    // Strict: bound to this namespace AND this name.
    assert!(unseal(&key, "platform-vibe-other", SECRET, "strict", &sealed).is_err(), "wrong namespace decrypts");
    assert!(unseal(&key, NAMESPACE, "other-secrets", "strict", &sealed).is_err(), "wrong name decrypts");
    assert!(
        unseal(&key, NAMESPACE, SECRET, "namespace-wide", &sealed).is_err(),
        "strict value decrypts namespace-wide"
    );
    // The chart carries the same sealed value.
    let values: Vec<String> = app.files().into_iter().filter(|f| f.ends_with("values.yaml")).collect();
    assert!(
        values.iter().any(|f| app.read(f).contains(&sealed)),
        "no Helm values file carries the sealed value: {values:?}"
    );

    // Re-sealing replaces the value; the generated password is sealed without being shown.
    let out = t.run(app.vibe(&["seal", "API_KEY", "--tag", TAG]), Some(SECOND_VALUE));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = t.run(app.vibe(&["seal", "--generate", "--force", "POSTGRES_PASSWORD", "--tag", TAG]), None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("never shown"), "{}", stdout(&out));
    let (data, _) = sealed_secret(&app);
    let api_key = value_of(&data, "API_KEY");
    assert_ne!(api_key, sealed);
    assert_eq!(unseal(&key, NAMESPACE, SECRET, "strict", &api_key).as_deref(), Ok(SECOND_VALUE));
    let password =
        unseal(&key, NAMESPACE, SECRET, "strict", &value_of(&data, "POSTGRES_PASSWORD")).expect("password decrypts");
    assert_eq!(password.len(), 32, "32 characters");
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()), "letters and digits only");
    // The database server's own superuser password is a separate generated key.
    let out = t.run(app.vibe(&["seal", "--generate", "--force", "POSTGRES_ADMIN_PASSWORD", "--tag", TAG]), None);
    assert!(out.status.success(), "{}", stderr(&out));
    let (data, _) = sealed_secret(&app);
    let admin = unseal(&key, NAMESPACE, SECRET, "strict", &value_of(&data, "POSTGRES_ADMIN_PASSWORD"))
        .expect("admin password decrypts");
    assert_ne!(admin, password, "the superuser and the app's user have different passwords");
    assert!(!app.read("k8s/02-sealed-secrets.yaml").contains("REPLACE_ME"), "every key sealed: no stub left");

    // A second --generate would change a live database password: refused unless --force.
    let out = t.run(app.vibe(&["seal", "--generate", "POSTGRES_PASSWORD", "--tag", TAG]), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already sealed") && stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = t.run(app.vibe(&["seal", "--list"]), None);
    let list = stdout(&out);
    assert!(list.contains("API_KEY") && list.contains("sealed") && !list.contains("not sealed"), "{list}");
    assert!(list.contains(&openssl_fingerprint(&cert)), "{list}");

    // No value anywhere: files (backups included), and any output line.
    for secret in [VALUE, SECOND_VALUE, password.as_str()] {
        assert_in_no_file(&app, secret);
        t.assert_never_shows(secret);
    }
}

#[test]
fn namespace_wide_cluster_wide_and_a_foreign_sealer_decrypt_with_the_same_script() {
    venv_python();
    let npm = npm_tools();
    let keys = Keys::new();
    let (key, cert) = keys.rsa4096();
    let pem = std::fs::read_to_string(&cert).unwrap();
    let c =
        vibe::seal::parse_certificate(&pem, "controller.pem", std::time::SystemTime::now()).expect("RSA-4096 accepted");
    assert_eq!(c.bits(), 4096);
    assert_eq!(c.fingerprint, openssl_fingerprint(&cert));

    use vibe::seal::Scope;
    let ns_wide = vibe::seal::seal(VALUE.as_bytes(), NAMESPACE, SECRET, Scope::NamespaceWide, &c).unwrap();
    assert_eq!(unseal(&key, NAMESPACE, "any-name", "namespace-wide", &ns_wide).as_deref(), Ok(VALUE));
    assert!(unseal(&key, "platform-vibe-other", "", "namespace-wide", &ns_wide).is_err(), "wrong namespace decrypts");
    assert!(unseal(&key, NAMESPACE, SECRET, "strict", &ns_wide).is_err(), "namespace-wide value decrypts as strict");
    let cluster = vibe::seal::seal(VALUE.as_bytes(), NAMESPACE, SECRET, Scope::ClusterWide, &c).unwrap();
    assert_eq!(unseal(&key, "anywhere", "", "cluster-wide", &cluster).as_deref(), Ok(VALUE));
    assert!(unseal(&key, NAMESPACE, "", "namespace-wide", &cluster).is_err());

    // An independent encryptor (Node WebCrypto) seals namespace-wide; the same script decrypts it,
    // so vibe's byte layout and the foreign one agree.
    let out = assert_cmd::Command::new("node")
        .arg(repo_root().join("tests/tools/kubeseal_encrypt.mjs"))
        .args([s(&npm), s(&cert), NAMESPACE])
        .write_stdin(SECOND_VALUE)
        .output()
        .expect("node runs");
    assert!(out.status.success(), "kubeseal_encrypt.mjs failed: {}", stderr(&out));
    let foreign = stdout(&out);
    assert!(vibe::seal::looks_sealed(&foreign), "{foreign}");
    assert_eq!(unseal(&key, NAMESPACE, "", "namespace-wide", &foreign).as_deref(), Ok(SECOND_VALUE));
    assert!(unseal(&key, "platform-vibe-other", "", "namespace-wide", &foreign).is_err());
    // Same layout: base64 of a 2-byte length (512 for RSA-4096), the RSA block, then AES-GCM.
    use base64::Engine as _;
    for v in [&ns_wide, &foreign] {
        let bytes = base64::engine::general_purpose::STANDARD.decode(v.trim()).unwrap();
        assert_eq!(&bytes[..2], &[0x02, 0x00]);
        assert_eq!(bytes.len(), 2 + 512 + 16 + if v == &ns_wide { VALUE.len() } else { SECOND_VALUE.len() });
    }
}

#[test]
fn expired_and_non_rsa_certificates_are_refused_and_nothing_is_written() {
    let keys = Keys::new();
    let expired = keys.rsa_with_dates("20200101000000Z", "20210101000000Z");
    let ec = keys.ec();
    for (cert, expect) in [
        (&expired, vec!["expired on 2021-01-01T00:00:00Z", "kubeseal --fetch-cert", "sealedSecrets.certificate"]),
        (&ec, vec!["EC (elliptic curve) key", "RSA only", "kubeseal --fetch-cert"]),
    ] {
        let mut t = Transcript::default();
        let app = app_with_certificate(cert, &mut t);
        let before = app.read("k8s/02-sealed-secrets.yaml");
        let out = t.run(app.vibe(&["seal", "API_KEY", "--tag", TAG]), Some(VALUE));
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let err = stderr(&out);
        for e in &expect {
            assert!(err.contains(e), "missing {e:?} in:\n{err}");
        }
        assert_eq!(app.read("k8s/02-sealed-secrets.yaml"), before, "nothing written");
        // --list still works, and says why sealing is not possible.
        let out = t.run(app.vibe(&["seal", "--list"]), None);
        assert!(out.status.success());
        assert!(
            stdout(&out).contains("Sealing is not possible yet") && stdout(&out).contains(expect[0]),
            "{}",
            stdout(&out)
        );
        assert_in_no_file(&app, VALUE);
        t.assert_never_shows(VALUE);
    }
}

#[test]
fn unknown_names_missing_certificates_and_empty_input_are_explained() {
    let mut t = Transcript::default();
    let app = App::new();
    let out = t.run(app.vibe(INVENTORY_FLAGS), None);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = t.run(app.vibe(&["seal", "api_key", "--tag", TAG]), Some(VALUE));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("API_KEY, POSTGRES_PASSWORD") && err.contains("Did you mean API_KEY?"), "{err}");

    // A value typed where the name goes is not echoed.
    let out = t.run(app.vibe(&["seal", VALUE, "--tag", TAG]), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("The name you gave is not one of"), "{}", stderr(&out));

    // The built-in platform defaults have no certificate: say where to put one, and kubeseal.
    let out = t.run(app.vibe(&["seal", "API_KEY", "--tag", TAG]), Some(VALUE));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no sealed-secrets certificate") && err.contains("kubeseal"), "{err}");

    // A value is never an argument, and one given anyway is not echoed back.
    let out = t.run(app.vibe(&["seal", "API_KEY", VALUE]), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("never as an argument"), "{}", stderr(&out));

    // Only strict is written to files.
    let out = t.run(app.vibe(&["seal", "API_KEY", "--scope", "namespace-wide", "--tag", TAG]), Some(VALUE));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("strict SealedSecret"), "{}", stderr(&out));

    let keys = Keys::new();
    let cert = keys.rsa_cert_2048();
    let app = app_with_certificate(&cert, &mut t);
    let out = t.run(app.vibe(&["seal", "API_KEY", "--tag", TAG]), Some(""));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input was empty"), "{}", stderr(&out));
    // Only API_KEY waits for a value: init sealed the store passwords.
    assert_eq!(sealed_secret(&app).0.iter().filter(|(_, v)| v == "REPLACE_ME").count(), 1, "nothing sealed");
    t.assert_never_shows(VALUE);
}

/// The kubeseal route in the header of k8s/02-sealed-secrets.yaml, run as shown (in bash, with a
/// stand-in `kubeseal` that records what it receives): the value is typed at a hidden prompt, so
/// it is in no command line and no shell history, and kubeseal's --raw mode gets exactly the
/// value (no trailing newline) for this app's SealedSecret.
#[test]
fn the_kubeseal_route_in_the_header_keeps_the_value_out_of_the_command_line() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let header: Vec<String> = app
        .read("k8s/02-sealed-secrets.yaml")
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .collect();
    let start = header.iter().position(|l| l.contains("| kubeseal")).expect("a kubeseal command in the header");
    let mut command = String::new();
    for line in &header[start..] {
        command.push_str(line.trim_end_matches('\\'));
        command.push(' ');
        if !line.ends_with('\\') {
            break;
        }
    }
    assert!(!command.contains("THE-VALUE") && !command.contains(VALUE), "{command}");

    let bin = tempfile::tempdir().unwrap();
    let record = bin.path().join("record");
    let stub = bin.path().join("kubeseal");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\nprintf '%s\\n' \"$*\" > '{0}.args'\ncat > '{0}.stdin'\necho SEALED\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut child = Command::new("bash")
        .args(["-c", &command])
        .env("PATH", format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("bash");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), format!("{VALUE}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success() && stdout(&out).contains("SEALED"), "{command}: {}", stdout(&out));
    assert_eq!(std::fs::read_to_string(record.with_extension("stdin")).unwrap(), VALUE, "{command}");
    let args = std::fs::read_to_string(record.with_extension("args")).unwrap();
    for needed in ["--raw", &format!("--namespace {NAMESPACE}"), &format!("--name {SECRET}")] {
        assert!(args.contains(needed), "kubeseal got {args}");
    }
}
