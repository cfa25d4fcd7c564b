//! D5: every database has a backup CronJob that sends its dump off the cluster.
//! D6: a scheduled restore drill restores the latest backup into a scratch database.
//!
//! A CronJob counts for a database when one of its containers' command or args runs that
//! database's dump tool (postgres: pg_dump, pg_dumpall, pg_basebackup; mongo: mongodump) and one
//! of them sends files to object storage (rclone, aws s3, s3cmd, mc, gsutil, gcloud storage, az
//! storage blob, restic) outside the cluster (`upload_target`). A dump that only lands on a volume,
//! or in object storage running in the same cluster, shares the fate of the database it copies:
//! the same deleted namespace, lost disk or mistaken command takes both.
//! A drill is a CronJob that runs the database's restore tool (pg_restore, mongorestore) and
//! does not name the database's own hosts: restoring into the real database is no drill.

use super::upload_target::inside_cluster;
use super::*;
use crate::review::model::backup_jobs::{runs, script, scripts, tools};

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

/// Every CronJob's scripts: the command and args of all its containers as one text.
fn cronjobs<'a>(r: &'a Review) -> Vec<(Workload<'a>, String)> {
    r.model.workloads.iter().copied().filter(|w| w.obj.kind == "CronJob").map(|w| (w, scripts(&w))).collect()
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
        // The first upload that stays inside the cluster, if no upload leaves it.
        let mut inside: Option<(&Workload, String)> = None;
        let offsite = dumping.iter().any(|(w, _)| {
            w.containers().iter().map(|c| (c, script(c))).filter(|(_, s)| OFFSITE.is_match(s)).any(|(c, s)| {
                match inside_cluster(r, w, c, &s) {
                    Some(target) => {
                        inside.get_or_insert((w, target));
                        false
                    }
                    None => true,
                }
            })
        });
        if offsite {
            continue;
        }
        let finding = match (inside, dumping.first()) {
            (Some((w, target)), _) => {
                Finding::new(CheckId::D5, &w.obj.file, w.obj.line()).object(w.obj.id()).message(format!(
                    "{} dumps the {store} database and uploads it to {target}: it shares the database's fate, so a \
                     deleted namespace or cluster, a lost disk or one mistaken command takes the data and its \
                     backups together.",
                    w.obj.id()
                ))
            }
            (None, Some((w, _))) => {
                Finding::new(CheckId::D5, &w.obj.file, w.obj.line()).object(w.obj.id()).message(format!(
                    "{} dumps the {store} database but keeps the dump in the cluster: a deleted namespace, a lost \
                     disk or one mistaken command takes the data and its backups together.",
                    w.obj.id()
                ))
            }
            (None, None) => Finding::new(CheckId::D5, contract::BACKUP_FILE, None).message(format!(
                "Nothing backs up the {store} database: no CronJob dumps it and sends the dump off the cluster, so \
                 a lost disk, a deleted namespace or a mistaken DROP loses every record for good."
            )),
        };
        out.push(finding.fix(format!(
            "Run `vibe generate`: it writes {} with a CronJob that dumps {store} as the app's user and uploads it to \
             the platform's object storage outside the cluster ({}, backup.endpoint in the platform file). A dump \
             to a volume of the same namespace, or to object storage running in the cluster, does not count.",
            contract::BACKUP_FILE,
            r.ctx.platform.backup.endpoint
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
    use crate::review::ReviewContext;

    const DB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-postgres, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: postgres\n        image: postgres:16\n";

    /// D5's messages for a backup CronJob whose upload container has `env` and runs `upload`.
    fn d5_messages(env: &str, upload: &str) -> Vec<String> {
        let job = format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: shop-backup, namespace: shop}}\nspec:\n  schedule: '0 2 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n          - name: dump\n            image: postgres:16\n            command: [sh, -c, 'pg_dump -Fc -f /b/db.dump']\n          containers:\n          - name: upload\n            image: rclone/rclone:1.68\n            command: [sh, -c, '{upload}']\n            env: {env}\n"
        );
        let svc =
            "apiVersion: v1\nkind: Service\nmetadata: {name: minio, namespace: shop}\nspec: {ports: [{port: 9000}]}\n";
        let repo = crate::repo::Repo::from_files(
            std::path::Path::new("/r"),
            &[("k8s/05-db.yaml", DB), ("k8s/06-minio.yaml", svc), ("k8s/13-backup.yaml", &job)],
        );
        let ctx = ReviewContext::for_repo(&repo, std::path::Path::new("/r"), None);
        let model = crate::review::model::Model::new(&repo);
        let mut out = Vec::new();
        d5(&Review { repo: &repo, ctx: &ctx, model: &model }, &mut out);
        out.into_iter().map(|f| format!("{}:{:?} {}", f.file, f.line, f.message)).collect()
    }

    #[test]
    fn uploads_that_stay_in_the_cluster_are_d5_at_the_cronjob() {
        let cases = [
            (
                "[]",
                "aws --endpoint-url http://minio.shop.svc.cluster.local:9000 s3 cp /b/db.dump s3://b/",
                "minio.shop.svc.cluster.local, a Service inside the cluster",
            ),
            (
                "[{name: AWS_ENDPOINT_URL, value: 'http://minio:9000'}]",
                "aws s3 cp /b/db.dump s3://b/",
                "minio, a Service inside the cluster",
            ),
            (
                "[{name: K, valueFrom: {secretKeyRef: {name: s, key: k}}}, {name: MC_HOST_store, value: 'http://$(K):$(K)@minio.shop:9000'}]",
                "mc cp /b/db.dump store/b/",
                "minio.shop, a Service inside the cluster",
            ),
            (
                "[{name: RCLONE_CONFIG_DEST_TYPE, value: local}]",
                "rclone copy /b dest:/backups",
                "the rclone remote dest, of type local",
            ),
            (
                "[{name: S3_ENDPOINT, value: 'http://localhost:9000'}]",
                "aws --endpoint-url $S3_ENDPOINT s3 cp /b/db.dump s3://b/",
                "localhost, the backup pod itself",
            ),
        ];
        for (env, upload, words) in cases {
            let got = d5_messages(env, upload);
            assert_eq!(got.len(), 1, "{upload}: {got:?}");
            assert!(
                got[0].starts_with(
                    "k8s/13-backup.yaml:Some(1) CronJob/shop-backup dumps the postgres database and uploads it to "
                ),
                "{got:?}"
            );
            assert!(got[0].contains(words) && got[0].contains("shares the database's fate"), "{words}: {got:?}");
        }
    }

    #[test]
    fn uploads_off_the_cluster_or_through_a_secret_pass() {
        let platform = crate::platform::Platform::default().backup.endpoint;
        for (env, upload) in [
            ("[]", "aws s3 cp /b/db.dump s3://b/"),
            (
                "[{name: S3_ENDPOINT, value: 'https://objects.example.net'}]",
                "aws --endpoint-url $S3_ENDPOINT s3 cp /b/db.dump s3://b/",
            ),
            // A Secret's value is not readable here, and the platform's own job reads it the same way.
            (
                "[{name: S3_ENDPOINT, valueFrom: {secretKeyRef: {name: s, key: endpoint}}}]",
                "aws --endpoint-url $S3_ENDPOINT s3 cp /b/db.dump s3://b/",
            ),
            // The generated job: an rclone remote at the platform's object storage.
            (
                &format!(
                    "[{{name: RCLONE_CONFIG_OFFSITE_TYPE, value: s3}}, {{name: RCLONE_CONFIG_OFFSITE_ENDPOINT, value: '{platform}'}}]"
                ),
                "rclone copyto /b/db.dump offsite:b/x.dump",
            ),
            // One of two remotes leaves the cluster.
            (
                "[{name: RCLONE_CONFIG_SCRATCH_TYPE, value: local}, {name: RCLONE_CONFIG_OFFSITE_TYPE, value: b2}]",
                "rclone copy /b offsite:b",
            ),
        ] {
            assert_eq!(d5_messages(env, upload), Vec::<String>::new(), "{env} {upload}");
        }
    }

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
