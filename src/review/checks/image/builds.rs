//! A7: the image builds. Every Dockerfile of the repo is judged against its build context (its
//! folder, or the context a compose file or workflow names): each COPY/ADD source exists there and
//! is not left out by .dockerignore, and each install step finds the files it needs
//! ([`crate::review::model::build`] works this out once; S4 leaves the lockfiles reported here to A7).

use super::*;
use crate::review::Remedy;

/// A7: every COPY/ADD source is in the build context; each install step has its files.
pub fn a7(r: &Review, out: &mut Vec<Finding>) {
    for b in &r.model.builds {
        let context = match &b.named_in {
            Some(by) => {
                format!(" (build context `{}/`, from {by})", if b.context.is_empty() { "." } else { &b.context })
            }
            None => String::new(),
        };
        for p in &b.problems {
            let mut f = Finding::new(CheckId::A7, &b.dockerfile.file, Some(p.line))
                .message(format!("{}{context}.", p.message))
                .fix(p.fix.clone());
            if let (Some(path), true) = (&p.lockfile, p.creatable) {
                f = f.remedy(Remedy::CreateLockfile { path: path.clone() });
            }
            out.push(f);
        }
    }
}
