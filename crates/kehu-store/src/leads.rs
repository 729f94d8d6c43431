//! Leads: rows and queries. A lead with a customer is visible exactly when its customer is; a
//! prospect (no customer yet) when its owner's records are, so every query here takes the
//! caller's [`Visibility`].

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use kehu_core::customer::CustomerSource;
use kehu_core::lead::{Lead as WireLead, LeadStage, Prospect, StageEntry};
use kehu_core::money::{Currency, from_fixed4_at};
use uuid::Uuid;

use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::keyset;
use crate::page::{After, Dir, Page, Paged, contains_pattern, parse_time_key, time_key};
use crate::schema::{lead_stages, leads, users};
use crate::types::Id;
use crate::visibility::Visibility;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = leads)]
pub struct Lead {
    pub id: Id,
    pub title: String,
    pub customer_id: Option<Id>,
    pub prospect_company: Option<String>,
    pub prospect_contact: Option<String>,
    pub prospect_phone: Option<String>,
    pub prospect_email: Option<String>,
    pub source: Option<String>,
    pub stage: String,
    pub probability: i32,
    /// The amount × 10 000.
    pub amount_e4: Option<i64>,
    pub currency: Option<String>,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Id,
    pub competitor: Option<String>,
    pub next_step: Option<String>,
    pub lost_reason: Option<String>,
    pub stage_entered_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub created_by: Option<Id>,
    pub updated_by: Option<Id>,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = leads)]
