//! `/contacts/{id}` and `/contacts/new?customer_id=…`: a person at a customer, how to reach them
//! and how they want to be reached.

use chrono::NaiveDate;
use kehu_client::{ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::contact::{Contact, ContactChannel, CreateContact, DoNotContact, UpdateContact};
use kehu_core::customer::Customer;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::custom_fields::{CustomInputs, Resource, split};
use crate::components::form::{
    Choice, CreateKey, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, checkbox, mark_checked, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::notice::{Notice, use_notices};
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic};
use crate::components::time::{self, Day};
use crate::i18n::{Key, channel_key, tr, use_i18n};
use crate::pages::customers::parts::tel_href;
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

type Loaded = RwSignal<Option<Result<(Option<Contact>, Customer), ClientError>>>;

/// Handles `/contacts/{id}`.
#[component]
pub fn ContactPage(id: Uuid) -> impl IntoView {
    contact_page(Some(id), None)
}

/// Handles `/contacts/new?customer_id=…`.
#[component]
pub fn NewContactPage(customer: Uuid) -> impl IntoView {
    contact_page(None, Some(customer))
}

/// Reads the contact, then its customer, whose owner decides whether the user may change it.
fn contact_page(id: Option<Uuid>, customer: Option<Uuid>) -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let data: Loaded = RwSignal::new(None);
    let load = move || {
        data.set(None);
        let client = session.client();
        spawn_local(async move {
            let result = async {
                let contact = match id {
                    Some(id) => Some(client.get_contact(&id.to_string()).await?),
                    None => None,
                };
                let customer_id = contact.as_ref().map(|c| c.customer_id).or(customer).unwrap_or_default();
                let customer = client.get_customer(&customer_id.to_string()).await?;
                Ok((contact, customer))
            }
            .await;
            data.try_set(Some(result));
        });
    };
    load();
    dynamic(move || match data.get() {
        None => view! { <div class="page"><Loading testid="contact-loading" /></div> }.into_any(),
        Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) => view! { <NotFoundState /> }.into_any(),
        Some(Err(e)) => view! {
            <div class="page">
                <LoadFailed error=Key::for_error(&e) retry=Callback::new(move |()| load()) testid="contact-error" />
            </div>
        }
        .into_any(),
        Some(Ok((contact, customer))) => {
            let title = contact.as_ref().map(|c| c.name.clone());
            let title = move || title.clone().unwrap_or_else(|| i18n.t(Key::NewContactTitle).to_owned());
            let editable = session.may_change(customer.owner_id);
            let reach_links = contact.as_ref().map(reach);
            view! {
                <div class="page page-narrow">
                    <PageHead
                        title=Signal::derive(title)
                        back=(AppRoute::Customer(customer.id), Key::BackToCustomer)
                    />
                    <p class="page-lede contact-of">
                        {icon(Icon::Building)}
                        <Link route=AppRoute::Customer(customer.id) testid="contact-customer">
                            {customer.name.clone()}
                        </Link>
                    </p>
                    {reach_links}
                    <ContactForm contact=contact customer=customer.id editable=editable />
                </div>
            }
            .into_any()
        }
    })
    .into_any()
}

/// Call, text and mail links, leaving out the channels the person asked not to be reached by.
fn reach(c: &Contact) -> AnyView {
    let dnc = c.do_not_contact;
    let link = |href: String, label: String, glyph: Icon, testid: &'static str| {
        view! {
            <a class="btn btn-ghost reach-link" href=href data-testid=testid>
                {icon(glyph)}
                <span>{label}</span>
            </a>
        }
    };
    let phones = [c.mobile.clone(), c.phone.clone()].into_iter().flatten().filter(|_| !dnc.phone);
    let calls = phones.map(|p| link(tel_href(&p), p, Icon::Phone, "contact-tel")).collect_view();
    let mail =
        c.email.clone().filter(|_| !dnc.email).map(|e| link(format!("mailto:{e}"), e, Icon::Mail, "contact-mailto"));
    let refused = dnc.phone || dnc.email || dnc.sms;
    view! {
        <div class="reach">
            {calls}
            {mail}
            {refused.then(|| view! { <span class="badge badge-danger">{tr(Key::DoNotContactBadge)}</span> })}
        </div>
    }
    .into_any()
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    name: String,
    title: String,
    department: String,
    phone: String,
    mobile: String,
    email: String,
    birthday: String,
    channel: String,
    notes: String,
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn date(s: &str) -> Option<NaiveDate> {
    Day::parse(s).and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month, d.day))
}

