//! `/api-keys`: the keys a user has made for their integrations. Every role may make them; an
//! administrator also sees everyone else's, to revoke one that leaked.

use chrono::{DateTime, Utc};
use kehu_client::{ClientError, ListQuery};
use kehu_core::api_key::{ApiKey, CreatedApiKey};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::dialog::confirm;
use crate::components::form::{FieldErrors, FormAlert, SuccessAlert};
use crate::components::icons::{Icon, icon};
use crate::components::notice::Notice;
use crate::components::shell::AccountTabs;
use crate::components::states::{LoadFailed, Loading, PageHead};
use crate::components::time;
use crate::data::{Loaded, all_pages, load_directory};
use crate::i18n::{I18n, Key, tr, use_i18n};
use crate::pages::api_key_new::{NewKeyForm, SecretPanel};
use crate::session::use_session;

/// What the top of the page holds besides the list.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    Closed,
    Form,
    /// A key just made, with its secret; gone for good once the user says they are done.
    Secret {
        name: String,
        secret: String,
    },
}

/// Whether a key still opens the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Expired,
    Revoked,
}

fn state(key: &ApiKey, now: DateTime<Utc>) -> State {
    if key.revoked_at.is_some() {
        State::Revoked
    } else if key.expires_at.is_some_and(|t| t <= now) {
        State::Expired
    } else {
        State::Active
    }
}

type Keys = RwSignal<Option<Result<Vec<ApiKey>, ClientError>>>;

/// Handles `/api-keys`.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let keys: Keys = RwSignal::new(None);
    let panel = RwSignal::new(Panel::Closed);
    let notice = RwSignal::new(None::<Notice>);
    let failure = RwSignal::new(None::<Key>);
    let latest = StoredValue::new(0_u64);

    let load = move || {
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        let client = session.client();
        keys.set(None);
        spawn_local(async move {
            // Newest first, as the API lists them; a person has a handful, so all are shown.
            let c = &client;
            let result = all_pages(ListQuery::new(), |q| async move { c.list_api_keys(&q).await }).await;
            if latest.try_get_value() == Some(ticket) {
                keys.try_set(Some(result));
            }
        });
    };
    load();
    // An administrator's list holds other people's keys too; their names say whose.
    let directory = untrack(|| session.is_admin()).then(|| load_directory(true).0);

    let on_created = Callback::new(move |created: CreatedApiKey| {
        let CreatedApiKey { key, secret } = created;
        notice.set(None);
        failure.set(None);
        panel.set(Panel::Secret { name: key.name.clone(), secret });
        keys.update(|k| {
            if let Some(Ok(list)) = k {
                list.insert(0, key);
            }
        });
    });
    let close = Callback::new(move |()| panel.set(Panel::Closed));

    let top = move || match panel.get() {
        Panel::Closed => ().into_any(),
        Panel::Form => view! { <NewKeyForm on_created=on_created on_cancel=close /> }.into_any(),
        Panel::Secret { name, secret } => view! { <SecretPanel name=name secret=secret on_done=close /> }.into_any(),
    };

    view! {
        <div class="page">
            <AccountTabs />
            <PageHead title=Signal::derive(move || i18n.t(Key::ApiKeysTitle).to_owned()) lede=Key::ApiKeysLede>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="api-keys-new"
                    // Hidden while a secret is shown too: a second key would push it off the page.
                    hidden=move || panel.with(|p| *p != Panel::Closed)
                    on:click=move |_| {
                        notice.set(None);
                        failure.set(None);
                        panel.set(Panel::Form);
                    }
                >
                    {icon(Icon::Plus)}
                    <span>{tr(Key::ApiKeysNew)}</span>
                </button>
            </PageHead>
            <div class="stack">
                {top}
                <SuccessAlert text=Signal::derive(move || notice.with(|n| n.as_ref().map(|n| n.text(i18n)))) testid="notice" />
                <FormAlert error=failure errors=FieldErrors::new() testid="api-keys-failure" />
                <KeyList keys=keys directory=directory notice=notice failure=failure retry=Callback::new(move |()| load()) />
            </div>
        </div>
    }
}

#[component]
fn KeyList(
    keys: Keys,
    directory: Option<Loaded>,
    notice: RwSignal<Option<Notice>>,
    failure: RwSignal<Option<Key>>,
    retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let revoking = RwSignal::new(None::<Uuid>);
    let me = session.my_id();

    let revoke = move |id: Uuid, name: String| {
        if revoking.get_untracked().is_some() || !confirm(&i18n.t(Key::RevokeKeyBody).replace("{name}", &name)) {
            return;
        }
        notice.set(None);
        failure.set(None);
        revoking.set(Some(id));
        let client = session.client();
        spawn_local(async move {
            let result = client.revoke_api_key(&id.to_string()).await;
            revoking.try_set(None);
            match result {
                Ok(()) => {
                    // The server's own time comes with the next read; until then the browser's stands in.
                    let at = time::now();
                    keys.try_update(|k| {
                        let key =
                            k.as_mut().and_then(|r| r.as_mut().ok()).and_then(|l| l.iter_mut().find(|k| k.id == id));
                        if let Some(key) = key {
                            key.revoked_at.get_or_insert(at);
                        }
                    });
                    notice.try_set(Some(Notice::new(Key::ApiKeyRevokedNotice, name)));
                }
                Err(e) => {
                    failure.try_set(Some(Key::for_error(&e)));
                }
            }
        });
    };

    let owner = move |id: Uuid| -> Option<String> {
        if Some(id) == me {
            return None;
        }
        directory?.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).and_then(|d| d.user(id)).map(|u| u.name.clone()))
    };

    move || match keys.get() {
        None => view! { <Loading testid="api-keys-loading" /> }.into_any(),
        Some(Err(e)) => {
            view! { <LoadFailed error=Key::for_error(&e) retry=retry testid="api-keys-error" /> }.into_any()
        }
        Some(Ok(list)) if list.is_empty() => view! {
            <div class="state" data-testid="api-keys-empty">
                <span class="state-icon">
                    {icon(Icon::Key)}
                </span>
                <p class="state-title">{tr(Key::ApiKeysEmpty)}</p>
                <p class="state-hint">{tr(Key::ApiKeysEmptyHint)}</p>
            </div>
        }
        .into_any(),
        Some(Ok(list)) => {
            let now = time::now();
            let rows = list
                .into_iter()
                .map(|key| {
                    let owner_id = key.owner_id;
                    let owner = Signal::derive(move || owner(owner_id));
                    key_row(key, now, owner, revoking, revoke)
                })
                .collect_view();
            view! {
                <ul class="list" data-testid="api-keys-list">
                    {rows}
                </ul>
            }
            .into_any()
        }
    }
}

