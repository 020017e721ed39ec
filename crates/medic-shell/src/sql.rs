//! SQL verdicts: which statements only read.
//!
//! Text is split into statements ([`crate::sql_split`]) and each is parsed with
//! sqlparser; every statement must be read for the whole to be read.
//!
//! Decisions a reader must know:
//! - `SELECT`, `TABLE`, `VALUES`, `SHOW`, `EXPLAIN` (without `ANALYZE`) are read,
//!   unless a function anywhere in them is not known to be read-only: functions
//!   that change state (`pg_terminate_backend`, `nextval`, `set_config`, …) make
//!   the statement a write, and functions medic does not know make it unknown.
//! - `txid_current()` / `pg_current_xact_id()` are writes: they assign (consume)
//!   a transaction id.
//! - `pg_read_file` and the other server-file functions are unknown: they read
//!   files on the database server, which a diagnostic step should not do unattended.
//! - `SET`/`RESET` are read: they change only the session medic opened for the
//!   step, which ends with it. `BEGIN`/`COMMIT`/`ROLLBACK` are read too.
//! - `EXPLAIN ANALYZE` runs the statement: it is read for a read statement (with a
//!   reason saying so) and a write for a writing one.
//! - A writing CTE (`WITH d AS (DELETE …) SELECT …`), `SELECT … INTO` and
//!   `FOR UPDATE`/`FOR SHARE` make a query a write.
//! - Text that does not parse is unknown, or a write when it starts with a
//!   writing keyword (`ALTER`, `UPDATE`, …).

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, Select, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

use crate::sql_split::statement_texts;
use crate::verdict::{Safety, Verdict};

/// The SQL dialect to parse with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqlDialect {
    /// PostgreSQL (psql, SQL blocks).
    Postgres,
    /// MySQL / MariaDB (`mysql -e`).
    MySql,
}

/// Classifies SQL text (one or more statements, PostgreSQL dialect, psql
/// meta-commands allowed).
///
/// ```
/// use medic_shell::{Safety, classify_sql};
/// assert_eq!(classify_sql("SELECT count(*) FROM pg_stat_activity").safety, Safety::Read);
/// assert_eq!(classify_sql("SELECT pg_terminate_backend(42)").safety, Safety::Write);
/// ```
pub fn classify_sql(sql: &str) -> crate::Verdict {
    classify_sql_in(sql, SqlDialect::Postgres)
}

/// Classifies SQL text in the given dialect.
pub(crate) fn classify_sql_in(sql: &str, dialect: SqlDialect) -> Verdict {
    let statements = statement_texts(sql);
    if statements.is_empty() {
        return Verdict::unknown("no SQL statement");
    }
    let mut verdict = Verdict::empty();
    for text in statements {
        verdict.merge(statement_text(text, dialect));
    }
    verdict
}

/// Classifies the text of one statement.
fn statement_text(text: &str, dialect: SqlDialect) -> Verdict {
    if let Some(meta) = text.strip_prefix('\\') {
        return meta_command(meta);
    }
    // `TABLE name` is PostgreSQL's `SELECT * FROM name`; sqlparser lacks it.
    let rewritten = table_statement(text).map(|name| format!("SELECT * FROM {name}"));
    let text = rewritten.as_deref().unwrap_or(text);
    let parsed = match dialect {
        SqlDialect::Postgres => parse(&PostgreSqlDialect {}, text),
        SqlDialect::MySql => parse(&MySqlDialect {}, text),
    };
    match parsed {
        Ok(statements) if statements.is_empty() => Verdict::unknown("no SQL statement"),
        Ok(statements) => {
            let mut v = Verdict::empty();
            for s in &statements {
                v.merge(statement(s));
            }
            v
        }
        Err(error) => {
            let keyword = leading_keywords(text);
            let first = keyword.split(' ').next().unwrap_or_default();
            if keyword == "ALTER SYSTEM" {
                Verdict::write("`ALTER SYSTEM` changes the server configuration")
            } else if WRITE_KEYWORDS.contains(&first) {
                Verdict::write(format!("`{keyword}` changes the database"))
            } else {
                Verdict::unknown(format!("SQL does not parse: {error}"))
            }
        }
    }
}

/// The table name of a `TABLE name` statement.
fn table_statement(text: &str) -> Option<&str> {
    let rest = text.trim().trim_end_matches(';').trim_end();
    let (keyword, name) = rest.split_once(char::is_whitespace)?;
    let name = name.trim();
    (keyword.eq_ignore_ascii_case("TABLE")
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '"')))
    .then_some(name)
}

