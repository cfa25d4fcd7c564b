//! A CronJob's schedule as Kubernetes reads it: five fields (minute hour day month weekday, with
//! lists, ranges, steps and names) or a descriptor (`@hourly`, `@daily`/`@midnight`, `@weekly`,
//! `@monthly`, `@yearly`/`@annually`), in `spec.timeZone` when set, else UTC. The runs are
//! croner's (day of month and day of week are either-or when both are restricted, as in cron).
//!
//! What the backup review needs from it: the runs before a moment, the interval between the
//! runs around it (a backup older than two of those is stale), and a phrase for people ("daily
//! at 02:17").

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: TimeZone,
    /// The five fields, descriptors expanded (`@daily` -> `0 0 * * *`).
    fields: Vec<String>,
    /// `spec.timeZone`, when set and not UTC.
    zone_name: Option<String>,
}

impl Schedule {
    /// Parses `spec.schedule` in `spec.timeZone`. The error says what could not be read.
    pub fn parse(schedule: &str, time_zone: Option<&str>) -> Result<Schedule, String> {
        let expanded = match schedule.trim().to_ascii_lowercase().as_str() {
            "@yearly" | "@annually" => "0 0 1 1 *".to_string(),
            "@monthly" => "0 0 1 * *".to_string(),
            "@weekly" => "0 0 * * 0".to_string(),
            "@daily" | "@midnight" => "0 0 * * *".to_string(),
            "@hourly" => "0 * * * *".to_string(),
            _ => schedule.trim().to_string(),
        };
        let fields: Vec<String> = expanded.split_whitespace().map(str::to_string).collect();
        if fields.len() != 5 {
            return Err(format!("`{schedule}` is not five cron fields (minute hour day month weekday)"));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build()
            .parse(&fields.join(" "))
            .map_err(|e| format!("`{schedule}` is not a cron schedule ({e})"))?;
        let (tz, zone_name) = match time_zone.map(str::trim).filter(|z| !z.is_empty()) {
            None => (TimeZone::UTC, None),
            Some(name) => {
                let tz = TimeZone::get(name).map_err(|e| format!("time zone {name} is unknown here ({e})"))?;
                let utc =
                    matches!(name, "UTC" | "Etc/UTC" | "Etc/UCT" | "UCT" | "Zulu" | "Etc/Zulu" | "GMT" | "Etc/GMT");
                (tz, (!utc).then(|| name.to_string()))
            }
        };
        Ok(Schedule { cron, tz, fields, zone_name })
    }

    fn zoned(&self, t: Timestamp) -> Zoned {
        t.to_zoned(self.tz.clone())
    }

    /// The last run at or before `t`.
    pub fn previous(&self, t: Timestamp) -> Option<Timestamp> {
        self.cron.find_previous_occurrence(&self.zoned(t), true).ok().map(|z| z.timestamp())
    }

    /// The first run after `t`.
    pub fn next(&self, t: Timestamp) -> Option<Timestamp> {
        self.cron.find_next_occurrence(&self.zoned(t), false).ok().map(|z| z.timestamp())
    }

    /// The run before the last run at or before `t` (two runs back).
    pub fn second_previous(&self, t: Timestamp) -> Option<Timestamp> {
        let last = self.previous(t)?;
        self.cron.find_previous_occurrence(&self.zoned(last), false).ok().map(|z| z.timestamp())
    }

    /// The interval between the runs around `t`: from the last run at or before it to the next.
    pub fn period(&self, t: Timestamp) -> Option<SignedDuration> {
        Some(self.next(t)?.duration_since(self.previous(t)?))
    }

    /// The schedule in words: "daily at 02:17", "weekly on Sunday at 04:47", "every 15 minutes",
    /// "hourly at :05", "monthly on day 1 at 00:00", else "on the schedule `0 9 * * 1-5`"; with
    /// the time zone when it is not UTC.
    pub fn describe(&self) -> String {
        let f: Vec<&str> = self.fields.iter().map(String::as_str).collect();
        let num = |s: &str| s.parse::<u32>().ok();
        let at = |h: u32, m: u32| format!("{h:02}:{m:02}");
        let phrase = match (num(f[0]), num(f[1]), f[2], f[3], f[4]) {
            (Some(m), Some(h), "*", "*", "*") => format!("daily at {}", at(h, m)),
            (Some(m), Some(h), "*", "*", dow) if weekday(dow).is_some() => {
                format!("weekly on {} at {}", weekday(dow).unwrap_or_default(), at(h, m))
            }
            (Some(m), Some(h), dom, "*", "*") if num(dom).is_some() => {
                format!("monthly on day {dom} at {}", at(h, m))
            }
            (Some(m), None, "*", "*", "*") if f[1] == "*" => format!("hourly at :{m:02}"),
            _ => match f[0].strip_prefix("*/").and_then(num) {
                Some(n) if f[1..].iter().all(|x| *x == "*") => format!("every {n} minutes"),
                _ => format!("on the schedule `{}`", self.fields.join(" ")),
            },
        };
        match &self.zone_name {
            Some(zone) => format!("{phrase} ({zone} time)"),
            None => phrase,
        }
    }
}

/// A single weekday field's name (`0`/`7`/`sun` -> Sunday).
fn weekday(field: &str) -> Option<&'static str> {
    const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const ABBR: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let f = field.to_ascii_lowercase();
    let i = match f.parse::<usize>() {
        Ok(7) => 0,
        Ok(n) if n < 7 => n,
        Ok(_) => return None,
        Err(_) => ABBR.iter().position(|a| *a == f)?,
    };
    Some(DAYS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn hours(s: &Schedule, at: &str) -> f64 {
        s.period(t(at)).unwrap().as_secs_f64() / 3600.0
    }

    #[test]
    fn periods_of_common_schedules() {
        let now = "2026-12-06T10:00:00Z"; // a Sunday
        let cases: &[(&str, f64)] = &[
            ("17 * * * *", 1.0),
            ("17 2 * * *", 24.0),
            ("@daily", 24.0),
            ("@midnight", 24.0),
            ("@hourly", 1.0),
            ("@weekly", 168.0),
            ("47 4 * * 0", 168.0),
            ("47 4 * * SUN", 168.0),
            ("*/15 * * * *", 0.25),
            ("0 2,14 * * *", 12.0),
            ("0 0-6/3 * * *", 18.0), // 00:00, 03:00, 06:00: at 10:00, from 06:00 to midnight
            ("30 1 1 * *", 31.0 * 24.0),
        ];
        for (schedule, want) in cases {
            let s = Schedule::parse(schedule, None).unwrap();
            let got = hours(&s, now);
            assert!((got - want).abs() < 1e-9, "{schedule}: {got} h, want {want} h");
        }
        // Weekdays only: on a Sunday the runs around now are Friday's and Monday's.
        let weekdays = Schedule::parse("0 9 * * 1-5", None).unwrap();
        assert_eq!(hours(&weekdays, now), 72.0);
        assert_eq!(hours(&weekdays, "2026-12-08T10:00:00Z"), 24.0);
    }

    #[test]
    fn a_time_zone_moves_the_runs() {
        let berlin = Schedule::parse("17 2 * * *", Some("Europe/Berlin")).unwrap();
        // 02:17 in Berlin in December is 01:17 UTC.
        assert_eq!(berlin.previous(t("2026-12-06T10:00:00Z")), Some(t("2026-12-06T01:17:00Z")));
        assert_eq!(berlin.next(t("2026-12-06T10:00:00Z")), Some(t("2026-12-07T01:17:00Z")));
        // The night clocks go back (25 October 2026): that day is 25 hours long.
        assert_eq!(hours(&berlin, "2026-10-25T12:00:00Z"), 25.0);
        assert_eq!(berlin.describe(), "daily at 02:17 (Europe/Berlin time)");
        let utc = Schedule::parse("17 2 * * *", Some("Etc/UTC")).unwrap();
        assert_eq!(utc.previous(t("2026-12-06T10:00:00Z")), Some(t("2026-12-06T02:17:00Z")));
        assert_eq!(utc.describe(), "daily at 02:17");
        assert!(Schedule::parse("17 2 * * *", Some("Mars/Olympus_Mons")).unwrap_err().contains("Mars/Olympus_Mons"));
    }

    #[test]
    fn two_runs_back() {
        let s = Schedule::parse("17 2 * * *", None).unwrap();
        assert_eq!(s.second_previous(t("2026-12-06T10:00:00Z")), Some(t("2026-12-05T02:17:00Z")));
        assert_eq!(s.second_previous(t("2026-12-06T02:17:00Z")), Some(t("2026-12-05T02:17:00Z")));
    }

    #[test]
    fn schedules_in_words() {
        for (schedule, words) in [
            ("17 2 * * *", "daily at 02:17"),
            ("47 4 * * 0", "weekly on Sunday at 04:47"),
            ("0 3 * * sat", "weekly on Saturday at 03:00"),
            ("@weekly", "weekly on Sunday at 00:00"),
            ("5 * * * *", "hourly at :05"),
            ("*/15 * * * *", "every 15 minutes"),
            ("0 0 1 * *", "monthly on day 1 at 00:00"),
            ("0 9 * * 1-5", "on the schedule `0 9 * * 1-5`"),
        ] {
            assert_eq!(Schedule::parse(schedule, None).unwrap().describe(), words, "{schedule}");
        }
    }

    #[test]
    fn unreadable_schedules_say_why() {
        assert!(Schedule::parse("daily", None).unwrap_err().contains("five cron fields"));
        assert!(Schedule::parse("61 2 * * *", None).unwrap_err().contains("not a cron schedule"));
        assert!(Schedule::parse("0 0 0 * * *", None).is_err(), "seconds are not Kubernetes' syntax");
    }
}
