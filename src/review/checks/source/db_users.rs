//! S5: superuser database logins

use super::*;

/// Env vars through which a database server image creates its own superuser (postgres) or root user
/// (mongo) on first start: settings of the server, not of a client connection.
pub(super) const SERVER_BOOTSTRAP_USER_ENV: &[&str] = &["POSTGRES_USER", "MONGO_INITDB_ROOT_USERNAME"];
/// Where the postgres and mongo images look for the scripts they run on first start.
pub(super) const INITDB_DIR: &str = "/docker-entrypoint-initdb.d";

/// True when `name` is the server's own bootstrap superuser in a postgres or mongo container that also
/// runs init scripts (mounted at /docker-entrypoint-initdb.d), which is where the app's own user is
/// created (as `vibe generate` does). Without such scripts the superuser is the only login the server
/// has, so the app must be using it, and S5 still fires.
pub(super) fn is_server_bootstrap_user(c: &workload::Container, name: &str) -> bool {
    let server_image = c.image.is_some_and(|i| {
        let i = i.to_ascii_lowercase();
        let repo = i.rsplit('/').next().unwrap_or(&i);
        repo.starts_with("postgres") || repo.starts_with("mongo")
    });
    server_image
        && SERVER_BOOTSTRAP_USER_ENV.contains(&name)
        && c.node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|m| m.get("mountPath").and_then(Node::as_str).is_some_and(|p| p.trim_end_matches('/') == INITDB_DIR))
}

/// Database superuser names.
pub(super) const SUPERUSERS: &[&str] = &["postgres", "root", "admin", "administrator", "sa", "superuser", "mongoadmin"];
/// Any superuser name, as a quick test before the S5 patterns run over a file.
pub(super) static SUPERUSER_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i-u:postgres|root|admin|superuser)|(?i-u:\bsa\b)"));
/// Superuser names that are unambiguous even under a generic `user` key.
pub(super) const CLEAR_SUPERUSERS: &[&str] = &["postgres", "root", "sa"];

/// A database connection address with its user: `postgres://user:pw@host`, `jdbc:mysql://...?user=root`.
pub(super) static DB_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b((?i-u:(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb|mssql|sqlserver|cockroachdb|redshift)(?:\+[a-z0-9]+)?))://(?:([^\s:/@"'`<>{}$]+)(?::[^\s@/"'`<>]*)?@)?[^\s"'`<>]*"#,
    )
});
pub(super) static URL_USER_PARAM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[?&;](?:user|username|uid|user id)=([^&;\s]+)"));
/// libpq key/value connection strings: `host=db user=postgres dbname=x`, `User ID=sa;`.
pub(super) static KV_DSN_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i-u:user id|user|uid)[ \t]*=[ \t]*((?i-u:postgres|root|admin|administrator|sa|superuser|mongoadmin))(?:[\s;"']|$)"#,
    )
});
/// A quoted superuser name in code (`"postgres"`); the key before it is read by [`code_user_key`].
pub(super) static QUOTED_SUPERUSER: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']((?i-u:postgres|root|admin|administrator|sa|superuser|mongoadmin))["']"#));

/// The key a quoted value is assigned to: `user="postgres"`, `"username": 'root'`, `DB_USER => "admin"`.
pub(super) fn code_user_key(text: &str, quote: usize) -> Option<(usize, &str)> {
    let b = text.as_bytes();
    let mut k = quote;
    let skip_blank = |k: &mut usize| {
        while *k > 0 && matches!(b[*k - 1], b' ' | b'\t') {
            *k -= 1;
        }
    };
    skip_blank(&mut k);
    if k >= 2 && &b[k - 2..k] == b"=>" {
        k -= 2;
    } else if k >= 1 && matches!(b[k - 1], b'=' | b':') {
        k -= 1;
        if k >= 1 && matches!(b[k - 1], b'=' | b'!' | b'<' | b'>' | b':') {
            return None;
        }
    } else {
        return None;
    }
    skip_blank(&mut k);
    if k >= 1 && matches!(b[k - 1], b'"' | b'\'') {
        k -= 1;
    }
    let end = k;
    while k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_') {
        k -= 1;
    }
    (k < end).then(|| (k, &text[k..end]))
}

/// A cheap test before [`is_db_user_key`]: the key mentions a user or login at all.
pub(super) fn may_be_user_key(key: &str) -> bool {
    let k = key.as_bytes();
    k.windows(3).any(|w| w.eq_ignore_ascii_case(b"usr"))
        || k.windows(4).any(|w| w.eq_ignore_ascii_case(b"user"))
        || k.windows(5).any(|w| w.eq_ignore_ascii_case(b"login"))
}

/// A cheap test before [`superusers_in`]: the text can hold a connection address or string.
pub(super) fn may_hold_dsn(v: &str) -> bool {
    v.contains("://") || v.contains('=')
}

