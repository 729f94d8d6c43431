//! `/customers/new` and `/customers/{id}/edit`: one form for both. Creating a customer that looks
//! like one the user can see lists the look-alikes, so the user can open one instead, or create
//! the new one anyway.

use kehu_client::{ClientError, WriteOptions};
use kehu_core::customer::{
    Address, CreateCustomer, Customer, CustomerKind, CustomerLevel, CustomerSource, LifecycleStage, UpdateCustomer,
    normalize_tags,
};
use kehu_core::{DuplicateCandidate, ErrorCode};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::custom_fields::{CustomInputs, Resource, split};
use crate::components::form::{
    Choice, CreateKey, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, action_button, check_errors, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::notice::{Notice, use_notices};
use crate::components::states::{NotAllowed, PageHead, dynamic, live};
use crate::i18n::{I18n, Key, kind_key, level_key, matched_key, source_key, stage_key, tr, use_i18n};
use crate::pages::customers::view::{read, with_overview};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Handles `/customers/new`.
#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    dynamic(move || {
        if session.works_customers() {
            view! {
                <div class="page page-narrow">
                    <PageHead
                        title=Signal::derive(move || i18n.t(Key::NewCustomerTitle).to_owned())
                        back=(AppRoute::Customers, Key::NavCustomers)
                    />
                    <CustomerForm customer=None />
                </div>
            }
            .into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        }
    })
}

/// Handles `/customers/{id}/edit`.
#[component]
pub fn EditCustomerPage(id: Uuid) -> impl IntoView {
    with_overview(id, |ov| {
        let i18n = use_i18n();
        let session = use_session();
        let Some(c) = read(ov, |o| o.customer.clone()) else { return ().into_any() };
        if !session.may_change(c.owner_id) {
            return view! { <NotAllowed /> }.into_any();
        }
        let (id, name) = (c.id, c.name.clone());
        view! {
            <div class="page page-narrow">
                <PageHead
                    title=Signal::derive(move || i18n.t(Key::EditCustomerTitle).replace("{name}", &name))
                    back=(AppRoute::Customer(id), Key::BackToCustomer)
                />
                <CustomerForm customer=Some(c) />
            </div>
        }
        .into_any()
    })
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    name: String,
    kind: String,
    level: String,
    stage: String,
    source: String,
    phone: String,
    email: String,
    website: String,
    industry: String,
    province: String,
    city: String,
    street: String,
    postcode: String,
    tax_id: String,
    tags: String,
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Tags as typed: separated by commas, Chinese ones included.
fn tags(s: &str) -> Vec<String> {
    normalize_tags(&s.split([',', '，', '、', ';', '；']).map(str::to_owned).collect::<Vec<_>>())
}

impl Draft {
    fn of(c: &Customer) -> Draft {
        let part = |p: &Option<String>| p.clone().unwrap_or_default();
        Draft {
            name: c.name.clone(),
            kind: c.kind.as_str().to_owned(),
            level: c.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
            stage: c.lifecycle_stage.as_str().to_owned(),
            source: c.source.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            phone: part(&c.phone),
            email: part(&c.email),
            website: part(&c.website),
            industry: part(&c.industry),
            province: part(&c.address.province),
            city: part(&c.address.city),
            street: part(&c.address.street),
            postcode: part(&c.address.postcode),
            tax_id: part(&c.tax_id),
            tags: c.tags.join(", "),
        }
    }

    /// The address as typed; a country set elsewhere (an import) is kept.
    fn address(&self, country: Option<String>) -> Address {
        Address {
            country,
            province: text(&self.province),
            city: text(&self.city),
            street: text(&self.street),
            postcode: text(&self.postcode),
        }
    }

    fn create(&self) -> CreateCustomer {
        let address = self.address(None);
        CreateCustomer {
            kind: CustomerKind::parse(&self.kind),
            name: self.name.trim().to_owned(),
            industry: text(&self.industry),
            level: CustomerLevel::parse(&self.level),
            lifecycle_stage: LifecycleStage::parse(&self.stage),
            source: CustomerSource::parse(&self.source),
            phone: text(&self.phone),
            email: text(&self.email),
            website: text(&self.website),
            address: (!address.is_empty()).then_some(address),
            tax_id: text(&self.tax_id),
            tags: tags(&self.tags),
            ..CreateCustomer::default()
        }
    }

    /// A merge patch of only what changed, so an edit does not overwrite what it did not touch.
    fn changes(&self, c: &Customer) -> UpdateCustomer {
        fn diff<T: PartialEq>(new: T, old: T) -> Option<T> {
            (new != old).then_some(new)
        }
        let address = self.address(c.address.country.clone());
        UpdateCustomer {
            kind: CustomerKind::parse(&self.kind).filter(|k| *k != c.kind),
            name: diff(self.name.trim().to_owned(), c.name.clone()),
            industry: diff(text(&self.industry), c.industry.clone()),
            level: diff(CustomerLevel::parse(&self.level), c.level),
            lifecycle_stage: LifecycleStage::parse(&self.stage).filter(|s| *s != c.lifecycle_stage),
            source: diff(CustomerSource::parse(&self.source), c.source),
            phone: diff(text(&self.phone), c.phone.clone()),
            email: diff(text(&self.email), c.email.clone()),
            website: diff(text(&self.website), c.website.clone()),
            address: (address != c.address).then(|| (!address.is_empty()).then_some(address)),
            tax_id: diff(text(&self.tax_id), c.tax_id.clone()),
            tags: diff(tags(&self.tags), c.tags.clone()),
            ..UpdateCustomer::default()
        }
    }
}

fn is_empty(u: &UpdateCustomer) -> bool {
    serde_json::to_string(u).is_ok_and(|s| s == "{}")
}

/// The failed fields, with each tag's failure on the tags field.
fn marks(fields: Vec<(String, Key)>) -> Vec<(String, Key)> {
    fields.into_iter().map(|(p, k)| (if p.starts_with("/tags/") { "/tags".to_owned() } else { p }, k)).collect()
}

fn choices<T: Copy + 'static>(
    all: &[T],
    none: Option<Key>,
    value: fn(T) -> &'static str,
    key: fn(T) -> Key,
) -> Vec<Choice> {
    none.map(|k| Choice::key("", k)).into_iter().chain(all.iter().map(|v| Choice::key(value(*v), key(*v)))).collect()
}

