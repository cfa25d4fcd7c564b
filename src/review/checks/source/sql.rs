//! S3: SQL built from strings

use super::*;

/// Text that reads as SQL.
pub(super) static SQL_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)\bselect\b.{0,400}?\bfrom\b|\binsert\s+into\b|\bupdate\s+[\w.`\x22\[\]]+\s+set\b|\bdelete\s+from\b|\b(?:drop|create|alter|truncate)\s+table\b|\bwhere\s+[\w.`\x22]+\s*(?:=|<|>|!=|\blike\b|\bin\b)|\bmerge\s+into\b",
    )
});

/// Calls that run SQL, per dialect.
pub(super) static SQL_CALLS: LazyLock<[(Dialect, Regex); 7]> = LazyLock::new(|| {
    [
        (
            Dialect::Python,
            re(
                r"(?:\.|\b)(execute|executemany|executescript|exec_driver_sql|raw|text|RawSQL|read_sql|read_sql_query|fetch|fetchrow|fetchval)\s*\(",
            ),
        ),
        (
            Dialect::Js,
            re(
                r"\.(query|execute|raw|\$queryRawUnsafe|\$executeRawUnsafe|queryRawUnsafe|executeRawUnsafe|exec|all|get|run|prepare|each|none|one|oneOrNone|many|manyOrNone|any|whereRaw|selectRaw)\s*\(",
            ),
        ),
        (
            Dialect::Go,
            re(
                r"\.(Query|QueryRow|QueryContext|QueryRowContext|Exec|ExecContext|Prepare|PrepareContext|Select|SelectContext|Get|GetContext|Raw|NamedExec|NamedQuery|MustExec|Queryx|QueryRowx)\s*\(",
            ),
        ),
        (
            Dialect::Java,
            re(
                r"\.(executeQuery|executeUpdate|executeLargeUpdate|execute|prepareStatement|prepareCall|addBatch|createQuery|createNativeQuery|createSQLQuery|queryForObject|queryForList|queryForMap|queryForRowSet|query|update|batchUpdate)\s*\(",
            ),
        ),
        (
            Dialect::Kotlin,
            re(
                r"\.(executeQuery|executeUpdate|executeLargeUpdate|execute|prepareStatement|prepareCall|addBatch|createQuery|createNativeQuery|createSQLQuery|queryForObject|queryForList|queryForMap|queryForRowSet|query|update|batchUpdate)\s*\(",
            ),
        ),
        (
            Dialect::Php,
            re(
                r"(?:->|::|\b)(query|exec|prepare|execute|raw|select|statement|unprepared|mysqli_query|pg_query|sqlsrv_query|whereRaw|selectRaw)\s*\(",
            ),
        ),
        (
            Dialect::Rust,
            re(
                r"\b(query|query_as|query_scalar|execute|raw_sql|prepare|query_one|query_opt|batch_execute|simple_query)\s*(?:::\s*<[^>]*>\s*)?\(",
            ),
        ),
    ]
});