/// True for keys naming a database login: `DB_USER`, `PGUSER`, `spring.datasource.username`,
/// `MONGO_INITDB_ROOT_USERNAME`. `path` is the key with its parents, for nested YAML.
pub(super) fn is_db_user_key(path: &str) -> bool {
    let parts = lang::split_parts(path);
    let Some(last) = parts.last() else {
        return false;
    };
    let user_like = |p: &str| matches!(p, "user" | "username" | "usr" | "login");
    const DB: &[&str] = &[
        "db",
        "pg",
        "sql",
        "database",
        "datasource",
        "postgres",
        "postgresql",
        "mongo",
        "mongodb",
        "mysql",
        "mariadb",
        "mssql",
        "jdbc",
        "initdb",
    ];
    let joined: String = parts.concat();
    let last_ok = user_like(last) || DB.iter().any(|d| last.strip_prefix(d).is_some_and(user_like));
    last_ok
        && (parts
            .iter()
            .any(|p| DB.contains(&p.as_str()) || DB.iter().any(|d| p.strip_prefix(d).is_some_and(user_like)))
            || ["postgres", "mongo", "mysql", "mariadb", "datasource", "database"].iter().any(|d| joined.contains(d)))
}

pub(super) fn is_superuser(v: &str) -> bool {
    SUPERUSERS.iter().any(|s| s.eq_ignore_ascii_case(v.trim()))
}

/// Superuser logins inside a string: connection addresses and key/value connection strings.
pub(super) fn superusers_in(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let url_text = if text.contains("://") { text } else { "" };
    for c in DB_URL.captures_iter(url_text) {
        let Some(all) = c.get(0) else { continue };
        let user = c
            .get(2)
            .map(|u| u.as_str().to_string())
            .or_else(|| URL_USER_PARAM.captures(all.as_str()).map(|p| p[1].to_string()));
        if let Some(user) = user.filter(|u| is_superuser(u)) {
            out.push((all.start(), user));
        }
    }
    let b = text.as_bytes();
    for c in KV_DSN_USER.captures_iter(text) {
        let (Some(all), Some(user)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if all.start() > 0 && !matches!(b[all.start() - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b'"' | b'\'') {
            continue;
        }
        // Only real connection strings: they also name a host, a database or a password nearby.
        let window = b[all.start().saturating_sub(200)..(all.end() + 200).min(b.len())].to_ascii_lowercase();
        let window = String::from_utf8_lossy(&window);
        let dsn = ["host=", "dbname=", "password=", "server=", "database=", "data source="]
            .iter()
            .any(|k| window.contains(k));
        if dsn && is_superuser(user.as_str()) && !out.iter().any(|(s, _)| *s <= user.start() && user.start() < *s + 200)
        {
            out.push((user.start(), user.as_str().to_string()));
        }
    }
    out
}

pub(super) fn s5_finding(file: &str, line: Option<u32>, object: Option<String>, what: String, user: &str) -> Finding {
    let mut f = Finding::new(CheckId::S5, file.to_string(), line).message(format!(
        "{what} logs in to the database as `{user}`, a superuser: one bug or injection can then damage every database on the server"
    ));
    f = f.fix(format!(
        "Connect as the app's own database user instead of `{user}` (`vibe generate` creates it, named after the \
         app, with its password in the SealedSecret): change the user setting or the user in the connection address."
    ));
    match object {
        Some(o) => f.object(o),
        None => f,
    }
}

/// Walks a YAML tree: (key path, string value node).
pub(super) fn walk_strings<'a>(node: &'a Node, path: &mut Vec<&'a str>, visit: &mut dyn FnMut(&[&'a str], &'a Node)) {
    match &node.value {
        crate::yaml::Value::Map(entries) => {
            for e in entries {
                path.push(e.key.as_str());
                walk_strings(&e.value, path, visit);
                path.pop();
            }
        }
        crate::yaml::Value::Seq(items) => {
            for i in items {
                walk_strings(i, path, visit);
            }
        }
        crate::yaml::Value::Scalar { .. } => {
            if node.as_str().is_some() {
                visit(path, node);
            }
        }
    }
}

/// S5: the database is reached with an app-scoped user, never a superuser.
pub fn s5(r: &Review, out: &mut Vec<Finding>) {
    s5_manifests(r.repo, out);
    s5_chart_values(r.repo, out);
    let manifests = manifest_files(r.repo);
    for f in r.repo.sources.iter().filter(|f| !manifests.contains(f.file.as_str())) {
        s5_source(r.repo, f, out);
    }
}

