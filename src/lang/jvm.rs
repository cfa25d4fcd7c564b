//! Java / Kotlin on the JVM: what vibe knows of the language.

use super::language::ENV_NAME;
use super::{Dialect, Language, LanguageSupport};
use crate::contract::{ExampleApp, ExampleInputs, ExampleStep};
use regex::Regex;
use std::sync::LazyLock;

/// Java / Kotlin on the JVM.
pub struct Support;

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

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r#"\bSystem\.getenv\(\s*"{ENV_NAME}""#)).unwrap());

impl LanguageSupport for Support {
    fn language(&self) -> Language {
        Language::Jvm
    }

    fn source_extensions(&self) -> &'static [&'static str] {
        &["java", "kt", "kts"]
    }

    fn detection_extensions(&self) -> &'static [&'static str] {
        &["java", "kt", "scala", "groovy"]
    }

    fn dialect(&self, file: &str) -> Dialect {
        // Kotlin has string templates (`"${x}"`); Java has none.
        if file.ends_with(".kt") || file.ends_with(".kts") { Dialect::Kotlin } else { Dialect::Java }
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["pom.xml", "build.gradle", "build.gradle.kts"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `System.getenv(\"{env}\")`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn json_logger(&self) -> &'static str {
        "logstash-logback-encoder's LogstashEncoder on a ConsoleAppender"
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }
}
