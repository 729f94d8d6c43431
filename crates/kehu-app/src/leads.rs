//! Leads: creating and changing them, moving them through the pipeline, converting a prospect
//! into a customer, and the board. Every read goes through the caller's [`Visibility`].

use kehu_core::EntityKind;
use kehu_core::ErrorCode;
use kehu_core::EventType;
use kehu_core::audit::AuditAction;
use kehu_core::contact::CreateContact;
use kehu_core::customer::CreateCustomer;
use kehu_core::lead::{
    BoardColumn, ChangeStage, ConvertLead, CreateLead, Lead as WireLead, LeadBoard, LeadConversion, LeadStage,
    Prospect, StageProbabilities, StageTotal, UpdateLead,
};
use kehu_core::money::{self, Currency};
use kehu_core::validate::Errors;
use kehu_store::db::write_transaction;
use kehu_store::leads::{self, Lead, LeadChanges, LeadFilter, LeadSort, search_text};
use kehu_store::page::{Dir, Page, Paged};
use kehu_store::types::Id;
use kehu_store::{DbConnection, Visibility, customers as store_customers, outbox, settings};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::audit::{diff, record, snapshot};
use crate::context::Context;
use crate::customers::check_assignee;
use crate::error::{AppError, AppResult};
use crate::fields::trimmed;
use crate::write::{self, Move, Record};

pub const ENTITY: EntityKind = EntityKind::Lead;

/// Cards per column on the board; the rest are a list away.
pub const BOARD_CARDS: i64 = 20;

