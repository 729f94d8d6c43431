//! Importing contacts. Columns: `customer_id` or `customer_external_id` (one of them), `name`,
//! `title`, `department`, `phone`, `mobile`, `email`, `birthday` (YYYY-MM-DD),
//! `preferred_channel`, `is_primary`, `notes`, `do_not_contact.email` (and `.phone`, `.sms`; yes
//! or no), `custom_fields.<name>`. Every row creates a contact of a customer the importer may
//! change.

use std::collections::HashMap;

use kehu_core::audit::AuditAction;
use kehu_core::contact::{CreateContact, DoNotContact};
use kehu_core::import::RowError;
use kehu_core::settings::{CustomFieldDef, check_custom_values};
use kehu_store::contacts;
use kehu_store::{DbConnection, Visibility, audit as store_audit, customers};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Columns, Importer, Outcome, boolean, custom_value, enum_cell, row_errors, unguard};
use crate::audit::{audit_row, diff, snapshot};
use crate::contacts::new_row;
use crate::context::Context;
use crate::decode::decode_error;
use crate::error::{AppError, AppResult};

const KNOWN: [&str; 18] = [
    "customer_id",
    "customer_external_id",
    "name",
    "title",
    "department",
    "phone",
    "mobile",
    "email",
    "birthday",
    "preferred_channel",
    "is_primary",
    "notes",
    "do_not_contact.email",
    "do_not_contact.phone",
    "do_not_contact.sms",
    // Written by an export, read past by an import.
    "id",
    "created_at",
    "updated_at",
];

pub(super) struct ContactImporter<'a> {
    ctx: &'a Context,
    vis: &'a Visibility,
    defs: Vec<CustomFieldDef>,
    pending: Vec<CreateContact>,
}

impl<'a> ContactImporter<'a> {
    pub(super) fn new(ctx: &'a Context, vis: &'a Visibility, defs: Vec<CustomFieldDef>) -> Self {
        ContactImporter { ctx, vis, defs, pending: Vec::new() }
    }
}

/// A parsed row: the customer's external id if it named one, and the body or what is wrong.
type Parsed = (Option<String>, Result<Map<String, Value>, Vec<RowError>>);

/// A row as the API's create body, with the customer still named either way.
fn to_body(headers: &[String], record: &csv::StringRecord, defs: &[CustomFieldDef], line: u64) -> Parsed {
    let mut obj = Map::new();
    let mut dnc = DoNotContact::default();
    let mut custom = Map::new();
    let mut external = None;
    let mut errors = Vec::new();
    for (header, cell) in headers.iter().zip(record.iter()) {
        let cell = unguard(cell.trim());
        if cell.is_empty() {
            continue;
        }
        let flag = |errors: &mut Vec<RowError>| {
            boolean(cell).unwrap_or_else(|| {
                errors.push(RowError {
                    row: line,
                    column: Some(header.clone()),
                    code: "invalid_value".to_owned(),
                    detail: "must be yes or no".to_owned(),
                });
                false
            })
        };
        match header.as_str() {
            "customer_external_id" => external = Some(cell.to_owned()),
            "id" | "created_at" | "updated_at" => {}
            "is_primary" => {
                obj.insert("is_primary".to_owned(), Value::Bool(flag(&mut errors)));
            }
            "do_not_contact.email" => dnc.email = flag(&mut errors),
            "do_not_contact.phone" => dnc.phone = flag(&mut errors),
            "do_not_contact.sms" => dnc.sms = flag(&mut errors),
            "preferred_channel" => {
                obj.insert("preferred_channel".to_owned(), Value::String(enum_cell(cell)));
            }
            h => match h.strip_prefix("custom_fields.") {
                Some(name) => {
                    custom.insert(name.to_owned(), custom_value(defs.iter().find(|d| d.name == name), cell));
                }
                None => {
                    obj.insert(h.to_owned(), Value::String(cell.to_owned()));
                }
            },
        }
    }
    if dnc != DoNotContact::default() {
        obj.insert("do_not_contact".to_owned(), serde_json::to_value(dnc).unwrap_or(Value::Null));
    }
    if !custom.is_empty() {
        obj.insert("custom_fields".to_owned(), Value::Object(custom));
    }
    if errors.is_empty() { (external, Ok(obj)) } else { (external, Err(errors)) }
}

