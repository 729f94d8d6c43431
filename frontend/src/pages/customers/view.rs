//! `/customers/{id}`: the customer 360 (客户全貌), read in one call: who the customer is, the
//! people there, what happened lately and what is still to do, with the day's actions (call,
//! mail, log what happened, claim) within a thumb's reach.

use chrono::{DateTime, Utc};
use kehu_core::ErrorCode;
use kehu_core::activity::Activity;
use kehu_core::contact::Contact;
use kehu_core::customer::{Customer, CustomerOverview};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::custom_fields::{Resource, load_defs, shown_values};
use crate::components::dialog::confirm;
use crate::components::form::{FieldErrors, FormAlert, SuccessAlert, action_button};
use crate::components::icons::{Icon, icon};
use crate::components::notice::{Notice, use_notices};
use crate::components::shell::initial;
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic, live};
use crate::components::time;
use crate::i18n::{I18n, Key, kind_key, source_key, stage_key, tr, use_i18n};
use crate::pages::customers::complaints::{ComplaintBanner, Complaints};
use crate::pages::customers::log::LogSheet;
use crate::pages::customers::parts::{call_link, level_badge, owner_text};
use crate::pages::customers::timeline::Timeline;
use crate::pages::pool::claim_error;
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// The overview once read; `None` until then.
pub type Ov = RwSignal<Option<CustomerOverview>>;

/// Reads a part of the overview; reactive.
pub fn read<T>(ov: Ov, f: impl FnOnce(&CustomerOverview) -> T) -> Option<T> {
    ov.with(|o| o.as_ref().map(f))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Ready,
    NotFound,
    Failed(Key),
}

