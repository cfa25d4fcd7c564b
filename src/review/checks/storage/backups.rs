//! D5: every database has a backup CronJob that sends its dump off the cluster.
//! D6: a scheduled restore drill restores the latest backup into a scratch database.
//!
//! A CronJob counts for a database when one of its containers' command or args runs that
//! database's dump tool (postgres: pg_dump, pg_dumpall, pg_basebackup; mongo: mongodump) and one
//! of them sends files to object storage (rclone, aws s3, s3cmd, mc, gsutil, gcloud storage, az
//! storage blob, restic). A dump that only lands on a volume shares the fate of the database it
//! copies: the same deleted namespace, lost disk or mistaken command takes both.
//! A drill is a CronJob that runs the database's restore tool (pg_restore, mongorestore) and
//! does not name the database's own hosts: restoring into the real database is no drill.

use super::*;

static OFFSITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \brclone\b[^\n]*?\s(?:copy|copyto|sync|move|moveto|rcat)\b
        | \baws\b[^\n]*?\ss3\s+(?:cp|sync|mv)\b | \baws\b[^\n]*?\ss3api\s+put-object\b
        | \bs3cmd\b[^\n]*?\s(?:put|sync)\b
        | \bmc\s+(?:cp|mirror|pipe)\b
        | \bgsutil\b[^\n]*?\s(?:cp|rsync)\b | \bgcloud\s+storage\s+cp\b
        | \baz\s+storage\s+blob\s+upload
        | \brestic\b[^\n]*\bbackup\b
        ",
    )
    .unwrap()
});

/// The dump and restore tools of a database, as whole words.
fn tools(store: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match store {
        "postgres" => (&["pg_dump", "pg_dumpall", "pg_basebackup"], &["pg_restore"]),
        _ => (&["mongodump"], &["mongorestore"]),
    }
}

fn runs(text: &str, tool: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|t| t == tool)
}

/// Every CronJob's scripts: the command and args of all its containers as one text.
fn cronjobs<'a>(r: &'a Review) -> Vec<(Workload<'a>, String)> {
    r.model
        .workloads
        .iter()
        .copied()
        .filter(|w| w.obj.kind == "CronJob")
        .map(|w| {
            let mut text = String::new();
            for c in w.containers() {
                for key in ["command", "args"] {
                    let Some(n) = c.node.get(key) else { continue };
                    let items = n.items();
                    let parts: Vec<&str> = if items.is_empty() {
                        n.as_str().into_iter().collect()
                    } else {
                        items.iter().filter_map(Node::as_str).collect()
                    };
                    // Shell comments do not run: "pg_restore can read this" in a comment is no restore.
                    for line in parts.iter().flat_map(|p| p.lines()) {
                        let code = if line.trim_start().starts_with('#') { "" } else { line };
                        text.push_str(code.split(" #").next().unwrap_or(code));
                        text.push('\n');
                    }
                }
            }
            (w, text)
        })
        .collect()
}