fn load(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Lead> {
    leads::find(conn, vis, id)?.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// A lead the caller sees and may change: its owner, or a manager or administrator who sees it.
fn load_editable(conn: &mut DbConnection, vis: &Visibility, id: Uuid) -> AppResult<Lead> {
    let row = load(conn, vis, id)?;
    if !vis.may_edit(Some(row.owner_id.0)) {
        return Err(AppError::forbidden("you may only read this lead"));
    }
    Ok(row)
}

fn wire(conn: &mut DbConnection, row: &Lead) -> AppResult<WireLead> {
    Ok(leads::to_wire_all(conn, std::slice::from_ref(row))?.remove(0))
}

fn probabilities(conn: &mut DbConnection) -> AppResult<StageProbabilities> {
    Ok(settings::get(conn)?.0.stage_probabilities)
}

fn event(ctx: &Context, event_type: EventType, lead: &WireLead) -> AppResult<kehu_store::outbox::OutboxEvent> {
    crate::outbox::event(ctx, event_type, lead.id, lead)
}

/// The customer a body names: one the caller sees (else the field is unknown) and may change
/// (else 403). Returns its owner.
fn writable_customer(
    conn: &mut DbConnection,
    vis: &Visibility,
    errors: &mut Errors,
    id: Uuid,
) -> AppResult<Option<Option<Uuid>>> {
    match store_customers::find(conn, vis, id)? {
        None => {
            errors.add("/customer_id", "not_found", "no such customer");
            Ok(None)
        }
        Some(c) if !vis.may_edit(c.owner_id.map(Uuid::from)) => {
            Err(AppError::forbidden("you may not change this customer's leads"))
        }
        Some(c) => Ok(Some(c.owner_id.map(Uuid::from))),
    }
}

/// The amount as stored, once its checks passed.
fn amount_e4(amount: Option<Decimal>) -> AppResult<Option<i64>> {
    amount.map(|a| money::to_fixed4(a).map_err(AppError::internal)).transpose()
}

pub fn get(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireLead> {
    let vis = ctx.visibility(conn)?;
    let row = load(conn, &vis, id)?;
    wire(conn, &row)
}

pub fn list(
    conn: &mut DbConnection,
    ctx: &Context,
    filter: &LeadFilter,
    sort: LeadSort,
    dir: Dir,
    page: &Page,
    with_total: bool,
) -> AppResult<Paged<WireLead>> {
    let vis = ctx.visibility(conn)?;
    let paged = leads::list(conn, &vis, filter, sort, dir, page, with_total)?;
    let wires = leads::to_wire_all(conn, &paged.rows)?;
    Ok(Paged { rows: wires, next: paged.next, total: paged.total })
}

pub fn create(conn: &mut DbConnection, ctx: &Context, body: &CreateLead) -> AppResult<WireLead> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check();
        let customer_owner = match body.customer_id {
            Some(c) => writable_customer(conn, &vis, &mut errors, c)?.flatten(),
            None => None,
        };
        // The customer's owner works its deals, unless the body names someone.
        let owner = match body.owner_id {
            Some(o) if o != ctx.id() => {
                check_assignee(conn, &vis, &mut errors, "/owner_id", o)?;
                o
            }
            Some(o) => o,
            None => customer_owner.unwrap_or(ctx.id()),
        };
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let stage = body.stage.unwrap_or(LeadStage::New);
        let probability = body.probability.unwrap_or(probabilities(conn)?.of(stage));
        let now = ctx.now();
        let prospect = body.prospect.as_ref().map(clean_prospect).filter(|p| !p.is_empty());
        let title = body.title.trim().to_owned();
        let row = Lead {
            id: Id(kehu_store::new_id()),
            search_text: search_text(&title, prospect.as_ref()),
            title,
            customer_id: body.customer_id.map(Id),
            prospect_company: prospect.as_ref().and_then(|p| p.company_name.clone()),
            prospect_contact: prospect.as_ref().and_then(|p| p.contact_name.clone()),
            prospect_phone: prospect.as_ref().and_then(|p| p.phone.clone()),
            prospect_email: prospect.as_ref().and_then(|p| p.email.clone()),
            source: body.source.map(|s| s.as_str().to_owned()),
            stage: stage.as_str().to_owned(),
            probability,
            amount_e4: amount_e4(body.amount)?,
            currency: body.currency.clone(),
            expected_close_date: body.expected_close_date,
            owner_id: Id(owner),
            competitor: trimmed(body.competitor.as_deref()),
            next_step: trimmed(body.next_step.as_deref()),
            lost_reason: None,
            stage_entered_at: now,
            closed_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: Some(Id(ctx.id())),
            updated_by: Some(Id(ctx.id())),
            deleted_at: None,
        };
        let row = leads::insert(conn, &row)?;
        leads::enter_stage(conn, row.id.0, stage, now, Some(ctx.id()))?;
        let wire = wire(conn, &row)?;
        record(conn, ctx, ENTITY, wire.id, AuditAction::Create, diff(&Value::Null, &snapshot(&wire)?))?;
        outbox::insert(conn, &[event(ctx, EventType::LeadCreated, &wire)?])?;
        Ok(wire)
    })
}

