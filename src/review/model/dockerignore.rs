//! `.dockerignore` matching as Docker's builder does it (moby's `patternmatcher` and
//! `dockerignore.ReadAll`), so A7 knows which files a `COPY` can see:
//! - a line starting with `#` is a comment; lines are trimmed; blank lines are skipped;
//! - `!` makes an exception; patterns are cleaned like paths (`./a/` is `a`, a leading `/` is dropped);
//! - `*` is any run of characters but `/`, `?` one character but `/`, `[...]` a class, `\` escapes;
//!   `**` any number of folders (none included); a pattern ending in `**` matches everything below;
//! - patterns apply in order and the last that matches a path decides; a pattern that matches a
//!   folder above a file matches the file too (so `src` then `!src/keep.js` keeps only that file).
//!
//! One documented difference: moby's shortcut for a pattern starting with `**/` and holding no
//! other wildcard matches by plain string suffix (`**/foo` also hides `xfoo`); here it means what
//! Docker's documentation says, "`foo` in any folder".

use regex::Regex;

/// One pattern of a `.dockerignore`.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as cleaned (without its `!`).
    pub text: String,
    /// Its line in the file.
    pub line: u32,
    /// True for an exception (`!pattern`): it puts files back into the context.
    pub exception: bool,
    regex: Option<Regex>,
}

/// The patterns of one `.dockerignore` file, in order.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    /// The file's repo-relative path (`None`: the context has no ignore file).
    pub file: Option<String>,
    /// Its patterns in order.
    pub patterns: Vec<Pattern>,
}

impl DockerIgnore {
    /// Reads the text of a `.dockerignore` file.
    pub fn parse(file: &str, text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            if raw.starts_with('#') {
                continue;
            }
            let mut p = raw.trim();
            if p.is_empty() {
                continue;
            }
            let exception = p.starts_with('!');
            if exception {
                p = p[1..].trim();
            }
            let mut text = clean(p);
            if text.len() > 1 && text.starts_with('/') {
                text.remove(0);
            }
            let regex = Regex::new(&glob_regex(&text)).ok();
            patterns.push(Pattern { text, line: i as u32 + 1, exception, regex });
        }
        DockerIgnore { file: Some(file.to_string()), patterns }
    }

    /// The pattern that leaves the context-relative `path` out of the build context, if one does
    /// (the last matching pattern decides; an exception puts it back).
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        let parents: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        let mut decided: Option<&Pattern> = None;
        for p in &self.patterns {
            // As moby does: only an exception can change an excluded path, and the reverse.
            if p.exception != decided.is_some() {
                continue;
            }
            if p.matches(path) || parents.iter().any(|d| p.matches(d)) {
                decided = if p.exception { None } else { Some(p) };
            }
        }
        decided
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        self.regex.as_ref().is_some_and(|r| r.is_match(path))
    }
}

/// A path cleaned as Go's `filepath.Clean` does (`.` and empty segments dropped, `..` resolved).
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// The regular expression of a Docker path pattern (`.dockerignore` lines and `COPY` sources).
pub fn glob_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                // `**` at the end matches everything below; elsewhere any number of folders.
                out.push_str(if i + 1 >= chars.len() { ".*" } else { "(.*/)?" });
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                out.push_str(&regex::escape(&chars[i].to_string()));
            }
            '[' => {
                // A class up to its `]`, with `!`/`^` negation; unclosed, a literal `[`.
                match chars[i + 1..].iter().position(|&c| c == ']') {
                    Some(len) if len > 0 => {
                        let body: String = chars[i + 1..i + 1 + len].iter().collect();
                        let (neg, body) = match body.strip_prefix(['!', '^']) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, body),
                        };
                        let body = body.replace('\\', "\\\\").replace('[', "\\[");
                        out.push_str(&format!("[{}{body}]", if neg { "^" } else { "" }));
                        i += len + 1;
                    }
                    _ => out.push_str("\\["),
                }
            }
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out.push('$');
    out
}

/// True when a path pattern holds a wildcard (`*`, `?`, `[`).
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(text: &str, path: &str) -> bool {
        DockerIgnore::parse(".dockerignore", text).excluded_by(path).is_some()
    }

    #[test]
    fn patterns_folders_and_exceptions_in_order() {
        let text = "# build output\nnode_modules\n*.md\n!README.md\n/dist/\n**/*.log\nsecrets/**\nsrc\n!src/keep.js\n";
        assert!(ignored(text, "node_modules/a/index.js"), "a folder pattern hides what is below it");
        assert!(ignored(text, "CHANGES.md"));
        assert!(!ignored(text, "README.md"), "a later exception puts a file back");
        assert!(!ignored(text, "docs/x.md"), "`*` does not cross folders");
        assert!(ignored(text, "dist/app.js"), "a leading / and a trailing / are cleaned away");
        assert!(ignored(text, "app.log") && ignored(text, "a/b/c.log"), "`**/` means any number of folders, none too");
        assert!(ignored(text, "secrets/x/y.pem"));
        assert!(ignored(text, "src/other.js"));
        assert!(!ignored(text, "src/keep.js"));
        assert!(!ignored(text, "package.json"));
        assert!(!ignored(text, "# build output"), "a comment is no pattern");
    }

    #[test]
    fn the_last_matching_pattern_decides() {
        assert!(!ignored("*.json\n!package*.json\n", "package-lock.json"));
        assert!(ignored("!package*.json\n*.json\n", "package-lock.json"), "an exception before the rule does nothing");
        assert!(ignored("*\n!src\n", "package.json"));
        assert!(!ignored("*\n!src\n", "src/index.js"), "an excepted folder keeps what is below it");
        assert!(ignored("*\n!src\nsrc/*.test.js\n", "src/a.test.js"));
        assert!(!ignored("  ./config/  \n", "configs"), "patterns are trimmed and cleaned");
        assert!(ignored("  ./config/  \n", "config/app.yaml"));
    }

    #[test]
    fn classes_escapes_and_question_marks() {
        assert!(ignored("file[0-9].txt\n", "file7.txt"));
        assert!(!ignored("file[!0-9].txt\n", "file7.txt"));
        assert!(ignored("?.txt\n", "a.txt") && !ignored("?.txt\n", "ab.txt"));
        assert!(ignored("\\*.txt\n", "*.txt") && !ignored("\\*.txt\n", "a.txt"));
        assert!(ignored("a/**/b\n", "a/b") && ignored("a/**/b\n", "a/x/y/b"));
    }

    #[test]
    fn paths_are_cleaned_like_go_does() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("/x/../.."), "/");
        assert_eq!(clean("."), ".");
        assert_eq!(clean("../a"), "../a");
    }
}
