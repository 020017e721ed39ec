//! Running a helper program (psql, redis-cli, initdb) to completion, with a
//! time limit.
//!
//! Standard input is closed and both output streams are read at the same
//! time, so a chatty program cannot block on a full pipe; a program that
//! overruns its limit is killed and reported as
//! [`TestkitError::CommandTimedOut`].

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Result, TestkitError};

/// What a finished helper program printed, and how it exited.
#[derive(Debug)]
pub(crate) struct Output {
    /// How the program exited.
    pub(crate) status: ExitStatus,
    /// Standard output, decoded lossily.
    pub(crate) stdout: String,
    /// Standard error, decoded lossily.
    pub(crate) stderr: String,
}

impl Output {
    /// Standard output if the program succeeded, else
    /// [`TestkitError::CommandFailed`] with its standard error.
    pub(crate) fn checked(self, program: &str) -> Result<String> {
        if self.status.success() {
            Ok(self.stdout)
        } else {
            Err(TestkitError::CommandFailed {
                program: program.to_owned(),
                status: self.status.to_string(),
                stderr: self.stderr.trim_end().to_owned(),
            })
        }
    }
}

/// The program's file name, for messages.
pub(crate) fn program_name(command: &Command) -> String {
    let program = std::path::Path::new(command.get_program());
    program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// Runs `command` until it exits or `timeout` passes.
pub(crate) fn run(command: &mut Command, timeout: Duration) -> Result<Output> {
    let program = program_name(command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| TestkitError::io(format!("start `{program}`"), err))?;

    let (sender, receiver) = mpsc::channel();
    let streams: [(bool, Option<Box<dyn Read + Send>>); 2] = [
        (
            true,
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
        (
            false,
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
    ];
    for (is_stdout, stream) in streams {
        let sender = sender.clone();
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut stream) = stream {
                // A read error leaves what was read so far; the exit status
                // still tells whether the program succeeded.
                let _ = stream.read_to_end(&mut bytes);
            }
            let _ = sender.send((is_stdout, bytes));
        });
    }

    let deadline = Instant::now() + timeout;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok((true, bytes)) => stdout = bytes,
            Ok((false, bytes)) => stderr = bytes,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(TestkitError::CommandTimedOut {
                    program,
                    seconds: timeout.as_secs_f64(),
                });
            }
        }
    }
    let status = child
        .wait()
        .map_err(|err| TestkitError::io(format!("wait for `{program}`"), err))?;
    Ok(Output {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}
