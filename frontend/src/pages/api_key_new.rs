//! Making an API key: the form, and the panel that shows the new key's secret this one time.

use std::time::Duration;

use kehu_client::WriteOptions;
use kehu_core::api_key::{CreateApiKey, CreatedApiKey, RESOURCES, SPECIAL_SCOPES, Scope, all_scopes, role_scopes};
use kehu_core::user::Role;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::clipboard::copy_text;
use crate::components::form::{
    FieldErrors, FieldSpec, FormAlert, Input, Label, SubmitButton, check_errors, write_error,
};
use crate::components::icons::{Icon, icon};
use crate::components::time::{self, Day};
use crate::i18n::{I18n, Key, tr, use_i18n};
use crate::session::use_session;

/// How long "Copied" stays on the button.
const COPIED_FOR: Duration = Duration::from_secs(3);

type Errors = Vec<(String, Key)>;

/// One line of the scope picker: a kind of record, and which of its scopes the user may grant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ScopeRow {
    resource: &'static str,
    read: bool,
    write: bool,
}

/// The lines of the picker for someone who holds `held`; a kind of record they may neither read
/// nor write is left out, since a key can never carry more than its owner holds.
fn scope_rows(held: &[Scope]) -> Vec<ScopeRow> {
    let holds = |resource: &str, write: bool| Scope::of(resource, write).is_some_and(|s| held.contains(&s));
    RESOURCES
        .into_iter()
        .map(|resource| ScopeRow { resource, read: holds(resource, false), write: holds(resource, true) })
        .filter(|row| row.read || row.write)
        .collect()
}

/// The scopes outside the grid (reports, webhooks, administration) that `held` includes.
fn special_scopes(held: &[Scope]) -> Vec<Scope> {
    SPECIAL_SCOPES.into_iter().filter(|s| held.contains(s)).collect()
}

fn resource_label(resource: &'static str) -> Label {
    let key = match resource {
        "customers" => Key::ResCustomers,
        "contacts" => Key::ResContacts,
        "leads" => Key::ResLeads,
        "products" => Key::ResProducts,
        "quotes" => Key::ResQuotes,
        "purchases" => Key::ResPurchases,
        "complaints" => Key::ResComplaints,
        "activities" => Key::ResActivities,
        "users" => Key::NavUsers,
        "teams" => Key::NavTeams,
        // A kind of record newer than this page is still offered, under the API's own name.
        other => return Label::Text(other.to_owned()),
    };
    Label::Key(key)
}

fn special_label(scope: Scope) -> Label {
    match scope {
        Scope::AnalyticsRead => Label::Key(Key::ScopeAnalytics),
        Scope::WebhooksManage => Label::Key(Key::ScopeWebhooks),
        Scope::Admin => Label::Key(Key::ScopeAdmin),
        other => Label::Text(other.as_str().to_owned()),
    }
}

fn label_text(i18n: I18n, label: &Label) -> String {
    match label {
        Label::Key(k) => i18n.t(*k).to_owned(),
        Label::Text(t) => t.clone(),
    }
}

/// A form that passed the checks made before sending.
#[derive(Debug, Clone, PartialEq)]
struct Checked {
    name: String,
    scopes: Vec<String>,
    expires: Option<Day>,
}

/// The checks the server makes too (the shared ones of `kehu-core`, and the day of expiry),
/// made first so the answer is immediate.
fn check(name: &str, chosen: &[String], expiry: &str, today: Day, role: Role) -> Result<Checked, Errors> {
    // Sent in the API's order, whatever order they were ticked in.
    let scopes: Vec<String> =
        all_scopes().into_iter().map(|s| s.as_str().to_owned()).filter(|s| chosen.contains(s)).collect();
    let body = CreateApiKey { name: name.trim().to_owned(), scopes, expires_at: None };
    let mut errors = merge_scope_errors(check_errors(body.check_fields(role)));
    let CreateApiKey { name, scopes, .. } = body;
    let expires = match expiry.trim() {
        "" => None,
        text => match Day::parse(text) {
            Some(day) if day < today => {
                errors.push(("/expires_at".to_owned(), Key::ErrDateInPast));
                None
            }
            Some(day) => Some(day),
            None => {
                errors.push(("/expires_at".to_owned(), Key::ErrInvalidValue));
                None
            }
        },
    };
    if errors.is_empty() { Ok(Checked { name, scopes, expires }) } else { Err(errors) }
}

