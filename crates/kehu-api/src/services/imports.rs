//! CSV imports of customers. A job reads the uploaded file from disk row by row, twice: first it
//! checks every row (a dry run stops there), then, when no row is bad, it writes them all in one
//! transaction, a batch at a time. Memory stays bounded by the batch, whatever the file's size;
//! either every row is written or none is.
//!
//! The file: RFC 4180, UTF-8 with or without a byte-order mark, a header of field names (`name`,
//! `level`, `address.city`, `tags` separated by `;`, `custom_fields.<name>`, …). A row whose
//! `external_id` belongs to a customer the importer may change updates it; other rows create.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use kehu_core::ErrorCode;
use kehu_core::audit::AuditAction;
use kehu_core::customer::{CreateCustomer, match_keys};
use kehu_core::import::{Import, ImportPhase, ImportResource, ImportStatus, MAX_REPORTED_ERRORS, RowError};
use kehu_core::settings::{CustomFieldDef, CustomFieldKind, check_custom_values};
use kehu_core::validate::Errors;
use kehu_store::customers::{self, Customer};
use kehu_store::db::write_transaction;
use kehu_store::imports::{self, ImportChanges, ImportRow};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, audit as store_audit, outbox};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::auth::Principal;
use crate::body::decode_error;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{actor, diff, row_by, snapshot};
use crate::services::customers::{ENTITY, check_assignee, new_row, replacement_of};
use crate::services::outbox::event_by;

/// Rows per batch: per query on the way in, per progress report.
const BATCH: usize = 500;

/// Columns a customer file may have.
const COLUMNS: [&str; 20] = [
    "name",
    "kind",
    "industry",
    "level",
    "category",
    "lifecycle_stage",
    "source",
    "owner_id",
    "phone",
    "email",
    "website",
    "address.country",
    "address.province",
    "address.city",
    "address.street",
    "address.postcode",
    "tax_id",
    "credit_rating",
    "tags",
    "external_id",
];

/// Columns an export writes that an import reads past (they are computed or kept by the server),
/// so that an exported file imports again unchanged.
const READ_ONLY: [&str; 8] =
    ["id", "value_tier", "last_activity_at", "created_at", "updated_at", "created_by", "updated_by", "version"];

fn job_error(detail: impl Into<String>) -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidParameter, detail)
}

/// Creates a queued job for a file that has arrived.
pub fn create(conn: &mut DbConnection, who: &Principal, resource: ImportResource, dry_run: bool) -> ApiResult<Import> {
    let now = kehu_store::now();
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
        created_by: Id(who.id()),
        created_at: now,
        updated_at: now,
        finished_at: None,
    };
    Ok(imports::insert(conn, &row)?.to_wire()?)
}

/// A job, for the user who started it (administrators see all).
pub fn get(conn: &mut DbConnection, who: &Principal, id: Uuid) -> ApiResult<Import> {
    let owner = if who.role == kehu_core::user::Role::Admin { None } else { Some(who.id()) };
    let row = imports::find(conn, id, owner)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
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
    fn add(&mut self, e: RowError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(e);
        }
    }
}

fn progress(
    conn: &mut DbConnection,
    id: Uuid,
    tally: &Tally,
    status: ImportStatus,
    phase: ImportPhase,
) -> ApiResult<()> {
    let changes = ImportChanges {
        status: Some(status.as_str().to_owned()),
        phase: Some(phase.as_str().to_owned()),
        processed_rows: Some(tally.rows),
        created_rows: Some(tally.created),
        updated_rows: Some(tally.updated),
        error_count: Some(tally.error_count),
        errors: Some(serde_json::to_string(&tally.errors).map_err(ApiError::internal)?),
        updated_at: Some(kehu_store::now()),
        ..ImportChanges::default()
    };
    Ok(imports::update(conn, id, &changes)?)
}

