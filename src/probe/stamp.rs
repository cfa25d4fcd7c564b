//! The install stamp of `vibe probe --app --install` and `vibe probe --example --install`: a
//! file recording the fingerprint of the inputs an install was made from, so a later probe
//! without `--install` knows whether what is installed still matches the repo.

use crate::error::Error;
use std::path::Path;

/// With `install`, runs `run_install` and then records `fingerprint` in `stamp`; without, checks
/// the recorded fingerprint: `stale()` is the error when the inputs changed since the install,
/// `missing()` when nothing was installed.
pub fn install_or_check(
    stamp: &Path,
    fingerprint: &str,
    install: bool,
    run_install: impl FnOnce() -> Result<(), Error>,
    stale: impl FnOnce() -> String,
    missing: impl FnOnce() -> String,
) -> Result<(), Error> {
    if install {
        run_install()?;
        return std::fs::write(stamp, fingerprint).map_err(|e| Error::io(stamp, e));
    }
    match crate::fsread::read_text(stamp) {
        Ok(recorded) if recorded == fingerprint => Ok(()),
        Ok(_) => Err(Error::Usage(stale())),
        Err(_) => Err(Error::Usage(missing())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_install_records_its_fingerprint_and_a_check_compares_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = dir.path().join("x.installed");
        let check = |fp: &str| {
            install_or_check(&stamp, fp, false, || unreachable!(), || "stale".into(), || "missing".into())
                .map_err(|e| e.to_string())
        };
        assert!(check("a\n").unwrap_err().contains("missing"));
        let mut ran = false;
        let run = || {
            ran = true;
            Ok(())
        };
        install_or_check(&stamp, "a\n", true, run, String::new, String::new).unwrap();
        assert!(ran);
        assert!(check("a\n").is_ok());
        assert!(check("b\n").unwrap_err().contains("stale"));
    }
}
