//! The app corpus (tests/fixtures/apps/, apps written the way creators and their AI assistants
//! write them): once `vibe init` has run on an app, `vibe review` finds exactly what the app's
//! EXPECTED.md says for the checks that make PASS mean "builds and starts" (A7, B7, B8, G2, G3, G5).

use crate::common::repo_root;
use crate::wire::copy_app;
use std::collections::BTreeSet;

/// The checks EXPECTED.md speaks for; the other checks are judged by their own fixtures.
const CHECKS: &[&str] = &["A7", "B7", "B8", "G2", "G3", "G5"];

/// (check, file, line) of one finding; `None`: something missing, named by its file.
type Expected = BTreeSet<(String, String, Option<u64>)>;

/// The findings an EXPECTED.md lists: `ID file:line — why` or `ID file — why`.
fn expected(text: &str) -> Expected {
    let mut out = Expected::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(id), Some(place)) = (words.next(), words.next()) else { continue };
        if !CHECKS.contains(&id) {
            continue;
        }
        let (file, at) = match place.rsplit_once(':') {
            Some((file, n)) if n.parse::<u64>().is_ok() => (file, n.parse().ok()),
            _ => (place, None),
        };
        out.insert((id.to_string(), file.to_string(), at));
    }
    out
}

#[test]
fn every_corpus_app_reviews_as_its_expected_md_says() {
    let corpus = repo_root().join("tests/fixtures/apps");
    let mut apps: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("EXPECTED.md").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    apps.sort();
    assert!(apps.len() >= 10, "the corpus has {} apps: {apps:?}", apps.len());
    let mut wrong = Vec::new();
    for name in &apps {
        let want = expected(&std::fs::read_to_string(corpus.join(name).join("EXPECTED.md")).unwrap());
        let app = copy_app(name);
        app.vibe(&["init", "--yes", "--metric", "items_total:counter", "--tag", "a1b2c3d"]).assert().success();
        let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: not a JSON report ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        let got: Expected = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| CHECKS.contains(&f["id"].as_str().unwrap_or_default()))
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["file"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64(),
                )
            })
            .collect();
        for missed in want.difference(&got) {
            wrong.push(format!("{name}: expected {missed:?}, not found"));
        }
        for extra in got.difference(&want) {
            let message = report["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["id"] == extra.0.as_str() && f["file"] == extra.1.as_str())
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .unwrap_or_default();
            wrong.push(format!("{name}: found {extra:?}, not expected: {message}"));
        }
    }
    assert!(wrong.is_empty(), "{} disagreements with EXPECTED.md:\n{}", wrong.len(), wrong.join("\n"));
}
