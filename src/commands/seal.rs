//! `vibe seal`: encrypt one secret value into the app's SealedSecret, or list what is sealed.
//!
//! The plaintext lives only in memory (zeroed when dropped): it is read hidden from the
//! terminal or from a pipe, sealed, and only the ciphertext reaches the generator, which rewrites
//! k8s/02-sealed-secrets.yaml and the chart's values through the normal writer (lock, backups).

use super::Config;
use crate::cli::SealArgs;
use crate::error::{Error, Exit};
use crate::generate::{self, SealedValues};
use crate::seal::{self, MAX_VALUE_BYTES, Scope, SealingCert};
use crate::spec::{AppSpec, reserved_secret_keys};
use std::io::{IsTerminal as _, Read as _};
use std::path::Path;
use zeroize::Zeroizing;

/// Length of a generated value: 32 letters and digits, about 190 bits.
const GENERATED_LEN: usize = 32;

/// Runs `vibe seal`.
pub fn run(config: &Config, mut args: SealArgs) -> Result<Exit, Error> {
    if !args.extra.is_empty() {
        // Most likely the secret itself: never echo it, and wipe our copy.
        args.extra.iter_mut().for_each(zeroize::Zeroize::zeroize);
        return Err(Error::Usage(
            "vibe seal takes the value from a hidden prompt or from standard input, never as an argument (it would \
             stay in your shell history). Run `vibe seal NAME` and type it, or pipe it in. If that was the secret, \
             treat it as exposed: clear it from your shell history and consider replacing it."
                .into(),
        ));
    }
    if args.list {
        // The tag does not matter for listing; a placeholder keeps --list working outside git.
        let spec = config.workspace(&config.root).spec(Some(args.tag.clone().unwrap_or_else(|| "list".into())))?;
        return list(config, &spec);
    }
    // The tag goes into the files this command rewrites, so it resolves as for `vibe generate`.
    let spec = config.workspace(&config.root).spec(args.tag.clone())?;
    let Some(name) = args.name.as_deref() else {
        return Err(Error::Usage(
            "name the secret to seal, e.g. `vibe seal API_KEY` (`vibe seal --list` shows them)".into(),
        ));
    };
    let keys = declared_keys(&spec);
    check_name(name, &keys, &spec)?;
    let scope = app_scope(&spec);
    if args.scope != scope {
        return Err(Error::Usage(format!(
            "--scope {}: {} is a {scope} SealedSecret, and every value in one SealedSecret must be sealed with \
             its scope (the controller decrypts with the scope named on the SealedSecret itself). Run \
             `vibe seal {name}` without --scope.",
            args.scope,
            secret_name(&spec)
        )));
    }
    // Check the certificate before asking for the value, so nobody types a secret for nothing.
    let cert = seal::load_certificate(&spec.platform)?;
    let sealed = generate::sealed_on_disk(&config.root, &spec);
    if args.generate && sealed.contains_key(name) && !args.force {
        return Err(Error::Usage(format!(
            "{name} is already sealed. A new random value would replace it, but a database only reads its \
             password when its storage is first created, so a running store would keep the old one and the app \
             could no longer log in. If nothing was deployed yet, or you change the password in the store too, \
             run `vibe seal --generate --force {name}`."
        )));
    }

    let value = if args.generate {
        random_value()
    } else {
        match read_value(name)? {
            Some(v) => v,
            None => {
                eprintln!("Cancelled: nothing was sealed.");
                return Ok(Exit::Interrupted);
            }
        }
    };
    let namespace = spec.namespace();
    let secret = secret_name(&spec);
    let ciphertext = seal::seal(&value, &namespace, &secret, scope, &cert)?;
    drop(value);

    // Hold the repo from here to the written files, and read the sealed values again under the
    // lock: a value sealed by another run meanwhile must not be lost.
    let writer = generate::Writer::lock(&config.root)?;
    let mut sealed = generate::sealed_on_disk(&config.root, &spec);
    let stale = sealed_with_other_certificate(&config.root, &secret, &sealed, name, &cert);
    sealed.insert(name.to_string(), ciphertext);
    // The file records one fingerprint: the certificate that sealed the value just written.
    // Values sealed earlier with another certificate were warned about above (`stale`).
    sealed.fingerprint = Some(cert.fingerprint.clone());
    let outcome = generate::generate_with(generate::Mode::Write(&writer), &spec, &sealed)?;
    drop(writer);

    let what = if args.generate {
        format!("a new random {name} ({GENERATED_LEN} letters and digits, never shown and kept nowhere else)")
    } else {
        name.to_string()
    };
    println!(
        "Sealed {what} for {}: only the SealedSecret {secret} in namespace {namespace} can decrypt it (scope {scope}).",
        spec.name()
    );
    println!("{}", describe_cert(&cert));
    print!("{}", generate::summary(&outcome));
    if let Some(msg) = stale {
        println!("{msg}");
    }
    let missing: Vec<&String> = keys.iter().filter(|k| !sealed.contains_key(k.as_str())).collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|k| hint_for(k, &spec)).collect();
        println!("Still not sealed: {}.", list.join("; "));
    }
    println!(
        "Next: commit the changed files (the encrypted value is safe to commit), then run `vibe review`.{}",
        if missing.is_empty() { "" } else { " The app cannot be deployed until every secret is sealed." }
    );
    Ok(Exit::Ok)
}

