//! `vibe init --yes` on small realistic apps (tests/fixtures/apps/): the generated Dockerfile
//! installs what the repo has and its CMD starts that app the way it runs in production, and
//! vibe.yaml records the command as `start:`.

use crate::common::{App, repo_root};
use std::path::Path;

/// An app folder holding a copy of the fixture app `name`.
fn fixture_app(name: &str) -> App {
    let app = App::new();
    copy_dir(&repo_root().join("tests/fixtures/apps").join(name), app.path());
    app
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())).flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `vibe init --yes` with only a metric and a tag (everything else detected): the Dockerfile,
/// vibe.yaml's start: and what vibe said.
fn init(app: &App, extra: &[&str]) -> (String, Option<String>, String) {
    let mut args = vec!["init", "--yes", "--metric", "requests_handled_total:counter", "--tag", "a1b2c3d"];
    args.extend_from_slice(extra);
    let out = app.vibe(&args).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{said}");
    let (answers, _) = vibe::spec::load_answers(&app.join("vibe.yaml")).unwrap();
    (app.read("Dockerfile"), answers.start, said)
}

/// The Dockerfile's last CMD or ENTRYPOINT line.
fn cmd(dockerfile: &str) -> &str {
    dockerfile.lines().rfind(|l| l.starts_with("CMD ") || l.starts_with("ENTRYPOINT ")).unwrap_or("")
}

