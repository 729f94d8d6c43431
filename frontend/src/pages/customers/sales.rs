//! The customer's business on its page: what it has bought and still owes, and its deals, quotes
//! and orders, newest first, each a tap away.

use kehu_client::ListQuery;
use kehu_core::customer::Amount;
use kehu_core::lead::Lead;
use kehu_core::purchase::Purchase;
use kehu_core::quote::Quote;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::money::money;
use crate::components::states::dynamic;
use crate::i18n::{Key, lead_stage_key, tr};
use crate::pages::customers::view::{Ov, read};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// Rows of each kind shown; the counts say how many there are in all.
const SHOWN: i64 = 5;

#[derive(Clone, Default)]
struct Records {
    leads: Vec<Lead>,
    quotes: Vec<Quote>,
    purchases: Vec<Purchase>,
}

fn sums(amounts: &[Amount]) -> String {
    if amounts.is_empty() {
        return "—".to_owned();
    }
    amounts.iter().map(|a| money(a.amount, &a.currency)).collect::<Vec<_>>().join(" · ")
}

#[component]
pub fn Sales(ov: Ov) -> impl IntoView {
    let session = use_session();
    let records = RwSignal::new(None::<Records>);
    let id = read(ov, |o| o.customer.id).unwrap_or_default();
    if session.works_customers() {
        let client = session.client();
        spawn_local(async move {
            let query = ListQuery::new().param("customer_id", id.to_string()).limit(SHOWN);
            let sorted = query.clone().param("sort", "-updated_at");
            // A part the caller may not read stays empty; the counts above still show.
            let leads = client.list_leads(&sorted).await.map(|p| p.data).unwrap_or_default();
            let quotes = client.list_quotes(&sorted).await.map(|p| p.data).unwrap_or_default();
            let purchases = client.list_purchases(&sorted).await.map(|p| p.data).unwrap_or_default();
            records.try_set(Some(Records { leads, quotes, purchases }));
        });
    }
    let revenue = move || read(ov, |o| sums(&o.lifetime_revenue)).unwrap_or_default();
    let balance = move || read(ov, |o| sums(&o.balance_due)).unwrap_or_default();
    let list = dynamic(move || {
        let Some(r) = records.get() else { return ().into_any() };
        let leads = r.leads.into_iter().map(|l| {
            view! {
                <li class="sales-row">
                    <Link route=AppRoute::Lead(l.id) testid="sales-lead">{l.title.clone()}</Link>
                    <span class="badge badge-stage" data-stage=l.stage.as_str()>{tr(lead_stage_key(l.stage))}</span>
                </li>
            }
        });
        let quotes = r.quotes.into_iter().map(|q| {
            view! {
                <li class="sales-row">
                    <Link route=AppRoute::Quote(q.id) testid="sales-quote">{q.number.clone()}</Link>
                    <span>{money(q.total, &q.currency)}</span>
                </li>
            }
        });
        let purchases = r.purchases.into_iter().map(|p| {
            let owed = p.balance_due > rust_decimal::Decimal::ZERO;
            view! {
                <li class="sales-row">
                    <Link route=AppRoute::Purchase(p.id) testid="sales-purchase">{p.number.clone()}</Link>
                    <span class:sales-owed=owed>{money(p.balance_due, &p.currency)}</span>
                </li>
            }
        });
        view! {
            <ul class="sales-list" data-testid="sales-list">
                {leads.collect_view()}
                {quotes.collect_view()}
                {purchases.collect_view()}
            </ul>
        }
        .into_any()
    });
    view! {
        <section class="card sales" data-testid="customer-sales">
            <h2 class="card-title">{tr(Key::SalesHeading)}</h2>
            <dl class="totals">
                <dt>{tr(Key::LifetimeRevenue)}</dt>
                <dd data-testid="customer-revenue">{revenue}</dd>
                <dt>{tr(Key::BalanceDue)}</dt>
                <dd data-testid="customer-balance">{balance}</dd>
            </dl>
            {list}
        </section>
    }
}
