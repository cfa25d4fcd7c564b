//! Resource quantities (`500m`, `1.5`, `512Mi`, `2e3`), as the API server reads them.

/// A Kubernetes resource quantity in billionths of its unit (exact for every size the
/// contract names, and far beyond: 2^127 nano-units).
///
/// Accepts the full suffix set Kubernetes does: decimal `n u m k M G T P E`, binary
/// `Ki Mi Gi Ti Pi Ei` and decimal exponents (`1e3`, `2E-3`), with an optional sign.
/// Sub-nano precision is rounded up, as Kubernetes does. `None` for anything else.
pub fn parse_quantity(text: &str) -> Option<i128> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    let (neg, num) = match num.strip_prefix('-') {
        Some(n) => (true, n),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    if num.is_empty() || num.matches('.').count() > 1 {
        return None;
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    // Value as an integer mantissa and a power of ten.
    let digits = format!("{int}{frac}");
    let mantissa: i128 = digits.parse().ok()?;
    let mut exp10: i32 = -(frac.len() as i32);
    let mut factor: i128 = 1;
    match suffix {
        "" => {}
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        "Ki" => factor = 1 << 10,
        "Mi" => factor = 1 << 20,
        "Gi" => factor = 1 << 30,
        "Ti" => factor = 1 << 40,
        "Pi" => factor = 1 << 50,
        "Ei" => factor = 1 << 60,
        s if s.starts_with(['e', 'E']) => exp10 += s[1..].parse::<i32>().ok()?,
        _ => return None,
    }
    // Scale to nano-units.
    exp10 += 9;
    let mut v = mantissa.checked_mul(factor)?;
    if exp10 >= 0 {
        v = v.checked_mul(10i128.checked_pow(exp10 as u32)?)?;
    } else {
        let d = 10i128.checked_pow((-exp10) as u32)?;
        v = (v + d - 1) / d;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SIZES;

    #[test]
    fn quantities_compare_as_kubernetes_does() {
        assert_eq!(parse_quantity("1000m"), parse_quantity("1"));
        assert_eq!(parse_quantity("0.5"), parse_quantity("500m"));
        assert_eq!(parse_quantity("1Gi"), parse_quantity("1024Mi"));
        assert_eq!(parse_quantity("1e3"), parse_quantity("1k"));
        assert_eq!(parse_quantity("129e6"), parse_quantity("129M"));
        assert!(parse_quantity("129M") > parse_quantity("123Mi"));
        assert!(parse_quantity("256Mi") < parse_quantity("512Mi"));
        assert_eq!(parse_quantity("1E"), Some(1_000_000_000_000_000_000_000_000_000));
        assert_eq!(parse_quantity("abc"), None);
        assert_eq!(parse_quantity("1Xi"), None);
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("."), None);
        assert_eq!(parse_quantity("Mi"), None);
        for s in SIZES {
            for v in [s.cpu_request, s.cpu_limit, s.memory_request, s.memory_limit] {
                assert!(parse_quantity(v).is_some(), "{v}");
            }
        }
    }

    #[test]
    fn every_suffix_kubernetes_accepts_is_read() {
        // The cases the fixer's and the drift comparison's own copies lacked or read loosely.
        assert_eq!(parse_quantity("500n"), Some(500));
        assert_eq!(parse_quantity("250u"), Some(250_000));
        assert_eq!(parse_quantity("1T"), parse_quantity("1000G"));
        assert_eq!(parse_quantity("1Ti"), parse_quantity("1024Gi"));
        assert_eq!(parse_quantity("1Pi"), parse_quantity("1024Ti"));
        assert_eq!(parse_quantity("1Ei"), parse_quantity("1024Pi"));
        assert_eq!(parse_quantity("1P"), parse_quantity("1000T"));
        assert_eq!(parse_quantity("2E-3"), parse_quantity("2m"));
        assert_eq!(parse_quantity("+1"), parse_quantity("1"));
        assert_eq!(parse_quantity("-1"), Some(-1_000_000_000));
        assert_eq!(parse_quantity(" 1Gi "), parse_quantity("1Gi"));
        // A sub-nano value rounds up to one nano-unit, as Kubernetes does.
        assert_eq!(parse_quantity("0.1n"), Some(1));
        // An exponent and a suffix together are not a quantity.
        assert_eq!(parse_quantity("1e3Mi"), None);
    }
}