fn key_row(
    key: ApiKey,
    now: DateTime<Utc>,
    owner: Signal<Option<String>>,
    revoking: RwSignal<Option<Uuid>>,
    revoke: impl Fn(Uuid, String) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = state(&key, now);
    let (badge, badge_class, state_name) = match state {
        State::Active => (Key::ApiKeyActive, "badge badge-success", "active"),
        State::Expired => (Key::ApiKeyExpired, "badge badge-muted", "expired"),
        State::Revoked => (Key::ApiKeyRevoked, "badge badge-muted", "revoked"),
    };
    let ApiKey { id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at, .. } = key;
    let expiry = move || expiry_fact(i18n, state, expires_at, revoked_at);
    let used = move || match last_used_at {
        Some(t) => dated(i18n, Key::ApiKeyLastUsed, t, true),
        None => i18n.t(Key::ApiKeyNeverUsed).to_owned(),
    };
    let created = move || dated(i18n, Key::ApiKeyCreatedOn, created_at, false);
    let owner_text = move || owner.get().map(|o| i18n.t(Key::ApiKeyOwner).replace("{name}", &o));
    let chips = scopes.into_iter().map(|s| view! { <li class="chip">{s}</li> }).collect_view();
    let action = (state != State::Revoked).then(|| {
        let busy = move || revoking.get() == Some(id);
        view! {
            <button
                type="button"
                class="btn btn-sm btn-danger-ghost"
                data-testid="api-key-revoke"
                disabled=move || revoking.get().is_some()
                aria-busy=move || busy().to_string()
                on:click={
                    let name = name.clone();
                    move |_| revoke(id, name.clone())
                }
            >
                <span class="spinner" aria-hidden="true"></span>
                <span>{move || i18n.t(if busy() { Key::Revoking } else { Key::Revoke })}</span>
            </button>
        }
    });
    view! {
        <li class="key-row" data-testid="api-key-row" data-state=state_name>
            <span class="avatar avatar-square key-mark" aria-hidden="true">
                {icon(Icon::Key)}
            </span>
            <div class="key-main">
                <p class="list-title">
                    <span class="list-name" data-testid="api-key-name">{name.clone()}</span>
                    <span class=badge_class data-testid="api-key-state">{tr(badge)}</span>
                </p>
                <code class="key-prefix" data-testid="api-key-prefix">{format!("{prefix}…")}</code>
                <ul class="chips" aria-label=tr(Key::ScopesLabel)>{chips}</ul>
                <p class="key-facts">
                    <span>{expiry}</span>
                    <span>{used}</span>
                    <span>{created}</span>
                    <span hidden=move || owner.with(Option::is_none)>{owner_text}</span>
                </p>
            </div>
            <div class="key-actions">{action}</div>
        </li>
    }
}

/// `key`, a template with `{date}`, filled in with `t` in the current language.
fn dated(i18n: I18n, key: Key, t: DateTime<Utc>, with_time: bool) -> String {
    let lang = i18n.lang();
    let text = if with_time { time::day_and_time(t, lang) } else { time::day(t, lang) };
    i18n.t(key).replace("{date}", &text)
}

/// When the key stopped working or will stop; a revoked key's expiry no longer matters.
fn expiry_fact(
    i18n: I18n,
    state: State,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
) -> String {
    match (state, revoked_at, expires_at) {
        (State::Revoked, Some(t), _) => dated(i18n, Key::ApiKeyRevokedOn, t, false),
        (State::Expired, _, Some(t)) => dated(i18n, Key::ApiKeyExpiredOn, t, false),
        (_, _, Some(t)) => dated(i18n, Key::ApiKeyExpiresOn, t, false),
        (_, _, None) => i18n.t(Key::ApiKeyNoExpiry).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ApiKey {
        let when = DateTime::UNIX_EPOCH;
        ApiKey {
            object: "api_key".into(),
            id: Uuid::nil(),
            owner_id: Uuid::nil(),
            name: "Website".into(),
            prefix: "kehu_abcdefg".into(),
            scopes: vec!["customers:read".into()],
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
            created_at: when,
            created_by: None,
        }
    }

    #[test]
    fn revoked_wins_over_expired() {
        let now = DateTime::UNIX_EPOCH + chrono::Duration::days(10);
        assert_eq!(state(&key(), now), State::Active);
        let later = Some(now + chrono::Duration::days(1));
        assert_eq!(state(&ApiKey { expires_at: later, ..key() }, now), State::Active);
        let past = Some(now - chrono::Duration::days(1));
        assert_eq!(state(&ApiKey { expires_at: past, ..key() }, now), State::Expired);
        assert_eq!(state(&ApiKey { expires_at: past, revoked_at: past, ..key() }, now), State::Revoked);
    }
}
