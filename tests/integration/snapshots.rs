//! Snapshots of whole generated repos, so a template change is reviewed as a diff
//! (`cargo insta review`).

use crate::common::App;

fn snapshot_of(app: &App) -> String {
    let mut out = String::new();
    for f in app.files() {
        // The lock holds hashes of the files below: it changes whenever they do.
        if f == ".vibe/lock.json" {
            continue;
        }
        out.push_str(&format!("===== {f}\n{}\n", app.read(&f)));
    }
    out
}

#[test]
fn inventory_checker_full_configuration() {
    let app = App::new();
    app.vibe(crate::common::INVENTORY_FLAGS).assert().success();
    insta::assert_snapshot!("inventory_checker", snapshot_of(&app));
}

#[test]
fn go_app_without_components() {
    let app = App::new();
    app.vibe(&[
        "init",
        "--yes",
        "--name",
        "Ticket Counter",
        "--runtime",
        "go1.23",
        "--size",
        "xs",
        "--metric",
        "tickets_sold_total:counter",
        "--tag",
        "0f1e2d3",
    ])
    .assert()
    .success();
    insta::assert_snapshot!("go_minimal", snapshot_of(&app));
}
