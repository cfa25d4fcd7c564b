//! A parser for the Prometheus text exposition format (version 0.0.4), enough to judge G2 live:
//! `# HELP` / `# TYPE` lines, samples with labels (escaped values), optional timestamps,
//! `+Inf` / `-Inf` / `NaN`, and the suffixed samples of histograms, summaries and counters
//! (`_bucket`, `_sum`, `_count`, `_total`, `_created`) grouped under their family.
//!
//! Errors carry the 1-based line number, so a report can point at the exact bad line.

use std::fmt;

/// The metric type declared by `# TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// Monotonic counter.
    Counter,
    /// Value that goes up and down.
    Gauge,
    /// Buckets + sum + count.
    Histogram,
    /// Quantiles + sum + count.
    Summary,
    /// No `# TYPE` line, or `untyped`.
    Untyped,
}

impl MetricType {
    fn parse(word: &str) -> Option<MetricType> {
        Some(match word {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" | "unknown" => MetricType::Untyped,
            _ => return None,
        })
    }

    /// Sample-name suffixes that belong to a family of this type.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total", "_created"],
            MetricType::Histogram => &["_bucket", "_sum", "_count", "_created"],
            MetricType::Summary => &["_sum", "_count", "_created"],
            MetricType::Gauge | MetricType::Untyped => &[],
        }
    }
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Sample name as written (e.g. `http_request_duration_seconds_bucket`).
    pub name: String,
    /// Labels in the order written, values unescaped.
    pub labels: Vec<(String, String)>,
    /// The value (may be infinite or NaN).
    pub value: f64,
    /// Milliseconds since the epoch, when given.
    pub timestamp: Option<i64>,
    /// 1-based line number.
    pub line: usize,
}

impl Sample {
    /// The value of label `name`, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A metric family: the HELP/TYPE metadata and its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Family name (the name in `# TYPE`, or the sample name when untyped).
    pub name: String,
    /// `# HELP` text, unescaped.
    pub help: Option<String>,
    /// `# TYPE`, or `Untyped` when not declared.
    pub kind: MetricType,
    /// True when a `# TYPE` line declared this family.
    pub typed: bool,
    /// Samples in order.
    pub samples: Vec<Sample>,
}

impl Family {
    fn new(name: &str) -> Family {
        Family { name: name.to_string(), help: None, kind: MetricType::Untyped, typed: false, samples: Vec::new() }
    }

    /// True when a sample called `sample` belongs to this family.
    fn owns(&self, sample: &str) -> bool {
        sample == self.name
            || sample.strip_prefix(self.name.as_str()).is_some_and(|suffix| self.kind.suffixes().contains(&suffix))
    }
}

/// A parsed exposition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition {
    /// Families in order of first appearance.
    pub families: Vec<Family>,
}

impl Exposition {
    /// The family a metric name refers to. Counters are found both by the family name and by
    /// the `_total` sample name, because client libraries differ: prometheus_client (Python)
    /// declares `# TYPE orders_processed counter` and exposes `orders_processed_total`, while
    /// prom-client (Node) declares `# TYPE orders_processed_total counter`.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name).or_else(|| self.families.iter().find(|f| f.owns(name)))
    }

    /// Every sample, in order.
    pub fn samples(&self) -> impl Iterator<Item = &Sample> {
        self.families.iter().flat_map(|f| f.samples.iter())
    }
}