/// Container env values and ConfigMap data.
fn s5_manifests(repo: &Repo, out: &mut Vec<Finding>) {
    for w in workload::workloads(repo) {
        for c in w.containers() {
            for e in c.node.get("env").map(Node::items).unwrap_or_default() {
                let (Some(name), Some(value)) = (e.get("name").and_then(Node::as_str), e.get("value")) else {
                    continue;
                };
                let Some(v) = value.as_str() else { continue };
                let line = value.line().or(e.line());
                if may_be_user_key(name) && is_db_user_key(name) && is_superuser(v) {
                    if is_server_bootstrap_user(&c, name) {
                        continue;
                    }
                    out.push(s5_finding(
                        &w.obj.file,
                        line,
                        Some(w.obj.id()),
                        format!("The env var `{name}` of container `{}`", c.name),
                        v.trim(),
                    ));
                } else if may_hold_dsn(v) {
                    for (_, user) in superusers_in(v) {
                        out.push(s5_finding(
                            &w.obj.file,
                            line,
                            Some(w.obj.id()),
                            format!("The connection address in `{name}` of container `{}`", c.name),
                            &user,
                        ));
                    }
                }
            }
        }
    }
    for o in repo.objects.iter().filter(|o| o.kind == "ConfigMap") {
        for e in o.node.get("data").map(Node::entries).unwrap_or_default() {
            let Some(v) = e.value.as_str() else { continue };
            let line = e.value.line().or(e.key_pos.map(|p| p.line));
            if may_be_user_key(&e.key) && is_db_user_key(&e.key) && is_superuser(v) {
                out.push(s5_finding(&o.file, line, Some(o.id()), format!("The setting `{}`", e.key), v.trim()));
            } else if may_hold_dsn(v) {
                for (_, user) in superusers_in(v) {
                    out.push(s5_finding(
                        &o.file,
                        line,
                        Some(o.id()),
                        format!("The connection address in `{}`", e.key),
                        &user,
                    ));
                }
            }
        }
    }
}

/// Chart values (`values*.yaml`).
fn s5_chart_values(repo: &Repo, out: &mut Vec<Finding>) {
    for y in repo.yaml.iter().filter(|y| {
        let n = y.file.rsplit('/').next().unwrap_or(&y.file);
        n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"))
    }) {
        walk_strings(&y.node, &mut Vec::new(), &mut |path, node| {
            let v = node.as_str().unwrap_or("");
            let key = path.last().copied().unwrap_or("");
            if may_be_user_key(key) && is_superuser(v) && is_db_user_key(&path.join(".")) {
                out.push(s5_finding(
                    &y.file,
                    node.line(),
                    None,
                    format!("The chart value `{}`", path.join(".")),
                    v.trim(),
                ));
            } else if may_hold_dsn(v) {
                for (_, user) in superusers_in(v) {
                    out.push(s5_finding(
                        &y.file,
                        node.line(),
                        None,
                        format!("The connection address in `{}`", path.join(".")),
                        &user,
                    ));
                }
            }
        });
    }
}

/// A source or app config file (one finding per line).
fn s5_source(repo: &Repo, f: &TextFile, out: &mut Vec<Finding>) {
    let text = f.text.as_str();
    // Every finding below names a superuser: skip files that never mention one.
    if !SUPERUSER_WORD.is_match(text) {
        return;
    }
    let lines = std::cell::OnceCell::new();
    let line_at = |at: usize| lines.get_or_init(|| Lines::new(text)).line(at);
    let mut seen: Vec<u32> = Vec::new();
    let mut push = |line: u32, what: String, user: &str, out: &mut Vec<Finding>| {
        if !seen.contains(&line) {
            seen.push(line);
            out.push(s5_finding(&f.file, Some(line), None, what, user));
        }
    };
    let yaml_config = f.lang == Lang::Config && (f.file.ends_with(".yaml") || f.file.ends_with(".yml"));
    if yaml_config {
        // Nested keys (spring: datasource: username:) need the parsed tree.
        for y in repo.yaml.iter().filter(|y| y.file == f.file) {
            walk_strings(&y.node, &mut Vec::new(), &mut |path, node| {
                let v = node.as_str().unwrap_or("");
                let key = path.last().copied().unwrap_or("");
                if may_be_user_key(key)
                    && is_superuser(v)
                    && is_db_user_key(&path.join("."))
                    && let Some(l) = node.line()
                {
                    push(l, format!("The setting `{}`", path.join(".")), v.trim(), out);
                }
            });
        }
    } else if f.lang == Lang::Config {
        for (i, line) in text.lines().enumerate() {
            if let Some(c) = CONFIG_LINE.captures(line) {
                let v = c[2].trim().trim_matches(['"', '\'']);
                if is_db_user_key(&c[1]) && is_superuser(v) {
                    push(i as u32 + 1, format!("The setting `{}`", &c[1]), v, out);
                }
            }
        }
    } else {
        for c in QUOTED_SUPERUSER.captures_iter(text) {
            let (Some(all), Some(v)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let Some((at, key)) = code_user_key(text, all.start()) else {
                continue;
            };
            if !may_be_user_key(key) {
                continue;
            }
            let generic = matches!(key, "user" | "username" | "User" | "Username" | "USER");
            let hit = if generic {
                CLEAR_SUPERUSERS.iter().any(|s| s.eq_ignore_ascii_case(v.as_str()))
            } else {
                is_db_user_key(key) && is_superuser(v.as_str())
            };
            if hit {
                push(line_at(at), format!("`{key}`"), v.as_str(), out);
            }
        }
    }
    if may_hold_dsn(text) {
        for (at, user) in superusers_in(text) {
            push(line_at(at), "A connection address".into(), &user, out);
        }
    }
}
