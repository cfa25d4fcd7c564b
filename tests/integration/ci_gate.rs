//! The generated CI's job graph (issue 15): for every runtime, the image is pushed only after the
//! review gate succeeded (job `needs:` and step order, read from the workflow itself), pull
//! requests run the gate, and the generated repo reviews clean for P6, while the same repo with the
//! push no longer needing the gate is a P6 finding.

use crate::common::App;
use crate::matrix::all_pairs;
use serde_json::Value;

/// The generated CI workflow, parsed by a YAML library that is not vibe's.
fn ci(app: &App) -> Value {
    serde_saphyr::from_str(&app.read(".github/workflows/ci.yml")).expect("ci.yml parses")
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// A step running the gate image's `vibe review` with the annotations format.
fn is_gate(step: &Value) -> bool {
    let run = text(step, "run");
    run.contains("\"${GATE_IMAGE}\" review") && run.contains("--format github")
}

fn is_push(step: &Value) -> bool {
    text(step, "run").contains("docker push")
        || text(step, "uses").starts_with("docker/build-push-action") && step["with"]["push"] == Value::Bool(true)
}

/// The jobs a job needs, directly or not.
fn needs_closure(jobs: &serde_json::Map<String, Value>, job: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut todo = vec![job.to_string()];
    while let Some(j) = todo.pop() {
        let needs = match &jobs[&j]["needs"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        for n in needs {
            if !out.contains(&n) {
                out.push(n.clone());
                todo.push(n);
            }
        }
    }
    out
}

/// Why a push in this workflow could run without a passing gate, if one could.
fn unguarded_push(doc: &Value) -> Option<String> {
    let jobs = doc["jobs"].as_object()?;
    let gates: Vec<(&String, usize)> = jobs
        .iter()
        .flat_map(|(id, j)| {
            j["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(_, s)| is_gate(s))
                .map(move |(i, _)| (id, i))
        })
        .collect();
    if gates.is_empty() {
        return Some("no step runs the gate".into());
    }
    for (gate_job, i) in &gates {
        let job = &jobs[*gate_job];
        let step = &job["steps"][*i];
        // A gate that may be skipped or whose failure is ignored guards nothing.
        for (what, v) in [("job", job), ("step", step)] {
            if v.get("if").is_some() || v.get("continue-on-error").is_some() {
                return Some(format!("the gate {what} in `{gate_job}` has a condition or continue-on-error"));
            }
        }
        if text(step, "run").contains("||") {
            return Some("the gate's command ignores its exit status".into());
        }
    }
    let mut pushes = 0;
    for (id, job) in jobs {
        for (i, _) in job["steps"].as_array().into_iter().flatten().enumerate().filter(|(_, s)| is_push(s)) {
            pushes += 1;
            let needed = needs_closure(jobs, id);
            let guarded = gates.iter().any(|(g, gi)| (*g == id && *gi < i) || needed.contains(g));
            if !guarded {
                return Some(format!("job `{id}` step {i} pushes without needing the gate"));
            }
            // A job whose `if` uses always()/failure()/cancelled() runs even when a job it needs failed.
            for j in std::iter::once(id).chain(needed.iter()) {
                let cond = text(&jobs[j], "if");
                if ["always()", "failure()", "cancelled()"].iter().any(|c| cond.contains(c)) {
                    return Some(format!("job `{j}` runs even when the gate fails (`if: {cond}`)"));
                }
            }
        }
    }
    (pushes == 0).then(|| "nothing pushes the image".into())
}

fn p6_lines(app: &App) -> Vec<String> {
    let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("review json");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "P6")
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap_or(""), f["line"]))
        .collect()
}