pub struct LeadChanges {
    pub title: Option<String>,
    pub customer_id: Option<Option<Id>>,
    pub prospect_company: Option<Option<String>>,
    pub prospect_contact: Option<Option<String>>,
    pub prospect_phone: Option<Option<String>>,
    pub prospect_email: Option<Option<String>>,
    pub source: Option<Option<String>>,
    pub stage: Option<String>,
    pub probability: Option<i32>,
    pub amount_e4: Option<Option<i64>>,
    pub currency: Option<Option<String>>,
    pub expected_close_date: Option<Option<NaiveDate>>,
    pub owner_id: Option<Id>,
    pub competitor: Option<Option<String>>,
    pub next_step: Option<Option<String>>,
    pub lost_reason: Option<Option<String>>,
    pub stage_entered_at: Option<NaiveDateTime>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub updated_by: Option<Option<Id>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// One entry of a lead's stage history.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lead_stages)]
pub struct LeadStageRow {
    pub id: Id,
    pub lead_id: Id,
    pub stage: String,
    pub entered_at: NaiveDateTime,
    pub entered_by: Option<Id>,
}

/// What `q` searches: the lowercased title and the prospect's company, contact and email.
pub fn search_text(title: &str, prospect: Option<&Prospect>) -> String {
    let p = prospect.cloned().unwrap_or_default();
    [Some(title.to_owned()), p.company_name, p.contact_name, p.email]
        .into_iter()
        .flatten()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Lead {
    pub fn stage(&self) -> StoreResult<LeadStage> {
        LeadStage::parse(&self.stage).ok_or_else(|| StoreError::Corrupt(format!("lead stage: {}", self.stage)))
    }

    pub fn prospect(&self) -> Option<Prospect> {
        let p = Prospect {
            company_name: self.prospect_company.clone(),
            contact_name: self.prospect_contact.clone(),
            phone: self.prospect_phone.clone(),
            email: self.prospect_email.clone(),
        };
        (!p.is_empty()).then_some(p)
    }

    /// The wire lead, with its stage history (oldest first).
    pub fn to_wire(&self, history: &[LeadStageRow]) -> StoreResult<WireLead> {
        let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("lead {what}: {e}"));
        let amount = match (self.amount_e4, self.currency.as_deref()) {
            (Some(e4), Some(code)) => {
                let currency = Currency::parse(code).map_err(|e| corrupt("currency", e.to_string()))?;
                Some(from_fixed4_at(e4, currency.exponent()))
            }
            (Some(_), None) => return Err(corrupt("amount", "no currency".to_owned())),
            (None, _) => None,
        };
        let stage_history = history
            .iter()
            .map(|h| {
                Ok(StageEntry {
                    stage: LeadStage::parse(&h.stage).ok_or_else(|| corrupt("history stage", h.stage.clone()))?,
                    entered_at: Utc.from_utc_datetime(&h.entered_at),
                    entered_by: h.entered_by.map(Uuid::from),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(WireLead {
            object: "lead".to_owned(),
            id: self.id.0,
            title: self.title.clone(),
            customer_id: self.customer_id.map(Uuid::from),
            prospect: self.prospect(),
            source: self
                .source
                .as_deref()
                .map(|s| CustomerSource::parse(s).ok_or_else(|| corrupt("source", s.to_owned())))
                .transpose()?,
            stage: self.stage()?,
            probability: self.probability,
            amount,
            currency: self.currency.clone(),
            expected_close_date: self.expected_close_date,
            owner_id: self.owner_id.0,
            competitor: self.competitor.clone(),
            next_step: self.next_step.clone(),
            lost_reason: self.lost_reason.clone(),
            stage_history,
            closed_at: self.closed_at.map(|t| Utc.from_utc_datetime(&t)),
            version: self.version,
            created_at: Utc.from_utc_datetime(&self.created_at),
            updated_at: Utc.from_utc_datetime(&self.updated_at),
            created_by: self.created_by.map(Uuid::from),
            updated_by: self.updated_by.map(Uuid::from),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub stages: Vec<LeadStage>,
    pub owners: Vec<Uuid>,
    /// Leads owned by members of these teams.
    pub teams: Vec<Uuid>,
    pub customer_id: Option<Uuid>,
    pub sources: Vec<CustomerSource>,
    pub close_gte: Option<NaiveDate>,
    pub close_lte: Option<NaiveDate>,
    pub q: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadSort {
    UpdatedAt,
    CreatedAt,
    Title,
}

type Boxed = leads::BoxedQuery<'static, MultiBackend>;
/// A condition on leads, boxed so that filters can be added one by one.
type Cond = Box<dyn BoxableExpression<leads::table, MultiBackend, SqlType = Bool>>;

/// The live leads `vis` sees: those of customers it sees, and prospects owned by users whose
/// records it sees. Service agents see no leads.
fn visible_condition(vis: &Visibility) -> Cond {
    use diesel::IntoSql as _;
    let Some((all, me, teams)) = vis.owner_parts() else {
        return Box::new(sql::<Bool>("1 = 0"));
    };
    let members = users::table.filter(users::team_id.eq_any(teams)).select(users::id);
    let prospect_visible = leads::customer_id
        .is_null()
        .and(all.into_sql::<Bool>().or(leads::owner_id.eq(me)).or(leads::owner_id.eq_any(members)));
    Box::new(
        leads::deleted_at
            .is_null()
            .and(leads::customer_id.assume_not_null().eq_any(crate::visible_customer_ids!(vis)).or(prospect_visible)),
    )
}

fn condition(vis: &Visibility, filter: &LeadFilter) -> Cond {
    let mut cond = visible_condition(vis);
    if !filter.stages.is_empty() {
        let stages: Vec<&str> = filter.stages.iter().map(|s| s.as_str()).collect();
        cond = Box::new(cond.and(leads::stage.eq_any(stages)));
    }
    if !filter.owners.is_empty() {
        cond = Box::new(cond.and(leads::owner_id.eq_any(filter.owners.iter().copied().map(Id).collect::<Vec<_>>())));
    }
    if !filter.teams.is_empty() {
        let teams: Vec<Id> = filter.teams.iter().copied().map(Id).collect();
        let members = users::table.filter(users::team_id.eq_any(teams)).select(users::id);
        cond = Box::new(cond.and(leads::owner_id.eq_any(members)));
    }
    if let Some(c) = filter.customer_id {
        cond = Box::new(cond.and(leads::customer_id.assume_not_null().eq(Id(c))));
    }
    if !filter.sources.is_empty() {
        let sources: Vec<&str> = filter.sources.iter().map(|s| s.as_str()).collect();
        cond = Box::new(cond.and(leads::source.assume_not_null().eq_any(sources)));
    }
    if let Some(d) = filter.close_gte {
        cond = Box::new(cond.and(leads::expected_close_date.assume_not_null().ge(d)));
    }
    if let Some(d) = filter.close_lte {
        cond = Box::new(cond.and(leads::expected_close_date.assume_not_null().le(d)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        cond = Box::new(cond.and(leads::search_text.like(contains_pattern(q)).escape('\\')));
    }
    cond
}

fn visible(vis: &Visibility) -> Boxed {
    leads::table.filter(visible_condition(vis)).into_boxed()
}

fn filtered(vis: &Visibility, filter: &LeadFilter) -> Boxed {
    leads::table.filter(condition(vis, filter)).into_boxed()
}

pub fn list(
    conn: &mut DbConnection,
    vis: &Visibility,
    filter: &LeadFilter,
    sort: LeadSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> StoreResult<Paged<Lead>> {
    let query = filtered(vis, filter).select(Lead::as_select()).limit(page.limit + 1);
    let after = page.after.as_ref();
    let time_after = || after.map(|a| parse_time_key(&a.key).map(|t| (t, Id(a.id)))).transpose();
    let rows = match sort {
        LeadSort::Title => {
            keyset!(query, leads::title, leads::id, dir, after.map(|a| (a.key.clone(), Id(a.id)))).load(conn)?
        }
        LeadSort::CreatedAt => keyset!(query, leads::created_at, leads::id, dir, time_after()?).load(conn)?,
        LeadSort::UpdatedAt => keyset!(query, leads::updated_at, leads::id, dir, time_after()?).load(conn)?,
    };
    let mut paged = Paged::from_rows(rows, page.limit, |l: &Lead| After {
        key: match sort {
            LeadSort::Title => l.title.clone(),
            LeadSort::CreatedAt => time_key(&l.created_at),
            LeadSort::UpdatedAt => time_key(&l.updated_at),
        },
        id: l.id.0,
    });
    if with_total {
        paged.total = Some(filtered(vis, filter).count().get_result(conn)?);
    }
    Ok(paged)
}

/// Count and sums of one stage in one currency (`None`: leads without an amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSum {
    pub stage: String,
    pub currency: Option<String>,
    pub count: i64,
    /// Σ amount × 10 000.
    pub amount_e4: i64,
    /// Σ amount × probability × 10 000 (divide by 100 for the weighted amount).
    pub weighted_e6: i64,
}

/// A row of [`stage_sums`]' query: stage, currency, count, Σ amount_e4, Σ amount_e4 × probability.
type SumRow = (String, Option<String>, i64, Option<i64>, Option<i64>);

/// The count and sums per stage and currency of the leads `filter` selects, in one query.
pub fn stage_sums(conn: &mut DbConnection, vis: &Visibility, filter: &LeadFilter) -> StoreResult<Vec<StageSum>> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; cast back so both backends return an exact integer.
    let rows: Vec<SumRow> = leads::table
        .filter(condition(vis, filter))
        .group_by((leads::stage, leads::currency))
        .select((
            leads::stage,
            leads::currency,
            diesel::dsl::count_star(),
            sql::<Nullable<BigInt>>("CAST(SUM(amount_e4) AS BIGINT)"),
            sql::<Nullable<BigInt>>("CAST(SUM(amount_e4 * probability) AS BIGINT)"),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(stage, currency, count, amount, weighted)| StageSum {
            stage,
            currency,
            count,
            amount_e4: amount.unwrap_or(0),
            weighted_e6: weighted.unwrap_or(0),
        })
        .collect())
}

pub fn find(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Lead>> {
    Ok(visible(vis).filter(leads::id.eq(Id(id))).select(Lead::as_select()).first(conn).optional()?)
}

/// A deleted lead, for restoring; only a caller who sees everything finds one.
pub fn find_deleted(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> StoreResult<Option<Lead>> {
    if !vis.sees_all() {
        return Ok(None);
    }
    Ok(leads::table
        .filter(leads::id.eq(Id(id)))
        .filter(leads::deleted_at.is_not_null())
        .select(Lead::as_select())
        .first(conn)
        .optional()?)
}

/// The stage histories of these leads, each oldest first, in one query.
pub fn histories(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Vec<LeadStageRow>>> {
    let mut out: HashMap<Uuid, Vec<LeadStageRow>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<LeadStageRow> = lead_stages::table
            .filter(lead_stages::lead_id.eq_any(chunk.iter().copied().map(Id).collect::<Vec<_>>()))
            .order((lead_stages::lead_id.asc(), lead_stages::entered_at.asc(), lead_stages::id.asc()))
            .select(LeadStageRow::as_select())
            .load(conn)?;
        for row in rows {
            out.entry(row.lead_id.0).or_default().push(row);
        }
    }
    Ok(out)
}

/// Leads with their histories, as the wire has them, in the order given.
pub fn to_wire_all(conn: &mut DbConnection, rows: &[Lead]) -> StoreResult<Vec<WireLead>> {
    let ids: Vec<Uuid> = rows.iter().map(|l| l.id.0).collect();
    let histories = histories(conn, &ids)?;
    rows.iter().map(|l| l.to_wire(histories.get(&l.id.0).map_or(&[], Vec::as_slice))).collect()
}

pub fn insert(conn: &mut DbConnection, row: &Lead) -> StoreResult<Lead> {
    diesel::insert_into(leads::table).values(row).execute(conn)?;
    Ok(leads::table.filter(leads::id.eq(row.id)).select(Lead::as_select()).first(conn)?)
}

/// Notes that `lead` entered `stage` at `at`.
pub fn enter_stage(
    conn: &mut DbConnection,
    lead: Uuid,
    stage: LeadStage,
    at: NaiveDateTime,
    by: Option<Uuid>,
) -> StoreResult<()> {
    let row = LeadStageRow {
        id: Id(crate::new_id()),
        lead_id: Id(lead),
        stage: stage.as_str().to_owned(),
        entered_at: at,
        entered_by: by.map(Id),
    };
    diesel::insert_into(lead_stages::table).values(&row).execute(conn)?;
    Ok(())
}

/// Applies `changes` to a lead if it still has `version`; bumps the version. The caller has
/// found the lead through its [`Visibility`] in the same transaction.
pub fn update(conn: &mut DbConnection, id: Uuid, version: i64, changes: &LeadChanges) -> StoreResult<Lead> {
    let n = diesel::update(leads::table.filter(leads::id.eq(Id(id))).filter(leads::version.eq(version)))
        .set((changes, leads::version.eq(leads::version + 1)))
        .execute(conn)?;
    let row = leads::table
        .filter(leads::id.eq(Id(id)))
        .select(Lead::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if n != 1 {
        return Err(StoreError::Stale { current: row.version });
    }
    Ok(row)
}

/// How many live leads a customer has, and how many of them are open.
pub fn counts_for_customer(conn: &mut DbConnection, vis: &Visibility, customer: Uuid) -> StoreResult<(i64, i64)> {
    let all: i64 = visible(vis).filter(leads::customer_id.eq(Id(customer))).count().get_result(conn)?;
    let open: i64 = visible(vis)
        .filter(leads::customer_id.eq(Id(customer)))
        .filter(leads::stage.eq_any(LeadStage::OPEN.iter().map(|s| s.as_str()).collect::<Vec<_>>()))
        .count()
        .get_result(conn)?;
    Ok((all, open))
}

/// Moves every live lead of customer `from` to customer `to` (a merge). Returns how many moved.
pub fn move_all(conn: &mut DbConnection, from: Uuid, to: Uuid, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(leads::table.filter(leads::customer_id.eq(Id(from))).filter(leads::deleted_at.is_null()))
        .set((leads::customer_id.eq(Id(to)), leads::updated_at.eq(now), leads::version.eq(leads::version + 1)))
        .execute(conn)?)
}
