//! `/products`: the catalog quotes draw from, searched as you type and read page by page; and
//! `/products/new`, `/products/{id}`: a product's form (administrators and managers change it,
//! everyone else reads it, without the cost).

use std::str::FromStr;
use std::time::Duration;

use kehu_client::{ClientError, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::product::{CreateProduct, CurrentPrices, Product, UpdateProduct};
use kehu_core::user::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::components::form::{
    Choice, CreateKey, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, checkbox, mark_checked, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::money::{CURRENCIES, money};
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic};
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::{Session, use_session};

const PAGE: i64 = 30;
/// How long typing must pause before the list is searched.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// Whether the signed-in user keeps the catalog.
fn keeps_catalog(session: Session) -> bool {
    matches!(session.role(), Some(Role::Admin | Role::Manager))
}

/// Handles `/products`.
#[component]
pub fn ProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let q = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<Product>::new());
    let cursor = RwSignal::new(None::<String>);
    let state = RwSignal::new(None::<Result<(), Key>>);
    let latest = StoredValue::new(0_u64);
    let load = move |more: bool| {
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        let mut query = ListQuery::new().limit(PAGE);
        let text = q.get_untracked();
        if !text.trim().is_empty() {
            query = query.search(text.trim());
        }
        if more {
            match cursor.get_untracked() {
                Some(c) => query = query.cursor(c),
                None => return,
            }
        } else {
            state.set(None);
        }
        let client = session.client();
        spawn_local(async move {
            let result = client.list_products(&query).await;
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(page) => {
                    if more {
                        rows.update(|r| r.extend(page.data));
                    } else {
                        rows.set(page.data);
                    }
                    cursor.set(page.next_cursor.filter(|_| page.has_more));
                    state.set(Some(Ok(())));
                }
                Err(e) => state.set(Some(Err(Key::for_error(&e)))),
            }
        });
    };
    load(false);
    let typed = StoredValue::new(0_u64);
    let on_input = move |ev| {
        q.set(event_target_value(&ev));
        typed.update_value(|n| *n += 1);
        let mine = typed.get_value();
        set_timeout(
            move || {
                if typed.try_get_value() == Some(mine) {
                    load(false);
                }
            },
            SEARCH_DELAY,
        );
    };
    let list = dynamic(move || match state.get() {
        None if rows.with(Vec::is_empty) => view! { <Loading testid="products-loading" /> }.into_any(),
        Some(Err(key)) => {
            view! { <LoadFailed error=key retry=Callback::new(move |()| load(false)) testid="products-error" /> }
                .into_any()
        }
        _ if rows.with(Vec::is_empty) => view! {
            <div class="state" data-testid="products-empty">
                <span class="state-icon">{icon(Icon::Note)}</span>
                <p class="state-title">{tr(Key::ProductsEmpty)}</p>
            </div>
        }
        .into_any(),
        _ => view! {
            <ul class="list card" data-testid="products-list">
                {rows.get().into_iter().map(product_row).collect_view()}
            </ul>
            {move || cursor.get().map(|_| view! {
                <button type="button" class="btn btn-ghost btn-block" on:click=move |_| load(true)>
                    {tr(Key::LoadMore)}
                </button>
            })}
        }
        .into_any(),
    });
    view! {
        <div class="page">
            <PageHead title=Signal::derive(move || i18n.t(Key::ProductsTitle).to_owned())>
                {keeps_catalog(session).then(|| view! {
                    <Link route=AppRoute::NewProduct class="btn btn-primary" testid="products-new">
                        {icon(Icon::Plus)}
                        <span>{tr(Key::NewProduct)}</span>
                    </Link>
                })}
            </PageHead>
            <div class="toolbar" role="search">
                <label class="search">
                    {icon(Icon::Search)}
                    <span class="visually-hidden">{tr(Key::SearchProducts)}</span>
                    <input
                        type="search"
                        class="input"
                        data-testid="products-search"
                        placeholder=move || i18n.t(Key::SearchProducts)
                        prop:value=move || q.get()
                        on:input=on_input
                    />
                </label>
            </div>
            {list}
        </div>
    }
}

