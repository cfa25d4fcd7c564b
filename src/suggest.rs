//! Metric suggestion: turns a creator's plain-language question ("How many orders were
//! processed today?") into a Prometheus metric they can accept (`orders_processed_total`,
//! counter, label `status`).
//!
//! This is a rule-of-thumb reader, not language understanding: it looks for a few cues (how
//! many / how long / how much money / what percentage, state words like "open" or "right now",
//! "by category") and builds the name from the remaining words. A suggestion only has to be a
//! good starting point the creator can edit, but it must ALWAYS be valid: whatever is typed
//! (emoji, another language, a paragraph), the result passes the metric rules of
//! [`crate::spec::validate`].

use crate::contract::MAX_METRIC_LABELS;
use crate::spec::{FRAMEWORK_METRICS, MetricAnswer};

/// Longest suggested name: long enough for `report_generation_duration_seconds`, short enough
/// to read on a dashboard.
const MAX_NAME_LEN: usize = 40;
/// At most this many labels are suggested (the contract allows 3; two keep dashboards readable).
const MAX_SUGGESTED_LABELS: usize = 2;
/// Questions longer than this are cut before reading (nobody types a paragraph on purpose).
const MAX_QUESTION_CHARS: usize = 500;
/// The help line stays one short sentence.
const MAX_HELP_CHARS: usize = 100;

