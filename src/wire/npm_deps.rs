//! The module's npm dependencies (prom-client, pino, at the versions of observability/package.json)
//! added to the app's package.json and, so that `npm ci` installs them, to its package-lock.json:
//! the module's own lockfile (generated with it) has every package they need, and its entries
//! are copied as written. A package the app's lockfile already has at another version is a
//! conflict only npm can resolve, and the error says which command to run.
//!
//! Both files are edited as text so the rest of them (order, indentation) stays as it was.

use crate::edit::Files;
use serde_json::Value;

/// A member of a JSON object in a text: its key, where its key starts and its value's range.
struct Member {
    key: String,
    start: usize,
    value: (usize, usize),
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// End (one past the closing quote) of the JSON string starting at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// End of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace() {
                j += 1;
            }
            Some(j)
        }
    }
}

/// The members of the object whose `{` is at `open`, and the offset of its `}`.
fn members(text: &str, open: usize) -> Option<(Vec<Member>, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_ws(b, open + 1);
    loop {
        match *b.get(i)? {
            b'}' => return Some((out, i)),
            b'"' => {
                let key_end = string_end(b, i)?;
                let key: String = serde_json::from_str(&text[i..key_end]).ok()?;
                let colon = skip_ws(b, key_end);
                if b.get(colon) != Some(&b':') {
                    return None;
                }
                let v = skip_ws(b, colon + 1);
                let end = value_end(b, v)?;
                out.push(Member { key, start: i, value: (v, end) });
                i = skip_ws(b, end);
                if b.get(i) == Some(&b',') {
                    i = skip_ws(b, i + 1);
                }
            }
            _ => return None,
        }
    }
}

fn member<'a>(ms: &'a [Member], key: &str) -> Option<&'a Member> {
    ms.iter().find(|m| m.key == key)
}

/// The indentation of the line holding `offset`.
fn indent_of(text: &str, offset: usize) -> String {
    super::indent_at(text, offset).to_string()
}

/// Adds `deps` (name, version spec) to the object member `key` of the object at `open`; creates
/// the member when missing. `unit` is one level of indentation. Returns the edited text.
fn add_to_object(text: &str, open: usize, key: &str, deps: &[(String, String)], unit: &str) -> Option<String> {
    let (ms, close) = members(text, open)?;
    let mut edits = super::Edits::default();
    match member(&ms, key) {
        Some(m) if text.as_bytes()[m.value.0] == b'{' => {
            let (inner, inner_close) = members(text, m.value.0)?;
            let new: Vec<&(String, String)> = deps.iter().filter(|(n, _)| member(&inner, n).is_none()).collect();
            if new.is_empty() {
                return Some(text.to_string());
            }
            let indent = match inner.first() {
                Some(first) => indent_of(text, first.start),
                None => format!("{}{unit}", indent_of(text, m.start)),
            };
            let lines: Vec<String> = new
                .iter()
                .map(|(n, v)| format!("{indent}{}: {}", Value::from(n.as_str()), Value::from(v.as_str())))
                .collect();
            match inner.last() {
                Some(last) => edits.insert(last.value.1, format!(",\n{}", lines.join(",\n"))),
                None => edits.replace(
                    m.value.0,
                    inner_close + 1,
                    format!("{{\n{}\n{}}}", lines.join(",\n"), indent_of(text, m.start)),
                ),
            }
        }
        Some(_) => return None,
        None => {
            let indent = match ms.first() {
                Some(first) => indent_of(text, first.start),
                None => format!("{}{unit}", indent_of(text, open)),
            };
            let lines: Vec<String> = deps
                .iter()
                .map(|(n, v)| format!("{indent}{unit}{}: {}", Value::from(n.as_str()), Value::from(v.as_str())))
                .collect();
            let block = format!("{indent}{}: {{\n{}\n{indent}}}", Value::from(key), lines.join(",\n"));
            match ms.last() {
                Some(last) => edits.insert(last.value.1, format!(",\n{block}")),
                None => edits.insert(close, format!("\n{block}\n")),
            }
        }
    }
    Some(edits.apply(text))
}

/// One level of indentation in a JSON text (npm writes two spaces).
fn indent_unit(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .find(|i| !i.is_empty())
        .unwrap_or("  ")
        .to_string()
}

