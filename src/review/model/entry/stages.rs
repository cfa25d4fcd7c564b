//! A Dockerfile read as Docker builds it: its stages, what the stage that runs inherits from the
//! stages it is built FROM (WORKDIR, ENV, CMD, ENTRYPOINT), and where COPY/ADD put the build
//! context's files. The entry model (which command the image starts, in which folder) and
//! `vibe probe --app` (which replays the image outside a container) both read it here.

use crate::repo::{Instruction, dockerfile_words};

/// `base` joined with `path` (absolute paths replace it), without `.` parts or a trailing slash
/// (except the root): an absolute image path.
pub fn join(base: &str, path: &str) -> String {
    let full = if path.starts_with('/') { path.to_string() } else { format!("{base}/{path}") };
    crate::review::model::dockerignore::clean(&format!("/{full}"))
}

/// One build stage: its name (after AS), base image, and instructions after FROM.
pub struct Stage<'a> {
    /// The name after `AS`, lower case.
    pub name: Option<String>,
    /// The base image (or earlier stage) as written.
    pub base: String,
    /// Its instructions after FROM.
    pub body: Vec<&'a Instruction>,
}

/// What the stage that runs (the last) sets, with what it inherits from the stages it is built
/// FROM.
pub struct Running<'a> {
    /// Its WORKDIR (absolute, `/` when none), ENV values expanded.
    pub workdir: String,
    /// Its ENV, in order (a later value replaces an earlier one).
    pub env: Vec<(String, String)>,
    /// The ENTRYPOINT in effect.
    pub entrypoint: Option<&'a Instruction>,
    /// The CMD in effect: an ENTRYPOINT resets a CMD inherited from an earlier stage, as Docker
    /// does, not one of its own stage.
    pub cmd: Option<&'a Instruction>,
}

/// The build stages of a Dockerfile's instructions, in order.
pub fn stages(instructions: &[Instruction]) -> Vec<Stage<'_>> {
    let mut out: Vec<Stage> = Vec::new();
    for ins in instructions {
        if ins.keyword == "FROM" {
            let words: Vec<&str> = ins.args.split_whitespace().filter(|w| !w.starts_with("--")).collect();
            let base = words.first().unwrap_or(&"").to_string();
            let name = match words.as_slice() {
                [_, as_, name, ..] if as_.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
                _ => None,
            };
            out.push(Stage { name, base, body: Vec::new() });
        } else if let Some(stage) = out.last_mut() {
            stage.body.push(ins);
        }
    }
    out
}

/// The stage `last` and the earlier stages it is built FROM, oldest first.
fn chain(stages: &[Stage], last: usize) -> Vec<usize> {
    let mut out = vec![last];
    let mut at = last;
    while let Some(parent) =
        stages[..at].iter().rposition(|s| s.name.as_deref() == Some(stages[at].base.to_ascii_lowercase().as_str()))
    {
        out.push(parent);
        at = parent;
    }
    out.reverse();
    out
}

/// What the last stage runs with; None for a Dockerfile without a stage.
pub fn running<'a>(stages: &[Stage<'a>]) -> Option<Running<'a>> {
    let last = stages.len().checked_sub(1)?;
    let mut run = Running { workdir: "/".to_string(), env: Vec::new(), entrypoint: None, cmd: None };
    for s in chain(stages, last) {
        let mut own_cmd = false;
        for &ins in &stages[s].body {
            match ins.keyword.as_str() {
                "WORKDIR" => run.workdir = join(&run.workdir, &expand(ins.args.trim(), &run.env)),
                "ENV" => {
                    for (k, v) in env_pairs(&ins.args) {
                        let v = expand(&v, &run.env);
                        run.env.retain(|(name, _)| *name != k);
                        run.env.push((k, v));
                    }
                }
                "CMD" => {
                    run.cmd = Some(ins);
                    own_cmd = true;
                }
                "ENTRYPOINT" => {
                    run.entrypoint = Some(ins);
                    if !own_cmd {
                        run.cmd = None;
                    }
                }
                _ => {}
            }
        }
    }
    Some(run)
}

/// `$NAME` and `${NAME}` replaced by earlier ENV values (unknown ones are left as written).
fn expand(text: &str, env: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in env.iter().rev() {
        out = out.replace(&format!("${{{k}}}"), v).replace(&format!("${k}"), v);
    }
    out
}

