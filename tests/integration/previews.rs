//! Pull-request previews (issue 17 part 2): argocd/previews.yaml is a valid ApplicationSet over the
//! production chart, and what it makes for a sample list of pull requests (its template substituted
//! the way ArgoCD's goTemplate does, by tests/tools/preview_render.py, then rendered through Helm's
//! engine) is each pull request's own, small, throw-away environment: its namespace, the image CI
//! pushed for its head commit, one copy, no autoscaler, no backups, no production secrets, a password
//! Job whose Role reaches one Secret, an Ingress only where the platform gives previews a host. Those
//! objects pass Kubernetes' schemas strictly and vibe's own review without a CRITICAL finding.

use crate::common::{App, venv_python, write_app_manifests};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Pull requests: (number, head SHA). The second SHA's 7 characters are all digits, which
/// `helm --set` would turn into a number (the chart's schema refuses it): the image tag must stay the
/// string CI pushed.
const PRS: &[(&str, &str)] =
    &[("7", "abc1234def5678901234567890abcdef01234567"), ("12", "1234567fedcba9876543210fedcba9876543210f")];

fn tool(name: &str) -> std::path::PathBuf {
    crate::common::repo_root().join("tests/tools").join(name)
}

/// A full app: python, postgres, redis, rabbitmq, nginx, a public URL and one secret of its own.
fn full_app(platform: Option<&str>) -> App {
    let app = App::new();
    let mut args = vec![
        "init",
        "--yes",
        "--name",
        "Shop",
        "--runtime",
        "python3.12",
        "--db",
        "postgres",
        "--redis",
        "--rabbitmq",
        "--nginx",
        "--ingress",
        "--secret",
        "API_KEY",
        "--metric",
        "orders_total:counter",
        "--tag",
        "abc1234",
    ];
    let platform_file = app.join("platform.yaml");
    let platform_file = platform_file.to_str().unwrap();
    if let Some(p) = platform {
        app.write("platform.yaml", p);
        args.extend(["--platform", platform_file]);
    }
    app.vibe(&args).assert().success();
    write_app_manifests(&app, "python3.12");
    app
}

