//! `/complaints/new[?customer_id=…]`: taking a complaint on the phone, in a few taps. The customer
//! is found as the agent types; priority and channel start at what most calls are (normal, by
//! phone); the subject is the only thing to type. Contact, order and a description are there for
//! whoever has them.

use kehu_client::{Client, ListQuery};
use kehu_core::complaint::{ComplaintCategory, ComplaintChannel, CreateComplaint, Priority};
use kehu_core::contact::Contact;
use kehu_core::customer::Customer;
use kehu_core::purchase::Purchase;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::{
    Choice, CreateKey, FieldErrors, FieldSpec, FormAlert, SubmitButton, mark_checked, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::states::{LoadFailed, Loading, PageHead, dynamic};
use crate::i18n::{Key, tr, use_i18n};
use crate::pages::complaints::parts::{category_key, channel_key, priority_key};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Customers offered per search: enough to spot the right one, few enough to fit above the keyboard.
const MATCHES: i64 = 6;
/// How long typing must pause before the customers are searched.
const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// A customer as the form knows it: id and name.
type Picked = Option<(Uuid, String)>;

/// Handles `/complaints/new` and `/complaints/new?customer_id=…`.
#[component]
pub fn NewComplaintPage(customer: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // With a customer in the address, its name is read before the form shows.
    let start = RwSignal::new(None::<Result<Picked, Key>>);
    let load = move || {
        start.set(None);
        let client = session.client();
        spawn_local(async move {
            let result = match customer {
                Some(id) => client.get_customer(&id.to_string()).await.map(|c| Some((c.id, c.name))),
                None => Ok(None),
            };
            start.try_set(Some(result.map_err(|e| Key::for_error(&e))));
        });
    };
    load();
    let back =
        customer.map_or((AppRoute::Complaints, Key::NavComplaints), |c| (AppRoute::Customer(c), Key::BackToCustomer));
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(move || i18n.t(Key::NewComplaint).to_owned()) back=back />
            {dynamic(move || match start.get() {
                None => view! { <Loading testid="complaint-form-loading" /> }.into_any(),
                Some(Err(key)) => view! {
                    <LoadFailed error=key retry=Callback::new(move |()| load()) testid="complaint-form-failed" />
                }
                .into_any(),
                Some(Ok(picked)) => view! { <ComplaintForm picked=picked /> }.into_any(),
            })}
        </div>
    }
}

/// A row of buttons of which one is chosen, for a short list of values.
fn chip_choice<T>(
    label: Key,
    testid: &'static str,
    options: &'static [T],
    value: RwSignal<T>,
    name: fn(T) -> (&'static str, Key),
    class: &'static str,
) -> AnyView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let buttons = options
        .iter()
        .map(|&option| {
            let (wire, key) = name(option);
            view! {
                <button
                    type="button"
                    class="segment"
                    data-value=wire
                    data-testid=format!("{testid}-{wire}")
                    aria-pressed=move || (value.get() == option).to_string()
                    on:click=move |_| value.set(option)
                >
                    {tr(key)}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <span class="label" id=format!("{testid}-label")>{tr(label)}</span>
            <div class=class role="group" aria-labelledby=format!("{testid}-label")>{buttons}</div>
        </div>
    }
    .into_any()
}

#[component]
fn ComplaintForm(picked: Picked) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let customer = RwSignal::new(picked);
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Normal);
    let channel = RwSignal::new(ComplaintChannel::Phone);
    let category = RwSignal::new(ComplaintCategory::Other);
    let contact = RwSignal::new(String::new());
    let purchase = RwSignal::new(String::new());
    let contacts = RwSignal::new(Vec::<Contact>::new());
    let purchases = RwSignal::new(Vec::<Purchase>::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();

    // The chosen customer's people and orders, to link the complaint to; a list the user may not
    // read (a service agent and the orders, say) simply offers nothing.
    Effect::new(move |_| {
        let chosen = customer.with(|c| c.as_ref().map(|(id, _)| *id));
        contact.set(String::new());
        purchase.set(String::new());
        contacts.set(Vec::new());
        purchases.set(Vec::new());
        let Some(id) = chosen else { return };
        let client = session.client();
        spawn_local(async move {
            let query = ListQuery::new().param("customer_id", id.to_string()).limit(50);
            if let Ok(page) = client.list_contacts(&query).await {
                contacts.try_set(page.data);
            }
            if let Ok(page) = client.list_purchases(&query.clone().sort("-created_at")).await {
                purchases.try_set(page.data);
            }
        });
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let mut problems = Vec::new();
        let customer_id = customer.with_untracked(|c| c.as_ref().map(|(id, _)| *id));
        if customer_id.is_none() {
            problems.push(("/customer_id".to_owned(), Key::ErrRequired));
        }
        let text = description.get_untracked().trim().to_owned();
        let body = CreateComplaint {
            customer_id: customer_id.unwrap_or_default(),
            contact_id: Uuid::parse_str(&contact.get_untracked()).ok(),
            purchase_id: Uuid::parse_str(&purchase.get_untracked()).ok(),
            channel: Some(channel.get_untracked()),
            category: Some(category.get_untracked()),
            priority: Some(priority.get_untracked()),
            subject: subject.get_untracked().trim().to_owned(),
            description: (!text.is_empty()).then_some(text),
            assignee_id: None,
        };
        if !mark_checked(errors, form_error, pending, problems, body.check()) {
            return;
        }
        let client = session.client();
        spawn_local(async move {
            let result = client.create_complaint(&body, &key.options()).await;
            key.settle(&result);
            pending.try_set(false);
            match result {
                Ok(c) => router.go(AppRoute::Complaint(c.id)),
                Err(e) => {
                    let (fields, k) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(k));
                }
            }
        });
    };

    let links = dynamic(move || {
        let people = contacts.get();
        let orders = purchases.get();
        let contact_field = (!people.is_empty()).then(|| {
            let choices = std::iter::once(Choice::key("", Key::NotSet))
                .chain(people.into_iter().map(|c| Choice::text(c.id.to_string(), c.name)))
                .collect();
            FieldSpec::select(Key::ProspectContactLabel, "complaint-contact", "/contact_id", contact, choices)
                .optional(true)
                .view(errors, None)
        });
        let purchase_field = (!orders.is_empty()).then(|| {
            let choices = std::iter::once(Choice::key("", Key::NotSet))
                .chain(
                    orders
                        .into_iter()
                        .map(|p| Choice::text(p.id.to_string(), format!("{} · {}", p.number, p.order_date))),
                )
                .collect();
            FieldSpec::select(Key::PurchaseLabel, "complaint-purchase", "/purchase_id", purchase, choices)
                .optional(true)
                .view(errors, None)
        });
        view! { {contact_field} {purchase_field} }.into_any()
    });

    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="complaint-form">
            <FormAlert error=form_error errors=errors testid="complaint-form-error" />
            <CustomerPicker customer=customer errors=errors />
            {FieldSpec::text(Key::SubjectLabel, "complaint-subject", "/subject", subject)
                .placeholder(Key::ComplaintSubjectPlaceholder)
                .view(errors, None)}
            {chip_choice(Key::PriorityLabel, "complaint-priority", Priority::ALL, priority, |p| (p.as_str(), priority_key(p)), "segmented segmented-priority")}
            {chip_choice(Key::ComplaintChannelLabel, "complaint-channel", ComplaintChannel::ALL, channel, |c| (c.as_str(), channel_key(c)), "segmented")}
            {chip_choice(Key::CategoryLabel, "complaint-category", ComplaintCategory::ALL, category, |c| (c.as_str(), category_key(c)), "pick-chips")}
            {FieldSpec::text(Key::DescriptionLabel, "complaint-description", "/description", description)
                .area()
                .optional(true)
                .view(errors, None)}
            {links}
            <div class="form-actions">
                <Link route=AppRoute::Complaints class="btn btn-ghost btn-cancel" testid="complaint-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton label=Key::CreateComplaint busy_label=Key::Saving pending=pending testid="complaint-submit" />
            </div>
        </form>
    }
}

