//! TLS host coverage of an Ingress.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
