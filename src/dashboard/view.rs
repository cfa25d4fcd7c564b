//! Drawing the dashboard from the state, and only from it: no file, clock or environment is
//! read here, so the same state always draws the same screen (the snapshot tests rely on it).

use super::state::{FixStage, Item, Overlay, State, Tone};
use crate::contract::catalogue::{Area, Severity};
use crate::report::escape;
use crate::words::plural;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, ListState, Paragraph, Wrap};

/// From this width on, the list and the detail pane sit side by side. Narrower, the list
/// would leave a finding's message a few letters (100 columns gave each pane about 45).
const SIDE_BY_SIDE_WIDTH: u16 = 120;
/// Below `SIDE_BY_SIDE_WIDTH`, from this height on, the detail pane sits below the list;
/// smaller screens (80×24, 100×30) show one or the other, toggled with Enter and ←/Esc.
const STACKED_HEIGHT: u16 = 36;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The keys, as the help overlay lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move through the findings (mouse wheel too)"),
    ("Enter  →", "open the detail of the finding"),
    ("←  Esc", "back to the list (Esc also closes this help and the filter)"),
    ("f", "fix the selected finding (shows the change first, y/n)"),
    ("F", "fix every CRITICAL finding that can be fixed (one preview)"),
    ("r", "review again now"),
    ("e", "open the file at the line in your editor ($EDITOR, else nano)"),
    ("/", "filter by check id, file or text (Enter keeps, Esc clears)"),
    ("PgUp PgDn g G", "jump through the list"),
    ("?", "this help"),
    ("q", "quit"),
];

fn critical() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

fn warning() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

fn severity_style(s: Severity) -> Style {
    if s == Severity::Critical { critical() } else { warning() }
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    let footer_lines = footer_lines(state, frame.area().width);
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(footer_lines.len() as u16)])
            .areas(frame.area());
    render_header(frame, header, state);
    render_body(frame, body, state);
    render_footer(frame, footer, footer_lines);
    match &state.overlay {
        Some(Overlay::Help) => render_help(frame, frame.area()),
        Some(Overlay::Fix { title, stage }) => render_fix(frame, body, state, title, stage),
        None => {}
    }
}

fn render_header(frame: &mut Frame, area: Rect, state: &State) {
    let mut first = Vec::new();
    match &state.report {
        Some(report) => {
            let gate = crate::report::gate_line(report);
            let (word, rest) = gate.split_once(' ').unwrap_or((gate.as_str(), ""));
            let badge = if report.blocked() {
                Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::Black).bg(Color::Green).add_modifier(Modifier::BOLD)
            };
            first.push(Span::styled(format!(" {word} "), badge));
            // The app's name comes right after the verdict: on a narrow screen the namespace,
            // which the creator did not choose, is what gets cut.
            if let Some(app) = &report.app {
                first.push(Span::raw(" "));
                first.push(Span::styled(app.clone(), Style::new().add_modifier(Modifier::BOLD)));
            }
            if !rest.is_empty() {
                first.push(Span::raw(format!("  {}", rest.trim_start_matches('(').trim_end_matches(')'))));
            }
            if let Some(ns) = &report.namespace {
                first.push(Span::styled(format!(" · {ns}"), dim()));
            }
        }
        None => first.push(Span::styled(" REVIEWING ", Style::new().fg(Color::Black).bg(Color::Gray))),
    }

    let mut second = vec![Span::styled("watching ", dim()), Span::raw(state.watched.clone())];
    if let Some((at, took)) = &state.last_review {
        second.push(Span::styled(format!(" · reviewed {at} in {} ms", took.as_millis()), dim()));
    }
    if let Some(report) = &state.report {
        let templates = report.diagnostics.iter().filter(|d| d.template).count();
        let unreadable = report.diagnostics.len() - templates;
        // Templates are skipped on purpose (dim); a file that could not be read limits the review.
        if unreadable > 0 {
            second.push(Span::styled(format!(" · {unreadable} file{} unreadable", plural(unreadable)), warning()));
        }
        if templates > 0 {
            second.push(Span::styled(format!(" · {templates} template{} skipped", plural(templates)), dim()));
        }
    }
    if state.reviewing {
        second.push(Span::styled(
            format!("  {} reviewing…", SPINNER[state.spinner % SPINNER.len()]),
            Style::new().fg(Color::Cyan),
        ));
    }
    if let Some(why) = &state.review_error {
        second.push(Span::styled(format!("  review failed: {why}"), critical()));
    }
    if let Some(why) = &state.watch_error {
        second.push(Span::styled(format!("  not watching ({why}): r reviews"), warning()));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(first), Line::from(second)]), area);
}