fn diff<T: PartialEq>(new: T, old: &T) -> Option<T> {
    (new != *old).then_some(new)
}

#[component]
fn ContactForm(contact: Option<Contact>, customer: Uuid, editable: bool) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let notices = use_notices();
    let creating = contact.is_none();
    let c = contact.as_ref();
    let s = |f: fn(&Contact) -> Option<String>| RwSignal::new(c.and_then(f).unwrap_or_default());
    let name = RwSignal::new(c.map(|c| c.name.clone()).unwrap_or_default());
    let title = s(|c| c.title.clone());
    let department = s(|c| c.department.clone());
    let phone = s(|c| c.phone.clone());
    let mobile = s(|c| c.mobile.clone());
    let email = s(|c| c.email.clone());
    let birthday = s(|c| c.birthday.map(|b| b.to_string()));
    let channel = s(|c| c.preferred_channel.map(|p| p.as_str().to_owned()));
    let notes = s(|c| c.notes.clone());
    let primary = RwSignal::new(c.is_some_and(|c| c.is_primary));
    let dnc = c.map(|c| c.do_not_contact).unwrap_or_default();
    let (no_email, no_phone, no_sms) = (RwSignal::new(dnc.email), RwSignal::new(dnc.phone), RwSignal::new(dnc.sms));
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let custom = CustomInputs::new(Resource::Contacts, c.map(|c| c.custom_fields.clone()).unwrap_or_default());
    let contact = StoredValue::new(contact);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || !editable {
            return;
        }
        let d = Draft {
            name: name.get_untracked(),
            title: title.get_untracked(),
            department: department.get_untracked(),
            phone: phone.get_untracked(),
            mobile: mobile.get_untracked(),
            email: email.get_untracked(),
            birthday: birthday.get_untracked(),
            channel: channel.get_untracked(),
            notes: notes.get_untracked(),
        };
        let flags = DoNotContact {
            email: no_email.get_untracked(),
            phone: no_phone.get_untracked(),
            sms: no_sms.get_untracked(),
        };
        let is_primary = primary.get_untracked();
        let today = time::today();
        let today = NaiveDate::from_ymd_opt(today.year as i32, today.month, today.day).unwrap_or_default();
        let mut problems = Vec::new();
        if !d.birthday.trim().is_empty() && date(&d.birthday).is_none() {
            problems.push(("/birthday".to_owned(), Key::ErrInvalidValue));
        }
        let client = session.client();
        let finish = move |result: Result<Contact, ClientError>| match result {
            Ok(saved) => {
                let key = if creating { Key::ContactCreated } else { Key::ContactSaved };
                notices.push(Notice::new(key, saved.name));
                router.go(AppRoute::Customer(saved.customer_id));
            }
            Err(e) => {
                let (fields, key) = write_error(&e);
                errors.set(fields);
                form_error.set(Some(key));
            }
        };
        // The checks the server makes too, made first so a phone on a slow network gets its answer at once.
        let checked = move |problems, found| mark_checked(errors, form_error, pending, problems, found);
        match contact.get_value() {
            None => {
                let (custom_fields, custom_problems) = split(custom.values());
                problems.extend(custom_problems);
                let body = CreateContact {
                    customer_id: customer,
                    name: d.name.trim().to_owned(),
                    title: text(&d.title),
                    department: text(&d.department),
                    phone: text(&d.phone),
                    mobile: text(&d.mobile),
                    email: text(&d.email),
                    birthday: date(&d.birthday),
                    preferred_channel: ContactChannel::parse(&d.channel),
                    do_not_contact: Some(flags),
                    is_primary,
                    notes: text(&d.notes),
                    custom_fields: custom_fields.unwrap_or_default(),
                };
                if checked(problems, body.check(today)) {
                    spawn_local(async move {
                        let result = client.create_contact(&body, &key.options()).await;
                        key.settle(&result);
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
            Some(c) => {
                let (custom_fields, custom_problems) = split(custom.changes(&c.custom_fields));
                problems.extend(custom_problems);
                let patch = UpdateContact {
                    name: diff(d.name.trim().to_owned(), &c.name),
                    title: diff(text(&d.title), &c.title),
                    department: diff(text(&d.department), &c.department),
                    phone: diff(text(&d.phone), &c.phone),
                    mobile: diff(text(&d.mobile), &c.mobile),
                    email: diff(text(&d.email), &c.email),
                    birthday: diff(date(&d.birthday), &c.birthday),
                    preferred_channel: diff(ContactChannel::parse(&d.channel), &c.preferred_channel),
                    do_not_contact: diff(flags, &c.do_not_contact),
                    is_primary: diff(is_primary, &c.is_primary),
                    notes: diff(text(&d.notes), &c.notes),
                    custom_fields: custom_fields.flatten(),
                    ..UpdateContact::default()
                };
                if problems.is_empty() && serde_json::to_string(&patch).is_ok_and(|s| s == "{}") {
                    router.go(AppRoute::Customer(c.customer_id));
                } else if checked(problems, patch.check(today)) {
                    spawn_local(async move {
                        let opts = WriteOptions::if_match(c.version);
                        let result = client.update_contact(&c.id.to_string(), &patch, &opts).await;
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
        }
    };

    let channels = std::iter::once(Choice::key("", Key::NotSet))
        .chain(ContactChannel::ALL.iter().map(|c| Choice::key(c.as_str(), channel_key(*c))))
        .collect();
    let fields = [
        FieldSpec::text(Key::NameLabel, "contact-name", "/name", name).input(Input::PersonName),
        FieldSpec::text(Key::JobTitleLabel, "contact-title", "/title", title).optional(true),
        FieldSpec::text(Key::DepartmentLabel, "contact-department", "/department", department).optional(true),
        FieldSpec::text(Key::MobileLabel, "contact-mobile", "/mobile", mobile).input(Input::Tel).optional(true),
        FieldSpec::text(Key::PhoneLabel, "contact-phone", "/phone", phone).input(Input::Tel).optional(true),
        FieldSpec::text(Key::EmailLabel, "contact-email", "/email", email).input(Input::Email).optional(true),
        FieldSpec::text(Key::BirthdayLabel, "contact-birthday", "/birthday", birthday)
            .input(Input::Date)
            .optional(true),
        FieldSpec::select(Key::ChannelLabel, "contact-channel", "/preferred_channel", channel, channels),
        FieldSpec::text(Key::NotesLabel, "contact-notes", "/notes", notes).area().optional(true),
    ];
    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="contact-form">
            <FormAlert error=form_error errors=errors testid="contact-form-error" />
            <fieldset class="form-section" disabled=!editable>
                <div class="form-grid">{fields.into_iter().map(|f| f.view(errors, None)).collect_view()}</div>
                {dynamic(move || {
                    let specs = custom.specs("contact");
                    view! { <div class="form-grid">{specs.into_iter().map(|f| f.view(errors, None)).collect_view()}</div> }
                        .into_any()
                })}
                <div class="checks">
                    {checkbox(Key::PrimaryLabel, "contact-primary", primary)}
                    <p class="form-section-title">{tr(Key::DoNotContactLabel)}</p>
                    {checkbox(Key::NoEmail, "contact-no-email", no_email)}
                    {checkbox(Key::NoCalls, "contact-no-phone", no_phone)}
                    {checkbox(Key::NoSms, "contact-no-sms", no_sms)}
                </div>
            </fieldset>
            <div class="form-actions" hidden=!editable>
                <Link route=AppRoute::Customer(customer) class="btn btn-ghost btn-cancel" testid="contact-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::AddContact } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="contact-submit"
                />
            </div>
        </form>
    }
}
