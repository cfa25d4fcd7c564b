//! `vibe backup`: prints the commands that start a backup or restore one. vibe never talks to the
//! cluster or the object storage itself: whoever holds the rights runs what it prints.

use super::Config;
use crate::cli::{BackupAction, BackupArgs};
use crate::contract;
use crate::error::{Error, Exit};
use crate::spec::AppSpec;

/// Runs `vibe backup`.
pub fn run(config: &Config, args: BackupArgs) -> Result<Exit, Error> {
    // The image tag plays no part in these commands: a placeholder keeps them working outside git.
    let spec = config.workspace(&config.root).spec(Some("backup".into()))?;
    let Some(db) = spec.database else {
        return Err(Error::Usage(
            "this app has no database (vibe.yaml `database: none`): there is nothing to back up. Redis and RabbitMQ \
             hold no data that needs one."
                .into(),
        ));
    };
    match args.action {
        BackupAction::Now => print!("{}", now(&spec, db, &minutes_now())),
        BackupAction::Restore { from } => print!("{}", restore(&spec, db, &from)?),
    }
    Ok(Exit::Ok)
}

/// Minutes since 1970 (as Kubernetes suffixes scheduled Jobs), for a Job name nobody has used yet.
fn minutes_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (secs / 60).to_string()
}

fn now(spec: &AppSpec, db: &str, minutes: &str) -> String {
    let ns = spec.namespace();
    let cronjob = contract::backup_cronjob_name(spec.slug(), db, "backup");
    let job = contract::manual_job_name(&cronjob, &format!("manual-{minutes}"));
    format!(
        "# Start a backup of the {db} database of {} now (the same Job the nightly schedule runs):\n\
         kubectl --namespace {ns} create job --from=cronjob/{cronjob} {job}\n\
         # Follow it; the last line names the dump it uploaded:\n\
         kubectl --namespace {ns} logs --follow job/{job} --all-containers\n",
        spec.name()
    )
}

/// The dump key inside the bucket (`<namespace>/<store>/<stamp>.dump`), checked against this app.
fn dump_key(spec: &AppSpec, db: &str, from: &str) -> Result<String, Error> {
    let ns = spec.namespace();
    let prefix = format!("{ns}/{db}/");
    let bucket = &spec.platform.backup.bucket;
    let key = from.trim().trim_start_matches('/');
    let key = key.strip_prefix(&format!("{bucket}/")).unwrap_or(key);
    let stamp = key.strip_prefix(&prefix).and_then(|k| k.strip_suffix(".dump")).unwrap_or("");
    let b = stamp.as_bytes();
    let well_formed = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b.iter().enumerate().all(|(i, c)| matches!(i, 8 | 15) || c.is_ascii_digit());
    if !well_formed {
        return Err(Error::Usage(format!(
            "--from must name one of this app's dumps: {prefix}<UTC time>.dump, e.g. {prefix}20261206T021700Z.dump \
             (the backup Job's log prints it after `uploaded`; your platform team can list them under \
             {bucket}/{prefix})."
        )));
    }
    Ok(key.to_string())
}

