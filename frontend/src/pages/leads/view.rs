//! `/leads/{id}`: one deal. Its stage with the moves it allows (a tap each, lost with a reason),
//! conversion of a prospect into a customer, its fields and the history of its stages.

use kehu_client::{ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::lead::{ChangeStage, ConvertLead, Lead, LeadStage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::{FieldErrors, FormAlert};
use crate::components::icons::{Icon, icon};
use crate::components::money::money;
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic};
use crate::components::time;
use crate::data::use_people;
use crate::i18n::{Key, lead_stage_key, tr, use_i18n};
use crate::pages::leads::form::LeadForm;
use crate::pages::leads::stage_error;
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

type Loaded = RwSignal<Option<Result<(Lead, Option<(Uuid, String)>), ClientError>>>;

/// Handles `/leads/{id}`.
#[component]
pub fn LeadPage(id: Uuid) -> impl IntoView {
    let session = use_session();
    let data: Loaded = RwSignal::new(None);
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            let result = async {
                let lead = client.get_lead(&id.to_string()).await?;
                let customer = match lead.customer_id {
                    Some(c) => client.get_customer(&c.to_string()).await.ok().map(|c| (c.id, c.name)),
                    None => None,
                };
                Ok((lead, customer))
            }
            .await;
            data.try_set(Some(result));
        });
    };
    load();
    dynamic(move || match data.get() {
        None => view! { <div class="page"><Loading testid="lead-loading" /></div> }.into_any(),
        Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) => view! { <NotFoundState /> }.into_any(),
        Some(Err(e)) => view! {
            <div class="page">
                <LoadFailed error=Key::for_error(&e) retry=Callback::new(move |()| load()) testid="lead-error" />
            </div>
        }
        .into_any(),
        Some(Ok((lead, customer))) => {
            let title = lead.title.clone();
            let editable = session.may_change(Some(lead.owner_id));
            view! {
                <div class="page page-narrow">
                    <PageHead title=Signal::derive(move || title.clone()) back=(AppRoute::Leads, Key::NavPipeline) />
                    <Summary lead=lead.clone() />
                    {editable.then(|| view! { <Moves lead=lead.clone() data=data /> })}
                    <LeadForm lead=Some(lead.clone()) customer=customer editable=editable />
                    <History lead=lead />
                </div>
            }
            .into_any()
        }
    })
    .into_any()
}

/// The stage, the money and the owner at a glance.
#[component]
fn Summary(lead: Lead) -> impl IntoView {
    let i18n = use_i18n();
    let amount = lead.amount.zip(lead.currency.clone()).map(|(a, c)| money(a, &c));
    let owner = use_people().name(lead.owner_id).unwrap_or_default();
    let probability = lead.probability;
    view! {
        <div class="lead-summary" data-testid="lead-summary">
            <span class="badge badge-stage" data-stage=lead.stage.as_str() data-testid="lead-stage">
                {tr(lead_stage_key(lead.stage))}
            </span>
            {amount.map(|a| view! { <span class="lead-amount" data-testid="lead-amount">{a}</span> })}
            <span>{move || i18n.t(Key::ProbabilityShort).replace("{n}", &probability.to_string())}</span>
            <span>{icon(Icon::Profile)} {owner}</span>
            {lead.lost_reason.clone().map(|r| view! { <span class="lead-lost">{r}</span> })}
        </div>
    }
}

