//! Sealing secret values the way kubeseal does, so no plaintext ever has to touch disk.
//!
//! The format is bitnami-labs/sealed-secrets' `HybridEncrypt` (pkg/crypto/crypto.go): a fresh
//! 32-byte AES key `K` per value; `rsaCT = RSA-OAEP(SHA-256, MGF1-SHA-256, cert key, K, label)`;
//! `aesCT = AES-256-GCM(K, nonce = 12 zero bytes, plaintext, no AAD)` (ciphertext ‖ 16-byte tag);
//! the value is `base64std(u16-big-endian(len(rsaCT)) ‖ rsaCT ‖ aesCT)`. The zero nonce is safe
//! only because `K` is never reused, which is why [`seal`] draws a new one on every call.
//!
//! The label binds a value to where it may be decrypted ([`Scope`]): the controller refuses a
//! strict value copied into another SealedSecret or namespace, because the label no longer matches.
//!
//! The controller's certificate comes from the platform settings (`sealedSecrets.certificate`,
//! a PEM path or inline PEM). Its SHA-256 fingerprint (of the DER certificate, lowercase hex) is
//! recorded on the SealedSecret as [`FINGERPRINT_ANNOTATION`], so the review can tell whether the
//! values were sealed for this platform's controller.

use crate::error::Error;
use crate::platform::Platform;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use rand::RngCore as _;
use rsa::pkcs8::DecodePublicKey as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{Oaep, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem as _, Encode as _};
use zeroize::Zeroizing;

/// Annotation on the SealedSecret recording which certificate its values were sealed with.
pub const FINGERPRINT_ANNOTATION: &str = "vibe.dev/sealed-with";

/// Annotation that makes a SealedSecret namespace-wide (sealed-secrets' own name for it).
pub const NAMESPACE_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/namespace-wide";

/// Annotation that makes a SealedSecret cluster-wide (sealed-secrets' own name for it).
pub const CLUSTER_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/cluster-wide";

/// Largest value vibe seals: a Kubernetes Secret holds at most 1 MiB in total.
pub const MAX_VALUE_BYTES: usize = 1024 * 1024;

/// Weakest RSA key vibe seals with; sealed-secrets controllers make 4096-bit keys.
const MIN_RSA_BITS: usize = 2048;

/// Largest RSA key whose ciphertext length still fits the format's u16 length prefix, with margin.
const MAX_RSA_BITS: usize = 16384;

/// OID of `rsaEncryption` (PKCS #1), the only key type the controller's certificate may have.
const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// Who may decrypt a sealed value: the label mixed into RSA-OAEP, as in sealed-secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scope {
    /// Only the SealedSecret with this exact name in this namespace (the default, and the safest).
    #[default]
    Strict,
    /// Any SealedSecret in this namespace (the SealedSecret needs the namespace-wide annotation).
    NamespaceWide,
    /// Any SealedSecret in any namespace (the SealedSecret needs the cluster-wide annotation).
    ClusterWide,
}

impl Scope {
    /// The RSA-OAEP label for a value of the SealedSecret `name` in `namespace`.
    pub fn label(self, namespace: &str, name: &str) -> String {
        match self {
            Scope::Strict => format!("{namespace}/{name}"),
            Scope::NamespaceWide => namespace.to_string(),
            Scope::ClusterWide => String::new(),
        }
    }