/// How the body is split at this size.
enum Split {
    SideBySide(Rect, Rect),
    Stacked(Rect, Rect),
    ListOnly(Rect),
    DetailOnly(Rect),
}

fn split(area: Rect, state: &State) -> Split {
    if area.width >= SIDE_BY_SIDE_WIDTH {
        let [l, d] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        Split::SideBySide(l, d)
    } else if area.height + 3 >= STACKED_HEIGHT {
        let [l, d] = Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(area);
        Split::Stacked(l, d)
    } else if state.detail_open && state.selected_item().is_some() {
        Split::DetailOnly(area)
    } else {
        Split::ListOnly(area)
    }
}

fn render_body(frame: &mut Frame, area: Rect, state: &State) {
    match split(area, state) {
        Split::SideBySide(l, d) | Split::Stacked(l, d) => {
            render_list(frame, l, state);
            render_detail(frame, d, state);
        }
        Split::ListOnly(l) => render_list(frame, l, state),
        Split::DetailOnly(d) => render_detail(frame, d, state),
    }
}

fn pane(title: String, focused: bool) -> Block<'static> {
    let border = if focused { Style::new().fg(Color::Cyan) } else { dim() };
    Block::bordered().border_type(BorderType::Rounded).border_style(border).title(title)
}

fn render_list(frame: &mut Frame, area: Rect, state: &State) {
    let total = state.items.len();
    let title = if state.filter.is_empty() {
        format!(" Findings ({total}) ")
    } else {
        format!(" Findings ({} of {total}, filter \"{}\") ", state.visible.len(), state.filter)
    };
    let block = pane(title, !state.detail_open);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let Some(report) = &state.report else {
        frame.render_widget(Paragraph::new(format!("Reviewing {}…", state.watched)).style(dim()), inner);
        return;
    };
    if state.visible.is_empty() {
        let text = if !state.filter.is_empty() {
            Text::from(vec![
                Line::from(format!("No finding matches \"{}\".", state.filter)),
                Line::styled("Esc clears the filter.", dim()),
            ])
        } else if report.blocking_diagnostics() > 0 {
            // The gate fails closed: say which files it could not read, and why.
            let mut lines =
                vec![Line::styled("✗ Blocked: the gate could not read these files.", critical()), Line::raw("")];
            for d in report.diagnostics.iter().filter(|d| d.blocking) {
                let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
                lines.push(Line::styled(format!("{}{line}", d.file), Style::new().add_modifier(Modifier::BOLD)));
                lines.push(Line::raw(format!("  {}", d.message)));
            }
            Text::from(lines)
        } else if report.diagnostics.iter().all(|d| d.template) {
            let mut lines = vec![
                Line::styled("✓ Every check passed.", Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)),
                Line::raw(""),
                Line::raw(report.subject.advice()),
                Line::styled("This screen keeps watching: it updates as you save.", dim()),
            ];
            let templates = report.diagnostics.len();
            if templates > 0 {
                lines.push(Line::styled(
                    format!("{templates} template file(s), such as the Helm chart's, are not reviewed themselves."),
                    dim(),
                ));
            }
            Text::from(lines)
        } else {
            Text::from(vec![
                Line::styled("✓ No finding in the files reviewed.", Style::new().fg(Color::Green)),
                Line::styled("Some files could not be read: `vibe review` lists them.", warning()),
            ])
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    }

    // Rows: a header per area with its count, then its findings. Each row is fitted to the
    // list's width less the selection marker.
    let row_width = usize::from(inner.width).saturating_sub(2);
    let mut rows: Vec<ListItem> = Vec::new();
    let mut selected_row = 0;
    let mut current: Option<Area> = None;
    for (pos, item) in state.visible_items().enumerate() {
        let area_of = item.finding.area;
        if current != Some(area_of) {
            current = Some(area_of);
            let in_group: Vec<&Item> = state.visible_items().filter(|it| it.finding.area == area_of).collect();
            let any_critical = in_group.iter().any(|it| it.finding.severity == Severity::Critical);
            let count = if any_critical { Color::Red } else { Color::Yellow };
            rows.push(ListItem::new(Line::from(vec![
                Span::styled(area_of.name(), Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(format!(" ({})", in_group.len()), Style::new().fg(count)),
            ])));
        }
        if pos == state.selected {
            selected_row = rows.len();
        }
        rows.push(ListItem::new(finding_row(item, row_width)));
    }
    // Scroll so the selection stays in view with a little context below it; computed from
    // the state alone, so the same state always shows the same rows.
    let height = inner.height as usize;
    let offset = (selected_row + 2).saturating_sub(height.saturating_sub(1));
    let offset = offset.min(selected_row.saturating_sub(1));
    let mut list_state = ListState::default().with_offset(offset).with_selected(Some(selected_row));
    let highlight = if state.detail_open {
        Style::new().bg(Color::DarkGray)
    } else {
        Style::new().bg(Color::Blue).fg(Color::White)
    };
    let list = List::new(rows).highlight_style(highlight).highlight_symbol("▶ ");
    frame.render_stateful_widget(list, inner, &mut list_state);
}

/// Columns of a row before the place: ` ■ E4 ` and the ` f ` marker.
const ROW_PREFIX: usize = 9;
/// The share of a row's room the message keeps when the place has to be shortened.
const MESSAGE_SHARE_PERCENT: usize = 55;

fn finding_row(item: &Item, width: usize) -> Line<'static> {
    let f = &item.finding;
    let mark = if f.severity == Severity::Critical { "■" } else { "▲" };
    let room = width.saturating_sub(ROW_PREFIX);
    let (place, message) = fit_row(&visible(&f.file), f.line, &visible(&f.message), room);
    Line::from(vec![
        Span::styled(format!(" {mark} {:<3}", f.id), severity_style(f.severity)),
        Span::styled(if item.fixable { " f " } else { "   " }, Style::new().fg(Color::Green)),
        Span::styled(place, Style::new().fg(Color::Cyan)),
        Span::raw("  "),
        Span::raw(message),
    ])
}

