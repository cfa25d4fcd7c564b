//! S4: pinned dependencies. Each language's module holds its pin rule
//! ([`crate::lang::LanguageSupport::unpinned`]); this check asks them for every manifest.

use super::*;
use crate::lang::{LANGUAGES, Manifest, Neighbours};

/// S4: dependencies are pinned (a lockfile, or `==` on every Python requirement). A manifest whose
/// missing lockfile a Dockerfile's install step needs is A7's finding (contract v2), not repeated here.
pub fn s4(r: &Review, out: &mut Vec<Finding>) {
    let files = Neighbours::new(&r.repo.dependency_files, &r.repo.sources, r.repo.yaml.iter().map(|y| y.file.as_str()));
    let problems: Vec<_> = r.model.builds.iter().flat_map(|b| &b.problems).collect();
    for f in &r.repo.dependency_files {
        if problems.iter().any(|p| p.reports_lockfile_of(&f.file)) {
            continue;
        }
        let manifest = Manifest::new(&f.file, &f.text);
        if let Some((line, message, fix)) = LANGUAGES.iter().find_map(|l| l.support().unpinned(&manifest, &files)) {
            out.push(Finding::new(CheckId::S4, f.file.clone(), line.or(Some(1))).message(message).fix(fix));
        }
    }
}
