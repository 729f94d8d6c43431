//! CSV imports. A job reads the uploaded file from disk row by row, twice: first it checks every
//! row (a dry run stops there), then, when no row is bad, it writes them all in one transaction, a
//! batch of rows at a time, so that it never holds the whole file (its memory is not measured);
//! either every row is written or none is.
//!
//! The file: RFC 4180, UTF-8 with or without a byte-order mark, a header of field names. What the
//! columns are and what a row becomes is each resource's [`Importer`].

mod contacts;
mod customers;

use std::fs::File;
use std::path::Path;

use kehu_core::ErrorCode;
use kehu_core::import::{Import, ImportPhase, ImportResource, ImportStatus, MAX_REPORTED_ERRORS, RowError};
use kehu_core::settings::{CustomFieldDef, CustomFieldKind};
use kehu_store::DbConnection;
use kehu_store::db::write_transaction;
use kehu_store::imports::{self, ImportChanges, ImportRow};
use kehu_store::types::Id;
use serde_json::Value;
use uuid::Uuid;

use crate::context::Context;
use crate::error::{AppError, AppResult};

/// Rows per batch: per query on the way in, per progress report.
const BATCH: usize = 500;

/// What checking found a row to be.
pub(super) enum Outcome {
    Bad(Vec<RowError>),
    New,
    Update,
}

/// Which columns a file of one resource may and must have.
#[derive(Clone, Copy)]
struct Columns {
    /// Columns read (or, like an export's computed ones, read past).
    known: &'static [&'static str],
    /// Prefixes of families of columns (`custom_fields.`).
    prefixes: &'static [&'static str],
    required: &'static [&'static str],
}

impl Columns {
    fn knows(&self, column: &str) -> bool {
        self.known.contains(&column) || self.prefixes.iter().any(|p| column.starts_with(p))
    }
}

/// One resource's rules for a file.
trait Importer {
    fn columns(&self) -> Columns;
    /// Checks a batch of rows (line number, cells), keeping the good ones for [`Importer::write`].
    fn check(
        &mut self,
        conn: &mut DbConnection,
        headers: &[String],
        rows: Vec<(u64, csv::StringRecord)>,
    ) -> AppResult<Vec<Outcome>>;
    /// Called between the passes: the second pass reads the file again from the top.
    fn start_writing(&mut self);
    /// Writes the rows the last `check` kept; how many were created and updated.
    fn write(&mut self, conn: &mut DbConnection) -> AppResult<(i64, i64)>;
}

fn job_error(detail: impl Into<String>) -> AppError {
    AppError::with_detail(ErrorCode::InvalidParameter, detail)
}

/// Creates a queued job for a file that has arrived.
pub fn create(conn: &mut DbConnection, ctx: &Context, resource: ImportResource, dry_run: bool) -> AppResult<Import> {
    let now = ctx.now();
    let row = ImportRow {
        id: Id(kehu_store::new_id()),
        resource: resource.as_str().to_owned(),
        dry_run,
        status: ImportStatus::Queued.as_str().to_owned(),
        phase: ImportPhase::Checking.as_str().to_owned(),
        processed_rows: 0,
        created_rows: 0,
        updated_rows: 0,
        error_count: 0,
        errors: "[]".to_owned(),
        message: None,
        created_by: Id(ctx.id()),
        created_at: now,
        updated_at: now,
        finished_at: None,
    };
    Ok(imports::insert(conn, &row)?.to_wire()?)
}

/// A job, for the user who started it (administrators see all).
pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Import> {
    let owner = if ctx.role() == kehu_core::user::Role::Admin { None } else { Some(ctx.id()) };
    let row = imports::find(conn, id, owner)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(row.to_wire()?)
}

/// The outcome of reading the file once.
#[derive(Default)]
struct Tally {
    rows: i64,
    created: i64,
    updated: i64,
    error_count: i64,
    errors: Vec<RowError>,
}

impl Tally {
    fn count(&mut self, outcomes: Vec<Outcome>) {
        for outcome in outcomes {
            self.rows += 1;
            match outcome {
                Outcome::Bad(errors) => {
                    self.error_count += 1;
                    let room = MAX_REPORTED_ERRORS.saturating_sub(self.errors.len());
                    self.errors.extend(errors.into_iter().take(room));
                }
                Outcome::New => self.created += 1,
                Outcome::Update => self.updated += 1,
            }
        }
    }
}

