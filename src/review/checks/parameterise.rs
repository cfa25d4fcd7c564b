//! S3's fix written with the app's own query: the SQL an f-string, template literal, `%`,
//! `.format()`, `Sprintf`, `format!` or `+` built, turned into the same SQL with placeholders and
//! the values passed beside it (`cur.execute("SELECT sku FROM stock WHERE sku = %s", (sku,))`).
//! When the query cannot be read back (a wrapper call, named format fields), there is no example
//! and the fix keeps its general wording.

use crate::lang::{self, Dialect, Lit};
use regex::Regex;
use std::sync::LazyLock;

/// A piece of the query: SQL text, or an expression whose value went into it.
enum Part {
    Sql(String),
    Value(String),
}

/// `%s`, `%d`, `%v`, `{}`, `{0}`: the slots of printf-style and `.format()` strings.
static SLOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"%[-+ 0#]*\d*(?:\.\d+)?[sdvifqr]|\{\d*(?::[^{}]*)?\}").expect("valid slot pattern"));

/// The app's call rewritten with placeholders, for the fix text: `call` is the byte range of the
/// method or function name in `b` (the masked source), `query` the argument (or the expression
/// assigned to the variable passed) that built the SQL. `file_text` tells the driver's
/// placeholder style (`?` for SQLite and MySQL, `$1` for PostgreSQL drivers in Node, Go and Rust).
pub fn example(b: &[u8], call: (usize, usize), query: (usize, usize), d: Dialect, file_text: &str) -> Option<String> {
    let parts = parts(b, query, d)?;
    let name = std::str::from_utf8(&b[call.0..call.1]).ok()?;
    let receiver = receiver(b, call.0);
    let lower = file_text.to_ascii_lowercase();
    let question = lower.contains("sqlite") || lower.contains("mysql");
    let style = match d {
        Dialect::Python if question && lower.contains("sqlite3") => Style::Question,
        Dialect::Python => Style::Percent,
        Dialect::Js | Dialect::Go | Dialect::Rust if question => Style::Question,
        Dialect::Js | Dialect::Go | Dialect::Rust => Style::Dollar,
        _ => Style::Question,
    };
    let (sql, values) = render_sql(&parts, style);
    if values.is_empty() {
        return None;
    }
    let quoted = quote(&sql, d);
    let dot = if receiver.is_empty() { "" } else { "." };
    Some(match d {
        Dialect::Python => {
            let tuple =
                if values.len() == 1 { format!("({},)", values[0]) } else { format!("({})", values.join(", ")) };
            format!("{receiver}{dot}{name}({quoted}, {tuple})")
        }
        Dialect::Js => format!("{receiver}{dot}{name}({quoted}, [{}])", values.join(", ")),
        Dialect::Go => format!("{receiver}{dot}{name}({quoted}, {})", values.join(", ")),
        Dialect::Java | Dialect::Kotlin => {
            let conn = receiver.split('.').next().filter(|c| !c.is_empty()).unwrap_or("connection");
            let sets: Vec<String> =
                values.iter().enumerate().map(|(i, v)| format!("ps.setObject({}, {v});", i + 1)).collect();
            let run = if name.starts_with("executeUpdate") { "executeUpdate" } else { "executeQuery" };
            format!("PreparedStatement ps = {conn}.prepareStatement({quoted}); {} ps.{run}();", sets.join(" "))
        }
        Dialect::Php => format!("$stmt = $pdo->prepare({quoted}); $stmt->execute([{}]);", values.join(", ")),
        Dialect::Rust => {
            let binds: String = values.iter().map(|v| format!(".bind({v})")).collect();
            format!("sqlx::query({quoted}){binds}")
        }
        Dialect::Config => return None,
    })
}

#[derive(Clone, Copy)]
enum Style {
    /// `%s` (psycopg2, PyMySQL).
    Percent,
    /// `?` (sqlite3, mysql, JDBC, PDO).
    Question,
    /// `$1`, `$2` (node-postgres, lib/pq, pgx, sqlx on PostgreSQL).
    Dollar,
}

/// The query's SQL with a placeholder where each value went (the quotes around a value go too:
/// `'{name}'` becomes `%s`), and the values in order.
fn render_sql(parts: &[Part], style: Style) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    let mut strip_next_quote: Option<char> = None;
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Sql(text) => {
                let mut text = text.as_str();
                if let Some(q) = strip_next_quote.take() {
                    text = text.strip_prefix(q).unwrap_or(text);
                }
                sql.push_str(text);
            }
            Part::Value(v) => {
                let next_quote = match parts.get(i + 1) {
                    Some(Part::Sql(t)) => t.chars().next(),
                    _ => None,
                };
                if let Some(q) = sql.chars().last().filter(|c| matches!(c, '\'' | '"') && next_quote == Some(*c)) {
                    sql.pop();
                    strip_next_quote = Some(q);
                }
                values.push(v.clone());
                sql.push_str(&match style {
                    Style::Percent => "%s".to_string(),
                    Style::Question => "?".to_string(),
                    Style::Dollar => format!("${}", values.len()),
                });
            }
        }
    }
    (sql.split_whitespace().collect::<Vec<_>>().join(" "), values)
}