/// The dependencies of the module's package.json: (name, version).
pub(super) fn module_dependencies(module_package_json: &str) -> Result<Vec<(String, String)>, String> {
    let v: Value = serde_json::from_str(module_package_json)
        .map_err(|e| format!("observability/package.json is not valid JSON ({e}); run `vibe generate` again"))?;
    Ok(v.get("dependencies")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default())
}

/// The `npm install` command that adds `deps` by hand.
pub(super) fn install_command(deps: &[(String, String)]) -> String {
    let pkgs: Vec<String> = deps.iter().map(|(n, v)| format!("{n}@{v}")).collect();
    format!("npm install --save-exact {}", pkgs.join(" "))
}

/// Adds `deps` to `package.json` in `dir` ("" for the repo root) and to its package-lock.json
/// when there is one; the packages come from the module's lockfile `module_lock`.
pub(super) fn add(files: &mut Files, dir: &str, deps: &[(String, String)], module_lock: &str) -> Result<(), String> {
    let path = |name: &str| if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") };
    let manifest_path = path("package.json");
    let manifest = files.text(&manifest_path)?;
    let parsed: Value =
        serde_json::from_str(&manifest).map_err(|e| format!("{manifest_path} is not valid JSON ({e})"))?;
    let has = |n: &str| {
        ["dependencies", "devDependencies", "optionalDependencies"]
            .iter()
            .any(|k| parsed.get(k).and_then(|d| d.get(n)).is_some())
    };
    let missing: Vec<(String, String)> = deps.iter().filter(|(n, _)| !has(n)).cloned().collect();
    if missing.is_empty() {
        return Ok(());
    }
    let lock_path = path("package-lock.json");
    let lock = files.text_or_empty(&lock_path);
    // yarn and pnpm install with their frozen lockfile: a package.json ahead of it fails the build,
    // and only the package manager can write the lockfile's entries.
    if lock.is_empty()
        && let Some(other) =
            ["yarn.lock", "pnpm-lock.yaml"].into_iter().find(|l| !files.text_or_empty(&path(l)).is_empty())
    {
        let pm = if other == "yarn.lock" { "yarn add --exact" } else { "pnpm add --save-exact" };
        let pkgs: Vec<String> = missing.iter().map(|(n, v)| format!("{n}@{v}")).collect();
        let line = manifest.find("\"dependencies\"").map_or(1, |at| super::line_of(&manifest, at));
        return Err(format!(
            "the app installs from {}, which only its package manager can extend: run `{pm} {}` in the app's folder \
             (it adds them to {manifest_path}:{line} and {}), then `vibe review --fix` again to wire the module in",
            path(other),
            pkgs.join(" "),
            path(other)
        ));
    }
    // No lockfile: `npm install` (or A7's fix) writes one with these dependencies in it.
    let specs = if lock.is_empty() {
        missing
    } else {
        let (merged, specs) = merge_lock(&lock, module_lock, &missing).map_err(|why| {
            format!("{lock_path}: {why}; run `{}` in the app's folder instead", install_command(&missing))
        })?;
        files.put(&lock_path, merged);
        specs
    };
    let open = manifest.find('{').ok_or_else(|| format!("{manifest_path} holds no JSON object"))?;
    let edited = add_to_object(&manifest, open, "dependencies", &specs, &indent_unit(&manifest))
        .ok_or_else(|| format!("{manifest_path}: its \"dependencies\" could not be read"))?;
    files.put(&manifest_path, edited);
    Ok(())
}

/// The `packages` of a lockfile text: its members, parsed values by key.
fn lock_packages(text: &str) -> Result<(Vec<Member>, serde_json::Map<String, Value>), String> {
    let open = text.find('{').ok_or("no JSON object")?;
    let (root, _) = members(text, open).ok_or("its structure could not be read")?;
    let packages = member(&root, "packages").ok_or("it has no \"packages\"")?;
    let (entries, _) = members(text, packages.value.0).ok_or("its \"packages\" could not be read")?;
    let parsed: Value = serde_json::from_str(&text[packages.value.0..packages.value.1])
        .map_err(|e| format!("its \"packages\" is not valid JSON ({e})"))?;
    Ok((entries, parsed.as_object().cloned().unwrap_or_default()))
}

fn version(v: Option<&Value>) -> Option<&str> {
    v.and_then(|v| v.get("version")).and_then(Value::as_str)
}