/// Suggests a Prometheus metric for a plain-language question ("How many orders were processed today?" -> orders_processed_total, counter, labels ["status"]).
///
/// `question` is the creator's text (trimmed; `None` when empty), `help` a short sentence for
/// the `# HELP` line. Counters end in `_total`; names are ASCII snake_case of at most 40
/// characters, never start with a digit and never reuse a framework metric name; labels are at
/// most two and never unbounded (ids, emails, users, customers...).
pub fn suggest_metric(question: &str) -> MetricAnswer {
    let question = clean_question(question);
    let parsed = parse(&question);
    let shape = decide(&parsed);
    let (base, kind, suffix) = shape.name_parts();
    let name = finish_name(&base, kind, suffix);
    let mut labels = parsed.labels.clone();
    // Things that were processed/sent/paid succeed or fail: the breakdown is almost always wanted.
    let default_status = kind == Kind::Counter && shape.words.iter().any(|w| has(STATUS_VERBS, w));
    if default_status && !labels.iter().any(|l| l == "status") {
        labels.insert(0, "status".to_string());
    }
    labels.retain(|l| !(kind == Kind::Histogram && l == "le"));
    labels.truncate(MAX_SUGGESTED_LABELS.min(MAX_METRIC_LABELS));
    let help = help_text(&name, &base, kind, suffix, &labels, &question);
    MetricAnswer {
        question: (!question.is_empty()).then_some(question),
        name,
        kind: kind.as_str().to_string(),
        labels,
        help: Some(help),
        stalled_after: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists (kept packed with rustfmt::skip: one word per line would make them unreadable)

/// Words that carry no meaning for a metric name.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "have", "has",
    "had", "having", "get", "gets", "got", "getting", "gotten", "will", "would", "can", "could", "should", "may", "might",
    "must", "shall", "we", "our", "ours", "us", "i", "me", "my", "mine", "you", "your", "yours", "they", "them", "their",
    "theirs", "it", "its", "he", "she", "him", "his", "her", "there", "here", "this", "that", "these", "those", "which",
    "what", "whats", "who", "whom", "whose", "when", "where", "why", "how", "many", "much", "number", "numbers", "count",
    "counts", "amount", "total", "totals", "all", "any", "some", "so", "and", "or", "but", "not", "no", "nor", "yes", "if",
    "then", "than", "too", "very", "really", "just", "only", "also", "still", "yet", "ever", "already", "please", "want",
    "wanna", "know", "like", "tell", "show", "see", "need", "able", "actually", "overall", "exactly", "roughly",
    "approximately", "around", "about", "happen", "happened", "happens", "happening", "occur", "occurred", "occurs",
    "occurring", "one", "ones", "thing", "things", "stuff", "etc", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt",
    "werent", "cant", "wont", "im", "ive", "weve", "theyre", "lot", "lots", "stay", "stays", "remain", "remains",
    "successfully", "correctly", "properly", "automatically", "manually", "usually", "typically", "generally", "up", "down",
    "out", "off", "back", "whether", "each", "every", "single", "individual", "different", "various", "key",
    "important", "main", "metric", "metrics", "measure", "track", "monitor", "until", "till", "times", "come", "came",
    "comes", "coming", "go", "goes", "went", "going",
    // Function words of the other languages creators most often type in (German, French, Spanish,
    // Dutch), so "Wie viele Bestellungen wurden bearbeitet?" keeps its nouns, not its grammar.
    "wie", "viele", "viel", "wieviele", "wurden", "wurde", "werden", "heute", "sind", "ist", "der", "die", "das", "den",
    "dem", "des", "ein", "eine", "einen", "und", "oder", "jetzt", "gerade", "haben", "wir", "gibt", "pro", "im", "zur",
    "combien", "de", "du", "la", "le", "les", "un", "une", "ont", "ete", "est", "sont", "aujourdhui", "par", "jour",
    "et", "ou", "il", "en", "ce", "cette", "maintenant", "nous", "avons", "qui", "quel", "quelle", "cuantos", "cuantas",
    "cuanto", "del", "el", "los", "las", "se", "han", "hoy", "es", "ahora", "hay", "que", "hoeveel", "vandaag", "zijn",
    "het", "een", "werd", "nu", "hebben",
];

/// Prepositions split a question into the head phrase and qualifiers ("errors on the checkout
/// page" -> qualifier "checkout page" goes first in the name).
#[rustfmt::skip]
const PREPS: &[&str] = &[
    "of", "on", "in", "at", "from", "for", "to", "into", "onto", "with", "within", "without", "through", "via", "over", "under",
    "during", "after", "before", "since", "between", "among", "inside", "against", "toward", "towards",
];

/// Words for people: never a label (unbounded), usually not part of the name either.
#[rustfmt::skip]
const PERSONS: &[&str] = &[
    "people", "person", "persons", "users", "user", "customers", "customer", "visitors", "visitor", "members", "member",
    "folks", "guests", "guest", "clients", "client", "shoppers", "shopper", "buyers", "buyer", "subscribers", "subscriber",
    "students", "student", "patients", "patient", "players", "player", "employees", "employee", "staff", "someone",
    "somebody", "everyone", "everybody", "anyone", "anybody", "humans", "human", "readers", "reader", "viewers", "viewer",
    "fans", "followers", "follower", "new",
];

/// Words that say where, not what: dropped from names when other words remain.
#[rustfmt::skip]
const GENERIC: &[&str] = &["app", "apps", "application", "site", "website", "web", "platform", "system", "service", "tool", "server"];

/// Time units: "per day", "this week", "in the last 5 minutes" are the dashboard's business.
#[rustfmt::skip]
const TIME_UNITS: &[&str] = &[
    "second", "sec", "secs", "minute", "min", "mins", "hour", "hr", "hrs", "day", "night", "week", "weekend", "month",
    "quarter", "year", "morning", "evening", "afternoon", "shift", "sprint", "moment",
];
/// Words that introduce a time span ("this week", "over the last 3 days").
#[rustfmt::skip]
const TIME_LEADS: &[&str] = &[
    "this", "last", "past", "previous", "next", "every", "each", "a", "an", "one", "in", "the", "during", "over", "within",
    "since", "per", "few", "couple", "of", "current", "that", "same", "single",
];
/// Single time words, always dropped.
#[rustfmt::skip]
const TIME_WORDS: &[&str] = &[
    "today", "tonight", "yesterday", "tomorrow", "daily", "weekly", "monthly", "hourly", "yearly", "annually", "nightly",
    "lately", "recently", "nowadays",
];

/// Label words that would create one series per person/object: never suggested.
#[rustfmt::skip]
const UNBOUNDED: &[&str] = &[
    "customer", "user", "id", "ids", "uuid", "email", "mail", "ip", "address", "account", "session", "order", "ticket",
    "request", "url", "visitor", "person", "people", "member", "subscriber", "client", "buyer", "shopper", "phone", "name",
    "invoice", "transaction", "message", "token", "file", "upload", "username", "login", "guest", "player", "student",
    "patient", "employee", "sku", "item", "product", "basket", "cart", "purchase", "booking", "query", "search", "path",
    "reference", "number", "code_id", "device_id",
];

/// Label words a bare "by" must be followed by ("paid by card" is not a breakdown).
#[rustfmt::skip]
const DIMENSIONS: &[&str] = &[
    "status", "outcome", "result", "state", "success", "failure", "category", "type", "kind", "country", "region", "city",
    "warehouse", "store", "shop", "branch", "location", "channel", "source", "plan", "tier", "method", "provider", "team",
    "department", "language", "locale", "currency", "platform", "device", "browser", "os", "route", "endpoint", "carrier",
    "queue", "priority", "severity", "level", "reason", "service", "environment", "version", "size", "segment", "market",
    "campaign", "partner", "vendor", "supplier", "courier", "stage", "step", "page", "feature", "payment_method",
];

/// Second words that make a bounded dimension of any first word ("customer type", "payment method").
#[rustfmt::skip]
const DIMENSION_HEADS: &[&str] =
    &["type", "category", "method", "kind", "group", "segment", "tier", "plan", "level", "channel", "status", "region", "source", "class", "size"];

/// Past participles (and adjectives from them) that name what happened.
#[rustfmt::skip]
const PAST: &[&str] = &[
    "sent", "paid", "done", "made", "sold", "built", "bought", "given", "taken", "shown", "seen", "written", "won", "lost",
    "spent", "held", "kept", "brought", "thrown", "signed_up", "logged_in", "logged_out", "checked_out", "opted_out",
    "timed_out", "dropped_off", "begun", "chosen", "drawn", "driven", "eaten", "forgotten", "frozen", "hidden", "put", "read",
    "ridden", "rung", "shut", "split", "stolen", "sworn", "torn", "woken", "worn", "withdrawn", "undone", "rebuilt", "resent",
    "checked_in",
];

/// Words ending in "ed" that are not past participles.
#[rustfmt::skip]
const ED_NOT_VERBS: &[&str] = &["need", "speed", "feed", "seed", "breed", "bed", "red", "shed", "embed", "hundred", "bred", "led", "fed", "wed", "sled", "reed", "weed", "greed", "bleed", "steed", "deed"];

/// Base forms a question may use ("how many payments fail?") and their past participle.
#[rustfmt::skip]
const BASE_TO_PAST: &[(&str, &str)] = &[
    ("fail", "failed"), ("fails", "failed"), ("send", "sent"), ("sends", "sent"), ("process", "processed"),
    ("create", "created"), ("pay", "paid"), ("sell", "sold"), ("buy", "bought"), ("make", "made"), ("place", "placed"),
    ("ship", "shipped"), ("deliver", "delivered"), ("upload", "uploaded"), ("download", "downloaded"), ("click", "clicked"),
    ("view", "viewed"), ("visit", "visited"), ("return", "returned"), ("cancel", "cancelled"), ("refund", "refunded"),
    ("book", "booked"), ("register", "registered"), ("subscribe", "subscribed"), ("unsubscribe", "unsubscribed"),
    ("churn", "churned"), ("crash", "crashed"), ("bounce", "bounced"), ("abandon", "abandoned"), ("approve", "approved"),
    ("reject", "rejected"), ("decline", "declined"), ("complete", "completed"), ("finish", "finished"),
    ("submit", "submitted"), ("import", "imported"), ("export", "exported"), ("generate", "generated"),
    ("publish", "published"), ("delete", "deleted"), ("update", "updated"), ("scan", "scanned"), ("receive", "received"),
    ("handle", "handled"), ("convert", "converted"), ("drop", "dropped"), ("delay", "delayed"), ("resolve", "resolved"),
    ("close", "closed"), ("escalate", "escalated"), ("reopen", "reopened"), ("load", "loaded"), ("open", "opened"),
    ("answer", "answered"), ("reply", "replied"), ("respond", "responded"), ("render", "rendered"), ("sync", "synced"),
    ("search", "searched"), ("calculate", "calculated"), ("validate", "validated"), ("print", "printed"),
    ("fetch", "fetched"), ("install", "installed"), ("start", "started"), ("join", "joined"), ("wait", "waited"),
    ("checkout", "checked_out"), ("login", "logged_in"), ("signup", "signed_up"), ("charge", "charged"),
    ("earn", "earned"), ("spend", "spent"), ("donate", "donated"), ("check", "checked"), ("come", "came"),
    ("leave", "left"), ("expire", "expired"), ("retry", "retried"), ("succeed", "succeeded"), ("block", "blocked"),
    ("sign", "signed"), ("use", "used"), ("pick", "picked"), ("pack", "packed"), ("post", "posted"), ("share", "shared"),
    ("like", "liked"), ("rate", "rated"), ("review", "reviewed"), ("bill", "billed"), ("invoice", "invoiced"),
    ("give", "given"), ("gives", "given"), ("arrive", "arrived"), ("arrives", "arrived"), ("request", "requested"),
    ("redeem", "redeemed"), ("issue", "issued"), ("reset", "reset"), ("win", "won"), ("lose", "lost"),
];

/// Verbs that name an event of a person; the event noun replaces "people <verb>".
#[rustfmt::skip]
const PERSON_EVENTS: &[(&str, &str)] = &[
    ("signed_up", "signups"), ("registered", "registrations"), ("logged_in", "logins"), ("subscribed", "subscriptions"),
    ("unsubscribed", "unsubscribes"), ("joined", "signups"), ("opted_out", "opt_outs"), ("logged_out", "logouts"),
    ("signed", "signatures"), ("checked_in", "check_ins"),
];

/// Verbs whose counters usually want a success/failure breakdown.
#[rustfmt::skip]
const STATUS_VERBS: &[&str] = &[
    "processed", "sent", "paid", "charged", "delivered", "submitted", "imported", "exported", "synced", "published", "handled",
    "executed", "generated", "uploaded",
];

/// Nouns for a histogram's action ("how long does it take to generate a report" -> report_generation).
#[rustfmt::skip]
const NOMINAL: &[(&str, &str)] = &[
    ("generate", "generation"), ("generated", "generation"), ("process", "processing"), ("processed", "processing"),
    ("load", "load"), ("loaded", "load"), ("send", "send"), ("sent", "send"), ("upload", "upload"), ("uploaded", "upload"),
    ("download", "download"), ("downloaded", "download"), ("respond", "response"), ("responded", "response"),
    ("checked_out", "checkout"), ("deliver", "delivery"), ("delivered", "delivery"), ("ship", "shipping"),
    ("shipped", "shipping"), ("create", "creation"), ("created", "creation"), ("render", "render"), ("rendered", "render"),
    ("build", "build"), ("built", "build"), ("sync", "sync"), ("synced", "sync"), ("search", "search"), ("searched", "search"),
    ("pay", "payment"), ("paid", "payment"), ("logged_in", "login"), ("signed_up", "signup"), ("register", "registration"),
    ("registered", "registration"), ("calculate", "calculation"), ("calculated", "calculation"), ("export", "export"),
    ("exported", "export"), ("import", "import"), ("imported", "import"), ("resolve", "resolution"),
    ("resolved", "resolution"), ("approve", "approval"), ("approved", "approval"), ("convert", "conversion"),
    ("converted", "conversion"), ("validate", "validation"), ("validated", "validation"), ("answer", "answer"),
    ("answered", "answer"), ("reply", "reply"), ("replied", "reply"), ("wait", "wait"), ("waited", "wait"),
    ("start", "startup"), ("started", "startup"), ("install", "installation"), ("installed", "installation"),
    ("print", "print"), ("printed", "print"), ("fetch", "fetch"), ("fetched", "fetch"), ("scan", "scan"), ("scanned", "scan"),
    ("handle", "handling"), ("handled", "handling"), ("close", "closing"), ("closed", "closing"), ("open", "opening"),
    ("opened", "opening"), ("pick", "picking"), ("picked", "picking"), ("pack", "packing"), ("packed", "packing"),
    ("place", "placement"), ("placed", "placement"), ("complete", "completion"), ("completed", "completion"),
    ("finish", "completion"), ("finished", "completion"), ("check", "check"), ("checked", "check"), ("made", "creation"),
    ("make", "creation"), ("cancel", "cancellation"), ("cancelled", "cancellation"), ("refund", "refund"),
    ("refunded", "refund"), ("submit", "submission"), ("submitted", "submission"), ("book", "booking"), ("booked", "booking"),
];

/// States that make a gauge, written before the noun (`open_tickets`, `low_stock_items`).
#[rustfmt::skip]
const STATE_PREFIX: &[&str] = &[
    "open", "active", "online", "pending", "waiting", "queued", "unread", "available", "outstanding", "unpaid",
    "unassigned", "overdue", "connected", "logged_in", "running", "idle", "stuck", "blocked", "busy", "empty", "full",
    "low_stock", "unanswered", "unresolved", "unprocessed", "unsent", "undelivered", "inactive", "offline", "live",
    "enabled", "disabled", "concurrent", "expired", "free", "failing", "locked",
];
/// States written after the noun (`products_in_stock`, `orders_on_hold`).
#[rustfmt::skip]
const STATE_SUFFIX: &[&str] = &["in_stock", "out_of_stock", "on_hold", "in_progress", "left", "remaining", "used", "in_use", "in_cart"];
/// "-ing" words that mean someone is using the app right now.
#[rustfmt::skip]
const ACTIVE_ING: &[&str] = &["using", "browsing", "visiting", "watching", "playing", "shopping", "working", "viewing", "reading", "chatting"];
/// Head nouns that are amounts right now (`queue_length`, `stock_level`).
#[rustfmt::skip]
const GAUGE_NOUNS: &[&str] =
    &["length", "depth", "backlog", "level", "temperature", "balance", "stock", "inventory", "capacity", "occupancy", "usage", "lag"];
/// Things that happened: counted even when asked "how many are there".
#[rustfmt::skip]
const EVENT_NOUNS: &[&str] = &[
    "errors", "error", "failures", "failure", "orders", "signups", "logins", "requests", "payments", "refunds", "clicks",
    "visits", "views", "pageviews", "downloads", "uploads", "purchases", "sales", "bookings", "emails", "notifications",
    "exceptions", "crashes", "timeouts", "retries", "complaints", "unsubscribes", "cancellations", "returns",
    "registrations", "transactions", "checkouts", "searches", "calls", "events", "hits", "submissions", "comments", "posts",
    "likes", "shares", "invoices", "shipments", "deliveries", "messages", "checks", "scans", "reports", "alerts", "bugs",
    "incidents", "conversions", "subscriptions", "opt_outs", "logouts",
];
/// Queue-like things whose "how long" is a length, not a duration.
#[rustfmt::skip]
const QUEUE_NOUNS: &[&str] = &["queue", "backlog", "waitlist", "waiting_list", "line", "list", "pipeline"];
/// Things measured in bytes when asked "how big".
#[rustfmt::skip]
const BYTE_NOUNS: &[&str] = &[
    "file", "upload", "image", "photo", "picture", "video", "attachment", "document", "pdf", "payload", "request",
    "response", "backup", "export", "import", "data", "database", "disk", "storage", "memory", "ram", "download", "archive",
    "log", "logs", "body", "dump", "media", "asset", "bundle", "space",
];
/// Words that make a question about money.
#[rustfmt::skip]
const REVENUE_WORDS: &[&str] = &["revenue", "income", "earnings", "turnover", "gmv", "profit", "profits", "takings", "money", "cash", "sales", "earned", "earn", "earns", "made", "make", "sold", "sell"];
/// Money verbs/nouns and the noun the amount is of.
#[rustfmt::skip]
const MONEY_BASES: &[(&str, &str)] = &[
    ("refunded", "refunds"), ("refund", "refunds"), ("refunds", "refunds"), ("paid", "payments"), ("pay", "payments"),
    ("payments", "payments"), ("payment", "payments"), ("spent", "spending"), ("spend", "spending"),
    ("spending", "spending"), ("charged", "charges"), ("charge", "charges"), ("charges", "charges"),
    ("donated", "donations"), ("donations", "donations"), ("donation", "donations"), ("tips", "tips"), ("tip", "tips"),
    ("cost", "costs"), ("costs", "costs"), ("expenses", "expenses"), ("expense", "expenses"), ("fees", "fees"),
    ("fee", "fees"), ("discounts", "discounts"), ("discount", "discounts"), ("invoiced", "invoices"), ("billed", "billing"),
];

fn has(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

fn lookup<'a>(table: &'a [(&str, &str)], w: &str) -> Option<&'a str> {
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

// ---------------------------------------------------------------------------------------------
// Reading the question

/// The creator's text on one line, without control characters, at a sane length.
fn clean_question(q: &str) -> String {
    let flat: String = q.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_QUESTION_CHARS).collect();
    flat.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// ASCII for the accented Latin letters common in questions; `None` for anything else.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        _ => return None,
    })
}

