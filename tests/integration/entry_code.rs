//! B7 and B8 on the app's own entry code (issue 14): each finding names the creator's file and
//! line and says exactly what to write there instead.

use crate::common::repo_root;
use vibe::repo::Repo;
use vibe::review::{self, Finding, ReviewContext};

fn findings(case: &str, id: &str) -> Vec<Finding> {
    let dir = repo_root().join("tests/fixtures/review/health").join(case);
    let repo = Repo::load(&dir).unwrap();
    let ctx = ReviewContext::for_repo(&repo, &dir, None);
    review::run(&repo, &ctx).findings.into_iter().filter(|f| f.id.as_str() == id).collect()
}

fn fix_at(case: &str, id: &str, file: &str, line: u32) -> String {
    let all = findings(case, id);
    let f = all.iter().find(|f| f.file == file && f.line == Some(line)).unwrap_or_else(|| panic!("{all:#?}"));
    f.fix.clone()
}

#[test]
fn a_hard_coded_port_is_answered_with_the_line_to_write() {
    let fix = fix_at("b7-express-hardcoded", "B7", "src/server.js", 6);
    assert!(fix.contains("change `const PORT = 3000;` to `const PORT = process.env.PORT || 8081;`"), "{fix}");
    let fix = fix_at("b7-flask-debug", "B7", "app.py", 19);
    assert!(
        fix.contains("`app.run(host=\"0.0.0.0\", port=int(os.environ.get(\"PORT\", \"8081\")), debug=True)`"),
        "{fix}"
    );
    assert!(fix.contains("`import os`"), "app.py does not import os yet: {fix}");
    let fix = fix_at("b7-go-hardcoded", "B7", "cmd/server/main.go", 16);
    assert!(fix.contains("`log.Fatal(http.ListenAndServe(\":8081\", mux))`"), "{fix}");
    let fix = fix_at("b7-uvicorn-port", "B7", "Dockerfile", 6);
    assert!(fix.contains("\"--port\", \"8081\"]"), "{fix}");
}

#[test]
fn nothing_on_the_management_port_is_a_finding_until_the_module_is_wired_in() {
    let missing = findings("b7-express-hardcoded", "B7");
    let mgmt = missing.iter().find(|f| f.line.is_none()).expect("no management finding");
    assert!(mgmt.message.contains("8082") && mgmt.fix.contains("MGMT_PORT"), "{mgmt:?}");
    assert!(findings("b7-env-ports", "B7").is_empty());
}

#[test]
fn development_servers_and_missing_entries_say_what_to_start_instead() {
    let fix = fix_at("b8-npm-run-dev", "B8", "Dockerfile", 7);
    assert!(fix.contains("`[\"npm\", \"start\"]`, which runs `node index.js`"), "{fix}");
    let fix = fix_at("b8-flask-run", "B8", "Dockerfile", 7);
    assert!(fix.contains("gunicorn") && fix.contains("\"app:app\""), "{fix}");
    let fix = fix_at("b8-module-missing", "B8", "Dockerfile", 11);
    assert!(fix.contains("`[\"python\", \"main.py\"]`"), "{fix}");
    let fix = fix_at("b8-gunicorn-undeclared", "B8", "Dockerfile", 6);
    assert!(fix.contains("`gunicorn==") && fix.contains("requirements.txt"), "{fix}");
    let fix = fix_at("b8-django-runserver", "B8", "Dockerfile", 7);
    assert!(fix.contains("\"shop.wsgi\""), "{fix}");
}
