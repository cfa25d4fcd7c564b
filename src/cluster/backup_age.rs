//! How old the last good backup is: the live backup and restore-drill CronJobs' status
//! (`lastSuccessfulTime`, `lastScheduleTime`) against their schedule.
//!
//! A backup is stale when its last success is older than two schedule periods (the interval
//! between the runs around now) and at least two scheduled runs have passed since, so a weekday
//! schedule read on a Monday is not stale for the weekend. Stale, never successful although due
//! for more than a period, or suspended: a live D5 finding (D6 for the drill, a WARNING) at the
//! CronJob in the repo's manifest. A recent success is a note of the report.
//!
//! "Now" is the API server's clock (its `Date` header) when the client has it: the CronJob
//! controller's times are the cluster's, and a laptop's clock may be off.

use super::objects::FILE_PREFIX;
use super::schedule::Schedule;
use crate::contract::{self, CheckId};
use crate::repo::Object;
use crate::review::Finding;
use crate::review::model::backup_jobs::{self, Role};
use crate::review::workload;
use crate::yaml::Node;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value as Json;

/// What the backup CronJobs showed.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Live D5/D6 findings.
    pub findings: Vec<Finding>,
    /// Recent successes and what could not be judged, in plain words.
    pub notes: Vec<String>,
}

/// What the review knows around the CronJobs.
pub struct Around<'a> {
    /// The reviewed namespace.
    pub namespace: &'a str,
    /// The repo's manifests (k8s/), where findings point.
    pub manifests: &'a [&'a Object],
    /// The app's slug, to tell vibe's own backup CronJob (`vibe backup now` starts it).
    pub slug: Option<&'a str>,
    /// The moment judged.
    pub now: Timestamp,
}

/// One live CronJob's facts.
struct Job<'a> {
    obj: &'a Object,
    role: Role,
    store: &'static str,
    suspended: bool,
    last_success: Option<Timestamp>,
    last_schedule: Option<Timestamp>,
    created: Option<Timestamp>,
}

impl Job<'_> {
    fn what(&self) -> &'static str {
        match self.role {
            Role::Backup => "backup",
            Role::Drill => "restore drill",
        }
    }
    fn check(&self) -> CheckId {
        match self.role {
            Role::Backup => CheckId::D5,
            Role::Drill => CheckId::D6,
        }
    }
}

/// The API server's `Date` header (`Sun, 06 Dec 2026 10:00:00 GMT`) as a moment.
pub fn http_date(text: &str) -> Option<Timestamp> {
    jiff::fmt::rfc2822::parse(text.trim()).ok().map(|z| z.timestamp())
}

/// Judges the backup and restore-drill CronJobs among `live` (cleaned objects); `raw` are the
/// CronJobs as the API server gave them (with their status).
pub fn judge(live: &[Object], raw: &[Json], around: &Around) -> Evidence {
    let mut ev = Evidence::default();
    for obj in live.iter().filter(|o| o.kind == "CronJob") {
        let Some((role, store)) = workload::workload(obj).as_ref().and_then(backup_jobs::role) else { continue };
        let Some(item) = raw.iter().find(|j| j["metadata"]["name"].as_str() == Some(&obj.name)) else { continue };
        let time = |v: &Json| v.as_str().and_then(|s| s.parse::<Timestamp>().ok());
        let job = Job {
            obj,
            role,
            store,
            suspended: obj.node.path("spec.suspend").and_then(Node::as_bool) == Some(true),
            last_success: time(&item["status"]["lastSuccessfulTime"]),
            last_schedule: time(&item["status"]["lastScheduleTime"]),
            created: time(&item["metadata"]["creationTimestamp"]),
        };
        judge_job(&job, around, &mut ev);
    }
    ev
}