/// Lower-case ASCII words; currency and percent signs become cue tokens; "sign-ups" -> "signups";
/// possessive 's dropped ("customer's" -> "customer").
fn tokenize(q: &str) -> Vec<String> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let is_word = |c: char| c.is_ascii_alphanumeric() || fold(c).is_some();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        } else if let Some(a) = fold(c) {
            cur.push_str(a);
        } else if matches!(c, '\'' | '’') {
            // "'s" at a word end is a possessive or "is": drop it; other apostrophes join ("don't").
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            if matches!(next, Some('s') | Some('S')) && !after.is_some_and(is_word) {
                i += 1;
            }
        } else if c == '-'
            && !cur.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())
            && cur.chars().last().is_some_and(|p| p.is_ascii_alphabetic())
        {
            // joined: sign-ups, e-mails, check-out
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            match c {
                '€' => out.push("#eur".into()),
                '$' => out.push("#usd".into()),
                '£' => out.push("#gbp".into()),
                '%' => out.push("#ratio".into()),
                _ => {}
            }
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Multi-word phrases folded into one token (cues start with `#`; an empty replacement drops).
const PHRASES: &[(&[&str], &str)] = &[
    (&["total", "number", "of"], "#many"),
    (&["how", "many"], "#many"),
    (&["how", "much"], "#much"),
    (&["how", "long"], "#long"),
    (&["how", "fast"], "#long"),
    (&["how", "quickly"], "#long"),
    (&["how", "quick"], "#long"),
    (&["how", "slow"], "#long"),
    (&["how", "slowly"], "#long"),
    (&["how", "big"], "#big"),
    (&["how", "large"], "#big"),
    (&["how", "heavy"], "#big"),
    (&["number", "of"], "#many"),
    (&["count", "of"], "#many"),
    (&["amount", "of", "money"], "#money"),
    (&["amount", "of"], "#much"),
    (&["what", "percentage"], "#ratio"),
    (&["what", "percent"], "#ratio"),
    (&["what", "share"], "#ratio"),
    (&["what", "fraction"], "#ratio"),
    (&["what", "proportion"], "#ratio"),
    (&["what", "part"], "#ratio"),
    (&["per", "cent"], "#ratio"),
    (&["signed", "up"], "signed_up"),
    (&["signing", "up"], "signed_up"),
    (&["sign", "up"], "signups"),
    (&["sign", "ups"], "signups"),
    (&["signed", "in"], "logged_in"),
    (&["sign", "in"], "logins"),
    (&["sign", "ins"], "logins"),
    (&["logged", "in"], "logged_in"),
    (&["logged", "on"], "logged_in"),
    (&["log", "in"], "logins"),
    (&["log", "ins"], "logins"),
    (&["logged", "out"], "logged_out"),
    (&["checked", "out"], "checked_out"),
    (&["checked", "in"], "checked_in"),
    (&["check", "out"], "checkouts"),
    (&["check", "outs"], "checkouts"),
    (&["opted", "out"], "opted_out"),
    (&["opt", "outs"], "opt_outs"),
    (&["timed", "out"], "timed_out"),
    (&["time", "outs"], "timeouts"),
    (&["dropped", "off"], "dropped_off"),
    (&["out", "of", "stock"], "out_of_stock"),
    (&["low", "on", "stock"], "low_stock"),
    (&["low", "in", "stock"], "low_stock"),
    (&["low", "stock"], "low_stock"),
    (&["running", "low"], "low"),
    (&["in", "stock"], "in_stock"),
    (&["in", "inventory"], "in_stock"),
    (&["on", "hold"], "on_hold"),
    (&["in", "progress"], "in_progress"),
    (&["in", "use"], "in_use"),
    (&["on", "time"], "on_time"),
    (&["in", "the", "queue"], "queued"),
    (&["in", "queue"], "queued"),
    (&["in", "line"], "queued"),
    (&["in", "the", "cart"], "in_cart"),
    (&["in", "their", "cart"], "in_cart"),
    (&["waiting", "list"], "waiting_list"),
    (&["right", "now"], "#now"),
    (&["at", "the", "moment"], "#now"),
    (&["at", "this", "moment"], "#now"),
    (&["at", "any", "time"], "#now"),
    (&["so", "far"], ""),
    (&["on", "average"], "#avg"),
    (&["in", "total"], ""),
    (&["over", "time"], ""),
    (&["went", "wrong"], "failed"),
    (&["go", "wrong"], "failed"),
    (&["goes", "wrong"], "failed"),
    (&["success", "or", "failure"], "#status"),
    (&["success", "and", "failure"], "#status"),
    (&["successes", "and", "failures"], "#status"),
    (&["succeeded", "or", "failed"], "#status"),
    (&["succeed", "or", "fail"], "#status"),
    (&["failed", "or", "succeeded"], "#status"),
    (&["successful", "or", "failed"], "#status"),
    (&["successful", "or", "not"], "#status"),
    (&["worked", "or", "not"], "#status"),
    (&["work", "or", "not"], "#status"),
    (&["or", "not"], ""),
    (&["do", "we", "have"], "#have"),
    (&["we", "have"], "#have"),
    (&["are", "there"], "#have"),
    (&["is", "there"], "#have"),
    (&["does", "it", "take"], "#take"),
    (&["do", "they", "take"], "#take"),
    (&["broken", "down", "by"], "#by"),
    (&["break", "down", "by"], "#by"),
    (&["split", "by"], "#by"),
    (&["grouped", "by"], "#by"),
    (&["group", "by"], "#by"),
    (&["for", "each"], "#by"),
    (&["for", "every"], "#by"),
    (&["per", "each"], "#by"),
    (&["in", "each"], "#by"),
];

/// Single words that are cues (or dropped).
fn single_cue(w: &str) -> Option<&'static str> {
    Some(match w {
        "now" | "currently" | "presently" | "concurrently" => "#now",
        "average" | "avg" | "mean" | "median" | "typical" | "typically" | "usually" | "normally" => "#avg",
        "latency" | "duration" | "durations" | "speed" | "delay" | "slow" | "fast" | "quickly" | "quick" => "#time",
        "take" | "takes" | "took" | "taking" => "#take",
        "size" | "sizes" => "#size",
        "bytes" | "byte" | "kb" | "mb" | "gb" | "megabytes" | "gigabytes" | "kilobytes" => "#bytes",
        "percentage" | "percentages" | "percent" | "ratio" | "ratios" | "rate" | "rates" | "proportion" => "#ratio",
        "euro" | "euros" | "eur" => "#eur",
        "dollar" | "dollars" | "usd" => "#usd",
        "gbp" | "sterling" => "#gbp",
        "money" => "#money",
        "signup" => "signups",
        "optouts" => "opt_outs",
        "unsubscriptions" => "unsubscribes",
        "wrong" => "failed",
        _ => return None,
    })
}