/// The moves the lead's stage allows, a button each; lost asks why first; a prospect converts.
#[component]
fn Moves(lead: Lead, data: Loaded) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<Key>);
    let asking_reason = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let lead = StoredValue::new(lead);
    let settle = move |result: Result<Lead, ClientError>| {
        pending.try_set(false);
        match result {
            Ok(moved) => {
                let customer =
                    data.with_untracked(|d| d.as_ref().and_then(|r| r.as_ref().ok()).and_then(|(_, c)| c.clone()));
                data.try_set(Some(Ok((moved, customer))));
            }
            Err(e) => {
                failure.try_set(Some(stage_error(&e)));
            }
        }
    };
    let go = move |stage: LeadStage, lost_reason: Option<String>| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let l = lead.get_value();
        let client = session.client();
        spawn_local(async move {
            let body = ChangeStage { stage, lost_reason, probability: None };
            settle(client.change_lead_stage(&l.id.to_string(), &body, &WriteOptions::if_match(l.version)).await);
        });
    };
    let convert = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let l = lead.get_value();
        let client = session.client();
        spawn_local(async move {
            let result =
                client.convert_lead(&l.id.to_string(), &ConvertLead::default(), &WriteOptions::default()).await;
            pending.try_set(false);
            match result {
                Ok(done) => {
                    let name = l.prospect.as_ref().and_then(|p| p.company_name.clone()).unwrap_or_default();
                    data.try_set(Some(Ok((done.lead, Some((done.customer_id, name))))));
                }
                Err(e) if e.code() == Some(ErrorCode::PossibleDuplicate) => {
                    failure.try_set(Some(Key::ErrConvertDuplicate));
                }
                Err(e) => {
                    failure.try_set(Some(Key::for_error(&e)));
                }
            }
        });
    };
    let l = lead.get_value();
    let buttons = l
        .stage
        .next_stages()
        .iter()
        .copied()
        .filter(|s| *s != LeadStage::Lost)
        .map(|stage| {
            let class = if stage == LeadStage::Won { "btn btn-primary" } else { "btn btn-ghost" };
            view! {
                <button
                    type="button"
                    class=class
                    data-testid=format!("lead-to-{}", stage.as_str())
                    disabled=move || pending.get()
                    on:click=move |_| go(stage, None)
                >
                    {tr(lead_stage_key(stage))}
                </button>
            }
        })
        .collect_view();
    let may_lose = l.stage.next_stages().contains(&LeadStage::Lost);
    let prospect = l.customer_id.is_none();
    view! {
        <section class="card lead-moves" data-testid="lead-moves">
            <h2 class="card-title">{tr(Key::MoveTo)}</h2>
            <FormAlert error=failure errors=FieldErrors::new() testid="lead-move-error" />
            <div class="lead-move-buttons">
                {buttons}
                {may_lose.then(|| view! {
                    <button
                        type="button"
                        class="btn btn-danger-ghost"
                        data-testid="lead-to-lost"
                        disabled=move || pending.get()
                        on:click=move |_| asking_reason.set(true)
                    >
                        {tr(Key::MarkLost)}
                    </button>
                })}
                {l.customer_id.map(|c| {
                    let lead_id = l.id;
                    view! {
                        <Link route=AppRoute::NewQuote(c, Some(lead_id)) class="btn btn-soft" testid="lead-new-quote">
                            {icon(Icon::Note)}
                            <span>{tr(Key::NewQuote)}</span>
                        </Link>
                    }
                })}
                {prospect.then(|| view! {
                    <button
                        type="button"
                        class="btn btn-soft"
                        data-testid="lead-convert"
                        disabled=move || pending.get()
                        on:click=convert
                    >
                        {icon(Icon::Building)}
                        <span>{tr(Key::ConvertLead)}</span>
                    </button>
                })}
            </div>
            {move || asking_reason.get().then(|| view! {
                <div class="lead-lost-form">
                    <label class="label" for="lead-lost-reason">{tr(Key::LostReasonLabel)}</label>
                    <input
                        id="lead-lost-reason"
                        class="input"
                        data-testid="lead-lost-reason"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                    <div class="import-actions">
                        <button
                            type="button"
                            class="btn btn-danger-ghost"
                            data-testid="lead-lost-confirm"
                            disabled=move || pending.get() || reason.with(|r| r.trim().is_empty())
                            on:click=move |_| go(LeadStage::Lost, Some(reason.get_untracked().trim().to_owned()))
                        >
                            {tr(Key::MarkLost)}
                        </button>
                        <button type="button" class="btn btn-ghost" on:click=move |_| asking_reason.set(false)>
                            {tr(Key::Cancel)}
                        </button>
                    </div>
                </div>
            })}
            <p class="hint">{move || if prospect { i18n.t(Key::ConvertHint) } else { "" }}</p>
        </section>
    }
}

/// When the lead entered each stage, newest first.
#[component]
fn History(lead: Lead) -> impl IntoView {
    let i18n = use_i18n();
    let entries = lead
        .stage_history
        .into_iter()
        .rev()
        .map(|h| {
            let when = move || time::day_and_time(h.entered_at, i18n.lang());
            view! {
                <li class="history-entry" data-testid="lead-history-entry">
                    <span class="badge badge-stage" data-stage=h.stage.as_str()>{tr(lead_stage_key(h.stage))}</span>
                    <span class="hint">{when}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="lead-history">
            <h2 class="card-title">{tr(Key::StageHistory)}</h2>
            <ul class="history">{entries}</ul>
        </section>
    }
}
