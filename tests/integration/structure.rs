//! The shape of src/, measured on its syntax tree (issue 13): no non-test function over
//! `MAX_FN_LINES` lines, no dependency cycle among the crate's top-level modules, and none among
//! the files of one folder.
//!
//! The crate is read the way rustc reads it: from src/lib.rs and src/main.rs through every
//! `mod x;`, so a module under `#[cfg(test)]` is never measured. A reference is any path that
//! names a module of the crate: `use` trees, `crate::x::...`, `self::` and `super::` paths in
//! code and types, the same inside macro calls, and bare `x::...` where a `use super::*` brings
//! the sibling `x` into scope. Module `a` depends on module `b` when code of `a` (or of a module
//! inside it) names `b` (or a module inside it); at each level of the tree, only siblings count.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

const MAX_FN_LINES: usize = 100;

/// A module's path from the crate root: `[]` is the root, `["review", "checks"]` is
/// `crate::review::checks`.
type ModPath = Vec<String>;

/// A function longer than allowed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LongFn {
    file: String,
    line: usize,
    name: String,
    lines: usize,
}

impl std::fmt::Display for LongFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} {} ({} lines)", self.file, self.line, self.name, self.lines)
    }
}

/// How a reference was written: with a `crate`/`self`/`super` head, or bare (`image::x`),
/// which names a module only through a glob import of its parent.
#[derive(Debug)]
enum Head {
    Anchored,
    Bare,
}

/// What the walk gathers from every non-test module of the crate.
#[derive(Default)]
struct Crate {
    modules: BTreeSet<ModPath>,
    long_fns: Vec<LongFn>,
    refs: Vec<(ModPath, Vec<String>, Head)>,
    /// Per module, the modules whose items it imports with `use ...::*`.
    globs: BTreeMap<ModPath, Vec<ModPath>>,
    /// The root's `pub use` re-exports: `Error` -> `error::Error`.
    reexports: BTreeMap<String, Vec<String>>,
    errors: Vec<String>,
}

/// Reads the crate whose sources `read` returns (paths relative to the crate's folder), starting
/// at `src/lib.rs` and `src/main.rs`.
fn load(read: &dyn Fn(&Path) -> Option<String>) -> Crate {
    let mut krate = Crate::default();
    krate.modules.insert(Vec::new());
    // main.rs is its own crate (it reaches the library as `vibe::`): only its lengths count.
    let mut queue: VecDeque<(PathBuf, ModPath, bool)> = VecDeque::from([
        (PathBuf::from("src/lib.rs"), Vec::new(), true),
        (PathBuf::from("src/main.rs"), Vec::new(), false),
    ]);
    while let Some((file, module, library)) = queue.pop_front() {
        let Some(text) = read(&file) else {
            krate.errors.push(format!("{}: cannot read", file.display()));
            continue;
        };
        let ast = match syn::parse_file(&text) {
            Ok(ast) => ast,
            Err(e) => {
                krate.errors.push(format!("{}: {e}", file.display()));
                continue;
            }
        };
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        // Where `mod x;` looks for x: beside lib.rs, main.rs and mod.rs, else in a folder named
        // after the file.
        let child_dir = if matches!(stem, "lib" | "main" | "mod") { folder } else { folder.join(stem) };
        let mut walker = Walker {
            krate: &mut krate,
            file: file.display().to_string(),
            module,
            child_dir,
            owner: None,
            library,
            pending: Vec::new(),
        };
        walker.visit_file(&ast);
        let pending = std::mem::take(&mut walker.pending);
        for (module, dir, name) in pending {
            let flat = dir.join(format!("{name}.rs"));
            let nested = dir.join(&name).join("mod.rs");
            let file = if read(&flat).is_some() { flat } else { nested };
            queue.push_back((file, module, library));
        }
    }
    krate
}