/// What the question is about, in pieces.
#[derive(Debug, Default)]
struct Parsed {
    /// Content words, in order; `None` marks a preposition boundary.
    words: Vec<Option<String>>,
    /// Cue tokens seen (`#many`, `#long`, ...).
    cues: Vec<&'static str>,
    /// Suggested labels, in order.
    labels: Vec<String>,
    /// "per order", "per customer": the unit an average is taken over (never a label).
    per_unit: Option<String>,
    /// Time-unit words left bare ("how many minutes"): a duration.
    bare_time_unit: bool,
}

impl Parsed {
    fn cue(&self, c: &str) -> bool {
        self.cues.contains(&c)
    }
}

fn singular(w: &str) -> String {
    const KEEP: &[&str] = &[
        "news", "status", "analysis", "business", "series", "bus", "gas", "process", "address", "class", "access",
        "success", "loss", "less", "os", "sms", "kudos", "physics", "is", "has", "was", "this", "its", "us", "plus",
        "campus", "bonus", "virus", "canvas", "alias", "atlas", "data", "sales",
    ];
    if w.len() <= 3 || KEEP.contains(&w) || w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for end in ["sses", "xes", "ches", "shes", "zes"] {
        if w.ends_with(end) {
            return w[..w.len() - 2].to_string();
        }
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

fn plural(w: &str) -> String {
    if w.ends_with('s') || (w.contains('_') && !w.ends_with("_out")) {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if w.ends_with('x') || w.ends_with("ch") || w.ends_with("sh") {
        return format!("{w}es");
    }
    format!("{w}s")
}

/// The past participle a word stands for, if it is one.
fn as_past(w: &str, position: usize) -> Option<String> {
    if has(PAST, w) && w != "new" {
        return Some(w.to_string());
    }
    if w.len() >= 5 && w.ends_with("ed") && !has(ED_NOT_VERBS, w) {
        return Some(w.to_string());
    }
    // A base form ("fail") is a verb only after the subject: first words are nouns ("upload size").
    if position > 0 {
        return lookup(BASE_TO_PAST, w).map(str::to_string);
    }
    None
}

fn is_stop(w: &str) -> bool {
    has(STOP, w)
}

fn parse(question: &str) -> Parsed {
    let t = fold_phrases(tokenize(question));
    let mut p = Parsed::default();
    let mut i = 0;
    while i < t.len() {
        i = parse_word(&t, i, &mut p);
    }
    p
}

/// The tokens with known phrases folded into one word each (longest first: the table lists
/// longer patterns before their prefixes) and single-word cues replaced by their cue.
fn fold_phrases(mut t: Vec<String>) -> Vec<String> {
    let mut merged: Vec<String> = Vec::new();
    let mut i = 0;
    'outer: while i < t.len() {
        for (pattern, replacement) in PHRASES {
            if t.len() - i >= pattern.len() && pattern.iter().zip(&t[i..]).all(|(p, w)| p == w) {
                if !replacement.is_empty() {
                    merged.push(replacement.to_string());
                }
                i += pattern.len();
                continue 'outer;
            }
        }
        merged.push(std::mem::take(&mut t[i]));
        i += 1;
    }
    merged.into_iter().map(|w| single_cue(&w).map(str::to_string).unwrap_or(w)).collect()
}

fn is_time_unit(w: &str) -> bool {
    has(TIME_UNITS, &singular(w)) || has(TIME_UNITS, w)
}

/// Reads the word at `i` (and the words it governs) into `p`; returns where the next word starts.
fn parse_word(t: &[String], i: usize, p: &mut Parsed) -> usize {
    let w = t[i].as_str();
    if let Some(next) = breakdown(t, i, p).or_else(|| time_span(t, i)) {
        return next;
    }
    if has(TIME_WORDS, w) {
        return i + 1;
    }
    if let Some(cue) = w.strip_prefix('#') {
        push_cue(cue, p);
    } else if matches!(w, "seconds" | "minutes" | "hours" | "days" | "weeks") {
        // Bare "minutes" (not after "per"/"this"): the question is about a duration.
        p.bare_time_unit = true;
    } else if w == "time" {
        if is_duration_time(t, i) {
            p.cues.push("#time");
        }
    } else if has(PREPS, w) {
        // "to" before a verb is an infinitive ("take to generate a report"), not a boundary.
        let next_is_verb =
            t.get(i + 1).is_some_and(|n| lookup(BASE_TO_PAST, n).is_some() || lookup(NOMINAL, n).is_some());
        if !(w == "to" && next_is_verb) {
            p.words.push(None);
        }
    } else if !is_stop(w) && w.len() >= 2 && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        p.words.push(Some(w.to_string()));
    }
    i + 1
}

/// A breakdown at `i`: labels ("by category", "per warehouse"), a per-thing unit ("orders per
/// customer") or a dropped unbounded one ("by user id"). Returns where the next word starts, or
/// None when `i` starts none (or starts "each"/"every" read as a plain word).
fn breakdown(t: &[String], i: usize, p: &mut Parsed) -> Option<usize> {
    let w = t[i].as_str();
    // Labels: "by category", "per warehouse", "for each customer" (no: unbounded).
    let strict_by = w == "by";
    if !(strict_by || matches!(w, "per" | "#by" | "across" | "each" | "every")) {
        return None;
    }
    let mut j = i + 1;
    let filler = |w: &str| {
        matches!(w, "the" | "a" | "an" | "each" | "every" | "single" | "individual" | "their" | "our" | "all")
    };
    while j < t.len() && (filler(&t[j]) || t[j].chars().all(|c| c.is_ascii_digit())) {
        j += 1;
    }
    let Some(first) = t.get(j) else {
        return Some(i + 1);
    };
    if is_time_unit(first) || first == "time" || first == "times" {
        return Some(j + 1);
    }
    if let Some(consumed) = take_labels(t, j, strict_by, p) {
        return Some(consumed);
    }
    let unbounded = |w: &str| has(UNBOUNDED, &singular(w)) || has(PERSONS, w);
    if unbounded(first) {
        // "orders per customer": a per-thing average at most, never a label; "by user id
        // and email": what was meant as a breakdown is dropped whole.
        if !strict_by {
            p.per_unit = Some(singular(first));
        }
        let mut k = j + 1;
        loop {
            if t.get(k).is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "email" | "emails" | "name" | "number")) {
                k += 1;
            } else if t.get(k).is_some_and(|w| w == "and" || w == "or") && t.get(k + 1).is_some_and(|w| unbounded(w)) {
                k += 2;
            } else {
                break;
            }
        }
        return Some(k);
    }
    if !(w == "each" || w == "every") {
        p.words.push(None);
        return Some(i + 1);
    }
    None
}

/// A time span at `i` ("this week", "in the last 5 minutes", "a day"): where the next word starts.
fn time_span(t: &[String], i: usize) -> Option<usize> {
    if !has(TIME_LEADS, &t[i]) {
        return None;
    }
    let mut j = i;
    while j < t.len() && (has(TIME_LEADS, &t[j]) || t[j].chars().all(|c| c.is_ascii_digit())) {
        j += 1;
    }
    (j < t.len() && is_time_unit(&t[j]) && j > i).then_some(j + 1)
}