    /// The name used on the command line and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Strict => "strict",
            Scope::NamespaceWide => "namespace-wide",
            Scope::ClusterWide => "cluster-wide",
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a certificate cannot be used for sealing. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// The platform settings name no certificate.
    #[error(
        "no sealed-secrets certificate in the platform settings{}. To seal with vibe, {}; or seal with kubeseal \
         as the header of k8s/02-sealed-secrets.yaml explains",
        source_hint(.platform_file),
        certificate_steps(.platform_file.as_deref())
    )]
    NotConfigured {
        /// The platform file in force, if any.
        platform_file: Option<PathBuf>,
    },
    /// The certificate file could not be read.
    #[error(
        "cannot read the sealed-secrets certificate {}: {source}. Check `sealedSecrets.certificate` in the \
         platform file (a path relative to that file, or the PEM text itself)",
        path.display()
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why it was not read.
        source: crate::fsread::ReadError,
    },
    /// The text holds no PEM certificate (or a public key instead of a certificate).
    #[error(
        "the sealed-secrets certificate ({origin}) is not a PEM certificate{hint}. vibe needs the text between \
         `-----BEGIN CERTIFICATE-----` and `-----END CERTIFICATE-----`, as `kubeseal --fetch-cert` prints it"
    )]
    NotPem {
        /// Where the text came from.
        origin: String,
        /// What was found instead, if recognisable.
        hint: String,
    },
    /// The PEM block did not decode as an X.509 certificate.
    #[error(
        "the sealed-secrets certificate ({origin}) is damaged: {detail}. Fetch it again with `kubeseal --fetch-cert`"
    )]
    Malformed {
        /// Where the text came from.
        origin: String,
        /// The decoder's message.
        detail: String,
    },
    /// The key in the certificate is not RSA (sealed-secrets only uses RSA).
    #[error(
        "the sealed-secrets certificate ({origin}, {subject}) has a {algorithm} key, but sealed-secrets \
         encrypts with RSA only: this is not the controller's certificate. Fetch the right one with \
         `kubeseal --fetch-cert` and set it as `sealedSecrets.certificate` in the platform file"
    )]
    NotRsa {
        /// Where the text came from.
        origin: String,
        /// The certificate subject.
        subject: String,
        /// The key algorithm found (name or OID).
        algorithm: String,
    },
    /// The RSA key is too weak, or too large for the format.
    #[error(
        "the sealed-secrets certificate ({origin}) has a {bits}-bit RSA key; vibe seals with keys of \
         {MIN_RSA_BITS} to {MAX_RSA_BITS} bits (the controller makes 4096-bit keys). Ask your platform team \
         for the controller's current certificate"
    )]
    KeySize {
        /// Where the text came from.
        origin: String,
        /// The key size.
        bits: usize,
    },
    /// The certificate's validity ended.
    #[error(
        "the sealed-secrets certificate ({origin}, {subject}) expired on {not_after}: the controller has \
         renewed its key since, and values sealed with the old one may be refused. Fetch the current certificate \
         with `kubeseal --fetch-cert` and update `sealedSecrets.certificate` in the platform file"
    )]
    Expired {
        /// Where the text came from.
        origin: String,
        /// The certificate subject.
        subject: String,
        /// End of validity (RFC 3339).
        not_after: String,
    },
    /// The certificate's validity has not begun (often a wrong clock on this machine).
    #[error(
        "the sealed-secrets certificate ({origin}, {subject}) is not valid before {not_before}. Check this \
         computer's date and time; if it is right, ask your platform team which certificate to use"
    )]
    NotYetValid {
        /// Where the text came from.
        origin: String,
        /// The certificate subject.
        subject: String,
        /// Start of validity (RFC 3339).
        not_before: String,
    },
}

/// Where the sealing certificate comes from and where it goes, for every message that has to
/// say so before `vibe seal` can work (E4's fix, the wizard, the missing-certificate error).
/// `platform_file` is the platform file in force: a creator who never gave one is told to make
/// one and name it in vibe.yaml, not pointed at a file that does not exist.
pub fn certificate_steps(platform_file: Option<&Path>) -> String {
    let place = match platform_file {
        Some(f) => format!("add it to {} as `sealedSecrets: {{certificate: FILE.pem}}`", f.display()),
        None => "save it next to vibe.yaml, write a platform file with `sealedSecrets: {certificate: FILE.pem}` \
                 and name that file in vibe.yaml as `platform: FILE.yaml`"
            .to_string(),
    };
    format!(
        "ask your platform team for the sealed-secrets controller's certificate (they get it with \
         `kubeseal --fetch-cert`), then {place}"
    )
}

fn source_hint(file: &Option<PathBuf>) -> String {
    match file {
        Some(f) => format!(" ({} has no `sealedSecrets.certificate`)", f.display()),
        None => " (vibe is using the built-in platform defaults: no platform file was given)".to_string(),
    }
}

impl From<CertError> for Error {
    fn from(e: CertError) -> Error {
        // Every certificate problem is fixed in the platform settings, not by retrying: a usage error.
        Error::Usage(e.to_string())
    }
}

