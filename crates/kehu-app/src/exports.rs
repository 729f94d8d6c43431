//! CSV exports: any customer list, as the caller sees it, page by page, so that memory stays flat
//! however long the list. Cells that a spreadsheet would take for a formula (`= + - @`, tab, CR
//! first) get a leading `'`; imports take it off again.

use kehu_core::contact::Contact;
use kehu_core::customer::Customer;
use kehu_core::settings::CustomFieldDef;
use serde_json::Value;

use crate::error::{AppError, AppResult};

/// The export's columns: those an import reads, then the computed ones.
pub fn customer_header(defs: &[CustomFieldDef]) -> Vec<String> {
    let mut h: Vec<String> = ["id"].iter().map(|s| (*s).to_owned()).collect();
    h.extend(
        [
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
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    h.extend(defs.iter().map(|d| format!("custom_fields.{}", d.name)));
    h.extend(["value_tier", "last_activity_at", "created_at", "updated_at"].iter().map(|s| (*s).to_owned()));
    h
}

/// A cell as written: guarded when a spreadsheet would evaluate it.
pub fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// One customer's cells, in the order of [`customer_header`].
pub fn customer_record(c: &Customer, defs: &[CustomFieldDef]) -> Vec<String> {
    let time = |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut r = vec![
        c.id.to_string(),
        c.name.clone(),
        enum_text(&c.kind),
        opt(&c.industry),
        c.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        opt(&c.category),
        c.lifecycle_stage.as_str().to_owned(),
        c.source.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        c.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        opt(&c.phone),
        opt(&c.email),
        opt(&c.website),
        opt(&c.address.country),
        opt(&c.address.province),
        opt(&c.address.city),
        opt(&c.address.street),
        opt(&c.address.postcode),
        opt(&c.tax_id),
        opt(&c.credit_rating),
        c.tags.join(";"),
        opt(&c.external_id),
    ];
    r.extend(custom_cells(&c.custom_fields, defs));
    r.push(opt(&c.value_tier));
    r.push(c.last_activity_at.as_ref().map(time).unwrap_or_default());
    r.push(time(&c.created_at));
    r.push(time(&c.updated_at));
    r.into_iter().map(|cell| guard(&cell)).collect()
}

/// The export's columns for contacts.
pub fn contact_header(defs: &[CustomFieldDef]) -> Vec<String> {
    let mut h: Vec<String> = CONTACT_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
    h.extend(defs.iter().map(|d| format!("custom_fields.{}", d.name)));
    h.extend(["created_at", "updated_at"].iter().map(|s| (*s).to_owned()));
    h
}

const CONTACT_COLUMNS: [&str; 15] = [
    "id",
    "customer_id",
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
];

/// One contact's cells, in the order of [`contact_header`].
pub fn contact_record(c: &Contact, defs: &[CustomFieldDef]) -> Vec<String> {
    let time = |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let yes = |b: bool| if b { "yes".to_owned() } else { "no".to_owned() };
    let mut r = vec![
        c.id.to_string(),
        c.customer_id.to_string(),
        c.name.clone(),
        opt(&c.title),
        opt(&c.department),
        opt(&c.phone),
        opt(&c.mobile),
        opt(&c.email),
        c.birthday.map(|b| b.to_string()).unwrap_or_default(),
        c.preferred_channel.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        yes(c.is_primary),
        opt(&c.notes),
        yes(c.do_not_contact.email),
        yes(c.do_not_contact.phone),
        yes(c.do_not_contact.sms),
    ];
    r.extend(custom_cells(&c.custom_fields, defs));
    r.push(time(&c.created_at));
    r.push(time(&c.updated_at));
    r.into_iter().map(|cell| guard(&cell)).collect()
}

fn custom_cells<'a>(
    values: &'a serde_json::Map<String, Value>,
    defs: &'a [CustomFieldDef],
) -> impl Iterator<Item = String> + 'a {
    defs.iter().map(move |d| match values.get(&d.name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    })
}

/// CSV text of some records (RFC 4180 quoting, CRLF line ends).
pub fn csv_lines(records: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for r in records {
        w.write_record(r).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quoting_is_rfc_4180() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+86 138"), "'+86 138");
        assert_eq!(guard("@cmd"), "'@cmd");
        assert_eq!(guard("华为"), "华为");
        let text = csv_lines(&[vec!["a,b".into(), "say \"hi\"".into(), "two\nlines".into()]]).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