#[test]
fn every_runtime_pushes_only_after_the_review_gate_passed() {
    let version = env!("CARGO_PKG_VERSION");
    let mut seen = Vec::new();
    for c in all_pairs() {
        if seen.contains(&c.runtime) {
            continue;
        }
        seen.push(c.runtime);
        let app = App::new();
        c.generate(&app);
        let doc = ci(&app);
        assert_eq!(unguarded_push(&doc), None, "{}: {doc:#}", c.runtime);
        // Pull requests run it (build and scans too; the push only for branches of this repository).
        assert!(doc["on"].get("pull_request").is_some(), "{}: pull requests do not run CI", c.runtime);
        // The gate image is the platform's, pinned to this vibe's version.
        assert_eq!(doc["env"]["GATE_IMAGE"], format!("harbor.internal.example.com/platform/vibe:{version}"));
        // The SARIF goes to code scanning, from the one job allowed to write security events.
        let review = &doc["jobs"]["review"];
        assert_eq!(review["permissions"]["security-events"], "write", "{}", c.runtime);
        assert_eq!(doc["permissions"].get("security-events"), None, "{}", c.runtime);
        let steps = review["steps"].as_array().unwrap();
        assert!(steps.iter().any(|s| text(s, "run").contains("review --format sarif > vibe-review.sarif")));
        assert!(steps.iter().any(|s| text(s, "uses").starts_with("github/codeql-action/upload-sarif@v")
            && s["with"]["sarif_file"] == "vibe-review.sarif"));
        assert_eq!(p6_lines(&app), Vec::<String>::new(), "{}: the generated repo is a P6 finding", c.runtime);
    }
    assert!(seen.len() >= 9, "{seen:?}");
}

#[test]
fn the_graph_check_and_p6_both_catch_a_push_that_no_longer_needs_the_gate() {
    let app = App::new();
    all_pairs()[0].generate(&app);
    let original = app.read(".github/workflows/ci.yml");
    let cut = original.replacen("    needs: review\n", "", 1);
    assert_ne!(cut, original, "the build job needs the review job");
    app.write(".github/workflows/ci.yml", &cut);
    let push_line = cut.lines().position(|l| l.contains("- name: Push the image")).unwrap() + 1;
    assert!(unguarded_push(&ci(&app)).is_some_and(|why| why.contains("pushes without needing the gate")));
    assert_eq!(p6_lines(&app), [format!(".github/workflows/ci.yml:{push_line}")]);
    // A gate whose failure is ignored is caught by both too (the SARIF step runs the review as well,
    // and its exit status fails the job just the same, so both are made to ignore it).
    let ignored = original.replacen("review --format github\n", "review --format github || true\n", 1).replacen(
        "> vibe-review.sarif\n",
        "> vibe-review.sarif || true\n",
        1,
    );
    assert_ne!(ignored, original);
    app.write(".github/workflows/ci.yml", &ignored);
    assert!(unguarded_push(&ci(&app)).is_some());
    assert_eq!(p6_lines(&app).len(), 1);
}

/// A GitHub Actions `if:` expression of the shapes the generated CI uses (`a.b == 'x'`, `!=`,
/// `&&`, `||`, parentheses), evaluated against `ctx` (dotted names -> values). Anything else panics,
/// so the test never guesses.
fn eval_if(expr: &str, ctx: &[(&str, &str)]) -> bool {
    let tokens: Vec<String> = {
        let mut out = Vec::new();
        let chars: Vec<char> = expr.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '\'' {
                let end = chars[i + 1..].iter().position(|&d| d == '\'').expect("closed string") + i + 1;
                out.push(chars[i..=end].iter().collect());
                i = end + 1;
            } else if "()".contains(c) {
                out.push(c.to_string());
                i += 1;
            } else if ["==", "!=", "&&", "||"].iter().any(|op| chars[i..].starts_with(&op.chars().collect::<Vec<_>>()))
            {
                out.push(chars[i..i + 2].iter().collect());
                i += 2;
            } else {
                let end = chars[i..]
                    .iter()
                    .position(|d| d.is_whitespace() || "()=!&|'".contains(*d))
                    .map_or(chars.len(), |p| p + i);
                out.push(chars[i..end].iter().collect());
                i = end;
            }
        }
        out
    };
    fn value(t: &str, ctx: &[(&str, &str)]) -> String {
        if let Some(s) = t.strip_prefix('\'') {
            return s.trim_end_matches('\'').to_string();
        }
        ctx.iter().find(|(k, _)| *k == t).map(|(_, v)| v.to_string()).unwrap_or_else(|| panic!("unknown `{t}`"))
    }
    fn or(t: &[String], i: &mut usize, ctx: &[(&str, &str)]) -> bool {
        let mut v = and(t, i, ctx);
        while t.get(*i).is_some_and(|x| x == "||") {
            *i += 1;
            v |= and(t, i, ctx);
        }
        v
    }
    fn and(t: &[String], i: &mut usize, ctx: &[(&str, &str)]) -> bool {
        let mut v = atom(t, i, ctx);
        while t.get(*i).is_some_and(|x| x == "&&") {
            *i += 1;
            v &= atom(t, i, ctx);
        }
        v
    }
    fn atom(t: &[String], i: &mut usize, ctx: &[(&str, &str)]) -> bool {
        if t[*i] == "(" {
            *i += 1;
            let v = or(t, i, ctx);
            assert_eq!(t[*i], ")");
            *i += 1;
            return v;
        }
        let (a, op, b) = (value(&t[*i], ctx), &t[*i + 1], value(&t[*i + 2], ctx));
        *i += 3;
        match op.as_str() {
            "==" => a == b,
            "!=" => a != b,
            other => panic!("operator {other}"),
        }
    }
    let mut i = 0;
    let v = or(&tokens, &mut i, ctx);
    assert_eq!(i, tokens.len(), "unparsed rest of `{expr}`");
    v
}