fn finish(conn: &mut DbConnection, id: Uuid, status: ImportStatus, message: Option<String>) -> ApiResult<()> {
    let now = kehu_store::now();
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

/// Runs a job to its end; the file is removed afterwards. A failure other than bad rows (the
/// database gone, say) is recorded on the job as well as returned.
pub fn run(conn: &mut DbConnection, who: &Principal, id: Uuid, path: &Path) -> ApiResult<()> {
    let outcome = run_inner(conn, who, id, path);
    if let Err(e) = std::fs::remove_file(path) {
        tracing::warn!(error = %e, "could not remove an import's file");
    }
    if let Err(e) = &outcome {
        tracing::warn!(error = %e, import = %id, "import failed");
        let message = e.detail.clone().unwrap_or_else(|| "the import failed; nothing was written".to_owned());
        finish(conn, id, ImportStatus::Failed, Some(message))?;
    }
    outcome
}

fn run_inner(conn: &mut DbConnection, who: &Principal, id: Uuid, path: &Path) -> ApiResult<()> {
    let job = imports::find(conn, id, None)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let vis = who.visibility(conn)?;
    let defs = crate::services::settings::custom_fields(conn, "customers")?;
    let mut checker = Checker {
        who,
        vis: &vis,
        defs: &defs,
        owners: HashMap::new(),
        seen: HashSet::new(),
        existing: None,
        taken_in_last_batch: Vec::new(),
    };
    let mut existing = HashSet::new();

    // Pass 1: check everything, write nothing but progress.
    let mut tally = Tally::default();
    progress(conn, id, &tally, ImportStatus::Running, ImportPhase::Checking)?;
    read_batches(path, &defs, |rows| {
        let checked = checker.check(conn, rows)?;
        existing.extend(checker.taken_in_last_batch.drain(..));
        for row in checked {
            tally.rows += 1;
            match row {
                Checked::Bad(errors) => {
                    tally.error_count += 1;
                    errors.into_iter().for_each(|e| tally.add(e));
                }
                Checked::New(..) => tally.created += 1,
                Checked::Update(..) => tally.updated += 1,
            }
        }
        progress(conn, id, &tally, ImportStatus::Running, ImportPhase::Checking)
    })?;
    if job.dry_run {
        progress(conn, id, &tally, ImportStatus::Succeeded, ImportPhase::Done)?;
        return finish(conn, id, ImportStatus::Succeeded, None);
    }
    if tally.error_count > 0 {
        progress(conn, id, &tally, ImportStatus::Failed, ImportPhase::Done)?;
        let message = format!("{} of {} rows are bad; nothing was written", tally.error_count, tally.rows);
        return finish(conn, id, ImportStatus::Failed, Some(message));
    }

    // Pass 2: write it all, or nothing.
    progress(conn, id, &tally, ImportStatus::Running, ImportPhase::Writing)?;
    checker.seen.clear();
    checker.existing = Some(existing);
    let (mut created, mut updated) = (0, 0);
    write_transaction(conn, |conn| {
        read_batches(path, &defs, |rows| {
            let checked = checker.check(conn, rows)?;
            let (c, u) = write(conn, who, &vis, checked)?;
            created += c;
            updated += u;
            Ok(())
        })
    })?;
    tally.created = created;
    tally.updated = updated;
    progress(conn, id, &tally, ImportStatus::Succeeded, ImportPhase::Done)?;
    finish(conn, id, ImportStatus::Succeeded, None)
}

/// One row of the file: its line number and its cells by column.
struct Row {
    line: u64,
    body: Result<CreateCustomer, Vec<RowError>>,
}

/// What checking found a row to be.
enum Checked {
    Bad(Vec<RowError>),
    New(Box<CreateCustomer>, Option<Uuid>),
    Update(Box<CreateCustomer>, Box<Customer>),
}

/// A field's JSON Pointer as the file's column: `/address/city` is `address.city`.
fn column_of(pointer: &str) -> Option<String> {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => None,
        ["tags", ..] => Some("tags".to_owned()),
        [first, second, ..] if *first == "address" || *first == "custom_fields" => Some(format!("{first}.{second}")),
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

/// A custom field's cell as the JSON value its kind takes.
fn custom_value(def: Option<&CustomFieldDef>, cell: &str) -> Value {
    match def.map(|d| d.kind) {
        Some(CustomFieldKind::Number) => {
            cell.parse::<serde_json::Number>().map_or_else(|_| Value::String(cell.to_owned()), Value::Number)
        }
        Some(CustomFieldKind::Bool) => match cell.to_lowercase().as_str() {
            "true" | "yes" | "1" | "是" => Value::Bool(true),
            "false" | "no" | "0" | "否" => Value::Bool(false),
            _ => Value::String(cell.to_owned()),
        },
        _ => Value::String(cell.to_owned()),
    }
}

/// The request body a row stands for, as the API would receive it, so that it is checked by the
/// same rules.
fn to_body(headers: &[String], record: &csv::StringRecord, defs: &[CustomFieldDef], line: u64) -> Row {
    let mut obj = Map::new();
    let mut address = Map::new();
    let mut custom = Map::new();
    for (header, cell) in headers.iter().zip(record.iter()) {
        let cell = unguard(cell.trim());
        if let Some(name) = header.strip_prefix("custom_fields.") {
            if !cell.is_empty() {
                custom.insert(name.to_owned(), custom_value(defs.iter().find(|d| d.name == name), cell));
            }
        } else if let Some(part) = header.strip_prefix("address.") {
            if !cell.is_empty() {
                address.insert(part.to_owned(), Value::String(cell.to_owned()));
            }
        } else if header == "tags" {
            let tags: Vec<Value> =
                cell.split(';').map(str::trim).filter(|t| !t.is_empty()).map(|t| Value::String(t.to_owned())).collect();
            obj.insert("tags".to_owned(), Value::Array(tags));
        } else if header == "owner_id" {
            // An empty owner puts the customer in the pool; no owner column at all makes the
            // importer its owner, as with the API.
            let owner = if cell.is_empty() { Value::Null } else { Value::String(cell.to_owned()) };
            obj.insert("owner_id".to_owned(), owner);
        } else if COLUMNS.contains(&header.as_str()) && !cell.is_empty() {
            obj.insert(header.clone(), Value::String(cell.to_owned()));
        }
    }
    if !address.is_empty() {
        obj.insert("address".to_owned(), Value::Object(address));
    }
    if !custom.is_empty() {
        obj.insert("custom_fields".to_owned(), Value::Object(custom));
    }
    // Imports are for loading data; look-alikes are the importer's call, and external ids the
    // way to update rather than add.
    obj.insert("allow_duplicate".to_owned(), Value::Bool(true));
    let body = serde_path_to_error::deserialize::<_, CreateCustomer>(Value::Object(obj))
        .map_err(|e| row_errors(line, decode_error(&e).errors));
    Row { line, body }
}

/// Reads the file in batches of rows, calling `f` with each. A malformed file (not UTF-8, an
/// unknown column, a broken quote) fails the job with its line.
fn read_batches(path: &Path, defs: &[CustomFieldDef], mut f: impl FnMut(Vec<Row>) -> ApiResult<()>) -> ApiResult<()> {
    let file = File::open(path).map_err(ApiError::internal)?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(std::io::BufReader::new(file));
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| job_error(format!("the header cannot be read: {e}")))?
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}').trim().to_owned() } else { h.trim().to_owned() })
        .collect();
    for h in &headers {
        let known = COLUMNS.contains(&h.as_str()) || READ_ONLY.contains(&h.as_str()) || h.starts_with("custom_fields.");
        if !known {
            return Err(job_error(format!("unknown column {h:?} in the header")));
        }
    }
    if !headers.iter().any(|h| h == "name") {
        return Err(job_error("the header has no name column"));
    }
    let newlines = |r: &csv::StringRecord| r.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
    // Line numbers are counted here: the reader's own are one short in files with CRLF line ends.
    // A quoted cell with line breaks spans lines; blank lines (which the reader skips) are not counted.
    let mut next_line = 2 + reader.headers().map(newlines).unwrap_or(0);
    let mut batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| job_error(format!("the row after line {} cannot be read: {e}", next_line - 1)))?;
        if !more {
            break;
        }
        let line = next_line;
        next_line += 1 + newlines(&record);
        batch.push(to_body(&headers, &record, defs, line));
        if batch.len() == BATCH {
            f(std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        f(batch)?;
    }
    Ok(())
}

