//! Metric suggestion (work in progress).

/// Suggests a metric (stub).
pub fn suggest_metric(question: &str) -> crate::spec::MetricAnswer {
    crate::spec::MetricAnswer {
        question: Some(question.trim().to_string()),
        name: "business_events_total".into(),
        kind: "counter".into(),
        labels: vec![],
        help: Some(question.trim().to_string()),
    }
}
