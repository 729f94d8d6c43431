//! Importing customers. Columns: `name`, `kind`, `level`, `lifecycle_stage`, `source`,
//! `owner_id`, `phone`, `email`, `website`, `address.city` (and `.country`, `.province`,
//! `.street`, `.postcode`), `tax_id`, `credit_rating`, `tags` (separated by `;`), `external_id`,
//! `custom_fields.<name>`. A row whose `external_id` belongs to a customer the importer may change
//! updates it (the row replaces its fields); other rows create.

use std::collections::{HashMap, HashSet};

use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::customer::{CreateCustomer, match_keys};
use kehu_core::import::RowError;
use kehu_core::settings::{CustomFieldDef, check_custom_values};
use kehu_core::validate::Errors;
use kehu_store::customers::{self, Customer};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, audit as store_audit, outbox};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Columns, Importer, Outcome, custom_value, enum_cell, row_errors, unguard};
use crate::audit::{audit_row, diff, snapshot};
use crate::context::Context;
use crate::customers::{ENTITY, check_assignee, new_row, replacement_of};
use crate::decode::decode_error;
use crate::error::{AppError, AppResult};
use crate::outbox::event;

/// The columns read, then those an export writes that an import reads past (they are computed or
/// kept by the server), so that an exported file imports again unchanged.
const KNOWN: [&str; 28] = [
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
    "id",
    "value_tier",
    "last_activity_at",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
];

/// Columns of enum values, read in any case.
const ENUMS: [&str; 4] = ["kind", "level", "lifecycle_stage", "source"];

/// Where in [`KNOWN`] the columns an import reads past begin.
const READ_ONLY_FROM: usize = 20;

/// One row of the file: its line number and its cells by column.
struct Row {
    line: u64,
    body: Result<CreateCustomer, Vec<RowError>>,
}

/// What checking found a row to be.
enum Checked {
    New(Box<CreateCustomer>, Option<Uuid>),
    Update(Box<CreateCustomer>, Box<Customer>),
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
        } else if ENUMS.contains(&header.as_str()) && !cell.is_empty() {
            obj.insert(header.clone(), Value::String(enum_cell(cell)));
        } else if !KNOWN[READ_ONLY_FROM..].contains(&header.as_str()) && !cell.is_empty() {
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

/// Checks rows against the rules of a create and against the database, and writes them.
pub(super) struct CustomerImporter<'a> {
    ctx: &'a Context,
    vis: &'a Visibility,
    defs: Vec<CustomFieldDef>,
    /// Owners already looked up, with what was wrong with them.
    owners: HashMap<Uuid, Vec<kehu_core::FieldError>>,
    /// External ids seen earlier in the file.
    seen: HashSet<String>,
    /// External ids the first pass found in the database. The second pass looks up only these:
    /// inside the write transaction the table grows batch by batch and PostgreSQL's plans, made
    /// for the table as it was, turn each lookup into a scan. An id taken by someone else between
    /// the passes still fails the transaction on the unique index.
    existing: Option<HashSet<String>>,
    /// External ids the database had, gathered by the first pass.
    found: HashSet<String>,
    /// The good rows of the last batch checked.
    pending: Vec<Checked>,
}

impl<'a> CustomerImporter<'a> {
    pub(super) fn new(ctx: &'a Context, vis: &'a Visibility, defs: Vec<CustomFieldDef>) -> Self {
        CustomerImporter {
            ctx,
            vis,
            defs,
            owners: HashMap::new(),
            seen: HashSet::new(),
            existing: None,
            found: HashSet::new(),
            pending: Vec::new(),
        }
    }
}

