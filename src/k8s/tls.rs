//! TLS host coverage of an Ingress.

use crate::yaml::Node;

/// True when a TLS host entry covers a rule host: the same name (case-insensitive), or a
/// `*.` wildcard standing for exactly one leading label, as certificates and ingress
/// controllers match them (`*.example.com` covers `a.example.com`, not `a.b.example.com`
/// nor `example.com`).
pub fn tls_covers(tls_host: &str, host: &str) -> bool {
    tls_host.eq_ignore_ascii_case(host)
        || tls_host
            .strip_prefix("*.")
            .is_some_and(|suffix| host.split_once('.').is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(suffix)))
}

/// True when an Ingress's `spec.tls` entries cover a rule host: an entry without `hosts`
/// covers every host (the controller serves its certificate for all), else one of the listed
/// hosts must cover it ([`tls_covers`]).
pub fn tls_entries_cover(tls: &[Node], host: &str) -> bool {
    fn hosts(t: &Node) -> impl Iterator<Item = &str> {
        t.get("hosts").map(Node::items).unwrap_or_default().iter().filter_map(Node::as_str)
    }
    tls.iter().any(|t| hosts(t).next().is_none()) || tls.iter().any(|t| hosts(t).any(|th| tls_covers(th, host)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_one;

    #[test]
    fn wildcard_tls_hosts_cover_one_label() {
        assert!(tls_covers("*.example.com", "a.example.com"));
        assert!(!tls_covers("*.example.com", "a.b.example.com"));
        assert!(!tls_covers("*.example.com", "example.com"));
        assert!(tls_covers("A.example.com", "a.example.com"));
        assert!(tls_covers("*.EXAMPLE.com", "a.example.COM"));
        assert!(tls_covers("*.internal.example.com", "platform-shop.internal.example.com"));
        assert!(!tls_covers("*.example.com", "platform-shop.internal.example.com"));
        assert!(!tls_covers("a.example.com", "b.example.com"));
    }

    #[test]
    fn an_entry_without_hosts_covers_every_host() {
        let tls = |text: &str| parse_one(text).unwrap().unwrap().items().to_vec();
        let listed = tls("[{hosts: ['*.example.com'], secretName: a}, {hosts: [api.other.org], secretName: b}]");
        assert!(tls_entries_cover(&listed, "shop.example.com") && tls_entries_cover(&listed, "api.other.org"));
        assert!(!tls_entries_cover(&listed, "shop.other.org"));
        assert!(tls_entries_cover(&tls("[{hosts: [a.example.com]}, {secretName: all}]"), "b.example.com"));
        assert!(!tls_entries_cover(&[], "a.example.com"));
    }
}
