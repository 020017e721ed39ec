//! Streaming secret redaction and tokenisation for the output of diagnostic
//! commands.
//!
//! medic runs a guide's commands (`kubectl get secret -o yaml`, `env`,
//! `curl -v`, `psql`) and shows, stores and sends their output; secrets in it
//! must not go further than the terminal they came from. A [`Redactor`]
//! replaces each secret by a token, `«redacted:<kind>:<hash>»` (four hex
//! digits), keeping the context that makes the output useful:
//! `password=hunter2` becomes `password=«redacted:password:1c0f»`,
//! `Authorization: Bearer abc.def` becomes
//! `Authorization: Bearer «redacted:bearer:7e21»`, the keys of a Kubernetes
//! Secret stay and its values go. The hash is a SHA-256 of the value keyed
//! with a random per-run key: the same value gives the same token within a
//! run (one [`Redactor`] and its clones), so a reader still sees that two
//! commands printed the same password, and tokens mean nothing across runs.
//! [`Redactor::with_key`] fixes the key for tests.
//!
//! Built-in rules (the kinds their tokens name) cover JWTs (`jwt`),
//! `Authorization` headers (`bearer`, `basic`, `token`, `discord-bot`,
//! `authorization`), AWS keys (`aws-access-key-id`, `aws-secret-key`), GitHub,
//! GitLab and Slack tokens (`github-token`, `gitlab-token`, `slack-token`),
//! Slack and Discord webhooks (`slack-webhook`, `discord-webhook`), Stripe
//! keys (`stripe-key`), PEM private keys (`private-key`), passwords in URLs and
//! DSNs (`url-password`), `password=`, `token:`, `"secret": "…"`,
//! `--api-key v` and the like for keys that *end* with the keyword
//! (`password`, `token`, `secret`, `api-key`, `access-key`, `private-key`),
//! and Kubernetes `data:` values (`k8s-secret`), all also inside escaped JSON
//! strings. [`RuleConfig`] adds rules of one's own.
//!
//! Input is bytes, line by line, and may come in chunks of any size through a
//! [`Stream`]; the output does not depend on where the chunks end. Most lines
//! are copied without a regex running on them: a trigger-word scan picks the
//! few that need one, at several hundred MB/s (`cargo bench -p medic-redact`,
//! `scripts/bench-redact`).
//!
//! ```
//! use medic_redact::{Redactor, RuleConfig};
//!
//! let custom = [RuleConfig::new("acme-key", r"acme_[0-9a-f]{16}")];
//! let redactor = Redactor::new(&custom)?.with_key([7; 32]);
//!
//! let out = redactor.redact_str("psql postgres://app:hunter2@db/app; PGPASSWORD=hunter2");
//! assert_eq!(
//!     out,
//!     "psql postgres://app:«redacted:url-password:8a7b»@db/app; PGPASSWORD=«redacted:password:8a7b»",
//! );
//! let out = redactor.redact_str("key acme_0123456789abcdef ok");
//! assert_eq!(out, "key «redacted:acme-key:7757» ok");
//! assert_eq!(redactor.redact_str("nothing to see"), "nothing to see");
//! # Ok::<(), medic_redact::Error>(())
//! ```

mod builtin;
mod engine;
mod error;
mod k8s;
mod pem;
mod prefilter;
mod redactor;
mod rule;
mod rule_config;
mod scanner;
mod span;
mod stats;
mod stream;
mod token;

pub use error::Error;
pub use redactor::Redactor;
pub use rule_config::RuleConfig;
pub use stats::Stats;
pub use stream::Stream;