/// A usable sealing certificate: an RSA public key, checked for type, size and validity.
#[derive(Debug, Clone)]
pub struct SealingCert {
    key: RsaPublicKey,
    /// SHA-256 of the DER certificate, lowercase hex (what [`FINGERPRINT_ANNOTATION`] records).
    pub fingerprint: String,
    /// The certificate subject, for messages.
    pub subject: String,
    /// End of validity (RFC 3339), for messages.
    pub not_after: String,
    /// Where the certificate came from: a file path, or "inline PEM in FILE".
    pub origin: String,
}

impl SealingCert {
    /// The RSA key size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// A sealing key without a certificate, for tests of the format.
    #[cfg(test)]
    fn from_key(key: RsaPublicKey) -> SealingCert {
        SealingCert {
            key,
            fingerprint: String::new(),
            subject: "test".into(),
            not_after: String::new(),
            origin: "test".into(),
        }
    }
}

/// The certificate text and where it came from, per `sealedSecrets.certificate`.
fn certificate_text(platform: &Platform) -> Result<(String, String), CertError> {
    let Some(setting) = platform.sealed_secrets_certificate.as_deref() else {
        return Err(CertError::NotConfigured { platform_file: platform.source.clone() });
    };
    if setting.contains("-----BEGIN") {
        let origin = match &platform.source {
            Some(f) => format!("inline PEM in {}", f.display()),
            None => "inline PEM".to_string(),
        };
        return Ok((setting.to_string(), origin));
    }
    let path = Path::new(setting.trim());
    let text =
        crate::fsread::read_bytes(path).map_err(|source| CertError::Unreadable { path: path.to_path_buf(), source })?;
    // A binary (DER) file is not PEM; say so rather than failing on UTF-8.
    let text = String::from_utf8(text).map_err(|_| CertError::NotPem {
        origin: path.display().to_string(),
        hint: " (it looks binary, perhaps DER: convert it with `openssl x509 -inform der -in FILE -out FILE.pem`)"
            .to_string(),
    })?;
    Ok((text, path.display().to_string()))
}

/// Loads and checks the platform's sealed-secrets certificate.
pub fn load_certificate(platform: &Platform) -> Result<SealingCert, CertError> {
    let (text, origin) = certificate_text(platform)?;
    parse_certificate(&text, &origin, SystemTime::now())
}

/// The fingerprint of the platform's certificate, when one is configured and parses.
///
/// Used by the generator to record [`FINGERPRINT_ANNOTATION`]. It identifies the certificate
/// whatever its validity: refusing an expired certificate is `vibe seal`'s job, with a message,
/// while `vibe generate` must keep working.
pub fn configured_fingerprint(platform: &Platform) -> Option<String> {
    let (text, _) = certificate_text(platform).ok()?;
    let der = first_certificate_der(&text)?;
    Some(fingerprint(&der))
}

/// SHA-256 of DER bytes as lowercase hex.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect()
}

/// The DER bytes of the first `CERTIFICATE` PEM block in `text` (other text around it is allowed,
/// as in a file with comments or a chain).
fn first_certificate_der(text: &str) -> Option<Vec<u8>> {
    let block = pem_block(text, "CERTIFICATE")?;
    Certificate::from_pem(block.as_bytes()).ok()?.to_der().ok()
}

/// The first PEM block of `label` in `text`, BEGIN and END lines included.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = text[start..].find(&end)? + start + end.len();
    Some(&text[start..stop])
}