/// Where a variable is assigned: `name =`, `name :=`, `name +=`, `$name .=`, `let name =`.
pub(super) static ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\$?[A-Za-z_][\w]*)\s*(?::\s*[\w<>\[\]&' ]{1,40}?\s*)?(\+=|\.=|:=|=)"));

/// How a piece of SQL text was built, when it was built by formatting.
pub(super) fn formatting(b: &[u8], range: (usize, usize), d: Dialect) -> Option<&'static str> {
    let lits = lang::literals(b, range, d);
    let bare = lang::without_literals(b, range, d);
    for l in &lits {
        if l.interpolated && !l.holes.is_empty() {
            // A tagged template (sql`...${x}`) is parameterised by its tag.
            let tagged = d == Dialect::Js
                && b[..l.start].iter().rev().find(|c| !c.is_ascii_whitespace()).is_some_and(|&c| lang::is_ident(c));
            if !tagged {
                return Some(match d {
                    Dialect::Python => "an f-string",
                    Dialect::Js => "a template literal with `${}`",
                    Dialect::Rust => "`{}` placeholders filled in",
                    _ => "variables inside the string",
                });
            }
        }
    }
    // \x01 stands for a literal (see `lang::without_literals`).
    static PY_PERCENT: LazyLock<Regex> = LazyLock::new(|| re(r"\x01\s*%\s*[\w(\[{]"));
    static CONCAT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\x01\s*\+\s*[\w$(\[]|[\w$)\]]\s*\+\s*\x01)"));
    static PHP_CONCAT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\x01\s*\.\s*[\w$(]|[\w)\]]\s*\.\s*\x01)"));
    let has_lit = !lits.is_empty();
    match d {
        Dialect::Python if PY_PERCENT.is_match(&bare) => return Some("`%` formatting"),
        Dialect::Python if bare.contains(".format(") => return Some("`.format()`"),
        Dialect::Go if bare.contains("Sprintf(") => return Some("`fmt.Sprintf`"),
        Dialect::Java | Dialect::Kotlin if bare.contains("String.format(") || bare.contains(".formatted(") => {
            return Some("`String.format`");
        }
        Dialect::Php if bare.contains("sprintf(") => return Some("`sprintf`"),
        Dialect::Php if has_lit && PHP_CONCAT.is_match(&bare) => return Some("`.` concatenation"),
        Dialect::Rust if bare.contains("format!(") => return Some("`format!`"),
        Dialect::Js if bare.contains(".concat(") && has_lit => return Some("`.concat()`"),
        _ => {}
    }
    if has_lit && d != Dialect::Php && CONCAT.is_match(&bare) {
        return Some("`+` concatenation");
    }
    None
}

pub(super) fn is_sql(b: &[u8], range: (usize, usize), d: Dialect) -> bool {
    lang::literals(b, range, d).iter().any(|l| {
        let body = &b[l.body.0..l.body.1];
        std::str::from_utf8(body).is_ok_and(|t| SQL_TEXT.is_match(t))
    })
}

/// The argument holding the SQL text, for calls whose first arguments are a context or a destination.
pub(super) fn sql_arg(b: &[u8], d: Dialect, name: &str, args: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = |a: &(usize, usize)| String::from_utf8_lossy(&b[a.0..a.1]).trim().to_string();
    match d {
        Dialect::Go => args.iter().find(|a| {
            let t = text(a);
            !(t.starts_with('&') || t == "ctx" || t.contains("Context(") || t.starts_with("context.") || t.is_empty())
        }),
        Dialect::Php if matches!(name, "mysqli_query" | "pg_query" | "sqlsrv_query") && args.len() >= 2 => args.get(1),
        _ => args.first(),
    }
    .copied()
}

pub(super) struct Assignment {
    name: String,
    at: usize,
    value: (usize, usize),
    append: bool,
}