/// Reads a customer's overview, then draws `ready` with it; until then the page waits, and says
/// so when the customer is missing or the read failed. The customer's page and its edit page
/// share it.
pub fn with_overview(id: Uuid, ready: fn(Ov) -> AnyView) -> impl IntoView {
    let session = use_session();
    let ov: Ov = RwSignal::new(None);
    let status = RwSignal::new(Load::Loading);
    let load = move || {
        status.set(Load::Loading);
        let client = session.client();
        spawn_local(async move {
            let next = match client.customer_overview(&id.to_string()).await {
                Ok(o) => {
                    ov.try_set(Some(o));
                    Load::Ready
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => Load::NotFound,
                Err(e) => Load::Failed(Key::for_error(&e)),
            };
            status.try_set(next);
        });
    };
    load();
    dynamic(move || match status.get() {
        Load::Loading => view! {
            <div class="page">
                <Loading testid="customer-loading" />
            </div>
        }
        .into_any(),
        Load::NotFound => view! { <NotFoundState /> }.into_any(),
        Load::Failed(error) => view! {
            <div class="page">
                <LoadFailed error=error retry=Callback::new(move |()| load()) testid="customer-error" />
            </div>
        }
        .into_any(),
        Load::Ready => ready(ov),
    })
}

/// Handles `/customers/{id}`.
#[component]
pub fn CustomerPage(id: Uuid) -> impl IntoView {
    with_overview(id, |ov| {
        let session = use_session();
        let title = move || read(ov, |o| o.customer.name.clone()).unwrap_or_default();
        let edit = dynamic(move || {
            let id = read(ov, |o| session.may_change(o.customer.owner_id).then_some(o.customer.id)).flatten();
            id.map_or_else(
                || ().into_any(),
                |id| {
                    view! {
                        <Link route=AppRoute::NewLead(Some(id)) class="btn btn-ghost btn-tool" testid="customer-new-lead">
                            {icon(Icon::Pipeline)}
                            <span class="btn-label">{tr(Key::NewLeadForCustomer)}</span>
                        </Link>
                        <Link route=AppRoute::EditCustomer(id) class="btn btn-ghost" testid="customer-edit">
                            {icon(Icon::Edit)}
                            <span>{tr(Key::Edit)}</span>
                        </Link>
                    }
                    .into_any()
                },
            )
        });
        view! {
            <div class="page">
                <PageHead title=Signal::derive(title) back=(AppRoute::Customers, Key::NavCustomers)>
                    {edit}
                </PageHead>
                <Customer360 ov=ov />
            </div>
        }
        .into_any()
    })
}

#[component]
fn Customer360(ov: Ov) -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notices().take();
    let notice = RwSignal::new(notice);
    let notice_text = move || notice.with(|n| n.as_ref().map(|n| n.text(i18n)));
    let failure = RwSignal::new(None::<Key>);
    let sheet = RwSignal::new(false);
    let fresh = StoredValue::new(None::<Uuid>);
    let id = read(ov, |o| o.customer.id).unwrap_or_default();

    let on_logged = Callback::new(move |activity: Activity| {
        fresh.set_value(Some(activity.id));
        ov.update(|o| {
            if let Some(o) = o {
                if activity.done_at.is_none() {
                    o.counts.open_tasks += 1;
                } else if o.customer.last_activity_at.is_none_or(|t| activity.done_at.is_some_and(|d| d > t)) {
                    o.customer.last_activity_at = activity.done_at;
                }
                o.latest_activities.insert(0, activity);
            }
        });
    });

    view! {
        <div class="stack">
            <SuccessAlert text=Signal::derive(notice_text) testid="notice" />
            <FormAlert error=failure errors=FieldErrors::new() testid="customer-failure" />
            <ComplaintBanner ov=ov />
            <Header ov=ov notice=notice failure=failure />
            <div class="c360">
                <section class="card c360-main" aria-labelledby="timeline-heading">
                    <div class="card-head">
                        <h2 class="card-title" id="timeline-heading">{tr(Key::TimelineHeading)}</h2>
                        // A wide screen's place for it; a phone's is the floating button below.
                        <button
                            type="button"
                            class="btn btn-sm btn-soft wide-only"
                            data-testid="log-open"
                            on:click=move |_| sheet.set(true)
                        >
                            {icon(Icon::Plus)}
                            <span>{tr(Key::LogAction)}</span>
                        </button>
                    </div>
                    <Timeline ov=ov failure=failure fresh=fresh />
                </section>
                <div class="c360-side">
                    <Complaints ov=ov />
                    <crate::pages::customers::sales::Sales ov=ov />
                    <Contacts ov=ov />
                    <Details ov=ov />
                </div>
            </div>
        </div>
        // Thumb's reach on a phone: above the bottom bar, on the right.
        <button type="button" class="btn btn-primary fab" data-testid="log-open" on:click=move |_| sheet.set(true)>
            {icon(Icon::Plus)}
            <span>{tr(Key::LogAction)}</span>
        </button>
        {dynamic(move || {
            if !sheet.get() {
                return ().into_any();
            }
            view! { <LogSheet customer=id open=sheet on_saved=on_logged /> }.into_any()
        })}
    }
}