/// Parses and checks a PEM certificate as of `now`; `origin` names it in messages.
pub fn parse_certificate(text: &str, origin: &str, now: SystemTime) -> Result<SealingCert, CertError> {
    let origin = origin.to_string();
    let Some(block) = pem_block(text, "CERTIFICATE") else {
        let hint = if text.contains("PUBLIC KEY-----") {
            " (it is a public key; vibe needs the whole certificate, which also says how long the key is valid)"
        } else if text.contains("PRIVATE KEY-----") {
            " (it is a PRIVATE key: never share or commit it; vibe needs only the public certificate)"
        } else {
            ""
        };
        return Err(CertError::NotPem { origin, hint: hint.to_string() });
    };
    let malformed = |e: x509_cert::der::Error| CertError::Malformed { origin: origin.clone(), detail: e.to_string() };
    let cert = Certificate::from_pem(block.as_bytes()).map_err(malformed)?;
    let der = cert.to_der().map_err(malformed)?;
    let tbs = &cert.tbs_certificate;
    let subject = tbs.subject.to_string();

    let spki = &tbs.subject_public_key_info;
    let oid = spki.algorithm.oid.to_string();
    if oid != RSA_ENCRYPTION_OID {
        return Err(CertError::NotRsa { origin, subject, algorithm: algorithm_name(&oid) });
    }
    let spki_der = spki.to_der().map_err(malformed)?;
    let key = RsaPublicKey::from_public_key_der(&spki_der)
        .map_err(|e| CertError::Malformed { origin: origin.clone(), detail: e.to_string() })?;
    let bits = key.n().bits();
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(CertError::KeySize { origin, bits });
    }

    let since_epoch = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let validity = &tbs.validity;
    if since_epoch < validity.not_before.to_unix_duration() {
        return Err(CertError::NotYetValid { origin, subject, not_before: validity.not_before.to_string() });
    }
    if since_epoch > validity.not_after.to_unix_duration() {
        return Err(CertError::Expired { origin, subject, not_after: validity.not_after.to_string() });
    }
    Ok(SealingCert { key, fingerprint: fingerprint(&der), subject, not_after: validity.not_after.to_string(), origin })
}

/// A readable name for the key algorithms people are likely to hand over by mistake.
fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.2.1" => "EC (elliptic curve)".to_string(),
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.2.840.10040.4.1" => "DSA".to_string(),
        "1.2.840.113549.1.1.10" => "RSA-PSS-only".to_string(),
        other => format!("non-RSA (OID {other})"),
    }
}

/// Why a value could not be sealed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Empty values are refused: an empty secret is almost always a mistake (a wrong pipe).
    #[error(
        "the value is empty: nothing was sealed. Type the value, or pipe it in, e.g. `pass show NAME | vibe seal NAME`"
    )]
    Empty,
    /// More than a Kubernetes Secret can hold.
    #[error(
        "the value is larger than {MAX_VALUE_BYTES} bytes, more than a Kubernetes Secret can hold: nothing was sealed"
    )]
    TooLarge,
    /// The RSA or AES step failed (should not happen with a checked certificate).
    #[error("encryption failed: {0}. Nothing was sealed; please report this")]
    Crypto(String),
}

impl From<SealError> for Error {
    fn from(e: SealError) -> Error {
        Error::Usage(e.to_string())
    }
}