/// Where a finding is (`file:line`, or `file (missing)`) and its message, fitted into `room`
/// columns (two go between them). The place gives way first, so the message stays readable:
/// the folders go (`…/02-sealed-secrets.yaml:32`), then the middle of the file name, never the
/// line; the message, cut last, keeps at least its share.
fn fit_row(file: &str, line: Option<u32>, message: &str, room: usize) -> (String, String) {
    use crate::wrap::{columns, cut, cut_middle};
    let mut tail = match line {
        Some(l) => format!(":{l}"),
        None => " (missing)".to_string(),
    };
    let message_room = |place: &str| room.saturating_sub(columns(place) + 2);
    let full = format!("{file}{tail}");
    if columns(message) <= message_room(&full) {
        return (full, message.to_string());
    }
    let share = (room * MESSAGE_SHARE_PERCENT / 100).min(columns(message));
    let mut file_room = room.saturating_sub(share + 2 + columns(&tail));
    // A missing file's name says more than the word "missing" (the detail says it in full).
    if line.is_none() && columns(file.rsplit('/').next().unwrap_or(file)) > file_room {
        file_room += columns(&tail);
        tail.clear();
    }
    let mut shown = file.to_string();
    if columns(&shown) > file_room
        && let Some((_, name)) = file.rsplit_once('/')
    {
        shown = format!("…/{name}");
        if columns(&shown) > file_room {
            shown = name.to_string();
        }
    }
    let place = format!("{}{tail}", cut_middle(&shown, file_room.max(1)));
    let message = cut(message, message_room(&place));
    (place, message)
}