/// The SQL as a string literal of the language.
fn quote(sql: &str, d: Dialect) -> String {
    match d {
        Dialect::Python | Dialect::Js | Dialect::Php if sql.contains('"') && !sql.contains('\'') => format!("'{sql}'"),
        _ => format!("\"{}\"", sql.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// The object a method is called on (`cur` in `cur.execute(`), or "" for a plain function.
fn receiver(b: &[u8], name_start: usize) -> String {
    let mut i = name_start;
    if i == 0 || b[i - 1] != b'.' {
        return String::new();
    }
    i -= 1;
    let end = i;
    let mut depth = 0usize;
    while i > 0 {
        let c = b[i - 1];
        match c {
            b')' | b']' => depth += 1,
            b'(' | b'[' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ if lang::is_ident(c) || c == b'.' || c == b'$' => {}
            _ => break,
        }
        i -= 1;
    }
    String::from_utf8_lossy(&b[i..end]).into_owned()
}

fn text(b: &[u8], range: (usize, usize)) -> &str {
    std::str::from_utf8(&b[range.0..range.1.min(b.len())]).unwrap_or("").trim()
}

/// A literal's content, with its escaped quotes read back (`\'` is `'`).
fn body(b: &[u8], l: &Lit) -> String {
    text(b, l.body).replace("\\'", "'").replace("\\\"", "\"")
}

/// The query as SQL pieces and values, for the ways S3 recognises a query being built.
fn parts(b: &[u8], range: (usize, usize), d: Dialect) -> Option<Vec<Part>> {
    let lits = lang::literals(b, range, d);
    let first = lits.first()?;
    let before = text(b, (range.0, first.start));
    let after = text(b, (first.end, range.1));
    // One interpolated literal: f"... {x} ...", `... ${x} ...`, "... $x ...", "... {x} ...".
    if lits.len() == 1 && before.is_empty() && after.is_empty() && first.interpolated && !first.holes.is_empty() {
        let mut out = Vec::new();
        let mut at = first.body.0;
        for hole in &first.holes {
            let sql = text_raw(b, (at, hole.0));
            out.push(Part::Sql(sql.trim_end_matches("${").trim_end_matches('{').to_string()));
            out.push(Part::Value(text(b, *hole).to_string()));
            at = hole.1;
        }
        let rest = text_raw(b, (at, first.body.1));
        out.push(Part::Sql(rest.strip_prefix('}').unwrap_or(&rest).to_string()));
        // `{x}` left a `}` at the start of each SQL piece after a hole.
        for p in out.iter_mut().skip(1) {
            if let Part::Sql(s) = p
                && let Some(t) = s.strip_prefix('}')
            {
                *s = t.to_string();
            }
        }
        return Some(out);
    }
    // printf style: "... %s" % (x,), "... {}".format(x), Sprintf("... %s", x), format!("... {}", x).
    if SLOT.is_match(&body(b, first)) {
        let values = if let Some(rest) = after.strip_prefix('%') {
            let rest = rest.trim();
            let inner = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).unwrap_or(rest);
            split_top(inner)
        } else if after.starts_with(".format(") {
            let open = first.end + b[first.end..].iter().position(|&c| c == b'(')?;
            let (_, args) = lang::call_args(b, open, d)?;
            args.iter().map(|a| text(b, *a).to_string()).collect()
        } else if before.ends_with('(')
            && ["Sprintf(", "format!(", "format(", "sprintf("].iter().any(|f| before.ends_with(f))
        {
            let open = range.0 + b[range.0..first.start].iter().rposition(|&c| c == b'(')?;
            let (_, args) = lang::call_args(b, open, d)?;
            args.iter().skip(1).map(|a| text(b, *a).to_string()).collect()
        } else {
            return None;
        };
        let sql = body(b, first);
        let slots: Vec<_> = SLOT.find_iter(&sql).collect();
        if slots.len() != values.len() || values.iter().any(|v| v.is_empty() || v.contains('=')) {
            return None;
        }
        let mut out = Vec::new();
        let mut at = 0;
        for (slot, value) in slots.iter().zip(values) {
            out.push(Part::Sql(sql[at..slot.start()].to_string()));
            out.push(Part::Value(value));
            at = slot.end();
        }
        out.push(Part::Sql(sql[at..].to_string()));
        return Some(out);
    }
    // Concatenation: "..." + x + "..." (PHP: `.`).
    let op = if d == Dialect::Php { b'.' } else { b'+' };
    let mut out = Vec::new();
    let mut start = range.0;
    let mut depth = 0usize;
    let mut i = range.0;
    let mut lit_iter = lits.iter().peekable();
    let flush = |from: usize, to: usize, out: &mut Vec<Part>| -> Option<()> {
        let piece = text(b, (from, to));
        let lit = lits.iter().find(|l| text(b, (l.start, l.end)) == piece && l.start >= from && l.end <= to);
        match lit {
            Some(l) if !l.interpolated || l.holes.is_empty() => out.push(Part::Sql(body(b, l))),
            Some(_) => return None,
            None if piece.is_empty() => return None,
            None => out.push(Part::Value(piece.to_string())),
        }
        Some(())
    };
    while i < range.1 {
        if let Some(l) = lit_iter.peek().filter(|l| l.start == i) {
            i = l.end;
            lit_iter.next();
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            c if c == op && depth == 0 => {
                flush(start, i, &mut out)?;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    flush(start, range.1, &mut out)?;
    let has_value = out.iter().any(|p| matches!(p, Part::Value(_)));
    (out.len() > 1 && has_value).then_some(out)
}

/// A range's text, untrimmed (SQL keeps its spaces).
fn text_raw(b: &[u8], range: (usize, usize)) -> String {
    String::from_utf8_lossy(&b[range.0..range.1.min(b.len())]).into_owned()
}

/// `a, b` -> [a, b], commas inside brackets kept; a trailing comma (`(x,)`) ends the list.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example for the first `name(` call of `src`, its first argument being the query.
    fn example_for(src: &str, name: &str, d: Dialect) -> Option<String> {
        let b = src.as_bytes();
        let at = src.find(&format!("{name}(")).unwrap();
        let open = at + name.len();
        let (_, args) = lang::call_args(b, open, d).unwrap();
        let query = if d == Dialect::Go { args[args.len() - 1] } else { args[0] };
        example(b, (at, open), query, d, src)
    }

    #[test]
    fn the_apps_own_query_gets_placeholders() {
        let cases = [
            (
                "cur.execute(f\"SELECT sku, quantity FROM stock WHERE sku = '{sku}'\")",
                "execute",
                Dialect::Python,
                "cur.execute(\"SELECT sku, quantity FROM stock WHERE sku = %s\", (sku,))",
            ),
            (
                "cur.execute(\"SELECT * FROM items WHERE name = '%s' AND id = %d\" % (name, item_id))",
                "execute",
                Dialect::Python,
                "cur.execute(\"SELECT * FROM items WHERE name = %s AND id = %s\", (name, item_id))",
            ),
            (
                "cur.execute(\"DELETE FROM items WHERE id = {}\".format(item_id))",
                "execute",
                Dialect::Python,
                "cur.execute(\"DELETE FROM items WHERE id = %s\", (item_id,))",
            ),
            (
                "await pool.query(`SELECT * FROM orders WHERE user_id = ${req.params.id}`)",
                "query",
                Dialect::Js,
                "pool.query(\"SELECT * FROM orders WHERE user_id = $1\", [req.params.id])",
            ),
            (
                "await pool.query('SELECT * FROM items WHERE name = \\'' + name + '\\'')",
                "query",
                Dialect::Js,
                "pool.query(\"SELECT * FROM items WHERE name = $1\", [name])",
            ),
            (
                "db.Query(fmt.Sprintf(\"SELECT * FROM items WHERE id = '%s'\", id))",
                "Query",
                Dialect::Go,
                "db.Query(\"SELECT * FROM items WHERE id = $1\", id)",
            ),
            (
                "c.createStatement().executeQuery(\"SELECT * FROM items WHERE id = '\" + id + \"'\");",
                "executeQuery",
                Dialect::Java,
                "PreparedStatement ps = c.prepareStatement(\"SELECT * FROM items WHERE id = ?\"); ps.setObject(1, id); ps.executeQuery();",
            ),
        ];
        for (src, name, d, want) in cases {
            assert_eq!(example_for(src, name, d).as_deref(), Some(want), "{src}");
        }
        let sqlite = "import sqlite3\ncur.execute(f\"SELECT * FROM t WHERE a = {a}\")";
        assert_eq!(
            example_for(sqlite, "execute", Dialect::Python).as_deref(),
            Some("cur.execute(\"SELECT * FROM t WHERE a = ?\", (a,))")
        );
        // A wrapper call is not read back: the general text stays.
        assert_eq!(example_for("s.execute(text(f\"SELECT {a}\"))", "execute", Dialect::Python), None);
    }
}