/// A line that is not valid exposition format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a whole exposition. The first bad line stops parsing.
pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut out = Exposition::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let err = |message: String| ParseError { line, message };
        let trimmed = raw.trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            parse_comment(comment, &mut out).map_err(err)?;
            continue;
        }
        let sample = parse_sample(trimmed, line).map_err(err)?;
        let index = match out.families.iter().rposition(|f| f.owns(&sample.name)) {
            Some(i) => i,
            None => {
                out.families.push(Family::new(&sample.name));
                out.families.len() - 1
            }
        };
        let family = &mut out.families[index];
        if family.kind == MetricType::Histogram && sample.name.ends_with("_bucket") {
            match sample.label("le") {
                None => return Err(err(format!("histogram bucket {} has no `le` label", sample.name))),
                Some(le) if parse_value(le).is_none() => {
                    return Err(err(format!("histogram bucket {} has le=\"{le}\", not a number", sample.name)));
                }
                Some(_) => {}
            }
        }
        family.samples.push(sample);
    }
    Ok(out)
}

/// `# HELP name text`, `# TYPE name type`, or any other comment (ignored).
fn parse_comment(comment: &str, out: &mut Exposition) -> Result<(), String> {
    let comment = comment.trim_start_matches([' ', '\t']);
    let (keyword, rest) = comment.split_once([' ', '\t']).unwrap_or((comment, ""));
    if keyword != "HELP" && keyword != "TYPE" {
        return Ok(());
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let (name, tail) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    if !is_metric_name(name) {
        return Err(format!("# {keyword} needs a valid metric name, found {name:?}"));
    }
    let existing = out.families.iter().position(|f| f.name == name);
    let index = match existing {
        Some(i) => i,
        None => {
            out.families.push(Family::new(name));
            out.families.len() - 1
        }
    };
    let family = &mut out.families[index];
    if keyword == "HELP" {
        if family.help.is_some() {
            return Err(format!("second # HELP for {name}"));
        }
        family.help = Some(unescape_help(tail));
    } else {
        let word = tail.trim_matches([' ', '\t']);
        let kind = MetricType::parse(word).ok_or_else(|| {
            format!("# TYPE {name} {word:?}: the type must be counter, gauge, histogram, summary or untyped")
        })?;
        if family.typed {
            return Err(format!("second # TYPE for {name}"));
        }
        if !family.samples.is_empty() {
            return Err(format!("# TYPE for {name} comes after its samples (it must come first)"));
        }
        family.kind = kind;
        family.typed = true;
    }
    Ok(())
}

fn unescape_help(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A sample value: a float, or `+Inf`, `-Inf`, `Inf`, `NaN` (any case).
fn parse_value(word: &str) -> Option<f64> {
    match word.to_ascii_lowercase().as_str() {
        "+inf" | "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        // Rust also accepts "infinity"; the format does not, and Go's parser does not either.
        lower if lower.contains("inf") || lower.contains("nan") => None,
        _ => word.parse().ok(),
    }
}

fn parse_sample(line: &str, number: usize) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err(format!("{name:?} is not a valid metric name"));
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, remaining) = parse_labels(after)?;
        labels = parsed;
        rest = remaining;
    }
    let mut words = rest.split([' ', '\t']).filter(|w| !w.is_empty());
    let value_word = words.next().ok_or_else(|| format!("sample {name} has no value"))?;
    let value = parse_value(value_word).ok_or_else(|| format!("sample {name}: {value_word:?} is not a number"))?;
    let timestamp = match words.next() {
        Some(ts) => Some(ts.parse::<i64>().map_err(|_| format!("sample {name}: timestamp {ts:?} is not an integer"))?),
        None => None,
    };
    if let Some(extra) = words.next() {
        return Err(format!("sample {name}: unexpected {extra:?} after the value and timestamp"));
    }
    Ok(Sample { name: name.to_string(), labels, value, timestamp, line: number })
}

/// Label pairs in the order written.
type Labels = Vec<(String, String)>;

