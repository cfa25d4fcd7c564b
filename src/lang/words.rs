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

/// The words of a setting name, upper-cased, split at `_`, `-`, `.`, spaces and lower-to-upper
/// camelCase steps: `dbPassword` -> [DB, PASSWORD], `db.password` -> [DB, PASSWORD]. Unlike
/// [`split_parts`] an acronym stays one word with what follows (`APIKey` -> [APIKEY]), as the
/// credential word lists expect.
pub fn upper_words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The environment-variable form of a setting name (`db.password` -> `DB_PASSWORD`,
/// `stripe key` -> `STRIPE_KEY`).
pub fn env_name(key: &str) -> String {
    upper_words(key).join("_")
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

    #[test]
    fn setting_names_become_env_names() {
        assert_eq!(upper_words("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(upper_words("APIKey"), ["APIKEY"]);
        assert_eq!(upper_words("oauth2Token"), ["OAUTH2", "TOKEN"]);
        assert_eq!(env_name("db.password"), "DB_PASSWORD");
        assert_eq!(env_name("stripe key"), "STRIPE_KEY");
        assert_eq!(env_name("-"), "");
    }
}