/// Records a cue word (`#many`, `#status`...) folded in by [`fold_phrases`].
fn push_cue(cue: &str, p: &mut Parsed) {
    let cue: &'static str = match cue {
        "many" => "#many",
        "much" => "#much",
        "long" => "#long",
        "big" => "#big",
        "ratio" => "#ratio",
        "now" => "#now",
        "avg" => "#avg",
        "time" => "#time",
        "take" => "#take",
        "size" => "#size",
        "bytes" => "#bytes",
        "eur" => "#eur",
        "usd" => "#usd",
        "gbp" => "#gbp",
        "money" => "#money",
        "have" => "#have",
        "status" => "#status",
        _ => "#other",
    };
    if cue == "#status" {
        push_label(p, "status");
    }
    p.cues.push(cue);
}

/// "load time", "the time it takes" are durations; "first time", "each time", "on time" are not.
fn is_duration_time(t: &[String], i: usize) -> bool {
    let prev = if i > 0 { t[i - 1].as_str() } else { "" };
    !matches!(
        prev,
        "each"
            | "every"
            | "this"
            | "that"
            | "first"
            | "last"
            | "same"
            | "any"
            | "next"
            | "one"
            | "some"
            | "no"
            | "at"
            | "a"
            | "second"
    )
}

fn label_name(w: &str) -> String {
    let s = singular(w);
    match s.as_str() {
        "outcome" | "result" | "state" | "success" | "failure" => "status".into(),
        "kind" => "type".into(),
        _ => s,
    }
}

fn push_label(p: &mut Parsed, l: &str) {
    let l = sanitize_ident(l);
    if !l.is_empty() && !p.labels.contains(&l) && l != "le" {
        p.labels.push(l);
    }
}

/// A word after "per"/"for each" that can be a label: a bounded noun, not an id or a person.
fn plausible_label(w: &str) -> bool {
    !has(UNBOUNDED, &singular(w))
        && !has(PERSONS, w)
        && !is_stop(w)
        && !has(PREPS, w)
        && w.len() >= 3
        && w.chars().all(|c| c.is_ascii_alphabetic())
}

/// Reads one or two labels starting at `j`; returns the index after them.
fn take_labels(t: &[String], mut j: usize, strict: bool, p: &mut Parsed) -> Option<usize> {
    let mut found = false;
    loop {
        let first = t.get(j)?;
        let s1 = singular(first);
        let second = t.get(j + 1).map(|w| singular(w));
        let compound = second.as_deref().filter(|s2| has(DIMENSION_HEADS, s2) && !has(DIMENSIONS, &s1));
        let label = if let Some(s2) = compound {
            // "customer type", "payment method": bounded whatever the first word is, unless it is an id.
            (!has(UNBOUNDED, s2)).then(|| format!("{s1}_{s2}")).map(|l| (l, 2))
        } else if has(DIMENSIONS, &s1) || has(DIMENSIONS, first) || (!strict && plausible_label(first)) {
            Some((label_name(first), 1))
        } else {
            None
        };
        let Some((label, used)) = label else {
            return found.then_some(j);
        };
        push_label(p, &label);
        found = true;
        j += used;
        // "by category and warehouse", "by status, category and region" (commas are gone by now):
        // every listed dimension is consumed, so none ends up in the name; labels are capped later.
        let is_dim = |k: usize| {
            t.get(k).is_some_and(|w| has(DIMENSIONS, &singular(w)))
                || t.get(k + 1).is_some_and(|w| has(DIMENSION_HEADS, &singular(w)))
        };
        if matches!(t.get(j).map(String::as_str), Some("and" | "or")) && is_dim(j + 1) {
            j += 1;
            continue;
        }
        if is_dim(j) {
            continue;
        }
        return Some(j);
    }
}

// ---------------------------------------------------------------------------------------------
// Deciding the metric

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// The metric's shape: its kind, name words and unit suffix.
#[derive(Debug)]
struct Shape {
    kind: Kind,
    words: Vec<String>,
    suffix: &'static str,
}

impl Shape {
    fn name_parts(&self) -> (String, Kind, &'static str) {
        (self.words.join("_"), self.kind, self.suffix)
    }
}

/// Content words with qualifier phrases first ("errors on the checkout page" -> checkout page errors).
/// Returns (qualifier words, head words).
fn segments(p: &Parsed) -> (Vec<String>, Vec<String>) {
    let mut segs: Vec<Vec<String>> = vec![Vec::new()];
    for w in &p.words {
        match w {
            Some(w) => {
                if let Some(s) = segs.last_mut() {
                    s.push(w.clone());
                }
            }
            None => {
                if segs.last().is_some_and(|s| !s.is_empty()) {
                    segs.push(Vec::new());
                }
            }
        }
    }
    segs.retain(|s| !s.is_empty());
    if segs.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // The head is the first phrase; if it is only people or generic words, the next one.
    let head_at = segs.iter().position(|s| s.iter().any(|w| !has(PERSONS, w) && !has(GENERIC, w))).unwrap_or(0);
    let head = segs.remove(head_at);
    let quals: Vec<String> = segs.into_iter().rev().flatten().collect();
    (quals, head)
}

/// Drops people and generic words unless nothing else is left.
fn prune(words: Vec<String>) -> Vec<String> {
    let kept: Vec<String> = words.iter().filter(|w| !has(PERSONS, w) && !has(GENERIC, w)).cloned().collect();
    if !kept.is_empty() {
        return kept;
    }
    let people: Vec<String> = words.iter().filter(|w| !has(GENERIC, w)).cloned().collect();
    if people.is_empty() { words } else { people }
}

fn decide(p: &Parsed) -> Shape {
    let (quals, head) = segments(p);
    let quals: Vec<String> =
        quals.iter().filter(|w| !has(PERSONS, w) && !has(GENERIC, w)).map(|w| singular(w)).collect();
    let all: Vec<String> = quals.iter().chain(head.iter()).cloned().collect();
    let head_noun = head.iter().rev().find(|w| as_past(w, 1).is_none()).cloned().unwrap_or_default();
    let currency = currency(p);
    let money = is_money(p, &all, currency);

    // 1. Percentages and ratios.
    if p.cue("#ratio") {
        return Shape { kind: Kind::Gauge, words: event_words(&quals, &head, false), suffix: "ratio" };
    }
    // 2. "How long is the queue?" is a length.
    if p.cue("#long") && head.len() == 1 && has(QUEUE_NOUNS, &singular(&head[0])) {
        return Shape { kind: Kind::Gauge, words: vec![singular(&head[0])], suffix: "length" };
    }
    // 3. Durations.
    let duration_word = p.cue("#time") || p.bare_time_unit;
    if p.cue("#long")
        || (duration_word && !p.cue("#many"))
        || (p.cue("#many") && p.bare_time_unit)
        || (p.cue("#take") && !p.cue("#many"))
    {
        return Shape { kind: Kind::Histogram, words: action_words(&quals, &head), suffix: "duration_seconds" };
    }
    // 4. Sizes.
    if p.cue("#big") || p.cue("#size") || p.cue("#bytes") {
        return size_shape(p, &quals, &head);
    }
    if p.cue("#much") && all.iter().any(|w| matches!(w.as_str(), "disk" | "storage" | "space" | "memory" | "ram")) {
        let words: Vec<String> = all.iter().filter(|w| !has(PERSONS, w)).map(|w| singular(w)).collect();
        return Shape { kind: Kind::Gauge, words, suffix: "bytes" };
    }
    // 5. Money.
    if money {
        return money_shape(p, &all, currency);
    }
    // 6. Averages of anything else: a histogram of the thing ("average items per order").
    if p.cue("#avg") {
        let mut words: Vec<String> = prune(all.clone()).into_iter().filter(|w| as_past(w, 1).is_none()).collect();
        if let Some(unit) = &p.per_unit {
            words.push("per".into());
            words.push(unit.clone());
        } else {
            words = words.iter().map(|w| singular(w)).collect();
        }
        return Shape { kind: Kind::Histogram, words, suffix: "" };
    }
    // 7. Amounts right now.
    let has_state =
        all.iter().any(|w| has(STATE_PREFIX, w) || has(STATE_SUFFIX, w) || has(ACTIVE_ING, w) || w == "low");
    let gauge_noun = has(GAUGE_NOUNS, &head_noun) || has(GAUGE_NOUNS, &singular(&head_noun));
    let event = has(EVENT_NOUNS, &head_noun) || has(EVENT_NOUNS, &plural(&head_noun));
    let verb = head.iter().enumerate().any(|(i, w)| as_past(w, i).is_some());
    if has_state || gauge_noun || ((p.cue("#now") || p.cue("#have") || p.cue("#much")) && !event && !verb) {
        return Shape { kind: Kind::Gauge, words: gauge_words(&quals, &head, p.cue("#now") && !has_state), suffix: "" };
    }
    // 8. Things that happened.
    Shape { kind: Kind::Counter, words: event_words(&quals, &head, true), suffix: "total" }
}

