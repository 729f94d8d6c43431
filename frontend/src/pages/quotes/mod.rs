//! `/quotes/new?customer_id=…&lead_id=…`: the quote editor. Totals are worked out as the lines are
//! typed, by the same `kehu_core::money` code the server saves them with, so what the rep shows
//! the customer is what the quote will say.

pub mod approvals;
pub mod view;

use std::str::FromStr;

use chrono::NaiveDate;
use kehu_client::ListQuery;
use kehu_core::money::{self, Currency, LineInput};
use kehu_core::product::Product;
use kehu_core::quote::{CreateQuote, NewLine};
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::components::form::{CreateKey, FieldErrors, FormAlert, SubmitButton, write_error};
use crate::components::icons::{Icon, icon};
use crate::components::money::{CURRENCIES, money};
use crate::components::states::{PageHead, dynamic};
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// A warning over a quote while its customer has an urgent complaint open: better known before
/// asking them to buy more.
#[component]
pub fn UrgentComplaint(customer: Uuid) -> impl IntoView {
    let session = use_session();
    let found = RwSignal::new(None::<kehu_core::complaint::Complaint>);
    let client = session.client();
    spawn_local(async move {
        let query = ListQuery::new()
            .param("customer_id", customer.to_string())
            .param("status", crate::pages::complaints::parts::ACTIVE)
            .param("priority", "urgent")
            .limit(1);
        // Without it the quote is still a quote: a failed look is not worth an error.
        if let Ok(page) = client.list_complaints(&query).await {
            found.try_set(page.data.into_iter().next());
        }
    });
    dynamic(move || {
        let Some(c) = found.get() else { return ().into_any() };
        view! {
            <div class="alert alert-warning cp-banner no-print" role="status" data-testid="quote-complaint-warning">
                {icon(Icon::Complaint)}
                <span>
                    <strong>{tr(Key::UrgentComplaintWarning)}</strong>
                    " "
                    <Link route=AppRoute::Complaint(c.id) testid="quote-complaint-link">
                        <span class="cp-num">{c.number.clone()}</span>" "{c.subject.clone()}
                    </Link>
                </span>
            </div>
        }
        .into_any()
    })
}

/// One line as typed.
#[derive(Clone, Copy)]
struct LineDraft {
    product: RwSignal<String>,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit_price: RwSignal<String>,
    discount: RwSignal<String>,
    tax: RwSignal<String>,
}

impl LineDraft {
    fn new() -> Self {
        LineDraft {
            product: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            quantity: RwSignal::new("1".to_owned()),
            unit_price: RwSignal::new(String::new()),
            discount: RwSignal::new("0".to_owned()),
            tax: RwSignal::new("13".to_owned()),
        }
    }

    /// The numbers of the line, when all of them read as numbers; reactive.
    fn input(&self) -> Option<LineInput> {
        let num = |s: RwSignal<String>| s.with(|v| Decimal::from_str(v.trim()).ok());
        Some(LineInput {
            quantity: num(self.quantity)?,
            unit_price: num(self.unit_price)?,
            discount_percent: num(self.discount)?,
            tax_rate_percent: num(self.tax)?,
        })
    }
}

