//! Templates embedded in the binary (templates/ and skills/), rendered with Tera.
//!
//! Helm chart templates are Go templates themselves, so they are rendered with other
//! delimiters (`[[ ]]`, `[% %]`, `[# #]`) and their `{{ }}` passes through untouched.

use crate::error::Error;
use include_dir::{Dir, File, include_dir};
use tera::{Context, Delimiters, Kwargs, State, Tera};

/// The generator's templates, mirrored on the output layout per kind.
pub static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
/// The skill texts an AI assistant reads in the generated repo.
pub static SKILLS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/skills");

/// Prefix of template names that use the Helm-safe delimiters.
const HELM_TEMPLATES: &str = "helm/vibe-stack/templates/";
/// Template names of skill files get this prefix, to keep them apart from templates/.
pub const SKILLS_PREFIX: &str = "skills/";

/// Both Tera engines, loaded once with every embedded template.
pub struct Renderer {
    plain: Tera,
    helm: Tera,
}

fn all_files<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a File<'a>>) {
    out.extend(dir.files());
    for d in dir.dirs() {
        all_files(d, out);
    }
}

/// Every embedded template file: (template name, file).
pub fn embedded() -> Vec<(String, &'static File<'static>)> {
    let mut files = Vec::new();
    all_files(&TEMPLATES, &mut files);
    let mut out: Vec<(String, &'static File<'static>)> =
        files.into_iter().map(|f| (f.path().to_string_lossy().replace('\\', "/"), f)).collect();
    let mut skills = Vec::new();
    all_files(&SKILLS, &mut skills);
    out.extend(skills.into_iter().map(|f| (format!("{SKILLS_PREFIX}{}", f.path().to_string_lossy()), f)));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn template_error(name: &str, e: tera::Error) -> Error {
    // Tera's Display is short; its source chain holds the line and the reason.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template { name: name.to_string(), message }
}

/// The filters that write free text (the app name, a metric's help) into a file format:
/// `yaml` (a double-quoted scalar), `json` (a string literal) and `shell` (one word). Templates
/// use them for every free-text value, never pasting text between quotes themselves.
fn register_quoting(engine: &mut Tera) {
    fn yaml(value: &str, _: Kwargs, _: &State) -> String {
        crate::quote::yaml_str(value)
    }
    fn json(value: &str, _: Kwargs, _: &State) -> String {
        crate::quote::json_str(value)
    }
    fn shell(value: &str, _: Kwargs, _: &State) -> String {
        crate::quote::shell_word(value)
    }
    engine.register_filter("yaml", yaml);
    engine.register_filter("json", json);
    engine.register_filter("shell", shell);
}

impl Renderer {
    /// Loads every embedded template. A syntax error here is a bug in vibe.
    pub fn new() -> Result<Renderer, Error> {
        let mut plain = Tera::new();
        plain.autoescape_on(Vec::<&str>::new());
        let mut helm = Tera::new();
        helm.autoescape_on(Vec::<&str>::new());
        helm.set_delimiters(Delimiters {
            block_start: "[%".into(),
            block_end: "%]".into(),
            variable_start: "[[".into(),
            variable_end: "]]".into(),
            comment_start: "[#".into(),
            comment_end: "#]".into(),
        })
        .map_err(|e| template_error("(delimiters)", e))?;
        for engine in [&mut plain, &mut helm] {
            register_quoting(engine);
        }
        for (name, file) in embedded() {
            let Some(text) = file.contents_utf8() else { continue };
            let engine = if name.starts_with(HELM_TEMPLATES) { &mut helm } else { &mut plain };
            engine.add_raw_template(&name, text).map_err(|e| template_error(&name, e))?;
        }
        Ok(Renderer { plain, helm })
    }

    /// The renderer shared by every generation in this process: loading the templates costs
    /// more than rendering them.
    pub fn shared() -> Result<&'static Renderer, Error> {
        static SHARED: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
        if let Some(renderer) = SHARED.get() {
            return Ok(renderer);
        }
        let renderer = Renderer::new()?;
        Ok(SHARED.get_or_init(|| renderer))
    }

    /// Renders one template with the context.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Error> {
        let engine = if name.starts_with(HELM_TEMPLATES) { &self.helm } else { &self.plain };
        engine.render(name, context).map_err(|e| template_error(name, e))
    }
}

/// Puts the generated-file header at the top of `content`, in the syntax of `path`.
/// JSON cannot hold comments: its templates carry the header in a `$comment` key.
pub fn with_header(path: &str, content: &str, header: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let line = match ext {
        "json" => return content.to_string(),
        "md" => format!("<!-- {header} -->"),
        "xml" => format!("<!-- {header} -->"),
        "tpl" => format!("{{{{/* {header} */}}}}"),
        "js" | "mjs" | "cjs" | "ts" | "go" | "java" | "kt" | "rs" | "gradle" | "php" | "mod" => format!("// {header}"),
        _ => format!("# {header}"),
    };
    // Lines that must stay first: a shebang, `<?php`, an XML declaration.
    let keep_first = content.starts_with("#!") || content.starts_with("<?php") || content.starts_with("<?xml");
    if keep_first {
        let (first, rest) = content.split_once('\n').unwrap_or((content, ""));
        format!("{first}\n{line}\n{rest}")
    } else {
        format!("{line}\n{content}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_use_each_file_syntax() {
        assert!(with_header("k8s/00-namespace.yaml", "a: 1\n", "H").starts_with("# H\na: 1"));
        assert!(with_header("observability/metrics.go", "package x\n", "H").starts_with("// H\n"));
        assert_eq!(with_header("x/index.php", "<?php\necho 1;\n", "H"), "<?php\n// H\necho 1;\n");
        assert_eq!(with_header("values.schema.json", "{}", "H"), "{}");
        assert!(with_header("skills/review.md", "# Review\n", "H").starts_with("<!-- H -->\n"));
    }
}
