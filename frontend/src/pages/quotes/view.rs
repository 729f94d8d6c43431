//! `/quotes/{id}` and `/purchases/{id}`: a quote with its lines, totals and the actions its
//! status allows; a purchase with what was paid, what is owed, and a payment form.

use std::str::FromStr;

use chrono::NaiveDate;
use kehu_client::{ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::purchase::{CreatePayment, CreateReturn, PaymentMethod, Purchase, PurchaseAction, ReturnLine};
use kehu_core::quote::{Line, Quote, QuoteAction, QuoteStatus};
use kehu_core::user::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::components::form::{FieldErrors, FormAlert};
use crate::components::icons::{Icon, icon};
use crate::components::money::money;
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic};
use crate::components::time;
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

fn quote_status_key(s: QuoteStatus) -> Key {
    match s {
        QuoteStatus::Draft => Key::QuoteDraft,
        QuoteStatus::PendingApproval => Key::QuotePending,
        QuoteStatus::Approved => Key::QuoteApproved,
        QuoteStatus::Sent => Key::QuoteSent,
        QuoteStatus::Accepted => Key::QuoteAccepted,
        QuoteStatus::Rejected => Key::QuoteRejected,
        QuoteStatus::Expired => Key::QuoteExpired,
        QuoteStatus::Cancelled => Key::QuoteCancelled,
    }
}

fn quote_action_key(a: QuoteAction) -> Key {
    match a {
        QuoteAction::Submit => Key::QuoteSubmit,
        QuoteAction::Approve => Key::QuoteApprove,
        QuoteAction::RejectApproval => Key::QuoteRejectApproval,
        QuoteAction::Send => Key::QuoteSend,
        QuoteAction::Accept => Key::QuoteAccept,
        QuoteAction::Reject => Key::QuoteReject,
        QuoteAction::Cancel => Key::Cancel,
        QuoteAction::Revise => Key::QuoteRevise,
    }
}