struct Walker<'a> {
    krate: &'a mut Crate,
    file: String,
    module: ModPath,
    child_dir: PathBuf,
    /// The type or trait whose methods are being read.
    owner: Option<String>,
    /// False for the binary's own crate (main.rs): its modules are not the library's.
    library: bool,
    pending: Vec<(ModPath, PathBuf, String)>,
}

/// True for `#[test]` (and `#[tokio::test]`) and for a `cfg` that holds only under test.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        match &attr.meta {
            syn::Meta::List(list) if path.is_ident("cfg") => cfg_needs_test(list.tokens.clone()),
            _ => false,
        }
    })
}

/// `test`, `all(test, ..)` or `any(test, ..)`, but not `not(test)`.
fn cfg_needs_test(tokens: TokenStream) -> bool {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) if ident == "not" => {
                tokens.next();
            }
            TokenTree::Ident(ident) if ident == "test" => return true,
            TokenTree::Group(group) if cfg_needs_test(group.stream()) => return true,
            _ => {}
        }
    }
    false
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item::*;
    match item {
        Const(i) => &i.attrs,
        Enum(i) => &i.attrs,
        ExternCrate(i) => &i.attrs,
        Fn(i) => &i.attrs,
        ForeignMod(i) => &i.attrs,
        Impl(i) => &i.attrs,
        Macro(i) => &i.attrs,
        Mod(i) => &i.attrs,
        Static(i) => &i.attrs,
        Struct(i) => &i.attrs,
        Trait(i) => &i.attrs,
        TraitAlias(i) => &i.attrs,
        Type(i) => &i.attrs,
        Union(i) => &i.attrs,
        Use(i) => &i.attrs,
        _ => &[],
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        other => format!("<type at line {}>", other.span().start().line),
    }
}

impl Walker<'_> {
    fn measure(&mut self, name: &syn::Ident, sig: &syn::Signature, block: &syn::Block) {
        let first = sig.span().start().line;
        let last = block.brace_token.span.close().end().line;
        let lines = last + 1 - first;
        if lines > MAX_FN_LINES {
            let name = match &self.owner {
                Some(owner) => format!("{owner}::{name}"),
                None => name.to_string(),
            };
            self.krate.long_fns.push(LongFn { file: self.file.clone(), line: first, name, lines });
        }
    }

    fn reference(&mut self, segments: Vec<String>, head: Head) {
        if self.library && !segments.is_empty() {
            self.krate.refs.push((self.module.clone(), segments, head));
        }
    }

    /// Every path a `use` tree imports, as segments; `*` ends a glob.
    fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                Self::use_paths(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => out.push(with(prefix, n.ident.to_string())),
            syn::UseTree::Rename(r) => out.push(with(prefix, r.ident.to_string())),
            syn::UseTree::Glob(_) => out.push(with(prefix, "*".to_string())),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| Self::use_paths(t, prefix, out)),
        }
    }

    /// Paths written inside a macro call (`format!("{}", crate::x::y())`), read as tokens.
    fn macro_paths(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            if let TokenTree::Group(group) = &tokens[i] {
                self.macro_paths(group.stream());
                i += 1;
                continue;
            }
            let preceded_by_colons = i > 0 && is_colon(&tokens[i - 1]);
            let mut segments = Vec::new();
            let mut j = i;
            while let Some(TokenTree::Ident(ident)) = tokens.get(j) {
                segments.push(ident.to_string());
                if tokens.get(j + 1).is_some_and(is_colon) && tokens.get(j + 2).is_some_and(is_colon) {
                    j += 3;
                } else {
                    j += 1;
                    break;
                }
            }
            if segments.len() > 1 && !preceded_by_colons {
                let head = match segments[0].as_str() {
                    "crate" | "self" | "super" => Head::Anchored,
                    _ => Head::Bare,
                };
                self.reference(segments, head);
            }
            i = j.max(i + 1);
        }
    }
}

fn is_colon(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ':')
}

