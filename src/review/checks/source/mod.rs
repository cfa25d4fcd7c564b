//! Source checks (S1–S5): hardcoded credentials, committed `.env` files, SQL built from strings,
//! unpinned dependencies and superuser database logins.
//!
//! They read application source and app config files (`repo.sources`), dependency manifests
//! (`repo.dependency_files`), `.gitignore` files and, for S5, the manifests and chart values.
//! Source is read with a small lexer ([`code`]) that knows each language's strings and comments,
//! so a word in a comment is not code and a query split over lines is still one call.
//! The [`code`] module is shared with the observability checks (G2–G6).

use crate::contract::CheckId;
use crate::lang::{self, Dialect, Language, Lines, re};
use crate::repo::{Lang, Repo, TextFile};
use crate::review::check::{Check, Judged};
use crate::review::workload;
use crate::review::{Finding, Review};
use crate::yaml::Node;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The checks of this file, declared once: id, function, evidence, scope and fixer.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::S1, run: s1, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S2, run: s2, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S3, run: s3, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S4, run: s4, judged: Judged::Static, repo_only: true, fixer: None },
    Check { id: CheckId::S5, run: s5, judged: Judged::Static, repo_only: true, fixer: None },
];

mod credentials;
mod db_users;
mod env_files;
mod pins;
mod sql;
use credentials::*;
use db_users::*;
use env_files::*;
use pins::*;
use sql::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, lang: Lang, text: &str) -> TextFile {
        TextFile { file: name.into(), lang, text: text.into() }
    }

    #[test]
    fn secret_names() {
        for yes in [
            "API_KEY",
            "apiKey",
            "db_password",
            "client_secret",
            "SECRET_KEY",
            "authToken",
            "STRIPE_SECRET",
            "x-api-key",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "author",
            "TOKEN_URL",
            "secret_name",
            "max_tokens",
            "has_token",
            "password_field",
            "user_id",
            "uuid",
            "auth_source",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn plain_passwords_are_secrets_but_names_labels_and_rules_are_not() {
        for (name, yes) in [
            ("ADMIN_PASSWORD", "hunter2-SuperSecret!"),
            ("password", "correct-horse-battery"),
            ("SECRET_KEY", "dev-secret-key-123"),
            ("SECRET_KEY", "my-secret-key"),
            ("password", "supersecret"),
            ("DB_PASSWORD", "P@ssw0rd"),
        ] {
            assert!(plain_secret(name, yes), "{name} = {yes}");
        }
        for (name, no) in [
            ("password", "Passwort"),
            ("password", "hashed"),
            ("password", "required|min:8"),
            ("AUTH_USER_MODEL", "accounts.User"),
            ("TOKEN_KEY", "access_token"),
            ("apiKeyHeader", "x-api-key"),
            ("password", "#password"),
            ("DB_PASSWORD", "DB_PASSWORD"),
            ("PASSWORD_MIN", "12345678"),
            ("secret", "abc"),
            ("password", "changeme"),
            ("password", "${DB_PASSWORD}"),
            ("DB_PASSWORD", "password_here"),
        ] {
            assert!(!plain_secret(name, no), "{name} = {no}");
        }
    }

    #[test]
    fn entropy_separates_keys_from_words() {
        assert!(entropy("9fK2xQ7LmP4vR8tZ3wYb") > MIN_SECRET_ENTROPY);
        assert!(entropy("aaaaaaaaaaaaaaaaaaaa") < 1.0);
        assert!(entropy("passwordpassword") < MIN_SECRET_ENTROPY);
    }

    #[test]
    fn masking_shows_four_characters_at_most() {
        assert_eq!(mask("AKIAZ7Q2X4V6B8N0M3L5"), "AKIA****************");
        assert_eq!(mask("short"), "*****");
        assert!(!mask("ghp_abcdefghijklmnopqrstuvwxyz0123456789").contains("abcd"));
    }

    #[test]
    fn s1_finds_formats_urls_and_assignments_but_not_references() {
        let src = "import os\n\
                   AWS = 'AKIAZ7Q2X4V6B8N0M3L5'\n\
                   DB = 'postgres://app:s3cr3tP4ss@db:5432/app'\n\
                   API_KEY = \"9fK2xQ7LmP4vR8tZ3wYb\"\n\
                   TOKEN = os.environ[\"API_TOKEN\"]\n\
                   URL = f\"postgres://{user}:{password}@db/app\"\n\
                   SESSION_ID = '550e8400-e29b-41d4-a716-446655440000'\n\
                   EMPTY_SECRET = ''\n\
                   SECRET = os.environ.get('SECRET', 'Zq8vX2mN5bR7tY1kLp3W')\n";
        let hits = s1_hits(&file("app.py", Lang::Code(Language::Python), src));
        let lines: Vec<u32> = hits.iter().map(|h| h.line).collect();
        assert_eq!(lines, [2, 3, 4, 9], "{:?}", hits.iter().map(|h| &h.message).collect::<Vec<_>>());
        assert!(hits.iter().all(|h| !h.message.contains("s3cr3tP4ss") && !h.message.contains("9fK2xQ7LmP")));
        let env = "# local\nDATABASE_URL=postgres://app:@db/app\nSTRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nDEBUG=true\nJWT_SECRET=ab\n";
        let hits = s1_hits(&file(".env", Lang::Config, env));
        assert_eq!(hits.iter().map(|h| h.line).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn db_user_keys() {
        for yes in [
            "DB_USER",
            "PGUSER",
            "POSTGRES_USER",
            "spring.datasource.username",
            "MONGO_INITDB_ROOT_USERNAME",
            "DATA_SOURCE_USER",
            "dbUser",
            "database.user",
        ] {
            assert!(is_db_user_key(yes), "{yes}");
        }
        for no in ["USER", "RABBITMQ_USER", "feedback_user", "DB_AUTH_SOURCE", "DB_NAME", "admin_user"] {
            assert!(!is_db_user_key(no), "{no}");
        }
    }

    #[test]
    fn superuser_connection_strings() {
        assert_eq!(superusers_in("postgres://postgres:x@db:5432/app").len(), 1);
        assert_eq!(superusers_in("postgresql+asyncpg://root@db/app").len(), 1);
        assert_eq!(superusers_in("jdbc:mysql://db:3306/app?user=root&password=x").len(), 1);
        assert_eq!(superusers_in("host=db user=postgres dbname=app").len(), 1);
        assert!(superusers_in("postgres://shop:x@db/app").is_empty());
        assert!(superusers_in("postgres://db:5432/app").is_empty());
    }

    #[test]
    fn gitignore_patterns() {
        use gitignore::ignored;
        let gi = |t: &str| vec![(".gitignore".to_string(), t.to_string())];
        assert!(ignored(&gi(".env\n"), ".env"));
        assert!(ignored(&gi(".env\n"), "api/.env"));
        assert!(!ignored(&gi("/.env\n"), "api/.env"));
        assert!(ignored(&gi(".env*\n!.env.example\n"), ".env.local"));
        assert!(!ignored(&gi(".env*\n!.env.example\n"), ".env.example"));
        assert!(ignored(&gi("*.env\n"), "prod.env"));
        assert!(ignored(&gi("config/\n"), "config/.env"));
        assert!(ignored(&gi("**/.env\n"), "a/b/.env"));
        assert!(!ignored(&gi("node_modules\n"), ".env"));
        let nested =
            vec![(".gitignore".to_string(), "x\n".to_string()), ("api/.gitignore".to_string(), ".env\n".to_string())];
        assert!(ignored(&nested, "api/.env"));
        assert!(!ignored(&nested, ".env"));
    }
}