/// Repo text as the dashboard shows it: control characters spelt out ([`escape::text`]), as in
/// every other output, rather than dropped silently by the terminal library.
fn visible(s: &str) -> String {
    escape::text(s).into_owned()
}

fn render_detail(frame: &mut Frame, area: Rect, state: &State) {
    let Some(item) = state.selected_item() else {
        let block = pane(" Detail ".into(), false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let hint = if state.report.is_some() && state.items.is_empty() {
            "Nothing to fix."
        } else {
            "Select a finding to see what to do."
        };
        frame.render_widget(Paragraph::new(hint).style(dim()), inner);
        return;
    };
    let f = &item.finding;
    let info = Some(f.id.info());
    let title = format!(" {} · {} · {} ", f.id, f.severity.label(), f.area.name());
    let block = pane(title, state.detail_open).title_style(severity_style(f.severity));
    let heading = |s: &'static str| Line::styled(s, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));

    let mut lines = Vec::new();
    if let Some(info) = info {
        lines.push(Line::styled(info.title, Style::new().add_modifier(Modifier::BOLD)));
    }
    let mut place = match f.line {
        Some(l) => format!("{}:{l}", visible(&f.file)),
        None => format!("{} (missing from the repo)", visible(&f.file)),
    };
    if let Some(o) = &f.object {
        place.push_str(&format!(" · {}", visible(o)));
    }
    lines.push(Line::styled(place, Style::new().fg(Color::Cyan)));
    lines.push(Line::raw(""));
    lines.push(heading("Problem"));
    lines.push(Line::raw(visible(&f.message)));
    lines.push(Line::raw(""));
    lines.push(heading("Fix"));
    lines.push(Line::raw(visible(&f.fix)));
    if item.fixable {
        lines.push(Line::styled("Press f to see the automatic fix and apply it.", Style::new().fg(Color::Green)));
    } else {
        lines.push(Line::styled(
            "No automatic fix: change it by hand (e opens the file); the review re-runs when you save.",
            dim(),
        ));
    }
    // The lines concerned come before the (longer) reasons, so that even an 80×24 screen shows
    // the highlighted line without scrolling; short screens get less context around it.
    if let Some(ex) = &item.excerpt {
        let context = if area.height < 30 { 2 } else { u32::MAX };
        lines.push(Line::raw(""));
        lines.push(heading("In the file"));
        let shown: Vec<(u32, &String)> =
            (ex.first_line..).zip(&ex.lines).filter(|(n, _)| n.abs_diff(ex.highlight) <= context).collect();
        let width = shown.last().map_or(1, |(n, _)| n.to_string().len());
        // Code is cut, not wrapped (a wrapped YAML line reads as two), after removing the
        // indentation all shown lines share.
        let indent = shown
            .iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(_, t)| t.len() - t.trim_start().len())
            .min()
            .unwrap_or(0);
        let room = (area.width as usize).saturating_sub(width + 6).max(1);
        for (n, text) in shown {
            let text = crate::wrap::cut(&visible(text.get(indent..).unwrap_or(text.trim_start())), room);
            if n == ex.highlight {
                let hl = Style::new().fg(Color::Black).bg(Color::Yellow);
                lines.push(Line::from(vec![
                    Span::styled(format!("▶{n:>width$} │ "), hl.add_modifier(Modifier::BOLD)),
                    Span::styled(text, hl),
                ]));
            } else {
                lines.push(Line::from(vec![Span::styled(format!(" {n:>width$} │ "), dim()), Span::raw(text)]));
            }
        }
    }
    if let Some(info) = info {
        lines.push(Line::raw(""));
        lines.push(heading("Why it matters"));
        lines.push(Line::raw(info.rationale));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((state.detail_scroll, 0)),
        area,
    );
}