/// Checks rows against the rules of a create and against the database.
struct Checker<'a> {
    who: &'a Principal,
    vis: &'a Visibility,
    defs: &'a [CustomFieldDef],
    /// Owners already looked up, with what was wrong with them.
    owners: HashMap<Uuid, Vec<kehu_core::FieldError>>,
    /// External ids seen earlier in the file.
    seen: HashSet<String>,
    /// External ids the first pass found in the database. The second pass looks up only these:
    /// inside the write transaction the table grows batch by batch and PostgreSQL's plans, made
    /// for the table as it was, turn each lookup into a scan. An id taken by someone else between
    /// the passes still fails the transaction on the unique index.
    existing: Option<HashSet<String>>,
    /// The external ids of the last batch that the database had.
    taken_in_last_batch: Vec<String>,
}

impl Checker<'_> {
    fn check(&mut self, conn: &mut DbConnection, rows: Vec<Row>) -> ApiResult<Vec<Checked>> {
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.body.as_ref().ok().and_then(|b| b.external_id.as_deref()).map(|e| e.trim().to_owned()))
            .filter(|e| !e.is_empty())
            .filter(|e| self.existing.as_ref().is_none_or(|known| known.contains(e)))
            .collect();
        let taken: HashSet<String> = customers::external_ids_taken(conn, &ids)?.into_iter().collect();
        self.taken_in_last_batch = taken.iter().cloned().collect();
        let ids: Vec<String> = ids.into_iter().filter(|e| taken.contains(e)).collect();
        let mine: HashMap<String, Customer> = customers::find_by_external_ids(conn, self.vis, &ids)?
            .into_iter()
            .filter_map(|c| c.external_id.clone().map(|e| (e, c)))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let body = match row.body {
                Ok(b) => b,
                Err(errors) => {
                    out.push(Checked::Bad(errors));
                    continue;
                }
            };
            let mut errors = body.check();
            check_custom_values(&mut errors, self.defs, &body.custom_fields, true);
            let owner = match body.owner_id {
                None => Some(self.who.id()),
                Some(None) => None,
                Some(Some(o)) => {
                    if o != self.who.id() {
                        if !self.owners.contains_key(&o) {
                            let mut found = Errors::default();
                            check_assignee(conn, self.vis, &mut found, "/owner_id", o)?;
                            self.owners.insert(o, found.0);
                        }
                        errors.0.extend(self.owners.get(&o).cloned().unwrap_or_default());
                    }
                    Some(o)
                }
            };
            let external = body.external_id.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned);
            let mut existing = None;
            if let Some(e) = &external {
                if !self.seen.insert(e.clone()) {
                    errors.add("/external_id", "duplicate_in_file", "an earlier row has this external id");
                } else if let Some(c) = mine.get(e) {
                    if self.vis.may_edit(c.owner_id.map(Uuid::from)) {
                        existing = Some(c.clone());
                    } else {
                        errors.add(
                            "/external_id",
                            "forbidden",
                            "the customer with this external id is not yours to change",
                        );
                    }
                } else if taken.contains(e) {
                    errors.add("/external_id", "taken", "another customer has this external id");
                }
            }
            out.push(if !errors.is_empty() {
                Checked::Bad(row_errors(row.line, errors.0))
            } else if let Some(c) = existing {
                Checked::Update(Box::new(body), Box::new(c))
            } else {
                Checked::New(Box::new(body), owner)
            });
        }
        Ok(out)
    }
}