/// Finds the customer as the user types (name, phone or email), or shows the one chosen.
#[component]
fn CustomerPicker(customer: RwSignal<Picked>, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<Customer>>);
    let typing = StoredValue::new(0_u64);
    let search = move |client: Client, q: String, ticket: u64| {
        spawn_local(async move {
            let query = ListQuery::new().search(q).limit(MATCHES);
            let result = client.list_customers(&query).await.map(|p| p.data).unwrap_or_default();
            if typing.try_get_value() == Some(ticket) {
                found.try_set(Some(result));
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        typing.update_value(|n| *n += 1);
        let ticket = typing.get_value();
        let q = text.get_untracked().trim().to_owned();
        if q.is_empty() {
            found.set(None);
            return;
        }
        set_timeout(
            move || {
                if typing.try_get_value() == Some(ticket) {
                    search(session.client(), q, ticket);
                }
            },
            SEARCH_DELAY,
        );
    };
    let pick = move |c: &Customer| {
        errors.clear("/customer_id");
        customer.set(Some((c.id, c.name.clone())));
        text.set(String::new());
        found.set(None);
    };
    let error = move || errors.get("/customer_id");
    dynamic(move || match customer.get() {
        Some((id, name)) => view! {
            <div class="field">
                <span class="label">{tr(Key::CustomerLabel)}</span>
                <div class="picked">
                    {icon(Icon::Building)}
                    <Link route=AppRoute::Customer(id) class="picked-name" testid="complaint-customer">{name}</Link>
                    <button
                        type="button"
                        class="btn btn-sm btn-ghost"
                        data-testid="complaint-customer-change"
                        on:click=move |_| customer.set(None)
                    >
                        {tr(Key::ChangeKind)}
                    </button>
                </div>
            </div>
        }
        .into_any(),
        None => {
            let options = move || {
                found.get().map(|list| {
                    if list.is_empty() {
                        return view! { <p class="hint" data-testid="customer-none">{tr(Key::NoMatch)}</p> }.into_any();
                    }
                    let rows = list
                        .into_iter()
                        .map(|c| {
                            let meta = [c.phone.clone(), c.address.city.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            view! {
                                <li>
                                    <button type="button" class="pick-option" data-testid="customer-option" on:click=move |_| pick(&c)>
                                        <span class="pick-option-name">{c.name.clone()}</span>
                                        <span class="hint" hidden=meta.is_empty()>{meta.clone()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="pick-options" data-testid="customer-options">{rows}</ul> }.into_any()
                })
            };
            view! {
                <div class="field">
                    <label class="label" for="complaint-customer-search">{tr(Key::CustomerLabel)}</label>
                    <label class="search">
                        {icon(Icon::Search)}
                        <input
                            id="complaint-customer-search"
                            class="input"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            data-testid="complaint-customer-search"
                            placeholder=move || i18n.t(Key::SearchCustomers)
                            aria-invalid=move || if error().is_some() { "true" } else { "false" }
                            prop:value=text
                            on:input=on_input
                        />
                    </label>
                    <p class="field-error" data-testid="complaint-customer-error" hidden=move || error().is_none()>
                        {move || error().map(|k| i18n.t(k))}
                    </p>
                    {options}
                </div>
            }
            .into_any()
        }
    })
}
