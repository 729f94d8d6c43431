//! `/leads`: the pipeline board. A column per open stage with its count and sums; a card per
//! lead. On a wide screen a card is dragged to another column; on a phone it is moved with its
//! "Move to" picker, two taps.

pub mod form;
pub mod view;

use std::collections::HashMap;

use kehu_client::{ListQuery, WriteOptions};
use kehu_core::lead::{ChangeStage, Lead, LeadBoard, LeadStage, StageTotal};
use kehu_core::user::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::FormAlert;
use crate::components::icons::{Icon, icon};
use crate::components::money::money;
use crate::components::states::{LoadFailed, Loading, PageHead, dynamic};
use crate::i18n::{I18n, Key, lead_stage_key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// What the board shows: the columns and the names of the cards' customers.
#[derive(Clone)]
struct Shown {
    board: LeadBoard,
    customers: HashMap<Uuid, String>,
}

/// Handles `/leads`.
#[component]
pub fn PipelinePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let mine = RwSignal::new(session.role() == Some(Role::Sales));
    let data = RwSignal::new(None::<Result<Shown, Key>>);
    let failure = RwSignal::new(None::<Key>);
    let moving = RwSignal::new(None::<Uuid>);
    // Each read gets a number; an answer to any but the latest is dropped.
    let latest = StoredValue::new(0_u64);

    let load = move || {
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        let client = session.client();
        let query = if mine.get_untracked() { ListQuery::new().param("owner_id", "me") } else { ListQuery::new() };
        spawn_local(async move {
            let result = async {
                let board = client.lead_board(&query).await?;
                // The cards name their customers: one read for all of them.
                let ids: Vec<String> = board
                    .columns
                    .iter()
                    .flat_map(|c| c.cards.iter().filter_map(|l| l.customer_id))
                    .map(|id| id.to_string())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let mut customers = HashMap::new();
                for chunk in ids.chunks(100) {
                    let query = ListQuery::new().param("id", chunk.join(",")).limit(100);
                    for c in client.list_customers(&query).await?.data {
                        customers.insert(c.id, c.name);
                    }
                }
                Ok(Shown { board, customers })
            }
            .await;
            if latest.try_get_value() == Some(ticket) {
                data.try_set(Some(result.map_err(|e| Key::for_error(&e))));
            }
        });
    };
    load();

    let move_to = Callback::new(move |(lead, stage): (Lead, LeadStage)| {
        if moving.get_untracked().is_some() || lead.stage == stage {
            return;
        }
        moving.set(Some(lead.id));
        failure.set(None);
        let client = session.client();
        spawn_local(async move {
            let body = ChangeStage { stage, lost_reason: None, probability: None };
            let result =
                client.change_lead_stage(&lead.id.to_string(), &body, &WriteOptions::if_match(lead.version)).await;
            moving.try_set(None);
            if let Err(e) = &result {
                failure.try_set(Some(stage_error(e)));
            }
            load();
        });
    });
    let chip = move |value: bool, label: Key, testid: &'static str| {
        view! {
            <button
                type="button"
                class="segment"
                data-testid=testid
                aria-pressed=move || (mine.get() == value).to_string()
                on:click=move |_| {
                    mine.set(value);
                    load();
                }
            >
                {tr(label)}
            </button>
        }
    };
    let body = dynamic(move || match data.get() {
        None => view! { <Loading testid="board-loading" /> }.into_any(),
        Some(Err(key)) => {
            view! { <LoadFailed error=key retry=Callback::new(move |()| load()) testid="board-error" /> }.into_any()
        }
        Some(Ok(shown)) => board_view(i18n, shown, moving, move_to).into_any(),
    });
    view! {
        <div class="page page-wide">
            <PageHead title=Signal::derive(move || i18n.t(Key::PipelineTitle).to_owned())>
                {crate::pages::quotes::approvals::approves(session.role()).then(|| view! {
                    <Link route=AppRoute::Approvals class="btn btn-ghost btn-tool" testid="leads-approvals">
                        {icon(Icon::Check)}
                        <span class="btn-label">{tr(Key::NavApprovals)}</span>
                    </Link>
                })}
                <Link route=AppRoute::Products class="btn btn-ghost btn-tool" testid="leads-products">
                    {icon(Icon::Note)}
                    <span class="btn-label">{tr(Key::NavProducts)}</span>
                </Link>
                <Link route=AppRoute::NewLead(None) class="btn btn-primary" testid="leads-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewLead)}</span>
                </Link>
            </PageHead>
            <div class="stack">
                <FormAlert error=failure errors=crate::components::form::FieldErrors::new() testid="board-move-error" />
                <div class="toolbar">
                    <div class="segmented" role="group" aria-label=tr(Key::OwnerLabel)>
                        {chip(true, Key::OwnerMine, "board-mine")}
                        {chip(false, Key::OwnerAll, "board-all")}
                    </div>
                </div>
            </div>
            {body}
        </div>
    }
}