fn progress(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    tally: &Tally,
    status: ImportStatus,
    phase: ImportPhase,
) -> AppResult<()> {
    let changes = ImportChanges {
        status: Some(status.as_str().to_owned()),
        phase: Some(phase.as_str().to_owned()),
        processed_rows: Some(tally.rows),
        created_rows: Some(tally.created),
        updated_rows: Some(tally.updated),
        error_count: Some(tally.error_count),
        errors: Some(serde_json::to_string(&tally.errors).map_err(AppError::internal)?),
        updated_at: Some(ctx.now()),
        ..ImportChanges::default()
    };
    Ok(imports::update(conn, id, &changes)?)
}

fn finish(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    status: ImportStatus,
    message: Option<String>,
) -> AppResult<()> {
    let now = ctx.now();
    let changes = ImportChanges {
        status: Some(status.as_str().to_owned()),
        phase: Some(ImportPhase::Done.as_str().to_owned()),
        message: Some(message),
        updated_at: Some(now),
        finished_at: Some(Some(now)),
        ..ImportChanges::default()
    };
    Ok(imports::update(conn, id, &changes)?)
}

/// Runs a job to its end. The file is removed before the job says it is done, so a finished job
/// leaves nothing on disk. A failure other than bad rows (the database gone, say) is recorded on
/// the job as well as returned.
pub fn run(conn: &mut DbConnection, ctx: &Context, id: Uuid, path: &Path) -> AppResult<()> {
    let outcome = run_inner(conn, ctx, id, path);
    if let Err(e) = std::fs::remove_file(path) {
        tracing::warn!(error = %e, "could not remove an import's file");
    }
    match outcome {
        Ok((status, message)) => finish(conn, ctx, id, status, message),
        Err(e) => {
            tracing::warn!(error = %e, import = %id, "import failed");
            let message = e.detail.clone().unwrap_or_else(|| "the import failed; nothing was written".to_owned());
            finish(conn, ctx, id, ImportStatus::Failed, Some(message))?;
            Err(e)
        }
    }
}

/// Checks and (unless a dry run) writes the file; the job's final status and message.
fn run_inner(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    path: &Path,
) -> AppResult<(ImportStatus, Option<String>)> {
    let job = imports::find(conn, id, None)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let vis = ctx.visibility(conn)?;
    let resource = ImportResource::parse(&job.resource).ok_or_else(|| job_error("unknown resource"))?;
    let mut importer: Box<dyn Importer + '_> = match resource {
        ImportResource::Customers => {
            let defs = crate::settings::custom_fields(conn, "customers")?;
            Box::new(customers::CustomerImporter::new(ctx, &vis, defs))
        }
        ImportResource::Contacts => {
            let defs = crate::settings::custom_fields(conn, "contacts")?;
            Box::new(contacts::ContactImporter::new(ctx, &vis, defs))
        }
    };

    // Pass 1: check everything, write nothing but progress.
    let mut tally = Tally::default();
    progress(conn, ctx, id, &tally, ImportStatus::Running, ImportPhase::Checking)?;
    let columns = importer.columns();
    read_batches(path, columns, |headers, rows| {
        tally.count(importer.check(conn, headers, rows)?);
        progress(conn, ctx, id, &tally, ImportStatus::Running, ImportPhase::Checking)
    })?;
    if job.dry_run {
        return Ok((ImportStatus::Succeeded, None));
    }
    if tally.error_count > 0 {
        let message = format!("{} of {} rows are bad; nothing was written", tally.error_count, tally.rows);
        return Ok((ImportStatus::Failed, Some(message)));
    }

    // Pass 2: write it all, or nothing.
    progress(conn, ctx, id, &tally, ImportStatus::Running, ImportPhase::Writing)?;
    importer.start_writing();
    let (mut created, mut updated) = (0, 0);
    write_transaction(conn, |conn| {
        read_batches(path, columns, |headers, rows| {
            let outcomes = importer.check(conn, headers, rows)?;
            if let Some(Outcome::Bad(errors)) = outcomes.into_iter().find(|o| matches!(o, Outcome::Bad(_))) {
                // Checked a moment ago; a row that fails now means the data changed meanwhile.
                let first = errors.into_iter().next().map(|e| e.detail).unwrap_or_default();
                return Err(job_error(format!("the data changed during the import; nothing was written ({first})")));
            }
            let (c, u) = importer.write(conn)?;
            created += c;
            updated += u;
            Ok(())
        })
    })?;
    tally.created = created;
    tally.updated = updated;
    // The counts of what was written; `finish` then marks the job done.
    progress(conn, ctx, id, &tally, ImportStatus::Running, ImportPhase::Writing)?;
    Ok((ImportStatus::Succeeded, None))
}

