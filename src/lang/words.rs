//! The words of identifiers and setting names.

/// The words of an identifier, lower-cased: `apiKey` -> [api, key], `DB_PASSWORD` -> [db, password],
/// `APIKey` -> [api, key], `x-api-key` -> [x, api, key].
pub fn split_parts(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut parts = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                parts.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(split_parts("apiKey"), ["api", "key"]);
        assert_eq!(split_parts("APIKey"), ["api", "key"]);
        assert_eq!(split_parts("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(split_parts("x-api-key"), ["x", "api", "key"]);
        assert_eq!(split_parts("oauth2Token"), ["oauth2", "token"]);
    }
}
