//! S2: .env files

use super::*;

/// `.env.example`-style files that list names for others to copy; they are meant to be committed.
pub(super) fn is_env_template(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
    name.split('.').any(|part| matches!(part, "example" | "sample" | "template" | "dist" | "tpl"))
}

/// S2: `.env` files are gitignored and not committed.
pub fn s2(r: &Review, out: &mut Vec<Finding>) {
    for file in &r.repo.env_files {
        if is_env_template(file) || gitignore::ignored(&r.repo.gitignores, file) {
            continue;
        }
        let name = file.rsplit('/').next().unwrap_or(file);
        let has_gitignore = r.repo.gitignores.iter().any(|(g, _)| g == ".gitignore");
        let message = if has_gitignore {
            format!(
                "`{file}` holds local settings and secrets but .gitignore does not exclude it, so it gets committed"
            )
        } else {
            format!("`{file}` holds local settings and secrets but the repo has no .gitignore, so it gets committed")
        };
        out.push(Finding::new(CheckId::S2, file.clone(), Some(1)).message(message).fix(format!(
            "Add the lines `.env`, `.env.*` and `!.env.example` to .gitignore at the repo root, run \
             `git rm --cached {file}`, and change every password or key `{name}` held (it stays in git history). \
             Keep an `.env.example` with the names and empty values for others."
        )));
    }
}

/// Just enough of gitignore matching for S2: patterns, `*`, `?`, `**`, `[...]`, anchoring, negation,
/// directory patterns, and nested .gitignore files.
pub(super) mod gitignore {
    /// True when the repo-relative `path` is ignored by the .gitignore files.
    pub fn ignored(gitignores: &[(String, String)], path: &str) -> bool {
        let mut files: Vec<&(String, String)> = gitignores.iter().collect();
        files.sort_by_key(|(p, _)| p.matches('/').count());
        let mut ignored = false;
        for (gi, text) in files {
            let dir = gi.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let rel = if dir.is_empty() {
                path
            } else if let Some(rest) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                rest
            } else {
                continue;
            };
            for line in text.lines() {
                let line = line.trim_end();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (negate, pattern) = match line.strip_prefix('!') {
                    Some(p) => (true, p),
                    None => (false, line.strip_prefix('\\').unwrap_or(line)),
                };
                if matches(pattern, rel) {
                    ignored = !negate;
                }
            }
        }
        ignored
    }

    /// Does one gitignore pattern match the file `rel` (or a folder it is in)?
    fn matches(pattern: &str, rel: &str) -> bool {
        let dir_only = pattern.ends_with('/');
        let pattern = pattern.trim_end_matches('/');
        if pattern.is_empty() {
            return false;
        }
        let anchored = pattern.contains('/');
        let pattern = pattern.trim_start_matches('/');
        let components: Vec<&str> = rel.split('/').collect();
        // Candidates: the file itself (not for folder patterns) and every folder containing it.
        let n = components.len();
        for end in 1..=n {
            let is_file = end == n;
            if is_file && dir_only {
                continue;
            }
            let hit = if anchored {
                glob(pattern.as_bytes(), components[..end].join("/").as_bytes())
            } else {
                glob(pattern.as_bytes(), components[end - 1].as_bytes())
            };
            if hit {
                return true;
            }
        }
        false
    }

    /// Glob matching with `*` (no `/`), `**` (any), `?` and `[...]`.
    pub(super) fn glob(p: &[u8], s: &[u8]) -> bool {
        if p.is_empty() {
            return s.is_empty();
        }
        match p[0] {
            b'*' if p.get(1) == Some(&b'*') => {
                let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
                (0..=s.len()).any(|i| glob(rest, &s[i..]))
            }
            b'*' => (0..=s.len()).take_while(|&i| i == 0 || s[i - 1] != b'/').any(|i| glob(&p[1..], &s[i..])),
            b'?' => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
            b'[' => {
                let Some(close) = p.iter().skip(1).position(|&c| c == b']').map(|i| i + 1) else {
                    return !s.is_empty() && s[0] == b'[' && glob(&p[1..], &s[1..]);
                };
                if s.is_empty() {
                    return false;
                }
                let class = &p[1..close];
                let (negate, class) = match class.first() {
                    Some(b'!') | Some(b'^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= class[i] <= s[0] && s[0] <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == s[0];
                        i += 1;
                    }
                }
                hit != negate && glob(&p[close + 1..], &s[1..])
            }
            c => !s.is_empty() && s[0] == c && glob(&p[1..], &s[1..]),
        }
    }
}