/// The most rows the footer takes (a status line wraps onto them rather than being cut).
const FOOTER_MAX_ROWS: usize = 3;

/// The footer's lines at this width: the filter being typed, the status of the last action
/// (wrapped), or the keys (packed onto as many lines as they need).
fn footer_lines(state: &State, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width).max(1);
    let key = |k: &str| Span::styled(k.to_string(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD));
    if state.filter_editing {
        return vec![Line::from(vec![
            key("/"),
            Span::raw(state.filter.clone()),
            Span::styled("█", Style::new().fg(Color::Cyan)),
            Span::styled("  Enter keeps the filter · Esc clears it", dim()),
        ])];
    }
    if let Some((text, tone)) = &state.status {
        let style = match tone {
            Tone::Info => Style::new(),
            Tone::Good => Style::new().fg(Color::Green),
            Tone::Bad => Style::new().fg(Color::Red),
        };
        let mut lines = crate::wrap::wrap(text, width);
        if lines.len() > FOOTER_MAX_ROWS {
            lines.truncate(FOOTER_MAX_ROWS);
            let last = lines.pop().unwrap_or_default();
            lines.push(crate::wrap::cut(&format!("{last} …"), width));
        }
        return lines.into_iter().map(|l| Line::styled(l, style)).collect();
    }
    let hints: &[(&str, &str)] = if state.detail_open {
        &[("↑↓", "scroll"), ("←", "back"), ("f", "fix"), ("e", "edit"), ("r", "review"), ("?", "help"), ("q", "quit")]
    } else {
        &[
            ("↑↓", "move"),
            ("⏎", "detail"),
            ("f", "fix"),
            ("F", "fix critical"),
            ("r", "review"),
            ("e", "edit"),
            ("/", "filter"),
            ("?", "help"),
            ("q", "quit"),
        ]
    };
    let mut items: Vec<Vec<Span<'static>>> =
        hints.iter().map(|(k, what)| vec![key(k), Span::styled(format!(" {what}"), dim())]).collect();
    if !state.filter.is_empty() {
        items.push(vec![Span::styled(format!("filter \"{}\" (Esc clears)", state.filter), warning())]);
    }
    // Whole hints per line, never a key without its meaning.
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for item in items {
        let w: usize = item.iter().map(|s| crate::wrap::columns(&s.content)).sum();
        let gap = usize::from(used > 0);
        if used > 0 && used + gap + w > width && lines.len() < FOOTER_MAX_ROWS {
            lines.push(Vec::new());
            used = 0;
        }
        let line = lines.last_mut().expect("one line at least");
        if used > 0 {
            line.push(Span::raw(" "));
            used += 1;
        }
        used += w;
        line.extend(item);
    }
    lines.into_iter().map(Line::from).collect()
}

fn render_footer(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    frame.render_widget(Paragraph::new(lines), area);
}