/// The currency a question names, if any.
fn currency(p: &Parsed) -> Option<&'static str> {
    if p.cue("#eur") {
        Some("euros")
    } else if p.cue("#usd") {
        Some("dollars")
    } else if p.cue("#gbp") {
        Some("pounds")
    } else {
        None
    }
}

/// True when the question is about money: a currency, a money word, "how much" with a selling
/// verb, or a value that is not a count.
fn is_money(p: &Parsed, all: &[String], currency: Option<&str>) -> bool {
    let money_word = all.iter().any(|w| {
        has(REVENUE_WORDS, w)
            && !matches!(w.as_str(), "made" | "make" | "sold" | "sell" | "sales" | "earned" | "earn" | "earns")
    });
    let money_verb = all.iter().any(|w| has(REVENUE_WORDS, w) || lookup(MONEY_BASES, w).is_some());
    let value_word = all.iter().any(|w| w == "value" || w == "worth");
    currency.is_some()
        || p.cue("#money")
        || money_word
        || (p.cue("#much") && money_verb)
        || (value_word && !p.cue("#many"))
}

/// Step 4 of [`decide`]: sizes ("how big are uploads", "disk used").
fn size_shape(p: &Parsed, quals: &[String], head: &[String]) -> Shape {
    let mut words = action_words(quals, head);
    let bytes = p.cue("#bytes") || words.iter().any(|w| has(BYTE_NOUNS, w));
    if p.cue("#much") && words.iter().any(|w| matches!(w.as_str(), "disk" | "storage" | "space" | "memory" | "ram")) {
        return Shape { kind: Kind::Gauge, words, suffix: "bytes" };
    }
    let suffix = if bytes { "size_bytes" } else { "size" };
    if words.last().is_some_and(|w| w == "size") {
        words.pop();
    }
    Shape { kind: Kind::Histogram, words, suffix }
}

/// Step 5 of [`decide`]: money, as a total or (per thing, on average) a histogram of values.
fn money_shape(p: &Parsed, all: &[String], currency: Option<&str>) -> Shape {
    let average = p.cue("#avg") || p.per_unit.is_some();
    let mut base: Option<&str> = None;
    let mut nouns: Vec<String> = Vec::new();
    for w in prune(all.to_vec()) {
        if has(REVENUE_WORDS, &w) {
            base.get_or_insert("revenue");
        } else if let Some(b) = lookup(MONEY_BASES, &w) {
            base.get_or_insert(b);
        } else if !matches!(w.as_str(), "value" | "worth") {
            nouns.push(singular(&w));
        }
    }
    if average {
        let mut words: Vec<String> = p.per_unit.iter().cloned().collect();
        words.extend(nouns);
        if words.is_empty() {
            words.extend(base.map(singular));
        }
        words.push("value".into());
        words.extend(currency.map(str::to_string));
        return Shape { kind: Kind::Histogram, words, suffix: "" };
    }
    let mut words = nouns;
    match base {
        Some("revenue") => words.push("revenue".into()),
        Some(b) => {
            words.push(b.to_string());
            words.push("amount".into());
        }
        None => words.push("amount".into()),
    }
    words.extend(currency.map(str::to_string));
    Shape { kind: Kind::Counter, words, suffix: "total" }
}

/// Subject + verb ("orders processed"), object + verb ("failed payments" -> payments failed),
/// or the event noun of a person's action ("people signed up" -> signups).
fn event_words(quals: &[String], head: &[String], plural_object: bool) -> Vec<String> {
    let mut flat: Vec<String> = head.to_vec();
    let mut quals = quals.to_vec();
    if flat.is_empty() {
        // "what percentage of payments fail": everything is in a qualifier phrase.
        flat = std::mem::take(&mut quals);
    }
    let verb_at = flat.iter().enumerate().find_map(|(i, w)| as_past(w, i).map(|v| (i, v)));
    let Some((at, verb)) = verb_at else {
        let mut words = quals;
        words.extend(prune(flat));
        return words;
    };
    let subject: Vec<String> = flat[..at].to_vec();
    let object: Vec<String> = flat[at + 1..]
        .iter()
        .enumerate()
        .filter(|(i, w)| as_past(w, at + 1 + i).is_none())
        .map(|(_, w)| w.clone())
        .collect();
    let only_people = |ws: &[String]| !ws.is_empty() && ws.iter().all(|w| has(PERSONS, w));
    // "delivered on time", "arrived late": how it happened belongs after the verb.
    let manner: Vec<String> =
        object.iter().filter(|w| matches!(w.as_str(), "on_time" | "late" | "early")).cloned().collect();
    let object: Vec<String> = object.into_iter().filter(|w| !manner.contains(w)).collect();
    let mut words = quals;
    if let Some(event) = lookup(PERSON_EVENTS, &verb) {
        // "users signed up for the newsletter" -> newsletter signups; "vendors signed up" -> vendor signups.
        words.extend(object.iter().filter(|w| !has(PERSONS, w)).map(|w| singular(w)));
        words.extend(subject.iter().filter(|w| !has(PERSONS, w)).map(|w| singular(w)));
        words.push(event.to_string());
        return words;
    }
    if !subject.is_empty() && !only_people(&subject) {
        words.extend(subject.into_iter().filter(|w| !has(PERSONS, w)));
    } else if !object.is_empty() {
        let mut obj: Vec<String> = object.into_iter().filter(|w| !has(PERSONS, w)).collect();
        // "placed an order" -> orders placed; a compound ("visit the pricing page") stays as written.
        if plural_object
            && obj.len() == 1
            && let Some(last) = obj.last_mut()
        {
            *last = plural(last);
        }
        words.extend(obj);
        if words.is_empty() {
            words.extend(subject);
        }
    } else if words.is_empty() {
        // "how many users churned": the people are the subject after all.
        words.extend(subject);
    }
    words.push(verb);
    words.extend(manner);
    words
}

/// Nouns plus the action as a noun ("generate a report" -> report generation), singular.
fn action_words(quals: &[String], head: &[String]) -> Vec<String> {
    let mut nouns: Vec<String> = Vec::new();
    let mut action: Option<String> = None;
    let flat: Vec<String> = quals.iter().chain(head.iter()).cloned().collect();
    let flat = prune(flat);
    for (i, w) in flat.iter().enumerate() {
        // A base verb first with an object after it ("generate report") is the action too.
        let verbish = as_past(w, i).is_some()
            || (lookup(NOMINAL, w).is_some() && lookup(BASE_TO_PAST, w).is_some() && (i > 0 || flat.len() > 1));
        if action.is_none() && verbish {
            if let Some(n) = lookup(NOMINAL, w).or_else(|| as_past(w, i).as_deref().and_then(|p| lookup(NOMINAL, p))) {
                action = Some(n.to_string());
                continue;
            }
            if let Some(past) = as_past(w, i) {
                action = Some(past);
                continue;
            }
        }
        nouns.push(singular(w));
    }
    nouns.extend(action);
    nouns
}

/// State words first (`open_tickets`), phrase states last (`products_in_stock`).
fn gauge_words(quals: &[String], head: &[String], current: bool) -> Vec<String> {
    let flat: Vec<String> = quals.iter().chain(head.iter()).cloned().collect();
    let context_stock = flat
        .iter()
        .any(|w| matches!(singular(w).as_str(), "item" | "product" | "stock" | "inventory" | "article" | "part"));
    let mut prefix: Vec<String> = Vec::new();
    let mut nouns: Vec<String> = Vec::new();
    let mut suffix: Vec<String> = Vec::new();
    let mut person_seen = false;
    for (i, w) in flat.iter().enumerate() {
        if w == "low" {
            prefix.push(if context_stock { "low_stock".into() } else { "low".into() });
        } else if has(ACTIVE_ING, w) {
            prefix.push("active".into());
        } else if has(STATE_PREFIX, w) {
            prefix.push(w.clone());
        } else if has(STATE_SUFFIX, w) {
            suffix.push(w.clone());
        } else if has(PERSONS, w) {
            person_seen = true;
            if matches!(
                w.as_str(),
                "people"
                    | "person"
                    | "persons"
                    | "folks"
                    | "someone"
                    | "somebody"
                    | "everyone"
                    | "everybody"
                    | "anyone"
                    | "anybody"
                    | "humans"
                    | "human"
            ) {
                nouns.push("users".into());
            } else if w != "new" {
                nouns.push(plural(w));
            }
        } else if as_past(w, i).is_some() || (w.ends_with("ing") && w.len() > 5) {
            // "waiting to be shipped": the state is enough.
            if w.ends_with("ing") && !has(STATE_PREFIX, w) {
                prefix.push(w.clone());
            }
        } else if !has(GENERIC, w) || flat.len() == 1 {
            nouns.push(w.clone());
        }
    }
    prefix.dedup();
    // One state is enough: "jobs waiting in the queue" -> waiting_jobs.
    prefix.truncate(1);
    if nouns.is_empty() && person_seen {
        nouns.push("users".into());
    }
    let mut words = Vec::new();
    if current && prefix.is_empty() && suffix.is_empty() && !nouns.iter().any(|n| has(GAUGE_NOUNS, n)) {
        words.push("current".to_string());
    }
    words.extend(prefix);
    words.extend(nouns);
    words.extend(suffix);
    words
}

