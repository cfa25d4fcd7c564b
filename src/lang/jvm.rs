//! Java / Kotlin on the JVM: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::re;
use super::start::{RepoFiles, Start};
use super::{Dependency, Dialect, Language, LanguageSupport, LogPatterns, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Jvm,
    tools: &[
        ("mvn", "Maven (Debian: apt-get install maven)"),
        ("java", "a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"),
    ],
    registry: "Maven Central",
    installer: "mvn package",
    inputs: ExampleInputs::All,
    install: &[
        ExampleStep::Copy { from: "{obs}", to: "{env}/src" },
        ExampleStep::Run {
            cwd: "{env}/src",
            argv: &[
                "mvn",
                "-B",
                "--no-transfer-progress",
                "package",
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
            ],
            env: &[],
        },
    ],
    cache_env: &[("MAVEN_OPTS", "-Dmaven.repo.local={build}/m2")],
    run: &[
        "java",
        "-cp",
        "{env}/src/target/classes:{env}/src/target/dependency/*",
        "vibe.observability.example.HelloApp",
    ],
    run_cwd: "{root}",
    run_env: &[],
};

// Java and Kotlin log JSON, create the JSON logger and import the skeleton alike.
/// A JSON layout or encoder configured in Java or Kotlin source (G3).
const JSON_LOGGING: &str = r"\bLogstashEncoder\b|\bJsonLayout\b|\bJsonTemplateLayout\b|\bEcsLayout\b|\bJsonEncoder\b";
/// Where a JSON logger is created (G5).
const JSON_LOGGER_SETUP: &str = r"\bnew\s+LogstashEncoder\s*\(";
/// An import of the generated observability module (G1).
const SKELETON_IMPORT: &str = r"\bimport\s+(?:static\s+)?[\w.]*\bobservability\.";