#[component]
fn CustomerForm(customer: Option<Customer>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let router = use_router();
    let notices = use_notices();
    let creating = customer.is_none();
    let start = customer.as_ref().map(Draft::of).unwrap_or_else(|| Draft {
        kind: CustomerKind::Company.as_str().to_owned(),
        stage: LifecycleStage::Prospect.as_str().to_owned(),
        ..Draft::default()
    });
    let sig = |s: &String| RwSignal::new(s.clone());
    let (name, kind, level, stage, source) =
        (sig(&start.name), sig(&start.kind), sig(&start.level), sig(&start.stage), sig(&start.source));
    let (phone, email, website, industry) =
        (sig(&start.phone), sig(&start.email), sig(&start.website), sig(&start.industry));
    let (province, city, street, postcode) =
        (sig(&start.province), sig(&start.city), sig(&start.street), sig(&start.postcode));
    let (tax_id, tag_text) = (sig(&start.tax_id), sig(&start.tags));
    let draft = move || Draft {
        name: name.get_untracked(),
        kind: kind.get_untracked(),
        level: level.get_untracked(),
        stage: stage.get_untracked(),
        source: source.get_untracked(),
        phone: phone.get_untracked(),
        email: email.get_untracked(),
        website: website.get_untracked(),
        industry: industry.get_untracked(),
        province: province.get_untracked(),
        city: city.get_untracked(),
        street: street.get_untracked(),
        postcode: postcode.get_untracked(),
        tax_id: tax_id.get_untracked(),
        tags: tag_text.get_untracked(),
    };
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let duplicates = RwSignal::new(Vec::<DuplicateCandidate>::new());
    let custom =
        CustomInputs::new(Resource::Customers, customer.as_ref().map(|c| c.custom_fields.clone()).unwrap_or_default());
    let customer = StoredValue::new(customer);
    // A new look-alike check is due once the user changes what was compared.
    let edited = Callback::new(move |()| duplicates.set(Vec::new()));

    let finish = move |result: Result<Customer, ClientError>, key: Key| match result {
        Ok(saved) => {
            notices.push(Notice::new(key, saved.name.clone()));
            router.go(AppRoute::Customer(saved.id));
        }
        Err(e) => {
            if let ClientError::Api(problem) = &e
                && problem.code == ErrorCode::PossibleDuplicate
            {
                duplicates.set(problem.duplicates.clone());
                form_error.set(None);
                return;
            }
            let (fields, key) = write_error(&e);
            errors.set(marks(fields));
            form_error.set(Some(key));
        }
    };

    let submit = move |allow_duplicate: bool| {
        if pending.get_untracked() {
            return;
        }
        let d = draft();
        let client = session.client();
        match customer.get_value() {
            None => {
                let (custom_fields, custom_problems) = split(custom.values());
                let body =
                    CreateCustomer { allow_duplicate, custom_fields: custom_fields.unwrap_or_default(), ..d.create() };
                let mut problems = marks(check_errors(body.check()));
                problems.extend(custom_problems);
                if !problems.is_empty() {
                    errors.set(problems);
                    form_error.set(Some(Key::ErrCheckFields));
                    return;
                }
                errors.set(Vec::new());
                form_error.set(None);
                pending.set(true);
                spawn_local(async move {
                    let result = client.create_customer(&body, &key.options()).await;
                    key.settle(&result);
                    pending.try_set(false);
                    finish(result, Key::CustomerCreated);
                });
            }
            Some(c) => {
                let (custom_fields, custom_problems) = split(custom.changes(&c.custom_fields));
                let patch = UpdateCustomer { custom_fields: custom_fields.flatten(), ..d.changes(&c) };
                let mut problems = marks(check_errors(patch.check()));
                problems.extend(custom_problems);
                if !problems.is_empty() {
                    errors.set(problems);
                    form_error.set(Some(Key::ErrCheckFields));
                    return;
                }
                if is_empty(&patch) {
                    finish(Ok(c), Key::NoChanges);
                    return;
                }
                errors.set(Vec::new());
                form_error.set(None);
                pending.set(true);
                spawn_local(async move {
                    let result =
                        client.update_customer(&c.id.to_string(), &patch, &WriteOptions::if_match(c.version)).await;
                    pending.try_set(false);
                    finish(result, Key::CustomerSaved);
                });
            }
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit(false);
    };

    let field = move |f: FieldSpec| f.view(errors, Some(edited));
    let basics = [
        FieldSpec::text(Key::CustomerNameLabel, "customer-name", "/name", name)
            .placeholder(Key::CustomerNamePlaceholder),
        FieldSpec::select(
            Key::KindLabel,
            "customer-kind",
            "/kind",
            kind,
            choices(CustomerKind::ALL, None, CustomerKind::as_str, kind_key),
        ),
        FieldSpec::select(
            Key::LevelLabel,
            "customer-level",
            "/level",
            level,
            choices(CustomerLevel::ALL, Some(Key::NotSet), CustomerLevel::as_str, level_key),
        ),
        FieldSpec::select(
            Key::StageLabel,
            "customer-stage",
            "/lifecycle_stage",
            stage,
            choices(LifecycleStage::ALL, None, LifecycleStage::as_str, stage_key),
        ),
        FieldSpec::select(
            Key::SourceLabel,
            "customer-source",
            "/source",
            source,
            choices(CustomerSource::ALL, Some(Key::NotSet), CustomerSource::as_str, source_key),
        ),
        FieldSpec::text(Key::IndustryLabel, "customer-industry", "/industry", industry).optional(true),
    ];
    let reach = [
        FieldSpec::text(Key::PhoneLabel, "customer-phone", "/phone", phone).input(Input::Tel).optional(true),
        FieldSpec::text(Key::EmailLabel, "customer-email", "/email", email).input(Input::Email).optional(true),
        FieldSpec::text(Key::WebsiteLabel, "customer-website", "/website", website).input(Input::Url).optional(true),
    ];
    let place = [
        FieldSpec::text(Key::ProvinceLabel, "customer-province", "/address/province", province).optional(true),
        FieldSpec::text(Key::CityLabel, "customer-city", "/address/city", city).optional(true),
        FieldSpec::text(Key::StreetLabel, "customer-street", "/address/street", street).optional(true),
        FieldSpec::text(Key::PostcodeLabel, "customer-postcode", "/address/postcode", postcode).optional(true),
    ];
    let more = [
        FieldSpec::text(Key::TaxIdLabel, "customer-tax-id", "/tax_id", tax_id).optional(true),
        FieldSpec::text(Key::TagsLabel, "customer-tags", "/tags", tag_text).optional(true).hint(Key::TagsHint),
    ];
    let section = move |heading: Key, fields: Vec<FieldSpec>| {
        view! {
            <fieldset class="form-section">
                <legend class="form-section-title">{tr(heading)}</legend>
                <div class="form-grid">{fields.into_iter().map(field).collect_view()}</div>
            </fieldset>
        }
    };
    let cancel = customer.with_value(|c| c.as_ref().map_or(AppRoute::Customers, |c| AppRoute::Customer(c.id)));

    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="customer-form">
            <FormAlert error=form_error errors=errors testid="customer-form-error" />
            {section(Key::BasicsHeading, basics.into())}
            {section(Key::ReachHeading, reach.into())}
            {section(Key::AddressLabel, place.into())}
            {section(Key::MoreHeading, more.into())}
            {dynamic(move || {
                if custom.is_empty() {
                    return ().into_any();
                }
                section(Key::CustomFieldsHeading, custom.specs("customer")).into_any()
            })}
            {dynamic(move || {
                let found = duplicates.get();
                if found.is_empty() {
                    return ().into_any();
                }
                duplicate_panel(i18n, found, pending, move || submit(true)).into_any()
            })}
            <div class="form-actions">
                <Link route=cancel class="btn btn-ghost btn-cancel" testid="customer-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::CreateCustomer } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="customer-submit"
                />
            </div>
        </form>
    }
}

