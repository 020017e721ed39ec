//! `curl` and `wget`: an HTTP GET (or HEAD) without a body that prints to
//! standard output is a read; a request body, another method, or writing a
//! file is a write.

use crate::tools::Call;
use crate::tools::args::{FlagSpec, is_harmless_sink, parse};
use crate::verdict::{Safety, Verdict};

/// curl's flags that take a value.
const CURL: FlagSpec = FlagSpec {
    short_values: "dDeEFHKmorTuUwxXyYzbcACPQt",
    long_values: &[
        "--data",
        "--data-ascii",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--json",
        "--form",
        "--form-string",
        "--upload-file",
        "--request",
        "--header",
        "--output",
        "--output-dir",
        "--dump-header",
        "--cookie",
        "--cookie-jar",
        "--user",
        "--user-agent",
        "--referer",
        "--max-time",
        "--connect-timeout",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "--proxy",
        "--cacert",
        "--capath",
        "--cert",
        "--key",
        "--config",
        "--resolve",
        "--connect-to",
        "--write-out",
        "--trace",
        "--trace-ascii",
        "--stderr",
        "--libcurl",
        "--url",
        "--quote",
        "--range",
        "--limit-rate",
        "--interface",
        "--oauth2-bearer",
        "--aws-sigv4",
        "--unix-socket",
        "--abstract-unix-socket",
        "--variable",
        "--expand-data",
        "--url-query",
    ],
};

/// Flags that send a request body.
const BODY_FLAGS: &[&str] = &[
    "-d",
    "--data",
    "--data-ascii",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "--json",
    "-F",
    "--form",
    "--form-string",
    "--expand-data",
];

/// Flags whose value is a file curl writes.
const FILE_OUTPUT_FLAGS: &[&str] = &[
    "-o",
    "--output",
    "-D",
    "--dump-header",
    "-c",
    "--cookie-jar",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "--libcurl",
];

/// Classifies a `curl` invocation.
pub(crate) fn curl(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &CURL);
    let mut urls: Vec<&str> = p.positionals.clone();
    urls.extend(p.values(&["--url"]));
    let mut v = Verdict::empty();
    let get_mode = p.has(&["-G", "--get"]);

    if let Some(method) = p.value(&["-X", "--request"]) {
        let upper = method.to_ascii_uppercase();
        if !matches!(upper.as_str(), "GET" | "HEAD" | "OPTIONS") {
            v.downgrade(
                Safety::Write,
                format!("`curl -X {method}` sends a {upper} request"),
            );
        }
    }
    if !get_mode {
        for flag in BODY_FLAGS {
            if p.has(&[flag]) {
                v.downgrade(Safety::Write, format!("`curl {flag}` sends a request body"));
            }
        }
    }
    if p.has(&["-T", "--upload-file"]) {
        v.downgrade(Safety::Write, "`curl -T` uploads a file");
    }
    for flag in FILE_OUTPUT_FLAGS {
        for file in p.values(&[flag]) {
            if !is_harmless_sink(file) {
                v.downgrade(Safety::Write, format!("`curl {flag} {file}` writes a file"));
            }
        }
    }
    if p.has(&["-O", "--remote-name", "--remote-name-all", "-J"]) {
        v.downgrade(Safety::Write, "`curl -O` writes a file");
    }
    if p.has(&["-K", "--config"]) {
        v.downgrade(
            Safety::Unknown,
            "`curl --config` reads options medic cannot see",
        );
    }
    if p.has(&["-Q", "--quote"]) {
        v.downgrade(Safety::Write, "`curl --quote` sends raw protocol commands");
    }
    for url in &urls {
        if let Some((scheme, _)) = url.split_once("://")
            && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
        {
            v.downgrade(
                Safety::Unknown,
                format!("`curl` with a `{scheme}://` URL is not plain HTTP"),
            );
        }
    }
    if urls.is_empty() {
        v.downgrade(Safety::Unknown, "`curl` without a URL");
    }
    if v.reasons.is_empty() {
        let method = if p.has(&["-I", "--head"]) {
            "HEAD"
        } else {
            "GET"
        };
        v.push_reason(format!("`curl` sends an HTTP {method} without a body"));
    }
    v
}

/// wget's flags that take a value.
const WGET: FlagSpec = FlagSpec {
    short_values: "OoaiPTtUeBdDwYQlA",
    long_values: &[
        "--output-document",
        "--output-file",
        "--append-output",
        "--input-file",
        "--directory-prefix",
        "--timeout",
        "--tries",
        "--user-agent",
        "--header",
        "--post-data",
        "--post-file",
        "--body-data",
        "--body-file",
        "--method",
        "--user",
        "--password",
        "--ca-certificate",
        "--certificate",
        "--private-key",
        "--load-cookies",
        "--save-cookies",
        "--wait",
        "--level",
        "--accept",
        "--reject",
    ],
};

/// Classifies a `wget` invocation: wget saves to a file unless told otherwise.
pub(crate) fn wget(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &WGET);
    let mut v = Verdict::empty();
    for flag in ["--post-data", "--post-file", "--body-data", "--body-file"] {
        if p.has(&[flag]) {
            v.downgrade(Safety::Write, format!("`wget {flag}` sends a request body"));
        }
    }
    if let Some(method) = p.value(&["--method"])
        && !matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD")
    {
        v.downgrade(
            Safety::Write,
            format!("`wget --method={method}` is not a GET"),
        );
    }
    for flag in [
        "-o",
        "--output-file",
        "-a",
        "--append-output",
        "--save-cookies",
    ] {
        if let Some(file) = p.value(&[flag])
            && !is_harmless_sink(file)
        {
            v.downgrade(Safety::Write, format!("`wget {flag} {file}` writes a file"));
        }
    }
    if p.has(&["-r", "--recursive", "-m", "--mirror"]) {
        v.downgrade(Safety::Write, "`wget --recursive` downloads files");
    }
    let spider = p.has(&["--spider"]);
    let to_stdout = p
        .value(&["-O", "--output-document"])
        .is_some_and(is_harmless_sink);
    if !spider && !to_stdout {
        match p.value(&["-O", "--output-document"]) {
            Some(file) => v.downgrade(Safety::Write, format!("`wget -O {file}` writes a file")),
            None => v.downgrade(Safety::Write, "`wget` saves the download to a file"),
        }
    }
    if p.positionals.is_empty() {
        v.downgrade(Safety::Unknown, "`wget` without a URL");
    }
    if v.reasons.is_empty() {
        v.push_reason("`wget` fetches a URL to standard output");
    }
    v
}