/// The variables an ENV instruction sets (`A=1 B="two words"`, or the legacy `NAME value`).
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let words = dockerfile_words(args);
    if words.len() >= 2 && !words[0].contains('=') {
        let rest = args.trim_start()[words[0].len()..].trim().to_string();
        return vec![(words[0].clone(), rest)];
    }
    words.into_iter().filter_map(|w| w.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

/// A COPY or ADD from the build context.
pub struct Copy {
    /// Its sources, as written.
    pub sources: Vec<String>,
    /// Its destination, as written.
    pub written: String,
    /// Its destination resolved against the WORKDIR.
    pub dest: String,
}

/// A COPY or ADD from the build context (not `--from` another stage), read at `workdir`.
pub fn copy_of(ins: &Instruction, workdir: &str) -> Option<Copy> {
    if ins.keyword != "COPY" && ins.keyword != "ADD" {
        return None;
    }
    let args = ins.args.trim();
    let mut w: Vec<String> = if args.starts_with('[') {
        serde_json::from_str::<Vec<String>>(args).ok()?
    } else {
        let w = dockerfile_words(args);
        if w.iter().any(|x| x.starts_with("--from")) {
            return None;
        }
        w.into_iter().filter(|x| !x.starts_with("--")).collect()
    };
    let written = w.pop()?;
    if w.is_empty() {
        return None;
    }
    let dest = join(workdir, &written);
    Some(Copy { sources: w, written, dest })
}

impl Copy {
    /// Where each source lands, as (container path, repo path relative to the build context): a
    /// file copied into a folder keeps its name; a folder's contents land in the destination.
    pub fn targets(&self, workdir: &str) -> Vec<(String, String)> {
        let w = &self.written;
        let into_folder = w.ends_with('/') || w == "." || self.dest == workdir || self.sources.len() > 1;
        let mut out = Vec::new();
        for s in &self.sources {
            let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
            let target = if !looks_like_folder(s) && into_folder { join(&self.dest, name) } else { self.dest.clone() };
            out.push((target, tidy(s)));
        }
        out
    }
}

/// A COPY source that names a folder: `.`, a trailing `/`, or a last part without a dot
/// (the build context is not read here; `requirements.txt` is a file, `src` a folder).
pub fn looks_like_folder(source: &str) -> bool {
    let last = source.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    source.ends_with('/') || last.is_empty() || last == "." || !last.contains('.')
}

/// A path inside the build context, normalised and relative (`""` for the context itself).
pub fn tidy(path: &str) -> String {
    join("/", path).trim_start_matches('/').to_string()
}

/// Every COPY/ADD from the build context in every stage (each stage starts at `/`), as
/// (container path, repo path) pairs in Dockerfile order.
pub fn copies(stages: &[Stage]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for stage in stages {
        let mut workdir = "/".to_string();
        for ins in &stage.body {
            if ins.keyword == "WORKDIR" {
                workdir = join(&workdir, ins.args.trim());
            } else if let Some(copy) = copy_of(ins, &workdir) {
                out.extend(copy.targets(&workdir));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::parse_dockerfile;

    fn run(text: &str) -> (String, Option<String>, Option<String>) {
        let ins = parse_dockerfile(text);
        let r = running(&stages(&ins)).unwrap();
        (r.workdir, r.entrypoint.map(|i| i.args.clone()), r.cmd.map(|i| i.args.clone()))
    }

    #[test]
    fn an_entrypoint_resets_only_the_cmd_it_inherits() {
        // Docker: a CMD of the same stage stays, whichever comes first.
        let (_, e, c) = run("FROM python:3.12\nCMD [\"app.py\"]\nENTRYPOINT [\"python\"]\n");
        assert_eq!((e.as_deref(), c.as_deref()), (Some("[\"python\"]"), Some("[\"app.py\"]")));
        let (_, e, c) = run("FROM python:3.12 AS base\nCMD [\"app.py\"]\nFROM base\nENTRYPOINT [\"python\"]\n");
        assert_eq!((e.as_deref(), c), (Some("[\"python\"]"), None));
    }

    #[test]
    fn the_running_stage_inherits_workdir_and_cmd_from_the_stage_it_is_built_from() {
        let (workdir, _, cmd) =
            run("FROM node:20 AS base\nENV APP=/srv\nWORKDIR $APP\nCMD node a.js\nFROM base\nRUN true\n");
        assert_eq!((workdir.as_str(), cmd.as_deref()), ("/srv", Some("node a.js")));
    }

    #[test]
    fn a_file_copied_onto_the_workdir_lands_inside_it() {
        let ins = parse_dockerfile("FROM python:3.12\nWORKDIR /app\nCOPY app.py /app\nCOPY conf.d/ /etc/conf.d\n");
        let copies = copies(&stages(&ins));
        assert_eq!(copies[0], ("/app/app.py".to_string(), "app.py".to_string()));
        assert_eq!(copies[1], ("/etc/conf.d".to_string(), "conf.d".to_string()));
    }
}