fn judge_job(job: &Job, around: &Around, ev: &mut Evidence) {
    let (id, what, now) = (job.obj.id(), job.what(), around.now);
    if job.suspended {
        let last = match job.last_success {
            Some(t) => format!("the last successful one was {} ago ({})", ago(now.duration_since(t)), stamp(t)),
            None => format!("no {what} has ever succeeded"),
        };
        let means = match job.role {
            Role::Backup => "everything written since then exists only in the cluster",
            Role::Drill => "nobody finds out whether the backups can still be restored",
        };
        let message = format!("{id} is suspended (spec.suspend: true): the {what}s are off; {last}, and {means}.");
        let fix = format!(
            "Resume it: remove `suspend: true` from the CronJob in Git if it is there, else `kubectl --namespace {} \
             patch cronjob {} --patch '{{\"spec\":{{\"suspend\":false}}}}'`; then {}",
            around.namespace,
            job.obj.name,
            run_now(job, around)
        );
        ev.findings.push(finding(job, around, message, fix));
        return;
    }
    let schedule_text = job.obj.node.path("spec.schedule").and_then(Node::as_str).unwrap_or_default();
    let zone = job.obj.node.path("spec.timeZone").and_then(Node::as_str);
    let schedule = match Schedule::parse(schedule_text, zone) {
        Ok(s) => s,
        Err(why) => {
            ev.notes
                .push(format!("{id}: its schedule cannot be read ({why}): the age of its last {what} was not judged."));
            return;
        }
    };
    let Some(period) = schedule.period(now) else {
        ev.notes.push(format!("{id}: its schedule `{schedule_text}` has no run around now: not judged."));
        return;
    };
    let runs = schedule.describe();
    match job.last_success {
        Some(t) => {
            let age = now.duration_since(t);
            let missed_two = schedule.second_previous(now).is_some_and(|p| p > t);
            if age > period * 2 && missed_two {
                let means = match job.role {
                    Role::Backup => format!(
                        "Nothing the app wrote since then is off the cluster: losing the namespace or its disk now \
                         loses {} of {} data.",
                        ago(age),
                        job.store
                    ),
                    Role::Drill => "Nobody knows whether the backups made since then can be restored.".to_string(),
                };
                let message =
                    format!("{id}: last successful {what} {} ago ({}); it runs {runs}. {means}", ago(age), stamp(t));
                ev.findings.push(finding(job, around, message, why_and_now(job, around)));
            } else {
                ev.notes.push(format!("{id}: last {what} {} ago ({}); it runs {runs}.", ago(age), stamp(t)));
            }
        }
        None => {
            let first = job.created.and_then(|c| schedule.next(c)).or(job.last_schedule);
            match first {
                Some(f) if now.duration_since(f) > period => {
                    let means = match job.role {
                        Role::Backup => format!("no copy of the {} data exists outside the cluster", job.store),
                        Role::Drill => "nobody knows whether the backups can be restored".to_string(),
                    };
                    let message = format!(
                        "{id} has never completed a {what}, though it has been due since {} (it runs {runs}): {means}.",
                        stamp(f)
                    );
                    ev.findings.push(finding(job, around, message, why_and_now(job, around)));
                }
                Some(f) if f <= now => {
                    ev.notes.push(format!("{id}: no {what} has succeeded yet; the first was due {}.", stamp(f)))
                }
                _ => ev.notes.push(format!("{id}: no {what} has run yet; it runs {runs}.")),
            }
        }
    }
}

/// A live finding at the CronJob in the repo's manifest (the live object when Git has none).
fn finding(job: &Job, around: &Around, message: String, fix: String) -> Finding {
    let in_repo = around.manifests.iter().find(|o| o.kind == "CronJob" && o.name == job.obj.name);
    let (file, line) = match in_repo {
        Some(o) => (o.file.clone(), o.line()),
        None => (format!("{FILE_PREFIX}{}", job.obj.id()), None),
    };
    Finding::new(job.check(), file, line).object(job.obj.id()).message(message).fix(fix).live()
}

/// What to do about a failing job: read the last run's logs, then start one now.
fn why_and_now(job: &Job, around: &Around) -> String {
    let (ns, name) = (around.namespace, &job.obj.name);
    let failed_run = job.last_schedule.filter(|s| job.last_success.is_none_or(|ok| *s > ok));
    let why = match failed_run {
        // The CronJob controller names a scheduled Job `<cronjob>-<scheduled time in minutes since 1970>`.
        Some(s) => format!(
            "See why the last run ({}) failed: `kubectl --namespace {ns} logs job/{name}-{} --all-containers` (and \
             `kubectl --namespace {ns} describe job/{name}-{}` if it has no pod).",
            stamp(s),
            s.as_second().div_euclid(60),
            s.as_second().div_euclid(60)
        ),
        None => format!(
            "No run has been started since: see why with `kubectl --namespace {ns} get events --field-selector \
             involvedObject.name={name}` (a missed start deadline, the CronJob controller)."
        ),
    };
    format!("{why} Fix the cause, then {}", run_now(job, around))
}