impl Importer for CustomerImporter<'_> {
    fn columns(&self) -> Columns {
        Columns { known: &KNOWN, prefixes: &["custom_fields."], required: &["name"] }
    }

    fn start_writing(&mut self) {
        self.seen.clear();
        self.existing = Some(std::mem::take(&mut self.found));
    }

    fn write(&mut self, conn: &mut DbConnection) -> AppResult<(i64, i64)> {
        write(conn, self.ctx, self.vis, std::mem::take(&mut self.pending))
    }

    fn check(
        &mut self,
        conn: &mut DbConnection,
        headers: &[String],
        records: Vec<(u64, csv::StringRecord)>,
    ) -> AppResult<Vec<Outcome>> {
        let rows: Vec<Row> =
            records.into_iter().map(|(line, record)| to_body(headers, &record, &self.defs, line)).collect();
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.body.as_ref().ok().and_then(|b| b.external_id.as_deref()).map(|e| e.trim().to_owned()))
            .filter(|e| !e.is_empty())
            .filter(|e| self.existing.as_ref().is_none_or(|known| known.contains(e)))
            .collect();
        let taken: HashSet<String> = customers::external_ids_taken(conn, &ids)?.into_iter().collect();
        if self.existing.is_none() {
            self.found.extend(taken.iter().cloned());
        }
        let ids: Vec<String> = ids.into_iter().filter(|e| taken.contains(e)).collect();
        let mine: HashMap<String, Customer> = customers::find_by_external_ids(conn, self.vis, &ids)?
            .into_iter()
            .filter_map(|c| c.external_id.clone().map(|e| (e, c)))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        self.pending.clear();
        for row in rows {
            let body = match row.body {
                Ok(b) => b,
                Err(errors) => {
                    out.push(Outcome::Bad(errors));
                    continue;
                }
            };
            let mut errors = body.check();
            check_custom_values(&mut errors, &self.defs, &body.custom_fields, true);
            let owner = match body.owner_id {
                None => Some(self.ctx.id()),
                Some(None) => None,
                Some(Some(o)) => {
                    if o != self.ctx.id() {
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
            if !errors.is_empty() {
                out.push(Outcome::Bad(row_errors(row.line, errors.0)));
            } else if let Some(c) = existing {
                out.push(Outcome::Update);
                self.pending.push(Checked::Update(Box::new(body), Box::new(c)));
            } else {
                out.push(Outcome::New);
                self.pending.push(Checked::New(Box::new(body), owner));
            }
        }
        Ok(out)
    }
}

/// Writes a checked batch: new customers in a few statements, updates one by one (they are
/// version-checked against what was read in this transaction).
fn write(conn: &mut DbConnection, ctx: &Context, vis: &Visibility, rows: Vec<Checked>) -> AppResult<(i64, i64)> {
    let now = ctx.now();
    let (mut new_rows, mut tags, mut keys, mut audits, mut events) = (vec![], vec![], vec![], vec![], vec![]);
    let mut updated = 0;
    for row in rows {
        match row {
            Checked::New(body, owner) => {
                let (row, row_tags) = new_row(ctx.id(), &body, owner, now)?;
                let wire = row.to_wire()?;
                audits.push(audit_row(
                    ctx,
                    ENTITY,
                    wire.id,
                    AuditAction::Create,
                    diff(&Value::Null, &snapshot(&wire)?),
                )?);
                events.push(event(ctx, EventType::CustomerCreated, wire.id, &wire)?);
                keys.push(match_keys(&row.name, row.phone.as_deref(), row.email.as_deref(), row.tax_id.as_deref()));
                tags.push(row_tags);
                new_rows.push(row);
            }
            Checked::Update(body, before) => {
                let mut changes = replacement_of(&before, &body)?;
                changes.updated_at = Some(now);
                changes.updated_by = Some(Some(Id(ctx.id())));
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
                    audits.push(audit_row(ctx, ENTITY, new.id, AuditAction::Update, changed)?);
                    events.push(event(ctx, EventType::CustomerUpdated, new.id, &new)?);
                }
                updated += 1;
            }
        }
    }
    customers::insert_batch(conn, &new_rows, &tags, &keys)?;
    store_audit::insert_many(conn, &audits)?;
    outbox::insert(conn, &events)?;
    Ok((i64::try_from(new_rows.len()).map_err(AppError::internal)?, updated))
}