/// Parses SQL with a dialect.
fn parse(dialect: &dyn Dialect, text: &str) -> Result<Vec<Statement>, String> {
    Parser::parse_sql(dialect, text).map_err(|e| e.to_string())
}

/// Statement keywords that always write, used when a statement does not parse.
const WRITE_KEYWORDS: &[&str] = &[
    "ALTER",
    "CREATE",
    "DROP",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "GRANT",
    "REVOKE",
    "VACUUM",
    "ANALYZE",
    "COPY",
    "CALL",
    "DO",
    "REINDEX",
    "CLUSTER",
    "REFRESH",
    "COMMENT",
    "LOCK",
    "MERGE",
    "KILL",
    "SECURITY",
    "IMPORT",
    "LOAD",
    "DISCARD",
    "NOTIFY",
    "CHECKPOINT",
    "REASSIGN",
    "PREPARE",
    "EXECUTE",
    "FLUSH",
    "OPTIMIZE",
    "REPAIR",
    "RENAME",
    "REPLACE",
];

/// The first one or two keywords of a statement, upper-cased (`ALTER SYSTEM`).
fn leading_keywords(text: &str) -> String {
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default().to_ascii_uppercase();
    match first.as_str() {
        "ALTER" | "CREATE" | "DROP" | "REFRESH" | "COMMENT" => {
            let second = words.next().unwrap_or_default().to_ascii_uppercase();
            format!("{first} {second}")
        }
        _ => first,
    }
}

/// Classifies one parsed statement.
fn statement(stmt: &Statement) -> Verdict {
    match stmt {
        Statement::Query(query) => query_verdict(query),
        Statement::Explain {
            analyze,
            statement: inner,
            options,
            ..
        } => {
            let analyze = *analyze
                || options.iter().flatten().any(|o| {
                    o.name.value.eq_ignore_ascii_case("analyze")
                        && !o.arg.as_ref().is_some_and(|a| {
                            matches!(
                                a.to_string().to_ascii_lowercase().as_str(),
                                "false" | "off" | "0"
                            )
                        })
                });
            let what = leading_keywords(&inner.to_string());
            if analyze {
                let mut v = statement(inner);
                if v.safety.is_read() {
                    v.push_reason(format!(
                        "`EXPLAIN ANALYZE` executes the `{what}` (read-only)"
                    ));
                } else {
                    v.push_reason(format!("`EXPLAIN ANALYZE` executes the `{what}`"));
                }
                v
            } else {
                Verdict::read(format!("`EXPLAIN` only plans the `{what}`"))
            }
        }
        Statement::ExplainTable { .. } => Verdict::read("`DESCRIBE` reads a table's definition"),
        other => {
            let text = other.to_string();
            let keyword = leading_keywords(&text);
            match keyword.as_str() {
                "SHOW" => Verdict::read("`SHOW` reads settings"),
                "SET" | "RESET" => {
                    Verdict::read(format!("`{keyword}` changes only this session's settings"))
                }
                "START" | "BEGIN" | "COMMIT" | "ROLLBACK" | "END" => {
                    Verdict::read(format!("`{keyword}` controls the transaction"))
                }
                "DESCRIBE" | "DESC" => Verdict::read("`DESCRIBE` reads a table's definition"),
                "ALTER SYSTEM" => Verdict::write("`ALTER SYSTEM` changes the server configuration"),
                _ => Verdict::write(format!("`{keyword}` changes the database")),
            }
        }
    }
}

/// Classifies a query: read unless something inside it writes.
fn query_verdict(query: &Query) -> Verdict {
    let mut scan = Scan::default();
    let _ = query.visit(&mut scan);
    let mut v = Verdict::read("`SELECT` reads data");
    for w in scan.writes {
        v.downgrade(Safety::Write, w);
    }
    for f in scan.functions {
        match function_safety(&f) {
            FunctionSafety::Read => {}
            FunctionSafety::Write(what) => {
                v.downgrade(Safety::Write, format!("`{f}` {what}"));
            }
            FunctionSafety::Sensitive(what) => {
                v.downgrade(Safety::Unknown, format!("`{f}` {what}"));
            }
            FunctionSafety::Unknown => {
                v.downgrade(
                    Safety::Unknown,
                    format!("function `{f}` is not one medic knows to be read-only"),
                );
            }
        }
    }
    if v.safety.is_read() {
        v.reasons.retain(|r| !r.is_empty());
    }
    v
}

