//! C1: a default-deny-ingress NetworkPolicy exists.

use super::*;

/// C1: a default-deny-ingress NetworkPolicy exists (in the app's namespace when known).
pub fn c1(r: &Review, out: &mut Vec<Finding>) {
    let mut elsewhere: Option<&Object> = None;
    for obj in &r.repo.objects {
        let Some(p) = Policy::read(obj, r.ctx) else { continue };
        let denies = p.ingress_type && is_empty_selector(p.selector) && p.ingress.is_empty();
        if !denies {
            continue;
        }
        if r.ctx.namespace.is_none() || p.ns == r.ctx.namespace {
            return;
        }
        elsewhere.get_or_insert(obj);
    }
    let ns = r.ctx.namespace.as_deref().unwrap_or("the app's namespace");
    let finding = match elsewhere {
        Some(obj) => Finding::new(CheckId::C1, &obj.file, obj.line()).object(obj.id()).message(format!(
            "The default-deny-ingress policy is in namespace {}, not in the app's namespace {ns}: the app's pods are \
             open to every pod in the cluster.",
            obj.namespace.as_deref().unwrap_or("?")
        )),
        None => Finding::new(CheckId::C1, NETWORK_POLICIES_FILE, None).message(format!(
            "No default-deny-ingress NetworkPolicy: every pod in the cluster can connect to the app and its stores \
             in {ns}."
        )),
    };
    out.push(finding.fix(format!(
        "Add as the first document of {NETWORK_POLICIES_FILE}: a NetworkPolicy named `default-deny-ingress` in \
         namespace {ns} with `podSelector: {{}}`, `policyTypes: [Ingress]` and no ingress rules."
    )));
}