fn clean_prospect(p: &Prospect) -> Prospect {
    Prospect {
        company_name: trimmed(p.company_name.as_deref()),
        contact_name: trimmed(p.contact_name.as_deref()),
        phone: trimmed(p.phone.as_deref()),
        email: trimmed(p.email.as_deref()),
    }
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &UpdateLead,
) -> AppResult<WireLead> {
    write::update::<Lead>(conn, ctx, id, if_match, |conn, before, before_wire| {
        let vis = ctx.visibility(conn)?;
        let mut errors = body.check(before_wire.amount, before.currency.as_deref());
        if let Some(c) = body.customer_id.filter(|c| Some(*c) != before.customer_id.map(Uuid::from)) {
            writable_customer(conn, &vis, &mut errors, c)?;
        }
        if let Some(o) = body.owner_id.filter(|o| *o != before.owner_id.0) {
            check_assignee(conn, &vis, &mut errors, "/owner_id", o)?;
        }
        let prospect = match &body.prospect {
            Some(p) => p.as_ref().map(clean_prospect).filter(|p| !p.is_empty()),
            None => before.prospect(),
        };
        if before.customer_id.is_none() && body.customer_id.is_none() && prospect.is_none() {
            errors.add("/prospect", "required", "a lead needs a customer or a prospect");
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let stage = before.stage()?;
        let title = body.title.as_ref().map(|t| t.trim().to_owned()).unwrap_or_else(|| before.title.clone());
        let mut changes = LeadChanges {
            title: Some(title.clone()),
            customer_id: body.customer_id.map(|c| Some(Id(c))),
            source: body.source.map(|s| s.map(|s| s.as_str().to_owned())),
            expected_close_date: body.expected_close_date,
            owner_id: body.owner_id.map(Id),
            competitor: body.competitor.as_ref().map(|c| trimmed(c.as_deref())),
            next_step: body.next_step.as_ref().map(|n| trimmed(n.as_deref())),
            search_text: Some(search_text(&title, prospect.as_ref())),
            ..LeadChanges::default()
        };
        if body.prospect.is_some() {
            let p = prospect.clone().unwrap_or_default();
            changes.prospect_company = Some(p.company_name);
            changes.prospect_contact = Some(p.contact_name);
            changes.prospect_phone = Some(p.phone);
            changes.prospect_email = Some(p.email);
        }
        match body.probability {
            // A closed lead's probability is fixed by its stage.
            Some(_) if stage.is_closed() => {
                let mut errors = Errors::default();
                errors.add("/probability", "not_allowed", "a won lead is 100 % and a lost one 0 %");
                return Err(AppError::invalid(errors.0));
            }
            Some(Some(p)) => changes.probability = Some(p),
            Some(None) => changes.probability = Some(probabilities(conn)?.of(stage)),
            None => {}
        }
        if body.amount.is_some() || body.currency.is_some() {
            changes.amount_e4 = Some(amount_e4(body.amount.unwrap_or(before_wire.amount))?);
            changes.currency = Some(body.currency.clone().unwrap_or(before.currency.clone()));
        }
        Ok(changes)
    })
}

/// The actions a lead in `stage` allows, as the problem lists them.
fn allowed(stage: LeadStage) -> Vec<String> {
    stage.next_stages().iter().map(|s| format!("stage:{}", s.as_str())).collect()
}

/// `POST /leads/{id}/stage`: moves a lead through the pipeline. Won needs a customer; lost a
/// reason. Each move is kept in the stage history, audited, and announced.
pub fn change_stage(
    conn: &mut DbConnection,
    ctx: &Context,
    id: Uuid,
    if_match: Option<i64>,
    body: &ChangeStage,
) -> AppResult<WireLead> {
    write::act::<Lead>(conn, ctx, id, if_match, |conn, before, _| {
        let from = before.stage()?;
        if !from.next_stages().contains(&body.stage) {
            let detail = format!("a {} lead cannot move to {}", from.as_str(), body.stage.as_str());
            return Err(AppError::transition(from.as_str(), allowed(from), detail));
        }
        let mut errors = body.check();
        if body.stage == LeadStage::Won && before.customer_id.is_none() {
            errors.add("/stage", "customer_required", "convert the prospect (or link a customer) before winning");
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors.0));
        }
        let now = ctx.now();
        let probability = body.probability.unwrap_or(probabilities(conn)?.of(body.stage));
        let changes = LeadChanges {
            stage: Some(body.stage.as_str().to_owned()),
            probability: Some(probability),
            lost_reason: Some(body.lost_reason.as_deref().map(|r| r.trim().to_owned())),
            stage_entered_at: Some(now),
            closed_at: Some(body.stage.is_closed().then_some(now)),
            ..LeadChanges::default()
        };
        // The move is kept in the stage history (which the audit leaves out, having it there).
        leads::enter_stage(conn, id, body.stage, now, Some(ctx.id()))?;
        let mut events = vec![EventType::LeadStageChanged];
        match body.stage {
            LeadStage::Won => events.push(EventType::LeadWon),
            LeadStage::Lost => events.push(EventType::LeadLost),
            _ => {}
        }
        Ok(Move { changes, audit: AuditAction::Update, events, noted: Vec::new() })
    })
}