#[test]
fn an_express_app_with_a_hard_coded_port_and_only_a_nodemon_script_starts_with_node() {
    let app = fixture_app("express-hardcoded-port");
    let (dockerfile, start, said) = init(&app, &[]);
    assert_eq!(cmd(&dockerfile), r#"CMD ["node", "server.js"]"#, "{dockerfile}");
    assert_eq!(start.as_deref(), Some("node server.js"));
    assert!(said.contains("Starts with `node server.js`"), "{said}");
    assert!(dockerfile.contains("COPY package.json package-lock.json ./\nRUN npm ci"), "{dockerfile}");
    assert!(!dockerfile.contains("nodemon"), "{dockerfile}");
}

#[test]
fn a_flask_app_run_with_debug_is_served_by_gunicorn_on_port() {
    let app = fixture_app("flask-debug");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(cmd(&dockerfile), r#"CMD ["gunicorn", "app:app"]"#, "{dockerfile}");
    assert_eq!(start.as_deref(), Some("gunicorn app:app"));
    // gunicorn binds to 0.0.0.0:$PORT when PORT is set; the image sets it.
    assert!(dockerfile.contains("PORT=8081"), "{dockerfile}");
    assert!(!dockerfile.contains("python\", \"-m\", \"app"), "{dockerfile}");
}

#[test]
fn a_fastapi_app_is_served_by_uvicorn_on_port_without_reload() {
    let app = fixture_app("fastapi-basic");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("uvicorn main:app --host 0.0.0.0 --port $PORT"));
    assert_eq!(cmd(&dockerfile), r#"CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port $PORT"]"#);
    assert!(!cmd(&dockerfile).contains("--reload"), "{dockerfile}");
}

#[test]
fn a_django_project_is_served_by_gunicorn_with_its_wsgi_module() {
    let app = fixture_app("django-basic");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("gunicorn mysite.wsgi:application"));
    assert_eq!(cmd(&dockerfile), r#"CMD ["gunicorn", "mysite.wsgi:application"]"#);
    assert!(dockerfile.contains("COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt"));
}

#[test]
fn a_next_app_is_built_and_started_with_next_start() {
    let app = fixture_app("next-app");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("npm start"));
    assert_eq!(cmd(&dockerfile), r#"CMD ["npm", "start"]"#);
    // The build script (`next build`) runs in the build stage.
    assert!(dockerfile.contains("RUN npm run build --if-present"), "{dockerfile}");
    assert!(!dockerfile.contains("next dev"), "{dockerfile}");
}

#[test]
fn a_node_app_without_a_lockfile_keeps_npm_ci_and_the_comment_says_what_to_do() {
    let app = fixture_app("node-no-lockfile");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("node index.js"));
    assert_eq!(cmd(&dockerfile), r#"CMD ["node", "index.js"]"#);
    assert!(dockerfile.contains("RUN npm ci"), "{dockerfile}");
    assert!(dockerfile.contains("This repo has no package-lock.json yet"), "{dockerfile}");
    assert!(dockerfile.contains("run `npm install`\n# once and commit the package-lock.json"), "{dockerfile}");
}

#[test]
fn a_yarn_app_installs_from_yarn_lock() {
    let app = fixture_app("yarn-app");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("node src/server.js"));
    assert!(dockerfile.contains("COPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile"), "{dockerfile}");
    assert!(!dockerfile.contains("npm ci"), "{dockerfile}");
    assert!(!dockerfile.contains("package-lock.json"), "{dockerfile}");
}

#[test]
fn a_go_module_without_dependencies_needs_no_go_sum_and_builds_its_cmd_package() {
    let app = fixture_app("go-no-deps");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("go run ./cmd/server"));
    assert!(dockerfile.contains("COPY go.mod ./\n"), "{dockerfile}");
    assert!(!dockerfile.contains("go.sum ./"), "{dockerfile}");
    assert!(dockerfile.contains("-o /out/app ./cmd/server"), "{dockerfile}");
    assert_eq!(cmd(&dockerfile), r#"ENTRYPOINT ["/app"]"#);
}

#[test]
fn start_flag_wins_over_detection_and_a_dev_server_is_refused_with_the_flag_named() {
    let app = fixture_app("flask-debug");
    let (dockerfile, start, _) = init(&app, &["--start", "gunicorn --workers 2 app:app"]);
    assert_eq!(start.as_deref(), Some("gunicorn --workers 2 app:app"));
    assert_eq!(cmd(&dockerfile), r#"CMD ["gunicorn", "--workers", "2", "app:app"]"#);

    let app = fixture_app("flask-debug");
    let out = app
        .vibe(&["init", "--yes", "--metric", "x_total:counter", "--tag", "a1b2c3d", "--start", "flask run --debug"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(out.status.code(), Some(0));
    assert!(said.contains("--start") && said.contains("development server"), "{said}");
    assert!(!app.join("Dockerfile").exists(), "nothing is written");
}

#[test]
fn start_in_vibe_yaml_drives_the_dockerfile_on_generate_and_a_creator_s_dockerfile_is_kept() {
    let app = fixture_app("flask-debug");
    init(&app, &[]);
    let yaml = app.read("vibe.yaml").replace("start: gunicorn app:app", "start: gunicorn --threads 4 app:app");
    app.write("vibe.yaml", &yaml);
    app.vibe(&["generate", "--tag", "a1b2c3d"]).assert().success();
    assert_eq!(cmd(&app.read("Dockerfile")), r#"CMD ["gunicorn", "--threads", "4", "app:app"]"#);
    // A bad start: in vibe.yaml is a plain error at its line.
    app.write("vibe.yaml", &yaml.replace("start: gunicorn --threads 4 app:app", "start: gunicorn app:app && echo hi"));
    let out = app.vibe(&["generate", "--tag", "a1b2c3d"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(out.status.code(), Some(0));
    assert!(said.contains("start") && said.contains("needs a shell"), "{said}");

    // The creator's own Dockerfile is never overwritten: vibe's goes to .vibe/proposed/.
    let app = fixture_app("fastapi-basic");
    app.write("Dockerfile", "FROM python:3.12-slim\nCMD [\"python\", \"main.py\"]\n");
    init(&app, &[]);
    assert_eq!(app.read("Dockerfile"), "FROM python:3.12-slim\nCMD [\"python\", \"main.py\"]\n");
    assert!(app.read(".vibe/proposed/Dockerfile").contains("exec uvicorn main:app"));
}

#[test]
fn a_gradle_spring_app_builds_its_boot_jar_with_the_wrapper() {
    let app = fixture_app("spring-gradle-notes");
    let (dockerfile, start, _) = init(&app, &[]);
    assert_eq!(start.as_deref(), Some("java -jar build/libs/notes-0.0.1-SNAPSHOT.jar"), "rootProject.name and version");
    for line in [
        "COPY gradlew settings.gradle* build.gradle* gradle.properties* ./\n",
        "COPY gradle ./gradle\n",
        "RUN chmod +x gradlew\n",
        "RUN ./gradlew --no-daemon bootJar \\\n",
    ] {
        assert!(dockerfile.contains(line), "{line:?} missing:\n{dockerfile}");
    }
    assert!(!dockerfile.contains("mvn "), "no Maven without pom.xml:\n{dockerfile}");
    // Without the wrapper, Maven builds it (the repo's pom.xml).
    let maven = fixture_app("spring-gradle-notes");
    std::fs::remove_file(maven.join("gradlew")).unwrap();
    maven.write("pom.xml", "<project><artifactId>notes</artifactId><version>1.0.0</version></project>\n");
    let (dockerfile, _, _) = init(&maven, &[]);
    assert!(dockerfile.contains("RUN mvn -B -ntp -DskipTests package"), "{dockerfile}");
    assert!(!dockerfile.contains("gradlew"), "{dockerfile}");
}