fn with(prefix: &[String], last: String) -> Vec<String> {
    let mut path = prefix.to_vec();
    path.push(last);
    path
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_test(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        if is_test(&i.attrs) {
            return;
        }
        // A function inside a function is measured on its own, named by itself.
        let owner = self.owner.take();
        self.measure(&i.sig.ident, &i.sig, &i.block);
        syn::visit::visit_item_fn(self, i);
        self.owner = owner;
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let owner = self.owner.replace(type_name(&i.self_ty));
        syn::visit::visit_item_impl(self, i);
        self.owner = owner;
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        let owner = self.owner.replace(i.ident.to_string());
        syn::visit::visit_item_trait(self, i);
        self.owner = owner;
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        if is_test(&i.attrs) {
            return;
        }
        self.measure(&i.sig.ident, &i.sig, &i.block);
        syn::visit::visit_impl_item_fn(self, i);
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        if is_test(&i.attrs) {
            return;
        }
        if let Some(block) = &i.default {
            self.measure(&i.sig.ident, &i.sig, block);
        }
        syn::visit::visit_trait_item_fn(self, i);
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        let name = i.ident.to_string();
        let module = with(&self.module, name.clone());
        if self.library {
            self.krate.modules.insert(module.clone());
        }
        match &i.content {
            None => self.pending.push((module, self.child_dir.clone(), name)),
            Some(_) => {
                let outer_module = std::mem::replace(&mut self.module, module);
                let inner_dir = self.child_dir.join(&name);
                let outer_dir = std::mem::replace(&mut self.child_dir, inner_dir);
                syn::visit::visit_item_mod(self, i);
                self.module = outer_module;
                self.child_dir = outer_dir;
            }
        }
    }

    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        Self::use_paths(&i.tree, &mut Vec::new(), &mut paths);
        for mut path in paths {
            let is_glob = path.last().is_some_and(|s| s == "*");
            if is_glob {
                path.pop();
            }
            let anchored = matches!(path[0].as_str(), "crate" | "self" | "super");
            if self.library && self.module.is_empty() && !anchored {
                // `pub use error::Error;` at the root: `crate::Error` then means `crate::error`.
                if let Some(last) = path.last() {
                    self.krate.reexports.insert(last.clone(), path.clone());
                }
                continue;
            }
            if !anchored {
                continue;
            }
            if is_glob
                && self.library
                && let Some(base) = resolve(&self.module, &path)
            {
                self.krate.globs.entry(self.module.clone()).or_default().push(base);
            }
            self.reference(path, Head::Anchored);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_none() && segments.len() > 1 {
            let head = match segments[0].as_str() {
                "crate" | "self" | "super" => Head::Anchored,
                _ => Head::Bare,
            };
            self.reference(segments, head);
        }
        syn::visit::visit_path(self, path);
    }

    // Derive helpers take code as tokens: `#[arg(default_value_t = crate::cluster::N)]`.
    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.macro_paths(list.tokens.clone());
        }
        syn::visit::visit_attribute(self, attr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_paths(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// The absolute path a `crate::`/`self::`/`super::` path names, from `module`.
fn resolve(module: &ModPath, segments: &[String]) -> Option<ModPath> {
    let mut base = match segments.first()?.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => module.clone(),
        _ => return None,
    };
    let mut rest = &segments[1..];
    if segments[0] == "super" {
        base.pop()?;
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    while rest.first().is_some_and(|s| s == "self") {
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

impl Crate {
    /// The module a reference from `from` lands in: the longest module prefix of what it names.
    fn target(&self, from: &ModPath, segments: &[String], head: &Head) -> Option<ModPath> {
        let mut path = match head {
            Head::Anchored => resolve(from, segments)?,
            Head::Bare => {
                let globs = self.globs.get(from)?;
                let base = globs.iter().find(|g| self.modules.contains(&with(g, segments[0].clone())))?;
                let mut path = base.clone();
                path.extend(segments.iter().cloned());
                path
            }
        };
        if let Some(first) = path.first()
            && !self.modules.contains(&vec![first.clone()])
            && let Some(target) = self.reexports.get(first)
        {
            path.splice(0..1, target.iter().cloned());
        }
        while !self.modules.contains(&path) {
            path.pop()?;
        }
        Some(path)
    }

    /// Per module, the dependency graph among its children.
    fn graphs(&self) -> BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> {
        let mut graphs: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (from, segments, head) in &self.refs {
            let Some(to) = self.target(from, segments, head) else {
                continue;
            };
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if from.len() > common && to.len() > common {
                graphs
                    .entry(from[..common].to_vec())
                    .or_default()
                    .entry(from[common].clone())
                    .or_default()
                    .insert(to[common].clone());
            }
        }
        graphs
    }
}

/// The cycles of a graph, each as `a -> b -> a`: for every edge inside a strongly connected
/// part not yet shown, the shortest cycle through it.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(node) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|k| (k, reach(k))).collect();
    let mut shown: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for (from, tos) in graph {
        for to in tos {
            let in_cycle = reaches.get(to).is_some_and(|r| r.contains(from));
            if from == to || !in_cycle || shown.contains(&(from.clone(), to.clone())) {
                continue;
            }
            let mut path = shortest(graph, to, from);
            path.insert(0, from.clone());
            for pair in path.windows(2) {
                shown.insert((pair[0].clone(), pair[1].clone()));
            }
            out.push(path.join(" -> "));
        }
    }
    out
}

/// The shortest path from `from` to `to` (both included); `to` is known to be reachable.
fn shortest(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Vec<String> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([from.to_string()]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            break;
        }
        for next in graph.get(&node).into_iter().flatten() {
            if next != from && !parent.contains_key(next) {
                parent.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    let mut path = vec![to.to_string()];
    while let Some(p) = parent.get(path.last().unwrap()) {
        path.push(p.clone());
    }
    if path.last().map(String::as_str) != Some(from) {
        path.push(from.to_string());
    }
    path.reverse();
    path
}

fn this_crate() -> Crate {
    let root = crate::common::repo_root();
    let krate = load(&|rel| std::fs::read_to_string(root.join(rel)).ok());
    assert!(krate.errors.is_empty(), "cannot read src/: {:#?}", krate.errors);
    krate
}

fn long_fns(krate: &Crate) -> Vec<String> {
    let mut long = krate.long_fns.clone();
    long.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.cmp(b)));
    long.iter().map(ToString::to_string).collect()
}

fn top_cycles(krate: &Crate) -> Vec<String> {
    krate.graphs().get(&Vec::new()).map(cycles).unwrap_or_default()
}

fn folder_cycles(krate: &Crate) -> Vec<String> {
    let mut out = Vec::new();
    for (folder, graph) in krate.graphs() {
        if folder.is_empty() {
            continue;
        }
        for cycle in cycles(&graph) {
            out.push(format!("src/{}: {cycle}", folder.join("/")));
        }
    }
    out
}

#[test]
fn no_function_is_over_100_lines() {
    let long = long_fns(&this_crate());
    assert!(
        long.is_empty(),
        "{} non-test functions are over {MAX_FN_LINES} lines; split them into named steps:\n{}",
        long.len(),
        long.join("\n")
    );
}

#[test]
fn no_cycle_among_top_level_modules() {
    let cycles = top_cycles(&this_crate());
    assert!(
        cycles.is_empty(),
        "{} dependency cycles among the top-level modules of the crate:\n{}",
        cycles.len(),
        cycles.join("\n")
    );
}

#[test]
fn no_cycle_among_the_files_of_a_folder() {
    let cycles = folder_cycles(&this_crate());
    assert!(
        cycles.is_empty(),
        "{} dependency cycles among the files of one folder:\n{}",
        cycles.len(),
        cycles.join("\n")
    );
}

/// The walker itself, on a small crate made up here: the three tests above are only as good as it.
mod walker {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> Crate {
        let files: BTreeMap<PathBuf, String> = files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
        let krate = load(&|rel| files.get(rel).cloned());
        assert!(krate.errors.is_empty(), "{:#?}", krate.errors);
        krate
    }

    fn function(name: &str, body_lines: usize) -> String {
        format!("fn {name}() {{\n{}}}\n", "    let _ = 1;\n".repeat(body_lines))
    }

    #[test]
    fn measures_from_the_signature_to_the_closing_brace_and_skips_tests() {
        let lib = format!(
            "mod a;\n#[cfg(test)]\nmod tests;\n/// doc\n{}{}struct S;\nimpl S {{\n{}}}\ntrait T {{\n{}}}\n#[test]\n{}#[cfg(all(test, unix))]\n{}#[cfg(not(test))]\n{}",
            function("exactly_100", 98),
            function("over_by_one", 99),
            function("method", 120),
            function("provided", 101),
            function("a_test", 200),
            function("test_only", 200),
            function("not_test", 101),
        );
        let krate = crate_of(&[
            ("src/lib.rs", &lib),
            ("src/a.rs", &function("in_a", 150)),
            ("src/main.rs", &function("main", 101)),
        ]);
        let mut found: Vec<(String, usize)> = krate.long_fns.iter().map(|f| (f.name.clone(), f.lines)).collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("S::method".to_string(), 122),
                ("T::provided".to_string(), 103),
                ("in_a".to_string(), 152),
                ("main".to_string(), 103),
                ("not_test".to_string(), 103),
                ("over_by_one".to_string(), 101),
            ]
        );
        let in_a = krate.long_fns.iter().find(|f| f.name == "in_a").unwrap();
        assert_eq!(in_a.to_string(), "src/a.rs:1 in_a (152 lines)");
    }

    #[test]
    fn finds_cycles_through_use_paths_super_globs_macros_and_reexports() {
        let krate = crate_of(&[
            ("src/lib.rs", "mod a;\nmod b;\nmod c;\nmod d;\nmod error;\npub use error::Error;\n"),
            ("src/main.rs", "fn main() { vibe::a::x(); }\n"),
            // a -> b through `use`, b -> a through a type path: one cycle.
            ("src/a.rs", "use crate::{b::Thing, d::Args};\nmod checks;\n"),
            // d -> a only inside a derive helper's attribute.
            (
                "src/d.rs",
                "#[derive(Parser)]\nstruct Args {\n    #[arg(default_value_t = crate::a::N)]\n    n: u32,\n}\n",
            ),
            ("src/b.rs", "pub struct Thing;\nfn f(_: crate::a::Other) {}\n"),
            // c -> error only through the re-export: no cycle, error names nobody.
            ("src/c.rs", "fn f() -> crate::Error { todo!() }\n"),
            ("src/error.rs", "pub struct Error;\n"),
            // Folder a/checks: health -> image by super::, image -> ingress in a macro,
            // ingress -> health bare through `use super::*`; tests may reference anything.
            ("src/a/checks/mod.rs", "mod health;\nmod image;\nmod ingress;\nmod lonely;\n"),
            ("src/a/checks/health.rs", "use super::image::probe;\n"),
            ("src/a/checks/image.rs", "fn f() { println!(\"{}\", crate::a::checks::ingress::X); }\n"),
            (
                "src/a/checks/ingress.rs",
                "use super::*;\nfn f() { health::go(); }\n#[cfg(test)]\nmod tests { use super::super::lonely::x; }\n",
            ),
            ("src/a/checks/lonely.rs", "fn f() { super::health::go(); }\n"),
        ]);
        assert_eq!(top_cycles(&krate), ["a -> b -> a", "a -> d -> a"]);
        assert_eq!(folder_cycles(&krate), ["src/a/checks: health -> image -> ingress -> health"]);
    }

    #[test]
    fn each_edge_of_a_tangle_is_shown_in_one_cycle() {
        let graph: BTreeMap<String, BTreeSet<String>> =
            [("a", vec!["b", "c"]), ("b", vec!["a"]), ("c", vec!["a", "d"]), ("d", vec![])]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
                .collect();
        assert_eq!(cycles(&graph), ["a -> b -> a", "a -> c -> a"]);
    }
}