/// The server names each refused scope (`/scopes/3`); the form has one place for all of them.
fn merge_scope_errors(fields: Errors) -> Errors {
    let mut merged: Errors = Vec::with_capacity(fields.len());
    for (pointer, key) in fields {
        let pointer = if pointer.starts_with("/scopes/") { "/scopes".to_owned() } else { pointer };
        if !merged.iter().any(|(p, _)| *p == pointer) {
            merged.push((pointer, key));
        }
    }
    merged
}

/// A tick box for one scope, named for screen readers by its row and column.
fn scope_box(scope: String, label: Signal<String>, chosen: RwSignal<Vec<String>>, errors: FieldErrors) -> AnyView {
    let testid = format!("scope-{scope}");
    let checked = {
        let scope = scope.clone();
        move || chosen.with(|c| c.contains(&scope))
    };
    view! {
        <input
            type="checkbox"
            class="checkbox"
            data-testid=testid
            aria-label=move || label.get()
            aria-describedby="api-key-scopes-error"
            prop:checked=checked
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                chosen
                    .update(|c| {
                        c.retain(|s| *s != scope);
                        if on {
                            c.push(scope.clone());
                        }
                    });
                errors.clear("/scopes");
            }
        />
    }
    .into_any()
}

#[component]
pub fn NewKeyForm(on_created: Callback<CreatedApiKey>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Someone signed in has a role; the narrowest stands in until the session is known.
    let role = untrack(|| session.with_me(|m| m.map(|m| m.role))).unwrap_or(Role::Service);
    let held = role_scopes(role);
    let today = time::today();
    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);

    let fail = move |fields: Errors| {
        errors.set(fields);
        form_error.set(Some(Key::ErrCheckFields));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let checked = chosen.with_untracked(|c| check(&name.get_untracked(), c, &expiry.get_untracked(), today, role));
        let checked = match checked {
            Ok(checked) => checked,
            Err(fields) => return fail(fields),
        };
        let expires_at = match checked.expires.map(Day::end) {
            None => None,
            Some(Some(end)) => Some(end),
            Some(None) => return fail(vec![("/expires_at".to_owned(), Key::ErrInvalidValue)]),
        };
        errors.set(Vec::new());
        form_error.set(None);
        pending.set(true);
        let client = session.client();
        spawn_local(async move {
            let body = CreateApiKey { name: checked.name, scopes: checked.scopes, expires_at };
            // No idempotency key: the server would keep the answer, secret and all, to replay it.
            let result = client.create_api_key(&body, &WriteOptions::default()).await;
            pending.try_set(false);
            match result {
                Ok(created) => on_created.run(created),
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    errors.set(merge_scope_errors(fields));
                    form_error.set(Some(key));
                }
            }
        });
    };

    let scope_error = move || errors.get("/scopes");
    let rows = scope_rows(&held)
        .into_iter()
        .map(|row| {
            let label = resource_label(row.resource);
            let name = Signal::derive(move || label_text(i18n, &label));
            let cell = move |allowed: bool, column: Key, scope: String| {
                let aria = Signal::derive(move || format!("{}: {}", name.get(), i18n.t(column)));
                if allowed {
                    view! { <label class="scope-cell">{scope_box(scope, aria, chosen, errors)}</label> }.into_any()
                } else {
                    view! { <span class="scope-cell scope-none" aria-hidden="true">"–"</span> }.into_any()
                }
            };
            let read = cell(row.read, Key::ScopeRead, format!("{}:read", row.resource));
            let write = cell(row.write, Key::ScopeWrite, format!("{}:write", row.resource));
            view! {
                <div class="scope-row" role="group" aria-label=move || name.get()>
                    <span class="scope-name">{move || name.get()}</span>
                    {read}
                    {write}
                </div>
            }
        })
        .collect_view();
    let specials = special_scopes(&held);
    let others = (!specials.is_empty()).then(|| {
        let items = specials
            .into_iter()
            .map(|scope| {
                let label = special_label(scope);
                let scope = scope.as_str();
                let text = Signal::derive(move || label_text(i18n, &label));
                view! {
                    <li>
                        <label class="check">
                            {scope_box(scope.to_owned(), text, chosen, errors)}
                            <span class="check-text">
                                <span>{move || text.get()}</span>
                                <code class="scope-code">{scope}</code>
                            </span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="scope-subhead">{tr(Key::ScopeOther)}</p>
            <ul class="check-list">{items}</ul>
        }
    });

    view! {
        <section class="card key-form" aria-labelledby="new-key-heading" data-testid="api-key-form-card">
            <h2 class="card-title" id="new-key-heading">
                {tr(Key::NewKeyHeading)}
            </h2>
            <form class="form" novalidate on:submit=on_submit data-testid="api-key-form">
                <FormAlert error=form_error errors=errors testid="api-key-form-error" />
                <div class="form-grid">
                    {[
                        FieldSpec::text(Key::ApiKeyNameLabel, "api-key-name", "/name", name)
                            .placeholder(Key::ApiKeyNamePlaceholder)
                            .hint(Key::ApiKeyNameHint),
                        FieldSpec::text(Key::ExpiryLabel, "api-key-expiry", "/expires_at", expiry)
                            .input(Input::Date)
                            .optional(true)
                            .hint(Key::ExpiryHint)
                            .min(today.iso()),
                    ]
                        .into_iter()
                        .map(|f| f.view(errors, None))
                        .collect_view()}
                </div>
                <fieldset class="field scopes">
                    <legend class="label">{tr(Key::ScopesLabel)}</legend>
                    <p class="hint">{tr(Key::ScopesHint)}</p>
                    <div class="scope-table" data-invalid=move || scope_error().is_some().then_some("true")>
                        <div class="scope-row scope-head" aria-hidden="true">
                            <span class="scope-name">{tr(Key::ScopeRecords)}</span>
                            <span class="scope-cell">{tr(Key::ScopeRead)}</span>
                            <span class="scope-cell">{tr(Key::ScopeWrite)}</span>
                        </div>
                        {rows}
                    </div>
                    {others}
                    <p
                        class="field-error"
                        id="api-key-scopes-error"
                        data-testid="api-key-scopes-error"
                        hidden=move || scope_error().is_none()
                    >
                        {move || scope_error().map(|k| i18n.t(k))}
                    </p>
                </fieldset>
                <div class="form-actions">
                    <button
                        type="button"
                        class="btn btn-ghost btn-cancel"
                        data-testid="api-key-cancel"
                        on:click=move |_| on_cancel.run(())
                    >
                        {tr(Key::Cancel)}
                    </button>
                    <SubmitButton label=Key::ApiKeyCreate busy_label=Key::Creating pending=pending testid="api-key-submit" />
                </div>
            </form>
        </section>
    }
}

/// The new key's secret, shown this once. "Done" closes the panel, which drops the secret: this
/// panel and the page's note of what it shows are the only places that hold it, and the API keeps
/// only its hash.
#[component]
pub fn SecretPanel(name: String, secret: String, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let panel = NodeRef::<html::Section>::new();
    let field = NodeRef::<html::Textarea>::new();
    let secret = StoredValue::new(secret);
    // `Some(false)` when the browser would not copy: the user then copies by hand.
    let copied = RwSignal::new(None::<bool>);
    let attempt = StoredValue::new(0_u64);

    // Brings the panel into view (the form that made the key may have been scrolled far down) and
    // lets a screen reader start reading from it.
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    let select = move || {
        if let Some(field) = field.get_untracked() {
            field.select();
        }
    };
    let copy = move |_| {
        attempt.update_value(|n| *n += 1);
        let mine = attempt.get_value();
        let text = secret.get_value();
        spawn_local(async move {
            let ok = copy_text(&text).await;
            if !ok {
                select();
            }
            copied.try_set(Some(ok));
            if ok {
                set_timeout(
                    move || {
                        if attempt.try_get_value() == Some(mine) {
                            copied.try_set(None);
                        }
                    },
                    COPIED_FOR,
                );
            }
        });
    };
    view! {
        <section
            class="card secret-panel"
            tabindex="-1"
            node_ref=panel
            aria-labelledby="secret-heading"
            data-testid="api-key-secret-panel"
        >
            <h2 class="secret-title" id="secret-heading">
                <span class="secret-title-icon">{icon(Icon::Check)}</span>
                <span>{move || i18n.t(Key::ApiKeyCreatedTitle).replace("{name}", &name)}</span>
            </h2>
            <div class="alert alert-warning" data-testid="api-key-secret-warning">
                {icon(Icon::Alert)}
                <strong>{tr(Key::SecretWarning)}</strong>
            </div>
            <div class="field">
                <label class="label" for="api-key-secret">
                    {tr(Key::SecretLabel)}
                </label>
                <textarea
                    id="api-key-secret"
                    class="input secret"
                    readonly=true
                    rows="2"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    data-testid="api-key-secret"
                    node_ref=field
                    prop:value=move || secret.get_value()
                    on:focus=move |_| select()
                ></textarea>
            </div>
            <div class="secret-actions">
                <button type="button" class="btn btn-primary" data-testid="api-key-copy" on:click=copy>
                    {icon(Icon::Copy)}
                    <span aria-live="polite">{move || i18n.t(if copied.get() == Some(true) { Key::Copied } else { Key::Copy })}</span>
                </button>
                <p class="field-error" role="alert" data-testid="api-key-copy-failed" hidden=move || copied.get() != Some(false)>
                    {tr(Key::CopyFailed)}
                </p>
            </div>
            <div class="secret-usage">
                <p class="hint">{tr(Key::SecretHint)}</p>
                <code class="code-line">"Authorization: Bearer kehu_…"</code>
                <p class="hint">{tr(Key::SecretSafety)}</p>
            </div>
            <div class="secret-done">
                <button type="button" class="btn btn-ghost" data-testid="api-key-done" on:click=move |_| on_done.run(())>
                    {tr(Key::Done)}
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: u32, month: u32, day: u32) -> Day {
        Day { year, month, day }
    }

    #[test]
    fn the_picker_offers_what_the_role_holds() {
        let service = scope_rows(&role_scopes(Role::Service));
        let customers = service.iter().find(|r| r.resource == "customers");
        assert_eq!(customers, Some(&ScopeRow { resource: "customers", read: true, write: false }));
        assert!(!service.iter().any(|r| r.resource == "leads"), "{service:?}");
        assert!(special_scopes(&role_scopes(Role::Service)).is_empty());
        assert_eq!(special_scopes(&role_scopes(Role::Sales)), [Scope::AnalyticsRead]);
        // An administrator is offered every scope there is.
        let admin = role_scopes(Role::Admin);
        let offered = scope_rows(&admin).iter().map(|r| usize::from(r.read) + usize::from(r.write)).sum::<usize>()
            + special_scopes(&admin).len();
        assert_eq!(offered, all_scopes().len());
    }

    #[test]
    fn the_form_is_checked_before_sending() {
        let today = day(2026, 3, 10);
        let chosen = vec!["leads:write".to_owned(), "customers:read".to_owned()];
        let ok = check(" Website ", &chosen, "2026-03-10", today, Role::Sales).expect("valid");
        assert_eq!(ok.name, "Website");
        assert_eq!(ok.scopes, ["customers:read", "leads:write"]);
        assert_eq!(ok.expires, Some(today));
        assert_eq!(check("x", &chosen, "", today, Role::Sales).map(|c| c.expires), Ok(None));

        let pointers = |r: Result<Checked, Errors>| r.err().unwrap_or_default();
        assert_eq!(
            pointers(check(" ", &[], "2026-03-09", today, Role::Sales)),
            [
                ("/name".to_owned(), Key::ErrRequired),
                ("/scopes".to_owned(), Key::ErrNoScopes),
                ("/expires_at".to_owned(), Key::ErrDateInPast),
            ]
        );
        assert_eq!(
            pointers(check(&"x".repeat(101), &chosen, "", today, Role::Sales)),
            [("/name".to_owned(), Key::ErrTooLong)]
        );
        // The role's own scopes only, by the same check the server makes.
        let admins_only = vec!["users:write".to_owned()];
        assert_eq!(
            pointers(check("x", &admins_only, "", today, Role::Sales)),
            [("/scopes".to_owned(), Key::ErrScopeNotHeld)]
        );
        assert!(check("x", &admins_only, "", today, Role::Admin).is_ok());
    }

    #[test]
    fn refused_scopes_are_marked_once() {
        let fields = vec![
            ("/scopes/0".to_owned(), Key::ErrScopeNotHeld),
            ("/scopes/2".to_owned(), Key::ErrScopeUnknown),
            ("/name".to_owned(), Key::ErrTooLong),
        ];
        assert_eq!(
            merge_scope_errors(fields),
            [("/scopes".to_owned(), Key::ErrScopeNotHeld), ("/name".to_owned(), Key::ErrTooLong)]
        );
    }
}