fn lines_table(lines: Vec<Line>, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let rows = lines
        .into_iter()
        .map(|l| {
            let price = money(l.unit_price, &currency);
            let detail = format!("{} × {price}", l.quantity.normalize());
            let (discount, tax) =
                (l.discount_percent.normalize().to_string(), l.tax_rate_percent.normalize().to_string());
            let extras = move || i18n.t(Key::LineTerms).replace("{discount}", &discount).replace("{tax}", &tax);
            view! {
                <li class="doc-line" data-testid="doc-line">
                    <span class="doc-line-main">
                        <span class="doc-line-desc">{l.description}</span>
                        <span class="hint">{detail} " · " {extras}</span>
                    </span>
                    <span class="doc-line-total">{money(l.total_amount, &currency)}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="doc-lines">{rows}</ul> }
}

fn totals_list(subtotal: Decimal, discount: Decimal, tax: Decimal, total: Decimal, currency: &str) -> impl IntoView {
    view! {
        <dl class="totals" data-testid="doc-totals">
            <dt>{tr(Key::Subtotal)}</dt><dd>{money(subtotal, currency)}</dd>
            <dt>{tr(Key::DiscountTotal)}</dt><dd>{money(-discount, currency)}</dd>
            <dt>{tr(Key::TaxTotal)}</dt><dd>{money(tax, currency)}</dd>
            <dt class="totals-grand">{tr(Key::GrandTotal)}</dt>
            <dd class="totals-grand" data-testid="doc-total">{money(total, currency)}</dd>
        </dl>
    }
}

/// What to say when an action is refused.
fn action_error(e: &ClientError) -> Key {
    match e.code() {
        Some(ErrorCode::InvalidStateTransition) => Key::ErrActionNotAllowed,
        _ => Key::for_error(e),
    }
}

/// Whether a refusal names no field (a state refusal, say), so its code decides the message.
fn fields_empty(e: &ClientError) -> bool {
    !matches!(e, ClientError::Api(p) if !p.errors.is_empty())
}

/// Handles `/quotes/{id}`.
#[component]
pub fn QuotePage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let router = use_router();
    let data = RwSignal::new(None::<Result<Quote, ClientError>>);
    let failure = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    // The printout names the customer.
    let customer_name = RwSignal::new(String::new());
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            let quote = client.get_quote(&id.to_string()).await;
            if let Ok(q) = &quote
                && let Ok(c) = client.get_customer(&q.customer_id.to_string()).await
            {
                customer_name.try_set(c.name);
            }
            data.try_set(Some(quote));
        });
    };
    load();
    let act = move |q: Quote, action: QuoteAction| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let client = session.client();
        spawn_local(async move {
            let opts = WriteOptions::if_match(q.version);
            let result = client.quote_action(&q.id.to_string(), action.as_str(), &opts).await;
            pending.try_set(false);
            match result {
                // A revision is a new quote: open it.
                Ok(next) if next.id != q.id => router.go(AppRoute::Quote(next.id)),
                Ok(next) => {
                    data.try_set(Some(Ok(next)));
                }
                Err(e) => {
                    failure.try_set(Some(action_error(&e)));
                }
            }
        });
    };
    dynamic(move || match data.get() {
        None => view! { <div class="page"><Loading testid="quote-loading" /></div> }.into_any(),
        Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) => view! { <NotFoundState /> }.into_any(),
        Some(Err(e)) => view! {
            <div class="page">
                <LoadFailed error=Key::for_error(&e) retry=Callback::new(move |()| load()) testid="quote-error" />
            </div>
        }
        .into_any(),
        Some(Ok(q)) => {
            let title = format!("{} · r{}", q.number, q.revision);
            let approver = matches!(session.role(), Some(Role::Admin | Role::Manager));
            let buttons = q
                .status
                .allowed_actions()
                .iter()
                .copied()
                .filter(|a| approver || !matches!(a, QuoteAction::Approve | QuoteAction::RejectApproval))
                .map(|a| {
                    let q = q.clone();
                    let class = match a {
                        QuoteAction::Accept | QuoteAction::Send | QuoteAction::Submit | QuoteAction::Approve => {
                            "btn btn-primary"
                        }
                        QuoteAction::Cancel | QuoteAction::Reject | QuoteAction::RejectApproval => {
                            "btn btn-danger-ghost"
                        }
                        _ => "btn btn-ghost",
                    };
                    view! {
                        <button
                            type="button"
                            class=class
                            data-testid=format!("quote-{}", a.as_str())
                            disabled=move || pending.get()
                            on:click=move |_| act(q.clone(), a)
                        >
                            {tr(quote_action_key(a))}
                        </button>
                    }
                })
                .collect_view();
            let purchase = q.purchase_id.map(|p| {
                view! {
                    <Link route=AppRoute::Purchase(p) class="btn btn-soft" testid="quote-purchase">
                        {icon(Icon::Check)}
                        <span>{tr(Key::OpenPurchase)}</span>
                    </Link>
                }
            });
            let valid = q.valid_until.map(|d| d.to_string());
            let issued = q.created_at.date_naive().to_string();
            let currency = q.currency.clone();
            view! {
                <div class="page page-narrow">
                    <PageHead title=Signal::derive(move || title.clone()) back=(AppRoute::Customer(q.customer_id), Key::BackToCustomer) />
                    <crate::pages::quotes::UrgentComplaint customer=q.customer_id />
                    <div class="lead-summary">
                        <span class="badge badge-stage" data-stage=q.status.as_str() data-testid="quote-status">
                            {tr(quote_status_key(q.status))}
                        </span>
                        <span class="lead-amount" data-testid="quote-grand">{money(q.total, &q.currency)}</span>
                        {valid.map(|v| view! { <span>{icon(Icon::Calendar)} {move || i18n.t(Key::ValidUntilShort).replace("{date}", &v)}</span> })}
                    </div>
                    <section class="card lead-moves no-print">
                        <FormAlert error=failure errors=FieldErrors::new() testid="quote-action-error" />
                        <div class="lead-move-buttons">
                            {buttons}
                            {purchase}
                            <button
                                type="button"
                                class="btn btn-ghost"
                                data-testid="quote-print"
                                on:click=move |_| drop(window().print())
                            >
                                {tr(Key::PrintQuote)}
                            </button>
                        </div>
                    </section>
                    <section class="card quote-doc">
                        <p class="print-only print-head">
                            <strong>{customer_name}</strong>
                            " · "
                            {issued}
                        </p>
                        {lines_table(q.lines.clone(), currency.clone())}
                        {totals_list(q.subtotal, q.discount_total, q.tax_total, q.total, &currency)}
                        {q.terms.clone().map(|t| view! { <p class="doc-terms">{t}</p> })}
                    </section>
                </div>
            }
            .into_any()
        }
    })
}