/// What vibe knows of Java / Kotlin on the JVM.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Jvm,
    source_extensions: &["java", "kt", "kts"],
    detection_extensions: &["java", "kt", "scala", "groovy"],
    // Kotlin has string templates (`"${x}"`); Java has none.
    dialect: Dialect::Java,
    dialect_suffixes: &[(".kt", Dialect::Kotlin), (".kts", Dialect::Kotlin)],
    manifests: &["pom.xml", "build.gradle", "build.gradle.kts"],
    name_manifests: &["pom.xml", "settings.gradle", "settings.gradle.kts"],
    env_read_template: "read it with `System.getenv(\"{env}\")`",
    env_read_pattern: LazyLock::new(|| Regex::new(&format!(r#"\bSystem\.getenv\(\s*"{ENV_NAME}""#)).unwrap()),
    metrics_client: LazyLock::new(|| {
        re(
            r"(micrometer-registry-prometheus|io\.prometheus[:.]simpleclient|<artifactId>simpleclient[\w_]*</artifactId>|prometheus-metrics-(?:core|exporter)[\w-]*)",
        )
    }),
    json_logger: "logstash-logback-encoder's LogstashEncoder on a ConsoleAppender",
    example_app: &EXAMPLE,
    // Java's.
    logs: LogPatterns {
        json_logging: LazyLock::new(|| re(JSON_LOGGING)),
        custom_json_formatter: None,
        plain_logging: LazyLock::new(|| re(r"\bSystem\.(?:out|err)\.print(?:ln|f)?\s*\(|\bPatternLayout\b")),
        json_logger_setup: LazyLock::new(|| re(JSON_LOGGER_SETUP)),
        file_logging: LazyLock::new(|| re(r"\bnew\s+(?:Daily)?(?:Rolling)?FileAppender\b|\bnew\s+FileHandler\s*\(")),
        print_calls: Some(LazyLock::new(|| re(r"\bSystem\.(?:out|err)\.print(?:ln|f)?[ \t]*\("))),
        skeleton_import: LazyLock::new(|| re(SKELETON_IMPORT)),
    },
    dialect_logs: &[(Dialect::Kotlin, &KOTLIN_LOGS)],
    pin_rules: &[("pom.xml", pom_xml), ("build.gradle", build_gradle), ("build.gradle.kts", build_gradle)],
    read_dependencies: dependencies,
    read_start: start,
};

/// How Kotlin logs: it constructs without `new`, and its `println` needs no receiver.
static KOTLIN_LOGS: LogPatterns = LogPatterns {
    json_logging: LazyLock::new(|| re(JSON_LOGGING)),
    custom_json_formatter: None,
    plain_logging: LazyLock::new(|| re(r"(?m)^\s*println\s*\(|\bSystem\.(?:out|err)\.print(?:ln|f)?\s*\(")),
    json_logger_setup: LazyLock::new(|| re(JSON_LOGGER_SETUP)),
    file_logging: LazyLock::new(|| re(r"\b(?:Daily)?(?:Rolling)?FileAppender\s*(?:<[^>]*>)?\s*\(|\bFileHandler\s*\(")),
    print_calls: Some(LazyLock::new(|| re(r"\bprintln[ \t]*\(|\bSystem\.(?:out|err)\.print(?:ln|f)?[ \t]*\("))),
    skeleton_import: LazyLock::new(|| re(SKELETON_IMPORT)),
};

// ---------------------------------------------------------------------------------------------
// The start command

/// The jar the build makes: Maven's target/<artifactId>-<version>.jar, Gradle's build/libs/.
fn start(repo: &RepoFiles) -> Option<Start> {
    let jar = |path: String, sure: bool, source: &str| {
        Some(Start { argv: vec!["java".into(), "-jar".into(), path], sure, source: source.into() })
    };
    if let Some(pom) = repo.text("pom.xml") {
        let named = pom_jar(pom);
        return match named {
            Some(name) => jar(format!("target/{name}.jar"), true, "pom.xml (artifactId and version)"),
            None => jar("target/app.jar".into(), false, "pom.xml"),
        };
    }
    let (file, build) = ["build.gradle.kts", "build.gradle"].iter().find_map(|f| repo.text(f).map(|t| (*f, t)))?;
    let settings = ["settings.gradle.kts", "settings.gradle"].iter().find_map(|f| repo.text(f));
    match gradle_jar(build, settings) {
        Some((name, how)) => jar(format!("build/libs/{name}"), true, &format!("{file} ({how})")),
        None => jar("build/libs/app.jar".into(), false, file),
    }
}

/// The jar Gradle writes to build/libs: the `bootJar` task's (Spring Boot's plugin) or the `jar`
/// task's `archiveFileName`, else `<archiveBaseName or rootProject.name>-<version>.jar`; with how
/// it was found. None when the project's name is not written down (Gradle then takes the folder's).
fn gradle_jar(build: &str, settings: Option<&str>) -> Option<(String, &'static str)> {
    static FILE_NAME: LazyLock<Regex> =
        LazyLock::new(|| re(r#"\barchiveFileName\s*(?:=|\.set\s*\()\s*["']([^"'$]+)["']"#));
    static BASE_NAME: LazyLock<Regex> =
        LazyLock::new(|| re(r#"\barchiveBaseName\s*(?:=|\.set\s*\()\s*["']([^"'$]+)["']"#));
    static ROOT_NAME: LazyLock<Regex> = LazyLock::new(|| re(r#"\brootProject\.name\s*=\s*["']([^"'$]+)["']"#));
    static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^\s*version\s*=\s*["']([^"'$]+)["']"#));
    let boot = build.contains("org.springframework.boot");
    // The block configuring the task that makes the jar run (`bootJar { ... }`, `tasks.named("bootJar") { ... }`).
    let task = if boot { "bootJar" } else { "jar" };
    let block = re(&format!(r#"\b{task}\b["']?\s*(?:,\s*\w+::class\.java\s*)?\)?\s*\{{"#))
        .find(build)
        .map(|m| &build[m.end()..])
        .map(|rest| {
            &rest[..rest
                .find(
                    "
}",
                )
                .unwrap_or(rest.len())]
        });
    if let Some(name) = block.and_then(|b| FILE_NAME.captures(b)) {
        return Some((name[1].to_string(), "its archiveFileName"));
    }
    let base = block.and_then(|b| BASE_NAME.captures(b)).or_else(|| settings.and_then(|s| ROOT_NAME.captures(s)))?;
    let name = match VERSION.captures(build) {
        Some(v) => format!("{}-{}.jar", &base[1], &v[1]),
        None => format!("{}.jar", &base[1]),
    };
    Some((name, "the project's name and version"))
}

/// `<artifactId>-<version>` of the project itself (not its `<parent>`'s).
fn pom_jar(pom: &str) -> Option<String> {
    let own = match pom.find("</parent>") {
        Some(end) => &pom[end..],
        None => pom,
    };
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = own.find(&open)? + open.len();
        let end = own[start..].find('<')? + start;
        Some(own[start..end].trim().to_string())
    };
    let artifact = tag("artifactId")?;
    let version = tag("version")?;
    (!version.contains("${")).then(|| format!("{artifact}-{version}"))
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// pom.xml: no moving versions (ranges, LATEST, RELEASE, -SNAPSHOT) unless a Maven lockfile is committed.
fn pom_xml(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"<version>\s*([^<]*?)\s*</version>"));
    if files.has(dir, &["lockfile.json"], false) {
        return None;
    }
    let bad = VERSION.captures_iter(text).find(|c| {
        let v = &c[1];
        v.starts_with('[') || v.starts_with('(') || v == "LATEST" || v == "RELEASE" || v.ends_with("-SNAPSHOT")
    })?;
    let at = bad.get(0)?.start();
    Some((
        Some(text[..at].matches('\n').count() as u32 + 1),
        format!("pom.xml uses a moving version (`{}`)", &bad[1]),
        "Give every dependency an exact version (no ranges, LATEST, RELEASE or -SNAPSHOT), or commit a \
         Maven lockfile."
            .into(),
    ))
}

/// build.gradle(.kts): no dynamic versions unless Gradle locking is on (gradle.lockfile).
fn build_gradle(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let name = m.name;
    let text = m.text;
    static DYNAMIC: LazyLock<Regex> =
        LazyLock::new(|| re(r#"["'][\w.\-]+:[\w.\-]+:([^"'$]*(?:\+|latest\.[a-z]+|\[[^"']*|\([^"']*))["']"#));
    if files.has(dir, &["gradle.lockfile"], true) {
        return None;
    }
    let bad = DYNAMIC.captures(text)?;
    let at = bad.get(0)?.start();
    Some((
        Some(text[..at].matches('\n').count() as u32 + 1),
        format!("{name} uses a moving version (`{}`) and there is no gradle.lockfile", &bad[1]),
        "Give every dependency an exact version, or turn on dependency locking \
         (`dependencyLocking { lockAllConfigurations() }`, then `gradle dependencies --write-locks`) and \
         commit gradle.lockfile."
            .into(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    matches!(name, "pom.xml" | "build.gradle" | "build.gradle.kts").then(|| jvm_deps(name, text))
}

/// pom.xml (group and artifact ids) and Gradle coordinates (both halves).
fn jvm_deps(name: &str, text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    static POM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<(?:groupId|artifactId)>\s*([^<\s]+)\s*</(?:groupId|artifactId)>").unwrap());
    static GRADLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::[^"']*)?["']"#).unwrap());
    if name == "pom.xml" {
        POM.captures_iter(text).filter_map(|c| c.get(1)).for_each(|m| add(m.as_str().to_string(), Vec::new()));
    } else {
        for c in GRADLE.captures_iter(text) {
            if let (Some(g), Some(a)) = (c.get(1), c.get(2)) {
                add(g.as_str().to_string(), Vec::new());
                add(a.as_str().to_string(), Vec::new());
            }
        }
    }
    out
}

#[cfg(test)]
mod start_tests {
    use super::*;

    #[test]
    fn maven_builds_the_jar_its_artifact_and_version_name() {
        let pom = "<project><parent><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent>\n<artifactId>shop</artifactId>\n<version>1.2.0</version></project>";
        let s = SUPPORT.start(&RepoFiles::from_pairs(&[("pom.xml", pom)])).unwrap();
        assert_eq!((s.argv.join(" "), s.sure), ("java -jar target/shop-1.2.0.jar".to_string(), true));
    }
}

#[cfg(test)]
mod gradle_tests {
    use super::*;

    #[test]
    fn the_gradle_jar_is_named_from_the_build_and_settings() {
        let boot = "plugins {\n    id 'org.springframework.boot' version '3.3.4'\n}\ngroup = 'com.example'\nversion = '0.0.1-SNAPSHOT'\n";
        let start = |files: &[(&str, &str)]| SUPPORT.start(&RepoFiles::from_pairs(files)).unwrap();
        let s = start(&[("build.gradle", boot), ("settings.gradle", "rootProject.name = 'shop'\n")]);
        assert_eq!((s.argv.join(" "), s.sure), ("java -jar build/libs/shop-0.0.1-SNAPSHOT.jar".to_string(), true));
        let named = format!("{boot}\ntasks.named(\"bootJar\") {{\n    archiveFileName = \"app.jar\"\n}}\n");
        assert_eq!(start(&[("build.gradle.kts", &named)]).argv[2], "build/libs/app.jar");
        let plain = "plugins { java }\nversion = \"1.0\"\ntasks.jar {\n    archiveBaseName.set(\"tool\")\n}\n";
        assert_eq!(start(&[("build.gradle.kts", plain)]).argv[2], "build/libs/tool-1.0.jar");
        let s = start(&[("build.gradle", boot)]);
        assert!(!s.sure, "no project name: Gradle takes the folder's, which the repo does not say: {s:?}");
    }
}