fn python(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (bool, String) {
    let out = Command::new(venv_python()).args(args).output().expect("run the validators' python");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Renders the previews of `PRS` into `out`; returns preview_render.py's line per pull request.
fn render(app: &App, out: &Path) -> Vec<Value> {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = Vec::new();
    let script = tool("preview_render.py");
    let prs: Vec<String> = PRS.iter().map(|(n, sha)| format!("{n}:{sha}")).collect();
    args.push(&script);
    let repo = app.path();
    args.push(&repo);
    args.push(&out);
    for pr in &prs {
        args.push(&"--pr");
        args.push(pr);
    }
    let (ok, text) = python(&args);
    assert!(ok, "{text}");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// Every object of a rendered preview's k8s/ folder.
fn objects(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        out.extend(serde_saphyr::from_multiple::<Value>(&text).unwrap().into_iter().filter(|v| !v.is_null()));
    }
    out
}

fn of_kind<'a>(objs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objs.iter().filter(|o| o["kind"] == kind).collect()
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn the_applicationset_is_schema_valid_and_deploys_the_production_chart() {
    let app = full_app(None);
    let (ok, text) = python(&[&tool("k8s_validate.py"), &app.join("argocd")]);
    assert!(ok && text.contains("applicationset/shop-previews (ArgoCD CRD schema"), "{text}");
    let set: Value = serde_saphyr::from_str(&app.read("argocd/previews.yaml")).unwrap();
    let prod: Value = serde_saphyr::from_str(&app.read("argocd/application.yaml")).unwrap();
    let spec = &set["spec"];
    assert_eq!(spec["goTemplate"], true);
    assert_eq!(spec["goTemplateOptions"], serde_json::json!(["missingkey=error"]));
    let generator = &spec["generators"][0]["pullRequest"];
    // argocd.repoURL's default is https://git.internal.example.com/vibe/{slug}.git: a GitHub Enterprise host.
    assert_eq!((str_of(&generator["github"]["owner"]), str_of(&generator["github"]["repo"])), ("vibe", "shop"));
    assert_eq!(generator["github"]["api"], "https://git.internal.example.com/");
    assert!(generator["requeueAfterSeconds"].as_u64().is_some_and(|s| (60..=600).contains(&s)), "{generator}");
    let tmpl = &spec["template"];
    // The same chart from the same repository as production, at the pull request's own commit.
    for key in ["repoURL", "path"] {
        assert_eq!(tmpl["spec"]["source"][key], prod["spec"]["source"][key], "{key}");
    }
    assert_eq!(tmpl["spec"]["source"]["targetRevision"], "{{.head_sha}}");
    assert_eq!(tmpl["metadata"]["finalizers"], serde_json::json!(["resources-finalizer.argocd.argoproj.io"]));
    let sync = &tmpl["spec"]["syncPolicy"];
    assert_eq!((&sync["automated"]["prune"], &sync["automated"]["selfHeal"]), (&Value::Bool(true), &Value::Bool(true)));
    assert!(sync["syncOptions"].as_array().unwrap().contains(&"CreateNamespace=false".into()), "{sync}");
    // The schema is strict: a misspelt field is refused, not passed over.
    let misspelt = app.read("argocd/previews.yaml").replace("requeueAfterSeconds", "requeueAfterSecond");
    app.write("argocd/previews.yaml", &misspelt);
    let (ok, text) = python(&[&tool("k8s_validate.py"), &app.join("argocd/previews.yaml")]);
    assert!(!ok && text.contains("'requeueAfterSecond' was unexpected"), "{text}");
    // And vibe's review reads the ApplicationSet like the Application: P5 holds for both.
    let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p5: Vec<&Value> = v["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "P5").collect();
    assert!(p5.is_empty(), "{p5:?}");
}

#[test]
fn each_pull_request_gets_its_own_small_preview_without_production_secrets() {
    let app = full_app(None);
    let out = tempfile::tempdir().unwrap();
    let lines = render(&app, out.path());
    assert_eq!(lines.len(), PRS.len());
    for (line, (number, sha)) in lines.iter().zip(PRS) {
        let ns = format!("platform-vibe-shop-pr-{number}");
        assert_eq!((str_of(&line["application"]), str_of(&line["namespace"])), (ns.as_str(), ns.as_str()));
        let dir = out.path().join(format!("pr-{number}/k8s"));
        let objs = objects(&dir);
        assert!(objs.len() > 20, "{number}: {} objects", objs.len());
        for o in objs.iter().filter(|o| o["kind"] != "Namespace") {
            assert_eq!(o["metadata"]["namespace"], ns.as_str(), "{number}: {}", o["metadata"]["name"]);
        }
        let ns_obj = of_kind(&objs, "Namespace");
        assert_eq!(ns_obj.len(), 1);
        assert_eq!(ns_obj[0]["metadata"]["name"], ns.as_str());
        assert_eq!(ns_obj[0]["metadata"]["labels"]["platform.vibe/preview"], "true");
        // The app: the image CI pushed for the head commit, one copy, xs.
        let app_dep = of_kind(&objs, "Deployment").into_iter().find(|d| d["metadata"]["name"] == "shop-app").unwrap();
        let container = &app_dep["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["image"], format!("harbor.internal.example.com/vibe/shop:{}", &sha[..7]));
        assert_eq!(app_dep["spec"]["replicas"], 1);
        assert_eq!(container["resources"]["limits"]["memory"], "128Mi", "previews.size xs");
        // No autoscaler, no backups, no production SealedSecret.
        assert!(of_kind(&objs, "HorizontalPodAutoscaler").is_empty(), "{number}: an HPA");
        assert!(of_kind(&objs, "CronJob").is_empty(), "{number}: a backup CronJob");
        assert!(of_kind(&objs, "SealedSecret").is_empty(), "{number}: a SealedSecret");
        // The app's own secret is not set unless sealed for previews; store passwords come from the Job's Secret.
        let env = container["env"].as_array().unwrap();
        let api_key = env.iter().find(|e| e["name"] == "API_KEY").unwrap();
        assert_eq!(api_key["valueFrom"]["secretKeyRef"]["name"], "shop-preview-secrets");
        assert_eq!(api_key["valueFrom"]["secretKeyRef"]["optional"], true);
        let pg = env.iter().find(|e| e["name"] == "POSTGRES_PASSWORD").unwrap();
        assert_eq!(pg["valueFrom"]["secretKeyRef"]["name"], "shop-secrets");
        // The password Job writes exactly the store passwords, and its Role reaches one Secret.
        let job = of_kind(&objs, "Job");
        assert_eq!(job.len(), 1, "{number}");
        let args: Vec<&str> = job[0]["spec"]["template"]["spec"]["containers"][0]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(str_of)
            .collect();
        assert_eq!(args[0], "shop-secrets");
        let mut keys = args[1..].to_vec();
        keys.sort();
        assert_eq!(keys, ["POSTGRES_ADMIN_PASSWORD", "POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"], "{number}");
        assert!(!keys.contains(&"API_KEY"), "the app's own secret is never generated");
        let role = of_kind(&objs, "Role");
        assert_eq!(role.len(), 1);
        for rule in role[0]["rules"].as_array().unwrap() {
            let verbs: Vec<&str> = rule["verbs"].as_array().unwrap().iter().map(str_of).collect();
            assert_eq!(rule["resources"], serde_json::json!(["secrets"]), "{rule}");
            match verbs.as_slice() {
                ["get"] => assert_eq!(rule["resourceNames"], serde_json::json!(["shop-secrets"]), "{rule}"),
                // Kubernetes cannot narrow create by name; it is the only other verb.
                ["create"] => {}
                other => panic!("{number}: the Role grants {other:?}"),
            }
        }
        let binding = of_kind(&objs, "RoleBinding");
        assert_eq!(binding[0]["subjects"][0]["name"], job[0]["spec"]["template"]["spec"]["serviceAccountName"]);
        // The Ingress: the preview's own host, with TLS.
        let ingress = of_kind(&objs, "Ingress");
        assert_eq!(ingress.len(), 1, "{number}");
        let host = format!("platform-shop-pr-{number}.internal.example.com");
        assert_eq!(ingress[0]["spec"]["rules"][0]["host"], host.as_str());
        assert_eq!(ingress[0]["spec"]["tls"][0]["hosts"][0], host.as_str());
        // Its alerts inform and never page: a preview breaks whenever its pull request does.
        let rules = &of_kind(&objs, "PrometheusRule")[0]["spec"]["groups"][0]["rules"];
        assert!(rules.as_array().unwrap().len() > 4);
        for rule in rules.as_array().unwrap() {
            assert_eq!((&rule["labels"]["severity"], &rule["labels"]["preview"]), (&"info".into(), &"true".into()));
        }
        // Kubernetes' schemas, strictly.
        let (ok, text) = python(&[&tool("k8s_validate.py"), &dir]);
        assert!(ok && text.contains(" 0 invalid"), "{number}: {text}");
    }
}

#[test]
fn a_rendered_preview_passes_the_review_gate() {
    let app = full_app(None);
    let out = tempfile::tempdir().unwrap();
    render(&app, out.path());
    // The preview's objects as the repo's k8s/: the same repo, deployed as pull request 12. vibe.yaml
    // describes production (its namespace), so the preview is reviewed as a repo of its own.
    std::fs::remove_dir_all(app.join("k8s")).unwrap();
    std::fs::rename(out.path().join("pr-12/k8s"), app.join("k8s")).unwrap();
    std::fs::remove_file(app.join("vibe.yaml")).unwrap();
    let out = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let findings = v["findings"].as_array().unwrap();
    let critical: Vec<String> = findings
        .iter()
        .filter(|f| f["severity"] == "CRITICAL")
        .map(|f| format!("{} {}:{} {}", f["id"], f["file"], f["line"], f["message"]))
        .collect();
    assert!(critical.is_empty(), "{critical:#?}");
    // The password Job is judged like every workload: it was read (A3/A4/F1/F2 would name it otherwise).
    let app_text = std::fs::read_to_string(app.join("k8s/02-sealed-secrets.yaml")).unwrap();
    assert!(app_text.contains("kind: Job"), "{app_text}");
    let ids: Vec<&str> = findings.iter().map(|f| str_of(&f["id"])).collect();
    for id in ["D5", "D6", "F4"] {
        assert!(!ids.contains(&id), "{id} in a preview: {ids:?}");
    }
}

#[test]
fn without_a_preview_host_pattern_previews_have_no_ingress() {
    let app = full_app(Some("previews:\n  hostPattern: \"\"\n  size: sm\n"));
    let set = app.read("argocd/previews.yaml");
    assert!(!set.contains("platform.ingress.host"), "{set}");
    let out = tempfile::tempdir().unwrap();
    render(&app, out.path());
    let objs = objects(&out.path().join("pr-7/k8s"));
    assert!(of_kind(&objs, "Ingress").is_empty(), "an Ingress without a host pattern");
    let policies: Vec<&str> = of_kind(&objs, "NetworkPolicy").iter().map(|p| str_of(&p["metadata"]["name"])).collect();
    assert!(!policies.iter().any(|p| p.starts_with("allow-ingress-controller")), "{policies:?}");
    let app_dep = of_kind(&objs, "Deployment").into_iter().find(|d| d["metadata"]["name"] == "shop-app").unwrap();
    assert_eq!(app_dep["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"], "256Mi");
    // Production keeps its Ingress: the platform setting is about previews only.
    assert!(app.read("k8s/10-ingress.yaml").contains("kind: Ingress"));
}

#[test]
fn secrets_sealed_for_previews_reach_the_app_and_survive_generate() {
    let app = full_app(None);
    let values = app.read("helm/vibe-stack/values.yaml");
    let sealed = "AgBpreviewCiphertextOnlyForTests0123456789+/==";
    let edited = values
        .replace("sealedPreview: {}", &format!("sealedPreview:\n  API_KEY: \"{sealed}\"\n  NOT_A_SECRET: \"AgB\""));
    assert_ne!(edited, values);
    app.write("helm/vibe-stack/values.yaml", &edited);
    app.vibe(&["generate"]).assert().success();
    let kept = app.read("helm/vibe-stack/values.yaml");
    assert!(kept.contains(&format!("sealedPreview:\n  API_KEY: \"{sealed}\"\n")), "{kept}");
    assert!(!kept.contains("NOT_A_SECRET"), "a name the app does not have is dropped");
    let out = tempfile::tempdir().unwrap();
    render(&app, out.path());
    let objs = objects(&out.path().join("pr-7/k8s"));
    let sealed_secrets = of_kind(&objs, "SealedSecret");
    assert_eq!(sealed_secrets.len(), 1);
    let s = sealed_secrets[0];
    assert_eq!(s["metadata"]["name"], "shop-preview-secrets");
    assert_eq!(s["metadata"]["annotations"]["sealedsecrets.bitnami.com/cluster-wide"], "true");
    assert_eq!(s["spec"]["encryptedData"]["API_KEY"], sealed);
    assert_eq!(s["spec"]["encryptedData"].as_object().unwrap().len(), 1);
    // Production renders no preview secret at all.
    assert!(!app.read("k8s/02-sealed-secrets.yaml").contains("preview"));
}

#[test]
fn the_repository_comes_from_the_remote_url_or_generate_says_what_to_set() {
    let app = full_app(Some("argocd:\n  repoURL: \"git@github.com:acme/shop-app.git\"\n"));
    let set: Value = serde_saphyr::from_str(&app.read("argocd/previews.yaml")).unwrap();
    let gh = &set["spec"]["generators"][0]["pullRequest"]["github"];
    assert_eq!((str_of(&gh["owner"]), str_of(&gh["repo"])), ("acme", "shop-app"));
    assert!(gh.get("api").is_none(), "github.com needs no API URL: {gh}");
    assert_eq!(set["spec"]["template"]["spec"]["source"]["repoURL"], "git@github.com:acme/shop-app.git");

    let app = App::new();
    app.write("platform.yaml", "argocd:\n  repoURL: https://gitlab.acme.test/group/sub/{slug}.git\n");
    let platform_file = app.join("platform.yaml");
    let out = app
        .vibe(&[
            "--platform",
            platform_file.to_str().unwrap(),
            "init",
            "--yes",
            "--name",
            "Shop",
            "--runtime",
            "python3.12",
            "--metric",
            "orders_total:counter",
            "--tag",
            "abc1234",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("argocd.repoURL") && err.contains("OWNER/NAME") && err.contains("platform.yaml"), "{err}");
    assert!(err.contains("https://gitlab.acme.test/group/sub/shop.git"), "{err}");
    assert!(!app.join("argocd/previews.yaml").exists(), "nothing half-written");
}

/// A stand-in `kubectl` for the password script: `get` answers as FAKE_GET says (found, missing,
/// broken), `create` as FAKE_CREATE says (ok, exists) and copies the files it was given into
/// FAKE_LOG's folder, so the test reads what would have been stored.
const FAKE_KUBECTL: &str = r#"#!/bin/sh
echo "$*" >> "$FAKE_LOG"
case "$1" in
  get)
    case "$FAKE_GET" in
      found) echo "secret/$3"; exit 0 ;;
      missing) echo "Error from server (NotFound): secrets \"$3\" not found" >&2; exit 1 ;;
      *) echo "Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout" >&2; exit 1 ;;
    esac ;;
  create)
    if [ "$FAKE_CREATE" = exists ]; then
      echo "error: failed to create secret secrets \"$4\" already exists" >&2; exit 1
    fi
    for a in "$@"; do
      case "$a" in --from-file=*) kv="${a#--from-file=}"; cp "${kv#*=}" "$(dirname "$FAKE_LOG")/stored-${kv%%=*}" ;; esac
    done
    echo "secret/$4 created" ;;