/// What to say when a move is refused: a won lead needs a customer, the rest as usual.
pub fn stage_error(e: &kehu_client::ClientError) -> Key {
    if let kehu_client::ClientError::Api(p) = e {
        if p.errors.iter().any(|f| f.code == "customer_required") {
            return Key::ErrWonNeedsCustomer;
        }
        if p.code == kehu_core::ErrorCode::InvalidStateTransition {
            return Key::ErrStageNotAllowed;
        }
    }
    Key::for_error(e)
}

/// The sums of a column, one line per currency.
fn totals_text(totals: &[StageTotal], i18n: I18n) -> Vec<String> {
    totals
        .iter()
        .map(|t| {
            i18n.t(Key::ColumnTotal)
                .replace("{amount}", &money(t.amount, &t.currency))
                .replace("{weighted}", &money(t.weighted_amount, &t.currency))
        })
        .collect()
}

fn board_view(
    i18n: I18n,
    shown: Shown,
    moving: RwSignal<Option<Uuid>>,
    move_to: Callback<(Lead, LeadStage)>,
) -> impl IntoView {
    // The card being dragged, for the column it is dropped on.
    let dragged = StoredValue::new(None::<Lead>);
    let Shown { board, customers } = shown;
    let columns = board
        .columns
        .into_iter()
        .map(|column| {
            let stage = column.stage;
            let over = RwSignal::new(false);
            let sums = totals_text(&column.totals, i18n);
            let more = column.count - column.cards.len() as i64;
            let cards = column
                .cards
                .into_iter()
                .map(|lead| {
                    let who = lead
                        .customer_id
                        .and_then(|c| customers.get(&c).cloned())
                        .or_else(|| lead.prospect.as_ref().and_then(|p| p.company_name.clone()))
                        .unwrap_or_default();
                    card(i18n, lead, who, moving, move_to, dragged)
                })
                .collect_view();
            let empty = (column.count == 0).then(|| view! { <p class="board-empty">{tr(Key::ColumnEmpty)}</p> });
            view! {
                <section
                    class="board-col"
                    class:board-over=move || over.get()
                    data-testid=format!("board-{}", stage.as_str())
                    on:dragover=move |ev| {
                        ev.prevent_default();
                        over.set(true);
                    }
                    on:dragleave=move |_| over.set(false)
                    on:drop=move |ev| {
                        ev.prevent_default();
                        over.set(false);
                        if let Some(lead) = dragged.get_value() {
                            move_to.run((lead, stage));
                        }
                    }
                >
                    <header class="board-head">
                        <h2 class="board-title">
                            <span>{tr(lead_stage_key(stage))}</span>
                            <span class="badge" data-testid="board-count">{column.count}</span>
                        </h2>
                        <p class="board-prob">{move || i18n.t(Key::ProbabilityShort).replace("{n}", &column.probability.to_string())}</p>
                        {sums.into_iter().map(|s| view! { <p class="board-sum" data-testid="board-sum">{s}</p> }).collect_view()}
                    </header>
                    <ul class="board-cards">{cards}</ul>
                    {empty}
                    {(more > 0).then(|| view! { <p class="board-more">{move || i18n.t(Key::ColumnMore).replace("{n}", &more.to_string())}</p> })}
                </section>
            }
        })
        .collect_view();
    view! { <div class="board" data-testid="board">{columns}</div> }
}

fn card(
    i18n: I18n,
    lead: Lead,
    who: String,
    moving: RwSignal<Option<Uuid>>,
    move_to: Callback<(Lead, LeadStage)>,
    dragged: StoredValue<Option<Lead>>,
) -> impl IntoView {
    let id = lead.id;
    let amount = lead.amount.zip(lead.currency.clone()).map(|(a, c)| money(a, &c));
    let close = lead.expected_close_date.map(|d| d.to_string());
    let targets: Vec<LeadStage> = lead.stage.next_stages().iter().copied().filter(|s| *s != LeadStage::Lost).collect();
    let for_drag = lead.clone();
    let for_pick = lead.clone();
    let probability = lead.probability;
    view! {
        <li
            class="lead-card"
            class:lead-card-busy=move || moving.get() == Some(id)
            draggable="true"
            data-testid="lead-card"
            on:dragstart=move |_| dragged.set_value(Some(for_drag.clone()))
            on:dragend=move |_| dragged.set_value(None)
        >
            <Link route=AppRoute::Lead(id) class="lead-card-link" testid="lead-card-link">
                <span class="lead-card-title">{lead.title.clone()}</span>
                <span class="lead-card-who">{who}</span>
                <span class="lead-card-meta">
                    {amount.map(|a| view! { <span class="lead-card-amount">{a}</span> })}
                    <span>{format!("{probability}%")}</span>
                    {close.map(|c| view! { <span>{icon(Icon::Calendar)} {c}</span> })}
                </span>
            </Link>
            <label class="lead-move">
                <span class="visually-hidden">{tr(Key::MoveTo)}</span>
                <select
                    data-testid="lead-move"
                    disabled=move || moving.get().is_some()
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(stage) = LeadStage::parse(&value) {
                            move_to.run((for_pick.clone(), stage));
                        }
                    }
                >
                    <option value="" selected>{move || i18n.t(Key::MoveTo)}</option>
                    {targets
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{tr(lead_stage_key(s))}</option> })
                        .collect_view()}
                </select>
            </label>
        </li>
    }
}
