//! D4: no data in the container filesystem.

use super::*;

/// Test code is not the app: it may use SQLite freely.
fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|p| matches!(p, "test" | "tests" | "__tests__" | "spec" | "testdata"))
        || name.starts_with("test_")
        || name == "conftest.py"
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with("Test.java")
        || name.ends_with("Tests.java")
        || name.ends_with("Test.kt")
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*') || t.starts_with("--")
}

/// D4: stores keep their data on PVCs; the app keeps no local database file.
pub fn d4(r: &Review, out: &mut Vec<Finding>) {
    for (w, comp) in stateful_stores(r) {
        let Some(c) = store_container(&w, comp.id) else { continue };
        let Some(dir) = data_dir(&c, comp) else { continue };
        let fix = format!(
            "Mount {dir} from the store's PersistentVolumeClaim: a volume `{{name: data, persistentVolumeClaim: \
             {{claimName: {}}}}}` and a volumeMount `{{name: data, mountPath: {dir}}}` (not emptyDir).",
            pvc_name(r, comp.id, Some(&w.obj.name))
        );
        let (line, what) = match data_mount(&w, &c, &dir) {
            DataMount::Claim(_) => continue,
            DataMount::Other(node) => {
                let kind = node
                    .entries()
                    .iter()
                    .map(|e| e.key.as_str())
                    .find(|k| !matches!(*k, "name" | "mountPath" | "subPath" | "readOnly"))
                    .unwrap_or("a volume");
                (node.line().or(c.line()), format!("is on {kind}, which is wiped whenever the pod is replaced"))
            }
            DataMount::Unmounted => (c.line(), "is not mounted from any volume: it lives in the container".to_string()),
        };
        out.push(
            Finding::new(CheckId::D4, &w.obj.file, line)
                .object(w.obj.id())
                .message(format!(
                    "The {} data directory {dir} of {} {what}, and all data is lost.",
                    comp.id,
                    w.obj.id()
                ))
                .fix(fix),
        );
    }
    for f in &r.repo.sources {
        if is_test_file(&f.file) {
            continue;
        }
        // One pass over the whole file; lines are only looked at around a match.
        let hit = SQLITE.find_iter(&f.text).find_map(|m| {
            let start = f.text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let end = f.text[m.end()..].find('\n').map_or(f.text.len(), |i| m.end() + i);
            let line = &f.text[start..end];
            let usable = !is_comment(line) && !line.contains(":memory:") && !line.contains("mode=memory");
            usable.then(|| f.text[..start].bytes().filter(|b| *b == b'\n').count() as u32 + 1)
        });
        if let Some(line) = hit {
            out.push(
                Finding::new(CheckId::D4, &f.file, Some(line))
                    .message(
                        "The app keeps its data in a local SQLite database file: the file lives in the container and \
                         is lost whenever the pod restarts or is updated (and each copy of the app has its own).",
                    )
                    .fix(
                        "Move the data to the platform database: set `database: postgres` (or mongo) in vibe.yaml, \
                         run `vibe generate`, and connect with the DB_HOST/DB_PORT/DB_NAME/DB_USER settings and the \
                         password from the SealedSecret.",
                    ),
            );
        }
    }
}