esac
"#;

#[test]
fn the_password_job_writes_fresh_passwords_only_when_the_secret_is_absent() {
    let app = full_app(None);
    let out = tempfile::tempdir().unwrap();
    render(&app, out.path());
    let objs = objects(&out.path().join("pr-7/k8s"));
    let container = &of_kind(&objs, "Job")[0]["spec"]["template"]["spec"]["containers"][0];
    // The exact command of the rendered Job: /bin/sh -c SCRIPT NAME, then its args.
    let command: Vec<&str> = container["command"].as_array().unwrap().iter().map(str_of).collect();
    let args: Vec<&str> = container["args"].as_array().unwrap().iter().map(str_of).collect();
    assert_eq!(command[..2], ["/bin/sh", "-c"]);
    let run = |get: &str, create: &str| {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("kubectl"), FAKE_KUBECTL).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(bin.join("kubectl")).status().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let log = dir.path().join("log/calls");
        std::fs::create_dir_all(log.parent().unwrap()).unwrap();
        let o = Command::new(command[0])
            .args(&command[1..])
            .args(&args)
            .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()))
            .env("HOME", &home)
            .env("FAKE_LOG", &log)
            .env("FAKE_GET", get)
            .env("FAKE_CREATE", create)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        (o.status.success(), text, calls, dir)
    };
    // Missing: created with a fresh 32-character password per key, each different, none printed.
    let (ok, text, calls, dir) = run("missing", "ok");
    assert!(ok, "{text}");
    assert!(calls.lines().any(|l| l.starts_with("create secret generic shop-secrets ")), "{calls}");
    let mut seen = Vec::new();
    for key in &args[1..] {
        let value = std::fs::read_to_string(dir.path().join(format!("log/stored-{key}"))).unwrap();
        assert_eq!(value.len(), 32, "{key}: {value:?}");
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
        assert!(!text.contains(&value) && !calls.contains(&value), "a password was printed or passed as an argument");
        assert!(!seen.contains(&value), "{key} repeats a password");
        seen.push(value);
    }
    assert_eq!(seen.len(), args.len() - 1);
    // Present: kept as it is (the databases were initialised with those passwords).
    let (ok, text, calls, _) = run("found", "ok");
    assert!(ok && !calls.contains("create"), "{text}\n{calls}");
    // Created by another run in between: still a success, nothing overwritten.
    let (ok, text, _, _) = run("missing", "exists");
    assert!(ok && text.contains("stay as they are"), "{text}");
    // The API cannot say: fail, so the Job tries again, and never create blindly.
    let (ok, text, calls, _) = run("broken", "ok");
    assert!(!ok && text.contains("i/o timeout") && !calls.contains("create"), "{text}\n{calls}");
}