/// `POST /leads/{id}/convert`: the prospect becomes a customer owned by the lead's owner, its
/// contact person a primary contact, and the lead is linked to them; all or nothing, and with the
/// duplicate check of any new customer.
pub fn convert(conn: &mut DbConnection, ctx: &Context, id: Uuid, body: &ConvertLead) -> AppResult<LeadConversion> {
    write_transaction(conn, |conn| {
        let vis = ctx.visibility(conn)?;
        let before = load_editable(conn, &vis, id)?;
        if before.customer_id.is_some() {
            let stage = before.stage()?;
            return Err(AppError::transition(stage.as_str(), allowed(stage), "the lead already has a customer"));
        }
        let prospect = before.prospect().unwrap_or_default();
        let Some(company) = prospect.company_name.clone() else {
            let mut errors = Errors::default();
            errors.add("/prospect/company_name", "required", "the prospect has no company (or person) name");
            return Err(AppError::invalid(errors.0));
        };
        let customer = crate::customers::create(
            conn,
            ctx,
            &CreateCustomer {
                allow_duplicate: body.allow_duplicate,
                name: company,
                source: before.source.as_deref().and_then(kehu_core::customer::CustomerSource::parse),
                owner_id: Some(Some(before.owner_id.0)),
                phone: prospect.phone.clone(),
                email: prospect.email.clone(),
                ..CreateCustomer::default()
            },
        )?;
        let contact_id = match &prospect.contact_name {
            Some(name) => Some(
                crate::contacts::create(
                    conn,
                    ctx,
                    &CreateContact {
                        customer_id: customer.id,
                        name: name.clone(),
                        title: None,
                        department: None,
                        phone: prospect.phone.clone(),
                        mobile: None,
                        email: prospect.email.clone(),
                        birthday: None,
                        preferred_channel: None,
                        do_not_contact: None,
                        is_primary: true,
                        notes: None,
                        custom_fields: Default::default(),
                    },
                )?
                .id,
            ),
            None => None,
        };
        let now = ctx.now();
        let changes = LeadChanges {
            customer_id: Some(Some(Id(customer.id))),
            updated_at: Some(now),
            updated_by: Some(Some(Id(ctx.id()))),
            ..LeadChanges::default()
        };
        let before_wire = wire(conn, &before)?;
        let after = leads::update(conn, id, before.version, &changes)?;
        let lead = wire(conn, &after)?;
        record(conn, ctx, ENTITY, id, AuditAction::Update, diff(&snapshot(&before_wire)?, &snapshot(&lead)?))?;
        outbox::insert(conn, &[event(ctx, EventType::LeadConverted, &lead)?])?;
        Ok(LeadConversion { object: "lead_conversion".to_owned(), lead, customer_id: customer.id, contact_id })
    })
}

pub fn delete(conn: &mut DbConnection, ctx: &Context, id: Uuid, if_match: Option<i64>) -> AppResult<()> {
    write::delete::<Lead>(conn, ctx, id, if_match)
}