/// Seals `plaintext` for the SealedSecret `name` in `namespace`, kubeseal's layout, base64.
///
/// Every call draws a fresh AES key, so sealing the same value twice gives different output.
pub fn seal(
    plaintext: &[u8],
    namespace: &str,
    name: &str,
    scope: Scope,
    cert: &SealingCert,
) -> Result<String, SealError> {
    if plaintext.is_empty() {
        return Err(SealError::Empty);
    }
    if plaintext.len() > MAX_VALUE_BYTES {
        return Err(SealError::TooLarge);
    }
    let mut rng = rand::rngs::OsRng;
    let mut session_key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(session_key.as_mut());

    let label = scope.label(namespace, name);
    // sealed-secrets uses SHA-256 for both the OAEP hash and MGF1, which is what Oaep::new* does.
    let padding = if label.is_empty() { Oaep::new::<Sha256>() } else { Oaep::new_with_label::<Sha256, _>(label) };
    let rsa_ct =
        cert.key.encrypt(&mut rng, padding, session_key.as_ref()).map_err(|e| SealError::Crypto(e.to_string()))?;
    let rsa_len = u16::try_from(rsa_ct.len()).map_err(|_| SealError::Crypto("RSA ciphertext too long".into()))?;

    let cipher = Aes256Gcm::new_from_slice(session_key.as_ref()).map_err(|e| SealError::Crypto(e.to_string()))?;
    // A zero nonce is what the format prescribes; it is safe because the key is used once.
    let aes_ct =
        cipher.encrypt(Nonce::from_slice(&[0u8; 12]), plaintext).map_err(|e| SealError::Crypto(e.to_string()))?;

    let mut out = Vec::with_capacity(2 + rsa_ct.len() + aes_ct.len());
    out.extend_from_slice(&rsa_len.to_be_bytes());
    out.extend_from_slice(&rsa_ct);
    out.extend_from_slice(&aes_ct);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// True when `value` has kubeseal's layout: base64 of a u16 length, that many RSA bytes, and at
/// least a GCM tag after them. It cannot tell *which* key sealed it; the fingerprint does that.
pub fn looks_sealed(value: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(value.trim()) else {
        return false;
    };
    if bytes.len() < 2 {
        return false;
    }
    let rsa_len = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
    // RSA ciphertexts are as long as the modulus: 256 bytes and up for the keys vibe accepts.
    rsa_len >= MIN_RSA_BITS / 8 && bytes.len() >= 2 + rsa_len + 16
}

/// The fingerprint recorded on the app's SealedSecret in k8s/02-sealed-secrets.yaml, if any.
pub fn recorded_fingerprint(root: &Path, secret_name: &str) -> Option<String> {
    // A generated path: read without following a link.
    let crate::repo_path::Existing::File(bytes) =
        crate::repo_path::read_existing(root, crate::contract::SEALED_SECRETS_FILE).ok()?
    else {
        return None;
    };
    let text = String::from_utf8(bytes).ok()?;
    let docs = crate::yaml::parse_documents(&text).ok()?;
    docs.iter().find_map(|doc| {
        let r = &doc.root;
        let ours = r.get("kind").and_then(crate::yaml::Node::as_str) == Some("SealedSecret")
            && r.path("metadata.name").and_then(crate::yaml::Node::as_str) == Some(secret_name);
        if !ours {
            return None;
        }
        r.path("metadata.annotations")?.get(FINGERPRINT_ANNOTATION)?.as_str().map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey as _;

    // Test-only key pair and certificates, generated with openssl for these tests and used
    // nowhere else. The certificate is valid 2020-01-01 to 2120-01-01 so tests do not rot;
    // expiry is tested by moving `now`.
    const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDIlBcxByGLpak4
jZxHbamtth5aOfKRkCbfjWaCFPRUeQm1rW4eJNWUIzjPV2utF48plTXFEXRTBZPs
v9IlWxLEW/v8hhdhzy/v8AcLLW7dDnNC6+dcuC0YZY/VYbDm2ahHZMkwC8418xhh
/WoC6Qrbf0MsBA/Rydd9tU+B9p2+V/lgNSziDR38PJqcfq1HMC2NM9CHy/4cOzI4
07Fbu4hniDyeXGUUapLPg/Wix6+FI32bmK23Nlji9SRDvbBlaqre0BBe7REmJb07
HeujnK9S77ldTdxRcSs63uU5ynR5YgxsBx5fNu92mW0+pXFfu/po8ZJpSVfI32Xt
TlscgWaDAgMBAAECggEAES81i3LydKM/9m3qK+khJpZZ+bNJl8oIt+dxQbInkA3X
VJ7kC9DDvE+GNaa7ksFYInZmUcN3OrOuzZOjnqVeXBS2EpevF3ynkpV3F7CP9SrL
ROUEK0VGQSGrwIWAS/mYOWxQ8P0Em5+qVkmJVHArM3dZmxhKqK0eeWaCxijfBpMe
cMgHMQPlI11SntjI7ry/xoknmIwPyKxwiqDDnXqFPri91u1KUj6uT+XVrT8gsB+R
BrUS3emV51T6r5W3Ng0a/712pJIOzjixcuuXBGIo/42pfvAW3x+SqODJpaQLdufd
297A9vsXVFq6xZJX5EwkmvuI1XhnqDk7gl5/kDIIXQKBgQDqNQEN3uW7Mmy60XZ4
XFPo03tAQavg3+IgglQro3/gISv8zlPM1kMyhnFyNO1bf1htvi0YW7EMKFpWGX26
M41yqgDbXLdd2BoKeerFQbHpTVYwlKHs11clgXMmtCApCXWlndNn90vypn312uya
6wSiKx51i3q1+FFVTUezHZ7WLwKBgQDbPgcNnc2ZAJwOzrbY+DAwujH9AVkZPkCu
ms0kTj6mEVXwetYO5AXesJvG4YpE2+OGD6zJT9vIp+bJPuC38oz682oxPuDD7RlH
ASKl3us4O0N7XgJhwUiDzNqM71HHFNusAXGoqfr6CrMqWmh5JHJ82t9sfNlova05
n84nXCJz7QKBgB7zlEkV/PxJRK9HwUVUxk4NrMsoIqPcUpEDSEZgHCUtnReS2OZI
JqdFtzZlojymTrRqHqGKdJJrvsyEH+Z8q6PMrcJPtXf0eDSMOieJcA6qBsryyZd4
Oe8d9W7W/S0PL/oMKoUh3Gqb8CeOoBg1GO6pjiPwo+3qfC0uwlv8fSJHAoGBAInc
VR8QzYmaQodlIMEKP3NEgc5wHJCs/otMuBZORUKzv/B5rUSrya0gLLRAemuWQVm5
XZMw7ikcuxhsu22vzUq36VySB0/sNWraoejfZdV0HpjiomjJ20lVdVAN5MRkr0VX
mxrN2A2G0Oae9vbGHl+4WamkUCl2rAiCHmXNn7R5AoGBALAUKUdCIdDeRRVUusf3
nozduxI/1VFlJ+AjTwSXq2dYCsI9zwBUjenrrPD8LOAwz0KZWPNODDR72wgA7c6Q
zrQTe/bC3rlSEt18hYV0OyolI3agw5gWy5cVbPMy7H1OeIteCssl01lvPp0wf2Tx
3n9jxlK3J38GkukwZjGpt1yV
-----END PRIVATE KEY-----";

    const TEST_CERT: &str = "-----BEGIN CERTIFICATE-----
MIICqDCCAZACAQEwDQYJKoZIhvcNAQELBQAwGTEXMBUGA1UEAwwOdmliZS11bml0
LXRlc3QwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEwMDAwMDBaMBkxFzAVBgNV
BAMMDnZpYmUtdW5pdC10ZXN0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC
AQEAyJQXMQchi6WpOI2cR22prbYeWjnykZAm341mghT0VHkJta1uHiTVlCM4z1dr
rRePKZU1xRF0UwWT7L/SJVsSxFv7/IYXYc8v7/AHCy1u3Q5zQuvnXLgtGGWP1WGw
5tmoR2TJMAvONfMYYf1qAukK239DLAQP0cnXfbVPgfadvlf5YDUs4g0d/DyanH6t
RzAtjTPQh8v+HDsyONOxW7uIZ4g8nlxlFGqSz4P1osevhSN9m5ittzZY4vUkQ72w
ZWqq3tAQXu0RJiW9Ox3ro5yvUu+5XU3cUXErOt7lOcp0eWIMbAceXzbvdpltPqVx
X7v6aPGSaUlXyN9l7U5bHIFmgwIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQCLZ0mL
xP+fb6sUzCXQzP13peSlp6TjtCYYgNKRSykuGFPVgQXnpRmgZOpsOap1UB4EL1Pr
2XOWUzLkWk8sLmO/rDU4blbIDV0q74SMXAB2YGxUe/28D1v+lRARtnDqTSafISue
+jIn4f2hM+SQ+i5l43VMN8X1Qv6Yt03pqEAkGHKpP2lJmAFKrRLmNdxc/2AmtUv3
Spn2yLBjDnhK/9mcQ3UYMQtrYMh78A48P8+OsMIrpHfJlsqQBABvMJARgkXUM9NA
zTy0snj1yTHgNpHMjMBRwYy+Dd860LnjyU7oo1UskDjiudmUyh8idOLt1IsmCVUL
7nnVjKZPTsCbFoVm
-----END CERTIFICATE-----";

    /// `openssl x509 -in TEST_CERT -outform der | sha256sum`
    const TEST_CERT_SHA256: &str = "144d0c9baafa29996bac98a2f3725f61529bfe522c34ae8e5876a58f7441cec4";

    const EC_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBhjCCASugAwIBAgIUUX3Ttis1H7rR5Qt7lnWEfHpVX6kwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdmliZS11bml0LWVjMCAXDTI2MTEyMzExMTg1OFoYDzIxMjYx
MDMwMTExODU4WjAXMRUwEwYDVQQDDAx2aWJlLXVuaXQtZWMwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAATvAfJxrL4b1dnq+s/B56tEzQk5CnKvgRdqP7JXNoneob1I
wXqzTyisoAD77XXFxp/7KBMeoFIgmXgrOMgJhyigo1MwUTAdBgNVHQ4EFgQU++Mu
SBC+CNejoGvFEqKxGVPrLeowHwYDVR0jBBgwFoAU++MuSBC+CNejoGvFEqKxGVPr
LeowDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA5xcJ+WN0mRq+
VhfJpsA+9tmv28jykHbEjEBFlbqE43cCIQDmKmMU8ck2ipFxHvei8GbgjIGbh3Sg
wQGsxC1F05mmmw==
-----END CERTIFICATE-----";

    fn at_year(year: u64) -> SystemTime {
        // Close enough for tests far from the validity edges.
        SystemTime::UNIX_EPOCH + Duration::from_secs((year - 1970) * 365 * 24 * 3600)
    }

    fn cert() -> SealingCert {
        parse_certificate(TEST_CERT, "test.pem", at_year(2030)).unwrap()
    }

    /// Decrypts per the format, independently of `seal`'s code path.
    fn unseal(value: &str, label: &str) -> Result<Vec<u8>, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(TEST_KEY).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(value).map_err(|e| e.to_string())?;
        let n = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        let (rsa_ct, aes_ct) = bytes[2..].split_at(n);
        let padding = if label.is_empty() { Oaep::new::<Sha256>() } else { Oaep::new_with_label::<Sha256, _>(label) };
        let k = key.decrypt(padding, rsa_ct).map_err(|e| e.to_string())?;
        let cipher = Aes256Gcm::new_from_slice(&k).map_err(|e| e.to_string())?;
        cipher.decrypt(Nonce::from_slice(&[0u8; 12]), aes_ct).map_err(|e| e.to_string())
    }

    #[test]
    fn round_trip_with_each_scope_and_only_with_its_label() {
        let c = cert();
        for scope in [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide] {
            let v = seal(b"hunter2-\xe2\x9c\x93", "ns-a", "app-secrets", scope, &c).unwrap();
            let label = scope.label("ns-a", "app-secrets");
            assert_eq!(unseal(&v, &label).unwrap(), b"hunter2-\xe2\x9c\x93", "{scope}");
            if scope != Scope::ClusterWide {
                assert!(unseal(&v, &scope.label("ns-b", "app-secrets")).is_err(), "{scope}: other namespace");
            }
            if scope == Scope::Strict {
                assert!(unseal(&v, &scope.label("ns-a", "other")).is_err(), "strict: other name");
            }
        }
    }

    #[test]
    fn labels_follow_sealed_secrets() {
        assert_eq!(Scope::Strict.label("ns", "name"), "ns/name");
        assert_eq!(Scope::NamespaceWide.label("ns", "name"), "ns");
        assert_eq!(Scope::ClusterWide.label("ns", "name"), "");
        assert_eq!(Scope::default(), Scope::Strict);
    }

    #[test]
    fn layout_is_u16_length_then_rsa_then_gcm() {
        let c = cert();
        let v = seal(b"abc", "ns", "n", Scope::Strict, &c).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(&v).unwrap();
        // 2048-bit key: 256-byte RSA ciphertext, big-endian length 0x0100.
        assert_eq!(&bytes[..2], &[0x01, 0x00]);
        assert_eq!(bytes.len(), 2 + 256 + 3 + 16, "length prefix, RSA block, 3 bytes of AES ciphertext, GCM tag");
        assert!(looks_sealed(&v));
        assert!(!looks_sealed("REPLACE_ME"));
        assert!(!looks_sealed(&base64::engine::general_purpose::STANDARD.encode("plain text password")));
        // A fresh AES key every time: the same value never seals to the same text.
        assert_ne!(v, seal(b"abc", "ns", "n", Scope::Strict, &c).unwrap());
    }

    #[test]
    fn from_key_round_trips_without_a_certificate() {
        let key = RsaPrivateKey::from_pkcs8_pem(TEST_KEY).unwrap();
        let c = SealingCert::from_key(key.to_public_key());
        let v = seal(b"x", "ns", "n", Scope::ClusterWide, &c).unwrap();
        assert_eq!(unseal(&v, "").unwrap(), b"x");
    }

    #[test]
    fn empty_and_huge_values_are_refused() {
        let c = cert();
        assert!(matches!(seal(b"", "ns", "n", Scope::Strict, &c), Err(SealError::Empty)));
        let big = vec![b'a'; MAX_VALUE_BYTES + 1];
        assert!(matches!(seal(&big, "ns", "n", Scope::Strict, &c), Err(SealError::TooLarge)));
    }

    #[test]
    fn fingerprint_is_sha256_of_the_der_certificate() {
        assert_eq!(cert().fingerprint, TEST_CERT_SHA256);
        assert_eq!(cert().bits(), 2048);
        // Text around the PEM block (comments, a chain after it) is allowed.
        let wrapped = format!("# from kubeseal --fetch-cert\n{TEST_CERT}\n{EC_CERT}\n");
        assert_eq!(parse_certificate(&wrapped, "x", at_year(2030)).unwrap().fingerprint, TEST_CERT_SHA256);
    }

    #[test]
    fn expired_and_not_yet_valid_certificates_are_refused() {
        let e = parse_certificate(TEST_CERT, "old.pem", at_year(2121)).unwrap_err();
        assert!(matches!(e, CertError::Expired { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("expired on 2120-01-01T00:00:00Z") && msg.contains("kubeseal --fetch-cert"), "{msg}");
        let e = parse_certificate(TEST_CERT, "new.pem", at_year(2019)).unwrap_err();
        assert!(matches!(e, CertError::NotYetValid { .. }), "{e}");
        assert!(e.to_string().contains("date and time"), "{e}");
    }

    #[test]
    fn non_rsa_and_non_certificates_are_refused_with_a_reason() {
        let e = parse_certificate(EC_CERT, "ec.pem", at_year(2030)).unwrap_err();
        assert!(matches!(e, CertError::NotRsa { .. }), "{e}");
        assert!(e.to_string().contains("EC (elliptic curve) key") && e.to_string().contains("RSA only"), "{e}");
        let e = parse_certificate(TEST_KEY, "key.pem", at_year(2030)).unwrap_err();
        assert!(e.to_string().contains("PRIVATE key"), "{e}");
        let e = parse_certificate("hello", "x.pem", at_year(2030)).unwrap_err();
        assert!(matches!(e, CertError::NotPem { .. }), "{e}");
        let broken = TEST_CERT.replace("MIICqDCC", "MIICqDCD");
        let e = parse_certificate(&broken, "x.pem", at_year(2030)).unwrap_err();
        assert!(matches!(e, CertError::Malformed { .. }), "{e}");
    }

    #[test]
    fn certificate_setting_is_a_path_or_inline_pem() {
        let mut p = Platform::default();
        let e = load_certificate(&p).unwrap_err();
        assert!(e.to_string().contains("no sealed-secrets certificate"), "{e}");
        assert_eq!(configured_fingerprint(&p), None);
        p.sealed_secrets_certificate = Some(TEST_CERT.to_string());
        assert_eq!(load_certificate(&p).unwrap().origin, "inline PEM");
        assert_eq!(configured_fingerprint(&p).as_deref(), Some(TEST_CERT_SHA256));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cert.pem");
        std::fs::write(&file, TEST_CERT).unwrap();
        p.sealed_secrets_certificate = Some(file.to_string_lossy().into_owned());
        assert_eq!(load_certificate(&p).unwrap().fingerprint, TEST_CERT_SHA256);
        p.sealed_secrets_certificate = Some(dir.path().join("missing.pem").to_string_lossy().into_owned());
        let e = load_certificate(&p).unwrap_err();
        assert!(matches!(e, CertError::Unreadable { .. }), "{e}");
        assert_eq!(configured_fingerprint(&p), None);
    }
}