/// Everything inside a query that decides its safety.
#[derive(Debug, Default)]
struct Scan {
    /// Names of the functions called, lower-case, without schema.
    functions: Vec<String>,
    /// Reasons the query writes.
    writes: Vec<String>,
}

impl Scan {
    /// Records a function call.
    fn function(&mut self, name: &ObjectName) {
        let name = name.to_string();
        let last = name.rsplit('.').next().unwrap_or_default();
        let last = last.trim_matches('"').to_ascii_lowercase();
        if !self.functions.contains(&last) {
            self.functions.push(last);
        }
    }
}

impl Visitor for Scan {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        for lock in &query.locks {
            self.writes.push(format!("`{lock}` locks rows"));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if select.into.is_some() {
            self.writes
                .push("`SELECT … INTO` creates a table".to_owned());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        let keyword = leading_keywords(&statement.to_string());
        self.writes.push(format!(
            "the query contains a `{keyword}`, which writes data"
        ));
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            }
            | TableFactor::Function { name, .. } => self.function(name),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = expr {
            self.function(&f.name);
        }
        ControlFlow::Continue(())
    }
}

/// What a function does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FunctionSafety {
    /// Known to be read-only.
    Read,
    /// Changes state; says how.
    Write(&'static str),
    /// Reads something it should not read unattended; says what.
    Sensitive(&'static str),
    /// Not known.
    Unknown,
}

/// Functions that change state: (name or prefix ending in `*`, what it does).
const WRITE_FUNCTIONS: &[(&str, &str)] = &[
    (
        "pg_terminate_backend",
        "changes server state (ends a session)",
    ),
    (
        "pg_cancel_backend",
        "changes server state (cancels a query)",
    ),
    (
        "pg_reload_conf",
        "changes server state (reloads the configuration)",
    ),
    ("set_config", "changes a setting"),
    ("nextval", "advances a sequence"),
    ("setval", "changes a sequence"),
    (
        "pg_rotate_logfile",
        "changes server state (rotates the log)",
    ),
    ("pg_switch_wal", "changes server state (switches WAL file)"),
    ("pg_switch_xlog", "changes server state (switches WAL file)"),
    ("pg_create_restore_point", "changes server state"),
    ("pg_promote", "promotes a standby"),
    ("pg_advisory*", "takes or releases an advisory lock"),
    ("pg_try_advisory*", "takes an advisory lock"),
    ("lo_*", "changes large objects"),
    ("dblink*", "runs SQL on another server"),
    ("pg_stat_reset*", "resets statistics"),
    ("pg_stat_statements_reset", "resets statistics"),
    ("pg_create_*", "changes server state"),
    ("pg_drop_replication_slot", "drops a replication slot"),
    ("pg_replication_slot_advance", "changes a replication slot"),
    ("pg_replication_origin_*", "changes replication state"),
    ("pg_logical_emit_message", "writes to the WAL"),
    ("pg_wal_replay_*", "pauses or resumes replay"),
    ("pg_xlog_replay_*", "pauses or resumes replay"),
    ("pg_start_backup", "starts a backup"),
    ("pg_stop_backup", "stops a backup"),
    ("pg_backup_start", "starts a backup"),
    ("pg_backup_stop", "stops a backup"),
    ("pg_file_*", "changes files on the server"),
    ("pg_log_backend_memory_contexts", "writes to the server log"),
    ("pg_import_system_collations", "creates collations"),
    ("pg_notify", "sends a notification"),
    ("txid_current", "assigns a transaction id"),
    ("pg_current_xact_id", "assigns a transaction id"),
    ("get_lock", "takes a lock"),
    ("release_lock", "releases a lock"),
    ("release_all_locks", "releases locks"),
];

/// Functions that read files or run arbitrary queries: (name, what it does).
const SENSITIVE_FUNCTIONS: &[(&str, &str)] = &[
    ("pg_read_file", "reads files on the database server"),
    ("pg_read_binary_file", "reads files on the database server"),
    ("pg_ls_dir", "lists directories on the database server"),
    ("pg_stat_file", "reads file metadata on the database server"),
    ("load_file", "reads files on the database server"),
    ("query_to_xml", "runs a query given as text"),
    ("query_to_xml_and_xmlschema", "runs a query given as text"),
];

/// Functions known to be read-only (exact names).
const READ_FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "every",
    "bool_and",
    "bool_or",
    "bit_and",
    "bit_or",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "percentile_cont",
    "percentile_disc",
    "mode",
    "corr",
    "covar_pop",
    "covar_samp",
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "age",
    "mxid_age",
    "extract",
    "isfinite",
    "lower",
    "upper",
    "initcap",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "bit_length",
    "substring",
    "substr",
    "left",
    "right",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "lpad",
    "rpad",
    "replace",
    "reverse",
    "repeat",
    "split_part",
    "strpos",
    "position",
    "concat",
    "concat_ws",
    "format",
    "md5",
    "sha256",
    "sha512",
    "encode",
    "decode",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "starts_with",
    "translate",
    "ascii",
    "chr",
    "abs",
    "ceil",
    "ceiling",
    "floor",
    "round",
    "trunc",
    "mod",
    "power",
    "sqrt",
    "exp",
    "ln",
    "log",
    "log10",
    "sign",
    "random",
    "pi",
    "div",
    "width_bucket",
    "cardinality",
    "unnest",
    "generate_series",
    "row_to_json",
    "pg_typeof",
    "format_type",
    "obj_description",
    "col_description",
    "shobj_description",
    "pg_has_role",
    "pg_table_is_visible",
    "pg_function_is_visible",
    "pg_backend_pid",
    "pg_blocking_pids",
    "pg_safe_snapshot_blocking_pids",
    "pg_postmaster_start_time",
    "pg_conf_load_time",
    "current_setting",
    "current_database",
    "current_catalog",
    "current_schema",
    "current_schemas",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "version",
    "pg_wal_lsn_diff",
    "pg_xlog_location_diff",
    "pg_current_wal_lsn",
    "pg_current_wal_insert_lsn",
    "pg_current_wal_flush_lsn",
    "pg_current_xlog_location",
    "pg_walfile_name",
    "pg_walfile_name_offset",
    "pg_relation_filenode",
    "pg_relation_filepath",
    "pg_tablespace_location",
    "pg_partition_tree",
    "pg_partition_root",
    "pg_partition_ancestors",
    "pg_options_to_table",
    "txid_current_if_assigned",
    "txid_current_snapshot",
    "txid_snapshot_xmin",
    "txid_snapshot_xmax",
    "txid_status",
    "pg_current_xact_id_if_assigned",
    "pg_current_snapshot",
    "pg_snapshot_xmin",
    "pg_snapshot_xmax",
    "pg_xact_status",
    "pg_xact_commit_timestamp",
    "pg_sleep",
    "inet_server_addr",
    "inet_server_port",
    "inet_client_addr",
    "inet_client_port",
    "gen_random_uuid",
    "uuid_generate_v4",
    "pg_column_size",
    "pg_sequence_last_value",
    "pg_stat_statements",
    "pg_relation_size",
    "pg_total_relation_size",
    "pg_table_size",
    "pg_indexes_size",
    "pg_database_size",
    "pg_tablespace_size",
    "pg_wal_replay_pause_state",
    "pg_ls_waldir",
    "pg_ls_logdir",
    "pg_ls_archive_statusdir",
    "pg_ls_tmpdir",
    "pg_get_wal_replay_pause_state",
    "pg_lsn",
    "to_regclass",
    "to_regtype",
    "to_regproc",
    "bool",
    "int",
    "int2",
    "int4",
    "int8",
    "text",
    "numeric",
    "float4",
    "float8",
    "varchar",
    "interval",
    "timestamp",
    "timestamptz",
    "date",
    "time",
    "regclass",
    "ifnull",
    "if",
    "isnull",
    "date_format",
    "unix_timestamp",
    "from_unixtime",
    "database",
    "schema",
    "connection_id",
    "found_rows",
    "row_count",
    "last_insert_id",
    "group_concat",
    "sleep",
    "datediff",
    "timestampdiff",
    "date_sub",
    "date_add",
    "curdate",
    "curtime",
    "sysdate",
    "uuid",
    "lastval",
    "currval",
    "exists",
    "any",
    "all",
    "array",
    "cast",
    "num_nonnulls",
    "num_nulls",
];