fn product_row(p: Product) -> impl IntoView {
    let price = money(p.list_price, &p.currency);
    view! {
        <li class="crow" class:product-inactive=!p.active data-testid="product-row">
            <Link route=AppRoute::Product(p.id) class="crow-link" testid="product-link">
                <span class="crow-main">
                    <span class="crow-title">
                        <span class="crow-name">{p.name.clone()}</span>
                        {(!p.active).then(|| view! { <span class="badge">{tr(Key::Inactive)}</span> })}
                    </span>
                    <span class="crow-meta">
                        <code>{p.sku.clone()}</code>
                        <span>{format!("{price} / {}", p.unit)}</span>
                    </span>
                </span>
            </Link>
        </li>
    }
}

/// Handles `/products/new`.
#[component]
pub fn NewProductPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page page-narrow">
            <PageHead
                title=Signal::derive(move || i18n.t(Key::NewProduct).to_owned())
                back=(AppRoute::Products, Key::NavProducts)
            />
            <ProductForm product=None />
        </div>
    }
}

/// Handles `/products/{id}`.
#[component]
pub fn ProductPage(id: Uuid) -> impl IntoView {
    let session = use_session();
    let data = RwSignal::new(None::<Result<Product, ClientError>>);
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            data.try_set(Some(client.get_product(&id.to_string()).await));
        });
    };
    load();
    dynamic(move || match data.get() {
        None => view! { <div class="page"><Loading testid="product-loading" /></div> }.into_any(),
        Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) => view! { <NotFoundState /> }.into_any(),
        Some(Err(e)) => view! {
            <div class="page">
                <LoadFailed error=Key::for_error(&e) retry=Callback::new(move |()| load()) testid="product-error" />
            </div>
        }
        .into_any(),
        Some(Ok(p)) => {
            let name = p.name.clone();
            view! {
                <div class="page page-narrow">
                    <PageHead title=Signal::derive(move || name.clone()) back=(AppRoute::Products, Key::NavProducts) />
                    <ProductForm product=Some(p) />
                </div>
            }
            .into_any()
        }
    })
}

fn price(s: &str) -> Result<Option<Decimal>, ()> {
    let s = s.trim().replace(',', "");
    if s.is_empty() { Ok(None) } else { Decimal::from_str(&s).map(Some).map_err(|_| ()) }
}

