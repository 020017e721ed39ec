//! What to run: a program with its arguments, extra environment, and the
//! rendered command a person reads in the transcript.

/// One command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The program (`bash`, `psql`), looked up in the allowed `PATH`.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Variables set on top of the allowed environment (placeholder values,
    /// `PGOPTIONS`).
    pub env: Vec<(String, String)>,
    /// The command as a person reads it (values filled in, quoted).
    pub display: String,
    /// Whether the command runs until stopped (`-f`, `--watch`): reaching the
    /// timeout then ends it normally instead of failing it.
    pub long_running: bool,
}

impl Job {
    /// A shell command line, run by `bash --noprofile --norc -o pipefail -c`.
    #[must_use]
    pub fn shell(script: &str, display: &str) -> Self {
        Self {
            program: "bash".to_owned(),
            args: vec![
                "--noprofile".to_owned(),
                "--norc".to_owned(),
                "-o".to_owned(),
                "pipefail".to_owned(),
                "-c".to_owned(),
                script.to_owned(),
            ],
            env: Vec::new(),
            display: display.to_owned(),
            long_running: false,
        }
    }

    /// A program run directly, without a shell.
    #[must_use]
    pub fn program(program: &str, args: Vec<String>, display: &str) -> Self {
        Self {
            program: program.to_owned(),
            args,
            env: Vec::new(),
            display: display.to_owned(),
            long_running: false,
        }
    }

    /// The same job with more environment variables.
    #[must_use]
    pub fn with_env(mut self, env: Vec<(String, String)>) -> Self {
        self.env.extend(env);
        self
    }

    /// The same job, marked as running until stopped.
    #[must_use]
    pub fn long_running(mut self, yes: bool) -> Self {
        self.long_running = yes;
        self
    }
}