// ---------------------------------------------------------------------------------------------
// Building a valid name

/// Lower-case ASCII letters, digits and single underscores; no leading digit or underscore.
fn sanitize_ident(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches('_');
    out.to_string()
}

fn finish_name(base: &str, kind: Kind, suffix: &str) -> String {
    let mut words: Vec<String> =
        sanitize_ident(base).split('_').filter(|w| !w.is_empty() && *w != "total").map(str::to_string).collect();
    // "current_orders" twice, "failed_failed": repeated words read as a mistake.
    words.dedup();
    let suffix_words: Vec<&str> = match (kind, suffix) {
        (Kind::Counter, "total") if words.is_empty() => vec!["business", "events", "total"],
        (Kind::Counter, _) => vec!["total"],
        (_, "") if words.is_empty() => vec!["business", "value"],
        (_, s) if words.is_empty() => std::iter::once("business").chain(s.split('_')).collect(),
        (_, "") => vec![],
        (_, s) => s.split('_').collect(),
    };
    // A unit already spelled by the words is not repeated ("size size_bytes").
    while let (Some(last), Some(first)) = (words.last(), suffix_words.first()) {
        if last == first {
            words.pop();
        } else {
            break;
        }
    }
    let tail = suffix_words.join("_");
    let budget = MAX_NAME_LEN.saturating_sub(if tail.is_empty() { 0 } else { tail.len() + 1 });
    // Too long: drop leading qualifier words first (the head noun and verb are at the end).
    while words.len() > 1 && words.join("_").len() > budget {
        words.remove(0);
    }
    let mut base = words.join("_");
    if base.len() > budget {
        base.truncate(budget);
        base = base.trim_end_matches('_').to_string();
    }
    let mut name = match (base.is_empty(), tail.is_empty()) {
        (true, true) => "business_value".to_string(),
        (true, false) => tail,
        (false, true) => base,
        (false, false) => format!("{base}_{tail}"),
    };
    if kind != Kind::Counter {
        while let Some(stripped) = name.strip_suffix("_total") {
            name = stripped.to_string();
        }
        if name.is_empty() || name == "total" {
            name = "business_value".into();
        }
    }
    if name.chars().next().is_none_or(|c| !c.is_ascii_alphabetic()) {
        name = format!("n_{name}");
    }
    if FRAMEWORK_METRICS.contains(&name.as_str()) {
        // The skeleton already measures this; a business twin needs its own name.
        name = format!("app_{name}");
    }
    name
}

