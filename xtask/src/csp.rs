//! `cargo xtask csp [DIR]`: gives the built `index.html` a Content-Security-Policy.
//!
//! Why: trunk's loader is an inline `<script type="module">`, so a policy that
//! blocks inline scripts must name that one script by its SHA-256. Trunk runs
//! this as a post-build hook on its staging dir (`TRUNK_STAGING_DIR`), so
//! every `dist/` carries the policy. It allows only the app's own scripts,
//! styles and `config.json`, and connections to any https cluster (plus
//! http on localhost). It must never weaken an existing policy silently: it
//! replaces the one it wrote before and nothing else.

const MARKER: &str = "<meta http-equiv=\"Content-Security-Policy\"";

/// The policy for a page whose inline scripts have these base64 SHA-256 hashes.
pub fn policy(script_hashes: &[String]) -> String {
    let scripts: String = script_hashes
        .iter()
        .map(|h| format!(" 'sha256-{h}'"))
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self' https: http://localhost:* http://127.0.0.1:*; \
         base-uri 'none'; form-action 'none'; object-src 'none'"
    )
}

/// The contents of every inline `<script>` (one without `src`).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    found
}

/// `html` with the policy meta tag for its inline scripts, right after
/// `<meta charset…>` (replacing one written before).
///
/// # Errors
/// When the page has no `<meta charset` to put the policy after.
pub fn apply(html: &str) -> Result<String, String> {
    let mut html = html.to_owned();
    if let Some(start) = html.find(MARKER) {
        if let Some(len) = html[start..].find('>') {
            let indent = if html[..start].ends_with("\n    ") {
                5
            } else {
                0
            };
            html.replace_range(start - indent..=start + len, "");
        }
    }
    let hashes: Vec<String> = inline_scripts(&html)
        .into_iter()
        .map(|s| base64(&sha256(s.as_bytes())))
        .collect();
    let charset = html
        .find("<meta charset")
        .ok_or("index.html has no <meta charset> to put the policy after")?;
    let insert_at = charset + html[charset..].find('>').map_or(0, |i| i + 1);
    let tag = format!("\n    {MARKER} content=\"{}\" />", policy(&hashes));
    html.insert_str(insert_at, &tag);
    Ok(html)
}

pub fn run(dir: Option<&str>) -> Result<(), String> {
    let dir = dir
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(Into::into))
        .unwrap_or_else(|| crate::env::root().join("dist"));
    let path = dir.join("index.html");
    let html = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    std::fs::write(&path, apply(&html)?)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// SHA-256 (FIPS 180-4); xtask keeps no dependencies.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate().take(16) {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn the_policy_names_the_inline_loader_and_nothing_else_inline() {
        let html = "<html><head><meta charset=\"utf-8\" />\n<script type=\"module\">init()</script><script src=\"x.js\"></script></head></html>";
        let out = apply(html).unwrap();
        let hash = base64(&sha256(b"init()"));
        assert!(out.contains(&format!("'sha256-{hash}'")), "{out}");
        assert_eq!(out.matches("'sha256-").count(), 1);
        assert!(out.find(MARKER) < out.find("<script"));
        assert!(out.contains("connect-src 'self' https:"));
        // Running it again replaces the policy instead of adding a second one.
        assert_eq!(apply(&out).unwrap(), out);
    }

    #[test]
    fn a_page_without_charset_is_refused() {
        assert!(apply("<html><script>x</script></html>").is_err());
    }
}
