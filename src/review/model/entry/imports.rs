//! The local files entry code imports, transitively: relative `require`/`import` (JavaScript,
//! TypeScript), Python modules resolved to repo files (Django's settings and URL modules named in
//! strings too), the module's own Go packages, Rust `mod` files, PHP `require`s, and for the JVM
//! the classes under the main class's package (what Spring's component scan loads). Only files
//! the repo already loaded are followed, each once; nothing outside the repo.

use crate::lang::{self, Language, TextFile, re};
use crate::repo::Repo;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Most files followed from the entry (a bound for huge repos; entry code is rarely this big).
const MAX_FILES: usize = 5000;

static JS_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'`](\.\.?/[^"'`\n]*)["'`]"#));
static PY_FROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)"));
static PY_IMPORT: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[ \t]*import[ \t]+([\w., \t]+)"));
static PY_MODULE_STRING: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:DJANGO_SETTINGS_MODULE["'][ \t]*,[ \t]*|ROOT_URLCONF[ \t]*=[ \t]*|\binclude\([ \t]*)["']([\w.]+)["']"#)
});
static RUST_MOD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*(?:pub(?:\([\w ]+\))?[ \t]+)?mod[ \t]+(\w+)[ \t]*;"));
static PHP_REQUIRE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:require|include)(?:_once)?\s*\(?\s*(?:__DIR__\s*\.\s*)?["']([^"'\n]+\.php)["']"#));
static GO_MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module[ \t]+(\S+)"));

/// The entry files and every local file they import, roots first, each once.
pub fn closure<'a>(
    repo: &'a Repo,
    sources: &HashMap<&str, &'a TextFile>,
    roots: Vec<&'a TextFile>,
) -> Vec<&'a TextFile> {
    let py_bases: Vec<String> = roots.iter().map(|f| dir(&f.file).to_string()).chain([String::new()]).collect();
    let go_modules = go_modules(repo);
    let mut seen: HashSet<&str> = roots.iter().map(|f| f.file.as_str()).collect();
    let mut out = roots;
    let mut i = 0;
    while i < out.len() && out.len() < MAX_FILES {
        let f = out[i];
        i += 1;
        let found = match f.lang.language() {
            Some(Language::Node) => js(f, sources),
            Some(Language::Python) => python(f, sources, &py_bases),
            Some(Language::Go) => go(f, repo, &go_modules),
            Some(Language::Rust) => rust(f, sources),
            Some(Language::Php) => php(f, sources),
            Some(Language::Jvm) => jvm(f, repo),
            None => vec![],
        };
        for g in found {
            if seen.insert(g.file.as_str()) {
                out.push(g);
            }
        }
    }
    out
}

fn dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `base` + `rel` as a repo path; None when it leaves the repo.
fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn js<'a>(f: &TextFile, sources: &HashMap<&str, &'a TextFile>) -> Vec<&'a TextFile> {
    let masked = lang::masked(f);
    let mut out = Vec::new();
    for c in JS_IMPORT.captures_iter(&masked) {
        let Some(path) = join(dir(&f.file), &c[1]) else { continue };
        let stem = path.trim_end_matches(".js");
        let mut tries = vec![path.clone()];
        for ext in ["js", "ts", "mjs", "cjs", "json", "jsx", "tsx"] {
            tries.push(format!("{stem}.{ext}"));
            tries.push(format!("{path}/index.{ext}"));
        }
        out.extend(tries.iter().find_map(|t| sources.get(t.as_str()).copied()));
    }
    out
}

/// A Python module (dotted, under `base`) as a file: `a/b.py` or `a/b/__init__.py`.
fn py_module<'a>(sources: &HashMap<&str, &'a TextFile>, base: &str, dotted: &str) -> Option<&'a TextFile> {
    let path = join(base, &dotted.replace('.', "/"))?;
    [format!("{path}.py"), format!("{path}/__init__.py")].iter().find_map(|p| sources.get(p.as_str()).copied())
}

fn python<'a>(f: &TextFile, sources: &HashMap<&str, &'a TextFile>, bases: &[String]) -> Vec<&'a TextFile> {
    let masked = lang::masked(f);
    let mut out = Vec::new();
    let absolute = |dotted: &str, out: &mut Vec<&'a TextFile>| {
        for base in bases {
            // `import a.b.c` loads a, a.b and a.b.c.
            let parts: Vec<&str> = dotted.split('.').collect();
            for n in 1..=parts.len() {
                out.extend(py_module(sources, base, &parts[..n].join(".")));
            }
        }
    };
    for c in PY_FROM.captures_iter(&masked) {
        let (dots, module, names) = (c[1].len(), &c[2], c[3].trim_matches(|ch| ch == '(' || ch == ')'));
        let names: Vec<&str> =
            names.split(',').filter_map(|n| n.split_whitespace().next()).filter(|n| *n != "*").collect();
        if dots == 0 {
            absolute(module, &mut out);
            for n in &names {
                absolute(&format!("{module}.{n}"), &mut out);
            }
            continue;
        }
        let mut base = dir(&f.file).to_string();
        for _ in 1..dots {
            base = dir(&base).to_string();
        }
        if !module.is_empty() {
            out.extend(py_module(sources, &base, module));
        }
        for n in names {
            let m = if module.is_empty() { n.to_string() } else { format!("{module}.{n}") };
            out.extend(py_module(sources, &base, &m));
        }
    }
    for c in PY_IMPORT.captures_iter(&masked) {
        for m in c[1].split(',').filter_map(|m| m.split_whitespace().next()) {
            absolute(m, &mut out);
        }
    }
    for c in PY_MODULE_STRING.captures_iter(&masked) {
        absolute(&c[1], &mut out);
    }
    out
}