/// The customer's level and stage, owner, tags and numbers, how to reach them, and whether the
/// user may claim or release them.
#[component]
fn Header(ov: Ov, notice: RwSignal<Option<Notice>>, failure: RwSignal<Option<Key>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pending = RwSignal::new(false);
    let customer = move || read(ov, |o| o.customer.clone());

    // Claiming and releasing answer with the customer as it now is.
    let act = move |claim: bool| {
        let Some(c) = ov.with_untracked(|o| o.as_ref().map(|o| o.customer.clone())) else { return };
        if !claim && !confirm(&i18n.t(Key::ReleaseBody).replace("{name}", &c.name)) {
            return;
        }
        pending.set(true);
        failure.set(None);
        notice.set(None);
        let client = session.client();
        spawn_local(async move {
            let id = c.id.to_string();
            let result = if claim { client.claim_customer(&id).await } else { client.release_customer(&id).await };
            pending.try_set(false);
            match result {
                Ok(updated) => {
                    let key = if claim { Key::ClaimedNotice } else { Key::ReleasedNotice };
                    notice.try_set(Some(Notice::new(key, updated.name.clone())));
                    ov.try_update(|o| {
                        if let Some(o) = o {
                            o.customer = updated;
                        }
                    });
                }
                Err(e) => {
                    failure.try_set(Some(if claim { claim_error(&e) } else { Key::for_error(&e) }));
                }
            }
        });
    };

    dynamic(move || {
        let Some(c) = customer() else { return ().into_any() };
        let Customer { kind, level, lifecycle_stage, owner_id, phone, email, tags, .. } = c;
        let mine = owner_id.is_some() && owner_id == session.my_id();
        let can_claim = owner_id.is_none() && session.works_customers();
        let owner = live(move || owner_text(i18n, owner_id));
        let has_tags = !tags.is_empty();
        let count = move |n: fn(&CustomerOverview) -> i64| live(move || read(ov, n).unwrap_or_default().to_string());
        let chips = tags.into_iter().map(|t| view! { <li class="chip chip-tag">{t}</li> }).collect_view();
        let busy = Signal::derive(move || pending.get());
        let action = move |claim: bool, testid: &'static str, label: Key, class: &'static str| {
            action_button(class, testid, label, busy, Signal::default(), Callback::new(move |()| act(claim)))
        };
        let mail = email.map(|e| {
            let label = format!("{} {e}", i18n.t(Key::EmailAction));
            view! {
                <a
                    class="btn btn-ghost btn-icon"
                    href=format!("mailto:{e}")
                    data-testid="customer-email"
                    aria-label=label
                >
                    {icon(Icon::Mail)}
                </a>
            }
        });
        view! {
            <section class="card c360-head" data-testid="customer-head">
                <div class="c360-badges">
                    {level_badge(level)}
                    <span class="badge badge-muted" data-testid="customer-stage">
                        {tr(stage_key(lifecycle_stage))}
                    </span>
                    <span class="badge badge-muted">{tr(kind_key(kind))}</span>
                </div>
                <div class="c360-owner-row">
                    <p class="c360-owner" data-testid="customer-owner">
                        {icon(if owner_id.is_some() { Icon::Profile } else { Icon::Inbox })}
                        <span>{owner}</span>
                    </p>
                    {can_claim.then(|| action(true, "customer-claim", Key::Claim, "btn btn-primary"))}
                    {(mine && session.works_customers())
                        .then(|| action(false, "customer-release", Key::Release, "btn btn-sm btn-ghost"))}
                </div>
                <ul class="chips" hidden=!has_tags>{chips}</ul>
                <div class="c360-actions">{phone.map(|p| call_link(p, "customer-phone"))} {mail}</div>
                <dl class="c360-counts">
                    <div>
                        <dt>{tr(Key::ResContacts)}</dt>
                        <dd data-testid="count-contacts">{count(|o| o.counts.contacts)}</dd>
                    </div>
                    <div>
                        <dt>{tr(Key::OpenTasks)}</dt>
                        <dd data-testid="count-open-tasks">{count(|o| o.counts.open_tasks)}</dd>
                    </div>
                    <div>
                        <dt>{tr(Key::LastContactLabel)}</dt>
                        <dd class="c360-count-text">
                            {live(move || last_seen(i18n, read(ov, |o| o.customer.last_activity_at).flatten()))}
                        </dd>
                    </div>
                </dl>
            </section>
        }
        .into_any()
    })
}

/// When the customer was last in touch, short enough for a tile: "3 days ago", or a dash.
fn last_seen(i18n: I18n, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(t) => time::relative(t, i18n.lang()),
        None => "–".to_owned(),
    }
}