/// Prefixes of function families known to be read-only.
const READ_PREFIXES: &[&str] = &[
    "pg_stat_get_",
    "pg_get_",
    "pg_is_",
    "pg_size_",
    "pg_last_",
    "pg_control_",
    "has_",
    "json_",
    "jsonb_",
    "array_",
    "string_",
    "regexp_",
    "to_",
    "date_",
    "justify_",
    "make_",
    "ts_",
    "regr_",
    "st_",
];

/// What `name` (lower-case, no schema) does.
fn function_safety(name: &str) -> FunctionSafety {
    let matches = |pattern: &str| match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    };
    if let Some((_, what)) = WRITE_FUNCTIONS.iter().find(|(p, _)| matches(p)) {
        return FunctionSafety::Write(what);
    }
    if let Some((_, what)) = SENSITIVE_FUNCTIONS.iter().find(|(p, _)| matches(p)) {
        return FunctionSafety::Sensitive(what);
    }
    if READ_FUNCTIONS.contains(&name) || READ_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return FunctionSafety::Read;
    }
    FunctionSafety::Unknown
}

/// psql meta-commands that only read or change display settings.
fn meta_command(meta: &str) -> Verdict {
    let name = meta.split_whitespace().next().unwrap_or_default();
    let base = name.trim_end_matches(['+', 'S']);
    let read = base.starts_with('d')
        || matches!(
            base,
            "l" | "list"
                | "conninfo"
                | "x"
                | "timing"
                | "pset"
                | "encoding"
                | "echo"
                | "q"
                | "quit"
                | "?"
                | "h"
                | "help"
                | "sf"
                | "sv"
                | "z"
                | "copyright"
                | "errverbose"
                | "a"
                | "t"
                | "H"
                | "f"
                | "C"
        );
    if read && !meta.contains('|') && !meta.contains('>') {
        Verdict::read(format!("`\\{name}` is a psql meta-command that reads"))
    } else {
        Verdict::unknown(format!(
            "`\\{name}` is not a psql meta-command medic knows to be read-only"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{FunctionSafety, classify_sql, function_safety};
    use crate::verdict::Safety;

    fn safety(sql: &str) -> Safety {
        classify_sql(sql).safety
    }

    #[test]
    fn reads() {
        assert_eq!(
            safety("SELECT count(*) FROM pg_stat_activity;"),
            Safety::Read
        );
        assert_eq!(safety("TABLE t"), Safety::Read);
        assert_eq!(safety("VALUES (1), (2)"), Safety::Read);
        assert_eq!(safety("SHOW max_connections"), Safety::Read);
        assert_eq!(safety("SET statement_timeout = '5s'"), Safety::Read);
        assert_eq!(safety("\\dt+"), Safety::Read);
        assert_eq!(safety("EXPLAIN DELETE FROM t"), Safety::Read);
    }

    #[test]
    fn writes() {
        assert_eq!(
            safety("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"),
            Safety::Write
        );
        assert_eq!(
            safety("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"),
            Safety::Write
        );
        assert_eq!(safety("SELECT * FROM t FOR UPDATE"), Safety::Write);
        assert_eq!(safety("SELECT * INTO t2 FROM t"), Safety::Write);
        assert_eq!(safety("EXPLAIN ANALYZE DELETE FROM t"), Safety::Write);
        assert_eq!(
            safety("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1"),
            Safety::Write
        );
        assert_eq!(safety("SELECT 1; DROP TABLE t"), Safety::Write);
        assert_eq!(
            safety("ALTER SYSTEM SET max_connections = 300"),
            Safety::Write
        );
        assert_eq!(
            safety("SELECT * FROM dblink('x', 'DELETE FROM t') AS t(a int)"),
            Safety::Write
        );
    }

    #[test]
    fn unknowns() {
        assert_eq!(safety("SELEC * FROM"), Safety::Unknown);
        assert_eq!(safety("SELECT my_cleanup()"), Safety::Unknown);
        assert_eq!(
            safety("SELECT pg_read_file('/etc/passwd')"),
            Safety::Unknown
        );
        assert_eq!(safety("\\copy t to 'x'"), Safety::Unknown);
        assert_eq!(safety(""), Safety::Unknown);
    }

    #[test]
    fn explain_analyze_select_says_it_executes() {
        let v = classify_sql("EXPLAIN ANALYZE SELECT * FROM t");
        assert_eq!(v.safety, Safety::Read);
        assert!(v.reasons.iter().any(|r| r.contains("executes")), "{v:?}");
    }

    #[test]
    fn function_table() {
        assert_eq!(
            function_safety("pg_advisory_lock"),
            FunctionSafety::Write("takes or releases an advisory lock")
        );
        assert_eq!(
            function_safety("pg_stat_get_activity"),
            FunctionSafety::Read
        );
        assert_eq!(
            function_safety("txid_current_if_assigned"),
            FunctionSafety::Read
        );
    }
}