/// `vibe seal --list`: each declared key, sealed or stub, and the certificate in use.
fn list(config: &Config, spec: &AppSpec) -> Result<Exit, Error> {
    let keys = declared_keys(spec);
    let secret = secret_name(spec);
    if keys.is_empty() {
        println!("{} has no secrets: nothing to seal. {}", spec.name(), ADD_SECRET_HINT);
        return Ok(Exit::Ok);
    }
    let sealed = generate::sealed_on_disk(&config.root, spec);
    let recorded = seal::recorded_fingerprint(&config.root, &secret);
    let cert = seal::load_certificate(&spec.platform);
    let other_cert = match (&cert, &recorded) {
        (Ok(c), Some(r)) => *r != c.fingerprint,
        _ => false,
    };
    println!("Secrets of {} (SealedSecret {secret} in namespace {}):", spec.name(), spec.namespace());
    let width = keys.iter().map(String::len).max().unwrap_or(0);
    for k in &keys {
        let state = match sealed.get(k) {
            Some(v) if !seal::looks_sealed(v) => {
                "NOT a sealed value (not kubeseal's format): seal it again with `vibe seal`".to_string()
            }
            Some(_) if other_cert => "sealed, but with another certificate than the platform's: seal it again".into(),
            Some(_) => "sealed".to_string(),
            None => format!("not sealed yet: {}", hint_for(k, spec)),
        };
        println!("  {k:<width$}  {state}");
    }
    match &cert {
        Ok(c) => println!("{}", describe_cert(c)),
        Err(e) => println!("Sealing is not possible yet: {e}."),
    }
    Ok(Exit::Ok)
}

const ADD_SECRET_HINT: &str = "To add one, list its name under `secrets:` in vibe.yaml (or `vibe init --yes --secret NAME`) \
     and run `vibe generate`; then seal it.";

/// Every key of the app's SealedSecret, in the order the generator writes them.
fn declared_keys(spec: &AppSpec) -> Vec<String> {
    let mut keys = spec.answers.secrets.clone();
    keys.extend(reserved_secret_keys(&spec.answers).into_iter().map(str::to_string));
    keys
}

/// The one SealedSecret (and Secret) the app reads, as the templates name it.
fn secret_name(spec: &AppSpec) -> String {
    format!("{}-secrets", spec.slug())
}

/// The scope of the app's SealedSecret. The templates write no scope annotation, so strict.
fn app_scope(_spec: &AppSpec) -> Scope {
    Scope::Strict
}

fn is_generated(key: &str, spec: &AppSpec) -> bool {
    reserved_secret_keys(&spec.answers).contains(&key)
}

/// How to seal one key: store passwords are best generated, others typed.
fn hint_for(key: &str, spec: &AppSpec) -> String {
    if is_generated(key, spec) { format!("`vibe seal --generate {key}`") } else { format!("`vibe seal {key}`") }
}

