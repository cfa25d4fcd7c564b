//! G4: no file logging

use super::*;

pub(super) static FILE_LOGGING: LazyLock<Vec<(Dialect, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Dialect::Python,
            re(
                r#"\b(?:Rotating|TimedRotating|Watched)?FileHandler\s*\(|["']logging\.(?:handlers\.)?(?:Rotating|TimedRotating|Watched)?FileHandler["']|\bbasicConfig\s*\([^)]*\bfilename\s*=|\blogger\.add\(\s*["'][^"']+\.log["']"#,
            ),
        ),
        (
            Dialect::Js,
            re(
                r#"\btransports\.File\s*\(|\bnew\s+DailyRotateFile\s*\(|\bpino\.destination\(\s*(?:\{\s*dest\s*:\s*)?["'`][^"'`]+["'`]|target\s*:\s*["']pino/file["'][^}]*destination\s*:\s*["'`][^"'`]+|\bfs\.createWriteStream\(\s*["'`][^"'`]*\.log["'`]|\brotating-file-stream\b|\btype\s*:\s*["'](?:file|dateFile|fileSync)["']"#,
            ),
        ),
        (Dialect::Go, re(r#"\blumberjack\.Logger\s*\{|\bos\.(?:OpenFile|Create)\(\s*"[^"]*\.log""#)),
        (Dialect::Java, re(r"\bnew\s+(?:Daily)?(?:Rolling)?FileAppender\b|\bnew\s+FileHandler\s*\(")),
        (Dialect::Kotlin, re(r"\b(?:Daily)?(?:Rolling)?FileAppender\s*(?:<[^>]*>)?\s*\(|\bFileHandler\s*\(")),
        (
            Dialect::Rust,
            re(r"\btracing_appender::rolling\b|\bRollingFileAppender\b|\blog_to_file\b|\bFileAppender::builder\b"),
        ),
        (
            Dialect::Php,
            re(
                r#"\bnew\s+(?:StreamHandler\(\s*(?:["'](?:[^p"'][^"']*|p[^h][^"']*)["']|__DIR__)|RotatingFileHandler\s*\()"#,
            ),
        ),
        (
            Dialect::Config,
            re(
                r"(?im)^\s*(?:logging\.file(?:\.name|\.path)?|log4j2?\.appender\.\w+(?:\.type)?\s*[=:]\s*(?:org\.apache\.log4j\.)?(?:Daily)?(?:Rolling)?File(?:Appender)?|LOG_FILE(?:_?NAME|_?PATH)?|LOG_PATH|LOGFILE|LOG_FILENAME)\s*[=:]\s*\S",
            ),
        ),
    ]
});

/// A mount path for log files: `/var/log`, `/app/logs`, `/logs`.
pub(super) static LOG_MOUNT: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:^|/)(?:var/log|logs?)(?:/|$)"));

/// G4: no file-based logging.
pub fn g4(r: &Review, out: &mut Vec<Finding>) {
    let fix = "Remove the file handler, appender or log volume and log to stdout only: the platform collects \
               stdout, and files inside the container are lost at every restart and can fill the disk.";
    let files = r.repo.sources.iter().filter(|f| f.lang == Lang::Config || is_runtime_code(f));
    for (f, d, pattern, masked) in lang::files_matching(files, &FILE_LOGGING) {
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
