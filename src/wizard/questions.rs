//! The questions, as data: what is asked, in the creator's words, and why it matters.

/// One question of the wizard.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    /// Stable id (also the vibe.yaml field it fills).
    pub id: &'static str,
    /// The question.
    pub prompt: &'static str,
    /// One line on why it matters.
    pub help: &'static str,
}

/// Name (question 1).
pub const NAME: Question = Question {
    id: "name",
    prompt: "What is the app called?",
    help: "The name people know it by, e.g. Inventory Checker.",
};

/// Slug (question 1, second part).
pub const SLUG: Question = Question {
    id: "slug",
    prompt: "Short name for addresses:",
    help: "Lower-case letters, digits and '-'. It becomes the app's web address and its space on the platform.",
};

/// Runtime (question 2).
pub const RUNTIME: Question = Question {
    id: "runtime",
    prompt: "What language does the app run on?",
    help: "Decides how the app is packaged and which monitoring code vibe writes for it.",
};

/// How the app starts (asked with the runtime, only when the code does not say it plainly).
pub const START: Question = Question {
    id: "start",
    prompt: "How do you start your app?",
    help: "The command that runs it in production, e.g. gunicorn app:app, uvicorn main:app --host 0.0.0.0 --port $PORT or node server.js (not a dev server like nodemon or flask run).",
};

/// Database (question 3).
pub const DATABASE: Question = Question {
    id: "database",
    prompt: "Does the app keep data in a database?",
    help: "The platform runs the database for you, with storage that survives restarts.",
};

/// Components (question 4).
pub const COMPONENTS: Question = Question {
    id: "components",
    prompt: "What else does the app use?",
    help: "Space selects, Enter confirms. Pick only what the app really uses; each one is run for you.",
};

/// Size (question 5).
pub const SIZE: Question = Question {
    id: "size",
    prompt: "How big is the app?",
    help: "Sets how much computer power it gets. md fits most apps; you can change it later.",
};

/// Business metrics.
pub const METRICS: Question = Question {
    id: "metrics",
    prompt: "What are the 3 most important numbers that tell you your app is working?",
    help: "Ask it as a question, e.g. \"How many orders were processed today?\". Leave empty when done.",
};

/// Secrets.
pub const SECRETS: Question = Question {
    id: "secrets",
    prompt: "Which passwords, keys or tokens does the app need?",
    help: "Names only, like API_KEY. Values are sealed (encrypted) for the platform and never saved in plain text.",
};

/// Plain-language labels of the database choices, in the order of the select.
pub const DATABASE_CHOICES: &[(&str, &str)] = &[
    ("none", "No database: the app keeps no data of its own"),
    ("postgres", "PostgreSQL: tables of records (orders, users, stock)"),
    ("mongo", "MongoDB: documents (flexible records, JSON-like)"),
];

/// The most metrics the wizard asks for in one go.
pub const MAX_METRICS_ASKED: usize = 3;