/// Parses `a="x",b="y"}` (after the `{`); returns the labels and what follows the `}`.
fn parse_labels(mut text: &str) -> Result<(Labels, &str), String> {
    let mut labels: Vec<(String, String)> = Vec::new();
    loop {
        text = text.trim_start_matches([' ', '\t']);
        if let Some(after) = text.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = text.find('=').ok_or("label without `=` (or a missing `}`)")?;
        let key = text[..eq].trim_matches([' ', '\t']);
        if !is_label_name(key) {
            return Err(format!("{key:?} is not a valid label name"));
        }
        if labels.iter().any(|(k, _)| k == key) {
            return Err(format!("label {key} appears twice"));
        }
        text = text[eq + 1..].trim_start_matches([' ', '\t']);
        let body =
            text.strip_prefix('"').ok_or_else(|| format!("the value of label {key} must be in double quotes"))?;
        let mut value = String::new();
        let mut chars = body.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, other)) => return Err(format!("label {key}: unknown escape \\{other}")),
                    None => return Err(format!("label {key}: the value is not closed")),
                },
                _ => value.push(c),
            }
        }
        let end = end.ok_or_else(|| format!("label {key}: the value is not closed with `\"`"))?;
        labels.push((key.to_string(), value));
        text = body[end..].trim_start_matches([' ', '\t']);
        if let Some(after) = text.strip_prefix(',') {
            text = after;
        } else if !text.starts_with('}') {
            return Err(format!("expected `,` or `}}` after label {key}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/",code="200"} 3 1700000000000
http_requests_total{method="POST",route="/a \"quoted\" \\ path\nx",code="500"} 1
# HELP http_request_duration_seconds Latency.\nSecond line \\ ok
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 1
http_request_duration_seconds_bucket{le="+Inf"} 4
http_request_duration_seconds_sum 0.75
http_request_duration_seconds_count 4
# TYPE orders_processed counter
orders_processed_total{status="ok"} 2
orders_processed_created{status="ok"} 1.7e9
# a plain comment
temperature NaN
lowest -Inf
# TYPE q summary
q{quantile="0.5"} 1
q_sum 2
q_count 3
"#;

    #[test]
    fn parses_families_and_samples() {
        let exp = parse(GOOD).unwrap();
        let names: Vec<_> = exp.families.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["http_requests_total", "http_request_duration_seconds", "orders_processed", "temperature", "lowest", "q"]
        );
        let req = exp.family("http_requests_total").unwrap();
        assert_eq!(req.kind, MetricType::Counter);
        assert_eq!(req.help.as_deref(), Some("Requests served."));
        assert_eq!(req.samples[0].timestamp, Some(1_700_000_000_000));
        assert_eq!(req.samples[1].label("route"), Some("/a \"quoted\" \\ path\nx"));
        assert_eq!(req.samples[1].line, 4);
        let hist = exp.family("http_request_duration_seconds").unwrap();
        assert_eq!(hist.kind, MetricType::Histogram);
        assert_eq!(hist.help.as_deref(), Some("Latency.\nSecond line \\ ok"));
        assert_eq!(hist.samples.len(), 4);
        assert_eq!(hist.samples[1].label("le"), Some("+Inf"));
        assert_eq!(hist.samples[1].value, 4.0);
        assert!(exp.family("temperature").unwrap().samples[0].value.is_nan());
        assert_eq!(exp.family("lowest").unwrap().samples[0].value, f64::NEG_INFINITY);
        assert_eq!(exp.family("q").unwrap().samples.len(), 3);
        assert_eq!(exp.samples().count(), 13);
    }

    #[test]
    fn counter_found_by_either_name() {
        let exp = parse(GOOD).unwrap();
        // Python style: family `orders_processed`, looked up as vibe.yaml names it.
        assert_eq!(exp.family("orders_processed_total").unwrap().name, "orders_processed");
        assert_eq!(exp.family("orders_processed").unwrap().samples.len(), 2);
        assert!(exp.family("orders_shipped_total").is_none());
        // A gauge does not own `_total` samples.
        let exp = parse("# TYPE g gauge\ng_total 1\n").unwrap();
        assert_eq!(exp.families.len(), 2);
    }

    #[test]
    fn metadata_without_samples_is_a_family() {
        let exp = parse("# HELP orders_total Orders.\n# TYPE orders_total counter\n").unwrap();
        let f = exp.family("orders_total").unwrap();
        assert!(f.typed && f.samples.is_empty());
    }

    #[test]
    fn empty_input_is_empty() {
        assert!(parse("").unwrap().families.is_empty());
        assert!(parse("\n\n# just a comment\n").unwrap().families.is_empty());
    }

    fn error_line(text: &str) -> (usize, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.message)
    }

    #[test]
    fn malformed_inputs_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("ok 1\n<html>\n", 2, "not a valid metric name"),
            ("a 1\nb\n", 2, "has no value"),
            ("a one\n", 1, "not a number"),
            ("a 1 2 3\n", 1, "unexpected"),
            ("a 1 soon\n", 1, "timestamp"),
            ("a{b=\"c\" 1\n", 1, "expected `,` or `}`"),
            ("a{b=c} 1\n", 1, "double quotes"),
            ("a{b=\"c} 1\n", 1, "not closed"),
            ("a{b=\"\\x\"} 1\n", 1, "unknown escape"),
            ("a{1b=\"c\"} 1\n", 1, "valid label name"),
            ("a{b=\"1\",b=\"2\"} 1\n", 1, "twice"),
            ("a{b} 1\n", 1, "without `=`"),
            ("\n# TYPE a bogus\n", 2, "the type must be"),
            ("# TYPE a counter\n# TYPE a gauge\n", 2, "second # TYPE"),
            ("# HELP a x\n# HELP a y\n", 2, "second # HELP"),
            ("a 1\n# TYPE a gauge\n", 2, "after its samples"),
            ("# TYPE h histogram\nh_bucket 1\n", 2, "no `le` label"),
            ("# TYPE h histogram\nh_bucket{le=\"big\"} 1\n", 2, "not a number"),
            ("# HELP 9bad x\n", 1, "valid metric name"),
            ("a Infinity\n", 1, "not a number"),
        ];
        for (text, line, needle) in cases {
            let (got_line, message) = error_line(text);
            assert_eq!(got_line, *line, "{text:?}: {message}");
            assert!(message.contains(needle), "{text:?}: {message}");
        }
    }

    #[test]
    fn tolerates_crlf_and_spacing() {
        let exp = parse("# TYPE a gauge\r\na{ b = \"x\" , } 1\r\n").unwrap();
        assert_eq!(exp.family("a").unwrap().samples[0].label("b"), Some("x"));
    }

    #[test]
    fn parses_real_client_output() {
        // As client_golang and prometheus_client (Python) write it.
        let text = r#"# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.3e-05
go_gc_duration_seconds{quantile="1"} 0.000127
go_gc_duration_seconds_sum 0.000512
go_gc_duration_seconds_count 7
# HELP python_info Python platform information
# TYPE python_info gauge
python_info{implementation="CPython",major="3",minor="12",patchlevel="4",version="3.12.4"} 1.0
# HELP orders_processed_total Orders processed
# TYPE orders_processed_total counter
# HELP inventory_low_stock_items Items low on stock
# TYPE inventory_low_stock_items gauge
inventory_low_stock_items{category="tools"} 3.0
"#;
        let exp = parse(text).unwrap();
        assert_eq!(exp.family("go_gc_duration_seconds").unwrap().samples.len(), 4);
        assert_eq!(exp.family("python_info").unwrap().samples[0].label("version"), Some("3.12.4"));
        // Declared but never observed: present by its metadata.
        let orders = exp.family("orders_processed_total").unwrap();
        assert!(orders.samples.is_empty() && orders.help.is_some());
        assert_eq!(exp.family("inventory_low_stock_items").unwrap().samples[0].value, 3.0);
    }

    #[test]
    fn html_page_is_not_metrics() {
        assert!(parse("<!DOCTYPE html>\n<html></html>\n").is_err());
    }
}