/// Brings a deleted lead back (administrators).
pub fn restore(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<WireLead> {
    write::restore::<Lead>(conn, ctx, id)
}

impl Record for Lead {
    type Wire = WireLead;
    type Changes = LeadChanges;
    const ENTITY: EntityKind = ENTITY;
    const UPDATED: Option<EventType> = Some(EventType::LeadUpdated);
    const DELETED: Option<EventType> = Some(EventType::LeadDeleted);
    const UNAUDITED: &'static [&'static str] = &["stage_history"];

    crate::bookkeeping!();

    fn load_editable(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load_editable(conn, &vis, id)
    }

    fn load_deleted(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Option<Self>> {
        let vis = ctx.visibility(conn)?;
        Ok(leads::find_deleted(conn, &vis, id)?)
    }

    fn load_live(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<Self> {
        let vis = ctx.visibility(conn)?;
        load(conn, &vis, id)
    }

    fn wire(&self, conn: &mut DbConnection, _ctx: &Context) -> AppResult<WireLead> {
        wire(conn, self)
    }

    fn save(&self, conn: &mut DbConnection, _ctx: &Context, changes: &LeadChanges) -> AppResult<Self> {
        Ok(leads::update(conn, self.id.0, self.version, changes)?)
    }
}

/// `GET /leads/board`: per open stage, how many leads, their sums per currency and the first
/// cards, all within the caller's view and `filter`.
pub fn board(conn: &mut DbConnection, ctx: &Context, filter: &LeadFilter) -> AppResult<LeadBoard> {
    let vis = ctx.visibility(conn)?;
    let defaults = probabilities(conn)?;
    let open = LeadFilter { stages: LeadStage::OPEN.to_vec(), ..filter.clone() };
    let sums = leads::stage_sums(conn, &vis, &open)?;
    let mut columns = Vec::new();
    for stage in LeadStage::OPEN {
        let mut count = 0;
        let mut totals = Vec::new();
        for sum in sums.iter().filter(|s| s.stage == stage.as_str()) {
            count += sum.count;
            let Some(code) = &sum.currency else { continue };
            let currency = Currency::parse(code).map_err(AppError::internal)?;
            totals.push(StageTotal {
                currency: code.clone(),
                amount: money::from_fixed4_at(sum.amount_e4, currency.exponent()),
                weighted_amount: money::weighted_at(sum.weighted_e6, currency.exponent()),
            });
        }
        totals.sort_by(|a, b| a.currency.cmp(&b.currency));
        let column = LeadFilter { stages: vec![stage], ..filter.clone() };
        let page = Page { limit: BOARD_CARDS, after: None };
        let paged = leads::list(conn, &vis, &column, LeadSort::UpdatedAt, Dir::Desc, &page, false)?;
        let cards = leads::to_wire_all(conn, &paged.rows)?;
        columns.push(BoardColumn {
            stage,
            probability: defaults.of(stage),
            count,
            totals,
            cards,
            next_cursor: paged.next.map(|after| crate::cursor::encode(&after, "-updated_at")),
        });
    }
    Ok(LeadBoard { object: "lead_board".to_owned(), columns })
}

/// Marks a lead won because a quote for it was accepted, in the accepting transaction: the
/// server's move, allowed from any stage but won (a lost lead whose quote is accepted was won
/// after all), with its stage-history entry, audit entry and `lead.stage_changed` and `lead.won`
/// events. A lead already won stays as it is.
pub fn win_by_quote(conn: &mut DbConnection, ctx: &Context, id: Uuid) -> AppResult<()> {
    let now = ctx.now();
    let Some(before) = leads::find(conn, &Visibility::system(), id)? else {
        return Ok(());
    };
    if before.stage()? == LeadStage::Won {
        return Ok(());
    }
    let changes = LeadChanges {
        stage: Some(LeadStage::Won.as_str().to_owned()),
        probability: Some(probabilities(conn)?.of(LeadStage::Won)),
        lost_reason: Some(None),
        stage_entered_at: Some(now),
        closed_at: Some(Some(now)),
        updated_at: Some(now),
        updated_by: Some(Some(Id(ctx.id()))),
        ..LeadChanges::default()
    };
    let before_wire = wire(conn, &before)?;
    let after = leads::update(conn, id, before.version, &changes)?;
    leads::enter_stage(conn, id, LeadStage::Won, now, Some(ctx.id()))?;
    let after_wire = wire(conn, &after)?;
    let mut changed = diff(&snapshot(&before_wire)?, &snapshot(&after_wire)?);
    changed.retain(|c| c.field != "stage_history");
    record(conn, ctx, ENTITY, id, AuditAction::Update, changed)?;
    outbox::insert(
        conn,
        &[event(ctx, EventType::LeadStageChanged, &after_wire)?, event(ctx, EventType::LeadWon, &after_wire)?],
    )?;
    Ok(())
}
