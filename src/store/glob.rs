//! `*`/`?` patterns, as the filter writes event names (`as.up.*`) and
//! gateway IDs (`gw:rooftop-*`).
//!
//! Why a file of its own: both the filter's name terms and its field
//! predicates use it, and neither should import the other. Never panics;
//! linear in practice (one backtrack point, the last `*`).

/// Whether `pattern` matches the whole of `text`: `*` any run, `?` one byte;
/// `ignore_case` compares ASCII letters without case.
pub fn glob(pattern: &[u8], text: &[u8], ignore_case: bool) -> bool {
    let same = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&q) if q == b'?' || same(q, c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_edge_cases() {
        assert!(glob(b"*", b"", false));
        assert!(glob(b"a*b*c", b"axxbyyc", false));
        assert!(!glob(b"a*b*c", b"axxbyy", false));
        assert!(glob(b"*.drop", b"gs.up.drop", false));
        assert!(!glob(b"?", b"", false));
        assert!(!glob(b"Rooftop-*", b"rooftop-gw-01", false));
        assert!(glob(b"Rooftop-*", b"rooftop-gw-01", true));
        assert!(glob(b"*-gw-0?", b"rooftop-gw-01", true));
    }
}
