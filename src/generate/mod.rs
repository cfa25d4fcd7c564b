//! Generation: AppSpec -> Plan (rendered templates) -> files on disk, with a summary.

pub mod context;
pub mod image;
pub mod monitoring;
pub mod plan;
pub mod render;
pub mod write;
pub mod write_lock;

pub use context::SealedValues;
pub use plan::{Plan, PlannedFile};
pub use write::{Change, Mode, Outcome, Writer};

use crate::error::Error;
use crate::spec::AppSpec;
use std::path::Path;

/// Renders and writes every file for `spec` under `root` (or previews with `dry_run`), holding
/// the repo's write lock while it writes. Values already sealed in the repo's SealedSecret are
/// carried over.
pub fn generate(root: &Path, spec: &AppSpec, dry_run: bool) -> Result<Outcome, Error> {
    if dry_run {
        return generate_with(Mode::Preview(root), spec, &sealed_on_disk(root, spec));
    }
    let writer = Writer::lock(root)?;
    // Read under the lock: another run may have just sealed a value.
    let sealed = sealed_on_disk(root, spec);
    generate_with(Mode::Write(&writer), spec, &sealed)
}

/// Like [`generate`], with the sealed values given (`vibe seal` adds one and regenerates) and
/// the caller holding the lock when it writes.
pub fn generate_with(mode: Mode<'_>, spec: &AppSpec, sealed: &SealedValues) -> Result<Outcome, Error> {
    let plan = Plan::build(spec, sealed)?;
    write::apply(mode, &plan)
}

pub use crate::contract::UNSEALED_STUB;

/// The sealed values in the repo's SealedSecret for this app (stubs excluded).
///
/// The committed SealedSecret is the only place ciphertexts live, so regeneration reads
/// them back from it rather than from a second copy that could drift.
pub fn sealed_on_disk(root: &Path, spec: &AppSpec) -> SealedValues {
    let mut out = SealedValues::new();
    // A generated path: read without following a link (its target could be anything).
    let Ok(write::Existing::File(bytes)) = write::read_existing(root, crate::contract::SEALED_SECRETS_FILE) else {
        return out;
    };
    let text = String::from_utf8_lossy(&bytes);
    let secret_name = format!("{}-secrets", spec.slug());
    for doc in crate::yaml::parse_documents(&text).unwrap_or_default() {
        let root = &doc.root;
        let is_ours = root.get("kind").and_then(crate::yaml::Node::as_str) == Some("SealedSecret")
            && root.path("metadata.name").and_then(crate::yaml::Node::as_str) == Some(secret_name.as_str());
        if !is_ours {
            continue;
        }
        out.fingerprint = root
            .path("metadata.annotations")
            .and_then(|a| a.get(crate::seal::FINGERPRINT_ANNOTATION))
            .and_then(crate::yaml::Node::as_str)
            .map(str::to_string);
        for e in root.path("spec.encryptedData").map(crate::yaml::Node::entries).unwrap_or_default() {
            if let Some(v) = e.value.as_str().filter(|v| !v.trim().is_empty() && *v != UNSEALED_STUB) {
                out.insert(e.key.clone(), v.to_string());
            }
        }
    }
    out.preview = sealed_preview_on_disk(root, spec);
    out
}

/// The chart's `sealedPreview` values (the app's own secrets sealed for previews), for the app's
/// secret names only: values.yaml is their one home, and a name the app no longer has is dropped.
fn sealed_preview_on_disk(root: &Path, spec: &AppSpec) -> std::collections::BTreeMap<String, String> {
    let path = format!("{}/values.yaml", crate::contract::CHART_DIR);
    let Ok(write::Existing::File(bytes)) = write::read_existing(root, &path) else {
        return Default::default();
    };
    let text = String::from_utf8_lossy(&bytes);
    let docs = crate::yaml::parse_documents(&text).unwrap_or_default();
    let entries = docs.first().and_then(|d| d.root.get("sealedPreview")).map(crate::yaml::Node::entries);
    entries
        .unwrap_or_default()
        .iter()
        .filter(|e| spec.answers.secrets.contains(&e.key))
        .filter_map(|e| Some((e.key.clone(), e.value.as_str().filter(|v| !v.trim().is_empty())?.to_string())))
        .collect()
}

/// Where a hand edit to a generated file belongs instead, so `vibe generate` keeps it.
pub const KEEP_AN_EDIT: &str = "To keep a setting, add it under env: in vibe.yaml (a secret: `vibe seal NAME`); \
                                 then run `vibe generate`.";

/// The plain-language summary of a run: what was written, changed, removed, kept, backed up.
pub fn summary(outcome: &Outcome) -> String {
    let mut out = String::new();
    let verb = |past: &'static str, future: &'static str| if outcome.dry_run { future } else { past };
    let list = |change: Change| outcome.with(change).map(|f| f.path.as_str()).collect::<Vec<_>>();
    let line = |out: &mut String, label: &str, files: &[&str], show: bool| {
        if files.is_empty() {
            return;
        }
        let n = files.len();
        out.push_str(&format!("  {label:<10} {n:>3} file{}", crate::words::plural(n)));
        if show {
            out.push_str(": ");
            out.push_str(&files.join(", "));
        }
        out.push('\n');
    };
    let written = list(Change::Written);
    let updated = list(Change::Updated);
    let removed = list(Change::Removed);
    let unchanged = list(Change::Unchanged);
    line(&mut out, verb("written", "to write"), &written, written.len() <= 3);
    line(&mut out, verb("updated", "to update"), &updated, true);
    line(&mut out, verb("removed", "to remove"), &removed, true);
    line(&mut out, "unchanged", &unchanged, false);
    // A replaced hand edit is lost from the working file: say so plainly, not like a routine
    // backup, and say where such a change belongs so the next run keeps it.
    for f in outcome.backed_up() {
        let saved = f.backup.as_deref().unwrap_or_default();
        let (what, saved_in) = match (f.change == Change::Removed, outcome.dry_run) {
            (false, false) => ("your edit was undone", "saved in"),
            (false, true) => ("your edit would be undone", "it would be saved in"),
            (true, false) => ("removed with your edit", "saved in"),
            (true, true) => ("would be removed with your edit", "it would be saved in"),
        };
        out.push_str(&format!("  {}: {what} ({saved_in} {saved}). {KEEP_AN_EDIT}\n", f.path));
    }
    for f in outcome.with(Change::LinkReplaced) {
        out.push_str(&format!(
            "  {:<10}     {} (it was a symbolic link to {}: vibe {} its file in place of the link, and never reads or \
             changes what a link points to)\n",
            verb("replaced", "to replace"),
            f.path,
            f.link.as_deref().unwrap_or("?"),
            if outcome.dry_run { "would write" } else { "wrote" }
        ));
    }
    for f in outcome.with(Change::Kept) {
        out.push_str(&format!(
            "  {:<10}     {} (you wrote this file, so vibe left it alone; vibe's version is in {}/{})\n",
            "kept",
            f.path,
            write::PROPOSED_DIR,
            f.path
        ));
    }
    out
}
