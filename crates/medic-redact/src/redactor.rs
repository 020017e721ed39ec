//! The entry point: built-in and custom rules compiled once, with the session
//! key that makes tokens comparable within a run and not across runs.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;

use crate::engine::Engine;
use crate::error::Error;
use crate::rule_config::RuleConfig;
use crate::stats::Stats;
use crate::stream::Stream;
use crate::token::TokenKey;

/// Size of the reads of [`Redactor::redact_io`]: big enough that the trigger
/// search runs over long stretches, small enough to stay in cache.
const READ_SIZE: usize = 256 * 1024;

/// Redacts secrets from text, replacing each by `«redacted:<kind>:<hash>»`.
///
/// Built with the built-in rules plus any custom ones; compiling is the
/// expensive part, so build one and share it: clones are cheap (the rules sit
/// behind an [`Arc`]) and use the same session key, so a value gets the same
/// token wherever it is redacted in one run.
#[derive(Clone)]
pub struct Redactor {
    engine: Arc<Engine>,
    key: TokenKey,
}

impl Redactor {
    /// The built-in rules and `custom`, with a random session key.
    ///
    /// # Errors
    ///
    /// A custom rule whose name or pattern is unusable, naming the rule; or no
    /// randomness from the operating system.
    pub fn new(custom: &[RuleConfig]) -> Result<Redactor, Error> {
        Ok(Redactor {
            engine: Arc::new(Engine::new(custom)?),
            key: TokenKey::random()?,
        })
    }

    /// The same rules with a fixed session key: the same value gives the same
    /// token in every run. For tests and reproducible examples; a real run
    /// keeps the random key so tokens cannot be matched across runs.
    #[must_use]
    pub fn with_key(self, key: [u8; 32]) -> Redactor {
        Redactor {
            engine: self.engine,
            key: TokenKey::from_bytes(&key),
        }
    }

    /// The kinds tokens can name: the built-in ones, then custom rule names.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.engine.kinds().iter().map(String::as_str)
    }

    /// A stream to push chunks of one input through.
    #[must_use]
    pub fn stream(&self) -> Stream {
        Stream::new(Arc::clone(&self.engine), self.key.clone())
    }

    /// Redacts a whole text, such as one check's output; borrows it back
    /// when nothing was redacted.
    #[must_use]
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.redact_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Tokens are whole UTF-8 characters put in place of whole ones,
            // except when a line over 1 MiB had to be cut inside a character.
            Cow::Owned(bytes) => Cow::Owned(match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }),
        }
    }

    /// Redacts a whole byte string; bytes that are not UTF-8 pass through.
    #[must_use]
    pub fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut stream = self.stream();
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        stream.push(bytes, &mut out);
        let stats = stream.finish(&mut out);
        if stats.total() == 0 {
            Cow::Borrowed(bytes)
        } else {
            Cow::Owned(out)
        }
    }

    /// Copies `reader` to `writer`, redacted.
    ///
    /// # Errors
    ///
    /// The first read or write error.
    pub fn redact_io(&self, mut reader: impl Read, mut writer: impl Write) -> io::Result<Stats> {
        let mut stream = self.stream();
        let mut buf = vec![0u8; READ_SIZE];
        let mut out = Vec::with_capacity(READ_SIZE + READ_SIZE / 4);
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            stream.push(&buf[..n], &mut out);
            writer.write_all(&out)?;
            out.clear();
        }
        let stats = stream.finish(&mut out);
        writer.write_all(&out)?;
        writer.flush()?;
        Ok(stats)
    }
}

impl fmt::Debug for Redactor {
    /// Names the kinds; never shows the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("kinds", &self.engine.kinds())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::Redactor;

    #[test]
    fn is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Redactor>();
    }

    #[test]
    fn debug_hides_the_key() {
        let r = Redactor::new(&[]).unwrap().with_key([0x41; 32]);
        let debug = format!("{r:?}");
        assert!(
            debug.contains("jwt") && !debug.contains("65, 65"),
            "{debug}"
        );
    }
}