fn restore(spec: &AppSpec, db: &str, from: &str) -> Result<String, Error> {
    let key = dump_key(spec, db, from)?;
    let ns = spec.namespace();
    let slug = spec.slug();
    let b = &spec.platform.backup;
    let p = &spec.platform;
    let app = format!("{slug}-app");
    let store = format!("{slug}-{db}");
    let backup = contract::backup_cronjob_name(slug, db, "backup");
    let safety = contract::manual_job_name(&backup, "before-restore");
    let load = match db {
        "postgres" => format!(
            "kubectl --namespace {ns} exec -i deployment/{store} -- \\\n  pg_restore --clean --if-exists \
             --exit-on-error --single-transaction --username=postgres --dbname={} < restore.dump",
            slug.replace('-', "_")
        ),
        _ => format!(
            "kubectl --namespace {ns} exec -i deployment/{store} -- sh -c \\\n  'mongorestore --archive --gzip --drop \
             --username admin --password \"$MONGO_INITDB_ROOT_PASSWORD\" --authenticationDatabase admin' < restore.dump"
        ),
    };
    Ok(format!(
        "# Restore {bucket}/{key} into the {db} database of {name} (namespace {ns}).\n\
         # For the platform team: it replaces the data in the database. vibe runs none of this itself.\n\
         \n\
         # 1. Keep ArgoCD from undoing the steps below, and stop the app writing while the data is replaced.\n\
         kubectl --namespace {argocd} patch application {slug} --type merge -p '{{\"spec\":{{\"syncPolicy\":{{\"automated\":null}}}}}}'\n\
         kubectl --namespace {ns} scale deployment/{app} --replicas=0\n\
         \n\
         # 2. Take a fresh backup first, so the restore can itself be undone.\n\
         kubectl --namespace {ns} create job --from=cronjob/{backup} {safety}\n\
         kubectl --namespace {ns} wait --for=condition=complete --timeout=30m job/{safety}\n\
         \n\
         # 3. Download the dump (credentials: the Secret {secret}, as the backup CronJob uses them).\n\
         export RCLONE_CONFIG_OFFSITE_TYPE=s3 RCLONE_CONFIG_OFFSITE_PROVIDER=Other RCLONE_CONFIG_OFFSITE_ENDPOINT={endpoint}\n\
         export RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID=\"$(kubectl --namespace {ns} get secret {secret} -o jsonpath='{{.data.AWS_ACCESS_KEY_ID}}' | base64 -d)\"\n\
         export RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY=\"$(kubectl --namespace {ns} get secret {secret} -o jsonpath='{{.data.AWS_SECRET_ACCESS_KEY}}' | base64 -d)\"\n\
         rclone copyto offsite:{bucket}/{key} restore.dump\n\
         \n\
         # 4. Load it into the database (all or nothing), as the database's own administrator.\n\
         {load}\n\
         \n\
         # 5. Start the app again and let ArgoCD manage it again.\n\
         kubectl --namespace {ns} scale deployment/{app} --replicas=1\n\
         kubectl --namespace {argocd} patch application {slug} --type merge -p '{{\"spec\":{{\"syncPolicy\":{{\"automated\":{{\"prune\":true,\"selfHeal\":true}}}}}}}}'\n\
         rm restore.dump\n",
        bucket = b.bucket,
        name = spec.name(),
        argocd = p.argocd_namespace,
        secret = b.credentials_secret,
        endpoint = crate::quote::shell_word(&b.endpoint),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(db: &str) -> AppSpec {
        let mut a = crate::wizard::blank();
        a.name = "Shop".into();
        a.runtime = "python3.12".into();
        a.database = db.into();
        AppSpec::resolve(a, crate::platform::Platform::default(), Some("abc1234".into())).unwrap()
    }

    #[test]
    fn now_prints_the_job_from_the_backup_cronjob() {
        let text = now(&spec("postgres"), "postgres", "29000000");
        assert!(
            text.contains(
                "kubectl --namespace platform-vibe-shop create job --from=cronjob/shop-postgres-backup \
                 shop-postgres-backup-manual-29000000\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn restore_takes_only_this_apps_dumps_and_prints_every_step() {
        let s = spec("postgres");
        let text =
            restore(&s, "postgres", "platform-vibe-backups/platform-vibe-shop/postgres/20261206T021700Z.dump").unwrap();
        for step in [
            "create job --from=cronjob/shop-postgres-backup shop-postgres-backup-before-restore",
            "rclone copyto offsite:platform-vibe-backups/platform-vibe-shop/postgres/20261206T021700Z.dump restore.dump",
            "pg_restore --clean --if-exists --exit-on-error --single-transaction --username=postgres --dbname=shop",
            "scale deployment/shop-app --replicas=0",
        ] {
            assert!(text.contains(step), "{step} missing:\n{text}");
        }
        for bad in ["other-ns/postgres/20261206T021700Z.dump", "platform-vibe-shop/postgres/latest.dump", "x; rm -rf /"]
        {
            let err = restore(&s, "postgres", bad).unwrap_err().to_string();
            assert!(err.contains("platform-vibe-shop/postgres/<UTC time>.dump"), "{bad}: {err}");
        }
    }
}