fn purchase_status_key(p: &Purchase) -> Key {
    use kehu_core::purchase::PurchaseStatus as S;
    match p.status {
        S::Pending => Key::PurchasePending,
        S::Confirmed => Key::PurchaseConfirmed,
        S::Fulfilled => Key::PurchaseFulfilled,
        S::Completed => Key::PurchaseCompleted,
        S::Cancelled => Key::PurchaseCancelled,
    }
}

fn purchase_action_key(a: PurchaseAction) -> Option<Key> {
    match a {
        PurchaseAction::Confirm => Some(Key::PurchaseConfirm),
        PurchaseAction::Fulfill => Some(Key::PurchaseFulfill),
        PurchaseAction::Complete => Some(Key::PurchaseComplete),
        PurchaseAction::Cancel => Some(Key::Cancel),
        PurchaseAction::Payments | PurchaseAction::Returns => None,
    }
}

/// Handles `/purchases/{id}`.
#[component]
pub fn PurchasePage(id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let data = RwSignal::new(None::<Result<Purchase, ClientError>>);
    let failure = RwSignal::new(None::<Key>);
    let errors = FieldErrors::new();
    let pending = RwSignal::new(false);
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::BankTransfer.as_str().to_owned());
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            let result = client.get_purchase(&id.to_string()).await;
            if let Ok(p) = &result {
                amount.try_set(p.balance_due.to_string());
            }
            data.try_set(Some(result));
        });
    };
    load();
    let settle = move |result: Result<Purchase, ClientError>| {
        pending.try_set(false);
        match result {
            Ok(p) => {
                amount.try_set(p.balance_due.to_string());
                errors.set(Vec::new());
                data.try_set(Some(Ok(p)));
            }
            Err(e) => {
                let (fields, key) = crate::components::form::write_error(&e);
                errors.set(fields);
                failure.try_set(Some(if fields_empty(&e) { action_error(&e) } else { key }));
            }
        }
    };
    let act = move |p: Purchase, action: PurchaseAction| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let client = session.client();
        spawn_local(async move {
            let opts = WriteOptions::if_match(p.version);
            settle(client.purchase_action(&p.id.to_string(), action.as_str(), &opts).await);
        });
    };
    let pay = move |p: Purchase| {
        if pending.get_untracked() {
            return;
        }
        let Ok(value) = Decimal::from_str(amount.get_untracked().trim()) else {
            errors.set(vec![("/amount".to_owned(), Key::ErrInvalidValue)]);
            return;
        };
        pending.set(true);
        failure.set(None);
        let today = time::today();
        let body = CreatePayment {
            amount: value,
            paid_on: NaiveDate::from_ymd_opt(today.year as i32, today.month, today.day),
            method: PaymentMethod::parse(&method.get_untracked()).unwrap_or(PaymentMethod::Other),
            reference: None,
        };
        let client = session.client();
        spawn_local(async move {
            settle(client.add_payment(&p.id.to_string(), &body, &WriteOptions::default()).await);
        });
    };
    dynamic(move || match data.get() {
        None => view! { <div class="page"><Loading testid="purchase-loading" /></div> }.into_any(),
        Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) => view! { <NotFoundState /> }.into_any(),
        Some(Err(e)) => view! {
            <div class="page">
                <LoadFailed error=Key::for_error(&e) retry=Callback::new(move |()| load()) testid="purchase-error" />
            </div>
        }
        .into_any(),
        Some(Ok(p)) => {
            let title = p.number.clone();
            let c = p.currency.clone();
            let buttons = p
                .status
                .allowed_actions()
                .iter()
                .copied()
                .filter_map(|a| purchase_action_key(a).map(|k| (a, k)))
                .map(|(a, k)| {
                    let p = p.clone();
                    view! {
                        <button
                            type="button"
                            class="btn btn-ghost"
                            data-testid=format!("purchase-{}", a.as_str())
                            disabled=move || pending.get()
                            on:click=move |_| act(p.clone(), a)
                        >
                            {tr(k)}
                        </button>
                    }
                })
                .collect_view();
            let takes_payments =
                p.status.allowed_actions().contains(&PurchaseAction::Payments) && p.balance_due > Decimal::ZERO;
            let for_pay = p.clone();
            let takes_returns = p.status.allowed_actions().contains(&PurchaseAction::Returns);
            let for_return = p.clone();
            let returns = p
                .returns
                .iter()
                .map(|r| {
                    let line =
                        format!("{} · {} · {}", r.returned_on, money(r.returned_value, &c), money(r.refund_amount, &c));
                    view! { <li class="history-entry" data-testid="return">{line}</li> }
                })
                .collect_view();
            let payments = p
                .payments
                .iter()
                .map(|pay| {
                    let line = format!("{} · {}", pay.paid_on, money(pay.amount, &c));
                    view! { <li class="history-entry" data-testid="payment">{line}</li> }
                })
                .collect_view();
            let amount_error = move || errors.get("/amount").map(|k| view! { <p class="field-error">{i18n.t(k)}</p> });
            view! {
                <div class="page page-narrow">
                    <PageHead title=Signal::derive(move || title.clone()) back=(AppRoute::Customer(p.customer_id), Key::BackToCustomer) />
                    <div class="lead-summary">
                        <span class="badge badge-stage" data-testid="purchase-status">{tr(purchase_status_key(&p))}</span>
                        <span class="lead-amount">{money(p.total, &c)}</span>
                        {p.overdue.then(|| view! { <span class="badge badge-danger">{tr(Key::Overdue)}</span> })}
                    </div>
                    <dl class="totals card" data-testid="purchase-money">
                        <dt>{tr(Key::PaidTotal)}</dt><dd data-testid="purchase-paid">{money(p.paid_total, &c)}</dd>
                        <dt class="totals-grand">{tr(Key::BalanceDue)}</dt>
                        <dd class="totals-grand" data-testid="purchase-balance">{money(p.balance_due, &c)}</dd>
                    </dl>
                    <section class="card lead-moves">
                        <FormAlert error=failure errors=errors testid="purchase-action-error" />
                        <div class="lead-move-buttons">{buttons}</div>
                        {takes_payments.then(|| view! {
                            <div class="payment-form">
                                <div class="field">
                                    <label class="label" for="payment-amount">{tr(Key::PaymentAmount)}</label>
                                    <input id="payment-amount" class="input" inputmode="decimal" data-testid="payment-amount"
                                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                                    {amount_error}
                                </div>
                                <div class="field">
                                    <label class="label" for="payment-method">{tr(Key::PaymentMethodLabel)}</label>
                                    <select id="payment-method" class="input" on:change=move |ev| method.set(event_target_value(&ev))>
                                        {PaymentMethod::ALL.iter().map(|m| view! {
                                            <option value=m.as_str() selected=*m == PaymentMethod::BankTransfer>{tr(payment_key(*m))}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="button" class="btn btn-primary" data-testid="payment-submit"
                                    disabled=move || pending.get() on:click=move |_| pay(for_pay.clone())>
                                    {tr(Key::RecordPayment)}
                                </button>
                            </div>
                        })}
                    </section>
                    <section class="card">
                        {lines_table(p.lines.clone(), c.clone())}
                        {totals_list(p.subtotal, p.discount_total, p.tax_total, p.total, &c)}
                    </section>
                    {takes_returns.then(|| view! { <ReturnForm purchase=for_return data=data /> })}
                    <section class="card">
                        <h2 class="card-title">{tr(Key::Payments)}</h2>
                        <ul class="history" data-testid="payments">{payments}</ul>
                        <h2 class="card-title returns-title">{tr(Key::Returns)}</h2>
                        <ul class="history" data-testid="returns">{returns}</ul>
                    </section>
                </div>
            }
            .into_any()
        }
    })
}

fn payment_key(m: PaymentMethod) -> Key {
    match m {
        PaymentMethod::Cash => Key::PayCash,
        PaymentMethod::BankTransfer => Key::PayBank,
        PaymentMethod::Card => Key::PayCard,
        PaymentMethod::Alipay => Key::PayAlipay,
        PaymentMethod::WechatPay => Key::PayWechat,
        PaymentMethod::Cheque => Key::PayCheque,
        PaymentMethod::Other => Key::PayOther,
    }
}

/// Goods coming back: a quantity per line (at most what is left of it), the refund and why.
#[component]
fn ReturnForm(purchase: Purchase, data: RwSignal<Option<Result<Purchase, ClientError>>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let errors = FieldErrors::new();
    let failure = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let refund = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let quantities: Vec<(uuid::Uuid, String, RwSignal<String>)> =
        purchase.lines.iter().map(|l| (l.id, l.description.clone(), RwSignal::new(String::new()))).collect();
    let fields = quantities
        .iter()
        .enumerate()
        .map(|(i, (_, description, value))| {
            let value = *value;
            let pointer = format!("/lines/{i}/quantity");
            let error = move || errors.get(&pointer).map(|k| view! { <p class="field-error">{i18n.t(k)}</p> });
            view! {
                <div class="field">
                    <label class="label" for=format!("return-qty-{i}")>{description.clone()}</label>
                    <input id=format!("return-qty-{i}") class="input" inputmode="decimal" placeholder="0"
                        data-testid=format!("return-qty-{i}")
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    {error}
                </div>
            }
        })
        .collect_view();
    let quantities = StoredValue::new(quantities);
    let purchase = StoredValue::new(purchase);
    let submit = move |_| {
        if pending.get_untracked() {
            return;
        }
        let mut problems = Vec::new();
        let mut lines = Vec::new();
        // Which line of the form each returned line is, to put the server's errors back in place.
        let mut sent = Vec::new();
        for (i, (id, _, value)) in quantities.get_value().into_iter().enumerate() {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                continue;
            }
            match Decimal::from_str(text.trim()) {
                Ok(q) if q > Decimal::ZERO => {
                    lines.push(ReturnLine { line_id: id, quantity: q });
                    sent.push(i);
                }
                Ok(_) => {}
                Err(_) => problems.push((format!("/lines/{i}/quantity"), Key::ErrInvalidValue)),
            }
        }
        let refund_amount = match refund.get_untracked().trim() {
            "" => None,
            text => match Decimal::from_str(text) {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(("/refund_amount".to_owned(), Key::ErrInvalidValue));
                    None
                }
            },
        };
        if lines.is_empty() && problems.is_empty() {
            failure.set(Some(Key::ReturnNothing));
            return;
        }
        if !problems.is_empty() {
            errors.set(problems);
            failure.set(Some(Key::ErrCheckFields));
            return;
        }
        let body = CreateReturn {
            lines,
            refund_amount,
            reason: Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty()),
            returned_on: None,
        };
        pending.set(true);
        failure.set(None);
        let p = purchase.get_value();
        let client = session.client();
        spawn_local(async move {
            let result = client.add_return(&p.id.to_string(), &body, &WriteOptions::default()).await;
            pending.try_set(false);
            match result {
                Ok(next) => {
                    data.try_set(Some(Ok(next)));
                }
                Err(e) => {
                    // The server counts only the lines given a quantity.
                    let (fields, key) = crate::components::form::write_error(&e);
                    let fields = fields
                        .into_iter()
                        .map(|(pointer, k)| {
                            let at = pointer
                                .strip_prefix("/lines/")
                                .and_then(|rest| rest.split('/').next())
                                .and_then(|n| n.parse::<usize>().ok())
                                .and_then(|n| sent.get(n));
                            match at {
                                Some(i) => (format!("/lines/{i}/quantity"), k),
                                None => (pointer, k),
                            }
                        })
                        .collect();
                    errors.set(fields);
                    failure.try_set(Some(key));
                }
            }
        });
    };
    view! {
        <section class="card return-form" data-testid="return-form">
            <h2 class="card-title">{tr(Key::RecordReturn)}</h2>
            <FormAlert error=failure errors=errors testid="return-error" />
            <div class="form-grid">{fields}</div>
            <div class="form-grid">
                <div class="field">
                    <label class="label" for="return-refund">{tr(Key::RefundAmount)}</label>
                    <input id="return-refund" class="input" inputmode="decimal" placeholder="0"
                        data-testid="return-refund"
                        prop:value=move || refund.get() on:input=move |ev| refund.set(event_target_value(&ev)) />
                    {move || errors.get("/refund_amount").map(|k| view! { <p class="field-error">{i18n.t(k)}</p> })}
                </div>
                <div class="field">
                    <label class="label" for="return-reason">{tr(Key::ReturnReason)}</label>
                    <input id="return-reason" class="input" data-testid="return-reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
            </div>
            <div class="form-actions">
                <button type="button" class="btn btn-ghost" data-testid="return-submit" disabled=move || pending.get() on:click=submit>
                    {tr(Key::RecordReturn)}
                </button>
            </div>
        </section>
    }
}
