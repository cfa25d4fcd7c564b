//! Control characters from repo content, made visible before they reach a person's terminal.
//!
//! A file or object name such as `p\e[2J\e]0;pwned\a` would otherwise clear the screen or
//! retitle the window of whoever reads the report. Every human-facing output (text report,
//! GitHub annotations, the dashboard, diffs, error messages) passes repo text through
//! [`text`]; JSON and SARIF need nothing, serde escapes them.

use crate::review::{Finding, Report};
use std::borrow::Cow;

pub use crate::quote::terminal as text;
use crate::quote::terminal_unsafe as is_unsafe;

fn owned(s: &mut String) {
    if let Cow::Owned(clean) = text(s) {
        *s = clean;
    }
}

fn finding(f: &mut Finding) {
    owned(&mut f.file);
    owned(&mut f.message);
    owned(&mut f.fix);
    for s in [&mut f.object, &mut f.suppressed].into_iter().flatten() {
        owned(s);
    }
}

fn finding_is_safe(f: &Finding) -> bool {
    [Some(&f.file), Some(&f.message), Some(&f.fix), f.object.as_ref(), f.suppressed.as_ref()]
        .into_iter()
        .flatten()
        .all(|s| !s.chars().any(is_unsafe))
}

/// The report with every text that came from the repo or the cluster passed through [`text`];
/// borrowed (no copy) when nothing needs escaping, which is the usual case.
pub fn report(r: &Report) -> Cow<'_, Report> {
    let safe = |s: &String| !s.chars().any(is_unsafe);
    let clean = r.findings.iter().chain(&r.suppressed).all(finding_is_safe)
        && r.diagnostics.iter().all(|d| safe(&d.file) && safe(&d.message))
        && r.app.iter().chain(&r.namespace).all(safe);
    if clean {
        return Cow::Borrowed(r);
    }
    let mut r = r.clone();
    r.findings.iter_mut().chain(r.suppressed.iter_mut()).for_each(finding);
    for d in &mut r.diagnostics {
        owned(&mut d.file);
        owned(&mut d.message);
    }
    for s in [&mut r.app, &mut r.namespace].into_iter().flatten() {
        owned(s);
    }
    Cow::Owned(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;

    #[test]
    fn controls_become_visible_and_the_rest_stays() {
        assert_eq!(text("p\u{1b}[2J\u{1b}]0;pwned\u{7}"), "p\\x1b[2J\\x1b]0;pwned\\x07");
        assert_eq!(text("a\rb\u{9b}c\u{7f}"), "a\\rb\\x9bc\\x7f");
        assert!(matches!(text("plain\ttext\nnext line é"), Cow::Borrowed(_)));
        let once = text("x\u{1b}y").into_owned();
        assert_eq!(text(&once), once, "idempotent");
    }

    #[test]
    fn reports_are_copied_only_when_something_needs_escaping() {
        let plain = Report { findings: vec![Finding::new(CheckId::A3, "k8s/app.yaml", Some(1))], ..Report::default() };
        assert!(matches!(report(&plain), Cow::Borrowed(_)));
        let bad = Report {
            findings: vec![Finding::new(CheckId::A3, "k8s/\u{1b}.yaml", Some(1)).object("Pod/p\u{7}")],
            namespace: Some("n\r".into()),
            ..Report::default()
        };
        let clean = report(&bad);
        assert_eq!(clean.findings[0].file, "k8s/\\x1b.yaml");
        assert_eq!(clean.findings[0].object.as_deref(), Some("Pod/p\\x07"));
        assert_eq!(clean.namespace.as_deref(), Some("n\\r"));
    }
}