/// A field's JSON Pointer as the file's column: `/address/city` is `address.city`.
fn column_of(pointer: &str) -> Option<String> {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => None,
        ["tags", ..] => Some("tags".to_owned()),
        [first, second, ..] if ["address", "custom_fields", "do_not_contact"].contains(first) => {
            Some(format!("{first}.{second}"))
        }
        [first, ..] => Some((*first).to_owned()),
    }
}

fn row_errors(line: u64, errors: Vec<kehu_core::FieldError>) -> Vec<RowError> {
    errors
        .into_iter()
        .map(|e| RowError { row: line, column: column_of(&e.pointer), code: e.code, detail: e.detail })
        .collect()
}

/// Exported cells that could start a formula carry a leading `'`; it is taken off again here.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// A cell of an enum column as people type it in a spreadsheet (`A`, `Trade show`), as the wire
/// value it stands for (`a`, `trade_show`); what is still unknown is then reported by the checks.
fn enum_cell(cell: &str) -> String {
    cell.trim().to_lowercase().replace([' ', '-'], "_")
}

/// A yes/no cell.
fn boolean(cell: &str) -> Option<bool> {
    match cell.to_lowercase().as_str() {
        "true" | "yes" | "1" | "是" => Some(true),
        "false" | "no" | "0" | "否" => Some(false),
        _ => None,
    }
}

/// A custom field's cell as the JSON value its kind takes.
fn custom_value(def: Option<&CustomFieldDef>, cell: &str) -> Value {
    let text = || Value::String(cell.to_owned());
    match def.map(|d| d.kind) {
        Some(CustomFieldKind::Number) => cell.parse::<serde_json::Number>().map_or_else(|_| text(), Value::Number),
        Some(CustomFieldKind::Bool) => boolean(cell).map_or_else(text, Value::Bool),
        _ => text(),
    }
}

/// Reads the file in batches of rows, calling `f` with the header and each batch. A malformed
/// file (not UTF-8, an unknown column, a broken quote) fails the job, saying where.
fn read_batches(
    path: &Path,
    columns: Columns,
    mut f: impl FnMut(&[String], Vec<(u64, csv::StringRecord)>) -> AppResult<()>,
) -> AppResult<()> {
    let file = File::open(path).map_err(AppError::internal)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(std::io::BufReader::new(file));
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| job_error(format!("the header cannot be read: {e}")))?
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}').trim().to_owned() } else { h.trim().to_owned() })
        .collect();
    if let Some(h) = headers.iter().find(|h| !columns.knows(h)) {
        return Err(job_error(format!("unknown column {h:?} in the header")));
    }
    for required in columns.required {
        if !headers.iter().any(|h| h == required) {
            return Err(job_error(format!("the header has no {required} column")));
        }
    }
    let newlines = |r: &csv::StringRecord| r.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
    // Line numbers are counted here: the reader's own are one short in files with CRLF line ends.
    // A quoted cell with line breaks spans lines; blank lines (which the reader skips) are not counted.
    let mut next_line = 2 + reader.headers().map(newlines).unwrap_or(0);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let mut record = csv::StringRecord::new();
        let more = reader
            .read_record(&mut record)
            .map_err(|e| job_error(format!("the row after line {} cannot be read: {e}", next_line - 1)))?;
        if !more {
            break;
        }
        let line = next_line;
        next_line += 1 + newlines(&record);
        batch.push((line, record));
        if batch.len() == BATCH {
            f(&headers, std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        f(&headers, batch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_cells_read_as_people_type_them() {
        assert_eq!(enum_cell("A"), "a");
        assert_eq!(enum_cell(" Trade show "), "trade_show");
        assert_eq!(enum_cell("cold-call"), "cold_call");
    }

    #[test]
    fn pointers_become_columns() {
        assert_eq!(column_of("/name").as_deref(), Some("name"));
        assert_eq!(column_of("/address/city").as_deref(), Some("address.city"));
        assert_eq!(column_of("/tags/3").as_deref(), Some("tags"));
        assert_eq!(column_of("/custom_fields/budget").as_deref(), Some("custom_fields.budget"));
        assert_eq!(column_of("/"), None);
    }

    #[test]
    fn formula_guards_come_off() {
        assert_eq!(unguard("'+86 138"), "+86 138");
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'quoted"), "'quoted");
    }
}