#[test]
fn pull_request_images_are_pushed_after_the_gate_and_scans_and_never_from_a_fork() {
    let app = App::new();
    all_pairs()[0].generate(&app);
    let doc = ci(&app);
    assert_eq!(unguarded_push(&doc), None);
    let build = &doc["jobs"]["build"];
    assert_eq!(build["needs"], "review", "the image job needs the review gate");
    let steps = build["steps"].as_array().unwrap();
    let at = |what: &dyn Fn(&Value) -> bool| steps.iter().position(what).expect("step");
    let trufflehog = at(&|s| text(s, "run").contains("trufflehog"));
    let trivy = at(&|s| text(s, "run").contains("trivy"));
    let login = at(&|s| text(s, "uses").starts_with("docker/login-action"));
    let push = at(&|s| is_push(s));
    let skip = at(&|s| text(s, "name").contains("fork"));
    assert!(trufflehog < push && trivy < push && login < push, "the push comes after both scans and the login");
    // Both jobs build and review the pull request's own head commit, the one its preview deploys.
    for job in ["review", "build"] {
        let checkout = doc["jobs"][job]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| text(s, "uses").starts_with("actions/checkout"))
            .unwrap();
        assert_eq!(checkout["with"]["ref"], "${{ github.event.pull_request.head.sha || github.sha }}", "{job}");
    }
    let events: [(&str, [(&str, &str); 4]); 4] = [
        (
            "push to main",
            [
                ("github.event_name", "push"),
                ("github.ref", "refs/heads/main"),
                ("github.event.pull_request.head.repo.full_name", ""),
                ("github.repository", "acme/shop"),
            ],
        ),
        (
            "pull request from a branch",
            [
                ("github.event_name", "pull_request"),
                ("github.ref", "refs/pull/7/merge"),
                ("github.event.pull_request.head.repo.full_name", "acme/shop"),
                ("github.repository", "acme/shop"),
            ],
        ),
        (
            "pull request from a fork",
            [
                ("github.event_name", "pull_request"),
                ("github.ref", "refs/pull/8/merge"),
                ("github.event.pull_request.head.repo.full_name", "someone/shop"),
                ("github.repository", "acme/shop"),
            ],
        ),
        (
            "push to another branch",
            [
                ("github.event_name", "push"),
                ("github.ref", "refs/heads/feature"),
                ("github.event.pull_request.head.repo.full_name", ""),
                ("github.repository", "acme/shop"),
            ],
        ),
    ];
    for (what, ctx) in &events {
        let pushes = eval_if(&text(&steps[push], "if"), ctx);
        assert_eq!(eval_if(&text(&steps[login], "if"), ctx), pushes, "{what}: login and push disagree");
        assert_eq!(pushes, ["push to main", "pull request from a branch"].contains(what), "{what}");
        let skipped = eval_if(&text(&steps[skip], "if"), ctx);
        assert_eq!(skipped, *what == "pull request from a fork", "{what}");
    }
    assert!(text(&steps[skip], "run").contains("::notice::") && text(&steps[skip], "run").contains("fork"));
    // The tag CI pushes for a pull request is its head commit's short SHA: what previews.yaml deploys.
    let tag = steps.iter().find(|s| text(s, "run").contains("IMAGE_TAG=")).unwrap();
    assert_eq!(tag["env"]["COMMIT_SHA"], "${{ github.event.pull_request.head.sha || github.sha }}");
    assert!(text(tag, "run").contains("${COMMIT_SHA:0:7}"));
    assert!(app.read("argocd/previews.yaml").contains("value: \"{{.head_short_sha_7}}\""));
}