impl Importer for ContactImporter<'_> {
    fn columns(&self) -> Columns {
        Columns { known: &KNOWN, prefixes: &["custom_fields."], required: &["name"] }
    }

    fn start_writing(&mut self) {}

    fn check(
        &mut self,
        conn: &mut DbConnection,
        headers: &[String],
        records: Vec<(u64, csv::StringRecord)>,
    ) -> AppResult<Vec<Outcome>> {
        self.pending.clear();
        let parsed: Vec<_> =
            records.iter().map(|(line, record)| (*line, to_body(headers, record, &self.defs, *line))).collect();
        // Customers named by external id, looked up once per batch among those the caller sees.
        let externals: Vec<String> = parsed.iter().filter_map(|(_, (e, _))| e.clone()).collect();
        let by_external: HashMap<String, Uuid> = customers::find_by_external_ids(conn, self.vis, &externals)?
            .into_iter()
            .filter_map(|c| c.external_id.clone().map(|e| (e, c.id.0)))
            .collect();
        let mut editable: HashMap<Uuid, bool> = HashMap::new();
        let today = self.ctx.today();
        let mut out = Vec::with_capacity(parsed.len());
        for (line, (external, body)) in parsed {
            let mut obj = match body {
                Ok(obj) => obj,
                Err(errors) => {
                    out.push(Outcome::Bad(errors));
                    continue;
                }
            };
            if let Some(e) = &external {
                match by_external.get(e) {
                    Some(id) => {
                        obj.insert("customer_id".to_owned(), Value::String(id.to_string()));
                    }
                    None => {
                        out.push(Outcome::Bad(vec![RowError {
                            row: line,
                            column: Some("customer_external_id".to_owned()),
                            code: "not_found".to_owned(),
                            detail: "no customer of yours has this external id".to_owned(),
                        }]));
                        continue;
                    }
                }
            }
            let body = match serde_path_to_error::deserialize::<_, CreateContact>(Value::Object(obj)) {
                Ok(b) => b,
                Err(e) => {
                    out.push(Outcome::Bad(row_errors(line, decode_error(&e).errors)));
                    continue;
                }
            };
            let mut errors = body.check(today);
            check_custom_values(&mut errors, &self.defs, &body.custom_fields, true);
            let may = match editable.get(&body.customer_id) {
                Some(may) => *may,
                None => {
                    let may = customers::find(conn, self.vis, body.customer_id)?
                        .is_some_and(|c| self.vis.may_edit(c.owner_id.map(Uuid::from)));
                    editable.insert(body.customer_id, may);
                    may
                }
            };
            if !may {
                errors.add("/customer_id", "not_found", "no customer of yours has this id");
            }
            if errors.is_empty() {
                out.push(Outcome::New);
                self.pending.push(body);
            } else {
                out.push(Outcome::Bad(row_errors(line, errors.0)));
            }
        }
        Ok(out)
    }

    fn write(&mut self, conn: &mut DbConnection) -> AppResult<(i64, i64)> {
        let now = self.ctx.now();
        let mut rows = Vec::with_capacity(self.pending.len());
        let mut audits = Vec::with_capacity(self.pending.len());
        for body in std::mem::take(&mut self.pending) {
            let row = new_row(self.ctx.id(), &body, now)?;
            let wire = row.to_wire()?;
            audits.push(audit_row(
                self.ctx,
                crate::contacts::ENTITY,
                wire.id,
                AuditAction::Create,
                diff(&Value::Null, &snapshot(&wire)?),
            )?);
            rows.push(row);
        }
        contacts::insert_batch(conn, &rows)?;
        // The last primary contact of a customer in the file wins, as if they were made one by one.
        for row in rows.iter().filter(|r| r.is_primary) {
            contacts::clear_primary(conn, row.customer_id.0, row.id.0, now)?;
        }
        store_audit::insert_many(conn, &audits)?;
        Ok((i64::try_from(rows.len()).map_err(AppError::internal)?, 0))
    }
}
