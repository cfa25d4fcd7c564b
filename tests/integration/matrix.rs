//! The answer matrix: combinations of answers that cover every pair of choices
//! (runtime × size, database × components, ...), generated with the real binary.

use crate::common::venv_python;
use crate::common::{App, vibe};

/// One choice per question: (flag values, boolean flags).
#[derive(Debug, Clone)]
pub struct Combination {
    pub runtime: &'static str,
    pub db: &'static str,
    pub redis: bool,
    pub rabbitmq: bool,
    pub nginx: bool,
    pub ingress: bool,
    pub size: &'static str,
    pub secrets: bool,
    pub metrics: bool,
    pub readiness_db: bool,
}

const RUNTIMES: &[&str] =
    &["node22", "node20", "python3.12", "python3.11", "go1.23", "jvm21", "jvm17", "rust1.78", "php8.3"];
const DBS: &[&str] = &["none", "postgres", "mongo"];
const SIZES: &[&str] = &["xs", "sm", "md", "lg", "xl"];

/// Levels of each factor, in a fixed order.
fn levels() -> Vec<usize> {
    vec![RUNTIMES.len(), DBS.len(), 2, 2, 2, 2, SIZES.len(), 2, 2, 2]
}

/// A greedy all-pairs covering array: every pair of values of every two factors appears
/// in at least one row. Deterministic, so failures reproduce.
pub fn all_pairs() -> Vec<Combination> {
    let lv = levels();
    let n = lv.len();
    let mut uncovered = std::collections::BTreeSet::new();
    for i in 0..n {
        for j in i + 1..n {
            for a in 0..lv[i] {
                for b in 0..lv[j] {
                    uncovered.insert((i, a, j, b));
                }
            }
        }
    }
    let mut rows: Vec<Vec<usize>> = Vec::new();
    while let Some(&(i0, a0, j0, b0)) = uncovered.iter().next() {
        let mut row: Vec<Option<usize>> = vec![None; n];
        row[i0] = Some(a0);
        row[j0] = Some(b0);
        for f in 0..n {
            if row[f].is_some() {
                continue;
            }
            let gain = |v: usize| {
                (0..n)
                    .filter_map(|g| row[g].map(|w| (g, w)))
                    .filter(|&(g, w)| {
                        let key = if g < f { (g, w, f, v) } else { (f, v, g, w) };
                        uncovered.contains(&key)
                    })
                    .count()
            };
            let best = (0..lv[f]).max_by_key(|&v| (gain(v), std::cmp::Reverse(v))).unwrap_or(0);
            row[f] = Some(best);
        }
        let row: Vec<usize> = row.into_iter().map(|v| v.unwrap_or(0)).collect();
        for i in 0..n {
            for j in i + 1..n {
                uncovered.remove(&(i, row[i], j, row[j]));
            }
        }
        rows.push(row);
    }
    rows.into_iter()
        .map(|r| Combination {
            runtime: RUNTIMES[r[0]],
            db: DBS[r[1]],
            redis: r[2] == 1,
            rabbitmq: r[3] == 1,
            nginx: r[4] == 1,
            ingress: r[5] == 1,
            size: SIZES[r[6]],
            secrets: r[7] == 1,
            metrics: r[8] == 1,
            readiness_db: r[9] == 1,
        })
        .collect()
}

impl Combination {
    /// `vibe init --yes` flags for this combination.
    pub fn flags(&self) -> Vec<String> {
        let mut f: Vec<String> = [
            "init",
            "--yes",
            "--name",
            "Matrix App",
            "--runtime",
            self.runtime,
            "--db",
            self.db,
            "--size",
            self.size,
            "--tag",
            "a1b2c3d",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (on, flag) in [
            (self.redis, "--redis"),
            (self.rabbitmq, "--rabbitmq"),
            (self.nginx, "--nginx"),
            (self.ingress, "--ingress"),
            (self.readiness_db, "--readiness-checks-database"),
        ] {
            if on {
                f.push(flag.into());
            }
        }
        if self.secrets {
            f.extend(["--secret", "API_KEY", "--secret", "STRIPE_TOKEN"].map(String::from));
        }
        if self.metrics {
            f.extend(
                [
                    "--metric",
                    "orders_processed_total:counter:status",
                    "--metric",
                    "queue_depth:gauge",
                    "--metric",
                    "report_duration_seconds:histogram:kind",
                ]
                .map(String::from),
            );
        } else {
            // The fewest `vibe init --yes` accepts: one.
            f.extend(["--metric", "orders_processed_total:counter"].map(String::from));
        }
        f
    }

    /// Generates this combination into `app`.
    pub fn generate(&self, app: &App) {
        let flags = self.flags();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        app.vibe(&flags).assert().success();
    }
}

#[test]
fn the_matrix_covers_every_pair_and_every_value() {
    let rows = all_pairs();
    assert!(rows.len() >= 12, "{} rows", rows.len());
    for r in RUNTIMES {
        assert!(rows.iter().any(|c| c.runtime == *r), "{r}");
    }
    for s in SIZES {
        for r in RUNTIMES {
            assert!(rows.iter().any(|c| c.runtime == *r && c.size == *s), "{r} × {s}");
        }
    }
    for d in DBS {
        for on in [false, true] {
            assert!(rows.iter().any(|c| c.db == *d && c.redis == on), "{d} × redis {on}");
            assert!(rows.iter().any(|c| c.db == *d && c.rabbitmq == on), "{d} × rabbitmq {on}");
            assert!(rows.iter().any(|c| c.db == *d && c.ingress == on), "{d} × ingress {on}");
            assert!(rows.iter().any(|c| c.db == *d && c.secrets == on), "{d} × secrets {on}");
        }
    }
}

/// Every combination passes the real validators: Kubernetes schemas (strict), Helm lint
/// (strict) and render, chart == k8s/, hadolint, actionlint, yamllint.
#[test]
fn every_combination_passes_the_real_validators() {
    let py = venv_python();
    let rows = all_pairs();
    let apps: Vec<App> = rows
        .iter()
        .map(|c| {
            let app = App::new();
            c.generate(&app);
            app
        })
        .collect();
    let out = std::process::Command::new(&py)
        .arg(crate::common::repo_root().join("tests/tools/validate_generated.py"))
        .args(apps.iter().map(|a| a.path()))
        .env("PATH", format!("{}:{}", py.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default()))
        .output()
        .expect("run validators");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let failures: Vec<String> = rows
        .iter()
        .zip(&apps)
        .filter(|(_, a)| {
            text.lines()
                .any(|l| l.starts_with(&format!("validate_generated {}:", a.path().display())) && l.contains("FAIL"))
        })
        .map(|(c, _)| format!("{c:?}"))
        .collect();
    assert!(
        out.status.success() && failures.is_empty(),
        "{} of {} combinations fail validation:\n{}\n\n{text}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    assert!(text.contains(&format!("validated {} repo(s), 0 failed", rows.len())), "{text}");
    let _ = vibe;
}
