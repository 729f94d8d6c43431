//! `/approvals`: the quotes waiting for a manager, because a line's discount is above what their
//! owner may give. Managers see those of their teams, administrators all; a tap opens the quote,
//! where Approve and Send back are.

use kehu_client::ListQuery;
use kehu_core::quote::Quote;
use kehu_core::user::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::icons::{Icon, icon};
use crate::components::money::money;
use crate::components::states::{LoadFailed, Loading, NotAllowed, PageHead, dynamic};
use crate::data::use_people;
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// Whether the signed-in user approves discounts.
pub fn approves(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Manager))
}

/// Handles `/approvals`.
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    if !approves(session.role()) {
        return view! { <NotAllowed /> }.into_any();
    }
    let data = RwSignal::new(None::<Result<Vec<Quote>, Key>>);
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            let query = ListQuery::new().param("status", "pending_approval").limit(100);
            let result = client.list_quotes(&query).await.map(|page| page.data).map_err(|e| Key::for_error(&e));
            data.try_set(Some(result));
        });
    };
    load();
    let body = dynamic(move || match data.get() {
        None => view! { <Loading testid="approvals-loading" /> }.into_any(),
        Some(Err(key)) => {
            view! { <LoadFailed error=key retry=Callback::new(move |()| load()) testid="approvals-error" /> }.into_any()
        }
        Some(Ok(quotes)) if quotes.is_empty() => view! {
            <div class="state" data-testid="approvals-empty">
                <span class="state-icon">{icon(Icon::Check)}</span>
                <p class="state-title">{tr(Key::ApprovalsEmpty)}</p>
            </div>
        }
        .into_any(),
        Some(Ok(quotes)) => {
            let rows = quotes
                .into_iter()
                .map(|q| {
                    let owner = use_people().name(q.owner_id).unwrap_or_default();
                    let discount = q.max_discount_percent.normalize().to_string();
                    let discount = move || i18n.t(Key::UpToDiscount).replace("{n}", &discount);
                    view! {
                        <li class="crow" data-testid="approval-row">
                            <Link route=AppRoute::Quote(q.id) class="crow-link" testid="approval-link">
                                <span class="crow-main">
                                    <span class="crow-title">
                                        <span class="crow-name">{q.number.clone()}</span>
                                        <span class="badge badge-warning">{discount}</span>
                                    </span>
                                    <span class="crow-meta">
                                        <span>{money(q.total, &q.currency)}</span>
                                        <span>{owner}</span>
                                    </span>
                                </span>
                            </Link>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="list card" data-testid="approvals-list">{rows}</ul> }.into_any()
        }
    });
    view! {
        <div class="page">
            <PageHead
                title=Signal::derive(move || i18n.t(Key::ApprovalsTitle).to_owned())
                lede=Key::ApprovalsLede
                back=(AppRoute::Leads, Key::NavPipeline)
            />
            {body}
        </div>
    }
    .into_any()
}
