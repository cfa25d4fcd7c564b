//! `helm template`: the chart rendered by Helm itself, for charts vibe cannot render (a template
//! edited by hand, a chart vibe did not write). Run without a shell, in the repo, with a time
//! limit and a cap on what it may print.

use super::{Deployed, Doc, parse_docs};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long `helm template` may take.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The most output read from it (a chart renders a few hundred kilobytes at most).
const MAX_OUTPUT: u64 = crate::fsread::MAX_FILE_BYTES;

/// The `helm` program on PATH, if any.
pub fn on_path() -> Option<PathBuf> {
    crate::programs::which("helm")
}

/// Renders `chart` with `helm template <release> <dir> --namespace <ns>` in `root`: its objects,
/// each with the template its `# Source:` line names; or helm's message.
pub fn template(program: &Path, root: &Path, chart: &Deployed) -> Result<Vec<Doc>, String> {
    let mut cmd = Command::new(program);
    cmd.arg("template").arg(&chart.release).arg(&chart.dir);
    if let Some(ns) = &chart.namespace {
        cmd.arg("--namespace").arg(ns);
    }
    cmd.current_dir(root).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let out = child.stdout.take().map(|s| std::thread::spawn(move || capped(s)));
    let err = child.stderr.take().map(|s| std::thread::spawn(move || capped(s)));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("it did not finish within {} seconds", TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let joined = |h: Option<std::thread::JoinHandle<(String, bool)>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    let ((stdout, too_long), (stderr, _)) = (joined(out), joined(err));
    if !status.success() {
        let message = stderr.trim();
        return Err(if message.is_empty() { format!("it exited with {status}") } else { message.to_string() });
    }
    if too_long {
        return Err(format!("it printed more than {MAX_OUTPUT} bytes"));
    }
    split(&stdout, &chart.dir)
}

/// Reads a stream up to [`MAX_OUTPUT`] bytes (and drains the rest, so the child never blocks).
fn capped(stream: impl Read) -> (String, bool) {
    let mut buf = Vec::new();
    let mut limited = stream.take(MAX_OUTPUT + 1);
    let _ = limited.read_to_end(&mut buf);
    let too_long = buf.len() as u64 > MAX_OUTPUT;
    let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
    (String::from_utf8_lossy(&buf).into_owned(), too_long)
}

/// Splits `helm template`'s output into objects: documents separated by `---`, each after a
/// `# Source: <chart>/templates/x.yaml` line naming its template (the chart's name is replaced
/// by its folder, `dir`).
pub fn split(output: &str, dir: &str) -> Result<Vec<Doc>, String> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut chunk = String::new();
    let mut source: Option<String> = None;
    let flush = |chunk: &mut String, source: &mut Option<String>, docs: &mut Vec<Doc>| -> Result<(), String> {
        let text = std::mem::take(chunk);
        let Some(template) = source.take() else { return Ok(()) };
        let before = docs.iter().filter(|d| d.template == template).count();
        for mut d in parse_docs(&template, &text).map_err(|e| format!("{template} rendered invalid YAML ({e})"))? {
            d.index += before;
            docs.push(d);
        }
        Ok(())
    };
    for line in output.lines() {
        if line.trim_end() == "---" {
            flush(&mut chunk, &mut source, &mut docs)?;
            continue;
        }
        if let Some(s) = line.strip_prefix("# Source: ") {
            let rest = s.trim().split_once('/').map_or(s.trim(), |(_, r)| r);
            source = Some(format!("{dir}/{rest}"));
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&mut chunk, &mut source, &mut docs)?;
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_split_by_source() {
        let out = "---\n# Source: vibe-stack/templates/00-namespace.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n# Source: vibe-stack/templates/08-app.yaml\nkind: Deployment\nmetadata: {name: a}\n---\n# Source: vibe-stack/templates/08-app.yaml\nkind: Service\nmetadata: {name: a}\n";
        let docs = split(out, "helm/vibe-stack").unwrap();
        let got: Vec<(&str, usize, u32)> =
            docs.iter().map(|d| (d.template.as_str(), d.index, d.node.line().unwrap())).collect();
        assert_eq!(
            got,
            [
                ("helm/vibe-stack/templates/00-namespace.yaml", 0, 2),
                ("helm/vibe-stack/templates/08-app.yaml", 0, 2),
                ("helm/vibe-stack/templates/08-app.yaml", 1, 2)
            ]
        );
    }
}