/// Handles `/quotes/new`.
#[component]
pub fn NewQuotePage(customer: Uuid, lead: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let router = use_router();
    let currency = RwSignal::new("CNY".to_owned());
    let valid_until = RwSignal::new(String::new());
    let terms = RwSignal::new(String::new());
    let lines = RwSignal::new(vec![LineDraft::new()]);
    let products = RwSignal::new(Vec::<Product>::new());
    let customer_name = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    {
        let client = session.client();
        spawn_local(async move {
            if let Ok(c) = client.get_customer(&customer.to_string()).await {
                customer_name.try_set(c.name);
            }
            let query = ListQuery::new().param("active", "true").limit(100);
            if let Ok(page) = client.list_products(&query).await {
                products.try_set(page.data);
            }
        });
    }
    let exponent = move || currency.with(|c| Currency::parse(c).map(Currency::exponent).unwrap_or(2));
    // The document's totals, or `None` while some line does not read as numbers.
    let totals = move || {
        let inputs: Option<Vec<LineInput>> = lines.with(|ls| ls.iter().map(LineDraft::input).collect());
        inputs.and_then(|i| money::totals(&i, exponent()).ok())
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let mut problems = Vec::new();
        let dec = |s: RwSignal<String>, at: String, problems: &mut Vec<(String, Key)>| {
            let text = s.get_untracked();
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            Decimal::from_str(text).map_err(|_| problems.push((at, Key::ErrInvalidValue))).ok()
        };
        let body_lines: Vec<NewLine> = lines
            .get_untracked()
            .iter()
            .enumerate()
            .map(|(i, l)| NewLine {
                product_id: Uuid::parse_str(&l.product.get_untracked()).ok(),
                description: Some(l.description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty()),
                quantity: dec(l.quantity, format!("/lines/{i}/quantity"), &mut problems).unwrap_or_default(),
                unit_price: dec(l.unit_price, format!("/lines/{i}/unit_price"), &mut problems),
                discount_percent: dec(l.discount, format!("/lines/{i}/discount_percent"), &mut problems),
                tax_rate_percent: dec(l.tax, format!("/lines/{i}/tax_rate_percent"), &mut problems),
            })
            .collect();
        let body = CreateQuote {
            customer_id: customer,
            lead_id: lead,
            contact_id: None,
            currency: currency.get_untracked(),
            valid_until: NaiveDate::from_str(valid_until.get_untracked().trim()).ok(),
            terms: Some(terms.get_untracked().trim().to_owned()).filter(|t| !t.is_empty()),
            lines: body_lines,
        };
        let (found, _) = body.check();
        let checked = crate::components::form::mark_checked(errors, form_error, pending, problems, found);
        if !checked {
            return;
        }
        let client = session.client();
        spawn_local(async move {
            let result = client.create_quote(&body, &key.options()).await;
            key.settle(&result);
            pending.try_set(false);
            match result {
                Ok(q) => router.go(AppRoute::Quote(q.id)),
                Err(e) => {
                    let (fields, k) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(k));
                }
            }
        });
    };

    let line_rows = move || {
        let count = lines.with(Vec::len);
        lines
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, l)| line_editor(i, l, count, lines, products, currency, errors))
            .collect_view()
    };
    let total_rows = dynamic(move || match totals() {
        None => view! { <p class="hint" data-testid="quote-totals-pending">{tr(Key::TotalsPending)}</p> }.into_any(),
        Some((_, t)) => {
            let c = currency.get();
            view! {
                <dl class="totals" data-testid="quote-totals">
                    <dt>{tr(Key::Subtotal)}</dt><dd data-testid="quote-subtotal">{money(t.subtotal, &c)}</dd>
                    <dt>{tr(Key::DiscountTotal)}</dt><dd data-testid="quote-discount">{money(-t.discount_total, &c)}</dd>
                    <dt>{tr(Key::TaxTotal)}</dt><dd data-testid="quote-tax">{money(t.tax_total, &c)}</dd>
                    <dt class="totals-grand">{tr(Key::GrandTotal)}</dt>
                    <dd class="totals-grand" data-testid="quote-total">{money(t.total, &c)}</dd>
                </dl>
            }
            .into_any()
        }
    });
    let back = match lead {
        Some(l) => (AppRoute::Lead(l), Key::BackToLead),
        None => (AppRoute::Customer(customer), Key::BackToCustomer),
    };
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(move || i18n.t(Key::NewQuote).to_owned()) back=back />
            <p class="page-lede contact-of">{icon(Icon::Building)} <span data-testid="quote-customer">{move || customer_name.get()}</span></p>
            <UrgentComplaint customer=customer />
            <form class="card form quote-editor" novalidate on:submit=on_submit data-testid="quote-form">
                <FormAlert error=form_error errors=errors testid="quote-form-error" />
                <div class="form-grid">
                    <div class="field">
                        <label class="label" for="quote-currency">{tr(Key::CurrencyLabel)}</label>
                        <select id="quote-currency" class="input" on:change=move |ev| currency.set(event_target_value(&ev))>
                            {CURRENCIES.iter().map(|c| view! { <option value=*c selected=*c == "CNY">{*c}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="label" for="quote-valid">{tr(Key::ValidUntilLabel)}</label>
                        <input id="quote-valid" class="input" type="date" on:input=move |ev| valid_until.set(event_target_value(&ev)) />
                    </div>
                </div>
                <ol class="quote-lines">{line_rows}</ol>
                <button type="button" class="btn btn-soft" data-testid="quote-add-line" on:click=move |_| lines.update(|ls| ls.push(LineDraft::new()))>
                    {icon(Icon::Plus)}
                    <span>{tr(Key::AddLine)}</span>
                </button>
                {total_rows}
                <div class="field">
                    <label class="label" for="quote-terms">{tr(Key::TermsLabel)}</label>
                    <textarea id="quote-terms" class="input" rows="3" on:input=move |ev| terms.set(event_target_value(&ev))></textarea>
                </div>
                <div class="form-actions">
                    <SubmitButton label=Key::SaveDraft busy_label=Key::Saving pending=pending testid="quote-submit" />
                </div>
            </form>
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn line_editor(
    i: usize,
    l: LineDraft,
    count: usize,
    lines: RwSignal<Vec<LineDraft>>,
    products: RwSignal<Vec<Product>>,
    currency: RwSignal<String>,
    errors: FieldErrors,
) -> impl IntoView {
    let i18n = use_i18n();
    let at = move |f: &str| format!("/lines/{i}/{f}");
    let error = move |f: &'static str| {
        let pointer = at(f);
        move || errors.get(&pointer).map(|k| view! { <p class="field-error">{i18n.t(k)}</p> })
    };
    let num = move |label: Key, id: &'static str, value: RwSignal<String>, field: &'static str| {
        view! {
            <div class="field">
                <label class="label" for=format!("{id}-{i}")>{tr(label)}</label>
                <input
                    id=format!("{id}-{i}")
                    class="input"
                    inputmode="decimal"
                    data-testid=format!("{id}-{i}")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                {error(field)}
            </div>
        }
    };
    // A product fills in its name, and its list price when it is in the quote's currency.
    let pick = move |ev| {
        let id = event_target_value(&ev);
        l.product.set(id.clone());
        if let Some(p) = products.with_untracked(|ps| ps.iter().find(|p| p.id.to_string() == id).cloned()) {
            l.description.set(p.name.clone());
            if currency.with_untracked(|c| *c == p.currency) {
                l.unit_price.set(p.list_price.to_string());
            }
        }
    };
    let line_total = move || {
        let c = currency.get();
        let exponent = Currency::parse(&c).map(Currency::exponent).unwrap_or(2);
        l.input().and_then(|input| money::line_amounts(&input, exponent).ok()).map(|a| money(a.total_amount, &c))
    };
    view! {
        <li class="quote-line" data-testid="quote-line">
            <div class="quote-line-head">
                <span class="quote-line-no">{i + 1}</span>
                <select class="input" data-testid=format!("line-product-{i}") on:change=pick>
                    <option value="">{move || i18n.t(Key::FreeTextLine)}</option>
                    {move || products.get().into_iter().map(|p| {
                        let label = format!("{} · {}", p.sku, p.name);
                        view! { <option value=p.id.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
                {(count > 1).then(|| view! {
                    <button type="button" class="btn btn-ghost btn-icon" aria-label=tr(Key::RemoveLine)
                        on:click=move |_| lines.update(|ls| { if i < ls.len() { ls.remove(i); } })>
                        {icon(Icon::Close)}
                    </button>
                })}
            </div>
            <div class="field">
                <label class="label" for=format!("line-description-{i}")>{tr(Key::DescriptionLabel)}</label>
                <input
                    id=format!("line-description-{i}")
                    class="input"
                    data-testid=format!("line-description-{i}")
                    prop:value=move || l.description.get()
                    on:input=move |ev| l.description.set(event_target_value(&ev))
                />
                {error("description")}
            </div>
            <div class="quote-line-numbers">
                {num(Key::QuantityLabel, "line-quantity", l.quantity, "quantity")}
                {num(Key::UnitPriceLabel, "line-price", l.unit_price, "unit_price")}
                {num(Key::LineDiscountLabel, "line-discount", l.discount, "discount_percent")}
                {num(Key::TaxRateLabel, "line-tax", l.tax, "tax_rate_percent")}
            </div>
            <p class="quote-line-total" data-testid=format!("line-total-{i}")>{line_total}</p>
        </li>
    }
}