/// Writes a checked batch: new customers in a few statements, updates one by one (they are
/// version-checked against what was read in this transaction).
fn write(conn: &mut DbConnection, who: &Principal, vis: &Visibility, rows: Vec<Checked>) -> ApiResult<(i64, i64)> {
    let now = kehu_store::now();
    let by = actor(who);
    let (mut new_rows, mut tags, mut keys, mut audits, mut events) = (vec![], vec![], vec![], vec![], vec![]);
    let mut updated = 0;
    for row in rows {
        match row {
            // Checked in this very transaction a moment ago; a row that fails now means the file
            // changed under us, which cannot happen, so it is an error rather than a report.
            Checked::Bad(errors) => {
                let first = errors.into_iter().next();
                return Err(job_error(format!("a row became invalid while writing: {first:?}")));
            }
            Checked::New(body, owner) => {
                let (row, row_tags) = new_row(who.id(), &body, owner, now)?;
                let wire = row.to_wire()?;
                audits.push(row_by(&by, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?);
                events.push(event_by(&by, ENTITY, "created", wire.id, &wire, now)?);
                keys.push(match_keys(&row.name, row.phone.as_deref(), row.email.as_deref(), row.tax_id.as_deref()));
                tags.push(row_tags);
                new_rows.push(row);
            }
            Checked::Update(body, before) => {
                let mut changes = replacement_of(&before, &body)?;
                changes.updated_at = Some(now);
                changes.updated_by = Some(Some(Id(who.id())));
                let tag_list = kehu_core::customer::normalize_tags(&body.tags);
                let after = customers::update(conn, vis, before.id.0, before.version, &changes, Some(&tag_list))?;
                customers::write_match_keys(
                    conn,
                    after.id.0,
                    &match_keys(&after.name, after.phone.as_deref(), after.email.as_deref(), after.tax_id.as_deref()),
                )?;
                let (old, new) = (before.to_wire()?, after.to_wire()?);
                let changed = diff(&snapshot(&old)?, &snapshot(&new)?);
                if !changed.is_empty() {
                    audits.push(row_by(&by, ENTITY, new.id, AuditAction::Update, changed)?);
                    events.push(event_by(&by, ENTITY, "updated", new.id, &new, now)?);
                }
                updated += 1;
            }
        }
    }
    customers::insert_batch(conn, &new_rows, &tags, &keys)?;
    store_audit::insert_many(conn, &audits)?;
    outbox::insert(conn, &events)?;
    Ok((i64::try_from(new_rows.len()).map_err(ApiError::internal)?, updated))
}

#[cfg(test)]
mod tests {
    use super::*;

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