/// The customers the new one may be, each a link to open it instead, and a way to go on anyway.
fn duplicate_panel(
    i18n: I18n,
    found: Vec<DuplicateCandidate>,
    pending: RwSignal<bool>,
    create_anyway: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let rows = found
        .into_iter()
        .map(|d| {
            let on = move || {
                d.matched_on.iter().map(|m| i18n.t(matched_key(m))).collect::<Vec<_>>().join(i18n.t(Key::ListSeparator))
            };
            view! {
                <li>
                    <Link route=AppRoute::Customer(d.id) class="dup-link" testid="duplicate-link">
                        <span class="dup-name">{d.name.clone()}</span>
                        <span class="dup-on">{live(move || i18n.t(Key::MatchedOn).replace("{fields}", &on()))}</span>
                    </Link>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="alert alert-warning dup-panel" role="alert" data-testid="duplicates">
            {icon(Icon::Alert)}
            <div class="dup-body">
                <strong>{tr(Key::DuplicatesTitle)}</strong>
                <p>{tr(Key::DuplicatesHint)}</p>
                <ul class="dup-list">{rows}</ul>
                {action_button(
                    "btn btn-ghost",
                    "create-anyway",
                    Key::CreateAnyway,
                    pending.into(),
                    Signal::default(),
                    Callback::new(move |()| create_anyway()),
                )}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_any_comma() {
        assert_eq!(tags(" vip，华东, vip、 "), ["vip", "华东"]);
        assert!(tags("  ").is_empty());
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let draft = Draft {
            name: "华为技术有限公司".into(),
            kind: "company".into(),
            stage: "prospect".into(),
            city: "深圳".into(),
            tags: "vip".into(),
            ..Draft::default()
        };
        let created = draft.create();
        assert_eq!(created.address.as_ref().and_then(|a| a.city.as_deref()), Some("深圳"));
        assert_eq!(created.level, None);
        let when = chrono::DateTime::UNIX_EPOCH;
        let customer = Customer {
            object: "customer".into(),
            id: Uuid::nil(),
            kind: CustomerKind::Company,
            name: "华为技术有限公司".into(),
            industry: None,
            level: None,
            category: None,
            lifecycle_stage: LifecycleStage::Prospect,
            source: None,
            owner_id: None,
            phone: None,
            email: None,
            website: None,
            address: Address { city: Some("深圳".into()), ..Address::default() },
            tax_id: None,
            credit_rating: None,
            tags: vec!["vip".into()],
            custom_fields: Default::default(),
            external_id: None,
            value_tier: None,
            last_activity_at: None,
            version: 1,
            created_at: when,
            updated_at: when,
            created_by: None,
            updated_by: None,
        };
        assert!(is_empty(&draft.changes(&customer)));
        let patch = Draft { level: "a".into(), city: String::new(), ..draft }.changes(&customer);
        assert_eq!(patch.level, Some(Some(CustomerLevel::A)));
        assert_eq!(patch.address, Some(None));
        assert_eq!(patch.name, None);
    }
}
