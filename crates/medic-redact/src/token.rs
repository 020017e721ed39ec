//! The tokens that stand in for redacted values: `«redacted:<kind>:<hex>»`.
//!
//! The hex is the start of a keyed SHA-256 of the value: the same value gives
//! the same token everywhere one key is used (one [`Redactor`](crate::Redactor)
//! and its clones), so a reader can still see that two commands printed the
//! same password, but the key is random per run, so tokens cannot be compared
//! across runs or reversed by hashing guesses.

use sha2::{Digest, Sha256};

use crate::error::Error;

/// What every token starts with; text that already holds it is not redacted again.
pub(crate) const TOKEN_PREFIX: &[u8] = "«redacted:".as_bytes();
const TOKEN_SUFFIX: &[u8] = "»".as_bytes();
const HEX: &[u8; 16] = b"0123456789abcdef";

/// A session key, with SHA-256 already fed with it.
#[derive(Clone)]
pub(crate) struct TokenKey {
    keyed: Sha256,
}

impl TokenKey {
    /// A key of 32 random bytes from the operating system.
    pub(crate) fn random() -> Result<TokenKey, Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::Entropy(e.into()))?;
        Ok(TokenKey::from_bytes(&key))
    }

    pub(crate) fn from_bytes(key: &[u8; 32]) -> TokenKey {
        let mut keyed = Sha256::new();
        keyed.update(b"medic-redact v1\0");
        keyed.update(key);
        TokenKey { keyed }
    }

    /// A hasher to feed a value to in pieces (a PEM body line by line).
    pub(crate) fn hasher(&self) -> Sha256 {
        self.keyed.clone()
    }

    /// Appends the token for `value` of `kind` to `out`.
    pub(crate) fn write(&self, kind: &str, value: &[u8], out: &mut Vec<u8>) {
        let mut hasher = self.hasher();
        hasher.update(value);
        write_token(kind, hasher, out);
    }
}

/// Appends the token for the value fed to `hasher` (made by [`TokenKey::hasher`]).
pub(crate) fn write_token(kind: &str, hasher: Sha256, out: &mut Vec<u8>) {
    let digest = hasher.finalize();
    out.extend_from_slice(TOKEN_PREFIX);
    out.extend_from_slice(kind.as_bytes());
    out.push(b':');
    for byte in &digest[..2] {
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    }
    out.extend_from_slice(TOKEN_SUFFIX);
}

#[cfg(test)]
mod tests {
    use super::TokenKey;

    fn token(key: &TokenKey, value: &str) -> String {
        let mut out = Vec::new();
        key.write("password", value.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn same_key_same_value_same_token() {
        let key = TokenKey::from_bytes(&[1; 32]);
        let a = token(&key, "hunter2");
        assert_eq!(a, token(&key, "hunter2"));
        assert!(
            a.starts_with("«redacted:password:") && a.ends_with('»'),
            "{a}"
        );
        assert_eq!(
            a.chars().count(),
            "«redacted:password:abcd»".chars().count()
        );
        assert_ne!(a, token(&key, "hunter3"));
    }

    #[test]
    fn another_key_another_token() {
        let a = token(&TokenKey::from_bytes(&[1; 32]), "hunter2");
        let b = token(&TokenKey::from_bytes(&[2; 32]), "hunter2");
        assert_ne!(a, b);
    }
}
