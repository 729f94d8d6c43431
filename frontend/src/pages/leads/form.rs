//! `/leads/new` (optionally for a customer) and the form on a lead's page: what the deal is, with
//! whom, how big and by when.

use std::str::FromStr;

use chrono::NaiveDate;
use kehu_client::{ClientError, WriteOptions};
use kehu_core::customer::CustomerSource;
use kehu_core::lead::{CreateLead, Lead, Prospect, UpdateLead};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::components::form::{
    Choice, CreateKey, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, mark_checked, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::money::CURRENCIES;
use crate::components::states::{LoadFailed, Loading, PageHead, dynamic};
use crate::i18n::{Key, source_key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Handles `/leads/new` and `/leads/new?customer_id=…`.
#[component]
pub fn NewLeadPage(customer: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The customer's name heads the form; without one the form asks for the prospect.
    let named = RwSignal::new(None::<Result<Option<(Uuid, String)>, Key>>);
    let load = move || {
        named.set(None);
        let client = session.client();
        spawn_local(async move {
            let result = match customer {
                Some(id) => client.get_customer(&id.to_string()).await.map(|c| Some((c.id, c.name))),
                None => Ok(None),
            };
            named.try_set(Some(result.map_err(|e| Key::for_error(&e))));
        });
    };
    load();
    let back = customer.map_or((AppRoute::Leads, Key::NavPipeline), |c| (AppRoute::Customer(c), Key::BackToCustomer));
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(move || i18n.t(Key::NewLead).to_owned()) back=back />
            {dynamic(move || match named.get() {
                None => view! { <Loading testid="lead-loading" /> }.into_any(),
                Some(Err(key)) => {
                    view! { <LoadFailed error=key retry=Callback::new(move |()| load()) testid="lead-error" /> }
                        .into_any()
                }
                Some(Ok(customer)) => view! { <LeadForm lead=None customer=customer editable=true /> }.into_any(),
            })}
        </div>
    }
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn diff<T: PartialEq>(new: T, old: &T) -> Option<T> {
    (new != *old).then_some(new)
}

/// A lead's fields; `customer` is the customer it is (or will be) with, by id and name.
#[component]
pub fn LeadForm(lead: Option<Lead>, customer: Option<(Uuid, String)>, editable: bool) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let creating = lead.is_none();
    let l = lead.as_ref();
    let s = |f: fn(&Lead) -> Option<String>| RwSignal::new(l.and_then(f).unwrap_or_default());
    let title = RwSignal::new(l.map(|l| l.title.clone()).unwrap_or_default());
    let company = s(|l| l.prospect.as_ref().and_then(|p| p.company_name.clone()));
    let contact = s(|l| l.prospect.as_ref().and_then(|p| p.contact_name.clone()));
    let phone = s(|l| l.prospect.as_ref().and_then(|p| p.phone.clone()));
    let email = s(|l| l.prospect.as_ref().and_then(|p| p.email.clone()));
    let amount = s(|l| l.amount.map(|a| a.to_string()));
    let currency = RwSignal::new(l.and_then(|l| l.currency.clone()).unwrap_or_else(|| "CNY".to_owned()));
    let close = s(|l| l.expected_close_date.map(|d| d.to_string()));
    let source = s(|l| l.source.map(|s| s.as_str().to_owned()));
    let next_step = s(|l| l.next_step.clone());
    let competitor = s(|l| l.competitor.clone());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let with_customer = customer.is_some();
    let customer_id = customer.as_ref().map(|(id, _)| *id);
    let lead = StoredValue::new(lead);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || !editable {
            return;
        }
        let mut problems = Vec::new();
        let amount_text = amount.get_untracked();
        let parsed_amount = match text(&amount_text) {
            None => None,
            Some(a) => match Decimal::from_str(&a.replace(',', "")) {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(("/amount".to_owned(), Key::ErrInvalidValue));
                    None
                }
            },
        };
        let close_text = close.get_untracked();
        let parsed_close = text(&close_text).and_then(|d| NaiveDate::from_str(&d).ok());
        if text(&close_text).is_some() && parsed_close.is_none() {
            problems.push(("/expected_close_date".to_owned(), Key::ErrInvalidValue));
        }
        let currency_code = parsed_amount.map(|_| currency.get_untracked());
        let prospect = (!with_customer).then(|| Prospect {
            company_name: text(&company.get_untracked()),
            contact_name: text(&contact.get_untracked()),
            phone: text(&phone.get_untracked()),
            email: text(&email.get_untracked()),
        });
        let client = session.client();
        let finish = move |result: Result<Lead, ClientError>| match result {
            Ok(saved) => router.go(AppRoute::Lead(saved.id)),
            Err(e) => {
                let (fields, key) = write_error(&e);
                errors.set(fields);
                form_error.set(Some(key));
            }
        };
        // The checks the server makes, made first so that a phone on a slow network answers at once.
        let checked = move |problems, found| mark_checked(errors, form_error, pending, problems, found);
        match lead.get_value() {
            None => {
                let body = CreateLead {
                    title: title.get_untracked().trim().to_owned(),
                    customer_id,
                    prospect,
                    source: CustomerSource::parse(&source.get_untracked()),
                    amount: parsed_amount,
                    currency: currency_code,
                    expected_close_date: parsed_close,
                    competitor: text(&competitor.get_untracked()),
                    next_step: text(&next_step.get_untracked()),
                    ..CreateLead::default()
                };
                if checked(problems, body.check()) {
                    spawn_local(async move {
                        let result = client.create_lead(&body, &key.options()).await;
                        key.settle(&result);
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
            Some(l) => {
                let patch = UpdateLead {
                    title: diff(title.get_untracked().trim().to_owned(), &l.title),
                    prospect: prospect.filter(|_| l.customer_id.is_none()).and_then(|p| {
                        let p = (!p.is_empty()).then_some(p);
                        diff(p, &l.prospect)
                    }),
                    source: diff(CustomerSource::parse(&source.get_untracked()), &l.source),
                    amount: diff(parsed_amount, &l.amount),
                    currency: diff(currency_code, &l.currency),
                    expected_close_date: diff(parsed_close, &l.expected_close_date),
                    competitor: diff(text(&competitor.get_untracked()), &l.competitor),
                    next_step: diff(text(&next_step.get_untracked()), &l.next_step),
                    ..UpdateLead::default()
                };
                let found = patch.check(l.amount, l.currency.as_deref());
                if problems.is_empty() && serde_json::to_string(&patch).is_ok_and(|s| s == "{}") {
                    form_error.set(None);
                } else if checked(problems, found) {
                    spawn_local(async move {
                        let result =
                            client.update_lead(&l.id.to_string(), &patch, &WriteOptions::if_match(l.version)).await;
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
        }
    };

    let currencies = CURRENCIES.iter().map(|c| Choice::text(*c, *c)).collect();
    let sources = std::iter::once(Choice::key("", Key::NotSet))
        .chain(CustomerSource::ALL.iter().map(|s| Choice::key(s.as_str(), source_key(*s))))
        .collect();
    let mut fields = vec![FieldSpec::text(Key::LeadTitleLabel, "lead-title", "/title", title)];
    if !with_customer {
        fields.extend([
            FieldSpec::text(Key::ProspectCompanyLabel, "lead-company", "/prospect/company_name", company),
            FieldSpec::text(Key::ProspectContactLabel, "lead-contact", "/prospect/contact_name", contact)
                .input(Input::PersonName)
                .optional(true),
            FieldSpec::text(Key::PhoneLabel, "lead-phone", "/prospect/phone", phone).input(Input::Tel).optional(true),
            FieldSpec::text(Key::EmailLabel, "lead-email", "/prospect/email", email).input(Input::Email).optional(true),
        ]);
    }
    fields.extend([
        FieldSpec::text(Key::AmountLabel, "lead-amount", "/amount", amount).input(Input::Decimal).optional(true),
        FieldSpec::select(Key::CurrencyLabel, "lead-currency", "/currency", currency, currencies),
        FieldSpec::text(Key::CloseDateLabel, "lead-close", "/expected_close_date", close)
            .input(Input::Date)
            .optional(true),
        FieldSpec::select(Key::LeadSourceLabel, "lead-source", "/source", source, sources),
        FieldSpec::text(Key::NextStepLabel, "lead-next-step", "/next_step", next_step).optional(true),
        FieldSpec::text(Key::CompetitorLabel, "lead-competitor", "/competitor", competitor).optional(true),
    ]);
    let heading = customer.map(|(id, name)| {
        view! {
            <p class="page-lede contact-of">
                {icon(Icon::Building)}
                <Link route=AppRoute::Customer(id) testid="lead-customer">{name}</Link>
            </p>
        }
    });
    view! {
        {heading}
        <form class="card form" novalidate on:submit=on_submit data-testid="lead-form">
            <FormAlert error=form_error errors=errors testid="lead-form-error" />
            <fieldset class="form-section" disabled=!editable>
                <div class="form-grid">{fields.into_iter().map(|f| f.view(errors, None)).collect_view()}</div>
            </fieldset>
            <div class="form-actions" hidden=!editable>
                <Link route=AppRoute::Leads class="btn btn-ghost btn-cancel" testid="lead-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::CreateLead } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="lead-submit"
                />
            </div>
        </form>
    }
}
