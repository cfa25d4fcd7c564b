//! English for counts in messages.

/// The plural ending of a noun counted `n` times: `""` for one, `"s"` otherwise
/// (`format!("{n} file{}", plural(n))`).
pub fn plural<N: PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!((plural(0usize), plural(1usize), plural(2usize)), ("s", "", "s"));
        assert_eq!((plural(1i64), plural(-1i64), plural(1u32)), ("", "s", ""));
    }
}