/// The databases the app has: its postgres/mongo workloads (name, namespace) and those vibe.yaml enables.
fn databases(r: &Review) -> Vec<(&'static str, Option<String>, Vec<String>)> {
    let mut out: Vec<(&'static str, Option<String>, Vec<String>)> = Vec::new();
    for w in r.model.workloads.iter().filter(|w| w.long_running()) {
        let Some(id) = w.component.filter(|c| contract::DATABASES.contains(c)) else { continue };
        let ns = namespace_of(w.obj, r.ctx);
        match out.iter_mut().find(|(i, n, _)| *i == id && *n == ns) {
            Some(entry) => entry.2.push(w.obj.name.clone()),
            None => out.push((id, ns, vec![w.obj.name.clone()])),
        }
    }
    for id in r.ctx.stores.enabled().into_iter().filter(|id| contract::DATABASES.contains(id)) {
        if !out.iter().any(|(i, _, _)| *i == id) {
            out.push((id, r.ctx.namespace.clone(), Vec::new()));
        }
    }
    out.retain(|(_, ns, _)| !r.model.is_preview(ns.as_deref(), r.ctx));
    // The naming rule's Service (`<slug>-<store>`) is one of the database's hosts too.
    for (id, _, hosts) in &mut out {
        if let Some(slug) = &r.ctx.slug {
            hosts.push(format!("{slug}-{id}"));
        }
    }
    out
}

/// D5: every postgres/mongo database has a backup CronJob that sends its dump off the cluster.
pub fn d5(r: &Review, out: &mut Vec<Finding>) {
    let jobs = cronjobs(r);
    for (store, ns, _) in databases(r) {
        let (dumps, _) = tools(store);
        let dumping: Vec<&(Workload, String)> = jobs
            .iter()
            .filter(|(w, text)| namespace_of(w.obj, r.ctx) == ns && dumps.iter().any(|t| runs(text, t)))
            .collect();
        if dumping.iter().any(|(_, text)| OFFSITE.is_match(text)) {
            continue;
        }
        let finding = match dumping.first() {
            Some((w, _)) => Finding::new(CheckId::D5, &w.obj.file, w.obj.line()).object(w.obj.id()).message(format!(
                "{} dumps the {store} database but keeps the dump in the cluster: a deleted namespace, a lost \
                     disk or one mistaken command takes the data and its backups together.",
                w.obj.id()
            )),
            None => Finding::new(CheckId::D5, contract::BACKUP_FILE, None).message(format!(
                "Nothing backs up the {store} database: no CronJob dumps it and sends the dump off the cluster, so \
                 a lost disk, a deleted namespace or a mistaken DROP loses every record for good."
            )),
        };
        out.push(finding.fix(format!(
            "Run `vibe generate`: it writes {} with a CronJob that dumps {store} as the app's user and uploads it to \
             the platform's object storage (backup.* in the platform file). A dump to a volume of the same \
             namespace does not count.",
            contract::BACKUP_FILE
        )));
    }
}

/// D6: every postgres/mongo database has a scheduled restore drill into a scratch database.
pub fn d6(r: &Review, out: &mut Vec<Finding>) {
    let jobs = cronjobs(r);
    for (store, ns, hosts) in databases(r) {
        let (_, restores) = tools(store);
        let restoring: Vec<&(Workload, String)> = jobs
            .iter()
            .filter(|(w, text)| namespace_of(w.obj, r.ctx) == ns && restores.iter().any(|t| runs(text, t)))
            .collect();
        let into_real = |text: &str| hosts.iter().any(|h| names_host(text, h));
        if restoring.iter().any(|(_, text)| !into_real(text)) {
            continue;
        }
        let finding = match restoring.first() {
            Some((w, _)) => Finding::new(CheckId::D6, &w.obj.file, w.obj.line()).object(w.obj.id()).message(format!(
                "{} restores into the real {store} database: that is a scheduled overwrite of live data, not a \
                 drill.",
                w.obj.id()
            )),
            None => Finding::new(CheckId::D6, contract::BACKUP_FILE, None).message(format!(
                "No restore drill for the {store} database: nobody finds out that the backups cannot be restored \
                 until the day they are needed."
            )),
        };
        out.push(finding.fix(format!(
            "Run `vibe generate`: it writes {} with a weekly CronJob that restores the newest backup into a \
             throw-away database inside its own pod and fails loudly when a table is missing or empty.",
            contract::BACKUP_FILE
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_to_object_storage_are_recognised_and_local_copies_are_not() {
        for yes in [
            "rclone copyto /backup/db.dump \"offsite:$BUCKET/$PREFIX/x.dump\"",
            "rclone --retries 3 copy /backup offsite:b/p",
            "aws --endpoint-url \"$S3_ENDPOINT\" s3 cp /work/shop.dump s3://backups/shop.dump",
            "s3cmd --config=/c put db.dump s3://b/",
            "mc cp db.dump store/backups/",
            "gsutil -m cp db.dump gs://b/",
            "restic -r s3:https://s3.example.com/b backup /dump",
        ] {
            assert!(OFFSITE.is_match(yes), "{yes}");
        }
        for no in [
            "cp /tmp/db.dump /backups/",
            "pg_dump -f /backups/db.dump",
            "rclone version",
            "aws sts get-caller-identity",
        ] {
            assert!(!OFFSITE.is_match(no), "{no}");
        }
        assert!(runs("set -eu\npg_restore --dbname=x db.dump", "pg_restore"));
        assert!(!runs("pg_restore_helper", "pg_restore"));
    }
}