/// Go modules of the repo: (module path, folder of its go.mod).
fn go_modules(repo: &Repo) -> Vec<(String, String)> {
    repo.dependency_files
        .iter()
        .filter(|f| f.file.rsplit('/').next() == Some("go.mod"))
        .filter_map(|f| GO_MODULE.captures(&f.text).map(|c| (c[1].to_string(), dir(&f.file).to_string())))
        .collect()
}

fn go<'a>(f: &TextFile, repo: &'a Repo, modules: &[(String, String)]) -> Vec<&'a TextFile> {
    let masked = lang::masked(f);
    let mut out = Vec::new();
    for (module, root) in modules {
        // A package of the module, or the module's root package (a local module the app requires
        // through `replace`, as the wired observability module is).
        let pattern = format!("\"{}(?:/([^\"\\n]+))?\"", regex::escape(module));
        let Ok(import) = Regex::new(&pattern) else { continue };
        for c in import.captures_iter(&masked) {
            let pkg = match c.get(1) {
                Some(sub) => join(root, sub.as_str()),
                None => Some(root.to_string()),
            };
            let Some(pkg) = pkg else { continue };
            out.extend(
                repo.sources
                    .iter()
                    .filter(|g| g.file.ends_with(".go") && !g.file.ends_with("_test.go") && dir(&g.file) == pkg),
            );
        }
    }
    out
}

fn rust<'a>(f: &TextFile, sources: &HashMap<&str, &'a TextFile>) -> Vec<&'a TextFile> {
    let masked = lang::masked(f);
    let name = f.file.rsplit('/').next().unwrap_or("");
    let base = if matches!(name, "main.rs" | "lib.rs" | "mod.rs") {
        dir(&f.file).to_string()
    } else {
        f.file.trim_end_matches(".rs").to_string()
    };
    RUST_MOD
        .captures_iter(&masked)
        .filter_map(|c| {
            let m = join(&base, &c[1])?;
            [format!("{m}.rs"), format!("{m}/mod.rs")].iter().find_map(|p| sources.get(p.as_str()).copied())
        })
        .collect()
}

fn php<'a>(f: &TextFile, sources: &HashMap<&str, &'a TextFile>) -> Vec<&'a TextFile> {
    let masked = lang::masked(f);
    PHP_REQUIRE
        .captures_iter(&masked)
        .filter_map(|c| {
            let rel = c[1].trim_start_matches('/');
            join(dir(&f.file), rel).and_then(|p| sources.get(p.as_str()).copied())
        })
        .collect()
}

fn jvm<'a>(f: &TextFile, repo: &'a Repo) -> Vec<&'a TextFile> {
    let package = dir(&f.file);
    repo.sources
        .iter()
        .filter(|g| g.lang.language() == Some(Language::Jvm) && dir(&g.file).starts_with(package))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files_from(repo: &Repo, root: &str) -> Vec<String> {
        let sources: HashMap<&str, &TextFile> = repo.sources.iter().map(|f| (f.file.as_str(), f)).collect();
        let roots = vec![sources[root]];
        closure(repo, &sources, roots).iter().map(|f| f.file.clone()).collect()
    }

    #[test]
    fn follows_local_imports_transitively_and_stops_at_cycles() {
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[
                ("src/server.js", "const app = require('./app');\nconst express = require('express');\n"),
                ("src/app.js", "import routes from './routes/index.js';\nmodule.exports = {};\n"),
                ("src/routes/index.js", "// require('../unused')\nconst app = require('../app');\n"),
                ("src/unused.js", "x"),
                ("../outside.js", "x"),
            ],
        );
        assert_eq!(files_from(&repo, "src/server.js"), ["src/server.js", "src/app.js", "src/routes/index.js"]);
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[
                ("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"),
                ("shop/__init__.py", ""),
                ("shop/settings.py", "ROOT_URLCONF = 'shop.urls'\n"),
                ("shop/urls.py", "from . import views\nfrom .api import (\n    orders,\n)\n"),
                ("shop/views.py", "import logging\n"),
                ("shop/api/__init__.py", ""),
                ("shop/api/orders.py", ""),
                ("tools/other.py", ""),
            ],
        );
        let got = files_from(&repo, "manage.py");
        for f in ["shop/settings.py", "shop/urls.py", "shop/views.py", "shop/api/orders.py"] {
            assert!(got.contains(&f.to_string()), "{f} missing from {got:?}");
        }
        assert!(!got.contains(&"tools/other.py".to_string()));
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[
                ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
                ("main.go", "package main\nimport (\n\t\"net/http\"\n\t\"example.com/shop/internal/api\"\n)\n"),
                ("internal/api/api.go", "package api\n"),
                ("internal/db/db.go", "package db\n"),
            ],
        );
        assert_eq!(files_from(&repo, "main.go"), ["main.go", "internal/api/api.go"]);
        // A local module required through `replace` (the wired observability module): its root package.
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            &[
                ("go.mod", "module example.com/shop\n\nrequire shop/observability v0.0.0\n"),
                ("main.go", "package main\nimport (\n\t\"net/http\"\n\n\t\"shop/observability\"\n)\n"),
                ("observability/go.mod", "module shop/observability\n\ngo 1.19\n"),
                ("observability/observability.go", "package observability\n"),
                ("observability/example/main.go", "package main\n"),
            ],
        );
        assert_eq!(files_from(&repo, "main.go"), ["main.go", "observability/observability.go"]);
    }
}