#[component]
fn ProductForm(product: Option<Product>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let editable = keeps_catalog(session);
    let creating = product.is_none();
    let p = product.as_ref();
    let sku = RwSignal::new(p.map(|p| p.sku.clone()).unwrap_or_default());
    let name = RwSignal::new(p.map(|p| p.name.clone()).unwrap_or_default());
    let unit = RwSignal::new(p.map(|p| p.unit.clone()).unwrap_or_default());
    let currency = RwSignal::new(p.map(|p| p.currency.clone()).unwrap_or_else(|| "CNY".to_owned()));
    let list_price = RwSignal::new(p.map(|p| p.list_price.to_string()).unwrap_or_default());
    let cost = RwSignal::new(p.and_then(|p| p.cost.map(|c| c.to_string())).unwrap_or_default());
    let active = RwSignal::new(p.is_none_or(|p| p.active));
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let product = StoredValue::new(product);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || !editable {
            return;
        }
        let mut problems = Vec::new();
        let list = price(&list_price.get_untracked()).unwrap_or_else(|()| {
            problems.push(("/list_price".to_owned(), Key::ErrInvalidValue));
            None
        });
        if list.is_none() && problems.is_empty() {
            problems.push(("/list_price".to_owned(), Key::ErrRequired));
        }
        let cost_value = price(&cost.get_untracked()).unwrap_or_else(|()| {
            problems.push(("/cost".to_owned(), Key::ErrInvalidValue));
            None
        });
        let unit_text = unit.get_untracked().trim().to_owned();
        let client = session.client();
        let finish = move |result: Result<Product, ClientError>| match result {
            Ok(_) => router.go(AppRoute::Products),
            Err(e) => {
                let (fields, key) = write_error(&e);
                errors.set(fields);
                form_error.set(Some(key));
            }
        };
        let checked = move |problems, found| mark_checked(errors, form_error, pending, problems, found);
        match product.get_value() {
            None => {
                let body = CreateProduct {
                    sku: sku.get_untracked().trim().to_owned(),
                    name: name.get_untracked().trim().to_owned(),
                    unit: (!unit_text.is_empty()).then_some(unit_text),
                    currency: currency.get_untracked(),
                    list_price: list.unwrap_or_default(),
                    cost: cost_value,
                    active: active.get_untracked(),
                };
                let found = if problems.is_empty() { body.check() } else { Default::default() };
                if checked(problems, found) {
                    spawn_local(async move {
                        let result = client.create_product(&body, &key.options()).await;
                        key.settle(&result);
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
            Some(p) => {
                let new_currency = currency.get_untracked();
                let moved = new_currency != p.currency;
                let patch = UpdateProduct {
                    sku: Some(sku.get_untracked().trim().to_owned()).filter(|s| *s != p.sku),
                    name: Some(name.get_untracked().trim().to_owned()).filter(|n| *n != p.name),
                    unit: Some(unit_text).filter(|u| *u != p.unit).map(|u| (!u.is_empty()).then_some(u)),
                    currency: moved.then_some(new_currency),
                    list_price: list.filter(|l| moved || *l != p.list_price),
                    cost: Some(cost_value).filter(|c| moved || *c != p.cost),
                    active: Some(active.get_untracked()).filter(|a| *a != p.active),
                };
                let found = patch.check(CurrentPrices { currency: &p.currency, has_cost: p.cost.is_some() });
                if problems.is_empty() && serde_json::to_string(&patch).is_ok_and(|s| s == "{}") {
                    router.go(AppRoute::Products);
                } else if checked(problems, found) {
                    spawn_local(async move {
                        let opts = WriteOptions::if_match(p.version);
                        let result = client.update_product(&p.id.to_string(), &patch, &opts).await;
                        pending.try_set(false);
                        finish(result);
                    });
                }
            }
        }
    };
    let currencies = CURRENCIES.iter().map(|c| Choice::text(*c, *c)).collect();
    let mut fields = vec![
        FieldSpec::text(Key::SkuLabel, "product-sku", "/sku", sku),
        FieldSpec::text(Key::NameLabel, "product-name", "/name", name),
        FieldSpec::text(Key::UnitLabel, "product-unit", "/unit", unit).optional(true),
        FieldSpec::select(Key::CurrencyLabel, "product-currency", "/currency", currency, currencies),
        FieldSpec::text(Key::ListPriceLabel, "product-price", "/list_price", list_price).input(Input::Decimal),
    ];
    // Costs are for the people who keep the catalog; the server sends none to the others.
    if editable {
        fields
            .push(FieldSpec::text(Key::CostLabel, "product-cost", "/cost", cost).input(Input::Decimal).optional(true));
    }
    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="product-form">
            <FormAlert error=form_error errors=errors testid="product-form-error" />
            <fieldset class="form-section" disabled=!editable>
                <div class="form-grid">{fields.into_iter().map(|f| f.view(errors, None)).collect_view()}</div>
                <div class="checks">{checkbox(Key::ProductActiveLabel, "product-active", active)}</div>
            </fieldset>
            <div class="form-actions" hidden=!editable>
                <Link route=AppRoute::Products class="btn btn-ghost btn-cancel" testid="product-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::NewProduct } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="product-submit"
                />
            </div>
        </form>
    }
}