// ---------------------------------------------------------------------------------------------
// Help text

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A short sentence for the `# HELP` line: the name in words when the name says something, else
/// the creator's question itself (another language, a fallback name).
fn help_text(name: &str, base: &str, kind: Kind, suffix: &str, labels: &[String], question: &str) -> String {
    let fallback = name.starts_with("business_") || sanitize_ident(base).is_empty();
    let mut text = if fallback {
        let q: String = question
            .chars()
            .filter(|c| c.is_alphanumeric() || " .,:;!?()%&+-/€$£'".contains(*c))
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if q.is_empty() { "A number that shows the app is working".to_string() } else { q }
    } else {
        let mut words = name.to_string();
        for s in ["_total", "_duration_seconds", "_size_bytes", "_bytes", "_ratio"] {
            if let Some(stripped) = words.strip_suffix(s) {
                words = stripped.to_string();
                break;
            }
        }
        let words = words.strip_prefix("current_").unwrap_or(&words).replace('_', " ");
        // Acronyms and currencies read better as people write them.
        let words: Vec<String> = words
            .split(' ')
            .map(|w| match w {
                "api" | "http" | "sms" | "pdf" | "url" | "cpu" | "ai" | "csv" | "vip" | "sla" | "kpi" => {
                    w.to_ascii_uppercase()
                }
                "euros" | "dollars" | "pounds" => format!("in {w}"),
                _ => w.to_string(),
            })
            .collect();
        let words = words.join(" ");
        let unit = match (kind, suffix) {
            (Kind::Histogram, "duration_seconds") => " duration in seconds",
            (Kind::Histogram, "size_bytes") => " size in bytes",
            (_, "bytes") => " in bytes",
            (Kind::Gauge, "ratio") => " ratio (0 to 1)",
            (Kind::Gauge, _) => " right now",
            _ => "",
        };
        let by =
            if labels.is_empty() { String::new() } else { format!(", by {}", labels.join(" and ").replace('_', " ")) };
        format!("{}{unit}{by}", capitalize(&words))
    };
    if text.chars().count() > MAX_HELP_CHARS {
        let cut: String = text.chars().take(MAX_HELP_CHARS - 1).collect();
        let cut = cut.rsplit_once(' ').map(|(a, _)| a.to_string()).unwrap_or(cut);
        text = format!("{cut}…");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::spec::{Answers, Components, ReviewSettings};

    /// Every rule `vibe.yaml` must meet, applied to one suggested metric.
    fn problems(m: &MetricAnswer) -> Vec<String> {
        let a = Answers {
            name: "Shop".into(),
            slug: Some("shop".into()),
            runtime: "python3.12".into(),
            database: "none".into(),
            components: Components::default(),
            start: None,
            size: "md".into(),
            metrics: vec![m.clone()],
            secrets: vec![],
            env: Default::default(),
            readiness_checks_database: false,
            tag: None,
            platform: None,
            review: ReviewSettings::default(),
        };
        crate::spec::validate(&a, &Platform::default())
            .into_iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect()
    }

    fn assert_valid(q: &str, m: &MetricAnswer) {
        assert_eq!(problems(m), Vec::<String>::new(), "{q:?} -> {m:?}");
        assert!(m.name.len() <= MAX_NAME_LEN, "{q:?}: {} is too long", m.name);
        assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{q:?}: {}", m.name);
        assert!(m.name.starts_with(|c: char| c.is_ascii_lowercase()), "{q:?}: {}", m.name);
        assert!(!m.name.contains("__") && !m.name.ends_with('_'), "{q:?}: {}", m.name);
        assert!(!FRAMEWORK_METRICS.contains(&m.name.as_str()), "{q:?}: {}", m.name);
        assert_eq!(m.kind == "counter", m.name.ends_with("_total"), "{q:?}: {}", m.name);
        assert!(m.labels.len() <= MAX_SUGGESTED_LABELS, "{q:?}: {:?}", m.labels);
        for l in &m.labels {
            assert!(!has(UNBOUNDED, l) && !has(PERSONS, l), "{q:?}: unbounded label {l}");
        }
        let help = m.help.as_deref().unwrap_or_default();
        assert!(!help.is_empty() && help.chars().count() <= MAX_HELP_CHARS, "{q:?}: help {help:?}");
        assert!(!help.contains(['\n', '\r', '"', '\\', '`', '*']), "{q:?}: help {help:?}");
    }

    #[test]
    fn realistic_questions_get_the_expected_metric() {
        // (question, name, type, labels): the questions creators actually type.
        let cases: &[(&str, &str, &str, &[&str])] = &[
            ("How many orders were processed today?", "orders_processed_total", "counter", &["status"]),
            ("How many people signed up this week?", "signups_total", "counter", &[]),
            ("How many new customers signed up?", "signups_total", "counter", &[]),
            ("How many emails were sent?", "emails_sent_total", "counter", &["status"]),
            ("How many emails failed to send?", "emails_failed_total", "counter", &[]),
            ("How many payments failed?", "payments_failed_total", "counter", &[]),
            ("How many failed payments were there today?", "payments_failed_total", "counter", &[]),
            ("How many payments succeeded or failed?", "payments_total", "counter", &["status"]),
            ("How many items are low on stock?", "low_stock_items", "gauge", &[]),
            ("Which items are running low on stock, by category?", "low_stock_items", "gauge", &["category"]),
            ("How many users are active right now?", "active_users", "gauge", &[]),
            ("How many people are using the app right now?", "active_users", "gauge", &[]),
            ("How long is the queue?", "queue_length", "gauge", &[]),
            ("What is the queue length?", "queue_length", "gauge", &[]),
            ("How many jobs are waiting in the queue?", "waiting_jobs", "gauge", &[]),
            ("How many messages are in the queue?", "queued_messages", "gauge", &[]),
            ("How long does it take to generate a report?", "report_generation_duration_seconds", "histogram", &[]),
            ("What is the page load time?", "page_load_duration_seconds", "histogram", &[]),
            ("How fast do pages load?", "page_load_duration_seconds", "histogram", &[]),
            ("Average response time of the API", "api_response_duration_seconds", "histogram", &[]),
            ("How long do customers wait for their delivery?", "delivery_wait_duration_seconds", "histogram", &[]),
            ("How much revenue do we make per day?", "revenue_total", "counter", &[]),
            ("Revenue per day", "revenue_total", "counter", &[]),
            ("Daily revenue in €", "revenue_euros_total", "counter", &[]),
            ("How many refunds were issued?", "refunds_issued_total", "counter", &[]),
            ("How much money was refunded this month?", "refunds_amount_total", "counter", &[]),
            ("What is our conversion rate?", "conversion_ratio", "gauge", &[]),
            ("Conversion rate by traffic source", "conversion_ratio", "gauge", &["traffic_source"]),
            ("What percentage of payments fail?", "payments_failed_ratio", "gauge", &[]),
            ("What is the average basket size?", "basket_size", "histogram", &[]),
            ("Average order value in $", "order_value_dollars", "histogram", &[]),
            ("Average number of items per order", "items_per_order", "histogram", &[]),
            ("How big are the files people upload?", "file_upload_size_bytes", "histogram", &[]),
            ("How many support tickets are open?", "open_support_tickets", "gauge", &[]),
            ("How many login failures happen every day?", "login_failures_total", "counter", &[]),
            ("How many API errors do we get?", "api_errors_total", "counter", &[]),
            ("How many errors happened on the checkout page?", "checkout_page_errors_total", "counter", &[]),
            ("How many stock checks per warehouse?", "stock_checks_total", "counter", &["warehouse"]),
            ("How many shipments were delayed?", "shipments_delayed_total", "counter", &[]),
            ("How many delayed shipments per carrier?", "shipments_delayed_total", "counter", &["carrier"]),
            ("How many people unsubscribed from the newsletter?", "newsletter_unsubscribes_total", "counter", &[]),
            ("How many newsletter unsubscribes this week?", "newsletter_unsubscribes_total", "counter", &[]),
            // Customer ids are unbounded: never a label.
            ("How many orders per customer?", "orders_total", "counter", &[]),
            ("How many invoices were created for each customer?", "invoices_created_total", "counter", &[]),
            ("How many orders by outcome?", "orders_total", "counter", &["status"]),
            ("How many customers placed an order?", "orders_placed_total", "counter", &[]),
            ("How many orders were delivered on time?", "orders_delivered_on_time_total", "counter", &["status"]),
            ("How many orders are shipped per hour by warehouse?", "orders_shipped_total", "counter", &["warehouse"]),
            ("Sales by country and payment method", "sales_total", "counter", &["country", "payment_method"]),
            (
                "How many orders by status, category, region and country?",
                "orders_total",
                "counter",
                &["status", "category"],
            ),
            ("How many users by user id and email?", "users_total", "counter", &[]),
            ("How many visitors are on the site right now?", "current_visitors", "gauge", &[]),
            ("How many products are out of stock?", "products_out_of_stock", "gauge", &[]),
            ("How many orders are pending?", "pending_orders", "gauge", &[]),
            ("How much disk space is used?", "disk_space_used_bytes", "gauge", &[]),
            ("How many minutes does shipping take?", "shipping_duration_seconds", "histogram", &[]),
            ("How many bookings were cancelled?", "bookings_cancelled_total", "counter", &[]),
            ("How many users churned this month?", "users_churned_total", "counter", &[]),
            ("How many seats are available for each event?", "available_seats", "gauge", &["event"]),
            ("Temperature of the fridge", "fridge_temperature", "gauge", &[]),
            ("What is the average rating customers give?", "rating", "histogram", &[]),
            // The skeleton already has http_requests_total: the business twin gets its own name.
            ("How many HTTP requests do we get?", "app_http_requests_total", "counter", &[]),
            ("Wie viele Bestellungen wurden heute bearbeitet?", "bestellungen_bearbeitet_total", "counter", &[]),
        ];
        for (q, name, kind, labels) in cases {
            let m = suggest_metric(q);
            assert_eq!(
                (m.name.as_str(), m.kind.as_str(), m.labels.iter().map(String::as_str).collect::<Vec<_>>()),
                (*name, *kind, labels.to_vec()),
                "{q}"
            );
            assert_eq!(m.question.as_deref(), Some(*q));
            assert_valid(q, &m);
        }
        assert!(cases.len() >= 50);
    }

    #[test]
    fn help_is_a_short_sentence() {
        let help = |q: &str| suggest_metric(q).help.unwrap();
        assert_eq!(help("How many orders were processed today?"), "Orders processed, by status");
        assert_eq!(help("How many items are low on stock?"), "Low stock items right now");
        assert_eq!(help("How long does it take to generate a report?"), "Report generation duration in seconds");
        assert_eq!(help("Daily revenue in €"), "Revenue in euros");
        assert_eq!(help("What is our conversion rate?"), "Conversion ratio (0 to 1)");
        assert_eq!(help("How many API errors do we get?"), "API errors");
        // Nothing readable in the name: the creator's own words are the help.
        assert_eq!(help("注文はいくつ処理されましたか"), "注文はいくつ処理されましたか");
        assert_eq!(help("  "), "A number that shows the app is working");
    }

    #[test]
    fn question_is_kept_trimmed_on_one_line() {
        let m = suggest_metric("  How many\norders   were processed?\t");
        assert_eq!(m.question.as_deref(), Some("How many orders were processed?"));
        assert_eq!(suggest_metric("   ").question, None);
    }

    #[test]
    fn any_input_gives_a_valid_metric() {
        let long = "how many orders ".repeat(200);
        let word = "supercalifragilisticexpialidociousness".repeat(4);
        let mut inputs: Vec<String> = [
            "",
            " ",
            "?",
            "???!!!",
            "🚀🚀🚀",
            "📦 how many 📦 were shipped 🚚",
            "12345",
            "42 orders",
            "3d prints sold",
            "0",
            "-",
            "_",
            "__init__",
            "total",
            "total total total",
            "how many",
            "how long",
            "how much",
            "what percentage",
            "by status",
            "per day",
            "le",
            "by le",
            "how many le by le and le",
            "http_requests_total",
            "http request duration seconds",
            "how many http active connections right now",
            "http_active_connections",
            "注文はいくつ処理されましたか",
            "Сколько заказов обработано сегодня?",
            "كم عدد الطلبات اليوم؟",
            "¿Cuántos pedidos se enviaron hoy?",
            "Combien de commandes ont été traitées aujourd'hui ?",
            "Hoeveel bestellingen zijn er vandaag verwerkt?",
            "Ñandú über straße",
            "a\u{0}b\u{7}c",
            "\"quoted\" 'single' `back` \\slash */ *",
            "<script>alert(1)</script>",
            "SELECT * FROM orders; DROP TABLE users;",
            "${HOME} {{ tera }} {% if %}",
            "orders_processed_total",
            "How many users by user id and email and customer?",
            "How many orders by status, category, region and country?",
            "how long how big how much what percentage money € $ %",
            "average average average",
            "rate rate",
            "le le le by le",
            "_total",
            "total_total",
            "bytes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        inputs.push(long);
        inputs.push(word.clone());
        inputs.push(format!("How many {word} were {word}ed per {word}?"));
        inputs.push("x ".repeat(300));
        inputs.push("9".repeat(80));
        assert!(inputs.len() >= 50);
        for q in &inputs {
            let m = suggest_metric(q);
            assert_valid(q, &m);
        }
    }

    #[test]
    fn suggestions_never_collide_with_framework_metrics() {
        for q in [
            "http requests",
            "http_requests",
            "How many HTTP requests?",
            "http request duration",
            "http active connections",
        ] {
            let m = suggest_metric(q);
            assert!(!FRAMEWORK_METRICS.contains(&m.name.as_str()), "{q}: {}", m.name);
        }
    }

    #[test]
    fn words_are_singularised_and_pluralised_sensibly() {
        assert_eq!(singular("deliveries"), "delivery");
        assert_eq!(singular("reports"), "report");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("business"), "business");
        assert_eq!(plural("order"), "orders");
        assert_eq!(plural("delivery"), "deliveries");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("batch"), "batches");
        assert_eq!(sanitize_ident("9 Lives!"), "lives");
        assert_eq!(sanitize_ident("__x__y__"), "x_y");
    }
}