/// Where `name`, required by the package at `from`, is installed in a lockfile: the nearest
/// `node_modules` folder up from `from` that has it (Node's own lookup).
fn resolve(packages: &serde_json::Map<String, Value>, from: &str, name: &str) -> Option<String> {
    let mut base = from.to_string();
    loop {
        let key = if base.is_empty() { format!("node_modules/{name}") } else { format!("{base}/node_modules/{name}") };
        if packages.contains_key(&key) {
            return Some(key);
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => base[..i].to_string(),
            None => String::new(),
        };
    }
}

/// The app's lockfile with the module's packages and root dependencies added, and the version
/// each dependency gets in package.json. A dependency the app already has (Fastify brings pino)
/// keeps the app's version; a package the module needs at another version than the app's is
/// installed beside the package that needs it (`node_modules/a/node_modules/b`), as npm does.
fn merge_lock(
    lock: &str,
    module_lock: &str,
    deps: &[(String, String)],
) -> Result<(String, Vec<(String, String)>), String> {
    let app: Value = serde_json::from_str(lock).map_err(|e| format!("not valid JSON ({e})"))?;
    let lock_version = app.get("lockfileVersion").and_then(Value::as_u64).unwrap_or(1);
    if lock_version < 2 {
        return Err(format!("lockfile version {lock_version} is older than the one vibe can extend (2 or 3)"));
    }
    let (entries, ours) = lock_packages(lock)?;
    let (module_entries, theirs) =
        lock_packages(module_lock).map_err(|why| format!("observability/package-lock.json: {why}"))?;
    let raw = |key: &str| module_entries.iter().find(|m| m.key == key).map(|m| &module_lock[m.value.0..m.value.1]);

    // Walk the module's packages from its direct dependencies the app lacks.
    let mut specs = Vec::new();
    let mut queue: Vec<(String, Option<String>)> = Vec::new();
    for (name, spec) in deps {
        let key = format!("node_modules/{name}");
        match version(ours.get(&key)) {
            Some(v) => specs.push((name.clone(), v.to_string())),
            None => {
                specs.push((name.clone(), spec.clone()));
                queue.push((key, None));
            }
        }
    }
    let mut added: Vec<(String, String)> = Vec::new(); // (key in the app's lockfile, module key)
    let mut seen = std::collections::BTreeSet::new();
    while let Some((key, requirer)) = queue.pop() {
        if !seen.insert((key.clone(), requirer.clone())) {
            continue;
        }
        let entry = theirs.get(&key).ok_or_else(|| format!("observability/package-lock.json lacks {key}"))?;
        let target = match ours.get(&key) {
            Some(o) if version(Some(o)) == version(Some(entry)) => continue,
            Some(o) => {
                let Some(by) = requirer.as_ref().filter(|r| !r.contains("/node_modules/")) else {
                    return Err(format!(
                        "it already has {} at version {} where the module needs {}",
                        key.trim_start_matches("node_modules/"),
                        version(Some(o)).unwrap_or("?"),
                        version(Some(entry)).unwrap_or("?")
                    ));
                };
                let nested = format!("{by}/{key}");
                if ours.contains_key(&nested) {
                    continue;
                }
                nested
            }
            None => key.clone(),
        };
        if added.iter().any(|(k, _)| *k == target) {
            continue;
        }
        added.push((target.clone(), key.clone()));
        let children = entry
            .get("dependencies")
            .and_then(Value::as_object)
            .into_iter()
            .chain(entry.get("optionalDependencies").and_then(Value::as_object))
            .flat_map(|m| m.keys().cloned())
            .collect::<Vec<_>>();
        for child in children {
            if let Some(ck) = resolve(&theirs, &key, &child) {
                queue.push((ck, Some(target.clone())));
            }
        }
    }

    let mut edits = super::Edits::default();
    if let Some(last) = entries.last()
        && !added.is_empty()
    {
        let indent = super::indent_at(lock, last.start).to_string();
        let mut blocks = Vec::new();
        for (target, key) in &added {
            let value = raw(key).ok_or_else(|| format!("observability/package-lock.json lacks {key}"))?;
            blocks.push(format!("{indent}{}: {value}", Value::from(target.as_str())));
        }
        edits.insert(last.value.1, format!(",\n{}", blocks.join(",\n")));
    }
    let mut text = edits.apply(lock);
    // The root entry ("") lists the app's direct dependencies: npm ci checks them against package.json.
    let (entries, _) = lock_packages(&text)?;
    if let Some(app_entry) = member(&entries, "") {
        let unit = indent_unit(&text);
        text = add_to_object(&text, app_entry.value.0, "dependencies", &specs, &unit)
            .ok_or("its root package entry could not be read")?;
    }
    serde_json::from_str::<Value>(&text).map_err(|e| format!("the merged lockfile would not be valid JSON ({e})"))?;
    Ok((text, specs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "dependencies": {
        "express": "^4.21.2"
      }
    },
    "node_modules/express": {
      "version": "4.21.2",
      "license": "MIT"
    },
    "node_modules/ms": {
      "version": "2.0.0"
    }
  }
}
"#;

    const MODULE_LOCK: &str = r#"{
  "name": "shop-observability",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "dependencies": {
        "pino": "10.4.0"
      }
    },
    "node_modules/pino": {
      "version": "10.4.0",
      "dependencies": {
        "ms": "2.0.0"
      }
    },
    "node_modules/ms": {
      "version": "2.0.0"
    }
  }
}
"#;

    fn deps() -> Vec<(String, String)> {
        vec![("pino".into(), "10.4.0".into())]
    }

    #[test]
    fn the_module_packages_join_the_app_lockfile_and_its_root_dependencies() {
        let (merged, specs) = merge_lock(LOCK, MODULE_LOCK, &deps()).unwrap();
        assert_eq!(specs, deps());
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["packages"]["node_modules/pino"]["version"], "10.4.0");
        assert_eq!(v["packages"][""]["dependencies"]["pino"], "10.4.0");
        assert_eq!(v["packages"][""]["dependencies"]["express"], "^4.21.2");
        // What was there is untouched, in its order.
        assert!(
            merged.starts_with(
                &LOCK[..LOCK.find("\"node_modules/ms\"").unwrap()]
                    .replace("\"express\": \"^4.21.2\"\n", "\"express\": \"^4.21.2\",\n        \"pino\": \"10.4.0\"\n")
            )
        );
        assert_eq!(merged.matches("\"node_modules/ms\"").count(), 1);
    }

    #[test]
    fn a_package_the_app_has_at_another_version_is_installed_beside_its_requirer() {
        let lock = LOCK.replace("\"version\": \"2.0.0\"", "\"version\": \"2.1.3\"");
        let (merged, _) = merge_lock(&lock, MODULE_LOCK, &deps()).unwrap();
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["packages"]["node_modules/ms"]["version"], "2.1.3");
        assert_eq!(v["packages"]["node_modules/pino/node_modules/ms"]["version"], "2.0.0");
        assert!(
            merge_lock(&LOCK.replace("\"lockfileVersion\": 3", "\"lockfileVersion\": 1"), MODULE_LOCK, &deps())
                .is_err()
        );
    }

    #[test]
    fn a_dependency_the_app_already_locks_keeps_its_version() {
        let lock = LOCK.replace("\"node_modules/ms\"", "\"node_modules/pino\"").replace("2.0.0", "9.14.0");
        let (merged, specs) = merge_lock(&lock, MODULE_LOCK, &deps()).unwrap();
        assert_eq!(specs, [("pino".to_string(), "9.14.0".to_string())]);
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["packages"]["node_modules/pino"]["version"], "9.14.0");
        assert_eq!(v["packages"][""]["dependencies"]["pino"], "9.14.0");
        assert!(v["packages"].get("node_modules/ms").is_none());
    }

    #[test]
    fn dependencies_are_added_to_package_json_as_written() {
        let pj = "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"express\": \"^4.21.2\"\n  }\n}\n";
        let out = add_to_object(pj, 0, "dependencies", &deps(), "  ").unwrap();
        assert_eq!(
            out,
            "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"express\": \"^4.21.2\",\n    \"pino\": \"10.4.0\"\n  }\n}\n"
        );
        let bare = "{\n  \"name\": \"x\"\n}\n";
        let out = add_to_object(bare, 0, "dependencies", &deps(), "  ").unwrap();
        assert_eq!(out, "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"pino\": \"10.4.0\"\n  }\n}\n");
    }
}