pub(super) fn assignments(masked: &str, d: Dialect) -> Vec<Assignment> {
    let b = masked.as_bytes();
    let mut out = Vec::new();
    for c in ASSIGNMENT.captures_iter(masked) {
        let (Some(name), Some(op)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let end = op.end();
        // Not `==`, `<=`, `>=`, `!=`, `=>`.
        if b.get(end) == Some(&b'=') || b.get(end) == Some(&b'>') {
            continue;
        }
        if op.as_str() == "=" && op.start() > 0 && matches!(b[op.start() - 1], b'=' | b'!' | b'<' | b'>') {
            continue;
        }
        if name.start() > 0 && lang::is_ident(b[name.start() - 1]) {
            continue;
        }
        let value = lang::statement_end(b, end, d);
        out.push(Assignment {
            name: name.as_str().to_string(),
            at: name.start(),
            value: (end, value),
            append: op.as_str() == "+=" || op.as_str() == ".=",
        });
    }
    out
}

/// S3: no SQL built by string formatting or concatenation.
pub fn s3(r: &Review, out: &mut Vec<Finding>) {
    for (f, d, calls, masked) in lang::files_matching(&r.repo.sources, &*SQL_CALLS) {
        let b = masked.as_bytes();
        let lines = Lines::new(&masked);
        let mut assigns: Option<Vec<Assignment>> = None;
        let mut reported_until = 0usize;
        for c in calls.captures_iter(&masked) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if all.start() < reported_until {
                continue;
            }
            let open = all.end() - 1;
            let Some((end, args)) = lang::call_args(b, open, d) else {
                continue;
            };
            let Some(arg) = sql_arg(b, d, name.as_str(), &args) else {
                continue;
            };
            let mut how = formatting(b, arg, d).filter(|_| is_sql(b, arg, d));
            let mut via = None;
            let mut query = arg;
            if how.is_none() {
                // A variable holding the query: judge its assignments before the call.
                let ident = lang::bare_identifier(b, arg);
                if let Some(ident) = ident {
                    let list = assigns.get_or_insert_with(|| assignments(&masked, d));
                    let mut sql = false;
                    let mut built = None;
                    let mut appended = false;
                    for a in list.iter().filter(|a| a.name == ident && a.at < all.start()) {
                        if !a.append {
                            sql = false;
                            built = None;
                            query = a.value;
                        }
                        appended |= a.append;
                        sql |= is_sql(b, a.value, d);
                        built = built.or(formatting(b, a.value, d));
                    }
                    // A query built over several statements (`sql += ...`) is not read back.
                    if appended {
                        query = (0, 0);
                    }
                    if sql {
                        how = built;
                        via = Some(ident);
                    }
                }
            }
            if let Some(how) = how {
                reported_until = end;
                let subject = match via {
                    Some(v) => format!("The SQL in `{v}` passed to `{}` is built with {how}", name.as_str()),
                    None => format!("The SQL passed to `{}` is built with {how}", name.as_str()),
                };
                out.push(
                    Finding::new(CheckId::S3, f.file.clone(), Some(lines.line(name.start())))
                        .message(format!("{subject}: a value containing a quote can rewrite the query (SQL injection)"))
                        .fix(s3_fix(
                            d,
                            crate::review::checks::parameterise::example(
                                b,
                                (name.start(), name.end()),
                                query,
                                d,
                                &f.text,
                            ),
                        )),
                );
            }
        }
    }
}

/// S3's fix: the app's own call with placeholders when it could be read back, then the rule for
/// the language.
pub(super) fn s3_fix(d: Dialect, example: Option<String>) -> String {
    let general = s3_general_fix(d);
    match example {
        Some(call) => format!(
            "Write placeholders in the SQL and pass the values separately; here: `{call}`. {}",
            general.split_once("; never").map(|(_, never)| format!("Never{never}")).unwrap_or_default()
        ),
        None => general.to_string(),
    }
}

pub(super) fn s3_general_fix(d: Dialect) -> &'static str {
    match d {
        Dialect::Python => {
            "Write placeholders in the SQL and pass the values separately: \
             `cursor.execute(\"SELECT * FROM items WHERE id = %s\", (item_id,))` (sqlite3: `?`; SQLAlchemy: \
             `text(\"... WHERE id = :id\"), {\"id\": item_id}`); never f-strings, `%`, `.format()` or `+`."
        }
        Dialect::Js => {
            "Write placeholders in the SQL and pass the values separately: \
             `pool.query(\"SELECT * FROM items WHERE id = $1\", [itemId])` (mysql: `?`); never template literals \
             with `${}` or `+`."
        }
        Dialect::Go => {
            "Write placeholders in the SQL and pass the values as arguments: \
             `db.Query(\"SELECT * FROM items WHERE id = $1\", id)` (MySQL: `?`); never `fmt.Sprintf` or `+`."
        }
        Dialect::Java | Dialect::Kotlin => {
            "Use a PreparedStatement with `?` placeholders: `ps = conn.prepareStatement(\"SELECT * FROM items \
             WHERE id = ?\"); ps.setLong(1, id);` (JPA: named parameters); never `+` or `String.format`."
        }
        Dialect::Php => {
            "Use a prepared statement: `$stmt = $pdo->prepare('SELECT * FROM items WHERE id = ?'); \
             $stmt->execute([$id]);`; never put `$variables` into the SQL text."
        }
        Dialect::Rust => {
            "Use bind parameters: `sqlx::query(\"SELECT * FROM items WHERE id = $1\").bind(id)`; never `format!`."
        }
        Dialect::Config => "Use parameterised queries.",
    }
}