/// How to start the job now: `vibe backup now` for vibe's own backup, else the kubectl line.
fn run_now(job: &Job, around: &Around) -> String {
    let name = &job.obj.name;
    let minutes = around.now.as_second().div_euclid(60);
    let command = format!(
        "`kubectl --namespace {} create job --from=cronjob/{name} {}`",
        around.namespace,
        contract::manual_job_name(name, &format!("manual-{minutes}"))
    );
    let vibes = around.slug.is_some_and(|slug| *name == contract::backup_cronjob_name(slug, job.store, "backup"));
    match job.role {
        Role::Backup if vibes => format!("take a backup now: `vibe backup now` prints the command ({command})."),
        Role::Backup => format!("take a backup now: {command}."),
        Role::Drill => format!("run a drill now: {command}."),
    }
}

/// An age in the unit people read: minutes under an hour, hours under two days, else days.
fn ago(d: SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    match minutes {
        0..60 => format!("{minutes} min"),
        60..2880 => format!("{} h", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

/// A moment in UTC, to the minute (`2026-12-03 02:17 UTC`).
fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::LiveObjects;
    use serde_json::json;

    const NS: &str = "platform-vibe-shop";
    const NOW: &str = "2026-12-06T10:00:00Z";

    fn cronjob(name: &str, schedule: &str, script: &str, spec: Json, status: Json) -> Json {
        let mut spec_all = json!({"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "job", "image": "postgres:16", "command": ["/bin/sh", "-c", script]}]}}}}});
        for (k, v) in spec.as_object().cloned().unwrap_or_default() {
            spec_all[k] = v;
        }
        json!({"apiVersion": "batch/v1", "kind": "CronJob",
               "metadata": {"name": name, "namespace": NS, "creationTimestamp": "2026-11-01T09:00:00Z"},
               "spec": spec_all, "status": status})
    }

    fn backup(spec: Json, status: Json) -> Json {
        cronjob(
            "shop-postgres-backup",
            "17 2 * * *",
            "pg_dump -Fc -f /b/db.dump && rclone copy /b offsite:b",
            spec,
            status,
        )
    }

    fn drill(status: Json) -> Json {
        cronjob(
            "shop-postgres-restore-drill",
            "47 4 * * 0",
            "pg_restore --dbname=postgres /b/db.dump",
            json!({}),
            status,
        )
    }

    fn run(items: Vec<Json>) -> Evidence {
        let live = LiveObjects::new(items.clone());
        let repo = crate::repo::Repo::from_files(
            std::path::Path::new("/r"),
            &[(
                "k8s/13-backup.yaml",
                "# backups\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: shop-postgres-backup\n",
            )],
        );
        let manifests: Vec<&Object> = repo.objects.iter().collect();
        let around = Around { namespace: NS, manifests: &manifests, slug: Some("shop"), now: NOW.parse().unwrap() };
        judge(&live.objects, &items, &around)
    }

    #[test]
    fn a_recent_backup_is_a_note() {
        let ev = run(vec![backup(
            json!({}),
            json!({"lastScheduleTime": "2026-12-06T02:17:00Z", "lastSuccessfulTime": "2026-12-06T02:19:31Z"}),
        )]);
        assert!(ev.findings.is_empty(), "{:?}", ev.findings);
        assert_eq!(
            ev.notes,
            ["CronJob/shop-postgres-backup: last backup 7 h ago (2026-12-06 02:19 UTC); it runs daily at 02:17."]
        );
    }

    #[test]
    fn a_stale_backup_is_d5_at_the_repo_cronjob_with_the_failed_run_to_read() {
        let ev = run(vec![backup(
            json!({}),
            json!({"lastScheduleTime": "2026-12-06T02:17:00Z", "lastSuccessfulTime": "2026-12-03T02:17:40Z"}),
        )]);
        assert_eq!(ev.findings.len(), 1, "{:?}", ev.notes);
        let f = &ev.findings[0];
        assert_eq!((f.id, f.file.as_str(), f.line), (CheckId::D5, "k8s/13-backup.yaml", Some(2)));
        assert_eq!(f.evidence, crate::review::Evidence::Live);
        assert!(
            f.message.starts_with(
                "CronJob/shop-postgres-backup: last successful backup 3 days ago (2026-12-03 02:17 UTC); it runs daily at 02:17. Nothing the app wrote since then is off the cluster"
            ),
            "{}",
            f.message
        );
        // 2026-12-06 02:17 UTC is minute 29942057 since 1970.
        assert!(
            f.fix.contains(&format!(
                "`kubectl --namespace {NS} logs job/shop-postgres-backup-29942057 --all-containers`"
            )),
            "{}",
            f.fix
        );
        assert!(f.fix.contains("`vibe backup now`"), "{}", f.fix);
    }

    #[test]
    fn one_missed_run_is_not_stale_yet() {
        // The run of 2026-12-06 failed, the one of 2026-12-05 succeeded: 31 h, under two periods.
        let ev = run(vec![backup(
            json!({}),
            json!({"lastScheduleTime": "2026-12-06T02:17:00Z", "lastSuccessfulTime": "2026-12-05T02:20:00Z"}),
        )]);
        assert!(ev.findings.is_empty());
        assert!(ev.notes[0].contains("last backup 31 h ago"), "{:?}", ev.notes);
    }

    #[test]
    fn never_successful_suspended_and_stale_drills() {
        let never = run(vec![backup(json!({}), json!({"lastScheduleTime": "2026-12-06T02:17:00Z"}))]);
        assert_eq!(never.findings.len(), 1);
        assert!(
            never.findings[0]
                .message
                .contains("has never completed a backup, though it has been due since 2026-11-02 02:17 UTC"),
            "{}",
            never.findings[0].message
        );
        let suspended =
            run(vec![backup(json!({"suspend": true}), json!({"lastSuccessfulTime": "2026-12-06T02:19:00Z"}))]);
        assert_eq!(suspended.findings.len(), 1);
        assert!(
            suspended.findings[0].message.contains(
                "is suspended (spec.suspend: true): the backups are off; the last successful one was 7 h ago"
            ),
            "{}",
            suspended.findings[0].message
        );
        let stale_drill = run(vec![drill(
            json!({"lastScheduleTime": "2026-11-29T04:47:00Z", "lastSuccessfulTime": "2026-11-15T04:50:00Z"}),
        )]);
        assert_eq!(stale_drill.findings.len(), 1);
        let f = &stale_drill.findings[0];
        assert_eq!(
            (f.id, f.severity, f.file.as_str()),
            (CheckId::D6, crate::contract::catalogue::Severity::Warning, "cluster:CronJob/shop-postgres-restore-drill")
        );
        assert!(
            f.message.contains(
                "last successful restore drill 21 days ago (2026-11-15 04:50 UTC); it runs weekly on Sunday at 04:47"
            ),
            "{}",
            f.message
        );
        let fresh_drill = run(vec![drill(json!({"lastSuccessfulTime": "2026-11-29T04:50:00Z"}))]);
        assert!(fresh_drill.findings.is_empty(), "one weekly run missed is not two");
    }

    #[test]
    fn a_job_due_less_than_a_period_ago_is_not_judged_yet() {
        let mut young = backup(json!({}), json!({}));
        young["metadata"]["creationTimestamp"] = json!("2026-12-05T20:00:00Z");
        let ev = run(vec![young]);
        assert!(ev.findings.is_empty());
        assert_eq!(
            ev.notes,
            ["CronJob/shop-postgres-backup: no backup has succeeded yet; the first was due 2026-12-06 02:17 UTC."]
        );
    }

    #[test]
    fn the_servers_date_header_is_read() {
        assert_eq!(http_date("Sun, 06 Dec 2026 10:00:00 GMT"), Some(NOW.parse().unwrap()));
        assert_eq!(http_date("yesterday"), None);
    }
}