/// The people at the customer, the primary contact first, each a tap away from a call.
#[component]
fn Contacts(ov: Ov) -> impl IntoView {
    let session = use_session();
    let can_add = move || read(ov, |o| session.may_change(o.customer.owner_id)).unwrap_or(false);
    let id = read(ov, |o| o.customer.id).unwrap_or_default();
    let rows = dynamic(move || {
        let contacts = read(ov, |o| o.contacts.clone()).unwrap_or_default();
        if contacts.is_empty() {
            return view! { <p class="muted-line" data-testid="contacts-empty">{tr(Key::ContactsEmpty)}</p> }
                .into_any();
        }
        let rows = contacts.into_iter().map(contact_row).collect_view();
        view! { <ul class="rows" data-testid="contacts-list">{rows}</ul> }.into_any()
    });
    view! {
        <section class="card" aria-labelledby="contacts-heading">
            <div class="card-head">
                <h2 class="card-title" id="contacts-heading">{tr(Key::ResContacts)}</h2>
                {dynamic(move || {
                    if !can_add() {
                        return ().into_any();
                    }
                    view! {
                        <Link route=AppRoute::NewContact(id) class="btn btn-sm btn-soft" testid="contact-add">
                            {icon(Icon::Plus)}
                            <span>{tr(Key::AddContact)}</span>
                        </Link>
                    }
                    .into_any()
                })}
            </div>
            {rows}
        </section>
    }
}

fn contact_row(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let Contact { id, name, title, department, phone, mobile, email, is_primary, .. } = contact;
    let role = [title, department].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let mark = initial(&name);
    let mail = email.map(|e| {
        view! {
            <a
                class="btn btn-ghost btn-icon"
                href=format!("mailto:{e}")
                aria-label=format!("{} {e}", i18n.t(Key::EmailAction))
                data-testid="contact-email"
            >
                {icon(Icon::Mail)}
            </a>
        }
    });
    view! {
        <li class="crow contact-row" data-testid="contact-row">
            <Link route=AppRoute::Contact(id) class="crow-link" testid="contact-link">
                <span class="avatar" aria-hidden="true">{mark}</span>
                <span class="crow-main">
                    <span class="crow-title">
                        <span class="crow-name">{name}</span>
                        {is_primary.then(|| view! { <span class="badge">{tr(Key::PrimaryBadge)}</span> })}
                    </span>
                    <span class="crow-meta" hidden=role.is_empty()>{role.clone()}</span>
                </span>
            </Link>
            <div class="crow-actions">
                {mobile.or(phone).map(|p| call_link(p, "contact-call"))}
                {mail}
            </div>
        </li>
    }
}

/// What else is known about the customer; only what is filled in.
#[component]
fn Details(ov: Ov) -> impl IntoView {
    let i18n = use_i18n();
    let defs = load_defs(Resource::Customers);
    dynamic(move || {
        let Some(c) = read(ov, |o| o.customer.clone()) else { return ().into_any() };
        let address =
            [&c.address.street, &c.address.city, &c.address.province, &c.address.postcode, &c.address.country]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
        let mut facts: Vec<(String, String)> = [
            (Key::IndustryLabel, c.industry.clone()),
            (Key::SourceLabel, c.source.map(|s| i18n.t(source_key(s)).to_owned())),
            (Key::EmailLabel, c.email.clone()),
            (Key::WebsiteLabel, c.website.clone()),
            (Key::AddressLabel, (!address.is_empty()).then_some(address)),
            (Key::TaxIdLabel, c.tax_id.clone()),
            (Key::CreatedLabel, Some(time::day(c.created_at, i18n.lang()))),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (i18n.t(k).to_owned(), v)))
        .collect();
        facts.extend(defs.with(|defs| shown_values(i18n, defs, &c.custom_fields)));
        let facts = facts
            .into_iter()
            .map(|(k, v)| {
                view! {
                    <div class="fact">
                        <dt>{k}</dt>
                        <dd>{v}</dd>
                    </div>
                }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="details-heading" data-testid="customer-details">
                <h2 class="card-title" id="details-heading">{tr(Key::DetailsHeading)}</h2>
                <dl class="facts">{facts}</dl>
            </section>
        }
        .into_any()
    })
}