fn check_name(name: &str, keys: &[String], spec: &AppSpec) -> Result<(), Error> {
    if keys.iter().any(|k| k == name) {
        return Ok(());
    }
    if let Some(why) = crate::spec::provided_by_vibe(&spec.answers, name) {
        return Err(Error::Usage(format!("{why}: the app already receives it (k8s/08-app.yaml).")));
    }
    if keys.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no secrets, so there is nothing to seal. {ADD_SECRET_HINT}",
            spec.name()
        )));
    }
    let near = keys
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name) || k.replace('_', "") == name.to_uppercase().replace(['-', '_'], ""));
    let suggestion = near.map(|k| format!(" Did you mean {k}?")).unwrap_or_default();
    // Someone may type the value where the name goes: echo only what looks like a name.
    let looks_like_a_name = near.is_some()
        || (name.len() <= 64
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'));
    let what = if looks_like_a_name { name.to_string() } else { "The name you gave".to_string() };
    Err(Error::Usage(format!(
        "{what} is not one of {}'s secrets, which are: {}.{suggestion} {ADD_SECRET_HINT}",
        spec.name(),
        keys.join(", ")
    )))
}

/// A strong random value from the OS generator, only letters and digits so it fits any URL or
/// config syntax a store or driver may put it in.
pub(crate) fn random_value() -> Zeroizing<Vec<u8>> {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    Zeroizing::new((0..GENERATED_LEN).map(|_| rng.sample(rand::distributions::Alphanumeric)).collect())
}

/// The value: hidden prompt on a terminal, else standard input. `None` when the creator cancels.
fn read_value(name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let prompt = format!("Value of {name}:");
        let answer = inquire::Password::new(&prompt)
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .without_confirmation()
            .with_help_message("nothing shows while you type; Enter seals it, Esc cancels")
            .with_validator(|v: &str| {
                Ok(if v.is_empty() {
                    inquire::validator::Validation::Invalid("The value is empty: type it, or Esc to cancel.".into())
                } else {
                    inquire::validator::Validation::Valid
                })
            })
            .prompt();
        return match answer {
            Ok(v) => Ok(Some(Zeroizing::new(v.into_bytes()))),
            Err(inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted) => Ok(None),
            Err(e) => Err(Error::Usage(format!(
                "could not read the value from the terminal ({e}). Pipe it in instead, e.g. `pass show {name} | vibe seal {name}`"
            ))),
        };
    }
    // One byte over the limit is enough to know the value is too large; never read unbounded input.
    let mut buf = Zeroizing::new(Vec::new());
    stdin
        .lock()
        .take(MAX_VALUE_BYTES as u64 + 3)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(Path::new("<standard input>"), e))?;
    // `echo VALUE | vibe seal` adds a newline nobody means to seal.
    let keep = buf.strip_suffix(b"\r\n").or_else(|| buf.strip_suffix(b"\n")).map_or(buf.len(), <[u8]>::len);
    buf.truncate(keep);
    if buf.is_empty() {
        return Err(Error::Usage(format!(
            "standard input was empty, so nothing was sealed. vibe reads the value from standard input when it \
             is not a terminal: pipe it in (e.g. `pass show {name} | vibe seal {name}`), or run `vibe seal {name}` \
             in a terminal to type it"
        )));
    }
    Ok(Some(buf))
}

fn describe_cert(cert: &SealingCert) -> String {
    format!(
        "Certificate: {} ({}, RSA {} bits, valid until {}), SHA-256 fingerprint {}.",
        cert.origin,
        cert.subject,
        cert.bits(),
        cert.not_after,
        cert.fingerprint
    )
}

/// A warning when other values in the file were sealed with a different (or unknown) certificate:
/// the file records one fingerprint for all its values, so they should all be sealed with it.
fn sealed_with_other_certificate(
    root: &Path,
    secret: &str,
    sealed: &SealedValues,
    name: &str,
    cert: &SealingCert,
) -> Option<String> {
    let others: Vec<&str> = sealed.keys().map(String::as_str).filter(|k| *k != name).collect();
    if others.is_empty() {
        return None;
    }
    match seal::recorded_fingerprint(root, secret) {
        Some(r) if r == cert.fingerprint => None,
        Some(r) => Some(format!(
            "Warning: {} {} sealed with another certificate (fingerprint {r}); the controller may not decrypt \
             {}. Seal {} again: `vibe seal NAME`.",
            others.join(", "),
            if others.len() == 1 { "was" } else { "were" },
            if others.len() == 1 { "it" } else { "them" },
            if others.len() == 1 { "it" } else { "each" },
        )),
        None => Some(format!(
            "Note: vibe cannot tell which certificate sealed {} (no fingerprint was recorded, e.g. sealed with \
             kubeseal). If it was not this platform's certificate, seal again with `vibe seal NAME`.",
            others.join(", ")
        )),
    }
}