/// A rectangle of `percent_x` × `percent_y` of `area`, centred, at least `min_w` × `min_h` when it fits.
fn centered(area: Rect, percent_x: u16, percent_y: u16, min_w: u16, min_h: u16) -> Rect {
    let part = |n: u16, pct: u16| (u32::from(n) * u32::from(pct) / 100) as u16;
    let w = part(area.width, percent_x).max(min_w).min(area.width);
    let h = part(area.height, percent_y).max(min_h).min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Width of the key column of the help.
const HELP_KEY_COLUMN: usize = 15;

fn render_help(frame: &mut Frame, area: Rect) {
    let width = area.width.min(84);
    // Descriptions wrap under themselves (a hanging indent), so nothing runs off the box.
    let text_room = usize::from(width).saturating_sub(2 + HELP_KEY_COLUMN).max(10);
    let mut lines: Vec<Line> = Vec::new();
    for (k, what) in KEYS {
        for (i, part) in crate::wrap::wrap(what, text_room).into_iter().enumerate() {
            let k = if i == 0 { *k } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!(" {k:<w$}", w = HELP_KEY_COLUMN - 1), Style::new().fg(Color::Cyan).bold()),
                Span::raw(part),
            ]));
        }
    }
    let closing = "The review runs again whenever a file changes. Any key closes this help.";
    let closing = crate::wrap::wrap(closing, usize::from(width).saturating_sub(3));
    // The blank line goes first when the screen is short; the keys never do.
    if lines.len() + closing.len() + 3 <= usize::from(area.height) {
        lines.push(Line::raw(""));
    }
    lines.extend(closing.into_iter().map(|l| Line::styled(format!(" {l}"), dim())));
    let rect = centered(area, 0, 0, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(" Keys ").border_style(Style::new().fg(Color::Cyan));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn render_fix(frame: &mut Frame, area: Rect, state: &State, title: &str, stage: &FixStage) {
    let rect = centered(area, 90, 90, 60, 10);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" Fix {title} "))
        .border_style(Style::new().fg(Color::Cyan));
    let spin = SPINNER[state.spinner % SPINNER.len()];
    let (lines, scroll, keys): (Vec<Line>, u16, &str) = match stage {
        FixStage::Planning => (vec![Line::raw(format!("{spin} Working out the changes…"))], 0, "Esc cancel"),
        FixStage::Applying => (vec![Line::raw(format!("{spin} Writing the files…"))], 0, ""),
        FixStage::Preview { plan, scroll } => {
            let mut lines = Vec::new();
            if plan.is_empty() {
                lines.push(Line::styled("Nothing here can be fixed automatically.", warning()));
            } else {
                let n = plan.fixed.len();
                let files = plan.changes.len();
                lines.push(Line::styled(
                    format!(
                        "These changes fix {n} finding{} in {files} file{} (edited files are backed up to .vibe/backup/ first):",
                        crate::words::plural(n),
                        crate::words::plural(files)
                    ),
                    Style::new().bold(),
                ));
                for f in &plan.fixed {
                    let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {} ", f.id), severity_style(f.severity)),
                        Span::styled(format!("{}{at} ", f.file), Style::new().fg(Color::Cyan)),
                        Span::raw(f.message.clone()),
                    ]));
                }
                lines.push(Line::raw(""));
                let diff = plan.diff();
                if diff.trim().is_empty() {
                    lines.extend(plan.changes.iter().map(|c| Line::raw(format!("  rewrite {}", c.path))));
                } else {
                    lines.extend(diff.lines().map(diff_line));
                }
            }
            if !plan.manual.is_empty() {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!("Cannot be fixed automatically ({}), do by hand:", plan.manual.len()),
                    warning(),
                ));
                for (f, why) in &plan.manual {
                    let what = if why.trim().is_empty() { f.fix.as_str() } else { why.as_str() };
                    let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {} ", f.id), severity_style(f.severity)),
                        Span::styled(format!("{}{at} ", visible(&f.file)), Style::new().fg(Color::Cyan)),
                        Span::raw(visible(what)),
                    ]));
                }
            }
            let keys =
                if plan.is_empty() { "n/Esc close · ↑↓ scroll" } else { "y apply · n cancel · ↑↓ scroll" };
            (lines, *scroll, keys)
        }
    };
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [text_area, keys_area] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)), text_area);
    frame.render_widget(Paragraph::new(Line::styled(keys, Style::new().fg(Color::Cyan).bold())), keys_area);
}

fn diff_line(l: &str) -> Line<'static> {
    let style = if l.starts_with("+++") || l.starts_with("---") {
        Style::new().bold()
    } else if l.starts_with('+') {
        Style::new().fg(Color::Green)
    } else if l.starts_with('-') {
        Style::new().fg(Color::Red)
    } else if l.starts_with("@@") {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new()
    };
    Line::styled(l.to_string(), style)
}
