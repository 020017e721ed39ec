//! Database clients: `psql` and `mysql`. The SQL they are given with `-c` /
//! `-e` (or through a here-document) is classified statement by statement;
//! a script file (`-f`) or an interactive session is unknown.

use crate::sql::{SqlDialect, classify_sql_in};
use crate::tools::Call;
use crate::tools::args::{FlagSpec, is_harmless_sink, parse};
use crate::verdict::{Safety, Verdict};

/// psql's flags that take a value.
const PSQL: FlagSpec = FlagSpec {
    short_values: "cfhpUdvoLPFRT",
    long_values: &[
        "--command",
        "--file",
        "--host",
        "--port",
        "--username",
        "--dbname",
        "--set",
        "--variable",
        "--output",
        "--log-file",
        "--pset",
        "--field-separator",
        "--record-separator",
        "--table-attr",
    ],
};

/// Classifies a `psql` invocation.
pub(crate) fn psql(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &PSQL);
    let mut v = Verdict::empty();
    for flag in ["-o", "--output", "-L", "--log-file"] {
        if let Some(file) = p.value(&[flag])
            && !is_harmless_sink(file)
        {
            v.downgrade(Safety::Write, format!("`psql {flag} {file}` writes a file"));
        }
    }
    if let Some(file) = p.value(&["-f", "--file"]) {
        v.downgrade(
            Safety::Unknown,
            format!("`psql -f {file}` runs a script medic cannot see"),
        );
        return v;
    }
    let commands = p.values(&["-c", "--command"]);
    if commands.is_empty() {
        match call.stdin {
            Some(sql) => {
                v.merge(classify_sql_in(sql, SqlDialect::Postgres));
                v.push_reason("`psql` runs the SQL given on standard input");
            }
            None => v.downgrade(
                Safety::Unknown,
                "`psql` without `-c` runs whatever arrives on standard input",
            ),
        }
        return v;
    }
    for sql in commands {
        v.merge(classify_sql_in(sql, SqlDialect::Postgres));
    }
    v
}

/// mysql's flags that take a value.
const MYSQL: FlagSpec = FlagSpec {
    short_values: "ehuPDSW",
    long_values: &[
        "--execute",
        "--host",
        "--user",
        "--port",
        "--database",
        "--socket",
        "--tee",
        "--defaults-file",
        "--defaults-extra-file",
        "--init-command",
    ],
};

/// Classifies a `mysql` / `mariadb` invocation.
pub(crate) fn mysql(call: &Call<'_>) -> Verdict {
    let p = parse(call.args, &MYSQL);
    let mut v = Verdict::empty();
    if let Some(file) = p.value(&["--tee"]) {
        v.downgrade(Safety::Write, format!("`mysql --tee {file}` writes a file"));
    }
    if p.has(&["--init-command", "--defaults-file", "--defaults-extra-file"]) {
        v.downgrade(Safety::Unknown, "`mysql` runs options medic cannot see");
    }
    let commands = p.values(&["-e", "--execute"]);
    if commands.is_empty() {
        match call.stdin {
            Some(sql) => v.merge(classify_sql_in(sql, SqlDialect::MySql)),
            None => v.downgrade(
                Safety::Unknown,
                "`mysql` without `-e` runs whatever arrives on standard input",
            ),
        }
        return v;
    }
    for sql in commands {
        v.merge(classify_sql_in(sql, SqlDialect::MySql));
    }
    v
}
