//! Go net/http: the wiring needs `go mod tidy` (go.sum records the checksums of the module's
//! Prometheus client, which only the Go tool can fetch), so it is not made as a text edit: the
//! error names the file and line of `http.ListenAndServe` and the exact lines to add.

use super::{in_code, line_of};
use crate::edit::Files;
use crate::lang::{self, Dialect, re};
use crate::repo::TextFile;

/// The instructions for wiring the module into the Go app among `app`.
pub(super) fn wire(app: &[&TextFile], files: &mut Files) -> Result<(), String> {
    let module_mod = files.text_or_empty(&format!("{}/go.mod", super::OBSERVABILITY_DIR));
    let module = module_mod
        .lines()
        .find_map(|l| l.trim().strip_prefix("module ").map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "APP/observability".to_string());
    let listen = re(r"\bhttp\.ListenAndServe\s*\(");
    let place = app.iter().filter(|f| lang::dialect(f) == Dialect::Go).find_map(|f| {
        let masked = lang::mask(&f.text, Dialect::Go);
        listen
            .find_iter(&masked)
            .find(|m| in_code(&masked, m.start(), Dialect::Go))
            .map(|m| format!("{}:{}", f.file, line_of(&f.text, m.start())))
    });
    let at = place.unwrap_or_else(|| "the file of `func main`".to_string());
    Err(format!(
        "vibe does not edit Go modules (go.sum needs `go mod tidy`). By hand: in go.mod add `require {module} v0.0.0` \
         and `replace {module} => ./observability`; in {at} import \"{module}\", call `observability.Setup()` first \
         in main() (JSON logs, also for the `log` package, and the management server on MGMT_PORT), and serve with \
         `http.ListenAndServe(fmt.Sprintf(\":%d\", observability.HTTPPort), observability.Instrument(mux))` (mux: \
         your handler, `http.DefaultServeMux` when you passed nil); then run `go mod tidy`"
    ))
}
