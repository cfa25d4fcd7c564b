//! G4: no file logging

use super::*;

/// Logging to a file set in app configuration (the languages' source patterns are theirs).
pub(super) static CONFIG_FILE_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?im)^\s*(?:logging\.file(?:\.name|\.path)?|log4j2?\.appender\.\w+(?:\.type)?\s*[=:]\s*(?:org\.apache\.log4j\.)?(?:Daily)?(?:Rolling)?File(?:Appender)?|LOG_FILE(?:_?NAME|_?PATH)?|LOG_PATH|LOGFILE|LOG_FILENAME)\s*[=:]\s*\S",
    )
});

/// A mount path for log files: `/var/log`, `/app/logs`, `/logs`.
pub(super) static LOG_MOUNT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:^|/)(?:var/log|logs?)(?:/|$)"));

/// G4: no file-based logging.
pub fn g4(r: &Review, out: &mut Vec<Finding>) {
    let fix = "Remove the file handler, appender or log volume and log to stdout only: the platform collects \
               stdout, and files inside the container are lost at every restart and can fill the disk.";
    let files = r.repo.sources.iter().filter(|f| f.lang == Lang::Config || is_runtime_code(f));
    for f in files {
        let d = lang::dialect(f);
        let pattern = match f.lang.language() {
            Some(language) => &language.support().logs(d).file_logging,
            None => &CONFIG_FILE_LOGGING,
        };
        if !pattern.is_match(&f.text) {
            continue;
        }
        let masked = lang::masked(f);
        let lines = Lines::new(&masked);
        let mut last_line = 0;
        for m in pattern.find_iter(&masked) {
            let line = lines.line(m.start() + (m.as_str().len() - m.as_str().trim_start().len()));
            if line == last_line {
                continue;
            }
            last_line = line;
            let what = if d == Dialect::Config {
                m.as_str().trim().split(['=', ':']).next().unwrap_or("").trim()
            } else {
                m.as_str().trim().split(['(', '{', '\n']).next().unwrap_or("").trim().trim_matches(['"', '\''])
            };
            out.push(
                Finding::new(CheckId::G4, f.file.clone(), Some(line))
                    .message(format!("`{what}` writes logs to a file inside the container instead of stdout"))
                    .fix(fix),
            );
        }
    }
    for w in workload::workloads(r.repo) {
        if !w.is_app() {
            continue;
        }
        for c in w.containers() {
            for m in c.node.get("volumeMounts").map(crate::yaml::Node::items).unwrap_or_default() {
                let Some(path) = m.get("mountPath").and_then(crate::yaml::Node::as_str) else {
                    continue;
                };
                let read_only = m.get("readOnly").and_then(crate::yaml::Node::as_bool) == Some(true);
                if LOG_MOUNT.is_match(path) && !read_only {
                    out.push(
                        Finding::new(CheckId::G4, w.obj.file.clone(), m.get("mountPath").and_then(crate::yaml::Node::line).or(m.line()))
                            .object(w.obj.id())
                            .message(format!(
                                "Container `{}` mounts a volume at `{path}` for log files; logs written there are never collected",
                                c.name
                            ))
                            .fix(fix),
                    );
                }
            }
        }
    }
}
